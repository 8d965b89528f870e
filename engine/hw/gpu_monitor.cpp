#include "hw/gpu_monitor.h"

#include <cmath>

#include "hw/engine_telemetry.h"

namespace enclave::hw {
namespace {

Status CheckRate(double rate_hz) {
  if (!(rate_hz >= kMinSampleRateHz && rate_hz <= kMaxSampleRateHz)) {
    return InvalidArgument("sample rate must be between 0.2 and 10 Hz (got " + std::to_string(rate_hz) + ")");
  }
  return Status::Ok();
}

size_t CapacityFor(double history_s) {
  const double seconds = history_s > 0.0 ? history_s : 600.0;
  return static_cast<size_t>(std::ceil(seconds * kMaxSampleRateHz));
}

}  // namespace

GpuMonitor::GpuMonitor(std::unique_ptr<GpuProvider> provider, MonitorOptions options)
    : provider_(std::move(provider)),
      start_(std::chrono::steady_clock::now()),
      history_(CapacityFor(options.history_s)),
      rate_hz_(options.rate_hz) {}

GpuMonitor::~GpuMonitor() { Stop(); }

Status GpuMonitor::Start() {
  std::lock_guard lock(mu_);
  ENCLAVE_RETURN_IF_ERROR(CheckRate(rate_hz_));
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void GpuMonitor::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool GpuMonitor::running() const {
  std::lock_guard lock(mu_);
  return thread_.joinable() && !stop_;
}

Status GpuMonitor::SetRate(double rate_hz) {
  ENCLAVE_RETURN_IF_ERROR(CheckRate(rate_hz));
  {
    std::lock_guard lock(mu_);
    rate_hz_ = rate_hz;
  }
  wake_.notify_all();
  return Status::Ok();
}

double GpuMonitor::rate_hz() const {
  std::lock_guard lock(mu_);
  return rate_hz_;
}

GpuState GpuMonitor::gpu_state() const {
  GpuState state;
  state.available = provider_ && provider_->available();
  if (!state.available) {
    state.message = provider_ ? provider_->unavailable_reason() : "No NVIDIA GPU detected";
    return state;
  }
  const std::vector<GpuInfo>& devices = provider_->devices();
  state.message = std::to_string(devices.size()) + (devices.size() == 1 ? " GPU: " : " GPUs: ");
  for (size_t i = 0; i < devices.size(); ++i) state.message += (i ? ", " : "") + devices[i].name;
  return state;
}

DriverInfo GpuMonitor::driver() const { return provider_ ? provider_->driver() : DriverInfo{}; }

const std::vector<GpuInfo>& GpuMonitor::devices() const {
  static const std::vector<GpuInfo> kNone;
  return provider_ && provider_->available() ? provider_->devices() : kNone;
}

void GpuMonitor::TakeSample(MonitorSample* out) {
  const auto now = std::chrono::steady_clock::now();
  out->t_s = std::chrono::duration<double>(now - start_).count();
  out->unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
  const std::vector<GpuInfo>& devices = this->devices();
  out->gpus.resize(devices.size());
  for (size_t i = 0; i < devices.size(); ++i) {
    GpuReading& r = out->gpus[i];
    if (!provider_->Read(static_cast<uint32_t>(i), &r).ok()) {
      // A device that stopped answering keeps its slot with no values.
      r = GpuReading{};
      r.index = static_cast<uint32_t>(i);
      r.memory_total_bytes = devices[i].memory_total_bytes;
    }
  }
  if (!host_reader_.Read(&out->host).ok()) out->host = HostReading{};
  out->engine = EngineTelemetry::Global().Read();
}

MonitorSample GpuMonitor::SampleNow() {
  MonitorSample sample;
  {
    std::lock_guard sampling(sample_mu_);
    TakeSample(&sample);
  }
  std::function<void(const MonitorSample&)> callback;
  {
    std::lock_guard lock(mu_);
    history_.Push(sample);
    callback = on_sample_;
  }
  if (callback) callback(sample);
  return sample;
}

void GpuMonitor::Run() {
  auto next = std::chrono::steady_clock::now();
  MonitorSample sample;
  while (true) {
    {
      std::lock_guard sampling(sample_mu_);
      TakeSample(&sample);
    }
    std::function<void(const MonitorSample&)> callback;
    double rate = 1.0;
    {
      std::lock_guard lock(mu_);
      history_.Push(sample);
      callback = on_sample_;
      rate = rate_hz_;
    }
    if (callback) callback(sample);

    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate));
    next += period;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // fell behind (suspend, slow driver): do not burst
    std::unique_lock lock(mu_);
    const double rate_before = rate_hz_;
    // Wakes early on Stop() or SetRate(); a new rate restarts the period from now.
    wake_.wait_until(lock, next, [&] { return stop_ || rate_hz_ != rate_before; });
    if (stop_) return;
    if (rate_hz_ != rate_before) next = std::chrono::steady_clock::now();
  }
}

std::optional<MonitorSample> GpuMonitor::Latest() const {
  std::lock_guard lock(mu_);
  if (history_.empty()) return std::nullopt;
  return history_.newest();
}

std::vector<MonitorSample> GpuMonitor::Window(double seconds) const {
  std::lock_guard lock(mu_);
  std::vector<MonitorSample> out;
  if (history_.empty()) return out;
  const double newest = history_.newest().t_s;
  size_t first = history_.size();
  while (first > 0 && newest - history_[first - 1].t_s <= seconds) --first;
  out.reserve(history_.size() - first);
  for (size_t i = first; i < history_.size(); ++i) out.push_back(history_[i]);
  return out;
}

size_t GpuMonitor::sample_count() const {
  std::lock_guard lock(mu_);
  return history_.size();
}

size_t GpuMonitor::capacity() const {
  std::lock_guard lock(mu_);
  return history_.capacity();
}

Expected<std::vector<GpuProcess>> GpuMonitor::Processes(uint32_t index) {
  if (!provider_ || !provider_->available()) return NotFound(gpu_state().message);
  return provider_->Processes(index);
}

void GpuMonitor::SetOnSample(std::function<void(const MonitorSample&)> callback) {
  std::lock_guard lock(mu_);
  on_sample_ = std::move(callback);
}

}  // namespace enclave::hw
