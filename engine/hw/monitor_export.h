// Monitor samples as JSON (enclave-cli gpu --json, one object per line) and CSV (the Monitor
// page's export). Absent readings are null in JSON and empty cells in CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hw/gpu_monitor.h"

namespace enclave::hw {

// {"t_s", "unix_ms", "gpus": [{index, name, uuid, memory_used_bytes, ...}], "host": {...},
//  "engine": {...}}; `devices` names the GPUs (same order as sample.gpus).
nlohmann::json SampleToJson(const MonitorSample& sample, const std::vector<GpuInfo>& devices);

// The whole state for a one-shot snapshot: availability, driver, devices, processes, sample.
nlohmann::json SnapshotToJson(const GpuState& state, const DriverInfo& driver,
                              const std::vector<GpuInfo>& devices,
                              const std::vector<std::vector<GpuProcess>>& processes,
                              const MonitorSample& sample);

// Header line and one line per sample per GPU (a host-only line when there is no GPU).
std::string SamplesToCsv(const std::vector<MonitorSample>& samples);

}  // namespace enclave::hw
