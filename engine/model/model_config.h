// Hyperparameters of a decoder-only transformer, read from GGUF metadata (llama.cpp's keys).
// A Hugging Face folder is first translated into the same metadata (formats/hf_config.h), so
// both kinds of file produce one ModelConfig through one reader.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "formats/gguf.h"
#include "model/deepseek2_config.h"

namespace enclave {

enum class Architecture {
  kQwen2,   // Qwen2 / DeepSeek-R1-Distill-Qwen: GQA with biases on q, k, v
  kLlama,   // Llama 2/3 / DeepSeek-R1-Distill-Llama: Llama-3 rope scaling, optional tied output
  kGemma3,  // Gemma 3 text: q/k norms, pre+post norms, GeGLU, sliding-window local layers
  kDeepseek2,  // DeepSeek V2/V3/R1: MLA attention, MoE FFN (model/deepseek2.h)
};

std::string_view ArchitectureName(Architecture a);  // the GGUF name: "qwen2", "llama", "gemma3"

enum class RopeScalingType { kNone, kLinear, kLlama3, kYarn };

struct RopeScaling {
  RopeScalingType type = RopeScalingType::kNone;
  float factor = 1.f;                 // linear / llama3 / yarn
  float low_freq_factor = 1.f;        // llama3
  float high_freq_factor = 4.f;       // llama3
  int64_t original_context = 0;       // llama3 / yarn: the context the model was trained at
  float yarn_beta_fast = 32.f;        // yarn
  float yarn_beta_slow = 1.f;         // yarn
};

struct ModelConfig {
  Architecture arch = Architecture::kLlama;
  std::string name;                 // general.name, may be empty

  int64_t vocab_size = 0;           // rows of token_embd
  int64_t d_model = 0;              // embedding_length
  int64_t n_layers = 0;             // block_count
  int64_t n_heads = 0;              // attention.head_count
  int64_t n_kv_heads = 0;           // attention.head_count_kv (GQA)
  int64_t head_dim = 0;             // attention.key_length (default d_model / n_heads)
  int64_t ffn_dim = 0;              // feed_forward_length
  int64_t context_length = 0;       // trained context
  float norm_eps = 1e-5f;           // attention.layer_norm_rms_epsilon

  float rope_theta = 10000.f;       // rope.freq_base (global layers)
  float rope_theta_local = 10000.f; // gemma3 sliding-window layers (rope base 10k)
  int64_t n_rot = 0;                // rope.dimension_count (default head_dim)
  RopeScaling rope_scaling;

  bool tied_embeddings = false;     // no output.weight: logits use token_embd
  bool qkv_bias = false;            // qwen2

  // Gemma 3
  int64_t sliding_window = 0;        // attention.sliding_window (0 = none)
  int64_t sliding_window_pattern = 0;// every Nth layer is global (6 for Gemma 3); 0 = all global
  float attn_scale = 0.f;            // score scale; 0 = 1/sqrt(head_dim)
  float final_logit_softcap = 0.f;   // 0 = off
  float attn_logit_softcap = 0.f;    // 0 = off
  bool embed_scale = false;          // x = embedding * sqrt(d_model)

  Deepseek2Config deepseek2;         // arch == kDeepseek2 only

  // True when layer `il` attends over a sliding window with the local rope base.
  bool IsLocalLayer(int64_t il) const {
    return sliding_window > 0 && sliding_window_pattern > 0 &&
           (il + 1) % sliding_window_pattern != 0;
  }
  int64_t q_width() const { return n_heads * head_dim; }
  int64_t kv_width() const { return n_kv_heads * head_dim; }
};

// Looks a metadata key up; nullptr when absent. GgufFile::Find or an in-memory list.
using MetadataLookup = std::function<const GgufValue*(std::string_view key)>;

// Reads and validates the hyperparameters. Unknown general.architecture -> Unsupported.
Expected<ModelConfig> ReadModelConfig(const MetadataLookup& find);

}  // namespace enclave
