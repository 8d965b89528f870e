// The GPU monitor: ring buffer, window queries, the fake provider behind the GpuProvider
// interface, the no-driver path on a machine without NVML, engine telemetry on the same
// timeline, CSV export and the sampler's rate.
#include <QtTest/QtTest>

#include <atomic>
#include <thread>

#include "hw/engine_telemetry.h"
#include "hw/fake_gpu_provider.h"
#include "hw/gpu_monitor.h"
#include "hw/monitor_alerts.h"
#include "hw/monitor_export.h"
#include "hw/ring_buffer.h"

using namespace enclave;
using namespace enclave::hw;

class TestGpuMonitor : public QObject {
  Q_OBJECT

 private slots:
  void RingBufferWrapsAround() {
    RingBuffer<int> ring(5);
    QVERIFY(ring.empty());
    for (int i = 1; i <= 3; ++i) ring.Push(i);
    QCOMPARE(ring.size(), size_t{3});
    QCOMPARE(ring.oldest(), 1);
    for (int i = 4; i <= 12; ++i) ring.Push(i);
    QCOMPARE(ring.size(), size_t{5});
    QCOMPARE(ring.capacity(), size_t{5});
    for (size_t i = 0; i < 5; ++i) QCOMPARE(ring[i], static_cast<int>(8 + i));  // oldest first
    QCOMPARE(ring.newest(), 12);
    ring.NextSlot() = 13;  // reuse in place
    ring.Commit();
    QCOMPARE(ring.oldest(), 9);
    QCOMPARE(ring.newest(), 13);
    ring.clear();
    QVERIFY(ring.empty());
  }

  void NoDriverPath() {
    std::unique_ptr<GpuProvider> nvml = OpenNvmlProvider();
    if (nvml->available()) QSKIP("an NVIDIA GPU is present: the no-driver path cannot be tested here");
    QVERIFY2(nvml->unavailable_reason().rfind("No NVIDIA GPU detected", 0) == 0, nvml->unavailable_reason().c_str());
    QVERIFY(nvml->devices().empty());
    GpuMonitor monitor(std::move(nvml));
    const GpuState state = monitor.gpu_state();
    QVERIFY(!state.available);
    QVERIFY(state.message.rfind("No NVIDIA GPU detected", 0) == 0);
    monitor.SampleNow();
    // CPU utilisation is a difference of /proc/stat counters (10 ms ticks): let some pass.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const MonitorSample s = monitor.SampleNow();
    QVERIFY(s.gpus.empty());
    QVERIFY(s.host.ram_total_bytes > 0);
    QVERIFY(s.host.ram_available_bytes <= s.host.ram_total_bytes);
    QVERIFY(s.host.process_rss_bytes > 0);
    QVERIFY(s.host.cpu_util_pct.has_value());
    QVERIFY(*s.host.cpu_util_pct >= 0.0 && *s.host.cpu_util_pct <= 100.0);
    QVERIFY(!monitor.Processes(0).ok());
    // The CSV still has one host line per sample.
    const std::string csv = SamplesToCsv(monitor.Window(600));
    QCOMPARE(static_cast<int>(std::count(csv.begin(), csv.end(), '\n')), 1 + 2);
  }

