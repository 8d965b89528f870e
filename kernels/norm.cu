// RMSNorm and LayerNorm: one block per row. A row is read once into registers (up to 16 floats
// per thread, 16-byte loads) so the second pass costs no memory traffic; wider or unaligned
// rows fall back to a strided loop that reads the row twice.
#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

constexpr int kMaxThreads = 1024;
constexpr int kVecPerThread = 4;  // float4s held per thread: rows up to 16384 wide

// Optional extras of the vectorised kernel: a residual sum computed first (x = x + r, written
// back), and int8 quantisation of the output for the next matrix product (see matvec_q8.cu).
struct NormExtras {
  const float* residual = nullptr;  // x_out = x + residual, then normalised
  float* x_out = nullptr;
  int8_t* xq = nullptr;             // [rows][width] int8 of the output
  float2* xds = nullptr;            // [rows][width/32] {d, d * sum q}
};

template <bool kLayerNorm>
__global__ void __launch_bounds__(kMaxThreads)
    NormVecKernel(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ b,
                  float* __restrict__ out, int64_t width, float eps, NormExtras ex) {
  WaitForInputs();
  __shared__ float shared[32];
  const float4* xr = reinterpret_cast<const float4*>(x + blockIdx.x * width);
  float4* o = reinterpret_cast<float4*>(out + blockIdx.x * width);
  const float4* w4 = reinterpret_cast<const float4*>(w);
  const int n4 = static_cast<int>(width / 4);
  float4 v[kVecPerThread];
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < kVecPerThread; ++i) {
    const int j = threadIdx.x + i * blockDim.x;
    v[i] = j < n4 ? xr[j] : make_float4(0.f, 0.f, 0.f, 0.f);
    if (ex.residual && j < n4) {
      const float4 r = reinterpret_cast<const float4*>(ex.residual + blockIdx.x * width)[j];
      v[i].x += r.x, v[i].y += r.y, v[i].z += r.z, v[i].w += r.w;
      reinterpret_cast<float4*>(ex.x_out + blockIdx.x * width)[j] = v[i];
    }
    s += kLayerNorm ? (v[i].x + v[i].y + v[i].z + v[i].w)
                    : (v[i].x * v[i].x + v[i].y * v[i].y + v[i].z * v[i].z + v[i].w * v[i].w);
  }
  s = BlockSum(s, shared);
  float mean = 0.f, inv;
  if (kLayerNorm) {
    mean = s / static_cast<float>(width);
    float var = 0.f;
#pragma unroll
    for (int i = 0; i < kVecPerThread; ++i) {
      const int j = threadIdx.x + i * blockDim.x;
      if (j < n4) {
        const float a = v[i].x - mean, c = v[i].y - mean, d = v[i].z - mean, e = v[i].w - mean;
        var += a * a + c * c + d * d + e * e;
      }
    }
    inv = rsqrtf(BlockSum(var, shared) / static_cast<float>(width) + eps);
  } else {
    inv = rsqrtf(s / static_cast<float>(width) + eps);
  }
#pragma unroll
  for (int i = 0; i < kVecPerThread; ++i) {
    const int j = threadIdx.x + i * blockDim.x;
    float4 r = make_float4(0.f, 0.f, 0.f, 0.f);
    if (j < n4) {
      const float4 g = w4[j];
      r = make_float4((v[i].x - mean) * inv * g.x, (v[i].y - mean) * inv * g.y, (v[i].z - mean) * inv * g.z,
                      (v[i].w - mean) * inv * g.w);
      if (kLayerNorm) {
        const float4 bb = reinterpret_cast<const float4*>(b)[j];
        r.x += bb.x, r.y += bb.y, r.z += bb.z, r.w += bb.w;
      }
      o[j] = r;
    }
    if (ex.xq) {
      // 8 consecutive threads hold one block of 32 outputs (blockDim is a multiple of 8 and
      // width of 32, so a group is either all inside the row or all outside).
      float amax = fmaxf(fmaxf(fabsf(r.x), fabsf(r.y)), fmaxf(fabsf(r.z), fabsf(r.w)));
#pragma unroll
      for (int o8 = 1; o8 < 8; o8 <<= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, o8));
      const float d = amax / 127.f, id = amax > 0.f ? 127.f / amax : 0.f;
      const int q0 = __float2int_rn(r.x * id), q1 = __float2int_rn(r.y * id), q2 = __float2int_rn(r.z * id),
                q3 = __float2int_rn(r.w * id);
      float qs = static_cast<float>(q0 + q1 + q2 + q3);
#pragma unroll
      for (int o8 = 1; o8 < 8; o8 <<= 1) qs += __shfl_xor_sync(0xffffffffu, qs, o8);
      if (j < n4) {
        reinterpret_cast<char4*>(ex.xq + blockIdx.x * width)[j] = make_char4(q0, q1, q2, q3);
        if (j % 8 == 0) ex.xds[(blockIdx.x * width) / 32 + j / 8] = make_float2(d, d * qs);
      }
    }
  }
}

