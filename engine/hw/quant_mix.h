// GGUF file types ("q4_k_m", "q8_0", ...) as per-tensor type rules. A Q4_K_M file is not
// "4.8 bits everywhere": llama.cpp's quantizer picks a type tensor by tensor (output.weight
// Q6_K, attn_v and ffn_down Q6_K in a pattern of layers, norms F32, a fallback when a row is
// not a multiple of the block). This reproduces those rules (llama.cpp src/llama-quant.cpp,
// llama_tensor_get_type, MIT) for the file types below, so a preset is sized tensor by tensor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"
#include "core/tensor.h"

namespace enclave::hw {

enum class FileType {
  kF32, kF16, kBF16, kQ8_0, kQ4_0, kQ2_K, kQ3_K_M, kQ4_K_S, kQ4_K_M, kQ5_K_S, kQ5_K_M, kQ6_K,
};

std::string_view FileTypeName(FileType type);  // "q4_k_m"
// Case-insensitive; InvalidArgument listing the known names otherwise.
Expected<FileType> FileTypeFromName(std::string_view name);
const std::vector<FileType>& AllFileTypes();

// What the rules need to know about the model as a whole.
struct QuantContext {
  int64_t n_layers = 0;
  int64_t n_heads = 0;
  int64_t n_kv_heads = 0;
  int64_t n_experts = 0;       // routed experts (0 or 1: dense)
  bool is_70b_class = false;   // llama.cpp's LLM_TYPE_70B: 80-layer llama/qwen2
  bool has_output = true;      // a separate output.weight (not tied to token_embd)
};

// The type llama.cpp's quantizer gives the tensor `name` of shape `ne` (n_dims dimensions)
// in a file of type `file_type`. Tensors it never quantizes (norms, biases, 1-D tensors,
// ffn_gate_inp) are F32, as the HF -> GGUF converter stores them.
DType TensorTypeFor(FileType file_type, std::string_view name, const Shape& ne, int n_dims,
                    const QuantContext& context);

}  // namespace enclave::hw