  void FakeProviderMultiGpu() {
    auto fake = std::make_unique<FakeGpuProvider>(2);
    FakeGpuProvider* f = fake.get();
    GpuReading pinned;
    pinned.util_gpu_pct = 77.0;
    pinned.memory_used_bytes = 5ull << 30;
    pinned.memory_total_bytes = 24ull << 30;
    pinned.temperature_c = 81.0;
    f->SetReading(1, pinned);
    f->SetProcesses(0, {{static_cast<uint32_t>(getpid()), "test", 1ull << 30, false}, {1, "init", 10, false}});
    GpuMonitor monitor(std::move(fake));
    QVERIFY(monitor.gpu_state().available);
    QCOMPARE(monitor.devices().size(), size_t{2});
    QVERIFY(monitor.gpu_state().message.find("2 GPUs") != std::string::npos);
    const MonitorSample s = monitor.SampleNow();
    QCOMPARE(s.gpus.size(), size_t{2});
    QCOMPARE(s.gpus[0].index, 0u);
    QVERIFY(*s.gpus[0].util_gpu_pct >= 0.0 && *s.gpus[0].util_gpu_pct <= 100.0);
    QVERIFY(s.gpus[0].memory_used_bytes <= s.gpus[0].memory_total_bytes);
    QCOMPARE(*s.gpus[1].util_gpu_pct, 77.0);
    QCOMPARE(*s.gpus[1].temperature_c, 81.0);
    QCOMPARE(s.gpus[1].index, 1u);
    auto procs = monitor.Processes(0);
    QVERIFY(procs.ok());
    QCOMPARE(procs->size(), size_t{2});
    QVERIFY((*procs)[0].is_self);
    QVERIFY(!(*procs)[1].is_self);
    // A GPU that stops answering keeps its slot, with no values.
    f->SetFailing(0, true);
    const MonitorSample failed = monitor.SampleNow();
    QCOMPARE(failed.gpus.size(), size_t{2});
    QVERIFY(!failed.gpus[0].util_gpu_pct.has_value());
    QCOMPARE(*failed.gpus[1].util_gpu_pct, 77.0);
    const nlohmann::json j = SampleToJson(failed, monitor.devices());
    QVERIFY(j["gpus"][0]["util_gpu_pct"].is_null());
    QCOMPARE(j["gpus"][1]["name"].get<std::string>(), std::string("Fake GPU 1"));
  }

  void HistoryWrapsAndWindows() {
    MonitorOptions options;
    options.history_s = 0.5;  // capacity 0.5 s x 10 Hz = 5 samples
    GpuMonitor monitor(std::make_unique<FakeGpuProvider>(1), options);
    QCOMPARE(monitor.capacity(), size_t{5});
    QVERIFY(!monitor.Latest().has_value());
    std::vector<double> times;
    for (int i = 0; i < 12; ++i) times.push_back(monitor.SampleNow().t_s);
    QCOMPARE(monitor.sample_count(), size_t{5});
    QCOMPARE(monitor.Latest()->t_s, times.back());
    const std::vector<MonitorSample> all = monitor.Window(1e9);
    QCOMPARE(all.size(), size_t{5});
    for (size_t i = 0; i < 5; ++i) QCOMPARE(all[i].t_s, times[7 + i]);  // the newest 5, oldest first

    GpuMonitor spaced(std::make_unique<FakeGpuProvider>(1));
    spaced.SampleNow();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    spaced.SampleNow();
    spaced.SampleNow();
    QCOMPARE(spaced.Window(0.2).size(), size_t{2});
    QCOMPARE(spaced.Window(60).size(), size_t{3});
  }

  void EnginePublishesIntoTheTimeline() {
    EngineTelemetry& t = EngineTelemetry::Global();
    t.SetPhase(EnginePhase::kDecode);
    t.SetTokensPerSecond(42.5);
    t.SetKvCache(1000, 4096, 123456);
    t.SetVramBytes(7ull << 30);
    GpuMonitor monitor(std::make_unique<FakeGpuProvider>(1));
    const MonitorSample s = monitor.SampleNow();
    QCOMPARE(s.engine.phase, EnginePhase::kDecode);
    QCOMPARE(s.engine.tokens_per_s, 42.5);
    QCOMPARE(s.engine.kv_used_tokens, int64_t{1000});
    QCOMPARE(s.engine.kv_capacity_tokens, int64_t{4096});
    QCOMPARE(s.engine.kv_bytes, uint64_t{123456});
    QCOMPARE(s.engine.vram_bytes, 7ull << 30);
    t.Reset();
    QCOMPARE(monitor.SampleNow().engine.phase, EnginePhase::kIdle);
    const std::string csv = SamplesToCsv(monitor.Window(60));
    QVERIFY(csv.find(",decode,42.5,1000,") != std::string::npos);
  }

