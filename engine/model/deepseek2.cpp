// The deepseek2 forward pass (see deepseek2.h): MLA in the absorbed form over the latent cache,
// then a dense or mixture-of-experts SwiGLU feed-forward, per layer.
#include "model/deepseek2.h"

#include <cmath>

#include "model/model_impl.h"

namespace enclave {
namespace {

// Scratch buffers of ForwardState::extra, rows [max_batch]. H heads, n/r/v/k = nope/rope/v/kv_lora.
enum Buffer : size_t {
  kQA,         // [q_lora]          q_lora_rank > 0 only (else an unused 1-wide buffer)
  kQNope,      // [H*n]             q's non-rope part, per head
  kQPe,        // [H*r]             q's rope part, per head
  kQLatent,    // [H*k]             W_UK^T q_nope
  kQAbsorbed,  // [H*(k+r)]         [q_latent | roped q_pe] per head
  kKvA,        // [k+r]             W_kva x, then the cache row [norm(c_kv) | roped k_pe]
  kCKv,        // [k]               the latent part, normalised
  kKPe,        // [r]               the shared rope key
  kAttLatent,  // [H*k]             attention output in latent space
  kAttV,       // [H*v]             W_UV o_latent
  kRouter,     // [n_experts]       router logits              (MoE models only, else 1 wide)
  kExpertIds,  // I32 [n_used]      chosen experts
  kExpertW,    // [n_used]          their weights
  kShGate,     // [shared_ffn]      shared expert gate, then the activated product
  kShUp,       // [shared_ffn]      shared expert up
  kShOut,      // [d_model]         shared expert output
  kBufferCount,
};

Tensor First(const Tensor& t, int64_t n) { return t.Reshaped({n, 1, 1, 1}); }

struct Step {
  Backend& be;
  const ModelConfig& c;
  const Deepseek2Config& d;
  const ModelImpl& m;
  ForwardState& s;
  int64_t n;

  Tensor Buf(Buffer b) const { return s.extra[b].Rows(0, n); }

  void Attention(int64_t il) {
    const LayerWeights& w = m.weights.layers[static_cast<size_t>(il)];
    const int64_t H = c.n_heads, nope = d.qk_nope_dim, rope = d.qk_rope_dim, lora = d.kv_lora_rank;
    Tensor x = s.x.Rows(0, n), xb = s.xb.Rows(0, n), xb2 = s.xb2.Rows(0, n), q = s.q.Rows(0, n);
    Tensor q_nope = Buf(kQNope), q_pe = Buf(kQPe), q_lat = Buf(kQLatent), q_abs = Buf(kQAbsorbed);
    Tensor kv_a = Buf(kKvA), c_kv = Buf(kCKv), k_pe = Buf(kKPe), att_lat = Buf(kAttLatent), att_v = Buf(kAttV);
    const Tensor positions = First(s.positions, n);
    const RopeStyle style = RopeStyle::kInterleaved;  // llama.cpp's deepseek2 (HF rope_interleave)
    const float mscale = Deepseek2RopeMscale(c);

    be.RmsNorm(xb, x, w.attn_norm, c.norm_eps);
    if (d.q_lora_rank > 0) {
      Tensor q_a = Buf(kQA);
      be.MatMul(q_a, w.wq_a, xb);
      be.RmsNorm(q_a, q_a, w.q_a_norm, c.norm_eps);
      be.MatMul(q, w.wq_b, q_a);
    } else {
      be.MatMul(q, w.wq, xb);
    }
    be.CopyColumns(q_nope, 0, q, 0, nope, H);
    be.CopyColumns(q_pe, 0, q, nope, rope, H);
    be.Rope(q_pe, static_cast<int>(rope), static_cast<int>(rope), positions, m.inv_freq_global, style, mscale);
    be.MatMulHeads(q_lat, w.wk_b, q_nope);
    be.CopyColumns(q_abs, 0, q_lat, 0, lora, H);
    be.CopyColumns(q_abs, lora, q_pe, 0, rope, H);

    be.MatMul(kv_a, w.wkv_a, xb);
    be.CopyColumns(c_kv, 0, kv_a, 0, lora, 1);
    be.RmsNorm(c_kv, c_kv, w.kv_a_norm, c.norm_eps);
    be.CopyColumns(k_pe, 0, kv_a, lora, rope, 1);
    be.Rope(k_pe, static_cast<int>(rope), static_cast<int>(rope), positions, m.inv_freq_global, style, mscale);
    be.CopyColumns(kv_a, 0, c_kv, 0, lora, 1);
    be.CopyColumns(kv_a, lora, k_pe, 0, rope, 1);
    Tensor& cache = s.k_cache[static_cast<size_t>(il)];
    be.StoreKV(cache, kv_a, positions);

    LatentAttentionParams p;
    p.n_heads = static_cast<int>(H);
    p.kv_lora = static_cast<int>(lora);
    p.rope_dim = static_cast<int>(rope);
    p.scale = Deepseek2AttentionScale(c);
    be.LatentAttention(att_lat, q_abs, cache, positions, p);
    be.MatMulHeads(att_v, w.wv_b, att_lat);
    be.MatMul(xb2, w.wo, att_v);
    be.Add(x, x, xb2);
  }

