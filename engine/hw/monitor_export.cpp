#include "hw/monitor_export.h"

#include <cstdio>
#include <optional>

namespace enclave::hw {
namespace {

using nlohmann::json;

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json GpuReadingToJson(const GpuReading& r, const GpuInfo* info) {
  json j{{"index", r.index},
         {"memory_used_bytes", r.memory_used_bytes},
         {"memory_total_bytes", r.memory_total_bytes},
         {"util_gpu_pct", OrNull(r.util_gpu_pct)},
         {"util_mem_pct", OrNull(r.util_mem_pct)},
         {"temperature_c", OrNull(r.temperature_c)},
         {"power_w", OrNull(r.power_w)},
         {"power_limit_w", OrNull(r.power_limit_w)},
         {"sm_clock_mhz", OrNull(r.sm_clock_mhz)},
         {"mem_clock_mhz", OrNull(r.mem_clock_mhz)},
         {"fan_pct", OrNull(r.fan_pct)},
         {"pcie_rx_bytes_s", OrNull(r.pcie_rx_bytes_s)},
         {"pcie_tx_bytes_s", OrNull(r.pcie_tx_bytes_s)},
         {"throttle_reasons", r.throttle_reasons ? json(ThrottleReasonsText(*r.throttle_reasons)) : json(nullptr)}};
  if (info) {
    j["name"] = info->name;
    j["uuid"] = info->uuid;
  }
  return j;
}

json HostToJson(const HostReading& h) {
  return {{"cpu_util_pct", OrNull(h.cpu_util_pct)},
          {"cpu_count", h.cpu_count},
          {"ram_total_bytes", h.ram_total_bytes},
          {"ram_available_bytes", h.ram_available_bytes},
          {"process_cpu_pct", OrNull(h.process_cpu_pct)},
          {"process_rss_bytes", h.process_rss_bytes}};
}

json EngineToJson(const EngineReading& e) {
  return {{"phase", EnginePhaseName(e.phase)},
          {"tokens_per_s", e.tokens_per_s},
          {"kv_used_tokens", e.kv_used_tokens},
          {"kv_capacity_tokens", e.kv_capacity_tokens},
          {"kv_bytes", e.kv_bytes},
          {"vram_bytes", e.vram_bytes}};
}

template <typename T>
std::string Cell(const std::optional<T>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", static_cast<double>(*v));
  return buf;
}

}  // namespace

json SampleToJson(const MonitorSample& sample, const std::vector<GpuInfo>& devices) {
  json gpus = json::array();
  for (const GpuReading& r : sample.gpus)
    gpus.push_back(GpuReadingToJson(r, r.index < devices.size() ? &devices[r.index] : nullptr));
  return {{"t_s", sample.t_s}, {"unix_ms", sample.unix_ms}, {"gpus", gpus},
          {"host", HostToJson(sample.host)}, {"engine", EngineToJson(sample.engine)}};
}

json SnapshotToJson(const GpuState& state, const DriverInfo& driver, const std::vector<GpuInfo>& devices,
                    const std::vector<std::vector<GpuProcess>>& processes, const MonitorSample& sample) {
  json j = SampleToJson(sample, devices);
  j["available"] = state.available;
  j["message"] = state.message;
  j["driver"] = {{"driver_version", driver.driver_version},
                 {"cuda_version", driver.cuda_version},
                 {"nvml_version", driver.nvml_version}};
  for (size_t i = 0; i < j["gpus"].size() && i < devices.size(); ++i) {
    json& g = j["gpus"][i];
    const GpuInfo& d = devices[i];
    g["pci_bus_id"] = d.pci_bus_id;
    g["max_sm_clock_mhz"] = OrNull(d.max_sm_clock_mhz);
    g["max_mem_clock_mhz"] = OrNull(d.max_mem_clock_mhz);
    g["pcie_gen"] = OrNull(d.pcie_gen);
    g["pcie_width"] = OrNull(d.pcie_width);
    json procs = json::array();
    if (i < processes.size()) {
      for (const GpuProcess& p : processes[i])
        procs.push_back({{"pid", p.pid}, {"name", p.name}, {"used_bytes", p.used_bytes}, {"is_self", p.is_self}});
    }
    g["processes"] = procs;
  }
  return j;
}

std::string SamplesToCsv(const std::vector<MonitorSample>& samples) {
  std::string out =
      "unix_ms,t_s,gpu,util_gpu_pct,util_mem_pct,memory_used_bytes,memory_total_bytes,temperature_c,"
      "power_w,sm_clock_mhz,mem_clock_mhz,fan_pct,pcie_rx_bytes_s,pcie_tx_bytes_s,cpu_util_pct,"
      "ram_available_bytes,process_rss_bytes,engine_phase,engine_tokens_per_s,engine_kv_used_tokens,"
      "engine_vram_bytes\n";
  char buf[128];
  for (const MonitorSample& s : samples) {
    const std::string host = Cell(s.host.cpu_util_pct) + "," + std::to_string(s.host.ram_available_bytes) + "," +
                             std::to_string(s.host.process_rss_bytes);
    std::snprintf(buf, sizeof(buf), "%s,%.6g,%lld,%llu", EnginePhaseName(s.engine.phase), s.engine.tokens_per_s,
                  static_cast<long long>(s.engine.kv_used_tokens), static_cast<unsigned long long>(s.engine.vram_bytes));
    const std::string engine = buf;
    std::snprintf(buf, sizeof(buf), "%lld,%.3f,", static_cast<long long>(s.unix_ms), s.t_s);
    const std::string stamp = buf;
    if (s.gpus.empty()) {
      out += stamp + ",,,,,,,,,,,," + host + "," + engine + "\n";
      continue;
    }
    for (const GpuReading& r : s.gpus) {
      out += stamp + std::to_string(r.index) + "," + Cell(r.util_gpu_pct) + "," + Cell(r.util_mem_pct) + "," +
             std::to_string(r.memory_used_bytes) + "," + std::to_string(r.memory_total_bytes) + "," +
             Cell(r.temperature_c) + "," + Cell(r.power_w) + "," + Cell(r.sm_clock_mhz) + "," +
             Cell(r.mem_clock_mhz) + "," + Cell(r.fan_pct) + "," + Cell(r.pcie_rx_bytes_s) + "," +
             Cell(r.pcie_tx_bytes_s) + "," + host + "," + engine + "\n";
    }
  }
  return out;
}

}  // namespace enclave::hw
