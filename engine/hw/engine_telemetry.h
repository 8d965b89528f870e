// The engine's side of the Monitor timeline. The runtime publishes what it is doing (phase,
// tokens/s, KV cache use, device bytes held) here; the monitor's sampler copies the latest
// values into each sample. Lock-free for the publisher: one store per field, called per token.
#pragma once

#include <atomic>
#include <cstdint>

#include "hw/monitor_sample.h"

namespace enclave::hw {

class EngineTelemetry {
 public:
  // The process-wide instance the runtime and the monitor share.
  static EngineTelemetry& Global();

  void SetPhase(EnginePhase phase) { phase_.store(static_cast<int>(phase), std::memory_order_relaxed); }
  void SetTokensPerSecond(double tok_s) { tok_s_.store(tok_s, std::memory_order_relaxed); }
  void SetKvCache(int64_t used_tokens, int64_t capacity_tokens, uint64_t bytes) {
    kv_used_.store(used_tokens, std::memory_order_relaxed);
    kv_capacity_.store(capacity_tokens, std::memory_order_relaxed);
    kv_bytes_.store(bytes, std::memory_order_relaxed);
  }
  void SetVramBytes(uint64_t bytes) { vram_.store(bytes, std::memory_order_relaxed); }
  // Back to idle with nothing held (model unloaded).
  void Reset();

  EngineReading Read() const;

 private:
  std::atomic<int> phase_{0};
  std::atomic<double> tok_s_{0.0};
  std::atomic<int64_t> kv_used_{0};
  std::atomic<int64_t> kv_capacity_{0};
  std::atomic<uint64_t> kv_bytes_{0};
  std::atomic<uint64_t> vram_{0};
};

}  // namespace enclave::hw
