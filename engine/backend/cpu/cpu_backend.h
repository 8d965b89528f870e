// The CPU backend: the reference implementation of every Backend operation.
//
// Memory: Alloc returns 64-byte aligned, zero-filled host memory. UploadWeight does not copy: the
// tensor points at the view's bytes (usually a MappedFile), which must stay alive and unchanged
// until the tensor is freed or the backend destroyed. Free on such a tensor only forgets it.
//
// Threads: each backend owns a pool of n_threads (0: ENCLAVE_THREADS, else one per hardware
// thread). A backend is used by one thread at a time, like every Backend.
//
// Kernels: AVX2/FMA/F16C inner loops are chosen at run time when the CPU has them; plain C++
// ones otherwise, or when ENCLAVE_CPU_SCALAR=1 is set, or with CpuBackendOptions::force_scalar.
#pragma once

#include <memory>
#include <string>

#include "backend/backend.h"

namespace enclave {

struct CpuBackendOptions {
  int n_threads = 0;          // 0: ENCLAVE_THREADS, else all hardware threads
  bool force_scalar = false;  // use the plain C++ kernels even where AVX2 is available
};

Expected<std::unique_ptr<Backend>> CreateCpuBackend(int n_threads);
Expected<std::unique_ptr<Backend>> CreateCpuBackend(const CpuBackendOptions& options);
std::string CpuDescription();   // e.g. "AMD EPYC 7B13 (2 threads, AVX2)"
int64_t HostMemoryBytes();      // MemTotal

}  // namespace enclave
