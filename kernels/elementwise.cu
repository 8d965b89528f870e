// Element-wise operations: gated activations, residual add, scaling, f32 <-> f16 copies.
#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ float Silu(float g) { return g / (1.f + __expf(-g)); }
__device__ __forceinline__ float GeluTanh(float g) {
  return 0.5f * g * (1.f + tanhf(0.7978845608028654f * (g + 0.044715f * g * g * g)));
}

template <typename Op>
__global__ void MapKernel(int64_t n, Op op) {
  WaitForInputs();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) op(i);
}

template <typename Op>
void Map(int64_t n, cudaStream_t stream, Op op) {
  if (n <= 0) return;
  Launch(MapKernel<Op>, dim3(BlocksFor(n, kThreads)), dim3(kThreads), 0, stream, n, op);
}

// silu(g) * u, and its int8 activations for the next matrix product: one warp = 32 outputs.
__global__ void SwiGluQ8Kernel(const float* __restrict__ gate, const float* __restrict__ up, float* __restrict__ out,
                               int64_t n, int8_t* __restrict__ xq, float2* __restrict__ xds) {
  WaitForInputs();
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const float v = i < n ? Silu(gate[i]) * up[i] : 0.f;
  if (i < n) out[i] = v;
  const float amax = WarpMax(fabsf(v));
  const float d = amax / 127.f, id = amax > 0.f ? 127.f / amax : 0.f;
  const int q = __float2int_rn(v * id);
  const float qs = WarpSum(static_cast<float>(q));
  if (i < n) {
    xq[i] = static_cast<int8_t>(q);
    if (threadIdx.x % kWarp == 0) xds[i / 32] = make_float2(d, d * qs);
  }
}

}  // namespace

void SwiGluQ8(const float* gate, const float* up, float* out, int64_t n, int8_t* xq, void* xds, cudaStream_t stream) {
  if (n <= 0) return;
  Launch(SwiGluQ8Kernel, dim3(BlocksFor(n, kThreads)), dim3(kThreads), 0, stream, gate, up, out, n, xq,
         static_cast<float2*>(xds));
}

void SwiGlu(const float* gate, const float* up, float* out, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = Silu(gate[i]) * up[i]; });
}

void GeGlu(const float* gate, const float* up, float* out, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = GeluTanh(gate[i]) * up[i]; });
}

void Gelu(float* x, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) {
    x[i] = 0.5f * x[i] * (1.f + erff(x[i] * 0.7071067811865476f));
  });
}

void Add(const float* a, const float* b, float* out, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = a[i] + b[i]; });
}

void Mul(const float* a, const float* b, float* out, int64_t n, int64_t b_n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = a[i] * b[i % b_n]; });
}

void Scale(float* x, float s, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { x[i] *= s; });
}

void F32ToF16(const float* x, uint16_t* out, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = __half_as_ushort(__float2half_rn(x[i])); });
}

void F16ToF32(const uint16_t* x, float* out, int64_t n, cudaStream_t stream) {
  Map(n, stream, [=] __device__(int64_t i) { out[i] = HalfBits(x[i]); });
}

}  // namespace enclave::kernels
