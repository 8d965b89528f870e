#include "model/weights.h"

#include <cstdio>

namespace enclave {
namespace {

using M = ModelWeights;
using L = LayerWeights;
constexpr WeightKind kMat = WeightKind::kMatrix;
constexpr WeightKind kVec = WeightKind::kVector;

// clang-format off
constexpr WeightSpec kQwen2Weights[] = {
    {"token_embd.weight",         Dim::kDModel, Dim::kVocab,   kMat, false, &M::token_embd},
    {"output_norm.weight",        Dim::kDModel, Dim::kOne,     kVec, false, &M::output_norm},
    {"output.weight",             Dim::kDModel, Dim::kVocab,   kMat, true,  &M::output},
    {"blk.%d.attn_norm.weight",   Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::attn_norm},
    {"blk.%d.attn_q.weight",      Dim::kDModel, Dim::kQWidth,  kMat, false, nullptr, &L::wq},
    {"blk.%d.attn_q.bias",        Dim::kQWidth, Dim::kOne,     kVec, false, nullptr, &L::bq},
    {"blk.%d.attn_k.weight",      Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wk},
    {"blk.%d.attn_k.bias",        Dim::kKvWidth, Dim::kOne,    kVec, false, nullptr, &L::bk},
    {"blk.%d.attn_v.weight",      Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wv},
    {"blk.%d.attn_v.bias",        Dim::kKvWidth, Dim::kOne,    kVec, false, nullptr, &L::bv},
    {"blk.%d.attn_output.weight", Dim::kQWidth, Dim::kDModel,  kMat, false, nullptr, &L::wo},
    {"blk.%d.ffn_norm.weight",    Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::ffn_norm},
    {"blk.%d.ffn_gate.weight",    Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_gate},
    {"blk.%d.ffn_up.weight",      Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_up},
    {"blk.%d.ffn_down.weight",    Dim::kFfn,    Dim::kDModel,  kMat, false, nullptr, &L::w_down},
};

constexpr WeightSpec kLlamaWeights[] = {
    {"token_embd.weight",         Dim::kDModel, Dim::kVocab,   kMat, false, &M::token_embd},
    {"output_norm.weight",        Dim::kDModel, Dim::kOne,     kVec, false, &M::output_norm},
    {"output.weight",             Dim::kDModel, Dim::kVocab,   kMat, true,  &M::output},
    {"rope_freqs.weight",         Dim::kRotHalf, Dim::kOne,    kVec, true,  &M::rope_freqs},
    {"blk.%d.attn_norm.weight",   Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::attn_norm},
    {"blk.%d.attn_q.weight",      Dim::kDModel, Dim::kQWidth,  kMat, false, nullptr, &L::wq},
    {"blk.%d.attn_k.weight",      Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wk},
    {"blk.%d.attn_v.weight",      Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wv},
    {"blk.%d.attn_output.weight", Dim::kQWidth, Dim::kDModel,  kMat, false, nullptr, &L::wo},
    {"blk.%d.ffn_norm.weight",    Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::ffn_norm},
    {"blk.%d.ffn_gate.weight",    Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_gate},
    {"blk.%d.ffn_up.weight",      Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_up},
    {"blk.%d.ffn_down.weight",    Dim::kFfn,    Dim::kDModel,  kMat, false, nullptr, &L::w_down},
};

// GGUF gemma3 norm weights already include the +1 of Gemma's RMSNorm (llama.cpp's converter
// adds it), so every norm here is a plain x / rms(x) * w.
constexpr WeightSpec kGemma3Weights[] = {
    {"token_embd.weight",                 Dim::kDModel, Dim::kVocab,   kMat, false, &M::token_embd},
    {"output_norm.weight",                Dim::kDModel, Dim::kOne,     kVec, false, &M::output_norm},
    {"output.weight",                     Dim::kDModel, Dim::kVocab,   kMat, true,  &M::output},
    {"blk.%d.attn_norm.weight",           Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::attn_norm},
    {"blk.%d.attn_q.weight",              Dim::kDModel, Dim::kQWidth,  kMat, false, nullptr, &L::wq},
    {"blk.%d.attn_k.weight",              Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wk},
    {"blk.%d.attn_v.weight",              Dim::kDModel, Dim::kKvWidth, kMat, false, nullptr, &L::wv},
    {"blk.%d.attn_q_norm.weight",         Dim::kHeadDim, Dim::kOne,    kVec, false, nullptr, &L::q_norm},
    {"blk.%d.attn_k_norm.weight",         Dim::kHeadDim, Dim::kOne,    kVec, false, nullptr, &L::k_norm},
    {"blk.%d.attn_output.weight",         Dim::kQWidth, Dim::kDModel,  kMat, false, nullptr, &L::wo},
    {"blk.%d.post_attention_norm.weight", Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::post_attn_norm},
    {"blk.%d.ffn_norm.weight",            Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::ffn_norm},
    {"blk.%d.ffn_gate.weight",            Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_gate},
    {"blk.%d.ffn_up.weight",              Dim::kDModel, Dim::kFfn,     kMat, false, nullptr, &L::w_up},
    {"blk.%d.ffn_down.weight",            Dim::kFfn,    Dim::kDModel,  kMat, false, nullptr, &L::w_down},
    {"blk.%d.post_ffw_norm.weight",       Dim::kDModel, Dim::kOne,     kVec, false, nullptr, &L::post_ffn_norm},
};
// clang-format on

int64_t Resolve(Dim d, const ModelConfig& c) {
  switch (d) {
    case Dim::kOne: return 1;
    case Dim::kDModel: return c.d_model;
    case Dim::kVocab: return c.vocab_size;
    case Dim::kQWidth: return c.q_width();
    case Dim::kKvWidth: return c.kv_width();
    case Dim::kFfn: return c.ffn_dim;
    case Dim::kHeadDim: return c.head_dim;
    case Dim::kRotHalf: return c.n_rot / 2;
    case Dim::kHeads: return c.n_heads;
    case Dim::kQLora: return c.deepseek2.q_lora_rank;
    case Dim::kKvLora: return c.deepseek2.kv_lora_rank;
    case Dim::kLatent: return c.deepseek2.latent_width();
    case Dim::kKvBOut: return c.n_heads * (c.deepseek2.qk_nope_dim + c.deepseek2.v_head_dim);
    case Dim::kQkNope: return c.deepseek2.qk_nope_dim;
    case Dim::kVHead: return c.deepseek2.v_head_dim;
    case Dim::kVWidth: return c.n_heads * c.deepseek2.v_head_dim;
    case Dim::kExperts: return c.deepseek2.n_experts;
    case Dim::kExpertFfn: return c.deepseek2.expert_ffn_dim;
    case Dim::kSharedFfn: return c.deepseek2.shared_ffn_dim();
  }
  return 0;
}

std::string LayerName(const char* pattern, int64_t layer) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), pattern, static_cast<int>(layer));
  return buf;
}

}  // namespace

