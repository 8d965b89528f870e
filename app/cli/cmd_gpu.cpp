// enclave-cli gpu [--watch SECONDS] [--rate HZ] [--json] [--fake N]
// One snapshot of every GPU (NVML) and the host, or one line per sample while watching.
// Without a driver or GPU it says so and still reports CPU and RAM (exit 0).
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "args.h"
#include "commands.h"
#include "hw/fake_gpu_provider.h"
#include "hw/gpu_monitor.h"
#include "hw/host_stats.h"
#include "hw/monitor_export.h"

namespace enclave::cli {
namespace {

using hw::GpuReading;
using hw::MonitorSample;

std::string Gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return buf;
}

template <typename T>
std::string Num(const std::optional<T>& v, const char* unit, int decimals = 0) {
  if (!v) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f%s", decimals, static_cast<double>(*v), unit);
  return buf;
}

void PrintHost(const hw::HostReading& h) {
  std::printf("host: CPU %s of %u cores, RAM %s / %s GiB used, this process %s CPU, %.0f MiB RSS\n",
              Num(h.cpu_util_pct, "%").c_str(), h.cpu_count, Gib(h.ram_total_bytes - h.ram_available_bytes).c_str(),
              Gib(h.ram_total_bytes).c_str(), Num(h.process_cpu_pct, "%", 1).c_str(),
              static_cast<double>(h.process_rss_bytes) / (1024.0 * 1024.0));
}

void PrintGpuLine(const GpuReading& r, const hw::GpuInfo& info) {
  std::printf("GPU %u %s: util %s, mem util %s, VRAM %s / %s GiB, %s, %s / %s, SM %s, mem %s, fan %s, "
              "PCIe rx %s tx %s%s%s\n",
              r.index, info.name.c_str(), Num(r.util_gpu_pct, "%").c_str(), Num(r.util_mem_pct, "%").c_str(),
              Gib(r.memory_used_bytes).c_str(), Gib(r.memory_total_bytes).c_str(), Num(r.temperature_c, " C").c_str(),
              Num(r.power_w, " W").c_str(), Num(r.power_limit_w, " W").c_str(), Num(r.sm_clock_mhz, " MHz").c_str(),
              Num(r.mem_clock_mhz, " MHz").c_str(), Num(r.fan_pct, "%").c_str(),
              Num(r.pcie_rx_bytes_s ? std::optional<double>(*r.pcie_rx_bytes_s / 1e6) : std::nullopt, " MB/s").c_str(),
              Num(r.pcie_tx_bytes_s ? std::optional<double>(*r.pcie_tx_bytes_s / 1e6) : std::nullopt, " MB/s").c_str(),
              r.throttle_reasons && *r.throttle_reasons ? ", clocks limited by " : "",
              r.throttle_reasons ? hw::ThrottleReasonsText(*r.throttle_reasons).c_str() : "");
}

int Snapshot(hw::GpuMonitor& monitor, bool json) {
  // CPU utilisation is a difference of two reads: the first sample primes it.
  monitor.SampleNow();
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  const MonitorSample sample = monitor.SampleNow();
  const hw::GpuState state = monitor.gpu_state();
  const std::vector<hw::GpuInfo>& devices = monitor.devices();
  std::vector<std::vector<hw::GpuProcess>> processes(devices.size());
  for (size_t i = 0; i < devices.size(); ++i) {
    auto p = monitor.Processes(static_cast<uint32_t>(i));
    if (p.ok()) processes[i] = std::move(p).value();
  }
  if (json) {
    std::printf("%s\n", hw::SnapshotToJson(state, monitor.driver(), devices, processes, sample).dump().c_str());
    return 0;
  }
  if (!state.available) {
    std::printf("%s\n", state.message.c_str());
  } else {
    const hw::DriverInfo d = monitor.driver();
    std::printf("%s (driver %s, CUDA %s)\n", state.message.c_str(), d.driver_version.c_str(), d.cuda_version.c_str());
    for (size_t i = 0; i < sample.gpus.size() && i < devices.size(); ++i) {
      PrintGpuLine(sample.gpus[i], devices[i]);
      std::printf("  %s, PCI %s\n", devices[i].uuid.c_str(), devices[i].pci_bus_id.c_str());
      for (const hw::GpuProcess& p : processes[i])
        std::printf("  %s pid %u %s: %s GiB\n", p.is_self ? "*" : " ", p.pid, p.name.c_str(), Gib(p.used_bytes).c_str());
    }
  }
  PrintHost(sample.host);
  return 0;
}

int Watch(hw::GpuMonitor& monitor, double seconds, bool json) {
  if (!json) std::printf("%s\n", monitor.gpu_state().message.c_str());
  std::mutex print_mu;
  const std::vector<hw::GpuInfo> devices = monitor.devices();
  monitor.SetOnSample([&](const MonitorSample& s) {
    std::lock_guard lock(print_mu);
    if (json) {
      std::printf("%s\n", hw::SampleToJson(s, devices).dump().c_str());
    } else {
      std::printf("t=%.1fs ", s.t_s);
      PrintHost(s.host);
      for (size_t i = 0; i < s.gpus.size() && i < devices.size(); ++i) PrintGpuLine(s.gpus[i], devices[i]);
    }
    std::fflush(stdout);
  });
  const double cpu_before = hw::ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  if (Status started = monitor.Start(); !started.ok()) return Fail(started);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  monitor.Stop();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = hw::ProcessCpuSeconds() - cpu_before;
  // The monitor's own cost: all CPU this process used while watching (printing included).
  std::fprintf(stderr, "monitor: %zu samples in %.1f s at %.1f Hz, %.3f s CPU = %.3f%% of one core\n",
               monitor.sample_count(), wall, monitor.rate_hz(), cpu, 100.0 * cpu / wall);
  return 0;
}

}  // namespace

