#include "hw/estimator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hw/host_stats.h"

namespace enclave::hw {
namespace {

std::string GiB(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f GiB", static_cast<double>(bytes) / static_cast<double>(kGiB));
  return buf;
}

// Where each part of the model sits: the last `gpu_layers` layers on the GPUs (split evenly
// and contiguously), the rest on the host.
struct Placement {
  int64_t layers = 0;
  int64_t gpu_layers = 0;
  int64_t n_gpus = 0;  // 0: CPU only

  bool full_offload() const { return n_gpus > 0 && gpu_layers == layers; }
  // Device of layer i: GPU index, or -1 for the host.
  int DeviceOfLayer(int64_t i) const {
    const int64_t first_gpu_layer = layers - gpu_layers;
    if (n_gpus == 0 || i < first_gpu_layer) return -1;
    return static_cast<int>((i - first_gpu_layer) * n_gpus / gpu_layers);
  }
  int LayersOn(int device) const {
    int n = 0;
    for (int64_t i = 0; i < layers; ++i) n += DeviceOfLayer(i) == device;
    return n;
  }
  // token_embd on the first GPU, output/output_norm on the last, when fully offloaded.
  int DeviceOfTensor(const WeightTensor& t, const EngineMemoryModel& memory) const {
    if (t.layer >= 0) return DeviceOfLayer(t.layer);
    if (!full_offload()) return -1;
    if (t.name == "token_embd.weight") return memory.token_embd_on_gpu ? 0 : -1;
    return static_cast<int>(n_gpus - 1);
  }
  bool HoldsOutput(int device) const {
    return full_offload() ? device == n_gpus - 1 : device == -1;
  }
};

// Bytes of the routed experts a batch of `tokens` tokens touches: each expert is hit with
// probability 1 - (1 - k/n)^tokens (uniform routing).
double ExpertShareTouched(const ModelShape& s, int64_t tokens) {
  if (!s.is_moe()) return 1.0;
  const double miss = 1.0 - static_cast<double>(s.experts_per_tok) / static_cast<double>(s.n_routed_experts);
  return 1.0 - std::pow(miss, static_cast<double>(tokens));
}

struct DeviceWork {
  double weight_bytes = 0.0;   // read once per step
  double expert_bytes = 0.0;   // routed experts on the device (all of them)
  double kv_bytes_per_seq = 0.0;
  double flops_per_token = 0.0;  // matmuls only (attention added separately)
  int layers = 0;
};

std::vector<DeviceWork> WorkPerDevice(const EstimateModel& m, const Placement& place,
                                      const EngineMemoryModel& memory) {
  // Index 0 is the host, 1.. the GPUs.
  std::vector<DeviceWork> work(static_cast<size_t>(place.n_gpus) + 1);
  for (const WeightTensor& t : m.tensors) {
    DeviceWork& w = work[static_cast<size_t>(place.DeviceOfTensor(t, memory) + 1)];
    if (t.name == "token_embd.weight") continue;  // a row lookup, no matmul
    if (t.routed_expert) {
      w.expert_bytes += static_cast<double>(t.bytes);
      w.flops_per_token += 2.0 * static_cast<double>(t.elements()) * m.shape.experts_per_tok /
                           static_cast<double>(m.shape.n_routed_experts);
    } else {
      w.weight_bytes += static_cast<double>(t.bytes);
      if (t.n_dims >= 2) w.flops_per_token += 2.0 * static_cast<double>(t.elements());
    }
  }
  for (int d = -1; d < place.n_gpus; ++d) work[static_cast<size_t>(d + 1)].layers = place.LayersOn(d);
  return work;
}

// Attention FLOPs per token per layer attending to `span` earlier tokens (QK^T and PV).
double AttentionFlops(const ModelShape& s, double span) {
  const double qk = s.is_mla() ? static_cast<double>(s.qk_nope_head_dim + s.qk_rope_head_dim)
                               : static_cast<double>(s.head_dim);
  const double v = s.is_mla() ? static_cast<double>(s.v_head_dim) : static_cast<double>(s.head_dim);
  return 2.0 * static_cast<double>(s.heads) * (qk + v) * span;
}

struct DeviceSpeed {
  double bandwidth = 0.0;  // bytes/s achieved
  double flops = 0.0;      // FLOP/s achieved
};

// Seconds for one step of `tokens` tokens (prefill chunk or a decode step of `tokens`
// sequences) with `kv_tokens` tokens in each sequence's cache, summed over the devices the
// layers pass through in turn.
double StepSeconds(const EstimateModel& m, const std::vector<DeviceWork>& work,
                   const std::vector<DeviceSpeed>& speed, int64_t tokens, int64_t sequences,
                   int64_t kv_tokens, KvType kv_type) {
  double seconds = 0.0;
  for (size_t d = 0; d < work.size(); ++d) {
    const DeviceWork& w = work[d];
    if (w.weight_bytes == 0.0 && w.expert_bytes == 0.0) continue;
    if (speed[d].bandwidth <= 0.0 || speed[d].flops <= 0.0) return 0.0;  // speed unknown
    const double kv = static_cast<double>(KvCacheBytes(m.shape, kv_tokens, w.layers, kv_type)) * sequences;
    const double bytes = w.weight_bytes + w.expert_bytes * ExpertShareTouched(m.shape, tokens) + kv;
    const double span = static_cast<double>(kv_tokens) + (sequences == 1 ? tokens / 2.0 : 0.0);
    const double flops =
        static_cast<double>(tokens) * (w.flops_per_token + w.layers * AttentionFlops(m.shape, span));
    seconds += std::max(bytes / speed[d].bandwidth, flops / speed[d].flops);
  }
  return seconds;
}

struct Layout {
  std::vector<MemoryBreakdown> per_gpu;
  MemoryBreakdown host;
};

Layout ComputeLayout(const EstimateModel& m, const EstimateOptions& o, const Placement& place) {
  Layout out;
  out.per_gpu.resize(static_cast<size_t>(place.n_gpus));
  auto at = [&](int device) -> MemoryBreakdown& {
    return device < 0 ? out.host : out.per_gpu[static_cast<size_t>(device)];
  };
  for (const WeightTensor& t : m.tensors) at(place.DeviceOfTensor(t, o.memory)).weights_bytes += t.bytes;
  for (int d = -1; d < place.n_gpus; ++d) {
    MemoryBreakdown& b = at(d);
    const int layers = place.LayersOn(d);
    b.kv_bytes = KvCacheBytes(m.shape, o.ctx, layers, o.kv_type) * static_cast<uint64_t>(o.parallel);
    if (layers > 0 || place.HoldsOutput(d))
      b.compute_bytes = ComputeBufferBytes(m, o.ctx, o.parallel, place.HoldsOutput(d), o.memory);
    b.overhead_bytes = d < 0 ? o.memory.host_overhead_bytes : o.memory.cuda_overhead_bytes;
  }
  return out;
}

uint64_t Usable(uint64_t capacity, double headroom) {
  return static_cast<uint64_t>(static_cast<double>(capacity) * (1.0 - headroom));
}

// Empty when it fits, else which device overflows and by how much.
std::string Overflow(const Layout& layout, uint64_t gpu_usable, uint64_t host_usable) {
  for (size_t g = 0; g < layout.per_gpu.size(); ++g) {
    const uint64_t need = layout.per_gpu[g].total();
    if (need > gpu_usable)
      return "GPU " + std::to_string(g) + " needs " + GiB(need) + ", " + GiB(gpu_usable) + " usable";
  }
  if (layout.host.total() > host_usable)
    return "host RAM needs " + GiB(layout.host.total()) + ", " + GiB(host_usable) + " usable";
  return "";
}

struct Resolved {
  Placement place;
  uint64_t gpu_capacity = 0;
  uint64_t gpu_usable = 0;
  uint64_t host_capacity = 0;
  uint64_t host_usable = 0;
};

Expected<Resolved> Resolve(const EstimateModel& m, const EstimateOptions& o) {
  const ModelShape& s = m.shape;
  if (m.tensors.empty() || s.layers <= 0) return InvalidArgument("the model has no layers");
  if (o.ctx <= 0) return InvalidArgument("context length must be positive (got " + std::to_string(o.ctx) + ")");
  if (o.parallel <= 0)
    return InvalidArgument("parallel sequences must be at least 1 (got " + std::to_string(o.parallel) + ")");
  if (o.memory.n_batch <= 0) return InvalidArgument("batch size must be positive");
  if (o.n_gpus <= 0) return InvalidArgument("number of GPUs must be at least 1 (got " + std::to_string(o.n_gpus) + ")");
  if (o.gpu_layers < -1 || o.gpu_layers > s.layers)
    return InvalidArgument("GPU layers must be between 0 and " + std::to_string(s.layers) + " (got " +
                           std::to_string(o.gpu_layers) + ")");
  Resolved r;
  r.place.layers = s.layers;
  if (o.gpu) {
    if (o.gpu->vram_bytes == 0) return InvalidArgument("GPU '" + o.gpu->name + "' has no VRAM size");
    r.place.n_gpus = o.n_gpus;
    r.place.gpu_layers = o.gpu_layers < 0 ? s.layers : o.gpu_layers;
    r.gpu_capacity = o.gpu->vram_bytes;
    r.gpu_usable = Usable(r.gpu_capacity, o.memory.vram_headroom_fraction);
  }
  r.host_capacity = o.host_ram_bytes;
  if (r.host_capacity == 0) {
    HostReading host;
    if (HostStatsReader().Read(&host).ok()) r.host_capacity = host.ram_total_bytes;
  }
  r.host_usable = Usable(r.host_capacity, o.memory.host_headroom_fraction);
  return r;
}

bool FitsAt(const EstimateModel& m, EstimateOptions o, const Resolved& r, int64_t ctx) {
  o.ctx = ctx;
  return Overflow(ComputeLayout(m, o, r.place), r.gpu_usable, r.host_usable).empty();
}

}  // namespace

std::string_view KvTypeName(KvType type) {
  switch (type) {
    case KvType::kF16: return "f16";
    case KvType::kQ8_0: return "q8_0";
    case KvType::kF32: return "f32";
  }
  return "f16";
}

Expected<KvType> KvTypeFromName(std::string_view name) {
  for (KvType t : {KvType::kF16, KvType::kQ8_0, KvType::kF32})
    if (KvTypeName(t) == name) return t;
  return InvalidArgument("unknown KV cache type '" + std::string(name) + "' (known: f16, q8_0, f32)");
}

double KvBytesPerElement(KvType type) {
  switch (type) {
    case KvType::kF16: return 2.0;
    case KvType::kQ8_0: return 34.0 / 32.0;  // BlockQ8_0: 32 int8 + an f16 scale
    case KvType::kF32: return 4.0;
  }
  return 2.0;
}

uint64_t KvCacheBytes(const ModelShape& s, int64_t ctx, int64_t layers, KvType kv_type) {
  const int64_t per_token_layer = s.is_mla() ? s.kv_lora_rank + s.qk_rope_head_dim
                                             : 2 * s.kv_heads * s.head_dim;
  const double elements = static_cast<double>(per_token_layer) * static_cast<double>(layers) *
                          static_cast<double>(ctx);
  return static_cast<uint64_t>(std::ceil(elements * KvBytesPerElement(kv_type)));
}

uint64_t ComputeBufferBytes(const EstimateModel& m, int64_t ctx, int64_t parallel, bool has_output,
                            const EngineMemoryModel& memory) {
  const ModelShape& s = m.shape;
  const uint64_t nb = static_cast<uint64_t>(std::min(memory.n_batch, ctx * parallel));
  uint64_t q_dim, k_dim, v_dim;
  if (s.is_mla()) {
    q_dim = static_cast<uint64_t>(s.heads * (s.qk_nope_head_dim + s.qk_rope_head_dim));
    k_dim = q_dim;
    v_dim = static_cast<uint64_t>(s.heads * s.v_head_dim);
  } else {
    q_dim = static_cast<uint64_t>(s.heads * s.head_dim);
    k_dim = v_dim = static_cast<uint64_t>(s.kv_heads * s.head_dim);
  }
  const uint64_t activations = nb * (3 * static_cast<uint64_t>(s.hidden) + q_dim + k_dim + v_dim) * 4;

  uint64_t mlp_width = static_cast<uint64_t>(s.ffn);
  uint64_t router = 0;
  if (s.is_moe()) {
    const uint64_t moe = static_cast<uint64_t>((s.experts_per_tok + s.n_shared_experts) * s.moe_intermediate);
    mlp_width = s.first_k_dense_replace > 0 ? std::max(mlp_width, moe) : moe;
    router = nb * static_cast<uint64_t>(s.n_routed_experts) * 4;
  }
  const uint64_t mlp = nb * 2 * mlp_width * 4;

  const uint64_t span = memory.flash_attention ? static_cast<uint64_t>(memory.flash_tile) : static_cast<uint64_t>(ctx);
  const uint64_t scores = nb * static_cast<uint64_t>(s.heads) * span * 4;
  // Absorbed MLA attends in the latent space: q and the output per head are kv_lora wide.
  const uint64_t mla_latent =
      s.is_mla() ? nb * static_cast<uint64_t>(s.heads) * static_cast<uint64_t>(2 * s.kv_lora_rank + s.qk_rope_head_dim) * 4 : 0;
  const uint64_t logits = has_output ? nb * static_cast<uint64_t>(s.vocab) * 4 : 0;

  uint64_t dequant = 0;
  for (const WeightTensor& t : m.tensors) {
    if (!Info(t.type).quantized || t.name == "token_embd.weight") continue;  // embd: row lookups
    dequant = std::max(dequant, static_cast<uint64_t>(t.ne[0] * t.ne[1]) * 2);
  }

  return activations + mlp + router + scores + mla_latent + logits + dequant;
}

uint64_t Estimate::max_gpu_bytes() const {
  uint64_t m = 0;
  for (const MemoryBreakdown& b : per_gpu) m = std::max(m, b.total());
  return m;
}

int64_t MaxFittingContext(const EstimateModel& m, const EstimateOptions& o) {
  Expected<Resolved> r = Resolve(m, o);
  if (!r.ok()) return 0;
  const int64_t limit = std::max(m.shape.extendable_context, m.shape.max_context);
  if (!FitsAt(m, o, *r, 1)) return 0;
  if (FitsAt(m, o, *r, limit)) return limit;
  int64_t lo = 1, hi = limit;  // fits(lo), !fits(hi)
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (FitsAt(m, o, *r, mid) ? lo : hi) = mid;
  }
  return lo;
}

