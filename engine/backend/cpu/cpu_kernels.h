// The inner loops of the CPU backend, as a table of function pointers: one table of plain C++
// (always compiled, always correct, the reference) and one of AVX2/FMA versions chosen at run
// time on machines that have them. Everything above this table is shared by both.
//
// Q4_0 and the k-quants are multiplied with quantised activations, as ggml does: activations are
// rounded to 8 bits per block (Q8_0 for Q4_0 weights, Q8_K for the k-quants) so the inner loop
// is an integer dot product; the scales are applied once per block. Q8_0 weights take F32
// activations: rounding the activations too flips near ties in greedy decoding, and a Q8_0 file
// is meant to follow its F32 source.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/dtype.h"
#include "core/quant_blocks.h"

namespace enclave::cpu {

// dot(weight row, activation row) of n elements; the activation is in ActivationType(weight).
using RowDotFn = float (*)(const void* w, const void* x, int64_t n);
// Several tokens at once (prefill): out[t * out_stride] = dot(w, x + t * x_stride) for
// t in [0, n_x), 1 <= n_x <= kMaxTokensPerDot. One pass over the weight row serves every token,
// so unpacking the weights (nibbles, scales, f16) is paid once per n_x tokens.
constexpr int kMaxTokensPerDot = 4;
using MultiDotFn = void (*)(const void* w, const void* x, size_t x_stride, int n_x, int64_t n, float* out,
                            size_t out_stride);
// Converts n floats to the activation format (n a multiple of its block size). Every table
// produces byte-identical activations (tested), so tables differ only in summation order.
using QuantizeActivationFn = void (*)(const float* x, void* y, int64_t n);

struct CpuKernels {
  const char* name;  // "scalar" or "avx2"

  // Weight-type dot products, indexed through Dot() below.
  RowDotFn dot_f32;   // F32 weights, F32 activations (also q.k in attention)
  RowDotFn dot_f16;   // F16 weights (or an F16 K cache), F32 activations
  RowDotFn dot_bf16;  // BF16 weights, F32 activations
  RowDotFn dot_q8_0;  // Q8_0 weights, F32 activations
  RowDotFn dot_q4_0;  // Q4_0 weights, Q8_0 activations
  RowDotFn dot_q4_k;  // Q4_K weights, Q8_K activations
  RowDotFn dot_q6_k;  // Q6_K weights, Q8_K activations

  // The same products for several tokens (see MultiDotFn), indexed through MultiDot() below.
  MultiDotFn multi_f32;
  MultiDotFn multi_f16;
  MultiDotFn multi_bf16;
  MultiDotFn multi_q8_0;
  MultiDotFn multi_q4_0;
  MultiDotFn multi_q4_k;
  MultiDotFn multi_q6_k;

  QuantizeActivationFn quantize_q8_0;
  QuantizeActivationFn quantize_q8_k;

  // y[i] += a * x[i] (attention's weighted sum of V rows), F32 and F16 x.
  void (*axpy_f32)(float a, const float* x, float* y, int64_t n);
  void (*axpy_f16)(float a, const uint16_t* x, float* y, int64_t n);
};

const CpuKernels& ScalarKernels();
// The AVX2/FMA/F16C table, or nullptr when this CPU lacks any of them.
const CpuKernels* Avx2Kernels();
// The fastest table this CPU supports, unless ENCLAVE_CPU_SCALAR=1 is set.
const CpuKernels& BestKernels();

// What activations are converted to before a dot product with weights of this type:
// F32 for F32/F16/BF16/Q8_0, Q8_0 for Q4_0, Q8_K for Q4_K/Q6_K.
DType ActivationType(DType weight);
// The dot product for weights of this type (nullptr for types MatMul cannot use).
RowDotFn Dot(const CpuKernels& k, DType weight);
MultiDotFn MultiDot(const CpuKernels& k, DType weight);

// Fast f16 -> f32 through a 64K-entry table (built once).
float HalfToFloatFast(uint16_t h);

}  // namespace enclave::cpu
