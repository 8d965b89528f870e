// Hugging Face config.json: the hyperparameters of qwen2, llama, gemma3 (text) and deepseek_v3
// checkpoints, and their translation into llama.cpp's GGUF metadata keys. Accepts both
// spellings of rope settings: top-level rope_theta / rope_scaling (released checkpoints) and
// transformers-5 rope_parameters {rope_theta, rope_type, factor, ...}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "formats/gguf.h"

namespace enclave {

struct HfRopeScaling {
  std::string type;                  // "" (none), "linear", "llama3", "yarn"
  double factor = 1.0;
  double low_freq_factor = 1.0;      // llama3
  double high_freq_factor = 4.0;     // llama3
  int64_t original_max_position = 0; // llama3, yarn
  double beta_fast = 32.0;           // yarn
  double beta_slow = 1.0;            // yarn
  double mscale = 1.0;               // yarn (DeepSeek)
  double mscale_all_dim = 0.0;       // yarn (DeepSeek)
};

struct HfConfig {
  std::string model_type;            // as written: "qwen2", "llama", "gemma3_text", "deepseek_v3"
  std::string gguf_arch;             // GGUF general.architecture: "qwen2", "llama", "gemma3", "deepseek2"

  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;              // hidden_size / num_attention_heads unless given
  int64_t intermediate_size = 0;
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  HfRopeScaling rope_scaling;
  bool tie_word_embeddings = false;
  bool attention_bias = false;       // qwen2 always has q/k/v biases
  std::vector<int64_t> eos_token_ids;
  int64_t bos_token_id = -1;

  // gemma3
  double rope_local_base_freq = 10000.0;
  int64_t sliding_window = 0;
  int64_t sliding_window_pattern = 0;  // from layer_types or sliding_window_pattern
  double query_pre_attn_scalar = 0.0;
  double final_logit_softcapping = 0.0;
  double attn_logit_softcapping = 0.0;

  // deepseek_v3 (parsed now, used by the deepseek2 model)
  int64_t q_lora_rank = 0;
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
  int64_t n_routed_experts = 0;
  int64_t n_shared_experts = 0;
  int64_t num_experts_per_tok = 0;
  int64_t moe_intermediate_size = 0;
  int64_t first_k_dense_replace = 0;
  int64_t n_group = 0;
  int64_t topk_group = 0;
  double routed_scaling_factor = 1.0;
  bool norm_topk_prob = false;
  std::string scoring_func;          // "sigmoid" (V3) or "softmax" (V2)
  std::string topk_method;           // "noaux_tc", "group_limited_greedy", "greedy"
  bool rope_interleave = false;      // rotary pairs (2i, 2i+1) instead of (i, i + d/2)
};

// Parses config.json text. Unknown model_type -> kUnsupported naming it.
Expected<HfConfig> ParseHfConfig(std::string_view json_text);
// `path`: a config.json file or the folder holding it.
Expected<HfConfig> ReadHfConfig(const std::string& path);

using GgufMetadata = std::vector<std::pair<std::string, GgufValue>>;

// llama.cpp's metadata keys for this config (general.architecture, <arch>.context_length,
// .embedding_length, .block_count, .feed_forward_length, .attention.*, .rope.*), without
// general.file_type and tokenizer keys (the converter adds those).
GgufMetadata HfConfigToGgufMetadata(const HfConfig& config);

// Looks a key up in a metadata list; nullptr when absent.
const GgufValue* FindMetadata(const GgufMetadata& metadata, std::string_view key);

}  // namespace enclave