int CmdGpu(int argc, char** argv) {
  auto args = Args::Parse(argc, argv, {"--watch", "--rate", "--fake"}, {"--json", "-h", "--help"});
  if (!args.ok()) return Fail(args.status());
  if (args->Has("-h") || args->Has("--help")) {
    std::printf("usage: enclave-cli gpu [--watch SECONDS] [--rate HZ] [--json] [--fake N]\n"
                "  one snapshot of every NVIDIA GPU and the host; --watch prints a line per sample\n"
                "  (--json: one JSON object per line); --fake N uses N simulated GPUs\n");
    return 0;
  }
  if (!args->positionals().empty()) return Fail(InvalidArgument("unexpected argument " + args->positionals()[0]));
  auto watch = args->GetDouble("--watch", 0.0, 0.0, 86400.0 * 365);
  if (!watch.ok()) return Fail(watch.status());
  auto rate = args->GetDouble("--rate", 1.0, hw::kMinSampleRateHz, hw::kMaxSampleRateHz);
  if (!rate.ok()) return Fail(rate.status());
  auto fake = args->GetInt("--fake", -1, 0, 64);
  if (!fake.ok()) return Fail(fake.status());

  std::unique_ptr<hw::GpuProvider> provider;
  if (*fake >= 0) {
    provider = std::make_unique<hw::FakeGpuProvider>(static_cast<uint32_t>(*fake));
  } else {
    provider = hw::OpenNvmlProvider();
  }
  hw::MonitorOptions options;
  options.rate_hz = *rate;
  hw::GpuMonitor monitor(std::move(provider), options);
  const bool json = args->Has("--json");
  if (args->Has("--watch")) {
    if (*watch <= 0.0) return Fail(InvalidArgument("--watch needs a positive number of seconds"));
    return Watch(monitor, *watch, json);
  }
  return Snapshot(monitor, json);
}

}  // namespace enclave::cli
