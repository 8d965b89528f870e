// The GPU/host monitor: a sampler thread that reads every GPU (through a GpuProvider), the
// host's CPU and RAM (/proc) and the engine's published activity (EngineTelemetry) at a fixed
// rate, into a ring buffer holding the last `history_s` seconds.
//
//   GpuMonitor monitor(OpenNvmlProvider());           // or std::make_unique<FakeGpuProvider>(2)
//   monitor.Start();                                  // 1 Hz sampler thread
//   auto last = monitor.Window(60.0);                 // samples of the last minute, oldest first
//   monitor.SetOnSample([](const MonitorSample& s) { /* sampler thread: queue to the UI */ });
//
// Without a GPU the monitor still runs: samples carry host and engine values and no GPU
// readings, and gpu_state() says "No NVIDIA GPU detected".
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "hw/gpu_provider.h"
#include "hw/host_stats.h"
#include "hw/monitor_sample.h"
#include "hw/ring_buffer.h"

namespace enclave::hw {

constexpr double kMinSampleRateHz = 0.2;
constexpr double kMaxSampleRateHz = 10.0;

struct MonitorOptions {
  double rate_hz = 1.0;        // 0.2 .. 10
  double history_s = 600.0;    // ring buffer span: capacity = ceil(history_s * kMaxSampleRateHz)
};

// The GPU side in one line for the status bar and `enclave-cli gpu`.
struct GpuState {
  bool available = false;
  std::string message;         // "2 GPUs: NVIDIA H100 80GB HBM3, ..." or "No NVIDIA GPU detected (...)"
};

class GpuMonitor {
 public:
  // Does not start the thread. `provider` may be unavailable (no GPU): host values still work.
  explicit GpuMonitor(std::unique_ptr<GpuProvider> provider, MonitorOptions options = {});
  ~GpuMonitor();  // stops the sampler
  GpuMonitor(const GpuMonitor&) = delete;
  GpuMonitor& operator=(const GpuMonitor&) = delete;

  // Starts the sampler thread (a no-op when running). InvalidArgument for a rate outside
  // [0.2, 10] Hz given in the options.
  Status Start();
  void Stop();
  bool running() const;
  // Changes the rate of a running or stopped sampler; InvalidArgument outside [0.2, 10] Hz.
  Status SetRate(double rate_hz);
  double rate_hz() const;

  GpuState gpu_state() const;
  DriverInfo driver() const;
  const std::vector<GpuInfo>& devices() const;  // fixed for the monitor's lifetime

  // Takes one sample now on the caller's thread and stores it (the CLI's one-shot path).
  MonitorSample SampleNow();
  // The newest stored sample; nullopt before the first.
  std::optional<MonitorSample> Latest() const;
  // Samples whose time is within the last `seconds` of the newest sample, oldest first.
  std::vector<MonitorSample> Window(double seconds) const;
  size_t sample_count() const;  // samples held (<= capacity)
  size_t capacity() const;

  // Processes holding memory on GPU `index`, read on demand (not kept in the history).
  Expected<std::vector<GpuProcess>> Processes(uint32_t index);

  // Called on the sampler thread after each stored sample. Keep it short (queue the sample to
  // the UI thread); set before Start() or while stopped.
  void SetOnSample(std::function<void(const MonitorSample&)> callback);

 private:
  void Run();
  void TakeSample(MonitorSample* out);

  std::unique_ptr<GpuProvider> provider_;
  HostStatsReader host_reader_;
  std::chrono::steady_clock::time_point start_;

  mutable std::mutex mu_;            // guards history_, rate_hz_, stop_, on_sample_
  std::condition_variable wake_;
  RingBuffer<MonitorSample> history_;
  double rate_hz_ = 1.0;
  bool stop_ = false;
  std::function<void(const MonitorSample&)> on_sample_;
  std::mutex sample_mu_;             // one sample at a time (sampler thread vs SampleNow)
  std::thread thread_;
};

}  // namespace enclave::hw
