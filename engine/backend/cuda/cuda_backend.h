// The CUDA backend (host side): device memory, streams, cuBLAS, graphs; kernels live in kernels/.
#pragma once

#include <memory>
#include <vector>

#include "backend/backend.h"

namespace enclave {

// Fails with a clear message when no driver or device is present (never aborts).
Expected<std::unique_ptr<Backend>> CreateCudaBackend(int device_index);
std::vector<DeviceInfo> ListCudaDevices();  // empty without a driver

}  // namespace enclave
