#include "hw/host_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace enclave::hw {
namespace {

std::optional<std::string> ReadSmallFile(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whitespace-separated unsigned numbers from `text`, stopping at the first non-number.
std::vector<uint64_t> Numbers(std::string_view text) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] == '\n') break;
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (ec != std::errc()) break;
    out.push_back(v);
    i = static_cast<size_t>(end - text.data());
  }
  return out;
}

}  // namespace

std::optional<CpuTimes> ParseProcStat(std::string_view text) {
  if (text.rfind("cpu ", 0) != 0) return std::nullopt;
  const std::vector<uint64_t> f = Numbers(text.substr(4));
  if (f.size() < 4) return std::nullopt;
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  auto at = [&](size_t i) { return i < f.size() ? f[i] : 0; };
  CpuTimes t;
  t.busy = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
  t.total = t.busy + at(3) + at(4);
  return t;
}

std::optional<std::pair<uint64_t, uint64_t>> ParseMeminfo(std::string_view text) {
  std::optional<uint64_t> total, available;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    if (key != "MemTotal" && key != "MemAvailable") continue;
    const std::vector<uint64_t> v = Numbers(line.substr(colon + 1));
    if (v.empty()) continue;
    (key == "MemTotal" ? total : available) = v[0] * 1024;  // kB
  }
  if (!total || !available) return std::nullopt;
  return std::pair{*total, *available};
}

std::optional<uint64_t> ParseProcessCpuTicks(std::string_view stat_line) {
  // "pid (comm) state ppid ..." : fields after the last ')' start at field 3 (state).
  const size_t close = stat_line.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::istringstream rest{std::string(stat_line.substr(close + 1))};
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) {
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
      if (ec != std::errc()) return std::nullopt;
      (i == 14 ? utime : stime) = v;
      if (i == 15) return utime + stime;
    }
  }
  return std::nullopt;
}

double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

HostStatsReader::HostStatsReader() {
  if (long t = sysconf(_SC_CLK_TCK); t > 0) ticks_per_s_ = t;
  if (long p = sysconf(_SC_PAGESIZE); p > 0) page_bytes_ = p;
  if (long n = sysconf(_SC_NPROCESSORS_ONLN); n > 0) cpu_count_ = static_cast<uint32_t>(n);
}

Status HostStatsReader::Read(HostReading* out) {
  *out = HostReading{};
  out->cpu_count = cpu_count_;
  const auto now = std::chrono::steady_clock::now();

  const std::optional<std::string> stat = ReadSmallFile("/proc/stat");
  const std::optional<std::string> meminfo = ReadSmallFile("/proc/meminfo");
  if (!stat || !meminfo) return Unsupported("/proc is not readable: host CPU and memory are unavailable");

  if (std::optional<CpuTimes> cpu = ParseProcStat(*stat)) {
    if (last_cpu_ && cpu->total > last_cpu_->total) {
      out->cpu_util_pct = 100.0 * static_cast<double>(cpu->busy - last_cpu_->busy) /
                          static_cast<double>(cpu->total - last_cpu_->total);
    }
    last_cpu_ = cpu;
  }
  if (auto mem = ParseMeminfo(*meminfo)) {
    out->ram_total_bytes = mem->first;
    out->ram_available_bytes = mem->second;
  }
  if (std::optional<std::string> self = ReadSmallFile("/proc/self/stat")) {
    if (std::optional<uint64_t> ticks = ParseProcessCpuTicks(*self)) {
      const double dt = std::chrono::duration<double>(now - last_time_).count();
      if (last_process_ticks_ && dt > 0.0) {
        out->process_cpu_pct = 100.0 * static_cast<double>(*ticks - *last_process_ticks_) /
                               static_cast<double>(ticks_per_s_) / dt;
      }
      last_process_ticks_ = ticks;
    }
  }
  if (std::optional<std::string> statm = ReadSmallFile("/proc/self/statm")) {
    const std::vector<uint64_t> pages = Numbers(*statm);
    if (pages.size() >= 2) out->process_rss_bytes = pages[1] * static_cast<uint64_t>(page_bytes_);
  }
  last_time_ = now;
  return Status::Ok();
}

}  // namespace enclave::hw
