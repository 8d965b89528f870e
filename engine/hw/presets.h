// Model presets: the architecture hyperparameters of well-known models, as their published
// config.json files give them, so the estimator can size a model before it is downloaded and
// `convert --random-preset` can build a random-weight model of the real shape.
//
// The table lives in resources/presets.json (HF config.json fields per preset), embedded into
// enclave_hw at build time; the same parser reads a user's config.json (ModelShapeFromHfConfig).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace enclave::hw {

enum class ModelArch { kQwen2, kLlama, kDeepseek2 };
std::string_view ArchName(ModelArch arch);  // "qwen2", "llama", "deepseek2" (GGUF names)

// Rotary position embedding scaling, as config.json's rope_scaling describes it.
struct RopeScaling {
  std::string type;                        // "" (none), "llama3", "yarn", "linear"
  double factor = 1.0;
  int64_t original_max_position = 0;       // original_max_position_embeddings
  double low_freq_factor = 0.0;            // llama3
  double high_freq_factor = 0.0;           // llama3
  double beta_fast = 0.0;                  // yarn
  double beta_slow = 0.0;                  // yarn
  double mscale = 0.0;                     // yarn (DeepSeek)
  double mscale_all_dim = 0.0;             // yarn (DeepSeek)
};

// Everything about a decoder-only transformer that decides its size, memory and speed.
// Dense fields apply to every architecture; the MLA/MoE block is used for kDeepseek2 only
// (zero elsewhere).
struct ModelShape {
  ModelArch arch = ModelArch::kLlama;
  int64_t hidden = 0;                 // hidden_size (d_model)
  int64_t layers = 0;                 // num_hidden_layers (MTP/nextn layers excluded)
  int64_t heads = 0;                  // num_attention_heads
  int64_t kv_heads = 0;               // num_key_value_heads (== heads for MHA and MLA)
  int64_t head_dim = 0;               // hidden / heads unless config says otherwise
  int64_t ffn = 0;                    // intermediate_size of the dense MLP
  int64_t vocab = 0;                  // vocab_size (rows of token_embd and output)
  int64_t max_context = 0;            // max_position_embeddings (trained/configured maximum)
  // Longest context a documented rope scaling permits (e.g. Qwen2.5 with YaRN x4: 131072);
  // equal to max_context when the model offers none.
  int64_t extendable_context = 0;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool tie_embeddings = false;        // tie_word_embeddings: no separate output.weight
  bool attention_bias = false;        // q/k/v projections carry a bias (Qwen2)
  double rms_norm_eps = 1e-6;

  // DeepSeek-V2/V3 Multi-head Latent Attention (MLA).
  int64_t q_lora_rank = 0;            // 0: q is projected directly (V2-Lite)
  int64_t kv_lora_rank = 0;           // compressed KV latent, what the cache stores
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;       // decoupled rotary key, also cached
  int64_t v_head_dim = 0;

  // DeepSeek Mixture of Experts.
  int64_t n_routed_experts = 0;
  int64_t n_shared_experts = 0;
  int64_t experts_per_tok = 0;        // num_experts_per_tok
  int64_t moe_intermediate = 0;       // moe_intermediate_size (per expert)
  int64_t first_k_dense_replace = 0;  // the first k layers use the dense MLP (ffn)
  int64_t n_group = 0;                // expert groups for group-limited routing
  int64_t topk_group = 0;             // groups kept per token
  double routed_scaling_factor = 1.0;
  std::string scoring_func;           // "softmax" (V2) or "sigmoid" (V3/R1)
  std::string topk_method;            // "greedy", "group_limited_greedy", "noaux_tc"
  bool norm_topk_prob = false;

  int64_t bos_token_id = -1;
  int64_t eos_token_id = -1;

  bool is_moe() const { return n_routed_experts > 0; }
  bool is_mla() const { return kv_lora_rank > 0; }
  // Layers whose MLP is a mixture of experts (the rest are dense).
  int64_t moe_layers() const { return is_moe() ? layers - first_k_dense_replace : 0; }
};

struct ModelPreset {
  std::string name;          // "deepseek-r1", "qwen2.5-7b", ... (lower case, CLI spelling)
  std::string display_name;  // "DeepSeek-R1 (671B)"
  std::string hf_repo;       // "deepseek-ai/DeepSeek-R1"
  ModelShape shape;
};

// All built-in presets, in a stable order (DeepSeek family first).
const std::vector<ModelPreset>& Presets();

// Case-insensitive lookup. An unknown name is NotFound with the closest names listed
// ("unknown model preset 'deepseek-r2'; did you mean: deepseek-r1, deepseek-v2.5?").
Expected<ModelPreset> FindPreset(std::string_view name);

// Up to `limit` preset names closest to `name` (edit distance, then shared prefix).
std::vector<std::string> ClosestPresetNames(std::string_view name, size_t limit = 3);

// Parses a Hugging Face config.json text (model_type qwen2, llama, deepseek_v2, deepseek_v3;
// both rope_scaling and transformers-5 rope_parameters spellings).
Expected<ModelShape> ModelShapeFromHfConfig(std::string_view config_json_text);
Expected<ModelShape> ModelShapeFromHfConfigFile(const std::string& path);

// The preset as config.json text (model_type, *_size, rope_scaling, ...), for
// `convert --random-preset` and for the UI's "show config" view.
std::string HfConfigJson(const ModelPreset& preset);

}  // namespace enclave::hw
