// GpuProvider over NVML, loaded with dlopen so the engine has no link-time dependency on the
// driver. The declarations below are the subset of nvml.h this uses (stable C ABI; struct
// layouts as in nvml.h of CUDA 11-12).
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "hw/gpu_provider.h"

namespace enclave::hw {
namespace {

using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_INSUFFICIENT_SIZE = 7;
constexpr unsigned NVML_TEMPERATURE_GPU = 0;
constexpr unsigned NVML_CLOCK_SM = 1;
constexpr unsigned NVML_CLOCK_MEM = 2;
constexpr unsigned NVML_PCIE_UTIL_TX_BYTES = 0;
constexpr unsigned NVML_PCIE_UTIL_RX_BYTES = 1;
constexpr unsigned long long NVML_VALUE_NOT_AVAILABLE = ~0ull;

struct nvmlMemory_t {
  unsigned long long total, free, used;
};
// v2 separates driver-reserved memory from `used` (what nvidia-smi shows).
struct nvmlMemory_v2_t {
  unsigned version;
  unsigned long long total, reserved, free, used;
};
constexpr unsigned kNvmlMemoryV2 = static_cast<unsigned>(sizeof(nvmlMemory_v2_t)) | (2u << 24);
struct nvmlUtilization_t {
  unsigned gpu, memory;
};
struct nvmlPciInfo_t {
  char busIdLegacy[16];
  unsigned domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
};
struct nvmlProcessInfo_t {  // the _v2/_v3 layout
  unsigned pid;
  unsigned long long usedGpuMemory;
  unsigned gpuInstanceId, computeInstanceId;
};

// The NVML entry points, resolved from the library.
struct NvmlApi {
  nvmlReturn_t (*Init)() = nullptr;
  nvmlReturn_t (*Shutdown)() = nullptr;
  const char* (*ErrorString)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*SystemGetDriverVersion)(char*, unsigned) = nullptr;
  nvmlReturn_t (*SystemGetNVMLVersion)(char*, unsigned) = nullptr;
  nvmlReturn_t (*SystemGetCudaDriverVersion)(int*) = nullptr;
  nvmlReturn_t (*DeviceGetCount)(unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetHandleByIndex)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*DeviceGetName)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*DeviceGetUUID)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*DeviceGetPciInfo)(nvmlDevice_t, nvmlPciInfo_t*) = nullptr;
  nvmlReturn_t (*DeviceGetMemoryInfo)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*DeviceGetMemoryInfoV2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*DeviceGetUtilizationRates)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*DeviceGetTemperature)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetPowerUsage)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetEnforcedPowerLimit)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetClockInfo)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetMaxClockInfo)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetFanSpeed)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetPcieThroughput)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetCurrPcieLinkGeneration)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetCurrPcieLinkWidth)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*DeviceGetThrottleReasons)(nvmlDevice_t, unsigned long long*) = nullptr;
  nvmlReturn_t (*DeviceGetComputeProcesses)(nvmlDevice_t, unsigned*, nvmlProcessInfo_t*) = nullptr;
  nvmlReturn_t (*DeviceGetGraphicsProcesses)(nvmlDevice_t, unsigned*, nvmlProcessInfo_t*) = nullptr;
};

template <typename Fn>
void Resolve(void* lib, Fn* fn, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (void* sym = dlsym(lib, name)) {
      *fn = reinterpret_cast<Fn>(sym);
      return;
    }
  }
}

