// Threshold alerts for the Monitor page's status bar: a GPU running hot, VRAM or host RAM
// nearly full. Pure function of one sample, so the UI and tests agree on when to warn.
#pragma once

#include <string>
#include <vector>

#include "hw/monitor_sample.h"

namespace enclave::hw {

struct AlertThresholds {
  double gpu_temperature_c = 85.0;
  double vram_used_fraction = 0.95;
  double ram_used_fraction = 0.95;
};

struct MonitorAlert {
  enum class Kind { kGpuTemperature, kVramNearlyFull, kRamNearlyFull, kThermalThrottle };
  Kind kind;
  int gpu = -1;         // GPU index, -1 for the host
  std::string message;  // "GPU 0: 91 C (alert at 85 C)"
};

std::vector<MonitorAlert> CheckAlerts(const MonitorSample& sample, const AlertThresholds& thresholds = {});

}  // namespace enclave::hw
