// KV cache writes and causal attention with online softmax (flash-decoding).
//
// One block per (query token, kv head, group of up to 8 query heads sharing it, KV split): the
// K/V rows of a kv head are read once for all its query heads (GQA). Each warp takes tiles of 32
// positions: a lane scores one position against every head of the group, then the warp
// accumulates P·V with lanes splitting the value dimensions. Scores never reach device memory.
// With several splits, each writes (max, sum, unnormalised output) and a second kernel merges
// them. The split ranges are computed on the device from positions[], so the launch shape
// depends only on the cache size and a decode step can be replayed from a CUDA graph.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

constexpr int kWarps = 4;
constexpr int kMaxGroup = 2;   // query heads per block: small, so that decode spreads over many blocks
constexpr int kMaxDim = 256;   // head_dim and v_head_dim

template <typename C>
__device__ __forceinline__ float CacheAt(const C* p, int64_t i);
template <>
__device__ __forceinline__ float CacheAt<float>(const float* p, int64_t i) { return p[i]; }
template <>
__device__ __forceinline__ float CacheAt<__half>(const __half* p, int64_t i) { return __half2float(p[i]); }

// 8 consecutive cached values (16-byte aligned for half, 32 for float).
template <typename C>
__device__ __forceinline__ void Load8(const C* p, float* v) {
  if constexpr (sizeof(C) == 2) {
    const uint4 u = __ldg(reinterpret_cast<const uint4*>(p));
    const uint32_t w[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&w[i]));
      v[2 * i] = f.x, v[2 * i + 1] = f.y;
    }
  } else {
    const float4 a = __ldg(reinterpret_cast<const float4*>(p)), b = __ldg(reinterpret_cast<const float4*>(p) + 1);
    v[0] = a.x, v[1] = a.y, v[2] = a.z, v[3] = a.w, v[4] = b.x, v[5] = b.y, v[6] = b.z, v[7] = b.w;
  }
}

// Two consecutive cached values.
template <typename C>
__device__ __forceinline__ float2 Load2(const C* p) {
  if constexpr (sizeof(C) == 2) return __half22float2(*reinterpret_cast<const __half2*>(p));
  else return *reinterpret_cast<const float2*>(p);
}

constexpr int kPairSlots = kMaxDim / 64;  // value dims per lane, as pairs: 2*lane + 64*i

