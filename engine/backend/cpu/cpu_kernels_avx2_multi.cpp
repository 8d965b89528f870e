// AVX2 products of one weight row with N = 1..4 tokens at once (prefill). The weights are
// loaded and unpacked once per block and used for every token; each token keeps its own
// accumulators. Same arithmetic as the single-token kernels in cpu_kernels_avx2.cpp.
#include "backend/cpu/cpu_avx2_common.h"

namespace enclave::cpu {
namespace {

// Calls Kernel::Run<N> for n_x in 1..kMaxTokensPerDot (a MultiDotFn).
template <typename Kernel>
void Multi(const void* w, const void* x, size_t x_stride, int n_x, int64_t n, float* out, size_t out_stride) {
  const auto* xb = static_cast<const uint8_t*>(x);
  switch (n_x) {
    case 1: Kernel::template Run<1>(w, xb, x_stride, n, out, out_stride); break;
    case 2: Kernel::template Run<2>(w, xb, x_stride, n, out, out_stride); break;
    case 3: Kernel::template Run<3>(w, xb, x_stride, n, out, out_stride); break;
    default: Kernel::template Run<4>(w, xb, x_stride, n, out, out_stride); break;
  }
}

template <DType W>
ENCLAVE_AVX2 inline __m256 LoadWeights8(const void* w, int64_t i) {
  if constexpr (W == DType::F32) return _mm256_loadu_ps(static_cast<const float*>(w) + i);
  if constexpr (W == DType::F16) return LoadHalf8(static_cast<const uint16_t*>(w) + i);
  return LoadBf16x8(static_cast<const uint16_t*>(w) + i);
}

template <DType W>
inline float WeightAt(const void* w, int64_t i) {
  if constexpr (W == DType::F32) return static_cast<const float*>(w)[i];
  if constexpr (W == DType::F16) return HalfToFloatFast(static_cast<const uint16_t*>(w)[i]);
  return Bf16ToFloat(static_cast<const uint16_t*>(w)[i]);
}

// F32 / F16 / BF16 weights: each 8 weights are converted once and multiplied into N tokens.
template <DType W>
struct FloatKernel {
  template <int N>
  ENCLAVE_AVX2 static void Run(const void* w, const uint8_t* x, size_t xs, int64_t n, float* out, size_t os) {
    const float* xt[N];
    __m256 acc0[N], acc1[N];
    for (int t = 0; t < N; ++t) {
      xt[t] = reinterpret_cast<const float*>(x + t * xs);
      acc0[t] = acc1[t] = _mm256_setzero_ps();
    }
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m256 w0 = LoadWeights8<W>(w, i), w1 = LoadWeights8<W>(w, i + 8);
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) {
        acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xt[t] + i), acc0[t]);
        acc1[t] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xt[t] + i + 8), acc1[t]);
      }
    }
    for (; i + 8 <= n; i += 8) {
      const __m256 w0 = LoadWeights8<W>(w, i);
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) acc0[t] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xt[t] + i), acc0[t]);
    }
    for (int t = 0; t < N; ++t) {
      float sum = HorizontalSum(_mm256_add_ps(acc0[t], acc1[t]));
      for (int64_t j = i; j < n; ++j) sum += WeightAt<W>(w, j) * xt[t][j];
      out[t * os] = sum;
    }
  }
};

