// Helpers shared by the AVX2 kernel files (inline, each with the AVX2 target attribute).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "backend/cpu/cpu_kernels.h"

#define ENCLAVE_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace enclave::cpu {

// Fills the multi_* entries of an AVX2 table (cpu_kernels_avx2_multi.cpp).
void SetAvx2MultiTokenKernels(CpuKernels& k);

ENCLAVE_AVX2 inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

ENCLAVE_AVX2 inline float Half(uint16_t h) { return _cvtsh_ss(h); }

ENCLAVE_AVX2 inline __m256 LoadHalf8(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

ENCLAVE_AVX2 inline __m256 LoadBf16x8(const uint16_t* p) {
  const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

// 8 signed bytes widened to 8 floats (Q8_0 weights against F32 activations).
ENCLAVE_AVX2 inline __m256 Q8x8ToFloat(const int8_t* p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}

// Sum of a[i] * b[i] over 32 signed bytes, as 8 int32 lanes.
ENCLAVE_AVX2 inline __m256i DotS8(__m256i a, __m256i b) {
  const __m256i products = _mm256_maddubs_epi16(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
  return _mm256_madd_epi16(products, _mm256_set1_epi16(1));
}

// The 12 packed bytes of Q4_K's 6-bit scales and mins, unpacked as whole 32-bit words:
// out[0..7] = scales 0-7, out[8..15] = mins 0-7 (same result as get_scale_min_k4 per j).
inline void UnpackQ4KScales(const uint8_t* packed, uint8_t* out) {
  uint32_t w[3];
  std::memcpy(w, packed, 12);
  const uint32_t words[4] = {
      w[0] & 0x3F3F3F3Fu,                                       // scales 0-3
      (w[2] & 0x0F0F0F0Fu) | ((w[0] >> 2) & 0x30303030u),       // scales 4-7
      w[1] & 0x3F3F3F3Fu,                                       // mins 0-3
      ((w[2] >> 4) & 0x0F0F0F0Fu) | ((w[1] >> 2) & 0x30303030u),  // mins 4-7
  };
  std::memcpy(out, words, 16);
}

}  // namespace enclave::cpu
