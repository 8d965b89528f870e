#include "model/model_config.h"

#include <cmath>
#include <string>

namespace enclave {

std::string_view ArchitectureName(Architecture a) {
  switch (a) {
    case Architecture::kQwen2: return "qwen2";
    case Architecture::kLlama: return "llama";
    case Architecture::kGemma3: return "gemma3";
    case Architecture::kDeepseek2: return "deepseek2";
  }
  return "unknown";
}

namespace {

class MetadataReader {
 public:
  MetadataReader(const MetadataLookup& find, std::string arch) : find_(find), arch_(std::move(arch)) {}

  // "<arch>.<key>" as an integer; missing -> fallback (or an error when required).
  Status Int(std::string_view key, int64_t* out, bool required) const {
    const std::string full = arch_ + "." + std::string(key);
    const GgufValue* v = find_(full);
    if (!v) {
      if (required) return BadInput("missing metadata key " + full);
      return Status::Ok();
    }
    // head_count may be an array (one per layer) in some files: take the first.
    if (const GgufValue::Array* arr = v->AsArray(); arr && !arr->items.empty()) v = &arr->items[0];
    auto i = v->AsInt();
    if (!i) return BadInput("metadata key " + full + " is not an integer");
    if (*i < 0) return BadInput("metadata key " + full + " is negative");
    *out = *i;
    return Status::Ok();
  }
  void Float(std::string_view key, float* out) const {
    if (const GgufValue* v = find_(arch_ + "." + std::string(key)))
      if (auto f = v->AsFloat()) *out = static_cast<float>(*f);
  }
  std::string String(std::string_view key) const {
    if (const GgufValue* v = find_(arch_ + "." + std::string(key)))
      if (const std::string* s = v->AsString()) return *s;
    return "";
  }