template <typename C>
__global__ void __launch_bounds__(kWarps * kWarp)
    AttentionSplitKernel(AttentionShape s, const float* __restrict__ q, const C* __restrict__ kc,
                         const C* __restrict__ vc, const int32_t* __restrict__ positions,
                         float* __restrict__ out, float* __restrict__ part, int n_splits) {
  WaitForInputs();
  __shared__ __align__(16) float q_sh[kMaxGroup][kMaxDim];
  __shared__ float p_sh[kWarps][kMaxGroup][kWarp];
  __shared__ float m_sh[kWarps][kMaxGroup], l_sh[kWarps][kMaxGroup];
  __shared__ float acc_sh[kMaxGroup][kMaxDim];

  const int group = s.n_heads / s.n_kv_heads;
  const int head_groups = (group + kMaxGroup - 1) / kMaxGroup;
  int b = blockIdx.x;
  const int hg = b % head_groups;
  b /= head_groups;
  const int kvh = b % s.n_kv_heads;
  const int t = b / s.n_kv_heads;
  const int split = blockIdx.y;
  const int h0 = kvh * group + hg * kMaxGroup;            // first query head of this block
  const int g_count = min(kMaxGroup, group - hg * kMaxGroup);
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int D = s.head_dim, Dv = s.v_head_dim;

  const int pos = min(positions[t], s.ctx - 1);  // issued before the query loads: they overlap
  // Unrolled so that all the query loads are in flight at once.
#pragma unroll
  for (int it = 0; it < kMaxGroup * kMaxDim / (kWarps * kWarp); ++it) {
    const int i = threadIdx.x + it * kWarps * kWarp;
    const int g = i / kMaxDim, d = i % kMaxDim;
    q_sh[g][d] = (g < g_count && d < D) ? q[(static_cast<int64_t>(t) * s.n_heads + h0 + g) * D + d] * s.scale : 0.f;
    acc_sh[g][d] = 0.f;
  }
  __syncthreads();

  // The range of cache rows this split covers.
  const int lo = s.window > 0 ? max(0, pos - s.window + 1) : 0;
  const int total = pos - lo + 1;
  const int per_split = ((total + n_splits - 1) / n_splits + kWarp - 1) / kWarp * kWarp;
  const int begin = lo + split * per_split;
  const int end = min(begin + per_split, pos + 1);

  float m[kMaxGroup], l[kMaxGroup];
  float2 acc[kMaxGroup][kPairSlots];
#pragma unroll
  for (int g = 0; g < kMaxGroup; ++g) {
    m[g] = -INFINITY;
    l[g] = 0.f;
#pragma unroll
    for (int i = 0; i < kPairSlots; ++i) acc[g][i] = make_float2(0.f, 0.f);
  }
  const int64_t k_stride = static_cast<int64_t>(s.n_kv_heads) * D;
  const int64_t v_stride = static_cast<int64_t>(s.n_kv_heads) * Dv;
  const bool vec_k = D % 8 == 0;

  for (int tile = begin + warp * kWarp; tile < end; tile += kWarps * kWarp) {
    const int p = tile + lane;
    const bool valid = p < end;
    float sc[kMaxGroup];
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) sc[g] = 0.f;
    if (valid) {
      // A lane scores its position against every head of the group, reading the key once.
      const C* krow = kc + p * k_stride + kvh * D;
      if (D == 128) {
        // All 16 loads of the key row in flight at once.
        float kv[128];
#pragma unroll
        for (int d = 0; d < 128; d += 8) Load8(krow + d, kv + d);
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g) {
          if (g < g_count) {
            float a = 0.f;
#pragma unroll
            for (int d = 0; d < 128; d += 4) {
              const float4 qv = *reinterpret_cast<const float4*>(&q_sh[g][d]);
              a += kv[d] * qv.x + kv[d + 1] * qv.y + kv[d + 2] * qv.z + kv[d + 3] * qv.w;
            }
            sc[g] = a;
          }
        }
      } else if (vec_k) {
#pragma unroll 4
        for (int d = 0; d < D; d += 8) {
          float kv[8];
          Load8(krow + d, kv);
#pragma unroll
          for (int g = 0; g < kMaxGroup; ++g) {
            if (g < g_count) {
              const float4 qa = *reinterpret_cast<const float4*>(&q_sh[g][d]);
              const float4 qb = *reinterpret_cast<const float4*>(&q_sh[g][d + 4]);
              sc[g] += kv[0] * qa.x + kv[1] * qa.y + kv[2] * qa.z + kv[3] * qa.w + kv[4] * qb.x + kv[5] * qb.y +
                       kv[6] * qb.z + kv[7] * qb.w;
            }
          }
        }
      } else {
        for (int d = 0; d < D; ++d) {
          const float kv = CacheAt(krow, d);
#pragma unroll
          for (int g = 0; g < kMaxGroup; ++g)
            if (g < g_count) sc[g] += kv * q_sh[g][d];
        }
      }
    }
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) {
      if (g < g_count) {
        float v = valid ? sc[g] : -INFINITY;
        if (valid && s.softcap > 0.f) v = s.softcap * tanhf(v / s.softcap);
        const float new_m = fmaxf(m[g], WarpMax(v));  // finite: lane 0 of a tile is valid
        const float corr = __expf(m[g] - new_m);
        const float pv = valid ? __expf(v - new_m) : 0.f;
        l[g] = l[g] * corr + WarpSum(pv);
        m[g] = new_m;
#pragma unroll
        for (int i = 0; i < kPairSlots; ++i) acc[g][i].x *= corr, acc[g][i].y *= corr;
        p_sh[warp][g][lane] = pv;
      }
    }
    __syncwarp();
    const int n_valid = min(kWarp, end - tile);
    const C* vbase = vc + static_cast<int64_t>(tile) * v_stride + kvh * Dv;
    if (n_valid == kWarp && Dv == 128) {
      // A full tile: the 64 value loads of this lane (32 rows x 2 pairs) issued together.
      float2 vv[kWarp][2];
#pragma unroll
      for (int j = 0; j < kWarp; ++j)
#pragma unroll
        for (int i = 0; i < 2; ++i) vv[j][i] = Load2(vbase + j * v_stride + 2 * lane + 64 * i);
#pragma unroll
      for (int j = 0; j < kWarp; ++j)
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g)
          if (g < g_count) {
            const float pj = p_sh[warp][g][j];
#pragma unroll
            for (int i = 0; i < 2; ++i) acc[g][i].x += pj * vv[j][i].x, acc[g][i].y += pj * vv[j][i].y;
          }
      __syncwarp();
      continue;
    }
