// KV cache writes and causal attention over the cache, threads over (token, head) pairs.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "backend/cpu/cpu_ops.h"
#include "core/thread_pool.h"

namespace enclave::cpu {

void StoreKV(void* cache, DType cache_type, int64_t width, const float* src, int64_t n,
             const int32_t* positions) {
  for (int64_t t = 0; t < n; ++t) {
    const float* row = src + t * width;
    if (cache_type == DType::F32) {
      std::memcpy(static_cast<float*>(cache) + positions[t] * width, row,
                  static_cast<size_t>(width) * sizeof(float));
    } else {
      uint16_t* dst = static_cast<uint16_t*>(cache) + positions[t] * width;
      for (int64_t i = 0; i < width; ++i) dst[i] = FloatToHalf(row[i]);
    }
  }
}

void Attention(const CpuContext& ctx, float* out, const float* q, const Tensor& k_cache,
               const Tensor& v_cache, const int32_t* positions, int64_t n, const AttentionParams& p) {
  const int group = p.n_heads / p.n_kv_heads;  // query heads per kv head
  const size_t k_elem = k_cache.type == DType::F32 ? 4 : 2;
  const size_t v_elem = v_cache.type == DType::F32 ? 4 : 2;
  const size_t k_row_bytes = k_cache.row_bytes();
  const size_t v_row_bytes = v_cache.row_bytes();
  const auto* k_bytes = static_cast<const uint8_t*>(k_cache.data);
  const auto* v_bytes = static_cast<const uint8_t*>(v_cache.data);
  const RowDotFn dot = k_cache.type == DType::F32 ? ctx.kernels.dot_f32 : ctx.kernels.dot_f16;
  const bool v_f32 = v_cache.type == DType::F32;
  int32_t max_pos = 0;
  for (int64_t t = 0; t < n; ++t) max_pos = std::max(max_pos, positions[t]);

  // (token, head) tasks are taken from a shared counter: in a prefill, later tokens attend to
  // more keys, so fixed shares would leave the thread with the early tokens idle.
  const int64_t n_tasks = n * p.n_heads;
  std::atomic<int64_t> next_task{0};
  ctx.pool.ParallelFor(std::min<int64_t>(ctx.pool.size(), n_tasks), [&](int64_t, int64_t) {
    std::vector<float> scores(static_cast<size_t>(max_pos) + 1);
    for (int64_t task = next_task++; task < n_tasks; task = next_task++) {
      const int64_t t = task / p.n_heads;
      const int h = static_cast<int>(task % p.n_heads);
      const int kv = h / group;
      const int32_t last = positions[t];
      const int32_t first = p.window > 0 ? std::max(0, last - p.window + 1) : 0;
      const float* qh = q + (t * p.n_heads + h) * p.head_dim;
      float* oh = out + (t * p.n_heads + h) * p.v_head_dim;

      float max_score = -std::numeric_limits<float>::infinity();
      for (int32_t j = first; j <= last; ++j) {
        const uint8_t* kj = k_bytes + j * k_row_bytes + static_cast<size_t>(kv) * p.head_dim * k_elem;
        float s = dot(kj, qh, p.head_dim) * p.scale;
        if (p.softcap > 0.f) s = p.softcap * std::tanh(s / p.softcap);
        scores[j - first] = s;
        max_score = std::max(max_score, s);
      }
      float sum = 0.f;
      for (int32_t j = first; j <= last; ++j) {
        const float e = std::exp(scores[j - first] - max_score);
        scores[j - first] = e;
        sum += e;
      }
      std::fill(oh, oh + p.v_head_dim, 0.f);
      for (int32_t j = first; j <= last; ++j) {
        const uint8_t* vj = v_bytes + j * v_row_bytes + static_cast<size_t>(kv) * p.v_head_dim * v_elem;
        if (v_f32)
          ctx.kernels.axpy_f32(scores[j - first], reinterpret_cast<const float*>(vj), oh, p.v_head_dim);
        else
          ctx.kernels.axpy_f16(scores[j - first], reinterpret_cast<const uint16_t*>(vj), oh, p.v_head_dim);
      }
      const float inv_sum = 1.f / sum;
      for (int i = 0; i < p.v_head_dim; ++i) oh[i] *= inv_sum;
    }
  });
}

}  // namespace enclave::cpu