 private:
  const MetadataLookup& find_;
  std::string arch_;
};

}  // namespace

Expected<ModelConfig> ReadModelConfig(const MetadataLookup& find) {
  const GgufValue* arch_value = find("general.architecture");
  const std::string* arch_name = arch_value ? arch_value->AsString() : nullptr;
  if (!arch_name) return BadInput("missing metadata key general.architecture");

  ModelConfig c;
  if (*arch_name == "qwen2") {
    c.arch = Architecture::kQwen2;
  } else if (*arch_name == "llama") {
    c.arch = Architecture::kLlama;
  } else if (*arch_name == "gemma3") {
    c.arch = Architecture::kGemma3;
  } else if (*arch_name == "deepseek2") {
    c.arch = Architecture::kDeepseek2;
  } else {
    return Unsupported("architecture '" + *arch_name +
                       "' is not supported by this build (supported: qwen2, llama, gemma3, deepseek2)");
  }
  if (const GgufValue* n = find("general.name"))
    if (const std::string* s = n->AsString()) c.name = *s;
  if (c.arch == Architecture::kDeepseek2) {  // MLA + MoE keys: model/deepseek2_config.cpp
    ENCLAVE_RETURN_IF_ERROR(ReadDeepseek2Config(find, c));
    return c;
  }

  const MetadataReader r(find, *arch_name);
  ENCLAVE_RETURN_IF_ERROR(r.Int("embedding_length", &c.d_model, true));
  ENCLAVE_RETURN_IF_ERROR(r.Int("block_count", &c.n_layers, true));
  ENCLAVE_RETURN_IF_ERROR(r.Int("feed_forward_length", &c.ffn_dim, true));
  ENCLAVE_RETURN_IF_ERROR(r.Int("attention.head_count", &c.n_heads, true));
  c.n_kv_heads = c.n_heads;
  ENCLAVE_RETURN_IF_ERROR(r.Int("attention.head_count_kv", &c.n_kv_heads, false));
  ENCLAVE_RETURN_IF_ERROR(r.Int("context_length", &c.context_length, false));
  ENCLAVE_RETURN_IF_ERROR(r.Int("vocab_size", &c.vocab_size, false));  // else from token_embd
  if (c.d_model <= 0 || c.n_layers <= 0 || c.n_heads <= 0 || c.n_kv_heads <= 0 || c.ffn_dim <= 0)
    return BadInput("model hyperparameters must be positive (embedding_length, block_count, "
                    "feed_forward_length, attention.head_count, attention.head_count_kv)");
  if (c.n_heads % c.n_kv_heads != 0)
    return BadInput("attention.head_count (" + std::to_string(c.n_heads) + ") is not a multiple of head_count_kv (" +
                    std::to_string(c.n_kv_heads) + ")");
  c.head_dim = c.d_model / c.n_heads;
  ENCLAVE_RETURN_IF_ERROR(r.Int("attention.key_length", &c.head_dim, false));
  int64_t value_length = c.head_dim;
  ENCLAVE_RETURN_IF_ERROR(r.Int("attention.value_length", &value_length, false));
  if (value_length != c.head_dim)
    return Unsupported("attention.value_length differs from key_length: not supported for " + *arch_name);
  c.n_rot = c.head_dim;
  ENCLAVE_RETURN_IF_ERROR(r.Int("rope.dimension_count", &c.n_rot, false));
  if (c.head_dim <= 0 || c.n_rot <= 0 || c.n_rot > c.head_dim || c.n_rot % 2 != 0)
    return BadInput("rope.dimension_count must be even and at most the head size");
  if (c.context_length <= 0) c.context_length = 2048;

  c.norm_eps = 1e-5f;
  r.Float("attention.layer_norm_rms_epsilon", &c.norm_eps);
  c.rope_theta = 10000.f;
  r.Float("rope.freq_base", &c.rope_theta);
  c.rope_theta_local = c.rope_theta;

  const std::string scaling = r.String("rope.scaling.type");
  if (scaling == "linear") {
    c.rope_scaling.type = RopeScalingType::kLinear;
  } else if (scaling == "yarn") {
    c.rope_scaling.type = RopeScalingType::kYarn;
  } else if (!scaling.empty() && scaling != "none") {
    return Unsupported("rope scaling type '" + scaling + "' is not supported");
  }
  r.Float("rope.scaling.factor", &c.rope_scaling.factor);
  if (c.rope_scaling.type != RopeScalingType::kNone && !(c.rope_scaling.factor > 0))
    return BadInput("rope.scaling.factor must be positive");
  ENCLAVE_RETURN_IF_ERROR(r.Int("rope.scaling.original_context_length", &c.rope_scaling.original_context, false));
  r.Float("rope.scaling.yarn_beta_fast", &c.rope_scaling.yarn_beta_fast);
  r.Float("rope.scaling.yarn_beta_slow", &c.rope_scaling.yarn_beta_slow);
  if (c.rope_scaling.type == RopeScalingType::kYarn)
    return Unsupported("YaRN rope scaling is not implemented yet for " + *arch_name);

  c.qkv_bias = c.arch == Architecture::kQwen2;

  if (c.arch == Architecture::kGemma3) {
    // llama.cpp's gemma3 defaults when the keys are absent: 5 local layers per global one,
    // local rope base 10k, score scale 1/sqrt(head_dim).
    ENCLAVE_RETURN_IF_ERROR(r.Int("attention.sliding_window", &c.sliding_window, false));
    c.sliding_window_pattern = 6;
    ENCLAVE_RETURN_IF_ERROR(r.Int("attention.sliding_window_pattern", &c.sliding_window_pattern, false));
    c.rope_theta_local = 10000.f;
    r.Float("rope.freq_base_swa", &c.rope_theta_local);
    float query_pre_attn_scalar = static_cast<float>(c.head_dim);
    r.Float("attention.query_pre_attn_scalar", &query_pre_attn_scalar);
    if (!(query_pre_attn_scalar > 0)) return BadInput("gemma3.attention.query_pre_attn_scalar must be positive");
    c.attn_scale = 1.f / std::sqrt(query_pre_attn_scalar);
    r.Float("final_logit_softcapping", &c.final_logit_softcap);
    r.Float("attn_logit_softcapping", &c.attn_logit_softcap);
    if (c.final_logit_softcap != 0.f)
      return Unsupported("gemma3 final logit soft-capping is not implemented");
    c.embed_scale = true;
  }
  return c;
}

}  // namespace enclave
