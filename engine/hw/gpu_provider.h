// Where GPU readings come from. The monitor talks to this interface only, so the real NVML
// provider and a scripted fake (tests, UI development without a GPU) are interchangeable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "hw/monitor_sample.h"

namespace enclave::hw {

class GpuProvider {
 public:
  virtual ~GpuProvider() = default;

  // False when there is no usable GPU (no driver, no device, NVML failed to initialise).
  virtual bool available() const = 0;
  // The one-line state for the user when !available(): "No NVIDIA GPU detected (...)".
  virtual std::string unavailable_reason() const = 0;
  virtual DriverInfo driver() const = 0;
  virtual const std::vector<GpuInfo>& devices() const = 0;

  // Current values of device `index` (position in devices()). Fields the device does not
  // report stay empty; an error means the device stopped answering (e.g. fell off the bus).
  virtual Status Read(uint32_t index, GpuReading* out) = 0;
  // Processes holding memory on device `index` (compute and graphics), this process flagged.
  virtual Expected<std::vector<GpuProcess>> Processes(uint32_t index) = 0;
};

// NVML loaded at run time with dlopen("libnvidia-ml.so.1"): no link-time dependency, and on
// a machine without the driver this returns a provider with available() == false.
std::unique_ptr<GpuProvider> OpenNvmlProvider();

}  // namespace enclave::hw
