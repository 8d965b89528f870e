// Device discovery: a build with CUDA on a machine without a driver lists no devices.
#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "backend/cuda/cuda_backend.h"

namespace enclave {

std::vector<DeviceInfo> ListCudaDevices() {
  std::vector<DeviceInfo> devices;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error for later calls
    return devices;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    devices.push_back({"cuda:" + std::to_string(i), prop.name, static_cast<int64_t>(prop.totalGlobalMem)});
  }
  return devices;
}

}  // namespace enclave
