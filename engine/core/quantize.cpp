#include "core/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "core/quant_blocks.h"
#include "core/thread_pool.h"

namespace enclave {
namespace {

// Round half to even, as ggml's nearest_int does. Adding 1.5 * 2^23 leaves the rounded integer
// in the low mantissa bits (valid for |v| < 2^22); much faster than lrintf, which is a libm
// call here and sits in the innermost loop of the k-quant scale search.
inline int RoundToInt(float v) {
  const float shifted = v + 12582912.f;
  int32_t bits;
  std::memcpy(&bits, &shifted, sizeof(bits));
  return (bits & 0x007fffff) - 0x00400000;
}

// ---- Q8_0 / Q4_0: one scale per block of 32, from the block's largest magnitude ----------------

void QuantizeQ8_0(const float* x, BlockQ8_0* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, x += kQK8_0) {
    float amax = 0.f;
    for (int i = 0; i < kQK8_0; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = amax / 127.f;
    const float inv_d = d > 0.f ? 1.f / d : 0.f;
    y[b].d = FloatToHalf(d);
    for (int i = 0; i < kQK8_0; ++i) y[b].qs[i] = static_cast<int8_t>(std::lround(x[i] * inv_d));
  }
}

// The element of largest magnitude maps to -8 (the one extra negative level of 4 bits), so the
// full range [-8, 7] is used; everything else rounds to the nearest level.
void QuantizeQ4_0(const float* x, BlockQ4_0* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, x += kQK4_0) {
    float extreme = 0.f;
    for (int i = 0; i < kQK4_0; ++i)
      if (std::fabs(x[i]) > std::fabs(extreme)) extreme = x[i];
    const float d = extreme / -8.f;
    const float inv_d = d != 0.f ? 1.f / d : 0.f;
    y[b].d = FloatToHalf(d);
    auto level = [&](float v) {
      return static_cast<uint8_t>(std::clamp(static_cast<int>(std::floor(v * inv_d + 8.5f)), 0, 15));
    };
    for (int i = 0; i < kQK4_0 / 2; ++i)
      y[b].qs[i] = static_cast<uint8_t>(level(x[i]) | (level(x[i + kQK4_0 / 2]) << 4));
  }
}

// ---- Q4_K: x ~ scale * q - min per sub-block of 32, q in [0, 15] ------------------------------

// Fits x[i] ~ scale * q[i] - min (q in [0, n_levels-1], min >= 0) minimising sum w[i] * err^2.
// Tries a range of scales around (max - min) / (n_levels - 1); for each, rounds every element,
// then solves the 2x2 weighted least-squares problem for (scale, min) given those levels and
// keeps the best. This is the approach of ggml's make_qkx2_quants.
float FitScaleAndMin(const float* x, const float* w, int n, int n_levels, uint8_t* q, float* min_out) {
  float lo = x[0], hi = x[0], sum_w = 0.f, sum_wx = 0.f, sum_wx2 = 0.f;
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
    sum_w += w[i];
    sum_wx += w[i] * x[i];
    sum_wx2 += w[i] * x[i] * x[i];
  }
  lo = std::min(lo, 0.f);  // the offset only ever shifts values up: min stays >= 0
  if (hi == lo) {
    std::fill(q, q + n, uint8_t{0});
    *min_out = -lo;
    return 0.f;
  }
  const int q_max = n_levels - 1;
  struct Sums {
    float l = 0.f, l2 = 0.f, xl = 0.f;  // weighted sums of levels, levels^2, x * levels
  };
  // Rounds every element for this inverse scale and offset, returning the weighted sums.
  auto round_levels = [&](float inv_scale, float offset, uint8_t* levels) {
    Sums s;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(RoundToInt(inv_scale * (x[i] - offset)), 0, q_max);
      levels[i] = static_cast<uint8_t>(l);
      s.l += w[i] * l;
      s.l2 += w[i] * l * l;
      s.xl += w[i] * l * x[i];
    }
    return s;
  };
  // sum w (scale * l + offset - x)^2, expanded into the sums (no pass over the data).
  auto weighted_error = [&](const Sums& s, float scale, float offset) {
    const double a = scale, b = offset;
    return a * a * s.l2 + b * b * sum_w + sum_wx2 + 2 * a * b * s.l - 2 * a * s.xl - 2 * b * sum_wx;
  };

  float best_scale = (hi - lo) / q_max;
  float best_offset = lo;  // x ~ scale * q + offset, offset = -min <= 0
  double best_error = weighted_error(round_levels(1.f / best_scale, best_offset, q), best_scale, best_offset);

  uint8_t trial[kQK_K];
  constexpr int kSteps = 20;  // candidate inverse scales (q_max - 1 + 0.1 s) / (hi - lo)
  for (int step = 0; step <= kSteps; ++step) {
    const float inv_scale = (q_max - 1.f + 0.1f * step) / (hi - lo);
    const Sums s = round_levels(inv_scale, lo, trial);
    const float det = sum_w * s.l2 - s.l * s.l;
    if (det <= 0.f) continue;
    float scale = (sum_w * s.xl - sum_wx * s.l) / det;
    float offset = (s.l2 * sum_wx - s.l * s.xl) / det;
    if (offset > 0.f) {  // a positive offset is not representable: refit the scale alone
      offset = 0.f;
      scale = s.xl / s.l2;
    }
    const double e = weighted_error(s, scale, offset);
    if (e < best_error) {
      best_error = e;
      best_scale = scale;
      best_offset = offset;
      std::memcpy(q, trial, static_cast<size_t>(n));
    }
  }
  *min_out = -best_offset;
  return best_scale;
}

