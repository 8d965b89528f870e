// The weights of the dense decoder architectures (qwen2, llama, gemma3), described once per
// architecture as a table of GGUF tensor names, shapes in terms of hyperparameters, and allowed
// kinds of type. One enumerator (ForEachWeight) walks the table for loading, uploading, freeing,
// writing random models and tests, so no list of tensors is repeated anywhere else.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "model/model_config.h"

namespace enclave {

// Weights of one transformer block. Shapes in ggml order {in, out}: y[out] = W x[in].
struct LayerWeights {
  Tensor attn_norm;       // {d_model}
  Tensor wq;              // {d_model, n_heads * head_dim}
  Tensor wk;              // {d_model, n_kv_heads * head_dim}
  Tensor wv;              // {d_model, n_kv_heads * head_dim}
  Tensor bq;              // {n_heads * head_dim}     qwen2
  Tensor bk;              // {n_kv_heads * head_dim}  qwen2
  Tensor bv;              // {n_kv_heads * head_dim}  qwen2
  Tensor q_norm;          // {head_dim}               gemma3, per head
  Tensor k_norm;          // {head_dim}               gemma3, per head
  Tensor wo;              // {n_heads * head_dim, d_model}
  Tensor post_attn_norm;  // {d_model}                gemma3, on the attention output
  Tensor ffn_norm;        // {d_model}
  Tensor w_gate;          // {d_model, ffn_dim}
  Tensor w_up;            // {d_model, ffn_dim}
  Tensor w_down;          // {ffn_dim, d_model}
  Tensor post_ffn_norm;   // {d_model}                gemma3, on the FFN output

  // deepseek2 (model/deepseek2.h). H heads; wq is {d_model, H*(nope+rope)} when q_lora_rank is 0,
  // wo is {H*v_head, d_model}; w_gate/w_up/w_down only in the leading dense layers.
  Tensor wq_a;            // {d_model, q_lora}                  attn_q_a
  Tensor q_a_norm;        // {q_lora}                           attn_q_a_norm
  Tensor wq_b;            // {q_lora, H*(nope+rope)}            attn_q_b
  Tensor wkv_a;           // {d_model, kv_lora+rope}            attn_kv_a_mqa
  Tensor kv_a_norm;       // {kv_lora}                          attn_kv_a_norm
  Tensor wkv_b;           // {kv_lora, H*(nope+v)}              attn_kv_b (older files)
  Tensor wk_b;            // {nope, kv_lora, H}                 attn_k_b: W_UK^T per head
  Tensor wv_b;            // {kv_lora, v, H}                    attn_v_b: W_UV per head
  Tensor ffn_gate_inp;    // {d_model, n_experts}               router
  Tensor exp_probs_b;     // {n_experts}                        V3 selection bias
  Tensor ffn_gate_exps;   // {d_model, expert_ffn, n_experts}
  Tensor ffn_up_exps;     // {d_model, expert_ffn, n_experts}
  Tensor ffn_down_exps;   // {expert_ffn, d_model, n_experts}
  Tensor ffn_gate_shexp;  // {d_model, shared_ffn}
  Tensor ffn_up_shexp;    // {d_model, shared_ffn}
  Tensor ffn_down_shexp;  // {shared_ffn, d_model}
};

struct ModelWeights {
  Tensor token_embd;   // {d_model, vocab}
  Tensor output_norm;  // {d_model}
  Tensor output;       // {d_model, vocab}; empty when tied to token_embd
  Tensor rope_freqs;   // {n_rot / 2} llama3 frequency divisors (llama.cpp's rope_freqs), optional
  std::vector<LayerWeights> layers;  // [n_layers]

  const Tensor& lm_head() const { return output.empty() ? token_embd : output; }
};

// A dimension of a weight, resolved against a ModelConfig.
enum class Dim : uint8_t {
  kOne, kDModel, kVocab, kQWidth, kKvWidth, kFfn, kHeadDim, kRotHalf,
  // deepseek2 (Deepseek2Config)
  kHeads, kQLora, kKvLora, kLatent, kKvBOut, kQkNope, kVHead, kVWidth, kExperts, kExpertFfn, kSharedFfn,
};

enum class WeightKind : uint8_t {
  kMatrix,  // any type the backend computes with (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K, ...)
  kVector,  // norms, biases, rope factors: F32 (as llama.cpp writes every 1-D tensor)
};

struct WeightSpec {
  const char* name;     // GGUF name; "blk.%d." names are per layer
  Dim ne0;
  Dim ne1;              // kOne for vectors
  WeightKind kind;
  bool optional;        // may be absent (output: tied embeddings; rope_freqs)
  Tensor ModelWeights::*global = nullptr;
  Tensor LayerWeights::*layer = nullptr;
  Dim ne2 = Dim::kOne;  // 3-D weights (stacked experts, per-head matrices)
  // Whether the weight exists in this layer (-1 for globals); null: always (deepseek2's dense
  // vs MoE layers, q with or without LoRA).
  bool (*present)(const ModelConfig& config, int64_t layer) = nullptr;
};

std::span<const WeightSpec> WeightTable(Architecture arch);
std::span<const WeightSpec> Deepseek2WeightTable();  // model/deepseek2_weights.cpp

// One weight of one model: its table entry resolved for a layer.
struct WeightSlot {
  std::string name;          // "blk.3.attn_q.weight"
  const WeightSpec* spec;
  Shape ne;                  // expected shape
  int n_dims;                // 1, 2 or 3
  Tensor* tensor;            // where the loaded weight goes
};

// Calls fn for every weight of the architecture, globals first then layer by layer. Stops at
// and returns the first error fn returns.
Status ForEachWeight(const ModelConfig& config, ModelWeights& weights,
                     const std::function<Status(const WeightSlot&)>& fn);

// True when a weight of this kind may have this type.
bool TypeAllowed(WeightKind kind, DType type);

// "[64, 32]"
std::string ShapeString(const Shape& ne, int n_dims);

}  // namespace enclave
