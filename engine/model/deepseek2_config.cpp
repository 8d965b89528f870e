#include <cmath>
#include <numbers>
#include <string>

#include "model/model_config.h"

namespace enclave {
namespace {

class Keys {
 public:
  explicit Keys(const std::function<const GgufValue*(std::string_view)>& find) : find_(find) {}

  // "deepseek2.<key>" as a non-negative integer; absent -> *out unchanged (error when required).
  Status Int(std::string_view key, int64_t* out, bool required = false) const {
    const std::string full = "deepseek2." + std::string(key);
    const GgufValue* v = find_(full);
    if (!v) return required ? BadInput("missing metadata key " + full) : Status::Ok();
    if (const GgufValue::Array* arr = v->AsArray(); arr && !arr->items.empty()) v = &arr->items[0];
    auto i = v->AsInt();
    if (!i || *i < 0) return BadInput("metadata key " + full + " must be a non-negative integer");
    *out = *i;
    return Status::Ok();
  }
  void Float(std::string_view key, float* out) const {
    if (const GgufValue* v = find_("deepseek2." + std::string(key)))
      if (auto f = v->AsFloat()) *out = static_cast<float>(*f);
  }
  void Bool(std::string_view key, bool* out) const {
    if (const GgufValue* v = find_("deepseek2." + std::string(key)))
      if (auto b = v->AsBool()) *out = *b;
  }
  std::string String(std::string_view key) const {
    if (const GgufValue* v = find_("deepseek2." + std::string(key)))
      if (const std::string* s = v->AsString()) return *s;
    return "";
  }

 private:
  const std::function<const GgufValue*(std::string_view)>& find_;
};

// transformers' get_mscale.
double YarnMscale(double factor, double mscale) {
  return factor <= 1 ? 1.0 : 0.1 * mscale * std::log(factor) + 1.0;
}

bool IsYarn(const ModelConfig& c) { return c.rope_scaling.type == RopeScalingType::kYarn; }

}  // namespace

Status ReadDeepseek2Config(const std::function<const GgufValue*(std::string_view)>& find, ModelConfig& c) {
  const Keys k(find);
  Deepseek2Config& d = c.deepseek2;
  ENCLAVE_RETURN_IF_ERROR(k.Int("embedding_length", &c.d_model, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("block_count", &c.n_layers, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.head_count", &c.n_heads, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("context_length", &c.context_length));
  ENCLAVE_RETURN_IF_ERROR(k.Int("vocab_size", &c.vocab_size));
  ENCLAVE_RETURN_IF_ERROR(k.Int("feed_forward_length", &c.ffn_dim));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.q_lora_rank", &d.q_lora_rank));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.kv_lora_rank", &d.kv_lora_rank, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("rope.dimension_count", &d.qk_rope_dim, true));
  // Files with llama.cpp's split attn_k_b / attn_v_b describe the absorbed (MQA) form in
  // key_length / value_length and the per-head sizes in the *_mla keys.
  int64_t key_length = 0, value_length = 0;
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.key_length", &key_length, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.value_length", &value_length, true));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.key_length_mla", &key_length));
  ENCLAVE_RETURN_IF_ERROR(k.Int("attention.value_length_mla", &value_length));
  d.qk_nope_dim = key_length - d.qk_rope_dim;
  d.v_head_dim = value_length;
  ENCLAVE_RETURN_IF_ERROR(k.Int("leading_dense_block_count", &d.n_dense_layers));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_count", &d.n_experts));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_used_count", &d.n_experts_used));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_shared_count", &d.n_shared_experts));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_feed_forward_length", &d.expert_ffn_dim));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_group_count", &d.n_groups));
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_group_used_count", &d.n_groups_used));
  if (d.n_groups == 0) d.n_groups = 1;
  if (d.n_groups_used == 0) d.n_groups_used = d.n_groups;
  k.Float("expert_weights_scale", &d.routed_scale);
  if (d.routed_scale == 0.f) d.routed_scale = 1.f;
  k.Bool("expert_weights_norm", &d.normalize_weights);
  int64_t gating = 1;  // llama.cpp: absent means softmax (DeepSeek V2)
  ENCLAVE_RETURN_IF_ERROR(k.Int("expert_gating_func", &gating));
  if (gating != 1 && gating != 2)
    return Unsupported("deepseek2.expert_gating_func " + std::to_string(gating) + " is not supported (1 softmax, 2 sigmoid)");
  d.sigmoid_gating = gating == 2;

  if (c.d_model <= 0 || c.n_layers <= 0 || c.n_heads <= 0 || d.kv_lora_rank <= 0 || d.qk_rope_dim <= 0 ||
      d.qk_rope_dim % 2 != 0 || d.qk_nope_dim <= 0 || d.v_head_dim <= 0)
    return BadInput("deepseek2 hyperparameters must be positive (embedding_length, block_count, head_count, "
                    "kv_lora_rank, key_length > rope.dimension_count (even), value_length)");
  if (d.n_experts > 0) {
    if (d.n_experts_used <= 0 || d.n_experts_used > d.n_experts || d.expert_ffn_dim <= 0)
      return BadInput("deepseek2: expert_used_count must be in [1, expert_count] and expert_feed_forward_length positive");
    if (d.n_experts % d.n_groups != 0 || d.n_groups_used > d.n_groups ||
        d.n_experts_used > d.n_experts / d.n_groups * d.n_groups_used)
      return BadInput("deepseek2: expert_count must split into expert_group_count groups, and the used groups hold "
                      "at least expert_used_count experts");
  } else {
    d.n_dense_layers = c.n_layers;
  }
  if (d.n_dense_layers > 0 && c.ffn_dim <= 0)
    return BadInput("deepseek2: feed_forward_length must be positive when there are dense layers");

  c.n_kv_heads = c.n_heads;  // the generic buffers; MLA keeps its own latent cache
  c.head_dim = d.qk_head_dim();
  c.n_rot = d.qk_rope_dim;
  if (c.context_length <= 0) c.context_length = 2048;
  c.norm_eps = 1e-6f;
  k.Float("attention.layer_norm_rms_epsilon", &c.norm_eps);
  c.rope_theta = 10000.f;
  k.Float("rope.freq_base", &c.rope_theta);
  c.rope_theta_local = c.rope_theta;

  const std::string scaling = k.String("rope.scaling.type");
  if (scaling == "yarn") {
    c.rope_scaling.type = RopeScalingType::kYarn;
  } else if (!scaling.empty() && scaling != "none") {
    return Unsupported("deepseek2: rope scaling type '" + scaling + "' is not supported (yarn)");
  }
  k.Float("rope.scaling.factor", &c.rope_scaling.factor);
  ENCLAVE_RETURN_IF_ERROR(k.Int("rope.scaling.original_context_length", &c.rope_scaling.original_context));
  k.Float("rope.scaling.yarn_beta_fast", &c.rope_scaling.yarn_beta_fast);
  k.Float("rope.scaling.yarn_beta_slow", &c.rope_scaling.yarn_beta_slow);
  k.Float("rope.scaling.yarn_log_multiplier", &d.yarn_log_multiplier);
  if (IsYarn(c) && (!(c.rope_scaling.factor > 0) || c.rope_scaling.original_context <= 0))
    return BadInput("deepseek2: YaRN needs rope.scaling.factor and rope.scaling.original_context_length");
  return Status::Ok();
}

