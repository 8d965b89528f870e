// Dequantisation to half/bf16 tiles for the cuBLAS prefill path, activation conversion, bias, and
// the embedding lookup.
#include "kernels.h"
#include "quant.cuh"

namespace enclave::kernels {
namespace {

template <typename H>
__device__ __forceinline__ H ToHalf(float v);
template <>
__device__ __forceinline__ __half ToHalf<__half>(float v) {
  return __float2half_rn(fminf(fmaxf(v, -65504.f), 65504.f));
}
template <>
__device__ __forceinline__ __nv_bfloat16 ToHalf<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}

// One thread per 8 consecutive elements: reads their quants once, writes 16 bytes (coalesced).
template <DType T, typename H>
__global__ void DequantRowsKernel(const uint8_t* __restrict__ w, int64_t k, size_t row_bytes,
                                  int64_t rows, H* __restrict__ out) {
  WaitForInputs();
  const int64_t groups = k / 8;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * groups) return;
  const int64_t r = i / groups, e0 = (i % groups) * 8;
  float v[8];
  Dequant8<T>(w + r * row_bytes, k, e0, v);
  uint4 packed;
  H* h = reinterpret_cast<H*>(&packed);
#pragma unroll
  for (int e = 0; e < 8; ++e) h[e] = ToHalf<H>(v[e]);
  *reinterpret_cast<uint4*>(out + r * k + e0) = packed;
}

template <DType T, typename H>
__global__ void DequantRowsGenericKernel(const uint8_t* __restrict__ w, int64_t k,
                                         size_t row_bytes, int64_t rows, H* __restrict__ out) {
  WaitForInputs();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * k) return;
  const int64_t r = i / k, e = i % k;
  out[i] = ToHalf<H>(DequantAt<T>(w + r * row_bytes, k, e));
}

template <typename H>
__global__ void ConvertKernel(const float* __restrict__ x, H* __restrict__ out, int64_t n) {
  WaitForInputs();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = ToHalf<H>(x[i]);
}

__global__ void AddBiasKernel(float* __restrict__ out, const float* __restrict__ bias, int64_t m,
                              int64_t total) {
  WaitForInputs();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < total) out[i] += bias[i % m];
}

// One block per output row.
template <DType T>
__global__ void EmbedKernel(const uint8_t* __restrict__ table, int64_t width, int64_t vocab,
                            size_t row_bytes, const int32_t* __restrict__ ids,
                            float* __restrict__ out) {
  WaitForInputs();
  const int64_t r = blockIdx.x;
  const int32_t id = ids[r];
  float* o = out + r * width;
  if (id < 0 || id >= vocab) {
    for (int64_t e = threadIdx.x; e < width; e += blockDim.x) o[e] = 0.f;
    return;
  }
  const uint8_t* row = table + static_cast<int64_t>(id) * row_bytes;
  for (int64_t e = threadIdx.x; e < width; e += blockDim.x) o[e] = DequantAt<T>(row, width, e);
}

}  // namespace

void DequantizeRows(DType wtype, const void* w, int64_t k, int64_t row0, int64_t rows, void* out,
                    bool to_bf16, cudaStream_t stream) {
  const size_t row_bytes = RowBytes(wtype, k);
  const auto* wb = static_cast<const uint8_t*>(w) + row0 * row_bytes;
  constexpr int kThreads = 256;
  DispatchMatrixType(wtype, [&]<DType T>() {
    auto launch = [&]<typename H>(H* o) {
      if (k % 8 == 0 && reinterpret_cast<uintptr_t>(o) % 16 == 0) {
        const int64_t n = rows * (k / 8);
        Launch(DequantRowsKernel<T, H>, dim3(BlocksFor(n, kThreads)), dim3(kThreads), 0, stream, wb, k, row_bytes,
                                                                                rows, o);
      } else {
        Launch(DequantRowsGenericKernel<T, H>, dim3(BlocksFor(rows * k, kThreads)), dim3(kThreads), 0, stream, wb, k,
               row_bytes, rows, o);
      }
    };
    if (to_bf16)
      launch(static_cast<__nv_bfloat16*>(out));
    else
      launch(static_cast<__half*>(out));
  });
}

void ConvertF32ToHalf(const float* x, void* out, int64_t n, bool to_bf16, cudaStream_t stream) {
  constexpr int kThreads = 256;
  if (to_bf16)
    Launch(ConvertKernel<__nv_bfloat16>, dim3(BlocksFor(n, kThreads)), dim3(kThreads), 0, stream, x,
           static_cast<__nv_bfloat16*>(out), n);
  else
    Launch(ConvertKernel<__half>, dim3(BlocksFor(n, kThreads)), dim3(kThreads), 0, stream, x, static_cast<__half*>(out),
           n);
}

void AddBiasRows(float* out, const float* bias, int64_t m, int64_t n_tokens, cudaStream_t stream) {
  constexpr int kThreads = 256;
  Launch(AddBiasKernel, dim3(BlocksFor(m * n_tokens, kThreads)), dim3(kThreads), 0, stream, out, bias, m, m * n_tokens);
}

void Embed(DType type, const void* table, int64_t width, int64_t vocab, const int32_t* ids,
           int64_t n, float* out, cudaStream_t stream) {
  if (n <= 0) return;
  const size_t row_bytes = RowBytes(type, width);
  DispatchMatrixType(type, [&]<DType T>() {
    Launch(EmbedKernel<T>, dim3(static_cast<unsigned>(n)), dim3(256), 0, stream, static_cast<const uint8_t*>(table),
           width, vocab, row_bytes, ids, out);
  });
}

}  // namespace enclave::kernels