// Packs the 6-bit sub-block scale and min j (0..7) as ggml's get_scale_min_k4 unpacks them:
// bytes 0-3 hold scales 0-3 (low 6 bits), bytes 4-7 mins 0-3, bytes 8-11 the low 4 bits of
// scale/min 4-7; the top 2 bits of scale/min 4-7 go in the spare top bits of bytes 0-7.
void PackScaleMinK4(int j, uint8_t scale, uint8_t min, uint8_t* packed) {
  if (j < 4) {
    packed[j] = scale;
    packed[j + 4] = min;
  } else {
    packed[j + 4] = static_cast<uint8_t>((scale & 0xF) | ((min & 0xF) << 4));
    packed[j - 4] |= static_cast<uint8_t>((scale >> 4) << 6);
    packed[j] |= static_cast<uint8_t>((min >> 4) << 6);
  }
}

inline void UnpackScaleMinK4(int j, const uint8_t* packed, int* scale, int* min) {
  if (j < 4) {
    *scale = packed[j] & 63;
    *min = packed[j + 4] & 63;
  } else {
    *scale = (packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4);
    *min = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
  }
}

void QuantizeQ4_K(const float* x, BlockQ4_K* y, int64_t n_blocks) {
  constexpr int kSub = 32;
  for (int64_t b = 0; b < n_blocks; ++b, x += kQK_K) {
    float scales[kQK_K / kSub], mins[kQK_K / kSub];
    uint8_t levels[kQK_K];
    for (int j = 0; j < kQK_K / kSub; ++j) {
      const float* xs = x + j * kSub;
      // Weight large magnitudes more (they dominate a dot product), but never ignore small ones.
      float sum_x2 = 0.f;
      for (int i = 0; i < kSub; ++i) sum_x2 += xs[i] * xs[i];
      const float rms = std::sqrt(sum_x2 / kSub);
      float w[kSub];
      for (int i = 0; i < kSub; ++i) w[i] = rms + std::fabs(xs[i]);
      scales[j] = FitScaleAndMin(xs, w, kSub, 16, levels + j * kSub, &mins[j]);
    }
    const float max_scale = *std::max_element(scales, scales + 8);
    const float max_min = *std::max_element(mins, mins + 8);
    const float inv_scale = max_scale > 0.f ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0.f ? 63.f / max_min : 0.f;
    BlockQ4_K& out = y[b];
    std::memset(out.scales, 0, sizeof(out.scales));
    for (int j = 0; j < 8; ++j) {
      const auto sc = static_cast<uint8_t>(std::min(63, RoundToInt(inv_scale * scales[j])));
      const auto mn = static_cast<uint8_t>(std::min(63, RoundToInt(inv_min * mins[j])));
      PackScaleMinK4(j, sc, mn, out.scales);
    }
    out.d = FloatToHalf(max_scale / 63.f);
    out.dmin = FloatToHalf(max_min / 63.f);
    // Re-round every element against the scales as stored (6-bit, f16), not the ideal ones.
    const float d = HalfToFloat(out.d), dmin = HalfToFloat(out.dmin);
    for (int j = 0; j < 8; ++j) {
      int sc, mn;
      UnpackScaleMinK4(j, out.scales, &sc, &mn);
      const float step = d * sc;
      if (step == 0.f) continue;
      const float offset = dmin * mn;
      for (int i = 0; i < kSub; ++i)
        levels[j * kSub + i] =
            static_cast<uint8_t>(std::clamp(RoundToInt((x[j * kSub + i] + offset) / step), 0, 15));
    }
    // 64 elements share 32 bytes: elements 0-31 in the low nibbles, 32-63 in the high ones.
    for (int chunk = 0; chunk < 4; ++chunk)
      for (int i = 0; i < 32; ++i)
        out.qs[chunk * 32 + i] =
            static_cast<uint8_t>(levels[chunk * 64 + i] | (levels[chunk * 64 + 32 + i] << 4));
  }
}