Expected<Estimate> EstimateMemory(const EstimateModel& m, const EstimateOptions& o) {
  ENCLAVE_ASSIGN_OR_RETURN(Resolved r, Resolve(m, o));
  const ModelShape& s = m.shape;
  Estimate e;
  if (o.ctx > s.max_context) {
    if (o.ctx > s.extendable_context) {
      return InvalidArgument("context " + std::to_string(o.ctx) + " exceeds the model's maximum of " +
                             std::to_string(s.extendable_context) + " tokens");
    }
    e.warnings.push_back("context " + std::to_string(o.ctx) + " is above the trained maximum of " +
                         std::to_string(s.max_context) + " tokens; it needs rope scaling (quality may drop)");
  }

  e.weights_bytes = TotalBytes(m.tensors);
  e.params = TotalParams(m.tensors);
  double active = 0.0;
  for (const WeightTensor& t : m.tensors)
    active += t.routed_expert ? static_cast<double>(t.elements()) * s.experts_per_tok / s.n_routed_experts
                              : static_cast<double>(t.elements());
  e.active_params = static_cast<int64_t>(active);
  e.bits_per_weight = e.params > 0 ? 8.0 * static_cast<double>(e.weights_bytes) / static_cast<double>(e.params) : 0.0;
  e.kv_bytes = KvCacheBytes(s, o.ctx, s.layers, o.kv_type) * static_cast<uint64_t>(o.parallel);

  const Layout layout = ComputeLayout(m, o, r.place);
  e.per_gpu = layout.per_gpu;
  e.host = layout.host;
  e.gpu_capacity_bytes = r.gpu_capacity;
  e.gpu_usable_bytes = r.gpu_usable;
  e.host_capacity_bytes = r.host_capacity;
  e.limiting = Overflow(layout, r.gpu_usable, r.host_usable);
  e.fits = e.limiting.empty();
  e.max_ctx = MaxFittingContext(m, o);
  if (!e.fits) {
    e.limiting += e.max_ctx > 0 ? ": try a context of " + std::to_string(e.max_ctx) + " or less"
                                : ": try a smaller quantisation, more GPUs or fewer GPU layers";
  }

  // Speeds: roofline per device, device 0 of the vectors is the host.
  std::vector<DeviceSpeed> speed(static_cast<size_t>(r.place.n_gpus) + 1);
  speed[0] = {o.memory.host_bandwidth_gbs * 1e9 * o.memory.host_bandwidth_efficiency,
              o.memory.host_tflops * 1e12 * o.memory.host_flops_efficiency};
  for (size_t g = 1; g < speed.size(); ++g)
    speed[g] = {o.gpu->bandwidth_gbs * 1e9 * o.memory.decode_bandwidth_efficiency,
                o.gpu->bf16_tflops * 1e12 * o.memory.prefill_flops_efficiency};
  const std::vector<DeviceWork> work = WorkPerDevice(m, r.place, o.memory);
  const int64_t ref = std::min(o.ctx, o.memory.decode_reference_tokens);
  const double decode_ref = StepSeconds(m, work, speed, o.parallel, o.parallel, ref, o.kv_type);
  const double decode_full = StepSeconds(m, work, speed, o.parallel, o.parallel, o.ctx, o.kv_type);
  const int64_t prompt = std::min(o.ctx, o.memory.n_batch);
  const double prefill = StepSeconds(m, work, speed, prompt, 1, 0, o.kv_type);
  e.decode_tok_s = decode_ref > 0.0 ? 1.0 / decode_ref : 0.0;
  e.decode_tok_s_full_ctx = decode_full > 0.0 ? 1.0 / decode_full : 0.0;
  e.prefill_tok_s = prefill > 0.0 ? static_cast<double>(prompt) / prefill : 0.0;
  if (o.gpu && (o.gpu->bandwidth_gbs <= 0.0 || o.gpu->bf16_tflops <= 0.0))
    e.warnings.push_back("speed unknown: the catalog has no bandwidth/TFLOP/s for " + o.gpu->name);
  if (o.gpu && !o.gpu->supported)
    e.warnings.push_back(o.gpu->name + " is a reference row: this engine runs on NVIDIA GPUs only");
  return e;
}

}  // namespace enclave::hw
