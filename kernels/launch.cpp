// Whether kernels are launched with programmatic dependent launch (common.cuh: Launch).
#include <cstdlib>
#include <cstring>

namespace enclave::kernels {

bool PdlEnabled() {
  static const bool enabled = [] {
    const char* e = std::getenv("ENCLAVE_CUDA_PDL");
    return !(e && std::strcmp(e, "0") == 0);
  }();
  return enabled;
}

}  // namespace enclave::kernels
