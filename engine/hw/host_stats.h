// Host CPU and memory from Linux /proc: /proc/stat (all cores), /proc/meminfo, and this
// process from /proc/self/stat and /proc/self/statm. Utilisation is a difference between two
// reads, so the first Read() has no cpu_util_pct / process_cpu_pct.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"
#include "hw/monitor_sample.h"

namespace enclave::hw {

// Counters of /proc/stat's first line ("cpu  user nice system idle iowait irq softirq steal").
struct CpuTimes {
  uint64_t busy = 0;   // user + nice + system + irq + softirq + steal (jiffies)
  uint64_t total = 0;  // busy + idle + iowait
};

// Pure parsers (tested on fixed text).
std::optional<CpuTimes> ParseProcStat(std::string_view text);
// MemTotal and MemAvailable in bytes.
std::optional<std::pair<uint64_t, uint64_t>> ParseMeminfo(std::string_view text);
// utime + stime (fields 14 and 15, clock ticks) of a /proc/<pid>/stat line; the command name
// in parentheses may contain spaces and parentheses.
std::optional<uint64_t> ParseProcessCpuTicks(std::string_view stat_line);

// CPU seconds (user + system) this process has used so far (getrusage).
double ProcessCpuSeconds();

class HostStatsReader {
 public:
  HostStatsReader();
  // Reads /proc now. Fails only when /proc is unreadable (not Linux).
  Status Read(HostReading* out);

 private:
  std::optional<CpuTimes> last_cpu_;
  std::optional<uint64_t> last_process_ticks_;
  std::chrono::steady_clock::time_point last_time_;
  long ticks_per_s_ = 100;
  long page_bytes_ = 4096;
  uint32_t cpu_count_ = 1;
};

}  // namespace enclave::hw
