// Hyperparameters of the deepseek2 architecture (DeepSeek V2, V2-Lite, V2.5, V3, R1): Multi-head
// Latent Attention and mixture-of-experts feed-forward layers, read from llama.cpp's
// "deepseek2.*" GGUF keys (a Hugging Face folder is translated into the same keys).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "formats/gguf.h"

namespace enclave {

struct ModelConfig;

struct Deepseek2Config {
  // MLA. Per head, q and k are [nope | rope]; the cache keeps one latent row per token:
  // [kv_lora_rank normalised latent | qk_rope_dim roped key shared by all heads].
  int64_t q_lora_rank = 0;    // 0: q = attn_q x directly (V2-Lite)
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_dim = 0;
  int64_t qk_rope_dim = 0;
  int64_t v_head_dim = 0;

  // MoE. Layers [0, n_dense_layers) have a dense SwiGLU FFN of ModelConfig::ffn_dim.
  int64_t n_dense_layers = 0;     // leading_dense_block_count (first_k_dense_replace)
  int64_t n_experts = 0;          // expert_count (n_routed_experts)
  int64_t n_experts_used = 0;     // expert_used_count (num_experts_per_tok)
  int64_t n_shared_experts = 0;   // expert_shared_count: one SwiGLU of n_shared * expert_ffn_dim
  int64_t expert_ffn_dim = 0;     // expert_feed_forward_length (moe_intermediate_size)
  int64_t n_groups = 1;           // expert_group_count (n_group)
  int64_t n_groups_used = 1;      // expert_group_used_count (topk_group)
  float routed_scale = 1.f;       // expert_weights_scale (routed_scaling_factor)
  bool normalize_weights = false; // expert_weights_norm (norm_topk_prob)
  bool sigmoid_gating = false;    // expert_gating_func: 1 softmax (V2), 2 sigmoid (V3)

  // YaRN (rope.scaling.type == "yarn"): DeepSeek's softmax scale multiplier
  // mscale = 1 + yarn_log_multiplier * ln(factor), squared; yarn_log_multiplier = 0.1 * mscale_all_dim.
  float yarn_log_multiplier = 0.f;

  int64_t qk_head_dim() const { return qk_nope_dim + qk_rope_dim; }
  int64_t latent_width() const { return kv_lora_rank + qk_rope_dim; }  // cache row per layer
  int64_t shared_ffn_dim() const { return n_shared_experts * expert_ffn_dim; }
  bool IsMoeLayer(int64_t il) const { return n_experts > 0 && il >= n_dense_layers; }
};

// Fills c.deepseek2 and the common fields (d_model, n_layers, n_heads, head_dim = nope + rope,
// n_rot = rope dims, ffn_dim of the dense layers, rope and norm settings). `find` is the
// MetadataLookup of model_config.h.
Status ReadDeepseek2Config(const std::function<const GgufValue*(std::string_view)>& find, ModelConfig& c);

// Rope frequencies for the rope part (qk_rope_dim), with YaRN's blend of interpolated and
// extrapolated frequencies when the config says so (transformers' _compute_yarn_parameters).
std::vector<float> Deepseek2RopeInvFreq(const ModelConfig& c);
// The factor on cos/sin. Under YaRN with a log multiplier: 1, as in llama.cpp and in transformers
// for every released DeepSeek config (mscale == mscale_all_dim); YaRN without one: 1 + 0.1 ln(f).
float Deepseek2RopeMscale(const ModelConfig& c);
// The softmax scale: 1/sqrt(qk_nope + qk_rope), times mscale^2 under YaRN.
float Deepseek2AttentionScale(const ModelConfig& c);

}  // namespace enclave