#pragma unroll 8
    for (int j = 0; j < n_valid; ++j) {
      const C* vrow = vbase + j * v_stride;
#pragma unroll
      for (int i = 0; i < kPairSlots; ++i) {
        const int d = 2 * lane + 64 * i;
        if (d < Dv) {
          const float2 v = Load2(vrow + d);
#pragma unroll
          for (int g = 0; g < kMaxGroup; ++g) {
            if (g < g_count) {
              const float pj = p_sh[warp][g][j];
              acc[g][i].x += pj * v.x;
              acc[g][i].y += pj * v.y;
            }
          }
        }
      }
    }
    __syncwarp();
  }

  // Merge the warps of this block.
  if (lane == 0) {
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) m_sh[warp][g] = m[g], l_sh[warp][g] = l[g];
  }
  __syncthreads();
#pragma unroll
  for (int g = 0; g < kMaxGroup; ++g) {
    if (g < g_count && m[g] != -INFINITY) {
      float mb = -INFINITY;
      for (int w = 0; w < kWarps; ++w) mb = fmaxf(mb, m_sh[w][g]);
      const float f = __expf(m[g] - mb);
#pragma unroll
      for (int i = 0; i < kPairSlots; ++i) {
        const int d = 2 * lane + 64 * i;
        if (d < Dv) {
          atomicAdd(&acc_sh[g][d], acc[g][i].x * f);
          atomicAdd(&acc_sh[g][d + 1], acc[g][i].y * f);
        }
      }
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < g_count * Dv; i += blockDim.x) {
    const int g = i / Dv, d = i % Dv;
    float mb = -INFINITY, lb = 0.f;
    for (int w = 0; w < kWarps; ++w) mb = fmaxf(mb, m_sh[w][g]);
    for (int w = 0; w < kWarps; ++w)
      if (m_sh[w][g] != -INFINITY) lb += l_sh[w][g] * __expf(m_sh[w][g] - mb);
    const int h = h0 + g;
    if (n_splits == 1) {
      out[(static_cast<int64_t>(t) * s.n_heads + h) * Dv + d] = lb > 0.f ? acc_sh[g][d] / lb : 0.f;
    } else {
      const int64_t slot = (static_cast<int64_t>(t) * s.n_heads + h) * n_splits + split;
      part[slot * (Dv + 2) + 2 + d] = acc_sh[g][d];
      if (d == 0) part[slot * (Dv + 2)] = mb, part[slot * (Dv + 2) + 1] = lb;
    }
  }
}

// One block per (token, head): merges the splits' partial results. The per-split weights
// exp(m_s - M) / L are computed once into shared memory.
constexpr int kMaxSplits = 64;

__global__ void AttentionCombineKernel(const float* __restrict__ part, float* __restrict__ out,
                                       int n_splits, int dv) {
  WaitForInputs();
  __shared__ float weight[kMaxSplits];
  __shared__ float total;
  const int64_t th = blockIdx.x;  // t * n_heads + h
  const float* base = part + th * n_splits * (dv + 2);
  if (threadIdx.x < kWarp) {
    float m[2], l[2];
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      const int sp = threadIdx.x + i * kWarp;
      m[i] = sp < n_splits ? base[sp * (dv + 2)] : -INFINITY;
      l[i] = sp < n_splits ? base[sp * (dv + 2) + 1] : 0.f;
    }
    const float mb = WarpMax(fmaxf(m[0], m[1]));
    float sum = 0.f;
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      const int sp = threadIdx.x + i * kWarp;
      const float w = m[i] == -INFINITY ? 0.f : __expf(m[i] - mb);
      if (sp < kMaxSplits) weight[sp] = w;
      sum += w * l[i];
    }
    sum = WarpSum(sum);
    if (threadIdx.x == 0) total = sum;
  }
  __syncthreads();
  const float inv = total > 0.f ? 1.f / total : 0.f;
  for (int d = threadIdx.x; d < dv; d += blockDim.x) {
    float num = 0.f;
#pragma unroll 8
    for (int sp = 0; sp < n_splits; ++sp) num += base[sp * (dv + 2) + 2 + d] * weight[sp];
    out[th * dv + d] = num * inv;
  }
}

