#include "hw/fake_gpu_provider.h"

#include <unistd.h>

#include <cmath>

namespace enclave::hw {

FakeGpuProvider::FakeGpuProvider(uint32_t device_count) {
  for (uint32_t i = 0; i < device_count; ++i) {
    GpuInfo info;
    info.index = i;
    info.name = "Fake GPU " + std::to_string(i);
    info.uuid = "GPU-00000000-0000-0000-0000-00000000000" + std::to_string(i);
    info.pci_bus_id = "00000000:0" + std::to_string(i) + ":00.0";
    info.memory_total_bytes = 24ull << 30;
    info.power_limit_w = 300.0;
    info.max_sm_clock_mhz = 2100;
    info.max_mem_clock_mhz = 10000;
    info.pcie_gen = 4;
    info.pcie_width = 16;
    devices_.push_back(info);
  }
  pinned_.resize(device_count);
  processes_.resize(device_count);
  failing_.resize(device_count, false);
  ticks_.resize(device_count, 0);
}

std::string FakeGpuProvider::unavailable_reason() const {
  return available() ? "" : "No NVIDIA GPU detected (fake provider with no devices)";
}

DriverInfo FakeGpuProvider::driver() const { return {"000.00.00", "12.4", "12.000.00"}; }

Status FakeGpuProvider::Read(uint32_t index, GpuReading* out) {
  std::lock_guard lock(mu_);
  ++read_count_;
  if (index >= devices_.size()) return InvalidArgument("no GPU " + std::to_string(index));
  if (failing_[index]) return DeviceError("GPU " + std::to_string(index) + " stopped answering (fake)");
  if (pinned_[index]) {
    *out = *pinned_[index];
    out->index = index;
    return Status::Ok();
  }
  // Deterministic curves: a slow sine over 60 reads, offset per device.
  const double t = static_cast<double>(ticks_[index]++) + 10.0 * index;
  const double wave = 0.5 + 0.5 * std::sin(t * 2.0 * M_PI / 60.0);
  GpuReading r;
  r.index = index;
  r.util_gpu_pct = 100.0 * wave;
  r.util_mem_pct = 60.0 * wave;
  r.memory_total_bytes = devices_[index].memory_total_bytes;
  r.memory_used_bytes = static_cast<uint64_t>(static_cast<double>(r.memory_total_bytes) * (0.2 + 0.6 * wave));
  r.temperature_c = 40.0 + 40.0 * wave;
  r.power_w = 50.0 + 250.0 * wave;
  r.power_limit_w = devices_[index].power_limit_w;
  r.sm_clock_mhz = static_cast<uint32_t>(600 + 1500 * wave);
  r.mem_clock_mhz = 10000;
  r.fan_pct = 30.0 + 50.0 * wave;
  r.pcie_rx_bytes_s = 1e9 * wave;
  r.pcie_tx_bytes_s = 0.5e9 * wave;
  r.throttle_reasons = wave < 0.05 ? static_cast<uint64_t>(kThrottleGpuIdle) : 0;
  *out = r;
  return Status::Ok();
}

Expected<std::vector<GpuProcess>> FakeGpuProvider::Processes(uint32_t index) {
  std::lock_guard lock(mu_);
  if (index >= devices_.size()) return InvalidArgument("no GPU " + std::to_string(index));
  std::vector<GpuProcess> out = processes_[index];
  const uint32_t self = static_cast<uint32_t>(getpid());
  for (GpuProcess& p : out) p.is_self = p.pid == self;
  return out;
}

void FakeGpuProvider::SetReading(uint32_t index, const GpuReading& reading) {
  std::lock_guard lock(mu_);
  if (index < pinned_.size()) pinned_[index] = reading;
}

void FakeGpuProvider::SetProcesses(uint32_t index, std::vector<GpuProcess> processes) {
  std::lock_guard lock(mu_);
  if (index < processes_.size()) processes_[index] = std::move(processes);
}

void FakeGpuProvider::SetFailing(uint32_t index, bool failing) {
  std::lock_guard lock(mu_);
  if (index < failing_.size()) failing_[index] = failing;
}

uint64_t FakeGpuProvider::read_count() const {
  std::lock_guard lock(mu_);
  return read_count_;
}

}  // namespace enclave::hw
