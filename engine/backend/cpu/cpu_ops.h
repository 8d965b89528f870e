// The computations behind CpuBackend's operations, on raw host memory. Arguments are already
// validated by CpuBackend (shapes, types, index ranges): these functions only compute.
// Activations are F32 row-major; "n" is the number of token rows.
#pragma once

#include <cstdint>
#include <vector>

#include "backend/backend.h"
#include "backend/cpu/cpu_kernels.h"

namespace enclave {
class ThreadPool;
}

namespace enclave::cpu {

struct CpuContext {
  ThreadPool& pool;
  const CpuKernels& kernels;
  std::vector<uint8_t>& scratch;  // reused between calls (quantised activations)
};

// ---- cpu_matmul.cpp ----
// out[t][m] = dot(w row m, x[t]) (+ bias[m]); w: any weight type, ne = {K, M}; x: [n][K].
void MatMul(const CpuContext& ctx, float* out, const Tensor& w, const float* x, int64_t n,
            const float* bias);
// out[t] = table row ids[t], dequantised; ids already range-checked.
void Embed(const CpuContext& ctx, float* out, const Tensor& table, const int32_t* ids, int64_t n);

// ---- cpu_attention.cpp ----
// Cache rows positions[t] = src[t] (cache F32 or F16, rows of width floats).
void StoreKV(void* cache, DType cache_type, int64_t width, const float* src, int64_t n,
             const int32_t* positions);
// out[t][h] = softmax over keys j of (q[t][h] . k[j][kv(h)] * scale) times v[j][kv(h)],
// j in [first(t), positions[t]]; first(t) = 0 or positions[t] - window + 1.
void Attention(const CpuContext& ctx, float* out, const float* q, const Tensor& k_cache,
               const Tensor& v_cache, const int32_t* positions, int64_t n, const AttentionParams& p);

// ---- cpu_ops.cpp ----
// Rows of `width` elements; w (and b) have `width` elements.
void RmsNorm(const CpuContext& ctx, float* out, const float* x, int64_t rows, int64_t width,
             const float* w, float eps);
void LayerNorm(const CpuContext& ctx, float* out, const float* x, int64_t rows, int64_t width,
               const float* w, const float* b, float eps);
// x: [n][n_heads][head_dim], rotated in place; inv_freq: [n_rot / 2].
void Rope(const CpuContext& ctx, float* x, int64_t n, int64_t n_heads, int head_dim, int n_rot,
          const int32_t* positions, const float* inv_freq, RopeStyle style, float mscale);
void SwiGlu(const CpuContext& ctx, float* out, const float* gate, const float* up, int64_t count);
void GeGlu(const CpuContext& ctx, float* out, const float* gate, const float* up, int64_t count);
void Gelu(const CpuContext& ctx, float* x, int64_t count);
// out[r][i] = a[r][i] + b[r % b_rows][i] (b_rows is 1 for a broadcast row, else rows).
void Add(const CpuContext& ctx, float* out, const float* a, const float* b, int64_t rows,
         int64_t width, int64_t b_rows);
void Mul(const CpuContext& ctx, float* out, const float* a, const float* b, int64_t rows,
         int64_t width, int64_t b_rows);
void Scale(const CpuContext& ctx, float* x, int64_t count, float s);
// Converts count elements between F32, F16 and BF16 (any pair).
void Convert(const CpuContext& ctx, void* dst, DType dst_type, const void* src, DType src_type,
             int64_t count);
void ArgMax(int32_t* ids, const float* logits, int64_t rows, int64_t width);

}  // namespace enclave::cpu
