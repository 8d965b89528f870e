// The CPU backend: the reference implementation of every Backend operation.
#pragma once

#include <memory>
#include <string>

#include "backend/backend.h"

namespace enclave {

Expected<std::unique_ptr<Backend>> CreateCpuBackend(int n_threads);
std::string CpuDescription();   // e.g. "AMD EPYC 7B13 (2 threads, AVX2)"
int64_t HostMemoryBytes();      // MemTotal

}  // namespace enclave
