// Matrix-vector products for quantised weights with int8 dot products (dp4a). The activations
// are first quantised to int8 per block of 32 (scale d, and s = d * sum of quants for the
// weight types with an offset or a min), as llama.cpp's q8_1. A warp owns a weight row; each
// lane takes units of 32 weights (one activation block), unpacks the quants with masks and
// shifts into packed int8 words and accumulates with __dp4a: no int-to-float conversions and
// a quarter of the activation bytes of the f32 path.
#include "kernels.h"
#include "quant.cuh"

namespace enclave::kernels {
namespace {

constexpr int kRowsPerBlock = 4;
constexpr int64_t kWholeBlockRows = 2048;  // shorter matrices give each row a whole block

// A 32-bit word at a 2-byte aligned address (Q6_K rows of an odd number of super-blocks).
__device__ __forceinline__ uint32_t Word2(const uint8_t* p) {
  return LoadNc<uint16_t>(p) | (static_cast<uint32_t>(LoadNc<uint16_t>(p + 2)) << 16);
}

// The activation block u of token t: 8 int8 words, d and s.
struct XBlock {
  int32_t q[8];
  float d, s;
};
__device__ __forceinline__ XBlock LoadX(const int8_t* xq, const float2* xds, int64_t k, int t, int64_t u) {
  XBlock x;
  const uint4* p = reinterpret_cast<const uint4*>(xq + t * k + 32 * u);
  const uint4 a = __ldg(p), b = __ldg(p + 1);
  x.q[0] = a.x, x.q[1] = a.y, x.q[2] = a.z, x.q[3] = a.w, x.q[4] = b.x, x.q[5] = b.y, x.q[6] = b.z, x.q[7] = b.w;
  const float2 ds = __ldg(xds + t * (k / 32) + u);
  x.d = ds.x, x.s = ds.y;
  return x;
}

// Per weight type: Raw holds a unit's bytes (loaded first, for several units at once, so that
// many loads are in flight), Accumulate turns them into int8 words and dot products.
template <DType T, bool kAligned4>
struct DotQ8;

template <bool A>
struct DotQ8<DType::Q8_0, A> {
  struct Raw {
    uint4 a, b;
    uint16_t d;
  };
  __device__ static Raw Load(const uint8_t* row, int64_t k, int64_t u) {
    return {LoadNc<uint4>(row + 32 * u), LoadNc<uint4>(row + 32 * u + 16), LoadNc<uint16_t>(row + k + 2 * u)};
  }
  template <int NT>
  __device__ static void Accumulate(const Raw& r, int64_t k, int64_t u, const int8_t* xq, const float2* xds,
                                    float* acc) {
    const int32_t w[8] = {(int)r.a.x, (int)r.a.y, (int)r.a.z, (int)r.a.w,
                          (int)r.b.x, (int)r.b.y, (int)r.b.z, (int)r.b.w};
    const float dw = HalfBits(r.d);
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      const XBlock x = LoadX(xq, xds, k, t, u);
      int dot = 0;
#pragma unroll
      for (int i = 0; i < 8; ++i) dot = __dp4a(w[i], x.q[i], dot);
      acc[t] += dw * x.d * static_cast<float>(dot);
    }
  }
};

template <bool A>
struct DotQ8<DType::Q4_0, A> {
  struct Raw {
    uint4 a;
    uint16_t d;
  };
  __device__ static Raw Load(const uint8_t* row, int64_t k, int64_t u) {
    return {LoadNc<uint4>(row + 16 * u), LoadNc<uint16_t>(row + k / 2 + 2 * u)};
  }
  template <int NT>
  __device__ static void Accumulate(const Raw& r, int64_t k, int64_t u, const int8_t* xq, const float2* xds,
                                    float* acc) {
    const uint32_t w[4] = {r.a.x, r.a.y, r.a.z, r.a.w};
    const float dw = HalfBits(r.d);
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      const XBlock x = LoadX(xq, xds, k, t, u);
      int dot = 0;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        dot = __dp4a(static_cast<int>(w[i] & 0x0f0f0f0f), x.q[i], dot);
        dot = __dp4a(static_cast<int>((w[i] >> 4) & 0x0f0f0f0f), x.q[4 + i], dot);
      }
      acc[t] += dw * (x.d * static_cast<float>(dot) - 8.f * x.s);
    }
  }
};