// ---- Q6_K: x ~ scale * (q - 32) per sub-block of 16, q in [0, 63] -----------------------------

// Symmetric fit x[i] ~ scale * l[i], l in [-n_half, n_half - 1], weights x^2 (ggml's
// make_qx_quants with rmse_type 1): starts from the scale that maps the extreme to -n_half, then
// tries nearby scales and keeps the least-squares optimum with the best error. Returns scale;
// levels get l + n_half.
float FitSymmetricScale(const float* x, int n, int n_half, int8_t* levels) {
  float extreme = 0.f;
  for (int i = 0; i < n; ++i)
    if (std::fabs(x[i]) > std::fabs(extreme)) extreme = x[i];
  if (std::fabs(extreme) < 1e-15f) {
    std::fill(levels, levels + n, int8_t{0});
    return 0.f;
  }
  auto level_of = [&](float inv_scale, float v) {
    return std::clamp(RoundToInt(inv_scale * v), -n_half, n_half - 1);
  };
  // For fixed levels the best scale is sum(w x l) / sum(w l^2) and the error falls as
  // sum(w x l)^2 / sum(w l^2) rises, so candidates are compared on that ratio.
  auto fit = [&](float inv_scale, float* sum_xl, float* sum_l2) {
    *sum_xl = *sum_l2 = 0.f;
    for (int i = 0; i < n; ++i) {
      const float w = x[i] * x[i];
      const int l = level_of(inv_scale, x[i]);
      *sum_xl += w * x[i] * l;
      *sum_l2 += w * l * l;
    }
  };
  float best_inv = -n_half / extreme;
  float sum_xl, sum_l2;
  fit(best_inv, &sum_xl, &sum_l2);
  float best_scale = sum_l2 > 0.f ? sum_xl / sum_l2 : 0.f;
  float best_merit = best_scale * sum_xl;
  for (int s = -9; s <= 9; ++s) {
    if (s == 0) continue;
    const float inv = -(n_half + 0.1f * s) / extreme;
    fit(inv, &sum_xl, &sum_l2);
    if (sum_l2 > 0.f && sum_xl * sum_xl > best_merit * sum_l2) {
      best_inv = inv;
      best_scale = sum_xl / sum_l2;
      best_merit = best_scale * sum_xl;
    }
  }
  for (int i = 0; i < n; ++i) levels[i] = static_cast<int8_t>(level_of(best_inv, x[i]) + n_half);
  return best_scale;
}

