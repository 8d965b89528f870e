#include "hw/monitor_alerts.h"

#include <cstdio>

namespace enclave::hw {
namespace {

std::string Format(const char* fmt, double a, double b, int gpu) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), fmt, gpu, a, b);
  return buf;
}

}  // namespace

std::vector<MonitorAlert> CheckAlerts(const MonitorSample& s, const AlertThresholds& t) {
  std::vector<MonitorAlert> alerts;
  for (const GpuReading& r : s.gpus) {
    const int gpu = static_cast<int>(r.index);
    if (r.temperature_c && *r.temperature_c >= t.gpu_temperature_c) {
      alerts.push_back({MonitorAlert::Kind::kGpuTemperature, gpu,
                        Format("GPU %d: %.0f C (alert at %.0f C)", *r.temperature_c, t.gpu_temperature_c, gpu)});
    }
    if (r.memory_total_bytes > 0) {
      const double used = static_cast<double>(r.memory_used_bytes) / static_cast<double>(r.memory_total_bytes);
      if (used >= t.vram_used_fraction) {
        alerts.push_back({MonitorAlert::Kind::kVramNearlyFull, gpu,
                          Format("GPU %d: VRAM %.0f%% full (alert at %.0f%%)", 100.0 * used,
                                 100.0 * t.vram_used_fraction, gpu)});
      }
    }
    if (r.throttle_reasons && (*r.throttle_reasons & (kThrottleSwThermal | kThrottleHwThermal))) {
      alerts.push_back({MonitorAlert::Kind::kThermalThrottle, gpu,
                        "GPU " + std::to_string(gpu) + ": clocks reduced by " + ThrottleReasonsText(*r.throttle_reasons)});
    }
  }
  if (s.host.ram_total_bytes > 0) {
    const double used = 1.0 - static_cast<double>(s.host.ram_available_bytes) / static_cast<double>(s.host.ram_total_bytes);
    if (used >= t.ram_used_fraction) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), "RAM %.0f%% in use (alert at %.0f%%)", 100.0 * used, 100.0 * t.ram_used_fraction);
      alerts.push_back({MonitorAlert::Kind::kRamNearlyFull, -1, buf});
    }
  }
  return alerts;
}

}  // namespace enclave::hw