  void ThresholdAlerts() {
    MonitorSample s;
    s.host.ram_total_bytes = 100;
    s.host.ram_available_bytes = 50;
    GpuReading cool;
    cool.index = 0;
    cool.temperature_c = 60.0;
    cool.memory_total_bytes = 100;
    cool.memory_used_bytes = 50;
    s.gpus.push_back(cool);
    QVERIFY(CheckAlerts(s).empty());
    GpuReading hot = cool;
    hot.index = 1;
    hot.temperature_c = 91.0;
    hot.memory_used_bytes = 97;
    hot.throttle_reasons = kThrottleHwThermal;
    s.gpus.push_back(hot);
    s.host.ram_available_bytes = 2;
    const std::vector<MonitorAlert> alerts = CheckAlerts(s);
    QCOMPARE(alerts.size(), size_t{4});
    QCOMPARE(alerts[0].kind, MonitorAlert::Kind::kGpuTemperature);
    QCOMPARE(alerts[0].gpu, 1);
    QCOMPARE(alerts[0].message, std::string("GPU 1: 91 C (alert at 85 C)"));
    QCOMPARE(alerts[1].kind, MonitorAlert::Kind::kVramNearlyFull);
    QCOMPARE(alerts[2].kind, MonitorAlert::Kind::kThermalThrottle);
    QCOMPARE(alerts[3].kind, MonitorAlert::Kind::kRamNearlyFull);
    AlertThresholds lax;
    lax.gpu_temperature_c = 95;
    lax.vram_used_fraction = 0.99;
    lax.ram_used_fraction = 0.99;
    QCOMPARE(CheckAlerts(s, lax).size(), size_t{1});  // only the throttle remains
  }

  void RateLimits() {
    GpuMonitor monitor(std::make_unique<FakeGpuProvider>(1));
    QVERIFY(!monitor.SetRate(0.1).ok());
    QVERIFY(!monitor.SetRate(11).ok());
    QVERIFY(monitor.SetRate(0.2).ok());
    QVERIFY(monitor.SetRate(10).ok());
    MonitorOptions bad;
    bad.rate_hz = 50;
    GpuMonitor too_fast(std::make_unique<FakeGpuProvider>(1), bad);
    QCOMPARE(too_fast.Start().code(), ErrorCode::kInvalidArgument);
    QVERIFY(!too_fast.running());
  }

  // The sampler thread at 10 Hz for one second takes about 10 samples (loose bounds: a
  // loaded CI machine may delay a tick, never add one) and calls back from its own thread.
  void SamplerRunsAtItsRate() {
    MonitorOptions options;
    options.rate_hz = 10.0;
    auto fake = std::make_unique<FakeGpuProvider>(1);
    FakeGpuProvider* f = fake.get();
    GpuMonitor monitor(std::move(fake), options);
    std::atomic<int> callbacks{0};
    monitor.SetOnSample([&](const MonitorSample&) { ++callbacks; });
    QVERIFY(monitor.Start().ok());
    QVERIFY(monitor.running());
    std::this_thread::sleep_for(std::chrono::milliseconds(1050));
    monitor.Stop();
    QVERIFY(!monitor.running());
    const size_t n = monitor.sample_count();
    QVERIFY2(n >= 6 && n <= 12, qPrintable(QString::number(n)));
    QCOMPARE(static_cast<size_t>(callbacks.load()), n);
    QCOMPARE(f->read_count(), static_cast<uint64_t>(n));
    // Stopped means stopped.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    QCOMPARE(monitor.sample_count(), n);
    // Samples are evenly spaced around 0.1 s.
    const std::vector<MonitorSample> w = monitor.Window(60);
    const double span = w.back().t_s - w.front().t_s;
    QVERIFY(span > 0.09 * (n - 1) && span < 0.2 * (n - 1));
  }
};

QTEST_APPLESS_MAIN(TestGpuMonitor)
#include "test_gpu_monitor.moc"
