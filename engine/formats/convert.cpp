#include "formats/convert.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <numbers>

#include "core/log.h"
#include "formats/convert_deepseek2.h"
#include "formats/quantize_model.h"
#include "formats/safetensors.h"

namespace enclave {
namespace {

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Per-layer names: Hugging Face suffix -> GGUF suffix (llama.cpp's tensor_mapping.py).
struct LayerNameMap {
  const char* hf;
  const char* gguf;
};
constexpr LayerNameMap kLayerNames[] = {
    {"input_layernorm.weight", "attn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.q_proj.bias", "attn_q.bias"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.k_proj.bias", "attn_k.bias"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.v_proj.bias", "attn_v.bias"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"self_attn.q_norm.weight", "attn_q_norm.weight"},
    {"self_attn.k_norm.weight", "attn_k_norm.weight"},
    {"pre_feedforward_layernorm.weight", "ffn_norm.weight"},
    {"post_feedforward_layernorm.weight", "post_ffw_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
    // deepseek2 (MLA + MoE); the experts themselves: convert_deepseek2.cpp
    {"self_attn.q_a_proj.weight", "attn_q_a.weight"},
    {"self_attn.q_a_layernorm.weight", "attn_q_a_norm.weight"},
    {"self_attn.q_b_proj.weight", "attn_q_b.weight"},
    {"self_attn.kv_a_proj_with_mqa.weight", "attn_kv_a_mqa.weight"},
    {"self_attn.kv_a_layernorm.weight", "attn_kv_a_norm.weight"},
    {"self_attn.kv_b_proj.weight", "attn_kv_b.weight"},
    {"mlp.gate.weight", "ffn_gate_inp.weight"},
    {"mlp.gate.e_score_correction_bias", "exp_probs_b.bias"},
    {"mlp.shared_experts.gate_proj.weight", "ffn_gate_shexp.weight"},
    {"mlp.shared_experts.up_proj.weight", "ffn_up_shexp.weight"},
    {"mlp.shared_experts.down_proj.weight", "ffn_down_shexp.weight"},
};

// llama.cpp's rope_freqs for Llama-3 scaling: per-frequency divisors of the base inv_freq.
std::vector<float> Llama3RopeFactors(const HfConfig& c) {
  const HfRopeScaling& s = c.rope_scaling;
  const int64_t dim = c.head_dim;
  const double old_ctx = static_cast<double>(s.original_max_position);
  const double low_freq_wavelen = old_ctx / s.low_freq_factor;
  const double high_freq_wavelen = old_ctx / s.high_freq_factor;
  std::vector<float> factors;
  for (int64_t i = 0; i < dim; i += 2) {
    const float freq = 1.0f / std::pow(static_cast<float>(c.rope_theta), static_cast<float>(i) / static_cast<float>(dim));
    const double wavelen = 2 * std::numbers::pi / freq;
    if (wavelen < high_freq_wavelen) {
      factors.push_back(1.f);
    } else if (wavelen > low_freq_wavelen) {
      factors.push_back(static_cast<float>(s.factor));
    } else {
      const double smooth = (old_ctx / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      factors.push_back(static_cast<float>(1.0 / ((1 - smooth) / s.factor + smooth)));
    }
  }
  return factors;
}

float ElementToFloat(DType type, const uint8_t* p, int64_t i) {
  switch (type) {
    case DType::F32: {
      float f;
      std::memcpy(&f, p + 4 * i, 4);
      return f;
    }
    case DType::F16: {
      uint16_t h;
      std::memcpy(&h, p + 2 * i, 2);
      return HalfToFloat(h);
    }
    case DType::BF16: {
      uint16_t b;
      std::memcpy(&b, p + 2 * i, 2);
      return Bf16ToFloat(b);
    }
    case DType::F64: {
      double d;
      std::memcpy(&d, p + 8 * i, 8);
      return static_cast<float>(d);
    }
    default: return std::nanf("");
  }
}

}  // namespace

Expected<std::string> GgufTensorName(const std::string& gguf_arch, const std::string& hf_name) {
  std::string name = hf_name;
  // Multimodal checkpoints (Gemma 3) nest the language model; drop the vision parts.
  for (std::string_view prefix : {"model.language_model.", "language_model.model.", "language_model."}) {
    if (StartsWith(name, prefix)) {
      name = (prefix == "language_model." ? "" : "model.") + name.substr(prefix.size());
      break;
    }
  }
  if (StartsWith(name, "vision_tower.") || StartsWith(name, "model.vision_tower.") ||
      StartsWith(name, "multi_modal_projector.") || StartsWith(name, "model.multi_modal_projector.") ||
      EndsWith(name, "rotary_emb.inv_freq"))
    return std::string();

  if (name == "model.embed_tokens.weight") return std::string("token_embd.weight");
  if (name == "model.norm.weight") return std::string("output_norm.weight");
  if (name == "lm_head.weight") return std::string("output.weight");
  if (StartsWith(name, "model.layers.")) {
    const size_t begin = std::strlen("model.layers.");
    const size_t dot = name.find('.', begin);
    if (dot != std::string::npos && dot > begin) {
      const std::string layer = name.substr(begin, dot - begin);
      const std::string suffix = name.substr(dot + 1);
      if (layer.find_first_not_of("0123456789") == std::string::npos) {
        if (suffix == "post_attention_layernorm.weight")  // Gemma has norms on both sides
          return "blk." + layer + (gguf_arch == "gemma3" ? ".post_attention_norm.weight" : ".ffn_norm.weight");
        for (const LayerNameMap& m : kLayerNames)
          if (suffix == m.hf) return "blk." + layer + "." + m.gguf;
      }
    }
  }
  return BadInput("tensor '" + hf_name + "' has no GGUF name for architecture " + gguf_arch);
}

HfCheckpoint::HfCheckpoint() = default;
HfCheckpoint::~HfCheckpoint() = default;

Expected<std::unique_ptr<HfCheckpoint>> HfCheckpoint::Open(const std::string& dir) {
  std::unique_ptr<HfCheckpoint> ckpt(new HfCheckpoint());
  ckpt->dir_ = dir;
  ENCLAVE_ASSIGN_OR_RETURN(ckpt->config_, ReadHfConfig(dir));
  const HfConfig& c = ckpt->config_;
  if (c.gguf_arch == "deepseek2" && !c.rope_interleave)
    return Unsupported(dir + ": deepseek checkpoints with rope_interleave false are not supported yet");

  auto weights = SafetensorsModel::Open(dir);
  if (!weights.ok()) return weights.status().WithContext(dir);
  ckpt->weights_ = std::move(weights).value();
  for (const auto& shard : ckpt->weights_->shards())
    if (shard->mapped_file()) ckpt->file_bytes_ += static_cast<int64_t>(shard->mapped_file()->size());

  ckpt->metadata_ = HfConfigToGgufMetadata(c);
  std::string folder_name = std::filesystem::path(dir).filename().string();
  if (folder_name.empty()) folder_name = std::filesystem::path(dir).parent_path().filename().string();
  ckpt->metadata_.emplace_back("general.name", GgufValue(folder_name));

  for (const TensorView& view : ckpt->weights_->tensors()) {
    if (c.gguf_arch == "deepseek2" && IsDeepseek2SpecialTensor(c, view.name)) continue;
    ENCLAVE_ASSIGN_OR_RETURN(std::string name, GgufTensorName(c.gguf_arch, view.name));
    if (name.empty()) continue;
    if (name == "output.weight" && c.tie_word_embeddings) continue;  // same values as token_embd
    HfTensor t;
    t.name = name;
    t.ne = view.ne;
    t.n_dims = view.n_dims;
    t.source = &view;
    if (c.gguf_arch == "llama" && (EndsWith(name, ".attn_q.weight") || EndsWith(name, ".attn_k.weight"))) {
      t.transform = HfTensor::Transform::kPermuteRope;
      t.permute_heads = EndsWith(name, ".attn_q.weight") ? c.num_attention_heads : c.num_key_value_heads;
      if (t.ne[1] % (2 * t.permute_heads) != 0)
        return BadInput(view.name + ": " + std::to_string(t.ne[1]) + " rows do not split into " +
                        std::to_string(t.permute_heads) + " heads of even size");
    } else if (c.gguf_arch == "gemma3" && EndsWith(name, "norm.weight")) {
      t.transform = HfTensor::Transform::kAddOne;
    }
    ckpt->tensors_.push_back(std::move(t));
  }
  if (c.gguf_arch == "deepseek2")
    ENCLAVE_RETURN_IF_ERROR(AddDeepseek2ExpertTensors(c, ckpt->weights_->tensors(), &ckpt->tensors_));
  if (c.gguf_arch == "llama" && c.rope_scaling.type == "llama3") {
    HfTensor t;
    t.name = "rope_freqs.weight";
    t.computed = Llama3RopeFactors(c);
    t.ne = {static_cast<int64_t>(t.computed.size()), 1, 1, 1};
    t.n_dims = 1;
    t.transform = HfTensor::Transform::kComputed;
    ckpt->tensors_.push_back(std::move(t));
  }
  return ckpt;
}

const HfTensor* HfCheckpoint::Find(const std::string& gguf_name) const {
  for (const HfTensor& t : tensors_)
    if (t.name == gguf_name) return &t;
  return nullptr;
}

const TensorView* HfCheckpoint::DirectView(const HfTensor& t) const {
  if (t.transform != HfTensor::Transform::kNone || !t.source) return nullptr;
  const DType type = t.source->type;
  if (type == DType::F32) return t.source;
  if ((type == DType::F16 || type == DType::BF16) && t.n_dims >= 2) return t.source;
  return nullptr;
}

Status HfCheckpoint::ReadF32(const HfTensor& t, float* dst) const {
  const int64_t n = t.elements();
  if (t.transform == HfTensor::Transform::kComputed) {
    std::memcpy(dst, t.computed.data(), static_cast<size_t>(n) * sizeof(float));
    return Status::Ok();
  }
  if (t.transform == HfTensor::Transform::kExpertRows || t.transform == HfTensor::Transform::kStackExperts)
    return ReadDeepseek2ExpertsF32(t, dst);
  const DType type = t.source->type;
  if (type != DType::F32 && type != DType::F16 && type != DType::BF16 && type != DType::F64)
    return Unsupported(t.source->name + ": element type " + std::string(Name(type)) + " cannot be converted");
  const auto* src = static_cast<const uint8_t*>(t.source->data);
  if (t.transform == HfTensor::Transform::kPermuteRope) {
    // Row h*hd + i*hd/2 + j (rotate-half layout) becomes row h*hd + 2j + i (interleaved pairs),
    // so interleaved rope on the result equals rotate-half rope on the original.
    const int64_t cols = t.ne[0];
    const int64_t rows = t.ne[1];
    const int64_t hd = rows / t.permute_heads;
    for (int64_t h = 0; h < t.permute_heads; ++h)
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < hd / 2; ++j) {
          const int64_t from = h * hd + i * (hd / 2) + j;
          const int64_t to = h * hd + 2 * j + i;
          for (int64_t k = 0; k < cols; ++k) dst[to * cols + k] = ElementToFloat(type, src, from * cols + k);
        }
    return Status::Ok();
  }
  const float add = t.transform == HfTensor::Transform::kAddOne ? 1.f : 0.f;
  for (int64_t i = 0; i < n; ++i) dst[i] = ElementToFloat(type, src, i) + add;
  return Status::Ok();
}

Status ConvertHfToGguf(const std::string& hf_dir, const std::string& out_path, const ConvertOptions& options) {
  ENCLAVE_ASSIGN_OR_RETURN(FileType ftype, ParseFileType(options.type));
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<HfCheckpoint> ckpt, HfCheckpoint::Open(hf_dir));
  const HfConfig& c = ckpt->config();

  GgufWriter writer;
  for (const auto& [key, value] : ckpt->metadata()) writer.SetValue(key, value);
  writer.SetUint32("general.file_type", static_cast<uint32_t>(ftype));
  if (ftype != FileType::kF32 && ftype != FileType::kF16 && ftype != FileType::kBF16)
    writer.SetUint32("general.quantization_version", 2);
  ENCLAVE_ASSIGN_OR_RETURN(GgufMetadata tokenizer, TokenizerMetadataFromHfFolder(hf_dir, c));
  for (const auto& [key, value] : tokenizer) writer.SetValue(key, value);

  const bool has_output = ckpt->Find("output.weight") != nullptr;
  int64_t total = 0;
  for (const HfTensor& t : ckpt->tensors()) total += t.elements();
  auto done = std::make_shared<int64_t>(0);
  auto cancelled = std::make_shared<bool>(false);

  for (const HfTensor& t : ckpt->tensors()) {
    const DType type = ChooseTensorType(ftype, t.name, t.ne, t.n_dims, c.num_hidden_layers, has_output);
    const HfCheckpoint* source = ckpt.get();
    writer.AddTensor(t.name, type, t.ne, t.n_dims, [source, &t, type, done, cancelled, total, &options](uint8_t* dst) {
      if (*cancelled) return Cancelled("conversion cancelled");
      if (const TensorView* view = source->DirectView(t); view && view->type == type) {
        std::memcpy(dst, view->data, view->nbytes);
      } else {
        std::vector<float> values(static_cast<size_t>(t.elements()));
        ENCLAVE_RETURN_IF_ERROR(source->ReadF32(t, values.data()));
        ENCLAVE_RETURN_IF_ERROR(ConvertRows(DType::F32, values.data(), type, dst, t.elements() / t.ne[0], t.ne[0]));
      }
      *done += t.elements();
      if (options.progress && !options.progress(static_cast<float>(*done) / static_cast<float>(total))) {
        *cancelled = true;
        return Cancelled("conversion cancelled");
      }
      return Status::Ok();
    });
  }
  // The writer calls the producers while the checkpoint (its memory maps) is alive.
  return writer.Write(out_path);
}

}  // namespace enclave