  void FeedForward(int64_t il) {
    const LayerWeights& w = m.weights.layers[static_cast<size_t>(il)];
    Tensor x = s.x.Rows(0, n), xb = s.xb.Rows(0, n), xb2 = s.xb2.Rows(0, n);
    be.RmsNorm(xb, x, w.ffn_norm, c.norm_eps);
    if (!d.IsMoeLayer(il)) {
      Tensor hb = s.hb.Rows(0, n), hb2 = s.hb2.Rows(0, n);
      be.MatMul(hb, w.w_gate, xb);
      be.MatMul(hb2, w.w_up, xb);
      be.SwiGlu(hb, hb, hb2);
      be.MatMul(xb2, w.w_down, hb);
    } else {
      Tensor router = Buf(kRouter), ids = Buf(kExpertIds), weights = Buf(kExpertW);
      be.MatMul(router, w.ffn_gate_inp, xb);
      MoeRoutingParams p;
      p.n_experts = static_cast<int>(d.n_experts);
      p.n_used = static_cast<int>(d.n_experts_used);
      p.n_groups = static_cast<int>(d.n_groups);
      p.n_groups_used = static_cast<int>(d.n_groups_used);
      p.gating = d.sigmoid_gating ? MoeGating::kSigmoid : MoeGating::kSoftmax;
      // V3 (sigmoid, noaux_tc) ranks groups by their two best experts; V2 by the best one.
      p.group_score = d.sigmoid_gating ? MoeGroupScore::kTop2Sum : MoeGroupScore::kMax;
      p.normalize = d.normalize_weights;
      p.scale = d.routed_scale;
      be.MoeRoute(ids, weights, router, w.exp_probs_b.empty() ? nullptr : &w.exp_probs_b, p);
      be.MoeFeedForward(xb2, xb, w.ffn_gate_exps, w.ffn_up_exps, w.ffn_down_exps, ids, weights);
      if (d.n_shared_experts > 0) {
        Tensor gate = Buf(kShGate), up = Buf(kShUp), out = Buf(kShOut);
        be.MatMul(gate, w.ffn_gate_shexp, xb);
        be.MatMul(up, w.ffn_up_shexp, xb);
        be.SwiGlu(gate, gate, up);
        be.MatMul(out, w.ffn_down_shexp, gate);
        be.Add(xb2, xb2, out);
      }
    }
    be.Add(x, x, xb2);
  }

