// Plain C++ kernels: the reference every faster path is tested against.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/cpu/cpu_kernels.h"

namespace enclave::cpu {
namespace {

float DotF32(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const float*>(w);
  const auto* b = static_cast<const float*>(x);
  float sum = 0.f;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float DotF16(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  float sum = 0.f;
  for (int64_t i = 0; i < n; ++i) sum += HalfToFloatFast(a[i]) * b[i];
  return sum;
}

float DotBf16(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  float sum = 0.f;
  for (int64_t i = 0; i < n; ++i) sum += Bf16ToFloat(a[i]) * b[i];
  return sum;
}

// Q8_0 weights against F32 activations: the weights are the only rounding, so a Q8_0 file
// follows its F32 source as closely as its dequantised weights allow.
float DotQ8_0(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const float*>(x);
  float sum = 0.f;
  for (int64_t blk = 0; blk < n / kQK8_0; ++blk) {
    float block_sum = 0.f;
    for (int i = 0; i < kQK8_0; ++i) block_sum += static_cast<float>(a[blk].qs[i]) * b[blk * kQK8_0 + i];
    sum += HalfToFloatFast(a[blk].d) * block_sum;
  }
  return sum;
}

float DotQ4_0(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ4_0*>(w);
  const auto* b = static_cast<const BlockQ8_0*>(x);
  float sum = 0.f;
  for (int64_t blk = 0; blk < n / kQK4_0; ++blk) {
    int32_t isum = 0;
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      isum += ((a[blk].qs[i] & 0xF) - 8) * b[blk].qs[i];
      isum += ((a[blk].qs[i] >> 4) - 8) * b[blk].qs[i + kQK4_0 / 2];
    }
    sum += HalfToFloatFast(a[blk].d) * HalfToFloatFast(b[blk].d) * static_cast<float>(isum);
  }
  return sum;
}

// Q4_K: x = d * sc[j] * q - dmin * m[j]. The min term needs only the sums of the activation
// quants per sub-block, which Q8_K carries (bsums, per 16).
float DotQ4_K(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ4_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  float sum = 0.f;
  for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
    const uint8_t* packed = a[blk].scales;
    int32_t sum_q = 0, sum_m = 0;
    for (int chunk = 0; chunk < 4; ++chunk) {
      const uint8_t* q = a[blk].qs + 32 * chunk;
      const int8_t* y = b[blk].qs + 64 * chunk;
      for (int half = 0; half < 2; ++half) {
        const int j = 2 * chunk + half;
        int sc, m;
        if (j < 4) {
          sc = packed[j] & 63;
          m = packed[j + 4] & 63;
        } else {
          sc = (packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4);
          m = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
        }
        int32_t dot = 0;
        for (int i = 0; i < 32; ++i) dot += ((q[i] >> (4 * half)) & 0xF) * y[32 * half + i];
        sum_q += sc * dot;
        sum_m += m * (b[blk].bsums[2 * j] + b[blk].bsums[2 * j + 1]);
      }
    }
    sum += b[blk].d * (HalfToFloatFast(a[blk].d) * static_cast<float>(sum_q) -
                       HalfToFloatFast(a[blk].dmin) * static_cast<float>(sum_m));
  }
  return sum;
}

// Q6_K: x = d * scales[j] * (q - 32), q = 4 low bits from ql and 2 high bits from qh.
float DotQ6_K(const void* w, const void* x, int64_t n) {
  const auto* a = static_cast<const BlockQ6_K*>(w);
  const auto* b = static_cast<const BlockQ8_K*>(x);
  float sum = 0.f;
  for (int64_t blk = 0; blk < n / kQK_K; ++blk) {
    int32_t sub_sums[kQK_K / 16] = {};
    for (int half = 0; half < 2; ++half) {
      const uint8_t* ql = a[blk].ql + 64 * half;
      const uint8_t* qh = a[blk].qh + 32 * half;
      const int8_t* y = b[blk].qs + 128 * half;
      int32_t* s = sub_sums + 8 * half;
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        s[is + 0] += q1 * y[l];
        s[is + 2] += q2 * y[l + 32];
        s[is + 4] += q3 * y[l + 64];
        s[is + 6] += q4 * y[l + 96];
      }
    }
    int32_t isum = 0;
    for (int j = 0; j < kQK_K / 16; ++j) isum += a[blk].scales[j] * sub_sums[j];
    sum += HalfToFloatFast(a[blk].d) * b[blk].d * static_cast<float>(isum);
  }
  return sum;
}

