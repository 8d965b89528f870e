// A scripted GpuProvider: fixed devices whose readings follow simple deterministic curves
// (or values a test sets), for tests and for developing the Monitor page without a GPU.
#pragma once

#include <mutex>
#include <vector>

#include "hw/gpu_provider.h"

namespace enclave::hw {

class FakeGpuProvider : public GpuProvider {
 public:
  // `device_count` devices named "Fake GPU <i>" with 24 GiB each; 0 devices behaves like a
  // machine without a GPU (available() == false).
  explicit FakeGpuProvider(uint32_t device_count = 1);

  bool available() const override { return !devices_.empty(); }
  std::string unavailable_reason() const override;
  DriverInfo driver() const override;
  const std::vector<GpuInfo>& devices() const override { return devices_; }
  Status Read(uint32_t index, GpuReading* out) override;
  Expected<std::vector<GpuProcess>> Processes(uint32_t index) override;

  // Pins the next readings of one device to `reading` (its index field is overwritten).
  void SetReading(uint32_t index, const GpuReading& reading);
  void SetProcesses(uint32_t index, std::vector<GpuProcess> processes);
  // Makes Read() of `index` fail from now on (a GPU that fell off the bus).
  void SetFailing(uint32_t index, bool failing);
  // How many times Read() was called (all devices): lets tests check the sampler's rate.
  uint64_t read_count() const;

 private:
  mutable std::mutex mu_;
  std::vector<GpuInfo> devices_;
  std::vector<std::optional<GpuReading>> pinned_;   // per device
  std::vector<std::vector<GpuProcess>> processes_;  // per device
  std::vector<bool> failing_;                       // per device
  std::vector<uint64_t> ticks_;                     // per device: reads so far (drives the curves)
  uint64_t read_count_ = 0;
};

}  // namespace enclave::hw
