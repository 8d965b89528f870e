#include "hw/engine_telemetry.h"

namespace enclave::hw {

EngineTelemetry& EngineTelemetry::Global() {
  static EngineTelemetry instance;
  return instance;
}

void EngineTelemetry::Reset() {
  SetPhase(EnginePhase::kIdle);
  SetTokensPerSecond(0.0);
  SetKvCache(0, 0, 0);
  SetVramBytes(0);
}

EngineReading EngineTelemetry::Read() const {
  EngineReading r;
  r.phase = static_cast<EnginePhase>(phase_.load(std::memory_order_relaxed));
  r.tokens_per_s = tok_s_.load(std::memory_order_relaxed);
  r.kv_used_tokens = kv_used_.load(std::memory_order_relaxed);
  r.kv_capacity_tokens = kv_capacity_.load(std::memory_order_relaxed);
  r.kv_bytes = kv_bytes_.load(std::memory_order_relaxed);
  r.vram_bytes = vram_.load(std::memory_order_relaxed);
  return r;
}

}  // namespace enclave::hw