std::span<const WeightSpec> WeightTable(Architecture arch) {
  switch (arch) {
    case Architecture::kQwen2: return kQwen2Weights;
    case Architecture::kLlama: return kLlamaWeights;
    case Architecture::kGemma3: return kGemma3Weights;
    case Architecture::kDeepseek2: return Deepseek2WeightTable();
  }
  return {};
}

Status ForEachWeight(const ModelConfig& config, ModelWeights& weights,
                     const std::function<Status(const WeightSlot&)>& fn) {
  weights.layers.resize(static_cast<size_t>(config.n_layers));
  const std::span<const WeightSpec> table = WeightTable(config.arch);
  auto visit = [&](const WeightSpec& spec, std::string name, Tensor* tensor) {
    WeightSlot slot;
    slot.name = std::move(name);
    slot.spec = &spec;
    slot.ne = {Resolve(spec.ne0, config), Resolve(spec.ne1, config), Resolve(spec.ne2, config), 1};
    slot.n_dims = spec.ne2 != Dim::kOne ? 3 : spec.ne1 == Dim::kOne ? 1 : 2;
    slot.tensor = tensor;
    return fn(slot);
  };
  for (const WeightSpec& spec : table)
    if (spec.global && (!spec.present || spec.present(config, -1)))
      ENCLAVE_RETURN_IF_ERROR(visit(spec, spec.name, &(weights.*spec.global)));
  for (int64_t il = 0; il < config.n_layers; ++il) {
    LayerWeights& layer = weights.layers[static_cast<size_t>(il)];
    for (const WeightSpec& spec : table)
      if (spec.layer && (!spec.present || spec.present(config, il)))
        ENCLAVE_RETURN_IF_ERROR(visit(spec, LayerName(spec.name, il), &(layer.*spec.layer)));
  }
  return Status::Ok();
}

bool TypeAllowed(WeightKind kind, DType type) {
  if (kind == WeightKind::kVector) return type == DType::F32;
  const DTypeInfo& info = Info(type);
  return info.supported && type != DType::I32;
}

std::string ShapeString(const Shape& ne, int n_dims) {
  std::string s = "[";
  for (int i = 0; i < n_dims; ++i) {
    if (i) s += ", ";
    s += std::to_string(ne[static_cast<size_t>(i)]);
  }
  return s + "]";
}

}  // namespace enclave
