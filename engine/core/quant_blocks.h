// Block layouts of the quantised GGUF types, byte-compatible with ggml so files from other tools
// load. Plain structs shared by the CPU backend and the CUDA kernels. Half values are stored as
// raw uint16_t bits. Reference: ggml-common.h (ggml, MIT).
#pragma once

#include <cstdint>

namespace enclave {

constexpr int kQK4_0 = 32;
constexpr int kQK8_0 = 32;
constexpr int kQK_K = 256;       // super-block size of the k-quants
constexpr int kKScaleBytes = 12; // packed 6-bit scales and mins of Q4_K/Q5_K

// Q4_0: x = d * (q - 8), q in [0, 15]; low nibbles hold elements 0..15, high nibbles 16..31.
struct BlockQ4_0 {
  uint16_t d;                 // scale (f16)
  uint8_t qs[kQK4_0 / 2];     // 4-bit quants
};
static_assert(sizeof(BlockQ4_0) == 18);

// Q8_0: x = d * q, q in [-127, 127].
struct BlockQ8_0 {
  uint16_t d;                 // scale (f16)
  int8_t qs[kQK8_0];
};
static_assert(sizeof(BlockQ8_0) == 34);

// Q4_K: 8 sub-blocks of 32; x = d * sc[j] * q - dmin * m[j], 6-bit sc/m packed in scales[12].
struct BlockQ4_K {
  uint16_t d;                 // super-block scale for the sub-block scales (f16)
  uint16_t dmin;              // super-block scale for the sub-block mins (f16)
  uint8_t scales[kKScaleBytes];
  uint8_t qs[kQK_K / 2];      // 4-bit quants
};
static_assert(sizeof(BlockQ4_K) == 144);

// Q6_K: 16 sub-blocks of 16; x = d * scales[j] * (q - 32), q 6-bit (4 low bits + 2 high bits).
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];      // low 4 bits
  uint8_t qh[kQK_K / 4];      // high 2 bits
  int8_t scales[kQK_K / 16];  // 8-bit sub-block scales
  uint16_t d;                 // super-block scale (f16)
};
static_assert(sizeof(BlockQ6_K) == 210);

// Q8_K: used as the quantised activation for k-quant dot products on the CPU.
struct BlockQ8_K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];  // sums of groups of 16 quants
};
static_assert(sizeof(BlockQ8_K) == 292);

}  // namespace enclave