std::string ProcessName(unsigned pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

class NvmlProvider : public GpuProvider {
 public:
  NvmlProvider() { Open(); }
  ~NvmlProvider() override {
    if (initialized_ && api_.Shutdown) api_.Shutdown();
    if (lib_) dlclose(lib_);
  }

  bool available() const override { return !devices_.empty(); }
  std::string unavailable_reason() const override { return reason_; }
  DriverInfo driver() const override { return driver_; }
  const std::vector<GpuInfo>& devices() const override { return devices_; }

  Status Read(uint32_t index, GpuReading* out) override {
    if (index >= handles_.size()) return InvalidArgument("no GPU " + std::to_string(index));
    nvmlDevice_t d = handles_[index];
    GpuReading r;
    r.index = index;
    nvmlMemory_v2_t mem2{};
    mem2.version = kNvmlMemoryV2;
    if (Ok(api_.DeviceGetMemoryInfoV2, d, &mem2)) {
      r.memory_total_bytes = mem2.total;
      r.memory_used_bytes = mem2.used;
    } else {
      nvmlMemory_t mem{};
      const nvmlReturn_t rc = api_.DeviceGetMemoryInfo(d, &mem);
      if (rc != NVML_SUCCESS) return DeviceError("GPU " + std::to_string(index) + ": " + Error(rc));
      r.memory_total_bytes = mem.total;
      r.memory_used_bytes = mem.used;
    }
    nvmlUtilization_t util{};
    if (Ok(api_.DeviceGetUtilizationRates, d, &util)) {
      r.util_gpu_pct = util.gpu;
      r.util_mem_pct = util.memory;
    }
    unsigned v = 0;
    if (Ok(api_.DeviceGetTemperature, d, NVML_TEMPERATURE_GPU, &v)) r.temperature_c = v;
    if (Ok(api_.DeviceGetPowerUsage, d, &v)) r.power_w = v / 1000.0;
    if (Ok(api_.DeviceGetEnforcedPowerLimit, d, &v)) r.power_limit_w = v / 1000.0;
    if (Ok(api_.DeviceGetClockInfo, d, NVML_CLOCK_SM, &v)) r.sm_clock_mhz = v;
    if (Ok(api_.DeviceGetClockInfo, d, NVML_CLOCK_MEM, &v)) r.mem_clock_mhz = v;
    if (Ok(api_.DeviceGetFanSpeed, d, &v)) r.fan_pct = v;
    if (Ok(api_.DeviceGetPcieThroughput, d, NVML_PCIE_UTIL_RX_BYTES, &v)) r.pcie_rx_bytes_s = v * 1024.0;
    if (Ok(api_.DeviceGetPcieThroughput, d, NVML_PCIE_UTIL_TX_BYTES, &v)) r.pcie_tx_bytes_s = v * 1024.0;
    unsigned long long reasons = 0;
    if (Ok(api_.DeviceGetThrottleReasons, d, &reasons)) r.throttle_reasons = reasons;
    *out = r;
    return Status::Ok();
  }

  Expected<std::vector<GpuProcess>> Processes(uint32_t index) override {
    if (index >= handles_.size()) return InvalidArgument("no GPU " + std::to_string(index));
    std::vector<GpuProcess> out;
    const unsigned self = static_cast<unsigned>(getpid());
    for (auto* query : {api_.DeviceGetComputeProcesses, api_.DeviceGetGraphicsProcesses}) {
      if (!query) continue;
      std::vector<nvmlProcessInfo_t> infos(64);
      unsigned count = static_cast<unsigned>(infos.size());
      nvmlReturn_t rc = query(handles_[index], &count, infos.data());
      if (rc == NVML_ERROR_INSUFFICIENT_SIZE) {
        infos.resize(count + 16);
        count = static_cast<unsigned>(infos.size());
        rc = query(handles_[index], &count, infos.data());
      }
      if (rc != NVML_SUCCESS) continue;
      for (unsigned i = 0; i < count; ++i) {
        const nvmlProcessInfo_t& p = infos[i];
        auto same = [&](const GpuProcess& g) { return g.pid == p.pid; };
        if (std::find_if(out.begin(), out.end(), same) != out.end()) continue;  // compute + graphics
        GpuProcess gp;
        gp.pid = p.pid;
        gp.name = ProcessName(p.pid);
        gp.used_bytes = p.usedGpuMemory == NVML_VALUE_NOT_AVAILABLE ? 0 : p.usedGpuMemory;
        gp.is_self = p.pid == self;
        out.push_back(std::move(gp));
      }
    }
    return out;
  }

 private:
  template <typename Fn, typename... A>
  static bool Ok(Fn fn, A... args) {
    return fn && fn(args...) == NVML_SUCCESS;
  }
  std::string Error(nvmlReturn_t rc) const {
    return api_.ErrorString ? api_.ErrorString(rc) : "NVML error " + std::to_string(rc);
  }

  void Open() {
    lib_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib_) {
      reason_ = "No NVIDIA GPU detected (libnvidia-ml.so.1 not found: no NVIDIA driver installed)";
      return;
    }
    Resolve(lib_, &api_.Init, {"nvmlInit_v2", "nvmlInit"});
    Resolve(lib_, &api_.Shutdown, {"nvmlShutdown"});
    Resolve(lib_, &api_.ErrorString, {"nvmlErrorString"});
    Resolve(lib_, &api_.SystemGetDriverVersion, {"nvmlSystemGetDriverVersion"});
    Resolve(lib_, &api_.SystemGetNVMLVersion, {"nvmlSystemGetNVMLVersion"});
    Resolve(lib_, &api_.SystemGetCudaDriverVersion, {"nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"});
    Resolve(lib_, &api_.DeviceGetCount, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"});
    Resolve(lib_, &api_.DeviceGetHandleByIndex, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
    Resolve(lib_, &api_.DeviceGetName, {"nvmlDeviceGetName"});
    Resolve(lib_, &api_.DeviceGetUUID, {"nvmlDeviceGetUUID"});
    Resolve(lib_, &api_.DeviceGetPciInfo, {"nvmlDeviceGetPciInfo_v3"});
    Resolve(lib_, &api_.DeviceGetMemoryInfo, {"nvmlDeviceGetMemoryInfo"});
    Resolve(lib_, &api_.DeviceGetMemoryInfoV2, {"nvmlDeviceGetMemoryInfo_v2"});
    Resolve(lib_, &api_.DeviceGetUtilizationRates, {"nvmlDeviceGetUtilizationRates"});
    Resolve(lib_, &api_.DeviceGetTemperature, {"nvmlDeviceGetTemperature"});
    Resolve(lib_, &api_.DeviceGetPowerUsage, {"nvmlDeviceGetPowerUsage"});
    Resolve(lib_, &api_.DeviceGetEnforcedPowerLimit, {"nvmlDeviceGetEnforcedPowerLimit"});
    Resolve(lib_, &api_.DeviceGetClockInfo, {"nvmlDeviceGetClockInfo"});
    Resolve(lib_, &api_.DeviceGetMaxClockInfo, {"nvmlDeviceGetMaxClockInfo"});
    Resolve(lib_, &api_.DeviceGetFanSpeed, {"nvmlDeviceGetFanSpeed"});
    Resolve(lib_, &api_.DeviceGetPcieThroughput, {"nvmlDeviceGetPcieThroughput"});
    Resolve(lib_, &api_.DeviceGetCurrPcieLinkGeneration, {"nvmlDeviceGetCurrPcieLinkGeneration"});
    Resolve(lib_, &api_.DeviceGetCurrPcieLinkWidth, {"nvmlDeviceGetCurrPcieLinkWidth"});
    Resolve(lib_, &api_.DeviceGetThrottleReasons,
            {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"});
    Resolve(lib_, &api_.DeviceGetComputeProcesses,
            {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"});
    Resolve(lib_, &api_.DeviceGetGraphicsProcesses,
            {"nvmlDeviceGetGraphicsRunningProcesses_v3", "nvmlDeviceGetGraphicsRunningProcesses_v2"});
    if (!api_.Init || !api_.DeviceGetCount || !api_.DeviceGetHandleByIndex || !api_.DeviceGetMemoryInfo) {
      reason_ = "No NVIDIA GPU detected (libnvidia-ml.so.1 lacks the NVML entry points this needs)";
      return;
    }
    if (const nvmlReturn_t rc = api_.Init(); rc != NVML_SUCCESS) {
      reason_ = "No NVIDIA GPU detected (NVML could not initialise: " + Error(rc) + ")";
      return;
    }
    initialized_ = true;
    char text[96] = {};
    if (Ok(api_.SystemGetDriverVersion, text, static_cast<unsigned>(sizeof(text)))) driver_.driver_version = text;
    if (Ok(api_.SystemGetNVMLVersion, text, static_cast<unsigned>(sizeof(text)))) driver_.nvml_version = text;
    int cuda = 0;
    if (Ok(api_.SystemGetCudaDriverVersion, &cuda))
      driver_.cuda_version = std::to_string(cuda / 1000) + "." + std::to_string(cuda % 1000 / 10);
    unsigned count = 0;
    if (const nvmlReturn_t rc = api_.DeviceGetCount(&count); rc != NVML_SUCCESS || count == 0) {
      reason_ = "No NVIDIA GPU detected (the driver reports no devices)";
      return;
    }
    for (unsigned i = 0; i < count; ++i) {
      nvmlDevice_t d = nullptr;
      if (api_.DeviceGetHandleByIndex(i, &d) != NVML_SUCCESS) continue;
      GpuInfo info;
      info.index = static_cast<uint32_t>(devices_.size());
      if (Ok(api_.DeviceGetName, d, text, static_cast<unsigned>(sizeof(text)))) info.name = text;
      if (Ok(api_.DeviceGetUUID, d, text, static_cast<unsigned>(sizeof(text)))) info.uuid = text;
      nvmlPciInfo_t pci{};
      if (Ok(api_.DeviceGetPciInfo, d, &pci)) info.pci_bus_id = pci.busId;
      nvmlMemory_t mem{};
      if (Ok(api_.DeviceGetMemoryInfo, d, &mem)) info.memory_total_bytes = mem.total;
      unsigned v = 0;
      if (Ok(api_.DeviceGetEnforcedPowerLimit, d, &v)) info.power_limit_w = v / 1000.0;
      if (Ok(api_.DeviceGetMaxClockInfo, d, NVML_CLOCK_SM, &v)) info.max_sm_clock_mhz = v;
      if (Ok(api_.DeviceGetMaxClockInfo, d, NVML_CLOCK_MEM, &v)) info.max_mem_clock_mhz = v;
      if (Ok(api_.DeviceGetCurrPcieLinkGeneration, d, &v)) info.pcie_gen = v;
      if (Ok(api_.DeviceGetCurrPcieLinkWidth, d, &v)) info.pcie_width = v;
      devices_.push_back(std::move(info));
      handles_.push_back(d);
    }
    if (devices_.empty()) reason_ = "No NVIDIA GPU detected (no device answered NVML)";
  }

  void* lib_ = nullptr;
  bool initialized_ = false;
  NvmlApi api_;
  std::string reason_;
  DriverInfo driver_;
  std::vector<GpuInfo> devices_;
  std::vector<nvmlDevice_t> handles_;  // parallel to devices_
};

}  // namespace

std::unique_ptr<GpuProvider> OpenNvmlProvider() { return std::make_unique<NvmlProvider>(); }

}  // namespace enclave::hw
