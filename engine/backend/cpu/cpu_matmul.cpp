// Matrix multiplication for every weight type: y[t] = W x[t], threads over output rows.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "backend/cpu/cpu_ops.h"
#include "core/quantize.h"
#include "core/thread_pool.h"

namespace enclave::cpu {
namespace {

// Output rows handled per pass over the tokens. A tile of weight rows (16 x 4096 Q4_K = 37 KB)
// stays in L2 while every token's activation row streams past it, so the weights are read
// from memory once per MatMul however many tokens there are.
constexpr int64_t kRowTile = 16;

}  // namespace

void MatMul(const CpuContext& ctx, float* out, const Tensor& w, const float* x, int64_t n,
            const float* bias) {
  const int64_t K = w.ne[0];
  const int64_t M = w.rows();
  const DType act_type = ActivationType(w.type);
  const RowDotFn dot = Dot(ctx.kernels, w.type);
  const MultiDotFn multi_dot = MultiDot(ctx.kernels, w.type);
  const size_t w_row_bytes = w.row_bytes();
  const auto* w_bytes = static_cast<const uint8_t*>(w.data);

  // Activations in the format the dot product wants.
  const uint8_t* act = reinterpret_cast<const uint8_t*>(x);
  size_t act_row_bytes = static_cast<size_t>(K) * sizeof(float);
  if (act_type != DType::F32) {
    act_row_bytes = RowBytes(act_type, K);
    ctx.scratch.resize(act_row_bytes * static_cast<size_t>(n));
    uint8_t* q = ctx.scratch.data();
    const QuantizeActivationFn quantize =
        act_type == DType::Q8_0 ? ctx.kernels.quantize_q8_0 : ctx.kernels.quantize_q8_k;
    ctx.pool.ParallelFor(n, [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t) quantize(x + t * K, q + t * act_row_bytes, K);
    });
    act = q;
  }

  // Threads take tiles from a shared counter rather than fixed shares, so a thread that the OS
  // preempts (a busy desktop) delays the result by one tile, not by its whole share.
  const int64_t n_tiles = (M + kRowTile - 1) / kRowTile;
  std::atomic<int64_t> next_tile{0};
  ctx.pool.ParallelFor(std::min<int64_t>(ctx.pool.size(), n_tiles), [&](int64_t, int64_t) {
    for (int64_t tile = next_tile++; tile < n_tiles; tile = next_tile++) {
      const int64_t r0 = tile * kRowTile, r1 = std::min(M, r0 + kRowTile);
      // Groups of up to kMaxTokensPerDot tokens (their activations stay in L1) against every
      // row of the tile (which stays in L2).
      for (int64_t t0 = 0; t0 < n; t0 += kMaxTokensPerDot) {
        const int n_x = static_cast<int>(std::min<int64_t>(kMaxTokensPerDot, n - t0));
        const uint8_t* xt = act + t0 * act_row_bytes;
        float* yt = out + t0 * M;
        for (int64_t r = r0; r < r1; ++r) {
          if (n_x == 1)
            yt[r] = dot(w_bytes + r * w_row_bytes, xt, K);
          else
            multi_dot(w_bytes + r * w_row_bytes, xt, act_row_bytes, n_x, K, yt + r, static_cast<size_t>(M));
        }
      }
      if (bias)
        for (int64_t t = 0; t < n; ++t)
          for (int64_t r = r0; r < r1; ++r) out[t * M + r] += bias[r];
    }
  });
}

void Embed(const CpuContext& ctx, float* out, const Tensor& table, const int32_t* ids, int64_t n) {
  const int64_t d = table.ne[0];
  const size_t row_bytes = table.row_bytes();
  const auto* bytes = static_cast<const uint8_t*>(table.data);
  ctx.pool.ParallelFor(n, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t)
      DequantizeRow(table.type, bytes + static_cast<size_t>(ids[t]) * row_bytes, out + t * d, d);
  });
}

}  // namespace enclave::cpu