// Q8_0 weights with F32 activations: each block's weights are widened to floats once and
// multiplied into every token (same arithmetic as DotQ8_0 in cpu_kernels_avx2.cpp).
struct Q8_0Kernel {
  template <int N>
  ENCLAVE_AVX2 static void Run(const void* w, const uint8_t* x, size_t xs, int64_t n, float* out, size_t os) {
    const auto* a = static_cast<const BlockQ8_0*>(w);
    const float* xt[N];
    __m256 acc[N];
    for (int t = 0; t < N; ++t) {
      xt[t] = reinterpret_cast<const float*>(x + t * xs);
      acc[t] = _mm256_setzero_ps();
    }
    for (int64_t blk = 0; blk < n / kQK8_0; ++blk) {
      const __m256 w0 = Q8x8ToFloat(a[blk].qs), w1 = Q8x8ToFloat(a[blk].qs + 8);
      const __m256 w2 = Q8x8ToFloat(a[blk].qs + 16), w3 = Q8x8ToFloat(a[blk].qs + 24);
      const __m256 d = _mm256_set1_ps(Half(a[blk].d));
      const int64_t i = blk * kQK8_0;
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) {
        __m256 block_sum = _mm256_mul_ps(w0, _mm256_loadu_ps(xt[t] + i));
        block_sum = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xt[t] + i + 8), block_sum);
        block_sum = _mm256_fmadd_ps(w2, _mm256_loadu_ps(xt[t] + i + 16), block_sum);
        block_sum = _mm256_fmadd_ps(w3, _mm256_loadu_ps(xt[t] + i + 24), block_sum);
        acc[t] = _mm256_fmadd_ps(d, block_sum, acc[t]);
      }
    }
    for (int t = 0; t < N; ++t) out[t * os] = HorizontalSum(acc[t]);
  }
};

// Q4_0 weights with Q8_0 activations: |w| and sign(w) computed once per block.
template <DType W>
struct Q8ActKernel {
  template <int N>
  ENCLAVE_AVX2 static void Run(const void* w, const uint8_t* x, size_t xs, int64_t n, float* out, size_t os) {
    const BlockQ8_0* b[N];
    __m256 acc[N];
    for (int t = 0; t < N; ++t) {
      b[t] = reinterpret_cast<const BlockQ8_0*>(x + t * xs);
      acc[t] = _mm256_setzero_ps();
    }
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t blk = 0; blk < n / 32; ++blk) {
      __m256i qa;
      float dw;
      if constexpr (W == DType::Q8_0) {
        const auto& a = static_cast<const BlockQ8_0*>(w)[blk];
        qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a.qs));
        dw = Half(a.d);
      } else {
        const auto& a = static_cast<const BlockQ4_0*>(w)[blk];
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.qs));
        const __m128i mask = _mm_set1_epi8(0xF);
        const __m128i low = _mm_and_si128(packed, mask), high = _mm_and_si128(_mm_srli_epi16(packed, 4), mask);
        qa = _mm256_sub_epi8(_mm256_set_m128i(high, low), _mm256_set1_epi8(8));
        dw = Half(a.d);
      }
      const __m256i abs_a = _mm256_sign_epi8(qa, qa);
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) {
        const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[t][blk].qs));
        const __m256i dot = _mm256_madd_epi16(_mm256_maddubs_epi16(abs_a, _mm256_sign_epi8(qb, qa)), ones);
        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dw * Half(b[t][blk].d)), _mm256_cvtepi32_ps(dot), acc[t]);
      }
    }
    for (int t = 0; t < N; ++t) out[t * os] = HorizontalSum(acc[t]);
  }
};

struct Q4KKernel {
  template <int N>
  ENCLAVE_AVX2 static void Run(const void* w, const uint8_t* x, size_t xs, int64_t n, float* out, size_t os) {
    const auto* a = static_cast<const BlockQ4_K*>(w);
    const BlockQ8_K* b[N];
    __m256 acc[N];
    for (int t = 0; t < N; ++t) {
      b[t] = reinterpret_cast<const BlockQ8_K*>(x + t * xs);
      acc[t] = _mm256_setzero_ps();
    }
    const __m256i low_mask = _mm256_set1_epi8(0xF);
    for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
      alignas(16) uint8_t scales[16];
      UnpackQ4KScales(a[blk].scales, scales);
      const __m128i mins = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(scales + 8)));
      const __m256i mins_pairs = _mm256_set_m128i(_mm_unpackhi_epi16(mins, mins), _mm_unpacklo_epi16(mins, mins));
      __m256i sum[N];
      for (int t = 0; t < N; ++t) sum[t] = _mm256_setzero_si256();
      for (int chunk = 0; chunk < 4; ++chunk) {
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[blk].qs + 32 * chunk));
        const __m256i lo = _mm256_and_si256(q, low_mask);
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low_mask);
        const __m256i s0 = _mm256_set1_epi16(scales[2 * chunk]), s1 = _mm256_set1_epi16(scales[2 * chunk + 1]);