  void Logits(bool all) {
    const Tensor& head = m.weights.lm_head();
    const int64_t rows = all ? n : 1;
    Tensor x = all ? s.x.Rows(0, n) : s.x.Rows(n - 1, 1);
    Tensor xb = s.xb.Rows(0, rows), logits = s.logits.Rows(0, rows);
    be.RmsNorm(xb, x, m.weights.output_norm, c.norm_eps);
    be.MatMul(logits, head, xb);
  }
};

}  // namespace

Status AllocDeepseek2State(const ModelConfig& c, int64_t context, int64_t max_batch, DType kv_type,
                           const StateAlloc& alloc, ForwardState& s) {
  const Deepseek2Config& d = c.deepseek2;
  const int64_t H = c.n_heads;
  s.k_cache.resize(static_cast<size_t>(c.n_layers));
  s.v_cache.clear();
  for (Tensor& cache : s.k_cache) ENCLAVE_RETURN_IF_ERROR(alloc(cache, kv_type, d.latent_width(), context, "latent_cache"));

  const bool moe = d.n_experts > 0;
  struct Spec {
    Buffer b;
    DType type;
    int64_t width;
    const char* name;
  };
  const Spec specs[] = {
      {kQA, DType::F32, std::max<int64_t>(d.q_lora_rank, 1), "q_a"},
      {kQNope, DType::F32, H * d.qk_nope_dim, "q_nope"},
      {kQPe, DType::F32, H * d.qk_rope_dim, "q_pe"},
      {kQLatent, DType::F32, H * d.kv_lora_rank, "q_latent"},
      {kQAbsorbed, DType::F32, H * d.latent_width(), "q_absorbed"},
      {kKvA, DType::F32, d.latent_width(), "kv_a"},
      {kCKv, DType::F32, d.kv_lora_rank, "c_kv"},
      {kKPe, DType::F32, d.qk_rope_dim, "k_pe"},
      {kAttLatent, DType::F32, H * d.kv_lora_rank, "att_latent"},
      {kAttV, DType::F32, H * d.v_head_dim, "att_v"},
      {kRouter, DType::F32, moe ? d.n_experts : 1, "router_logits"},
      {kExpertIds, DType::I32, moe ? d.n_experts_used : 1, "expert_ids"},
      {kExpertW, DType::F32, moe ? d.n_experts_used : 1, "expert_weights"},
      {kShGate, DType::F32, std::max<int64_t>(d.shared_ffn_dim(), 1), "shared_gate"},
      {kShUp, DType::F32, std::max<int64_t>(d.shared_ffn_dim(), 1), "shared_up"},
      {kShOut, DType::F32, c.d_model, "shared_out"},
  };
  s.extra.resize(kBufferCount);
  for (const Spec& spec : specs) ENCLAVE_RETURN_IF_ERROR(alloc(s.extra[spec.b], spec.type, spec.width, max_batch, spec.name));
  return Status::Ok();
}

int64_t Deepseek2KvBytesPerToken(const ModelConfig& c, DType kv_type) {
  return c.deepseek2.latent_width() * c.n_layers * static_cast<int64_t>(RowBytes(kv_type, 1));
}

Status Deepseek2Forward(Backend& be, const ModelConfig& c, const ModelImpl& m, ForwardState& s, int64_t n_tokens,
                        bool all_logits) {
  if (s.extra.size() != kBufferCount)
    return InvalidArgument("Forward: this state was not made by a deepseek2 model's NewState");
  Step step{be, c, c.deepseek2, m, s, n_tokens};
  Tensor x = s.x.Rows(0, n_tokens);
  be.Embed(x, m.weights.token_embd, First(s.ids, n_tokens));
  for (int64_t il = 0; il < c.n_layers; ++il) {
    step.Attention(il);
    step.FeedForward(il);
  }
  step.Logits(all_logits);
  ENCLAVE_RETURN_IF_ERROR(be.UnsupportedOp());
  return be.status();
}

}  // namespace enclave
