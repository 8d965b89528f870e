// Rotary position embedding, in place. One thread per rotated pair.
#include <algorithm>

#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

// blockIdx.y picks the tensor: 0 = x, 1 = x2 (q and k rotated by one launch).
__global__ void RopeKernel(float* __restrict__ x, int64_t n_tokens, int64_t n_heads, int head_dim,
                           int n_rot, const int32_t* __restrict__ positions,
                           const float* __restrict__ inv_freq, bool interleaved, float mscale,
                           float* __restrict__ x2, int64_t n_heads2) {
  WaitForInputs();
  if (blockIdx.y == 1) x = x2, n_heads = n_heads2;
  const int half = n_rot / 2;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n_tokens * n_heads * half) return;
  const int p = static_cast<int>(i % half);
  const int64_t head = (i / half) % n_heads, t = i / (half * n_heads);
  float* h = x + (t * n_heads + head) * head_dim;
  float s, c;
  sincosf(static_cast<float>(positions[t]) * inv_freq[p], &s, &c);
  c *= mscale;
  s *= mscale;
  const int a = interleaved ? 2 * p : p, b = interleaved ? 2 * p + 1 : p + half;
  const float x0 = h[a], x1 = h[b];
  h[a] = x0 * c - x1 * s;
  h[b] = x0 * s + x1 * c;
}

}  // namespace

void Rope(float* x, int64_t n_tokens, int64_t n_heads, int head_dim, int n_rot,
          const int32_t* positions, const float* inv_freq, bool interleaved, float mscale,
          cudaStream_t stream, float* x2, int64_t n_heads2) {
  const int64_t n = n_tokens * std::max(n_heads, x2 ? n_heads2 : 0) * (n_rot / 2);
  if (n <= 0) return;
  Launch(RopeKernel, dim3(BlocksFor(n, 256), x2 ? 2 : 1), dim3(256), 0, stream, x, n_tokens, n_heads, head_dim,
         n_rot, positions, inv_freq, interleaved, mscale, x2, n_heads2);
}

}  // namespace enclave::kernels
