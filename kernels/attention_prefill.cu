// Causal flash attention for prefill on the tensor cores (WMMA, f16 operands, f32 accumulation),
// for an f16 KV cache with 128-wide heads. One block = one query head x 64 query tokens; four
// warps own 16 query rows each. K and V stream through shared memory in tiles of 64 positions;
// scores live only in shared memory (no n x n matrix in device memory), with the online softmax
// of FlashAttention: running max m and sum l per row, the output rescaled as m grows.
#include <mma.h>

#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

using namespace nvcuda;

constexpr int kDim = 128;          // head_dim == v_head_dim
constexpr int kRows = 64;          // query tokens per block
constexpr int kKeys = 64;          // cache positions per tile
constexpr int kWarps = kRows / 16; // each warp: 16 query rows
constexpr int kThreads = kWarps * kWarp;

// Rows are padded by 16 bytes so that the 8 rows a tensor-core fragment load touches fall in
// different shared-memory banks (a 256-byte row stride would put them all in the same ones).
constexpr int kPadH = 8;  // halves
constexpr int kPadF = 4;  // floats
constexpr int kLdH = kDim + kPadH, kLdP = kKeys + kPadH, kLdS = kKeys + kPadF, kLdO = kDim + kPadF;

struct Smem {
  __half q[kRows][kLdH];              // scaled queries
  __half k[kKeys][kLdH];
  __half v[kKeys][kLdH];
  float s[kWarps][16][kLdS];          // a warp's scores of one tile
  __half p[kWarps][16][kLdP];         // its probabilities
  float o[kWarps][16][kLdO];          // its unnormalised output
  float corr[kWarps][16];
  int pos[kRows];
};

