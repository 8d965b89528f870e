// Matrix-vector products for decode: one warp per weight row. Lanes take consecutive 16-byte
// units of the row (coalesced), dequantise in registers and accumulate up to 4 tokens at once,
// so each weight byte is read once per group of 4 tokens.
#include "kernels.h"
#include "quant.cuh"

namespace enclave::kernels {
namespace {

constexpr int kRowsPerBlock = 4;
constexpr int64_t kWholeBlockRows = 2048;  // shorter matrices give each row a whole block

// kWholeBlock: the block's 4 warps share one row (short matrices); otherwise a warp per row.
template <DType T, int NT, bool kWholeBlock>
__global__ void __launch_bounds__(kRowsPerBlock * kWarp)
    MatVecKernel(const uint8_t* __restrict__ w, int64_t k, int64_t m, size_t row_bytes,
                 const float* __restrict__ x, const float* __restrict__ bias,
                 float* __restrict__ out) {
  WaitForInputs();
  using U = Unit<T>;
  __shared__ float partial[kRowsPerBlock][NT];
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int64_t row = kWholeBlock ? blockIdx.x : static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + warp;
  const int first = kWholeBlock ? threadIdx.x : lane, stride = kWholeBlock ? kRowsPerBlock * kWarp : kWarp;
  if (row >= m) return;
  const uint8_t* wr = w + row * row_bytes;
  const int64_t units = k / U::kElems;
  float acc[NT];
#pragma unroll
  for (int t = 0; t < NT; ++t) acc[t] = 0.f;
#pragma unroll 2
  for (int64_t u = first; u < units; u += stride) {
    float wv[U::kElems];
    U::Load(wr, k, u, wv);
#pragma unroll
    for (int t = 0; t < NT; ++t) {
      const float4* xp = reinterpret_cast<const float4*>(x + t * k + u * U::kElems);
#pragma unroll
      for (int i = 0; i < U::kElems / 4; ++i) {
        const float4 xv = __ldg(xp + i);
        acc[t] += wv[4 * i] * xv.x + wv[4 * i + 1] * xv.y + wv[4 * i + 2] * xv.z + wv[4 * i + 3] * xv.w;
      }
    }
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

// Rows that are not aligned for wide loads (odd shapes): element by element, one token.
template <DType T>
__global__ void MatVecGenericKernel(const uint8_t* __restrict__ w, int64_t k, int64_t m,
                                    size_t row_bytes, const float* __restrict__ x,
                                    const float* __restrict__ bias, float* __restrict__ out) {
  WaitForInputs();
  const int lane = threadIdx.x % kWarp;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  if (row >= m) return;
  const uint8_t* wr = w + row * row_bytes;
  float acc = 0.f;
  for (int64_t e = lane; e < k; e += kWarp) acc += DequantAt<T>(wr, k, e) * x[e];
  acc = WarpSum(acc);
  if (lane == 0) out[row] = acc + (bias ? bias[row] : 0.f);
}

}  // namespace

void MatVec(DType wtype, const void* w, int64_t k, int64_t m, const float* x, int n_tokens,
            const float* bias, float* out, cudaStream_t stream) {
  const size_t row_bytes = RowBytes(wtype, k);
  const unsigned blocks = BlocksFor(m, kRowsPerBlock);
  const auto* wb = static_cast<const uint8_t*>(w);
  DispatchMatrixType(wtype, [&]<DType T>() {
    const bool fast = FastPathOk<T>(w, row_bytes, k) && reinterpret_cast<uintptr_t>(x) % 16 == 0;
    int t = 0;
    if (!fast) {
      for (; t < n_tokens; ++t)
        Launch(MatVecGenericKernel<T>, dim3(blocks), dim3(kRowsPerBlock * kWarp), 0, stream, wb, k, m, row_bytes,
               x + t * k, bias, out + t * m);
      return;
    }
    const bool whole = m < kWholeBlockRows;
    auto go = [&]<int NT>(int t0) {
      if (whole)
        Launch(MatVecKernel<T, NT, true>, dim3(static_cast<unsigned>(m)), dim3(kRowsPerBlock * kWarp), 0, stream, wb,
               k, m, row_bytes, x + t0 * k, bias, out + t0 * m);
      else
        Launch(MatVecKernel<T, NT, false>, dim3(blocks), dim3(kRowsPerBlock * kWarp), 0, stream, wb, k, m, row_bytes,
               x + t0 * k, bias, out + t0 * m);
    };
    for (; t + 4 <= n_tokens; t += 4) go.template operator()<4>(t);
    for (; t + 2 <= n_tokens; t += 2) go.template operator()<2>(t);
    for (; t < n_tokens; ++t) go.template operator()<1>(t);
  });
}

}  // namespace enclave::kernels