std::vector<float> Deepseek2RopeInvFreq(const ModelConfig& c) {
  const int64_t dim = c.deepseek2.qk_rope_dim;
  std::vector<float> inv_freq(static_cast<size_t>(dim / 2));
  const float base = c.rope_theta;
  if (!IsYarn(c)) {
    for (int64_t i = 0; i < dim / 2; ++i)
      inv_freq[i] = 1.0f / std::pow(base, static_cast<float>(2 * i) / static_cast<float>(dim));
    return inv_freq;
  }
  const RopeScaling& s = c.rope_scaling;
  auto correction_dim = [&](double rotations) {
    return (static_cast<double>(dim) * std::log(static_cast<double>(s.original_context) / (rotations * 2 * std::numbers::pi))) /
           (2 * std::log(static_cast<double>(base)));
  };
  const double low = std::max(0.0, std::floor(correction_dim(s.yarn_beta_fast)));
  double high = std::min(static_cast<double>(dim - 1), std::ceil(correction_dim(s.yarn_beta_slow)));
  if (low == high) high += 0.001;
  for (int64_t i = 0; i < dim / 2; ++i) {
    const float pos_freq = std::pow(base, static_cast<float>(2 * i) / static_cast<float>(dim));
    const float extrapolation = 1.0f / pos_freq;
    const float interpolation = 1.0f / (s.factor * pos_freq);
    const float ramp = static_cast<float>(std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0));
    const float extrapolation_factor = 1.0f - ramp;
    inv_freq[i] = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor;
  }
  return inv_freq;
}

float Deepseek2RopeMscale(const ModelConfig& c) {
  if (!IsYarn(c) || c.deepseek2.yarn_log_multiplier > 0) return 1.f;
  return static_cast<float>(YarnMscale(c.rope_scaling.factor, 1.0));
}

float Deepseek2AttentionScale(const ModelConfig& c) {
  float scale = 1.f / std::sqrt(static_cast<float>(c.deepseek2.qk_head_dim()));
  if (IsYarn(c) && c.deepseek2.yarn_log_multiplier > 0) {
    const float mscale = static_cast<float>(YarnMscale(c.rope_scaling.factor, c.deepseek2.yarn_log_multiplier / 0.1));
    scale *= mscale * mscale;
  }
  return scale;
}

}  // namespace enclave
