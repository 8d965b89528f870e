// The deepseek2 weight table (llama.cpp's GGUF names) and the weights derived at load time.
#include <cstring>
#include <vector>

#include "core/quantize.h"
#include "model/deepseek2.h"
#include "model/model_impl.h"

namespace enclave {
namespace {

using M = ModelWeights;
using L = LayerWeights;
constexpr WeightKind kMat = WeightKind::kMatrix;
constexpr WeightKind kVec = WeightKind::kVector;

bool WithQLora(const ModelConfig& c, int64_t) { return c.deepseek2.q_lora_rank > 0; }
bool WithoutQLora(const ModelConfig& c, int64_t) { return c.deepseek2.q_lora_rank == 0; }
bool DenseLayer(const ModelConfig& c, int64_t il) { return !c.deepseek2.IsMoeLayer(il); }
bool MoeLayer(const ModelConfig& c, int64_t il) { return c.deepseek2.IsMoeLayer(il); }
bool SharedExperts(const ModelConfig& c, int64_t il) {
  return c.deepseek2.IsMoeLayer(il) && c.deepseek2.n_shared_experts > 0;
}

// clang-format off
constexpr WeightSpec kDeepseek2Weights[] = {
    {"token_embd.weight",              Dim::kDModel,    Dim::kVocab,     kMat, false, &M::token_embd},
    {"output_norm.weight",             Dim::kDModel,    Dim::kOne,       kVec, false, &M::output_norm},
    {"output.weight",                  Dim::kDModel,    Dim::kVocab,     kMat, true,  &M::output},
    {"blk.%d.attn_norm.weight",        Dim::kDModel,    Dim::kOne,       kVec, false, nullptr, &L::attn_norm},
    {"blk.%d.attn_q.weight",           Dim::kDModel,    Dim::kQWidth,    kMat, false, nullptr, &L::wq,             Dim::kOne, WithoutQLora},
    {"blk.%d.attn_q_a.weight",         Dim::kDModel,    Dim::kQLora,     kMat, false, nullptr, &L::wq_a,           Dim::kOne, WithQLora},
    {"blk.%d.attn_q_a_norm.weight",    Dim::kQLora,     Dim::kOne,       kVec, false, nullptr, &L::q_a_norm,       Dim::kOne, WithQLora},
    {"blk.%d.attn_q_b.weight",         Dim::kQLora,     Dim::kQWidth,    kMat, false, nullptr, &L::wq_b,           Dim::kOne, WithQLora},
    {"blk.%d.attn_kv_a_mqa.weight",    Dim::kDModel,    Dim::kLatent,    kMat, false, nullptr, &L::wkv_a},
    {"blk.%d.attn_kv_a_norm.weight",   Dim::kKvLora,    Dim::kOne,       kVec, false, nullptr, &L::kv_a_norm},
    {"blk.%d.attn_kv_b.weight",        Dim::kKvLora,    Dim::kKvBOut,    kMat, true,  nullptr, &L::wkv_b},
    {"blk.%d.attn_k_b.weight",         Dim::kQkNope,    Dim::kKvLora,    kMat, true,  nullptr, &L::wk_b,           Dim::kHeads},
    {"blk.%d.attn_v_b.weight",         Dim::kKvLora,    Dim::kVHead,     kMat, true,  nullptr, &L::wv_b,           Dim::kHeads},
    {"blk.%d.attn_output.weight",      Dim::kVWidth,    Dim::kDModel,    kMat, false, nullptr, &L::wo},
    {"blk.%d.ffn_norm.weight",         Dim::kDModel,    Dim::kOne,       kVec, false, nullptr, &L::ffn_norm},
    {"blk.%d.ffn_gate.weight",         Dim::kDModel,    Dim::kFfn,       kMat, false, nullptr, &L::w_gate,         Dim::kOne, DenseLayer},
    {"blk.%d.ffn_up.weight",           Dim::kDModel,    Dim::kFfn,       kMat, false, nullptr, &L::w_up,           Dim::kOne, DenseLayer},
    {"blk.%d.ffn_down.weight",         Dim::kFfn,       Dim::kDModel,    kMat, false, nullptr, &L::w_down,         Dim::kOne, DenseLayer},
    {"blk.%d.ffn_gate_inp.weight",     Dim::kDModel,    Dim::kExperts,   kMat, false, nullptr, &L::ffn_gate_inp,   Dim::kOne, MoeLayer},
    {"blk.%d.exp_probs_b.bias",        Dim::kExperts,   Dim::kOne,       kVec, true,  nullptr, &L::exp_probs_b,    Dim::kOne, MoeLayer},
    {"blk.%d.ffn_gate_exps.weight",    Dim::kDModel,    Dim::kExpertFfn, kMat, false, nullptr, &L::ffn_gate_exps,  Dim::kExperts, MoeLayer},
    {"blk.%d.ffn_up_exps.weight",      Dim::kDModel,    Dim::kExpertFfn, kMat, false, nullptr, &L::ffn_up_exps,    Dim::kExperts, MoeLayer},
    {"blk.%d.ffn_down_exps.weight",    Dim::kExpertFfn, Dim::kDModel,    kMat, false, nullptr, &L::ffn_down_exps,  Dim::kExperts, MoeLayer},
    {"blk.%d.ffn_gate_shexp.weight",   Dim::kDModel,    Dim::kSharedFfn, kMat, false, nullptr, &L::ffn_gate_shexp, Dim::kOne, SharedExperts},
    {"blk.%d.ffn_up_shexp.weight",     Dim::kDModel,    Dim::kSharedFfn, kMat, false, nullptr, &L::ffn_up_shexp,   Dim::kOne, SharedExperts},
    {"blk.%d.ffn_down_shexp.weight",   Dim::kSharedFfn, Dim::kDModel,    kMat, false, nullptr, &L::ffn_down_shexp, Dim::kOne, SharedExperts},
};
// clang-format on

// attn_kv_b {kv_lora, H*(nope+v)} (per head: nope rows of W_UK, then v rows of W_UV) ->
// attn_k_b {nope, kv_lora, H} (W_UK transposed per head) and attn_v_b {kv_lora, v, H}.
Status SplitKvB(Backend& be, const ModelConfig& c, ModelImpl& m, LayerWeights& w, int64_t il) {
  const Deepseek2Config& d = c.deepseek2;
  const int64_t H = c.n_heads, nope = d.qk_nope_dim, v = d.v_head_dim, r = d.kv_lora_rank;
  const Tensor& kv_b = w.wkv_b;
  if (!CanDequantize(kv_b.type))
    return Unsupported("blk." + std::to_string(il) + ".attn_kv_b.weight: type " + std::string(Name(kv_b.type)) +
                       " cannot be split into attn_k_b / attn_v_b");
  std::vector<uint8_t> raw(kv_b.nbytes());
  ENCLAVE_RETURN_IF_ERROR(be.Download(kv_b, raw.data(), raw.size()));
  std::vector<float> rows(static_cast<size_t>(kv_b.elements()));
  for (int64_t row = 0; row < kv_b.rows(); ++row)
    DequantizeRow(kv_b.type, raw.data() + row * kv_b.row_bytes(), &rows[static_cast<size_t>(row * r)], r);

  m.converted.emplace_back(static_cast<size_t>(H * r * nope) * sizeof(float));
  m.converted.emplace_back(static_cast<size_t>(H * v * r) * sizeof(float));
  std::vector<uint8_t>& k_bytes = m.converted[m.converted.size() - 2];  // taken after both insertions
  std::vector<uint8_t>& v_bytes = m.converted.back();
  auto* k = reinterpret_cast<float*>(k_bytes.data());
  auto* vb = reinterpret_cast<float*>(v_bytes.data());
  for (int64_t h = 0; h < H; ++h) {
    const float* head = &rows[static_cast<size_t>(h * (nope + v) * r)];
    for (int64_t i = 0; i < nope; ++i)
      for (int64_t j = 0; j < r; ++j) k[(h * r + j) * nope + i] = head[i * r + j];
    std::memcpy(vb + h * v * r, head + nope * r, static_cast<size_t>(v * r) * sizeof(float));
  }
  const std::string prefix = "blk." + std::to_string(il) + ".";
  TensorView kv{prefix + "attn_k_b.weight", DType::F32, {nope, r, H, 1}, 3, k_bytes.data(), k_bytes.size()};
  TensorView vv{prefix + "attn_v_b.weight", DType::F32, {r, v, H, 1}, 3, v_bytes.data(), v_bytes.size()};
  ENCLAVE_ASSIGN_OR_RETURN(w.wk_b, be.UploadWeight(kv));
  ENCLAVE_ASSIGN_OR_RETURN(w.wv_b, be.UploadWeight(vv));
  return Status::Ok();
}

}  // namespace

std::span<const WeightSpec> Deepseek2WeightTable() { return kDeepseek2Weights; }

Status PrepareDeepseek2Weights(Backend& be, const ModelConfig& c, ModelImpl& m) {
  for (int64_t il = 0; il < c.n_layers; ++il) {
    LayerWeights& w = m.weights.layers[static_cast<size_t>(il)];
    if (!w.wk_b.empty() && !w.wv_b.empty()) continue;
    if (w.wkv_b.empty())
      return BadInput("blk." + std::to_string(il) + ": missing tensor attn_kv_b.weight (or attn_k_b and attn_v_b)");
    if (!w.wk_b.empty()) be.Free(w.wk_b);
    if (!w.wv_b.empty()) be.Free(w.wv_b);
    ENCLAVE_RETURN_IF_ERROR(SplitKvB(be, c, m, w, il));
  }
  const std::vector<float> inv_freq = Deepseek2RopeInvFreq(c);
  if (!m.inv_freq_global.empty()) be.Free(m.inv_freq_global);
  ENCLAVE_ASSIGN_OR_RETURN(m.inv_freq_global,
                           be.Alloc(DType::F32, {static_cast<int64_t>(inv_freq.size()), 1, 1, 1}, "inv_freq_global"));
  return be.Upload(m.inv_freq_global, inv_freq.data(), inv_freq.size() * sizeof(float));
}

}  // namespace enclave
