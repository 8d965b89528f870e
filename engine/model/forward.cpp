// The forward pass of the dense decoders (qwen2, llama, gemma3), written once against the
// Backend interface so every backend runs the same steps:
//
//   x = embed(ids) [* sqrt(d) for gemma3]
//   for each layer:
//     x += [post_norm] attention(norm(x))        Attention()
//     x += [post_norm] ffn(norm(x))              FeedForward()
//   logits = output(norm(x))                      Logits()
//
// Buffers keep the names of ForwardState (x, xb, q, k, v, att_out, hb, hb2, logits) so a
// difference between two backends can be traced to one step of one layer.
#include <cmath>

#include "model/deepseek2.h"
#include "model/model_impl.h"

namespace enclave {
namespace {

// The first n elements of a 1-D tensor (ids, positions).
Tensor First(const Tensor& t, int64_t n) { return t.Reshaped({n, 1, 1, 1}); }

struct Step {
  Backend& be;
  const ModelConfig& c;
  const ModelImpl& m;
  ForwardState& s;
  int64_t n;  // tokens in this step

  void Attention(int64_t il) {
    const LayerWeights& w = m.weights.layers[static_cast<size_t>(il)];
    const bool local = c.IsLocalLayer(il);
    Tensor x = s.x.Rows(0, n), xb = s.xb.Rows(0, n), xb2 = s.xb2.Rows(0, n);
    Tensor q = s.q.Rows(0, n), k = s.k.Rows(0, n), v = s.v.Rows(0, n), att_out = s.att_out.Rows(0, n);
    const Tensor positions = First(s.positions, n);

    be.RmsNorm(xb, x, w.attn_norm, c.norm_eps);
    be.MatMul(q, w.wq, xb, w.bq.empty() ? nullptr : &w.bq);
    be.MatMul(k, w.wk, xb, w.bk.empty() ? nullptr : &w.bk);
    be.MatMul(v, w.wv, xb, w.bv.empty() ? nullptr : &w.bv);
    if (!w.q_norm.empty()) be.RmsNorm(q, q, w.q_norm, c.norm_eps);  // per head
    if (!w.k_norm.empty()) be.RmsNorm(k, k, w.k_norm, c.norm_eps);

    const Tensor& inv_freq = local ? m.inv_freq_local : m.inv_freq_global;
    const RopeStyle style = c.arch == Architecture::kLlama ? RopeStyle::kInterleaved : RopeStyle::kNeox;
    be.Rope(q, static_cast<int>(c.head_dim), static_cast<int>(c.n_rot), positions, inv_freq, style, 1.f);
    be.Rope(k, static_cast<int>(c.head_dim), static_cast<int>(c.n_rot), positions, inv_freq, style, 1.f);

    Tensor& k_cache = s.k_cache[static_cast<size_t>(il)];
    Tensor& v_cache = s.v_cache[static_cast<size_t>(il)];
    be.StoreKV(k_cache, k, positions);
    be.StoreKV(v_cache, v, positions);

    AttentionParams p;
    p.n_heads = static_cast<int>(c.n_heads);
    p.n_kv_heads = static_cast<int>(c.n_kv_heads);
    p.head_dim = static_cast<int>(c.head_dim);
    p.v_head_dim = static_cast<int>(c.head_dim);
    p.scale = c.attn_scale > 0 ? c.attn_scale : 1.f / std::sqrt(static_cast<float>(c.head_dim));
    p.window = local ? static_cast<int>(c.sliding_window) : 0;
    p.softcap = c.attn_logit_softcap;
    be.Attention(att_out, q, k_cache, v_cache, positions, p);

    be.MatMul(xb2, w.wo, att_out);
    if (!w.post_attn_norm.empty()) be.RmsNorm(xb2, xb2, w.post_attn_norm, c.norm_eps);
    be.Add(x, x, xb2);
  }

  void FeedForward(int64_t il) {
    const LayerWeights& w = m.weights.layers[static_cast<size_t>(il)];
    Tensor x = s.x.Rows(0, n), xb = s.xb.Rows(0, n), xb2 = s.xb2.Rows(0, n);
    Tensor hb = s.hb.Rows(0, n), hb2 = s.hb2.Rows(0, n);

    be.RmsNorm(xb, x, w.ffn_norm, c.norm_eps);
    be.MatMul(hb, w.w_gate, xb);
    be.MatMul(hb2, w.w_up, xb);
    if (c.arch == Architecture::kGemma3) {
      be.GeGlu(hb, hb, hb2);
    } else {
      be.SwiGlu(hb, hb, hb2);
    }
    be.MatMul(xb2, w.w_down, hb);
    if (!w.post_ffn_norm.empty()) be.RmsNorm(xb2, xb2, w.post_ffn_norm, c.norm_eps);
    be.Add(x, x, xb2);
  }

  // Logits of every token, or of the last one only (into row 0).
  void Logits(bool all) {
    const Tensor& head = m.weights.lm_head();
    if (all) {
      Tensor x = s.x.Rows(0, n), xb = s.xb.Rows(0, n), logits = s.logits.Rows(0, n);
      be.RmsNorm(xb, x, m.weights.output_norm, c.norm_eps);
      be.MatMul(logits, head, xb);
    } else {
      Tensor x_last = s.x.Rows(n - 1, 1), xb = s.xb.Rows(0, 1), logits = s.logits.Rows(0, 1);
      be.RmsNorm(xb, x_last, m.weights.output_norm, c.norm_eps);
      be.MatMul(logits, head, xb);
    }
  }
};

}  // namespace

Status Model::Forward(ForwardState& state, int64_t n_tokens, bool all_logits) {
  if (n_tokens <= 0 || n_tokens > state.max_batch)
    return InvalidArgument("Forward: " + std::to_string(n_tokens) + " tokens, the state takes 1 to " +
                           std::to_string(state.max_batch));
  if (all_logits && n_tokens > state.logit_rows)
    return InvalidArgument("Forward: logits of " + std::to_string(n_tokens) + " tokens asked, the state keeps " +
                           std::to_string(state.logit_rows));
  if (config_.arch == Architecture::kDeepseek2)
    return Deepseek2Forward(*backend_, config_, *impl_, state, n_tokens, all_logits);
  Backend& be = *backend_;
  Step step{be, config_, *impl_, state, n_tokens};

  Tensor x = state.x.Rows(0, n_tokens);
  be.Embed(x, impl_->weights.token_embd, First(state.ids, n_tokens));
  if (config_.embed_scale) be.Scale(x, std::sqrt(static_cast<float>(config_.d_model)));
  for (int64_t il = 0; il < config_.n_layers; ++il) {
    step.Attention(il);
    step.FeedForward(il);
  }
  step.Logits(all_logits);
  return be.status();
}

}  // namespace enclave
