#include "backend/backend.h"

#include "backend/cpu/cpu_backend.h"
#ifdef ENCLAVE_HAVE_CUDA
#include "backend/cuda/cuda_backend.h"
#endif

namespace enclave {

Expected<std::unique_ptr<Backend>> CreateBackend(const BackendOptions& options) {
  const std::string& dev = options.device;
  if (dev.empty() || dev == "cpu") return CreateCpuBackend(options.n_threads);
  if (dev == "cuda" || dev.rfind("cuda:", 0) == 0) {
#ifdef ENCLAVE_HAVE_CUDA
    int index = 0;
    if (dev.size() > 5) {
      try {
        index = std::stoi(dev.substr(5));
      } catch (...) {
        return InvalidArgument("bad device '" + dev + "': expected cuda or cuda:N");
      }
    }
    return CreateCudaBackend(index);
#else
    return Unsupported("this build of Enclave has no CUDA support: use --device cpu, or install the CUDA build");
#endif
  }
  return InvalidArgument("unknown device '" + dev + "': expected cpu, cuda or cuda:N");
}

// ---- defaults of the ops a backend may not implement yet ---------------------------------------

void Backend::RecordUnsupportedOp(const char* op) {
  if (unsupported_op_.ok())
    unsupported_op_ = Unsupported(std::string(op) + " is not implemented by the " + name() +
                                  " backend yet: run this model with --device cpu");
}

void Backend::MatMulHeads(Tensor&, const Tensor&, const Tensor&) { RecordUnsupportedOp("MatMulHeads"); }
void Backend::CopyColumns(Tensor&, int64_t, const Tensor&, int64_t, int64_t, int64_t) {
  RecordUnsupportedOp("CopyColumns");
}
void Backend::LatentAttention(Tensor&, const Tensor&, const Tensor&, const Tensor&, const LatentAttentionParams&) {
  RecordUnsupportedOp("LatentAttention");
}
void Backend::MoeRoute(Tensor&, Tensor&, const Tensor&, const Tensor*, const MoeRoutingParams&) {
  RecordUnsupportedOp("MoeRoute");
}
void Backend::MoeFeedForward(Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                             const Tensor&) {
  RecordUnsupportedOp("MoeFeedForward");
}

std::vector<DeviceInfo> ListDevices() {
  std::vector<DeviceInfo> devices;
  devices.push_back({"cpu", CpuDescription(), HostMemoryBytes()});
#ifdef ENCLAVE_HAVE_CUDA
  for (DeviceInfo& d : ListCudaDevices()) devices.push_back(std::move(d));
#endif
  return devices;
}

}  // namespace enclave
