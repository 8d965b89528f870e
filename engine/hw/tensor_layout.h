// A model's weight tensors as the estimator sees them: GGUF name, shape, type, bytes, which
// layer they belong to and whether they are routed experts (read only in part per token).
// From a ModelShape (preset or config.json) plus a file type, or from a real GGUF file's
// tensor table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "hw/presets.h"
#include "hw/quant_mix.h"

namespace enclave {
class GgufFile;
}

namespace enclave::hw {

struct WeightTensor {
  std::string name;         // GGUF name: "blk.3.ffn_down_exps.weight"
  DType type = DType::F32;
  Shape ne{1, 1, 1, 1};     // ggml order: ne[0] contiguous
  int n_dims = 1;
  uint64_t bytes = 0;
  int64_t layer = -1;       // "blk.N." -> N; -1 for token_embd, output_norm, output
  bool routed_expert = false;  // *_exps: experts_per_tok / n_routed_experts read per token

  int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

// The GGUF tensor table llama.cpp's converter writes for this shape (names and shapes only;
// type F32 for every tensor): token_embd, output_norm, output (unless tied), and per layer
// attention (GQA: attn_q/k/v/output [+ biases]; MLA: attn_q_a/q_a_norm/q_b or attn_q,
// attn_kv_a_mqa, attn_kv_a_norm, attn_kv_b, attn_output), then the MLP (dense ffn_gate/up/down;
// MoE: ffn_gate_inp, exp_probs_b (sigmoid routing), ffn_{gate,up,down}_exps, *_shexp).
std::vector<WeightTensor> EnumerateTensors(const ModelShape& shape);

// The same table with each tensor typed and sized as a `file_type` GGUF would hold it.
std::vector<WeightTensor> LayoutFor(const ModelShape& shape, FileType file_type);

// The tensor table of a real file (types and sizes as stored).
std::vector<WeightTensor> LayoutOf(const GgufFile& file);

// Sum of bytes (all tensors).
uint64_t TotalBytes(const std::vector<WeightTensor>& tensors);
// Parameter count (elements of all tensors).
int64_t TotalParams(const std::vector<WeightTensor>& tensors);

}  // namespace enclave::hw
