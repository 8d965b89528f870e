#include "hw/monitor_sample.h"

#include <utility>

namespace enclave::hw {

const char* EnginePhaseName(EnginePhase phase) {
  switch (phase) {
    case EnginePhase::kIdle: return "idle";
    case EnginePhase::kLoading: return "loading";
    case EnginePhase::kPrefill: return "prefill";
    case EnginePhase::kDecode: return "decode";
  }
  return "idle";
}

std::string ThrottleReasonsText(uint64_t reasons) {
  static const std::pair<uint64_t, const char*> kNames[] = {
      {kThrottleGpuIdle, "idle"},
      {kThrottleAppClocksSetting, "app_clocks"},
      {kThrottleSwPowerCap, "sw_power_cap"},
      {kThrottleHwSlowdown, "hw_slowdown"},
      {kThrottleSyncBoost, "sync_boost"},
      {kThrottleSwThermal, "sw_thermal"},
      {kThrottleHwThermal, "hw_thermal"},
      {kThrottleHwPowerBrake, "hw_power_brake"},
      {kThrottleDisplayClocks, "display_clocks"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (reasons & bit) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

}  // namespace enclave::hw