// A unit is sub-block u % 8 of super-block u / 8: 32 bytes of quants, low or high nibbles.
template <bool A>
struct DotQ8<DType::Q4_K, A> {
  struct Raw {
    uint4 head, a, b;
  };
  __device__ static Raw Load(const uint8_t* row, int64_t, int64_t u) {
    const uint8_t* blk = row + (u / 8) * 144;
    const int j = static_cast<int>(u % 8) / 2;
    return {LoadNc<uint4>(blk), LoadNc<uint4>(blk + 16 + 32 * j), LoadNc<uint4>(blk + 32 + 32 * j)};
  }
  template <int NT>
  __device__ static void Accumulate(const Raw& r, int64_t k, int64_t u, const int8_t* xq, const float2* xds,
                                    float* acc) {
    const int sb = static_cast<int>(u % 8), shift = 4 * (sb % 2);
    const uint32_t w[8] = {r.a.x, r.a.y, r.a.z, r.a.w, r.b.x, r.b.y, r.b.z, r.b.w};
    int sc, mn;
    ScaleMinK4Words(sb, r.head.y, r.head.z, r.head.w, &sc, &mn);
    const float d = HalfBits(static_cast<uint16_t>(r.head.x & 0xffff)) * sc;
    const float m = HalfBits(static_cast<uint16_t>(r.head.x >> 16)) * mn;
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      const XBlock x = LoadX(xq, xds, k, t, u);
      int dot = 0;
#pragma unroll
      for (int i = 0; i < 8; ++i) dot = __dp4a(static_cast<int>((w[i] >> shift) & 0x0f0f0f0f), x.q[i], dot);
      acc[t] += d * x.d * static_cast<float>(dot) - m * x.s;
    }
  }
};

template <bool kAligned4>
struct DotQ8<DType::Q6_K, kAligned4> {
  struct Raw {
    uint32_t lo[4], hi[2];
    uint16_t sc2, d;
  };
  __device__ static uint32_t Word(const uint8_t* p) { return kAligned4 ? LoadNc<uint32_t>(p) : Word2(p); }
  __device__ static Raw Load(const uint8_t* row, int64_t k, int64_t u) {
    Raw r;
#pragma unroll
    for (int i = 0; i < 4; ++i) r.lo[i] = Word(row + 16 * u + 4 * i);
    r.hi[0] = Word(row + k / 2 + 8 * u);
    r.hi[1] = Word(row + k / 2 + 8 * u + 4);
    r.sc2 = LoadNc<uint16_t>(row + k / 2 + k / 4 + 2 * u);
    r.d = LoadNc<uint16_t>(row + k / 2 + k / 4 + k / 16 + 2 * (u / 8));
    return r;
  }
  template <int NT>
  __device__ static void Accumulate(const Raw& r, int64_t k, int64_t u, const int8_t* xq, const float2* xds,
                                    float* acc) {
    int32_t q[8];
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const uint32_t q0 = (r.lo[i] & 0x0f0f0f0f) | (((r.hi[0] >> (2 * i)) & 0x03030303) << 4);
      const uint32_t q1 = ((r.lo[i] >> 4) & 0x0f0f0f0f) | (((r.hi[1] >> (2 * i)) & 0x03030303) << 4);
      q[i] = static_cast<int32_t>(__vsub4(q0, 0x20202020));
      q[4 + i] = static_cast<int32_t>(__vsub4(q1, 0x20202020));
    }
    const float d = HalfBits(r.d);
    const float d0 = d * static_cast<int8_t>(r.sc2 & 0xff), d1 = d * static_cast<int8_t>(r.sc2 >> 8);
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      const XBlock x = LoadX(xq, xds, k, t, u);
      int dot0 = 0, dot1 = 0;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        dot0 = __dp4a(q[i], x.q[i], dot0);
        dot1 = __dp4a(q[4 + i], x.q[4 + i], dot1);
      }
      acc[t] += x.d * (d0 * static_cast<float>(dot0) + d1 * static_cast<float>(dot1));
    }
  }
};

constexpr int kUnitsInFlight = 4;  // units a lane loads before it computes

// kWholeBlock: the block's 4 warps share one row (short matrices: more loads in flight per row);
// otherwise each warp owns a row.
template <DType T, bool kAligned4, int NT, bool kWholeBlock>
__global__ void __launch_bounds__(kRowsPerBlock * kWarp)
    MatVecQ8Kernel(const uint8_t* __restrict__ w, int64_t k, int64_t m, size_t row_bytes,
                   const int8_t* __restrict__ xq, const float2* __restrict__ xds,
                   const float* __restrict__ bias, float* __restrict__ out) {
  WaitForInputs();
  using Q = DotQ8<T, kAligned4>;
  __shared__ float partial[kRowsPerBlock][NT];
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int64_t row = kWholeBlock ? blockIdx.x : static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + warp;
  const int first = kWholeBlock ? threadIdx.x : lane, stride = kWholeBlock ? kRowsPerBlock * kWarp : kWarp;
  if (row >= m) return;
  const uint8_t* wr = w + row * row_bytes;
  float acc[NT];
#pragma unroll
  for (int t = 0; t < NT; ++t) acc[t] = 0.f;
  const int64_t units = k / 32;
  for (int64_t base = first; base < units; base += kUnitsInFlight * stride) {
    typename Q::Raw raw[kUnitsInFlight];
#pragma unroll
    for (int i = 0; i < kUnitsInFlight; ++i)
      if (base + i * stride < units) raw[i] = Q::Load(wr, k, base + i * stride);
#pragma unroll
    for (int i = 0; i < kUnitsInFlight; ++i)
      if (base + i * stride < units) Q::template Accumulate<NT>(raw[i], k, base + i * stride, xq, xds, acc);
  }
  AllowNextLaunch();
#pragma unroll
  for (int t = 0; t < NT; ++t) {
    float sum = WarpSum(acc[t]);
    if (kWholeBlock) {
      if (lane == 0) partial[warp][t] = sum;
      __syncthreads();
      sum = partial[0][t] + partial[1][t] + partial[2][t] + partial[3][t];
    }
    if (lane == 0 && (!kWholeBlock || warp == 0)) out[t * m + row] = sum + (bias ? bias[row] : 0.f);
  }
}