// Activations: symmetric 8-bit, scale = max|x| / 127 per block.
void QuantizeQ8_0Act(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_0*>(out);
  for (int64_t blk = 0; blk < n / kQK8_0; ++blk, x += kQK8_0) {
    float amax = 0.f;
    for (int i = 0; i < kQK8_0; ++i) amax = std::max(amax, std::fabs(x[i]));
    // Round against the scale as stored (f16) so each value is off by at most half a step.
    y[blk].d = FloatToHalf(amax / 127.f);
    const float d = HalfToFloatFast(y[blk].d);
    const float inv_d = d > 0.f ? 1.f / d : 0.f;
    for (int i = 0; i < kQK8_0; ++i)
      y[blk].qs[i] = static_cast<int8_t>(std::clamp(std::nearbyint(x[i] * inv_d), -127.f, 127.f));
  }
}

void QuantizeQ8_KAct(const float* x, void* out, int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(out);
  for (int64_t blk = 0; blk < n / kQK_K; ++blk, x += kQK_K) {
    float amax = 0.f;
    for (int i = 0; i < kQK_K; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = amax / 127.f;
    const float inv_d = d > 0.f ? 1.f / d : 0.f;
    y[blk].d = d;
    for (int i = 0; i < kQK_K; ++i)
      y[blk].qs[i] = static_cast<int8_t>(std::clamp(std::nearbyint(x[i] * inv_d), -127.f, 127.f));
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += y[blk].qs[16 * g + i];
      y[blk].bsums[g] = static_cast<int16_t>(sum);
    }
  }
}

void AxpyF32(float a, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void AxpyF16(float a, const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * HalfToFloatFast(x[i]);
}

const std::vector<float>& HalfTable() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t h = 0; h < 65536; ++h) t[h] = HalfToFloat(static_cast<uint16_t>(h));
    return t;
  }();
  return table;
}

}  // namespace

float HalfToFloatFast(uint16_t h) {
  static const float* table = HalfTable().data();
  return table[h];
}

namespace {

// The plain multi-token product: one dot per token.
template <RowDotFn kDot>
void RepeatDot(const void* w, const void* x, size_t x_stride, int n_x, int64_t n, float* out, size_t out_stride) {
  for (int t = 0; t < n_x; ++t) out[t * out_stride] = kDot(w, static_cast<const uint8_t*>(x) + t * x_stride, n);
}

}  // namespace

const CpuKernels& ScalarKernels() {
  static const CpuKernels kernels{
      .name = "scalar",
      .dot_f32 = DotF32,
      .dot_f16 = DotF16,
      .dot_bf16 = DotBf16,
      .dot_q8_0 = DotQ8_0,
      .dot_q4_0 = DotQ4_0,
      .dot_q4_k = DotQ4_K,
      .dot_q6_k = DotQ6_K,
      .multi_f32 = RepeatDot<DotF32>,
      .multi_f16 = RepeatDot<DotF16>,
      .multi_bf16 = RepeatDot<DotBf16>,
      .multi_q8_0 = RepeatDot<DotQ8_0>,
      .multi_q4_0 = RepeatDot<DotQ4_0>,
      .multi_q4_k = RepeatDot<DotQ4_K>,
      .multi_q6_k = RepeatDot<DotQ6_K>,
      .quantize_q8_0 = QuantizeQ8_0Act,
      .quantize_q8_k = QuantizeQ8_KAct,
      .axpy_f32 = AxpyF32,
      .axpy_f16 = AxpyF16,
  };
  return kernels;
}

const CpuKernels& BestKernels() {
  static const CpuKernels& best = [&]() -> const CpuKernels& {
    const char* force = std::getenv("ENCLAVE_CPU_SCALAR");
    if (force && std::strcmp(force, "0") != 0) return ScalarKernels();
    const CpuKernels* avx2 = Avx2Kernels();
    return avx2 ? *avx2 : ScalarKernels();
  }();
  return best;
}

DType ActivationType(DType weight) {
  switch (weight) {
    case DType::Q4_0: return DType::Q8_0;
    case DType::Q4_K:
    case DType::Q6_K: return DType::Q8_K;
    default: return DType::F32;
  }
}

RowDotFn Dot(const CpuKernels& k, DType weight) {
  switch (weight) {
    case DType::F32: return k.dot_f32;
    case DType::F16: return k.dot_f16;
    case DType::BF16: return k.dot_bf16;
    case DType::Q8_0: return k.dot_q8_0;
    case DType::Q4_0: return k.dot_q4_0;
    case DType::Q4_K: return k.dot_q4_k;
    case DType::Q6_K: return k.dot_q6_k;
    default: return nullptr;
  }
}

MultiDotFn MultiDot(const CpuKernels& k, DType weight) {
  switch (weight) {
    case DType::F32: return k.multi_f32;
    case DType::F16: return k.multi_f16;
    case DType::BF16: return k.multi_bf16;
    case DType::Q8_0: return k.multi_q8_0;
    case DType::Q4_0: return k.multi_q4_0;
    case DType::Q4_K: return k.multi_q4_k;
    case DType::Q6_K: return k.multi_q6_k;
    default: return nullptr;
  }
}

}  // namespace enclave::cpu
