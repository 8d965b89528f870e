// Mixture of experts on the CPU: routing (gating, group limit, top-k, weights) and the routed
// SwiGLU experts, computed expert by expert over the tokens routed to each.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "backend/cpu/cpu_deepseek_ops.h"

namespace enclave::cpu {
namespace {

constexpr float kMasked = -std::numeric_limits<float>::infinity();

// Indices of the k largest values, best first; ties keep the lower index first.
void TopK(const float* values, int n, int k, int* out) {
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int a, int b) { return values[a] > values[b] || (values[a] == values[b] && a < b); });
  std::copy(order.begin(), order.begin() + k, out);
}

// One token: fills ids[n_used] and weights[n_used].
void RouteToken(const float* logits, const float* bias, const MoeRoutingParams& p, int32_t* ids, float* weights) {
  const int E = p.n_experts;
  std::vector<float> scores(static_cast<size_t>(E)), choice(static_cast<size_t>(E));
  if (p.gating == MoeGating::kSigmoid) {
    for (int e = 0; e < E; ++e) scores[e] = 1.f / (1.f + std::exp(-logits[e]));
  } else {
    const float max_logit = *std::max_element(logits, logits + E);
    float sum = 0.f;
    for (int e = 0; e < E; ++e) sum += scores[e] = std::exp(logits[e] - max_logit);
    for (int e = 0; e < E; ++e) scores[e] /= sum;
  }
  for (int e = 0; e < E; ++e) choice[e] = scores[e] + (bias ? bias[e] : 0.f);

  if (p.n_groups > 1 && p.n_groups_used < p.n_groups) {
    const int per_group = E / p.n_groups;
    std::vector<float> group_scores(static_cast<size_t>(p.n_groups));
    for (int g = 0; g < p.n_groups; ++g) {
      const float* c = &choice[static_cast<size_t>(g * per_group)];
      if (p.group_score == MoeGroupScore::kTop2Sum && per_group >= 2) {
        int best[2];
        TopK(c, per_group, 2, best);
        group_scores[g] = c[best[0]] + c[best[1]];
      } else {
        group_scores[g] = *std::max_element(c, c + per_group);
      }
    }
    std::vector<int> kept(static_cast<size_t>(p.n_groups_used));
    TopK(group_scores.data(), p.n_groups, p.n_groups_used, kept.data());
    std::vector<bool> keep(static_cast<size_t>(p.n_groups), false);
    for (int g : kept) keep[static_cast<size_t>(g)] = true;
    for (int e = 0; e < E; ++e)
      if (!keep[static_cast<size_t>(e / per_group)]) choice[e] = kMasked;
  }

  std::vector<int> chosen(static_cast<size_t>(p.n_used));
  TopK(choice.data(), E, p.n_used, chosen.data());
  float sum = 0.f;
  for (int j = 0; j < p.n_used; ++j) {
    ids[j] = chosen[j];
    weights[j] = scores[chosen[j]];
    sum += weights[j];
  }
  for (int j = 0; j < p.n_used; ++j) {
    if (p.normalize) weights[j] /= sum + 1e-20f;
    weights[j] *= p.scale;
  }
}

}  // namespace

bool Overlap(const Tensor& a, const Tensor& b) {
  const auto* a0 = static_cast<const uint8_t*>(a.data);
  const auto* b0 = static_cast<const uint8_t*>(b.data);
  return a0 < b0 + b.nbytes() && b0 < a0 + a.nbytes();
}

Status MoeRoute(Tensor& expert_ids, Tensor& expert_weights, const Tensor& logits, const Tensor* selection_bias,
                const MoeRoutingParams& p) {
  if (logits.type != DType::F32 || expert_weights.type != DType::F32 || expert_ids.type != DType::I32)
    return InvalidArgument("MoeRoute: logits and weights must be f32, ids i32");
  const int64_t n = logits.rows();
  if (p.n_experts <= 0 || p.n_used <= 0 || p.n_used > p.n_experts || p.n_groups <= 0 ||
      p.n_experts % p.n_groups != 0 || p.n_groups_used <= 0 || p.n_groups_used > p.n_groups ||
      p.n_used > (p.n_experts / p.n_groups) * p.n_groups_used)
    return InvalidArgument("MoeRoute: bad parameters: " + std::to_string(p.n_experts) + " experts in " +
                           std::to_string(p.n_groups) + " groups, " + std::to_string(p.n_groups_used) +
                           " groups and " + std::to_string(p.n_used) + " experts used");
  if (logits.ne[0] != p.n_experts || expert_ids.ne[0] != p.n_used || expert_weights.ne[0] != p.n_used ||
      expert_ids.rows() != n || expert_weights.rows() != n)
    return InvalidArgument("MoeRoute: logits must be [n_experts, n], ids and weights [n_used, n]");
  if (selection_bias && (selection_bias->type != DType::F32 || selection_bias->elements() != p.n_experts))
    return InvalidArgument("MoeRoute: the selection bias must be f32 [n_experts]");
  const float* bias = selection_bias ? static_cast<const float*>(selection_bias->data) : nullptr;
  for (int64_t t = 0; t < n; ++t)
    RouteToken(static_cast<const float*>(logits.data) + t * p.n_experts, bias, p,
               static_cast<int32_t*>(expert_ids.data) + t * p.n_used,
               static_cast<float*>(expert_weights.data) + t * p.n_used);
  return Status::Ok();
}

