// What the monitor records: per-GPU readings, host CPU/RAM, and the engine's own activity,
// all stamped on one timeline. Values a driver does not report are empty optionals (the UI
// shows "n/a"; JSON writes null).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace enclave::hw {

// Static facts about one GPU (read once when the provider opens).
struct GpuInfo {
  uint32_t index = 0;
  std::string name;           // "NVIDIA H100 80GB HBM3"
  std::string uuid;           // "GPU-6f1c..."
  std::string pci_bus_id;     // "00000000:18:00.0"
  uint64_t memory_total_bytes = 0;
  std::optional<double> power_limit_w;      // enforced power limit
  std::optional<uint32_t> max_sm_clock_mhz;
  std::optional<uint32_t> max_mem_clock_mhz;
  std::optional<uint32_t> pcie_gen;         // current link generation
  std::optional<uint32_t> pcie_width;       // current link width (lanes)
};

struct DriverInfo {
  std::string driver_version;  // "550.54.15"
  std::string cuda_version;    // "12.4" (highest CUDA the driver supports)
  std::string nvml_version;
};

// One process holding memory on a GPU.
struct GpuProcess {
  uint32_t pid = 0;
  std::string name;            // from /proc/<pid>/comm when readable
  uint64_t used_bytes = 0;
  bool is_self = false;        // this process (highlighted by the UI)
};

// NVML clock-event ("throttle") reason bits, as nvmlClocksEventReasons defines them.
enum ThrottleReason : uint64_t {
  kThrottleGpuIdle = 0x1,
  kThrottleAppClocksSetting = 0x2,
  kThrottleSwPowerCap = 0x4,
  kThrottleHwSlowdown = 0x8,
  kThrottleSyncBoost = 0x10,
  kThrottleSwThermal = 0x20,
  kThrottleHwThermal = 0x40,
  kThrottleHwPowerBrake = 0x80,
  kThrottleDisplayClocks = 0x100,
};
// "sw_power_cap,hw_thermal" ("" for none); idle is reported as "idle".
std::string ThrottleReasonsText(uint64_t reasons);

// One GPU at one instant.
struct GpuReading {
  uint32_t index = 0;
  std::optional<double> util_gpu_pct;       // kernel time share over the driver's window
  std::optional<double> util_mem_pct;       // memory-controller busy share
  uint64_t memory_used_bytes = 0;
  uint64_t memory_total_bytes = 0;
  std::optional<double> temperature_c;
  std::optional<double> power_w;
  std::optional<double> power_limit_w;
  std::optional<uint32_t> sm_clock_mhz;
  std::optional<uint32_t> mem_clock_mhz;
  std::optional<double> fan_pct;            // empty on passively cooled datacenter boards
  std::optional<double> pcie_rx_bytes_s;
  std::optional<double> pcie_tx_bytes_s;
  std::optional<uint64_t> throttle_reasons; // ThrottleReason bits
};

// Host-wide and this-process CPU and memory, from /proc.
struct HostReading {
  std::optional<double> cpu_util_pct;       // all cores, 0..100, since the previous reading
  uint32_t cpu_count = 0;
  uint64_t ram_total_bytes = 0;
  uint64_t ram_available_bytes = 0;         // MemAvailable
  std::optional<double> process_cpu_pct;    // this process, % of ONE core (may exceed 100)
  uint64_t process_rss_bytes = 0;
};

enum class EnginePhase { kIdle, kLoading, kPrefill, kDecode };
const char* EnginePhaseName(EnginePhase phase);  // "idle", "loading", "prefill", "decode"

// What the engine publishes about itself (see EngineTelemetry).
struct EngineReading {
  EnginePhase phase = EnginePhase::kIdle;
  double tokens_per_s = 0.0;        // of the current phase (prefill or decode)
  int64_t kv_used_tokens = 0;       // tokens held in the KV cache
  int64_t kv_capacity_tokens = 0;   // context the cache was allocated for
  uint64_t kv_bytes = 0;            // bytes the KV cache occupies
  uint64_t vram_bytes = 0;          // device bytes the engine holds (weights + KV + scratch)
};

// One tick of the sampler.
struct MonitorSample {
  double t_s = 0.0;                 // seconds since the monitor started (steady clock)
  int64_t unix_ms = 0;              // wall clock, for export
  std::vector<GpuReading> gpus;     // one per GpuInfo, same order; empty without a GPU
  HostReading host;
  EngineReading engine;
};

}  // namespace enclave::hw
