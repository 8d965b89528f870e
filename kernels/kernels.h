// The CUDA kernels, as plain C++ functions the CUDA backend (engine/backend/cuda) calls. Every
// function enqueues work on `stream` and returns at once; launch failures are picked up by the
// caller with cudaGetLastError(). Pointers are device pointers.
//
// Device weight layout. UploadWeight repacks some quantised types row by row so that a row's
// quants sit contiguously and 16-byte aligned, apart from their scales. Each row keeps exactly
// the byte size GGUF gives it, so Tensor::Rows() on a device weight still addresses whole rows:
//   F32, F16, BF16, Q4_K  as in GGUF
//   Q8_0  row = [K int8 quants][K/32 f16 scales]
//   Q4_0  row = [K/32 blocks of 16 nibble bytes, ggml order][K/32 f16 scales]
//   Q6_K  row = [K/2 bytes of low 4 bits][K/4 bytes of high 2 bits][K/16 int8 scales]
//               [K/256 f16 super-scales]; per unit u of 32 elements, low byte 16u+i holds
//               element i (low nibble) and 16+i (high nibble); high word 2u+w holds elements
//               16w+4j+b in byte b, bits 2j..2j+1 (a mask and shift give 4 elements at once)
// RepackRowForDevice (host) converts one GGUF row to this layout.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "core/dtype.h"