void QuantizeQ6_K(const float* x, BlockQ6_K* y, int64_t n_blocks) {
  constexpr int kSub = 16;
  for (int64_t b = 0; b < n_blocks; ++b, x += kQK_K) {
    BlockQ6_K& out = y[b];
    float scales[kQK_K / kSub];
    int8_t levels[kQK_K];
    float extreme_scale = 0.f;
    for (int j = 0; j < kQK_K / kSub; ++j) {
      scales[j] = FitSymmetricScale(x + j * kSub, kSub, 32, levels + j * kSub);
      if (std::fabs(scales[j]) > std::fabs(extreme_scale)) extreme_scale = scales[j];
    }
    if (std::fabs(extreme_scale) < 1e-15f) {
      std::memset(&out, 0, sizeof(out));
      continue;
    }
    // The sub-block scales are themselves stored as int8 times d: the extreme maps to -128.
    const float inv_d = -128.f / extreme_scale;
    out.d = FloatToHalf(1.f / inv_d);
    for (int j = 0; j < kQK_K / kSub; ++j)
      out.scales[j] = static_cast<int8_t>(std::min(127, RoundToInt(inv_d * scales[j])));
    const float d = HalfToFloat(out.d);
    for (int j = 0; j < kQK_K / kSub; ++j) {
      const float step = d * out.scales[j];
      if (step == 0.f) continue;
      for (int i = 0; i < kSub; ++i)
        levels[j * kSub + i] =
            static_cast<int8_t>(std::clamp(RoundToInt(x[j * kSub + i] / step), -32, 31) + 32);
    }
    // Per 128 elements: ql[0..63] low nibbles (elements 0-31 | 64-95 << 4, 32-63 | 96-127 << 4),
    // qh[0..31] the top 2 bits of elements l, l+32, l+64, l+96 at bit 0, 2, 4, 6.
    for (int half = 0; half < 2; ++half) {
      const int8_t* L = levels + half * 128;
      uint8_t* ql = out.ql + half * 64;
      uint8_t* qh = out.qh + half * 32;
      for (int l = 0; l < 32; ++l) {
        ql[l] = static_cast<uint8_t>((L[l] & 0xF) | ((L[l + 64] & 0xF) << 4));
        ql[l + 32] = static_cast<uint8_t>((L[l + 32] & 0xF) | ((L[l + 96] & 0xF) << 4));
        qh[l] = static_cast<uint8_t>((L[l] >> 4) | ((L[l + 32] >> 4) << 2) | ((L[l + 64] >> 4) << 4) |
                                     ((L[l + 96] >> 4) << 6));
      }
    }
  }
}

// ---- dequantisation: ggml's arithmetic, in the same order ------------------------------------

void DequantizeQ8_0(const BlockQ8_0* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = HalfToFloat(x[b].d);
    for (int i = 0; i < kQK8_0; ++i) *y++ = d * x[b].qs[i];
  }
}

void DequantizeQ4_0(const BlockQ4_0* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b, y += kQK4_0) {
    const float d = HalfToFloat(x[b].d);
    for (int i = 0; i < kQK4_0 / 2; ++i) {
      y[i] = d * ((x[b].qs[i] & 0xF) - 8);
      y[i + kQK4_0 / 2] = d * ((x[b].qs[i] >> 4) - 8);
    }
  }
}

void DequantizeQ4_K(const BlockQ4_K* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = HalfToFloat(x[b].d), dmin = HalfToFloat(x[b].dmin);
    const uint8_t* q = x[b].qs;
    for (int chunk = 0; chunk < 4; ++chunk, q += 32) {
      int sc, mn;
      UnpackScaleMinK4(2 * chunk, x[b].scales, &sc, &mn);
      const float d1 = d * sc, m1 = dmin * mn;
      UnpackScaleMinK4(2 * chunk + 1, x[b].scales, &sc, &mn);
      const float d2 = d * sc, m2 = dmin * mn;
      for (int i = 0; i < 32; ++i) *y++ = d1 * (q[i] & 0xF) - m1;
      for (int i = 0; i < 32; ++i) *y++ = d2 * (q[i] >> 4) - m2;
    }
  }
}

void DequantizeQ6_K(const BlockQ6_K* x, float* y, int64_t n_blocks) {
  for (int64_t b = 0; b < n_blocks; ++b) {
    const float d = HalfToFloat(x[b].d);
    for (int half = 0; half < 2; ++half, y += 128) {
      const uint8_t* ql = x[b].ql + half * 64;
      const uint8_t* qh = x[b].qh + half * 32;
      const int8_t* sc = x[b].scales + half * 8;
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * sc[is + 0] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
    }
  }
}