// One warp per block of 32 activations: d = max|x| / 127, q = round(x / d), s = d * sum(q).
__global__ void QuantizeActKernel(const float* __restrict__ x, int64_t n_blocks, int8_t* __restrict__ xq,
                                  float2* __restrict__ xds) {
  WaitForInputs();
  const int64_t b = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (b >= n_blocks) return;
  const float v = x[b * 32 + lane];
  const float amax = WarpMax(fabsf(v));
  const float d = amax / 127.f;
  const int q = amax > 0.f ? __float2int_rn(v / d) : 0;
  xq[b * 32 + lane] = static_cast<int8_t>(q);
  const float sum = WarpSum(static_cast<float>(q));
  if (lane == 0) xds[b] = make_float2(d, d * sum);
}

}  // namespace

bool MatVecQ8Supports(DType wtype, const void* w, int64_t k) {
  if (k % 32 != 0) return false;
  const size_t rb = RowBytes(wtype, k);
  const auto addr = reinterpret_cast<uintptr_t>(w);
  switch (wtype) {
    case DType::Q8_0: case DType::Q4_0: case DType::Q4_K: return addr % 16 == 0 && rb % 16 == 0 && k % 256 == 0;
    case DType::Q6_K: return addr % 2 == 0;
    default: return false;
  }
}

void QuantizeActivations(const float* x, int64_t n, int8_t* xq, void* xds, cudaStream_t stream) {
  const int64_t blocks = n / 32;
  constexpr int kThreads = 256;
  Launch(QuantizeActKernel, dim3(BlocksFor(blocks * kWarp, kThreads)), dim3(kThreads), 0, stream, x, blocks, xq,
                                                                                 static_cast<float2*>(xds));
}

void MatVecQ8(DType wtype, const void* w, int64_t k, int64_t m, const int8_t* xq, const void* xds, int n_tokens,
              const float* bias, float* out, cudaStream_t stream) {
  const size_t row_bytes = RowBytes(wtype, k);
  const unsigned blocks = BlocksFor(m, kRowsPerBlock);
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* ds = static_cast<const float2*>(xds);
  const bool aligned4 = reinterpret_cast<uintptr_t>(w) % 4 == 0 && row_bytes % 4 == 0;
  const bool whole = m < kWholeBlockRows;
  auto launch = [&]<DType T, bool A>() {
    auto go = [&]<int NT>(int t) {
      const unsigned grid = whole ? static_cast<unsigned>(m) : blocks;
      if (whole)
        Launch(MatVecQ8Kernel<T, A, NT, true>, dim3(grid), dim3(kRowsPerBlock * kWarp), 0, stream, wb, k, m, row_bytes,
               xq + t * k, ds + t * (k / 32), bias, out + t * m);
      else
        Launch(MatVecQ8Kernel<T, A, NT, false>, dim3(grid), dim3(kRowsPerBlock * kWarp), 0, stream, wb, k, m,
               row_bytes, xq + t * k, ds + t * (k / 32), bias, out + t * m);
    };
    int t = 0;
    for (; t + 4 <= n_tokens; t += 4) go.template operator()<4>(t);
    for (; t + 2 <= n_tokens; t += 2) go.template operator()<2>(t);
    for (; t < n_tokens; ++t) go.template operator()<1>(t);
  };
  switch (wtype) {
    case DType::Q8_0: launch.template operator()<DType::Q8_0, true>(); break;
    case DType::Q4_0: launch.template operator()<DType::Q4_0, true>(); break;
    case DType::Q4_K: launch.template operator()<DType::Q4_K, true>(); break;
    case DType::Q6_K:
      if (aligned4) launch.template operator()<DType::Q6_K, true>();
      else launch.template operator()<DType::Q6_K, false>();
      break;
    default: break;
  }
}

}  // namespace enclave::kernels
