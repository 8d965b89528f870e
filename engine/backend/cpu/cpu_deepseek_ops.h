// The CPU side of the DeepSeek MLA / MoE operations (Backend::MatMulHeads, CopyColumns,
// LatentAttention, MoeRoute, MoeFeedForward). Each checks its arguments (the tensors already
// hold memory) and returns the error CpuBackend records, or computes and returns OK.
#pragma once

#include "backend/backend.h"
#include "backend/cpu/cpu_ops.h"
#include "core/status.h"

namespace enclave::cpu {

// ---- cpu_mla.cpp ----
Status MatMulHeads(const CpuContext& ctx, Tensor& out, const Tensor& w, const Tensor& x);
Status CopyColumns(Tensor& dst, int64_t dst_col, const Tensor& src, int64_t src_col, int64_t count, int64_t groups);
Status LatentAttention(const CpuContext& ctx, Tensor& out, const Tensor& q, const Tensor& cache,
                       const Tensor& positions, const LatentAttentionParams& p);

// ---- cpu_moe.cpp ----
Status MoeRoute(Tensor& expert_ids, Tensor& expert_weights, const Tensor& logits, const Tensor* selection_bias,
                const MoeRoutingParams& p);
Status MoeFeedForward(const CpuContext& ctx, Tensor& out, const Tensor& x, const Tensor& gate_exps,
                      const Tensor& up_exps, const Tensor& down_exps, const Tensor& expert_ids,
                      const Tensor& expert_weights);

// True when the bytes of two tensors overlap.
bool Overlap(const Tensor& a, const Tensor& b);

// One expert's (or head's) {K, M} matrix of a stacked {K, M, E} weight.
inline Tensor MatrixSlice(const Tensor& stacked, int64_t index) {
  Tensor t = stacked;
  t.ne = {stacked.ne[0], stacked.ne[1], 1, 1};
  t.data = static_cast<uint8_t*>(stacked.data) + static_cast<size_t>(index) * t.nbytes();
  return t;
}

}  // namespace enclave::cpu