#pragma GCC unroll 4
        for (int t = 0; t < N; ++t) {
          const int8_t* y = b[t][blk].qs + 64 * chunk;
          const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y)));
          const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + 32)));
          sum[t] = _mm256_add_epi32(sum[t], _mm256_add_epi32(_mm256_madd_epi16(p0, s0), _mm256_madd_epi16(p1, s1)));
        }
      }
      const float d = Half(a[blk].d), dmin = Half(a[blk].dmin);
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) {
        const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[t][blk].bsums));
        const __m256 min_sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(bsums, mins_pairs));
        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * b[t][blk].d), _mm256_cvtepi32_ps(sum[t]), acc[t]);
        acc[t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * b[t][blk].d), min_sums, acc[t]);
      }
    }
    for (int t = 0; t < N; ++t) out[t * os] = HorizontalSum(acc[t]);
  }
};

struct Q6KKernel {
  template <int N>
  ENCLAVE_AVX2 static void Run(const void* w, const uint8_t* x, size_t xs, int64_t n, float* out, size_t os) {
    const auto* a = static_cast<const BlockQ6_K*>(w);
    const BlockQ8_K* b[N];
    __m256 acc[N];
    for (int t = 0; t < N; ++t) {
      b[t] = reinterpret_cast<const BlockQ8_K*>(x + t * xs);
      acc[t] = _mm256_setzero_ps();
    }
    const __m256i low_mask = _mm256_set1_epi8(0xF), two_bits = _mm256_set1_epi8(3);
    for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
      const int8_t* scales = a[blk].scales;
      // The -32 offset of every q: 32 * sum_j scales[j] * bsums[j], per token.
      const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(scales)));
      __m256i sum[N];
      for (int t = 0; t < N; ++t) sum[t] = _mm256_setzero_si256();
      for (int half = 0; half < 2; ++half) {
        const uint8_t* ql = a[blk].ql + 64 * half;
        const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
        const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
        const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[blk].qh + 32 * half));
        const __m256i q[4] = {
            _mm256_or_si256(_mm256_and_si256(ql0, low_mask), _mm256_slli_epi16(_mm256_and_si256(qh, two_bits), 4)),
            _mm256_or_si256(_mm256_and_si256(ql1, low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits), 4)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low_mask),
                            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits), 4)),
        };
        for (int k = 0; k < 4; ++k) {
          const int is = 8 * half + 2 * k;
          const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(scales[is + 1]), _mm_set1_epi16(scales[is]));
#pragma GCC unroll 4
          for (int t = 0; t < N; ++t) {
            const __m256i y =
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[t][blk].qs + 128 * half + 32 * k));
            sum[t] = _mm256_add_epi32(sum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(q[k], y), scale));
          }
        }
      }
      const float d = Half(a[blk].d);
#pragma GCC unroll 4
      for (int t = 0; t < N; ++t) {
        const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[t][blk].bsums));
        const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(bsums, scales16), 5);
        acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * b[t][blk].d), _mm256_cvtepi32_ps(_mm256_sub_epi32(sum[t], offset)),
                                 acc[t]);
      }
    }
    for (int t = 0; t < N; ++t) out[t * os] = HorizontalSum(acc[t]);
  }
};

}  // namespace

void SetAvx2MultiTokenKernels(CpuKernels& k) {
  k.multi_f32 = Multi<FloatKernel<DType::F32>>;
  k.multi_f16 = Multi<FloatKernel<DType::F16>>;
  k.multi_bf16 = Multi<FloatKernel<DType::BF16>>;
  k.multi_q8_0 = Multi<Q8_0Kernel>;
  k.multi_q4_0 = Multi<Q8ActKernel<DType::Q4_0>>;
  k.multi_q4_k = Multi<Q4KKernel>;
  k.multi_q6_k = Multi<Q6KKernel>;
}

}  // namespace enclave::cpu
