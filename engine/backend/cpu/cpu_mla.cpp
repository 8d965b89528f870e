// Multi-head latent attention on the CPU: per-head matrices (the W_UK / W_UV absorption),
// column copies between per-head layouts, and attention over the shared latent cache rows.
#include <cstring>
#include <string>
#include <vector>

#include "backend/cpu/cpu_deepseek_ops.h"

namespace enclave::cpu {
namespace {

std::string Describe(const Tensor& t) {
  return std::string(t.name) + " " + std::string(Name(t.type)) + "[" + std::to_string(t.ne[0]) + ", " +
         std::to_string(t.ne[1]) + ", " + std::to_string(t.ne[2]) + "]";
}

}  // namespace

Status MatMulHeads(const CpuContext& ctx, Tensor& out, const Tensor& w, const Tensor& x) {
  const int64_t K = w.ne[0], M = w.ne[1], H = w.ne[2], n = x.rows();
  if (x.type != DType::F32 || out.type != DType::F32)
    return InvalidArgument("MatMulHeads: x and out must be f32");
  if (!Dot(ctx.kernels, w.type) || w.ne[3] != 1)
    return InvalidArgument("MatMulHeads: unsupported weight " + Describe(w));
  if (x.ne[0] != H * K || out.ne[0] != H * M || out.rows() != n)
    return InvalidArgument("MatMulHeads: x " + Describe(x) + " must be [H*K], out " + Describe(out) +
                           " [H*M] for w " + Describe(w));
  if (Overlap(out, x)) return InvalidArgument("MatMulHeads: out must not overlap x");
  std::vector<float> xh(static_cast<size_t>(n * K)), oh(static_cast<size_t>(n * M));
  const auto* xs = static_cast<const float*>(x.data);
  auto* os = static_cast<float*>(out.data);
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t t = 0; t < n; ++t)
      std::memcpy(&xh[static_cast<size_t>(t * K)], xs + t * H * K + h * K, static_cast<size_t>(K) * sizeof(float));
    MatMul(ctx, oh.data(), MatrixSlice(w, h), xh.data(), n, nullptr);
    for (int64_t t = 0; t < n; ++t)
      std::memcpy(os + t * H * M + h * M, &oh[static_cast<size_t>(t * M)], static_cast<size_t>(M) * sizeof(float));
  }
  return Status::Ok();
}

Status CopyColumns(Tensor& dst, int64_t dst_col, const Tensor& src, int64_t src_col, int64_t count, int64_t groups) {
  if (dst.type != DType::F32 || src.type != DType::F32) return InvalidArgument("CopyColumns: f32 tensors only");
  if (groups <= 0 || count < 0 || dst.ne[0] % groups != 0 || src.ne[0] % groups != 0 || dst.rows() != src.rows())
    return InvalidArgument("CopyColumns: " + Describe(src) + " -> " + Describe(dst) + " in " +
                           std::to_string(groups) + " groups: the rows must match and divide into the groups");
  if (Overlap(dst, src)) return InvalidArgument("CopyColumns: dst must not overlap src");
  const int64_t dw = dst.ne[0] / groups, sw = src.ne[0] / groups;
  if (dst_col < 0 || src_col < 0 || dst_col + count > dw || src_col + count > sw)
    return InvalidArgument("CopyColumns: columns out of range for " + Describe(src) + " -> " + Describe(dst));
  const auto* s = static_cast<const float*>(src.data);
  auto* d = static_cast<float*>(dst.data);
  for (int64_t r = 0; r < src.rows(); ++r)
    for (int64_t g = 0; g < groups; ++g)
      std::memmove(d + r * dst.ne[0] + g * dw + dst_col, s + r * src.ne[0] + g * sw + src_col,
                   static_cast<size_t>(count) * sizeof(float));
  return Status::Ok();
}

// Absorbed MLA is multi-query attention: one kv head of width kv_lora + rope, whose values are
// the first kv_lora columns of the same row. The cache is passed as both K and V to the
// attention kernel, which reads V rows with the cache's own row stride.
Status LatentAttention(const CpuContext& ctx, Tensor& out, const Tensor& q, const Tensor& cache,
                       const Tensor& positions, const LatentAttentionParams& p) {
  if (q.type != DType::F32 || out.type != DType::F32 || positions.type != DType::I32)
    return InvalidArgument("LatentAttention: q and out must be f32, positions i32");
  if (cache.type != DType::F32 && cache.type != DType::F16)
    return InvalidArgument("LatentAttention: cache " + Describe(cache) + " must be f32 or f16");
  const int64_t width = int64_t{p.kv_lora} + p.rope_dim, n = q.rows();
  if (p.n_heads <= 0 || p.kv_lora <= 0 || p.rope_dim < 0 || cache.ne[0] != width || q.ne[0] != p.n_heads * width ||
      out.ne[0] != int64_t{p.n_heads} * p.kv_lora || out.rows() != n || positions.elements() != n)
    return InvalidArgument("LatentAttention: q " + Describe(q) + ", cache " + Describe(cache) + ", out " +
                           Describe(out) + " do not fit " + std::to_string(p.n_heads) + " heads of kv_lora " +
                           std::to_string(p.kv_lora) + " + rope " + std::to_string(p.rope_dim));
  const auto* pos = static_cast<const int32_t*>(positions.data);
  for (int64_t t = 0; t < n; ++t)
    if (pos[t] < 0 || pos[t] >= cache.rows())
      return InvalidArgument("LatentAttention: position " + std::to_string(pos[t]) + " is outside the cache " +
                             Describe(cache) + ": the context is full (use a larger --ctx)");
  AttentionParams mqa;
  mqa.n_heads = p.n_heads;
  mqa.n_kv_heads = 1;
  mqa.head_dim = static_cast<int>(width);
  mqa.v_head_dim = p.kv_lora;
  mqa.scale = p.scale;
  Attention(ctx, static_cast<float*>(out.data), static_cast<const float*>(q.data), cache, cache, pos, n, mqa);
  return Status::Ok();
}

}  // namespace enclave::cpu
