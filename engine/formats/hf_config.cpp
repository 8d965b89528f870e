#include "formats/hf_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace enclave {
namespace {

using Json = nlohmann::json;

int64_t IntOr(const Json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_number_integer() || it->is_number_unsigned()) return it->get<int64_t>();
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  return fallback;
}

double FloatOr(const Json& j, const char* key, double fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null() || !it->is_number()) return fallback;
  return it->get<double>();
}

bool BoolOr(const Json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

std::string StringOr(const Json& j, const char* key, const std::string& fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

// rope_scaling {"type"|"rope_type", "factor", ...}; "default" means none.
HfRopeScaling ParseRopeScaling(const Json& r) {
  HfRopeScaling s;
  std::string type = StringOr(r, "rope_type", StringOr(r, "type", ""));
  if (type == "default") type.clear();
  s.type = type;
  s.factor = FloatOr(r, "factor", 1.0);
  s.low_freq_factor = FloatOr(r, "low_freq_factor", 1.0);
  s.high_freq_factor = FloatOr(r, "high_freq_factor", 4.0);
  s.original_max_position = IntOr(r, "original_max_position_embeddings", 0);
  s.beta_fast = FloatOr(r, "beta_fast", 32.0);
  s.beta_slow = FloatOr(r, "beta_slow", 1.0);
  s.mscale = FloatOr(r, "mscale", 1.0);
  s.mscale_all_dim = FloatOr(r, "mscale_all_dim", 0.0);
  return s;
}

Status Require(int64_t value, const char* key) {
  if (value <= 0) return BadInput(std::string("config.json: '") + key + "' is missing or not positive");
  return Status::Ok();
}

}  // namespace

Expected<HfConfig> ParseHfConfig(std::string_view json_text) {
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return BadInput("config.json is not a JSON object");

  HfConfig c;
  c.model_type = StringOr(root, "model_type", "");
  // Multimodal Gemma 3 keeps the language model's settings in text_config.
  const Json* j = &root;
  if (c.model_type == "gemma3" && root.contains("text_config") && root["text_config"].is_object()) {
    j = &root["text_config"];
  }

  if (c.model_type == "qwen2") {
    c.gguf_arch = "qwen2";
  } else if (c.model_type == "llama") {
    c.gguf_arch = "llama";
  } else if (c.model_type == "gemma3" || c.model_type == "gemma3_text") {
    c.gguf_arch = "gemma3";
  } else if (c.model_type == "deepseek_v3" || c.model_type == "deepseek_v2") {
    c.gguf_arch = "deepseek2";
  } else if (c.model_type.empty()) {
    return BadInput("config.json has no model_type");
  } else {
    return Unsupported("model type '" + c.model_type +
                       "' is not supported (supported: qwen2, llama, gemma3, deepseek_v3)");
  }

  c.vocab_size = IntOr(*j, "vocab_size", 0);
  c.hidden_size = IntOr(*j, "hidden_size", 0);
  c.num_hidden_layers = IntOr(*j, "num_hidden_layers", 0);
  c.num_attention_heads = IntOr(*j, "num_attention_heads", 0);
  c.num_key_value_heads = IntOr(*j, "num_key_value_heads", c.num_attention_heads);
  c.intermediate_size = IntOr(*j, "intermediate_size", 0);
  c.max_position_embeddings = IntOr(*j, "max_position_embeddings", 0);
  c.rms_norm_eps = FloatOr(*j, "rms_norm_eps", 1e-6);
  c.tie_word_embeddings = BoolOr(*j, "tie_word_embeddings", BoolOr(root, "tie_word_embeddings", c.gguf_arch == "gemma3"));
  c.attention_bias = c.gguf_arch == "qwen2" ? true : BoolOr(*j, "attention_bias", false);
  c.bos_token_id = IntOr(*j, "bos_token_id", IntOr(root, "bos_token_id", -1));
  for (const Json* src : {j, static_cast<const Json*>(&root)}) {
    auto eos = src->find("eos_token_id");
    if (eos == src->end() || !c.eos_token_ids.empty()) continue;
    if (eos->is_number_integer()) c.eos_token_ids.push_back(eos->get<int64_t>());
    if (eos->is_array())
      for (const Json& e : *eos)
        if (e.is_number_integer()) c.eos_token_ids.push_back(e.get<int64_t>());
  }

  ENCLAVE_RETURN_IF_ERROR(Require(c.vocab_size, "vocab_size"));
  ENCLAVE_RETURN_IF_ERROR(Require(c.hidden_size, "hidden_size"));
  ENCLAVE_RETURN_IF_ERROR(Require(c.num_hidden_layers, "num_hidden_layers"));
  ENCLAVE_RETURN_IF_ERROR(Require(c.num_attention_heads, "num_attention_heads"));
  ENCLAVE_RETURN_IF_ERROR(Require(c.num_key_value_heads, "num_key_value_heads"));
  ENCLAVE_RETURN_IF_ERROR(Require(c.intermediate_size, "intermediate_size"));
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    return BadInput("config.json: num_attention_heads (" + std::to_string(c.num_attention_heads) +
                    ") is not a multiple of num_key_value_heads (" + std::to_string(c.num_key_value_heads) + ")");
  c.head_dim = IntOr(*j, "head_dim", c.hidden_size / c.num_attention_heads);
  if (c.max_position_embeddings <= 0) c.max_position_embeddings = 2048;

  // Rope: transformers 5 writes rope_parameters (per layer type for Gemma 3); older files
  // rope_theta and rope_scaling at the top level.
  c.rope_theta = FloatOr(*j, "rope_theta", 10000.0);
  if (auto it = j->find("rope_scaling"); it != j->end() && it->is_object()) c.rope_scaling = ParseRopeScaling(*it);
  if (auto it = j->find("rope_parameters"); it != j->end() && it->is_object()) {
    const Json& rp = *it;
    if (rp.contains("full_attention") && rp["full_attention"].is_object()) {
      c.rope_theta = FloatOr(rp["full_attention"], "rope_theta", c.rope_theta);
      c.rope_scaling = ParseRopeScaling(rp["full_attention"]);
      if (rp.contains("sliding_attention") && rp["sliding_attention"].is_object())
        c.rope_local_base_freq = FloatOr(rp["sliding_attention"], "rope_theta", c.rope_local_base_freq);
    } else {
      c.rope_theta = FloatOr(rp, "rope_theta", c.rope_theta);
      c.rope_scaling = ParseRopeScaling(rp);
    }
  }
  const std::string& rt = c.rope_scaling.type;
  if (!rt.empty() && rt != "linear" && rt != "llama3" && rt != "yarn")
    return Unsupported("config.json: rope scaling type '" + rt + "' is not supported (linear, llama3, yarn)");
  if (rt == "llama3" && c.rope_scaling.original_max_position <= 0) c.rope_scaling.original_max_position = 8192;

  if (c.gguf_arch == "gemma3") {
    c.rope_local_base_freq = FloatOr(*j, "rope_local_base_freq", c.rope_local_base_freq);
    c.sliding_window = IntOr(*j, "sliding_window", 4096);
    c.sliding_window_pattern = IntOr(*j, "sliding_window_pattern", IntOr(*j, "_sliding_window_pattern", 6));
    if (auto it = j->find("layer_types"); it != j->end() && it->is_array() && !it->empty()) {
      // The pattern is the distance between full-attention layers: sliding x5, full, ...
      int64_t first_full = -1;
      for (size_t i = 0; i < it->size(); ++i)
        if ((*it)[i] == "full_attention") { first_full = static_cast<int64_t>(i); break; }
      c.sliding_window_pattern = first_full < 0 ? 0 : first_full + 1;
    }
    c.query_pre_attn_scalar = FloatOr(*j, "query_pre_attn_scalar", static_cast<double>(c.head_dim));
    c.final_logit_softcapping = FloatOr(*j, "final_logit_softcapping", 0.0);
    c.attn_logit_softcapping = FloatOr(*j, "attn_logit_softcapping", 0.0);
  }

  if (c.gguf_arch == "deepseek2") {
    c.q_lora_rank = IntOr(*j, "q_lora_rank", 0);
    c.kv_lora_rank = IntOr(*j, "kv_lora_rank", 0);
    c.qk_nope_head_dim = IntOr(*j, "qk_nope_head_dim", 0);
    c.qk_rope_head_dim = IntOr(*j, "qk_rope_head_dim", 0);
    c.v_head_dim = IntOr(*j, "v_head_dim", 0);
    c.n_routed_experts = IntOr(*j, "n_routed_experts", 0);
    c.n_shared_experts = IntOr(*j, "n_shared_experts", 0);
    c.num_experts_per_tok = IntOr(*j, "num_experts_per_tok", 0);
    c.moe_intermediate_size = IntOr(*j, "moe_intermediate_size", 0);
    c.first_k_dense_replace = IntOr(*j, "first_k_dense_replace", 0);
    c.n_group = IntOr(*j, "n_group", 1);
    c.topk_group = IntOr(*j, "topk_group", 1);
    c.routed_scaling_factor = FloatOr(*j, "routed_scaling_factor", 1.0);
    c.norm_topk_prob = BoolOr(*j, "norm_topk_prob", false);
    c.scoring_func = StringOr(*j, "scoring_func", c.model_type == "deepseek_v3" ? "sigmoid" : "softmax");
    c.topk_method = StringOr(*j, "topk_method", c.model_type == "deepseek_v3" ? "noaux_tc" : "greedy");
    c.rope_interleave = BoolOr(*j, "rope_interleave", true);
    ENCLAVE_RETURN_IF_ERROR(Require(c.kv_lora_rank, "kv_lora_rank"));
    ENCLAVE_RETURN_IF_ERROR(Require(c.qk_rope_head_dim, "qk_rope_head_dim"));
    ENCLAVE_RETURN_IF_ERROR(Require(c.v_head_dim, "v_head_dim"));
  }
  return c;
}

Expected<HfConfig> ReadHfConfig(const std::string& path) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) p /= "config.json";
  std::ifstream in(p, std::ios::binary);
  if (!in) return NotFound(p.string() + ": cannot open (a Hugging Face folder needs a config.json)");
  std::stringstream text;
  text << in.rdbuf();
  auto config = ParseHfConfig(text.str());
  if (!config.ok()) return config.status().WithContext(p.string());
  return config;
}

