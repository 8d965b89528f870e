// AVX2/FMA/F16C kernels. Each function carries the target attribute itself, so this file builds
// without -mavx2 and the table is only handed out after the CPU confirms the features.
// Integer dot products use maddubs (u8 x s8 -> s16 pairs): weights are made unsigned (nibbles
// are already 0..15; signed values go through the sign trick |a| * sign(b, a)).
#include "backend/cpu/cpu_avx2_common.h"

namespace enclave::cpu {
namespace {

ENCLAVE_AVX2 float DotF32(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const float*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  float sum = HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

ENCLAVE_AVX2 float DotF16(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(LoadHalf8(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(LoadHalf8(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(LoadHalf8(a + i), _mm256_loadu_ps(b + i), acc0);
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += Half(a[i]) * b[i];
  return sum;
}

ENCLAVE_AVX2 float DotBf16(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(LoadBf16x8(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(LoadBf16x8(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(LoadBf16x8(a + i), _mm256_loadu_ps(b + i), acc0);
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += Bf16ToFloat(a[i]) * b[i];
  return sum;
}

// Q8_0 weights against F32 activations: each block's 32 int8 weights are widened to floats
// (4 x 8) and multiplied into the activations; the block scale is applied once per block.
ENCLAVE_AVX2 float DotQ8_0(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t blk = 0; blk < n / kQK8_0; ++blk) {
    const float* xb = b + blk * kQK8_0;
    __m256 block_sum = _mm256_mul_ps(Q8x8ToFloat(a[blk].qs), _mm256_loadu_ps(xb));
    block_sum = _mm256_fmadd_ps(Q8x8ToFloat(a[blk].qs + 8), _mm256_loadu_ps(xb + 8), block_sum);
    block_sum = _mm256_fmadd_ps(Q8x8ToFloat(a[blk].qs + 16), _mm256_loadu_ps(xb + 16), block_sum);
    block_sum = _mm256_fmadd_ps(Q8x8ToFloat(a[blk].qs + 24), _mm256_loadu_ps(xb + 24), block_sum);
    acc = _mm256_fmadd_ps(_mm256_set1_ps(Half(a[blk].d)), block_sum, acc);
  }
  return HorizontalSum(acc);
}

ENCLAVE_AVX2 float DotQ4_0(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ4_0*>(w);
  const auto* b = static_cast<const BlockQ8_0*>(x);
  const __m128i low_mask = _mm_set1_epi8(0xF);
  const __m256i eight = _mm256_set1_epi8(8);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t blk = 0; blk < n / kQK4_0; ++blk) {
    const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a[blk].qs));
    const __m128i low = _mm_and_si128(packed, low_mask);                      // elements 0..15
    const __m128i high = _mm_and_si128(_mm_srli_epi16(packed, 4), low_mask);  // elements 16..31
    const __m256i qa = _mm256_sub_epi8(_mm256_set_m128i(high, low), eight);
    const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[blk].qs));
    const float d = Half(a[blk].d) * Half(b[blk].d);
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(DotS8(qa, qb)), acc);
  }
  return HorizontalSum(acc);
}

ENCLAVE_AVX2 float DotQ4_K(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ4_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  const __m256i low_mask = _mm256_set1_epi8(0xF);
  __m256 acc = _mm256_setzero_ps();
  __m256 acc_min = _mm256_setzero_ps();
  for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
    alignas(16) uint8_t scales[16];
    UnpackQ4KScales(a[blk].scales, scales);
    // Min term: sum_j m[j] * (bsums[2j] + bsums[2j+1]), with each min repeated for its two 16s.
    const __m128i mins = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(scales + 8)));
    const __m256i mins_pairs = _mm256_set_m128i(_mm_unpackhi_epi16(mins, mins), _mm_unpacklo_epi16(mins, mins));
    const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[blk].bsums));
    const __m256i min_sums = _mm256_madd_epi16(bsums, mins_pairs);

    __m256i sum = _mm256_setzero_si256();
    for (int chunk = 0; chunk < 4; ++chunk) {
      const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[blk].qs + 32 * chunk));
      const __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[blk].qs + 64 * chunk));
      const __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[blk].qs + 64 * chunk + 32));
      const __m256i p0 = _mm256_maddubs_epi16(_mm256_and_si256(q, low_mask), y0);
      const __m256i p1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(q, 4), low_mask), y1);
      sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p0, _mm256_set1_epi16(scales[2 * chunk])));
      sum = _mm256_add_epi32(sum, _mm256_madd_epi16(p1, _mm256_set1_epi16(scales[2 * chunk + 1])));
    }
    const float d8 = b[blk].d;
    acc = _mm256_fmadd_ps(_mm256_set1_ps(Half(a[blk].d) * d8), _mm256_cvtepi32_ps(sum), acc);
    acc_min = _mm256_fmadd_ps(_mm256_set1_ps(Half(a[blk].dmin) * d8), _mm256_cvtepi32_ps(min_sums), acc_min);
  }
  return HorizontalSum(_mm256_sub_ps(acc, acc_min));
}