// blockIdx.y picks the pair: 0 = (cache, src, width), 1 = (cache2, src2, width2).
template <typename C>
__global__ void StoreKVKernel(C* __restrict__ cache, const float* __restrict__ src,
                              const int32_t* __restrict__ positions, int64_t n, int64_t width,
                              int64_t ctx, C* __restrict__ cache2, const float* __restrict__ src2, int64_t width2) {
  WaitForInputs();
  if (blockIdx.y == 1) cache = cache2, src = src2, width = width2;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n * width) return;
  const int64_t r = i / width, c = i % width;
  const int32_t p = positions[r];
  if (p < 0 || p >= ctx) return;
  if constexpr (sizeof(C) == 2) cache[p * width + c] = __float2half_rn(src[i]);
  else cache[p * width + c] = src[i];
}

}  // namespace

// ENCLAVE_ATTENTION=split keeps prefill on the CUDA-core kernel (for comparisons).
bool ForceSplitAttention() {
  static const bool force = [] {
    const char* e = std::getenv("ENCLAVE_ATTENTION");
    return e && std::string(e) == "split";
  }();
  return force;
}

bool AttentionSupports(const AttentionShape& s) {
  return s.n_heads > 0 && s.n_kv_heads > 0 && s.n_heads % s.n_kv_heads == 0 && s.head_dim > 0 &&
         s.head_dim <= kMaxDim && s.v_head_dim > 0 && s.v_head_dim <= kMaxDim && s.v_head_dim % 2 == 0 &&
         s.ctx > 0;
}

int AttentionSplits(const AttentionShape& s, int sm_count) {
  const int group = s.n_heads / s.n_kv_heads;
  const int head_groups = (group + kMaxGroup - 1) / kMaxGroup;
  const int64_t blocks = static_cast<int64_t>(s.n_tokens) * s.n_kv_heads * head_groups;
  const int64_t want = 2LL * sm_count;
  if (blocks >= want) return 1;
  int splits = static_cast<int>((want + blocks - 1) / blocks);
  splits = min(splits, kMaxSplits);
  splits = min(splits, max(1, s.ctx / kWarp));
  return max(splits, 1);
}

size_t AttentionScratchFloats(const AttentionShape& s, int n_splits) {
  if (n_splits <= 1) return 0;
  return static_cast<size_t>(s.n_tokens) * s.n_heads * n_splits * (s.v_head_dim + 2);
}

void Attention(const AttentionShape& s, const float* q, const void* k_cache, const void* v_cache,
               const int32_t* positions, float* out, float* scratch, int n_splits,
               cudaStream_t stream) {
  if (s.n_tokens <= 0) return;
  if (FlashPrefillSupports(s) && !ForceSplitAttention()) {
    FlashPrefill(s, q, k_cache, v_cache, positions, out, stream);
    return;
  }
  const int group = s.n_heads / s.n_kv_heads;
  const int head_groups = (group + kMaxGroup - 1) / kMaxGroup;
  const dim3 grid(static_cast<unsigned>(s.n_tokens * s.n_kv_heads * head_groups), n_splits);
  if (s.cache_is_half)
    Launch(AttentionSplitKernel<__half>, dim3(grid), dim3(kWarps * kWarp), 0, stream, s, q,
           static_cast<const __half*>(k_cache), static_cast<const __half*>(v_cache), positions, out, scratch, n_splits);
  else
    Launch(AttentionSplitKernel<float>, dim3(grid), dim3(kWarps * kWarp), 0, stream, s, q,
           static_cast<const float*>(k_cache), static_cast<const float*>(v_cache), positions, out, scratch, n_splits);
  if (n_splits > 1)
    Launch(AttentionCombineKernel, dim3(static_cast<unsigned>(s.n_tokens * s.n_heads)), dim3(128), 0, stream, scratch,
           out, n_splits, s.v_head_dim);
}

void StoreKV(void* cache, bool cache_is_half, const float* src, const int32_t* positions,
             int64_t n, int64_t width, int64_t ctx, cudaStream_t stream, void* cache2, const float* src2,
             int64_t width2) {
  if (n <= 0) return;
  const unsigned blocks = BlocksFor(n * std::max(width, cache2 ? width2 : 0), 256);
  const dim3 grid(blocks, cache2 ? 2 : 1);
  if (cache_is_half)
    Launch(StoreKVKernel<__half>, grid, dim3(256), 0, stream, static_cast<__half*>(cache), src, positions, n, width,
           ctx, static_cast<__half*>(cache2), src2, width2);
  else
    Launch(StoreKVKernel<float>, grid, dim3(256), 0, stream, static_cast<float*>(cache), src, positions, n, width,
           ctx, static_cast<float*>(cache2), src2, width2);
}

}  // namespace enclave::kernels