GgufMetadata HfConfigToGgufMetadata(const HfConfig& c) {
  GgufMetadata m;
  const std::string& a = c.gguf_arch;
  auto u32 = [&](const std::string& key, int64_t v) {
    m.emplace_back(key, GgufValue(GgufType::kUint32, static_cast<uint64_t>(v)));
  };
  auto f32 = [&](const std::string& key, double v) { m.emplace_back(key, GgufValue(GgufType::kFloat32, v)); };
  auto str = [&](const std::string& key, const std::string& v) { m.emplace_back(key, GgufValue(v)); };

  str("general.architecture", a);
  u32(a + ".vocab_size", c.vocab_size);
  u32(a + ".context_length", c.max_position_embeddings);
  u32(a + ".embedding_length", c.hidden_size);
  u32(a + ".block_count", c.num_hidden_layers);
  u32(a + ".feed_forward_length", c.intermediate_size);
  u32(a + ".attention.head_count", c.num_attention_heads);
  u32(a + ".attention.head_count_kv", c.num_key_value_heads);
  f32(a + ".attention.layer_norm_rms_epsilon", c.rms_norm_eps);
  f32(a + ".rope.freq_base", c.rope_theta);

  if (a == "deepseek2") {
    u32(a + ".attention.key_length", c.qk_nope_head_dim + c.qk_rope_head_dim);
    u32(a + ".attention.value_length", c.v_head_dim);
    u32(a + ".rope.dimension_count", c.qk_rope_head_dim);
    if (c.q_lora_rank > 0) u32(a + ".attention.q_lora_rank", c.q_lora_rank);
    u32(a + ".attention.kv_lora_rank", c.kv_lora_rank);
    u32(a + ".leading_dense_block_count", c.first_k_dense_replace);
    u32(a + ".expert_feed_forward_length", c.moe_intermediate_size);
    u32(a + ".expert_count", c.n_routed_experts);
    u32(a + ".expert_shared_count", c.n_shared_experts);
    u32(a + ".expert_used_count", c.num_experts_per_tok);
    u32(a + ".expert_group_count", c.n_group);
    u32(a + ".expert_group_used_count", c.topk_group);
    f32(a + ".expert_weights_scale", c.routed_scaling_factor);
    m.emplace_back(a + ".expert_weights_norm", GgufValue(c.norm_topk_prob));
    u32(a + ".expert_gating_func", c.scoring_func == "sigmoid" ? 2 : 1);
  } else {
    u32(a + ".attention.key_length", c.head_dim);
    u32(a + ".attention.value_length", c.head_dim);
    u32(a + ".rope.dimension_count", c.head_dim);
  }

  // llama3 scaling travels as the rope_freqs.weight tensor (as llama.cpp writes it).
  const HfRopeScaling& rs = c.rope_scaling;
  if (rs.type == "linear" || rs.type == "yarn") {
    str(a + ".rope.scaling.type", rs.type);
    f32(a + ".rope.scaling.factor", rs.factor);
    if (rs.original_max_position > 0) u32(a + ".rope.scaling.original_context_length", rs.original_max_position);
    if (rs.type == "yarn") {
      f32(a + ".rope.scaling.yarn_beta_fast", rs.beta_fast);
      f32(a + ".rope.scaling.yarn_beta_slow", rs.beta_slow);
      if (rs.mscale_all_dim > 0) f32(a + ".rope.scaling.yarn_log_multiplier", 0.1 * rs.mscale_all_dim);
    }
  }

  if (a == "gemma3") {
    u32(a + ".attention.sliding_window", c.sliding_window);
    u32(a + ".attention.sliding_window_pattern", c.sliding_window_pattern);
    f32(a + ".rope.freq_base_swa", c.rope_local_base_freq);
    f32(a + ".attention.query_pre_attn_scalar", c.query_pre_attn_scalar);
    if (c.final_logit_softcapping > 0) f32(a + ".final_logit_softcapping", c.final_logit_softcapping);
    if (c.attn_logit_softcapping > 0) f32(a + ".attn_logit_softcapping", c.attn_logit_softcapping);
  }
  return m;
}

const GgufValue* FindMetadata(const GgufMetadata& metadata, std::string_view key) {
  for (const auto& [k, v] : metadata)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace enclave