Status MoeFeedForward(const CpuContext& ctx, Tensor& out, const Tensor& x, const Tensor& gate_exps,
                      const Tensor& up_exps, const Tensor& down_exps, const Tensor& expert_ids,
                      const Tensor& expert_weights) {
  const int64_t d = x.ne[0], ffn = gate_exps.ne[1], E = gate_exps.ne[2], n = x.rows();
  const int64_t k = expert_ids.ne[0];
  if (x.type != DType::F32 || out.type != DType::F32 || expert_ids.type != DType::I32 ||
      expert_weights.type != DType::F32)
    return InvalidArgument("MoeFeedForward: x, out and weights must be f32, ids i32");
  for (const Tensor* w : {&gate_exps, &up_exps, &down_exps})
    if (!Dot(ctx.kernels, w->type)) return InvalidArgument("MoeFeedForward: unsupported expert weight type");
  if (gate_exps.ne[0] != d || up_exps.ne != gate_exps.ne || down_exps.ne[0] != ffn || down_exps.ne[1] != d ||
      down_exps.ne[2] != E || out.ne[0] != d || out.rows() != n || expert_ids.rows() != n ||
      expert_weights.ne[0] != k || expert_weights.rows() != n)
    return InvalidArgument("MoeFeedForward: shapes do not fit: gate/up {d, ffn, E}, down {ffn, d, E}, x and out "
                           "[d, n], ids and weights [k, n]");
  if (Overlap(out, x)) return InvalidArgument("MoeFeedForward: out must not overlap x");
  const auto* ids = static_cast<const int32_t*>(expert_ids.data);
  const auto* wts = static_cast<const float*>(expert_weights.data);
  for (int64_t i = 0; i < n * k; ++i)
    if (ids[i] < 0 || ids[i] >= E)
      return InvalidArgument("MoeFeedForward: expert id " + std::to_string(ids[i]) + " out of range");

  // Token slots grouped by expert, in token order.
  std::vector<std::vector<int64_t>> slots(static_cast<size_t>(E));
  for (int64_t i = 0; i < n * k; ++i) slots[static_cast<size_t>(ids[i])].push_back(i);

  auto* o = static_cast<float*>(out.data);
  const auto* xs = static_cast<const float*>(x.data);
  std::fill(o, o + n * d, 0.f);
  std::vector<float> xg, gate, up, down;
  for (int64_t e = 0; e < E; ++e) {
    const std::vector<int64_t>& s = slots[static_cast<size_t>(e)];
    if (s.empty()) continue;
    const int64_t m = static_cast<int64_t>(s.size());
    xg.resize(static_cast<size_t>(m * d));
    gate.resize(static_cast<size_t>(m * ffn));
    up.resize(static_cast<size_t>(m * ffn));
    down.resize(static_cast<size_t>(m * d));
    for (int64_t r = 0; r < m; ++r)
      std::memcpy(&xg[static_cast<size_t>(r * d)], xs + (s[r] / k) * d, static_cast<size_t>(d) * sizeof(float));
    MatMul(ctx, gate.data(), MatrixSlice(gate_exps, e), xg.data(), m, nullptr);
    MatMul(ctx, up.data(), MatrixSlice(up_exps, e), xg.data(), m, nullptr);
    SwiGlu(ctx, gate.data(), gate.data(), up.data(), m * ffn);
    MatMul(ctx, down.data(), MatrixSlice(down_exps, e), gate.data(), m, nullptr);
    for (int64_t r = 0; r < m; ++r) {
      float* dst = o + (s[r] / k) * d;
      const float w = wts[s[r]];
      for (int64_t i = 0; i < d; ++i) dst[i] += w * down[static_cast<size_t>(r * d + i)];
    }
  }
  return Status::Ok();
}

}  // namespace enclave::cpu