bool IsComputeType(DType type) {
  switch (type) {
    case DType::F32: case DType::F16: case DType::BF16:
    case DType::Q8_0: case DType::Q4_0: case DType::Q4_K: case DType::Q6_K:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool CanQuantizeTo(DType type) { return IsComputeType(type); }
bool CanDequantize(DType type) { return IsComputeType(type); }

Status QuantizeRow(DType type, const float* src, void* dst, int64_t n) {
  if (!CanQuantizeTo(type))
    return Unsupported("cannot quantise to " + std::string(Name(type)) +
                       ": supported types are f32, f16, bf16, q8_0, q4_0, q4_k, q6_k");
  const int64_t block = Info(type).block_size;
  if (n < 0 || n % block != 0)
    return InvalidArgument("cannot quantise a row of " + std::to_string(n) + " values to " +
                           std::string(Name(type)) + ": the row length must be a multiple of " +
                           std::to_string(block));
  const int64_t n_blocks = n / block;
  switch (type) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      break;
    case DType::F16:
      for (int64_t i = 0; i < n; ++i) static_cast<uint16_t*>(dst)[i] = FloatToHalf(src[i]);
      break;
    case DType::BF16:
      for (int64_t i = 0; i < n; ++i) static_cast<uint16_t*>(dst)[i] = FloatToBf16(src[i]);
      break;
    case DType::Q8_0: QuantizeQ8_0(src, static_cast<BlockQ8_0*>(dst), n_blocks); break;
    case DType::Q4_0: QuantizeQ4_0(src, static_cast<BlockQ4_0*>(dst), n_blocks); break;
    case DType::Q4_K: QuantizeQ4_K(src, static_cast<BlockQ4_K*>(dst), n_blocks); break;
    case DType::Q6_K: QuantizeQ6_K(src, static_cast<BlockQ6_K*>(dst), n_blocks); break;
    default: break;
  }
  return Status::Ok();
}

Status QuantizeRows(DType type, const float* src, void* dst, int64_t n_rows, int64_t n_cols,
                    ThreadPool* pool) {
  // Validate once (on an empty row) so the workers cannot fail.
  if (!CanQuantizeTo(type) || n_cols % Info(type).block_size != 0 || n_rows < 0)
    return QuantizeRow(type, src, dst, n_cols < 0 || n_rows < 0 ? -1 : n_cols);
  const size_t row_bytes = RowBytes(type, n_cols);
  ThreadPool& workers = pool ? *pool : ThreadPool::Global();
  workers.ParallelFor(n_rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      (void)QuantizeRow(type, src + r * n_cols, static_cast<uint8_t*>(dst) + r * row_bytes, n_cols);
  });
  return Status::Ok();
}

void DequantizeRow(DType type, const void* src, float* dst, int64_t n) {
  if (!CanDequantize(type) || n < 0 || n % Info(type).block_size != 0) {
    std::fill(dst, dst + std::max<int64_t>(n, 0), std::numeric_limits<float>::quiet_NaN());
    return;
  }
  const int64_t n_blocks = n / Info(type).block_size;
  switch (type) {
    case DType::F32:
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
      break;
    case DType::F16:
      for (int64_t i = 0; i < n; ++i) dst[i] = HalfToFloat(static_cast<const uint16_t*>(src)[i]);
      break;
    case DType::BF16:
      for (int64_t i = 0; i < n; ++i) dst[i] = Bf16ToFloat(static_cast<const uint16_t*>(src)[i]);
      break;
    case DType::Q8_0: DequantizeQ8_0(static_cast<const BlockQ8_0*>(src), dst, n_blocks); break;
    case DType::Q4_0: DequantizeQ4_0(static_cast<const BlockQ4_0*>(src), dst, n_blocks); break;
    case DType::Q4_K: DequantizeQ4_K(static_cast<const BlockQ4_K*>(src), dst, n_blocks); break;
    case DType::Q6_K: DequantizeQ6_K(static_cast<const BlockQ6_K*>(src), dst, n_blocks); break;
    default: break;
  }
}

}  // namespace enclave