__global__ void __launch_bounds__(kThreads)
    FlashPrefillKernel(AttentionShape s, const float* __restrict__ q, const __half* __restrict__ kc,
                       const __half* __restrict__ vc, const int32_t* __restrict__ positions,
                       float* __restrict__ out) {
  WaitForInputs();
  extern __shared__ __align__(128) unsigned char smem_raw[];
  Smem& sm = *reinterpret_cast<Smem*>(smem_raw);
  const int h = blockIdx.y, kvh = h / (s.n_heads / s.n_kv_heads);
  const int t0 = blockIdx.x * kRows;
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  const int64_t kv_stride = static_cast<int64_t>(s.n_kv_heads) * kDim;

  // Queries (scaled, to half) and their positions; rows past the batch get position -1. The
  // loops have constant trip counts and are unrolled so that all loads are in flight together.
#pragma unroll
  for (int it = 0; it < kRows * kDim / 4 / kThreads; ++it) {
    const int i = threadIdx.x + it * kThreads;
    const int r = i / (kDim / 4), d = (i % (kDim / 4)) * 4, t = t0 + r;
    float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
    if (t < s.n_tokens) v = *reinterpret_cast<const float4*>(q + (static_cast<int64_t>(t) * s.n_heads + h) * kDim + d);
    *reinterpret_cast<__half2*>(&sm.q[r][d]) = __floats2half2_rn(v.x * s.scale, v.y * s.scale);
    *reinterpret_cast<__half2*>(&sm.q[r][d + 2]) = __floats2half2_rn(v.z * s.scale, v.w * s.scale);
  }
  for (int r = threadIdx.x; r < kRows; r += kThreads)
    sm.pos[r] = t0 + r < s.n_tokens ? min(positions[t0 + r], s.ctx - 1) : -1;
  for (int i = threadIdx.x; i < kWarps * 16 * kLdO; i += kThreads) (&sm.o[0][0][0])[i] = 0.f;
  __syncthreads();

  // Keys any row of the block may see.
  int max_pos = -1, min_pos = INT_MAX;
  for (int r = 0; r < kRows; ++r) {
    if (sm.pos[r] < 0) continue;
    max_pos = max(max_pos, sm.pos[r]);
    min_pos = min(min_pos, sm.pos[r]);
  }
  const int kv_begin = (s.window > 0 && max_pos >= 0) ? max(0, min_pos - s.window + 1) / kKeys * kKeys : 0;
  const int kv_end = max_pos + 1;

  // Two lanes per query row: lane/2 is the row, lane%2 the half of the tile's columns.
  const int my_row = lane / 2, my_half = lane % 2;
  const int my_pos = sm.pos[warp * 16 + my_row];
  const int my_lo = s.window > 0 ? my_pos - s.window + 1 : 0;
  float m = -INFINITY, l = 0.f;

  for (int kb = kv_begin; kb < kv_end; kb += kKeys) {
    __syncthreads();  // the previous tile's K/V are no longer read
#pragma unroll
    for (int it = 0; it < kKeys * (kDim / 8) / kThreads; ++it) {
      const int i = threadIdx.x + it * kThreads;
      const int r = i / (kDim / 8), c = (i % (kDim / 8)) * 8, p = kb + r;
      uint4 kv = make_uint4(0, 0, 0, 0), vv = make_uint4(0, 0, 0, 0);
      if (p < kv_end) {
        kv = __ldg(reinterpret_cast<const uint4*>(kc + p * kv_stride + kvh * kDim + c));
        vv = __ldg(reinterpret_cast<const uint4*>(vc + p * kv_stride + kvh * kDim + c));
      }
      *reinterpret_cast<uint4*>(&sm.k[r][c]) = kv;
      *reinterpret_cast<uint4*>(&sm.v[r][c]) = vv;
    }
    __syncthreads();

    // S = Q_w K^T (16 x 64).
    for (int j = 0; j < kKeys / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.f);
#pragma unroll
      for (int kk = 0; kk < kDim / 16; ++kk) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> b;
        wmma::load_matrix_sync(a, &sm.q[warp * 16][kk * 16], kLdH);
        wmma::load_matrix_sync(b, &sm.k[j * 16][kk * 16], kLdH);
        wmma::mma_sync(acc, a, b, acc);
      }
      wmma::store_matrix_sync(&sm.s[warp][0][j * 16], acc, kLdS, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax over this tile's 64 columns of my row (32 per lane).
    float tile_max = -INFINITY;
    float vals[kKeys / 2];
#pragma unroll
    for (int c = 0; c < kKeys / 2; ++c) {
      const int col = my_half * (kKeys / 2) + c, p = kb + col;
      float v = sm.s[warp][my_row][col];
      if (s.softcap > 0.f) v = s.softcap * tanhf(v / s.softcap);
      if (my_pos < 0 || p > my_pos || p < my_lo) v = -INFINITY;
      vals[c] = v;
      tile_max = fmaxf(tile_max, v);
    }
    tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
    const float new_m = fmaxf(m, tile_max);
    const float corr = new_m == -INFINITY ? 1.f : __expf(m - new_m);
    float sum = 0.f;
#pragma unroll
    for (int c = 0; c < kKeys / 2; ++c) {
      const float p = new_m == -INFINITY ? 0.f : __expf(vals[c] - new_m);
      sum += p;
      sm.p[warp][my_row][my_half * (kKeys / 2) + c] = __float2half_rn(p);
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    l = l * corr + sum;
    m = new_m;
    if (my_half == 0) sm.corr[warp][my_row] = corr;
    __syncwarp();
    // Rescale my row's output, then O += P V.
#pragma unroll 8
    for (int c = 0; c < kDim / 2; ++c) sm.o[warp][my_row][my_half * (kDim / 2) + c] *= corr;
    __syncwarp();
    for (int j = 0; j < kDim / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::load_matrix_sync(acc, &sm.o[warp][0][j * 16], kLdO, wmma::mem_row_major);
#pragma unroll
      for (int kk = 0; kk < kKeys / 16; ++kk) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b;
        wmma::load_matrix_sync(a, &sm.p[warp][0][kk * 16], kLdP);
        wmma::load_matrix_sync(b, &sm.v[kk * 16][j * 16], kLdH);
        wmma::mma_sync(acc, a, b, acc);
      }
      wmma::store_matrix_sync(&sm.o[warp][0][j * 16], acc, kLdO, wmma::mem_row_major);
    }
    __syncwarp();
  }

  // out = O / l for the rows of real tokens.
  const int t = t0 + warp * 16 + my_row;
  if (t < s.n_tokens) {
    const float inv = l > 0.f ? 1.f / l : 0.f;
    float* o = out + (static_cast<int64_t>(t) * s.n_heads + h) * kDim + my_half * (kDim / 2);
#pragma unroll 8
    for (int c = 0; c < kDim / 2; ++c) o[c] = sm.o[warp][my_row][my_half * (kDim / 2) + c] * inv;
  }
}

}  // namespace

bool FlashPrefillSupports(const AttentionShape& s) {
  return s.cache_is_half && s.head_dim == kDim && s.v_head_dim == kDim && s.n_tokens >= 16 &&
         s.n_heads % s.n_kv_heads == 0;
}

void FlashPrefill(const AttentionShape& s, const float* q, const void* k_cache, const void* v_cache,
                  const int32_t* positions, float* out, cudaStream_t stream) {
  // Over 48 KB of shared memory needs an opt-in (per device and function; cheap to repeat).
  cudaFuncSetAttribute(FlashPrefillKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, sizeof(Smem));
  const dim3 grid((s.n_tokens + kRows - 1) / kRows, s.n_heads);
  Launch(FlashPrefillKernel, dim3(grid), dim3(kThreads), sizeof(Smem), stream, s, q,
         static_cast<const __half*>(k_cache), static_cast<const __half*>(v_cache), positions, out);
}

}  // namespace enclave::kernels
