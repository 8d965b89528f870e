// Conversion between F32 rows and every weight type the engine computes with (F32, F16, BF16,
// Q8_0, Q4_0, Q4_K, Q6_K), byte-compatible with ggml's block layouts (core/quant_blocks.h).
//
// Quantisers: Q8_0 and Q4_0 use the absolute maximum of each block of 32 (as ggml does). Q4_K
// and Q6_K search for the sub-block scale (and, for Q4_K, min) that minimises the squared
// error, the same idea as ggml's make_qkx2_quants / make_qx_quants, so files quantised here are
// close in quality to llama.cpp's. Dequantisers reproduce ggml's arithmetic exactly.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "core/status.h"

namespace enclave {

class ThreadPool;

// True for the types QuantizeRow can write: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K.
bool CanQuantizeTo(DType type);
// True for the types DequantizeRow can read (the same set).
bool CanDequantize(DType type);

// Converts n floats to type, writing RowBytes(type, n) bytes to dst. n must be a multiple of the
// type's block size (32 for Q8_0/Q4_0, 256 for Q4_K/Q6_K); otherwise, or for a type
// CanQuantizeTo rejects, returns an error and writes nothing.
Status QuantizeRow(DType type, const float* src, void* dst, int64_t n);

// QuantizeRow over n_rows rows of n_cols floats (src row-major), rows spread over pool (nullptr:
// ThreadPool::Global()). dst receives n_rows * RowBytes(type, n_cols) bytes.
Status QuantizeRows(DType type, const float* src, void* dst, int64_t n_rows, int64_t n_cols,
                    ThreadPool* pool = nullptr);

// Converts n elements of type (RowBytes(type, n) bytes at src) to floats. The caller checks
// CanDequantize(type) and that n is a multiple of the block size; for anything else dst is
// filled with NaN so the mistake shows instead of passing silently.
void DequantizeRow(DType type, const void* src, float* dst, int64_t n);

}  // namespace enclave
