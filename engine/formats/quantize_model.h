// Model file types (llama.cpp's general.file_type) and the rule that gives each tensor its type
// in a file of that type, shared by `convert --type`, `quantize` and random-weight models.
//
// The rule (llama.cpp's llama_tensor_get_type for these file types):
//  - 1-D tensors (norms, biases, rope factors) stay F32.
//  - f32 / f16 / bf16 / q8_0 / q4_0: every matrix gets that type, except that q4_0 files keep
//    the output matrix (or token_embd when the output is tied to it) at Q6_K.
//  - q4_k_m: matrices Q4_K; the output matrix (token_embd when tied) Q6_K; attn_v and ffn_down
//    Q6_K in the layers where use_more_bits(i, n) holds (the first and last eighth of the
//    layers and every third one between), the rest Q4_K.
//  - Fallback when a row length is not a multiple of the type's block: Q4_K and Q6_K need 256,
//    else Q8_0 (llama.cpp picks Q5_0 for Q4_K, which this engine does not write: Q8_0 is the
//    closest in quality among the types we have); Q8_0 and Q4_0 need 32, else F16.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/dtype.h"
#include "core/status.h"
#include "core/tensor.h"

namespace enclave {

enum class FileType : uint32_t {  // values are llama.cpp's llama_ftype
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ8_0 = 7,
  kQ4_K_M = 15,
  kBF16 = 32,
};

// "f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_m" (case-insensitive).
Expected<FileType> ParseFileType(std::string_view name);
std::string_view FileTypeName(FileType type);        // "q4_k_m"
std::string_view FileTypeDisplayName(uint32_t ftype); // "Q4_K_M" for a general.file_type value; "" unknown

// The type a tensor gets in a file of type `ftype`. `n_layers` is the block count.
DType ChooseTensorType(FileType ftype, std::string_view name, const Shape& ne, int n_dims,
                       int64_t n_layers, bool has_output);

// If `type` cannot store rows of ne0 elements, the fallback the rule above describes.
DType FallbackForRowLength(DType type, int64_t ne0);

// Rewrites a GGUF file with every tensor converted per the rule; metadata is copied with
// general.file_type updated. Tensors are converted one at a time (rows spread over threads).
Status QuantizeGguf(const std::string& in_path, const std::string& out_path, FileType ftype,
                    const std::function<bool(float)>& progress = nullptr);

// Converts `n_rows` rows of `ne0` elements from src_type to dst_type (through F32 when the
// types differ). Used by convert, quantize and random-model generation.
Status ConvertRows(DType src_type, const void* src, DType dst_type, void* dst, int64_t n_rows, int64_t ne0);

}  // namespace enclave
