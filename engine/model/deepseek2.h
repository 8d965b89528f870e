// The deepseek2 architecture (DeepSeek V2, V2-Lite, V2.5, V3, R1): Multi-head Latent Attention
// and mixture-of-experts feed-forward layers, on the Backend interface.
//
// Attention (absorbed form, the same on every backend):
//   q      = W_qb norm(W_qa x)  (or W_q x)     per head [nope | rope]
//   latent = [norm(c_kv) | rope(k_pe)]          = W_kva x split; one cache row per token
//   q_abs  = [W_UK^T q_nope | rope(q_pe)]       per head, kv_lora + rope wide
//   o_lat  = softmax(q_abs . latent * scale) latent[:kv_lora]    LatentAttention
//   out    = W_o (W_UV o_lat)                   per head, then all heads
// which equals expanding k_nope = W_UK c_kv and v = W_UV c_kv per head and attending over them,
// while the cache holds only (kv_lora_rank + qk_rope_dim) values per token and layer.
//
// Feed-forward: layers [0, n_dense_layers) a dense SwiGLU; the others
//   x -> sum over the chosen experts of weight * SwiGLU_e(x)  +  shared SwiGLU(x)
// with the experts chosen by MoeRoute (softmax or sigmoid gating, group limit, top-k).
#pragma once

#include <cstdint>
#include <functional>

#include "backend/backend.h"
#include "model/model.h"

namespace enclave {

struct ModelImpl;

// Allocates a tensor [rows][width] of a type on the model's backend (Model::NewState's helper).
using StateAlloc = std::function<Status(Tensor& t, DType type, int64_t width, int64_t rows, const char* name)>;

// The latent cache (one tensor per layer in s.k_cache, s.v_cache left empty) and the MLA / MoE
// scratch buffers (s.extra), after NewState allocated the common ones.
Status AllocDeepseek2State(const ModelConfig& c, int64_t context, int64_t max_batch, DType kv_type,
                           const StateAlloc& alloc, ForwardState& s);

// Bytes of KV cache per token: (kv_lora_rank + qk_rope_dim) x layers x bytes per element.
int64_t Deepseek2KvBytesPerToken(const ModelConfig& c, DType kv_type);

// After the table's weights are uploaded: derives attn_k_b / attn_v_b from attn_kv_b when the
// file has only the latter, and uploads the rope table of the rope part (YaRN when configured).
Status PrepareDeepseek2Weights(Backend& be, const ModelConfig& c, ModelImpl& m);

// Model::Forward for deepseek2 (arguments already checked).
Status Deepseek2Forward(Backend& be, const ModelConfig& c, const ModelImpl& m, ForwardState& s, int64_t n_tokens,
                        bool all_logits);

}  // namespace enclave
