// Element types and their storage, numbered as GGUF/ggml numbers them so a type id read from a
// file is a DType directly. Quantised types store blocks of kBlock elements (see quant_blocks.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace enclave {

enum class DType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  BF16 = 30,
};

struct DTypeInfo {
  std::string_view name;    // GGUF name, lower case: "f32", "q4_k", ...
  int64_t block_size;       // elements per block (1 for plain types)
  size_t block_bytes;       // bytes per block
  bool quantized;
  bool supported;           // this engine can compute with it
};

// nullopt for type ids this engine does not know (the caller reports "unknown tensor type N").
std::optional<DTypeInfo> InfoOf(uint32_t type_id);
const DTypeInfo& Info(DType t);  // t must be a known type

inline std::string_view Name(DType t) { return Info(t).name; }
std::optional<DType> DTypeFromName(std::string_view name);  // "q4_k", "Q4_K", "bf16", ...

// Bytes for n elements; n must be a multiple of the block size (checked by callers).
inline size_t RowBytes(DType t, int64_t n) {
  const DTypeInfo& i = Info(t);
  return static_cast<size_t>(n / i.block_size) * i.block_bytes;
}

// IEEE half and bfloat16 <-> float, host side (bit-exact round-to-nearest-even).
float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);
inline float Bf16ToFloat(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
uint16_t FloatToBf16(float f);

}  // namespace enclave
