// Row-wise and element-wise operations: norms, rope, activations, arithmetic, conversion.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/cpu/cpu_ops.h"
#include "core/thread_pool.h"

namespace enclave::cpu {
namespace {

// Element-wise work below this size is not worth waking the other threads for.
constexpr int64_t kMinParallelElements = 1 << 15;

template <typename Fn>
void ForRange(const CpuContext& ctx, int64_t count, int64_t cost_per_item, Fn&& fn) {
  if (count * cost_per_item < kMinParallelElements || ctx.pool.size() == 1) {
    fn(int64_t{0}, count);
    return;
  }
  ctx.pool.ParallelFor(count, fn);
}

}  // namespace

void RmsNorm(const CpuContext& ctx, float* out, const float* x, int64_t rows, int64_t width,
             const float* w, float eps) {
  ForRange(ctx, rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * width;
      float* yr = out + r * width;
      double sum_sq = 0.0;
      for (int64_t i = 0; i < width; ++i) sum_sq += static_cast<double>(xr[i]) * xr[i];
      const float inv_rms = static_cast<float>(1.0 / std::sqrt(sum_sq / width + eps));
      for (int64_t i = 0; i < width; ++i) yr[i] = xr[i] * inv_rms * w[i];
    }
  });
}

void LayerNorm(const CpuContext& ctx, float* out, const float* x, int64_t rows, int64_t width,
               const float* w, const float* b, float eps) {
  ForRange(ctx, rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * width;
      float* yr = out + r * width;
      double sum = 0.0;
      for (int64_t i = 0; i < width; ++i) sum += xr[i];
      const double mean = sum / width;
      double sum_sq = 0.0;  // two passes: no cancellation when the mean is large
      for (int64_t i = 0; i < width; ++i) sum_sq += (xr[i] - mean) * (xr[i] - mean);
      const float inv_std = static_cast<float>(1.0 / std::sqrt(sum_sq / width + eps));
      const auto mean_f = static_cast<float>(mean);
      for (int64_t i = 0; i < width; ++i) yr[i] = (xr[i] - mean_f) * inv_std * w[i] + b[i];
    }
  });
}

void Rope(const CpuContext& ctx, float* x, int64_t n, int64_t n_heads, int head_dim, int n_rot,
          const int32_t* positions, const float* inv_freq, RopeStyle style, float mscale) {
  const int half = n_rot / 2;
  ForRange(ctx, n, n_heads * head_dim * 4, [&](int64_t t0, int64_t t1) {
    std::vector<float> cos_t(static_cast<size_t>(half)), sin_t(static_cast<size_t>(half));
    for (int64_t t = t0; t < t1; ++t) {
      // The angle in f32, as Hugging Face computes it (inv_freq * position).
      const auto pos = static_cast<float>(positions[t]);
      for (int i = 0; i < half; ++i) {
        const float angle = pos * inv_freq[i];
        cos_t[i] = std::cos(angle) * mscale;
        sin_t[i] = std::sin(angle) * mscale;
      }
      for (int64_t h = 0; h < n_heads; ++h) {
        float* v = x + (t * n_heads + h) * head_dim;
        for (int i = 0; i < half; ++i) {
          const int i0 = style == RopeStyle::kNeox ? i : 2 * i;
          const int i1 = style == RopeStyle::kNeox ? i + half : 2 * i + 1;
          const float a = v[i0], b = v[i1];
          v[i0] = a * cos_t[i] - b * sin_t[i];
          v[i1] = b * cos_t[i] + a * sin_t[i];
        }
      }
    }
  });
}

void SwiGlu(const CpuContext& ctx, float* out, const float* gate, const float* up, int64_t count) {
  ForRange(ctx, count, 8, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float g = gate[i];
      out[i] = g / (1.f + std::exp(-g)) * up[i];
    }
  });
}

// gelu_pytorch_tanh: 0.5 g (1 + tanh(sqrt(2/pi) (g + 0.044715 g^3))).
void GeGlu(const CpuContext& ctx, float* out, const float* gate, const float* up, int64_t count) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  ForRange(ctx, count, 8, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float g = gate[i];
      out[i] = 0.5f * g * (1.f + std::tanh(kSqrt2OverPi * (g + 0.044715f * g * g * g))) * up[i];
    }
  });
}

// BERT's gelu: 0.5 x (1 + erf(x / sqrt(2))).
void Gelu(const CpuContext& ctx, float* x, int64_t count) {
  constexpr float kInvSqrt2 = 0.7071067811865476f;
  ForRange(ctx, count, 8, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) x[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * kInvSqrt2));
  });
}

void Add(const CpuContext& ctx, float* out, const float* a, const float* b, int64_t rows,
         int64_t width, int64_t b_rows) {
  ForRange(ctx, rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* br = b + (r % b_rows) * width;
      for (int64_t i = 0; i < width; ++i) out[r * width + i] = a[r * width + i] + br[i];
    }
  });
}

void Mul(const CpuContext& ctx, float* out, const float* a, const float* b, int64_t rows,
         int64_t width, int64_t b_rows) {
  ForRange(ctx, rows, width, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* br = b + (r % b_rows) * width;
      for (int64_t i = 0; i < width; ++i) out[r * width + i] = a[r * width + i] * br[i];
    }
  });
}

void Scale(const CpuContext& ctx, float* x, int64_t count, float s) {
  ForRange(ctx, count, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) x[i] *= s;
  });
}

void Convert(const CpuContext& ctx, void* dst, DType dst_type, const void* src, DType src_type,
             int64_t count) {
  if (dst_type == src_type) {
    std::memcpy(dst, src, static_cast<size_t>(count) * (dst_type == DType::F32 ? 4 : 2));
    return;
  }
  auto load = [&](int64_t i) -> float {
    const auto* s16 = static_cast<const uint16_t*>(src);
    switch (src_type) {
      case DType::F16: return HalfToFloatFast(s16[i]);
      case DType::BF16: return Bf16ToFloat(s16[i]);
      default: return static_cast<const float*>(src)[i];
    }
  };
  ForRange(ctx, count, 4, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const float v = load(i);
      switch (dst_type) {
        case DType::F16: static_cast<uint16_t*>(dst)[i] = FloatToHalf(v); break;
        case DType::BF16: static_cast<uint16_t*>(dst)[i] = FloatToBf16(v); break;
        default: static_cast<float*>(dst)[i] = v; break;
      }
    }
  });
}

void ArgMax(int32_t* ids, const float* logits, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = logits + r * width;
    // First maximum wins on ties, as torch.argmax does.
    ids[r] = static_cast<int32_t>(std::max_element(row, row + width) - row);
  }
}

}  // namespace enclave::cpu