namespace enclave::kernels {

// ---- layout (host side) -------------------------------------------------------------------------
// True when `type` has a device layout that differs from GGUF.
bool IsRepacked(DType type);
// One row of K elements: GGUF bytes in `src` -> device layout in `dst` (row_bytes each).
void RepackRowForDevice(DType type, const void* src, void* dst, int64_t k);
// The weight types the matrix kernels accept.
bool IsMatrixType(DType type);

// ---- matrix products (matvec.cu, gemm path in dequant.cu) ---------------------------------------
// out[t][m] = sum_k w[m][k] x[t][k] (+ bias[m]), for t < n_tokens, reading each weight once per
// group of up to 4 tokens. Decode path (small n_tokens).
void MatVec(DType wtype, const void* w, int64_t k, int64_t m, const float* x, int n_tokens,
            const float* bias, float* out, cudaStream_t stream);
// The int8 path for quantised weights (Q8_0, Q4_0, Q4_K, Q6_K): activations quantised per 32
// (xq int8 [n][k], xds float2 [n][k/32] = {d, d * sum(q)}), then dp4a dot products.
bool MatVecQ8Supports(DType wtype, const void* w, int64_t k);
void QuantizeActivations(const float* x, int64_t n, int8_t* xq, void* xds, cudaStream_t stream);
void MatVecQ8(DType wtype, const void* w, int64_t k, int64_t m, const int8_t* xq, const void* xds, int n_tokens,
              const float* bias, float* out, cudaStream_t stream);
// Dequantises rows [row0, row0 + rows) of w to half (or bf16 when to_bf16) [rows][k].
void DequantizeRows(DType wtype, const void* w, int64_t k, int64_t row0, int64_t rows, void* out,
                    bool to_bf16, cudaStream_t stream);
// x f32 [n] -> half / bf16 [n], saturating to the half range.
void ConvertF32ToHalf(const float* x, void* out, int64_t n, bool to_bf16, cudaStream_t stream);
// out[t][m] += bias[m] for t < n_tokens.
void AddBiasRows(float* out, const float* bias, int64_t m, int64_t n_tokens, cudaStream_t stream);

// ---- embedding (dequant.cu) -------------------------------------------------------------------
// out[i][:] = table[ids[i]][:] as f32; ids outside [0, vocab) give a zero row.
void Embed(DType type, const void* table, int64_t width, int64_t vocab, const int32_t* ids,
           int64_t n, float* out, cudaStream_t stream);

// ---- normalisation (norm.cu) --------------------------------------------------------------------
// rows of `width`: out = x / rms(x) * w
void RmsNorm(const float* x, const float* w, float* out, int64_t rows, int64_t width, float eps,
             cudaStream_t stream);
void LayerNorm(const float* x, const float* w, const float* b, float* out, int64_t rows,
               int64_t width, float eps, cudaStream_t stream);
// Fused: x += residual (when residual is not null), out = rmsnorm(x) * w, and when xq is not
// null the int8 activations of out for MatVecQ8 (one launch instead of three).
bool AddRmsNormSupports(const float* x, const float* w, const float* out, int64_t width);
void AddRmsNorm(float* x, const float* residual, const float* w, float* out, int64_t rows, int64_t width,
                float eps, int8_t* xq, void* xds, cudaStream_t stream);

// ---- rotary embedding (rope.cu) -----------------------------------------------------------------
// With x2, also rotates x2 ([n_tokens][n_heads2][head_dim], same positions) in the same launch.
void Rope(float* x, int64_t n_tokens, int64_t n_heads, int head_dim, int n_rot,
          const int32_t* positions, const float* inv_freq, bool interleaved, float mscale,
          cudaStream_t stream, float* x2 = nullptr, int64_t n_heads2 = 0);

// ---- KV cache and attention (attention.cu) ------------------------------------------------------
// cache[positions[i]][:] = src[i][:] (cache f32 or f16 per cache_is_half).
// With cache2, also writes src2 ([n][width2]) into cache2 (same element type) in the same launch.
void StoreKV(void* cache, bool cache_is_half, const float* src, const int32_t* positions,
             int64_t n, int64_t width, int64_t ctx, cudaStream_t stream, void* cache2 = nullptr,
             const float* src2 = nullptr, int64_t width2 = 0);

struct AttentionShape {
  int n_tokens = 0;
  int n_heads = 0;
  int n_kv_heads = 0;
  int head_dim = 0;
  int v_head_dim = 0;
  int ctx = 0;             // cache rows
  float scale = 0.f;
  int window = 0;
  float softcap = 0.f;
  bool cache_is_half = true;
};
// Number of KV splits attention uses for this shape (fixed for a shape: graphs stay valid) and
// the scratch floats it needs.
int AttentionSplits(const AttentionShape& s, int sm_count);
size_t AttentionScratchFloats(const AttentionShape& s, int n_splits);
// Supported head sizes and GQA group width (false with no work enqueued otherwise).
bool AttentionSupports(const AttentionShape& s);
// Prefill on the tensor cores (attention_prefill.cu): f16 cache, 128-wide heads, >= 16 tokens.
// Attention() picks it by itself where it applies.
bool FlashPrefillSupports(const AttentionShape& s);
void FlashPrefill(const AttentionShape& s, const float* q, const void* k_cache, const void* v_cache,
                  const int32_t* positions, float* out, cudaStream_t stream);
void Attention(const AttentionShape& s, const float* q, const void* k_cache, const void* v_cache,
               const int32_t* positions, float* out, float* scratch, int n_splits,
               cudaStream_t stream);

// ---- element-wise (elementwise.cu) ---------------------------------------------------------------
void SwiGlu(const float* gate, const float* up, float* out, int64_t n, cudaStream_t stream);
// SwiGlu that also writes the int8 activations of out (n a multiple of 32) for MatVecQ8.
void SwiGluQ8(const float* gate, const float* up, float* out, int64_t n, int8_t* xq, void* xds, cudaStream_t stream);
void GeGlu(const float* gate, const float* up, float* out, int64_t n, cudaStream_t stream);
void Gelu(float* x, int64_t n, cudaStream_t stream);
void Add(const float* a, const float* b, float* out, int64_t n, cudaStream_t stream);
// out = a * b, b broadcast every b_n elements (b_n == n: no broadcast).
void Mul(const float* a, const float* b, float* out, int64_t n, int64_t b_n, cudaStream_t stream);
void Scale(float* x, float s, int64_t n, cudaStream_t stream);
void F32ToF16(const float* x, uint16_t* out, int64_t n, cudaStream_t stream);
void F16ToF32(const uint16_t* x, float* out, int64_t n, cudaStream_t stream);

// ---- sampling (sample.cu) -----------------------------------------------------------------------
// ids[r] = argmax of logits row r (lowest index on ties). scratch: ArgMaxScratchBytes(rows) of
// device memory, zero before the first call (the kernel leaves it zero again).
size_t ArgMaxScratchBytes(int64_t rows);
void ArgMax(const float* logits, int64_t rows, int64_t width, int32_t* ids, void* scratch, cudaStream_t stream);

}  // namespace enclave::kernels