// q6 values are used unsigned (0..63) and the -32 offset is applied once per sub-block of 16
// through the activation sums (bsums): sum (q - 32) y = sum q y - 32 sum y.
ENCLAVE_AVX2 float DotQ6_K(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ6_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  const __m256i low_mask = _mm256_set1_epi8(0xF);
  const __m256i two_bits = _mm256_set1_epi8(3);
  __m256 acc = _mm256_setzero_ps();
  float offset_total = 0.f;
  for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
    const int8_t* scales = a[blk].scales;
    int32_t offset = 0;
    for (int j = 0; j < 16; ++j) offset += scales[j] * b[blk].bsums[j];
    __m256i sum = _mm256_setzero_si256();
    for (int half = 0; half < 2; ++half) {
      const uint8_t* ql = a[blk].ql + 64 * half;
      const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[blk].qh + 32 * half));
      const __m256i q[4] = {
          _mm256_or_si256(_mm256_and_si256(ql0, low_mask),
                          _mm256_slli_epi16(_mm256_and_si256(qh, two_bits), 4)),
          _mm256_or_si256(_mm256_and_si256(ql1, low_mask),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits), 4)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low_mask),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits), 4)),
          _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low_mask),
                          _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits), 4)),
      };
      for (int k = 0; k < 4; ++k) {
        const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[blk].qs + 128 * half + 32 * k));
        const int is = 8 * half + 2 * k;  // sub-blocks of 16: lanes 0-7 use is, lanes 8-15 is + 1
        const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(scales[is + 1]), _mm_set1_epi16(scales[is]));
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_maddubs_epi16(q[k], y), scale));
      }
    }
    const float d = Half(a[blk].d) * b[blk].d;
    acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sum), acc);
    offset_total += d * 32.f * static_cast<float>(offset);
  }
  return HorizontalSum(acc) - offset_total;
}

// Activation quantisers: the same float operations as the scalar ones (x * (1/d), rounded to
// nearest even), so both tables produce identical activations.
ENCLAVE_AVX2 inline float AbsMax(const float* x, int n) {
  const __m256 sign = _mm256_set1_ps(-0.f);
  __m256 m = _mm256_setzero_ps();
  for (int i = 0; i < n; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
  __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  h = _mm_max_ps(h, _mm_movehl_ps(h, h));
  h = _mm_max_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

// Rounds 32 values of x * inv_d to int8 (|x * inv_d| <= 127 by construction of d).
ENCLAVE_AVX2 inline void RoundToS8x32(const float* x, float inv_d, int8_t* out) {
  const __m256 inv = _mm256_set1_ps(inv_d);
  const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), inv));
  const __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), inv));
  const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), inv));
  const __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), inv));
  // The packs work per 128-bit lane: restore element order with a dword permutation.
  const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
  const __m256i ordered = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), ordered);
}

ENCLAVE_AVX2 void QuantizeQ8_0Act(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(out);
  for (int64_t blk = 0; blk < n / kQK8_0; ++blk, x += kQK8_0) {
    y[blk].d = FloatToHalf(AbsMax(x, kQK8_0) / 127.f);
    const float d = Half(y[blk].d);
    RoundToS8x32(x, d > 0.f ? 1.f / d : 0.f, y[blk].qs);
  }
}

ENCLAVE_AVX2 void QuantizeQ8_KAct(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(out);
  for (int64_t blk = 0; blk < n / kQK_K; ++blk, x += kQK_K) {
    const float d = AbsMax(x, kQK_K) / 127.f;
    const float inv_d = d > 0.f ? 1.f / d : 0.f;
    y[blk].d = d;
    for (int i = 0; i < kQK_K; i += 32) RoundToS8x32(x + i, inv_d, y[blk].qs + i);
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += y[blk].qs[16 * g + i];
      y[blk].bsums[g] = static_cast<int16_t>(sum);
    }
  }
}

ENCLAVE_AVX2 void AxpyF32(float a, const float* x, float* y, int64_t n) {
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * x[i];
}

ENCLAVE_AVX2 void AxpyF16(float a, const uint16_t* x, float* y, int64_t n) {
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, LoadHalf8(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * Half(x[i]);
}

bool CpuHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

}  // namespace

const CpuKernels* Avx2Kernels() {
  static const CpuKernels* table = []() -> const CpuKernels* {
    if (!CpuHasAvx2()) return nullptr;
    static CpuKernels k = ScalarKernels();
    k.name = "avx2";
    k.dot_f32 = DotF32;
    k.dot_f16 = DotF16;
    k.dot_bf16 = DotBf16;
    k.dot_q8_0 = DotQ8_0;
    k.dot_q4_0 = DotQ4_0;
    k.dot_q4_k = DotQ4_K;
    k.dot_q6_k = DotQ6_K;
    k.quantize_q8_0 = QuantizeQ8_0Act;
    k.quantize_q8_k = QuantizeQ8_KAct;
    k.axpy_f32 = AxpyF32;
    k.axpy_f16 = AxpyF16;
    SetAvx2MultiTokenKernels(k);
    return &k;
  }();
  return table;
}

}  // namespace enclave::cpu
