// Compiled-in CUDA architectures, reported by `enclave-cli --version`.
#include <cuda_runtime.h>

extern "C" int enclave_kernels_cuda_runtime_version() {
  return CUDART_VERSION;
}