template <bool kLayerNorm>
__global__ void __launch_bounds__(kMaxThreads)
    NormKernel(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ b,
               float* __restrict__ out, int64_t width, float eps) {
  WaitForInputs();
  __shared__ float shared[32];
  const float* xr = x + blockIdx.x * width;
  float* o = out + blockIdx.x * width;
  float s = 0.f;
  for (int64_t i = threadIdx.x; i < width; i += blockDim.x) s += kLayerNorm ? xr[i] : xr[i] * xr[i];
  s = BlockSum(s, shared);
  float mean = 0.f, inv;
  if (kLayerNorm) {
    mean = s / static_cast<float>(width);
    float var = 0.f;
    for (int64_t i = threadIdx.x; i < width; i += blockDim.x) var += (xr[i] - mean) * (xr[i] - mean);
    inv = rsqrtf(BlockSum(var, shared) / static_cast<float>(width) + eps);
  } else {
    inv = rsqrtf(s / static_cast<float>(width) + eps);
  }
  for (int64_t i = threadIdx.x; i < width; i += blockDim.x)
    o[i] = (xr[i] - mean) * inv * w[i] + (kLayerNorm ? b[i] : 0.f);
}

template <bool kLayerNorm>
bool VecOk(const float* x, const float* w, const float* b, const float* out, int64_t width) {
  return width % 4 == 0 && reinterpret_cast<uintptr_t>(x) % 16 == 0 && reinterpret_cast<uintptr_t>(out) % 16 == 0 &&
         reinterpret_cast<uintptr_t>(w) % 16 == 0 && (!kLayerNorm || reinterpret_cast<uintptr_t>(b) % 16 == 0) &&
         width / 4 <= static_cast<int64_t>(kMaxThreads) * kVecPerThread;
}

int VecThreads(int64_t width) {
  // Enough threads that each holds at most kVecPerThread float4s, but no more than needed.
  const int64_t n4 = width / 4;
  int threads = 32;
  while (threads < kMaxThreads && static_cast<int64_t>(threads) * kVecPerThread < n4) threads *= 2;
  while (threads < kMaxThreads && threads < n4 && threads < 256) threads *= 2;
  return threads;
}

template <bool kLayerNorm>
void LaunchNorm(const float* x, const float* w, const float* b, float* out, int64_t rows, int64_t width, float eps,
                cudaStream_t stream) {
  if (rows <= 0) return;
  if (VecOk<kLayerNorm>(x, w, b, out, width)) {
    Launch(NormVecKernel<kLayerNorm>, dim3(static_cast<unsigned>(rows)), dim3(VecThreads(width)), 0, stream, x, w, b,
           out, width, eps, NormExtras{});
    return;
  }
  Launch(NormKernel<kLayerNorm>, dim3(static_cast<unsigned>(rows)), dim3(256), 0, stream, x, w, b, out, width, eps);
}

}  // namespace

void RmsNorm(const float* x, const float* w, float* out, int64_t rows, int64_t width, float eps,
             cudaStream_t stream) {
  LaunchNorm<false>(x, w, nullptr, out, rows, width, eps, stream);
}

void LayerNorm(const float* x, const float* w, const float* b, float* out, int64_t rows, int64_t width, float eps,
               cudaStream_t stream) {
  LaunchNorm<true>(x, w, b, out, rows, width, eps, stream);
}

bool AddRmsNormSupports(const float* x, const float* w, const float* out, int64_t width) {
  return VecOk<false>(x, w, nullptr, out, width) && width % 32 == 0;
}

void AddRmsNorm(float* x, const float* residual, const float* w, float* out, int64_t rows, int64_t width, float eps,
                int8_t* xq, void* xds, cudaStream_t stream) {
  if (rows <= 0) return;
  NormExtras ex;
  ex.residual = residual;
  ex.x_out = x;
  ex.xq = xq;
  ex.xds = static_cast<float2*>(xds);
  Launch(NormVecKernel<false>, dim3(static_cast<unsigned>(rows)), dim3(VecThreads(width)), 0, stream, x, w, nullptr,
         out, width, eps, ex);
}

}  // namespace enclave::kernels
