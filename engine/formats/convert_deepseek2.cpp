#include "formats/convert_deepseek2.h"

#include <cstring>
#include <map>

namespace enclave {
namespace {

// "model.layers.<L>.<rest>" -> L and rest; false for other names.
bool SplitLayerName(const std::string& name, int64_t* layer, std::string* rest) {
  static constexpr std::string_view kPrefix = "model.layers.";
  if (name.rfind(kPrefix, 0) != 0) return false;
  const size_t begin = kPrefix.size();
  const size_t dot = name.find('.', begin);
  if (dot == std::string::npos || dot == begin) return false;
  const std::string digits = name.substr(begin, dot - begin);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return false;
  *layer = std::stoll(digits);
  *rest = name.substr(dot + 1);
  return true;
}

bool IsExpertTensor(const std::string& rest) { return rest.rfind("mlp.experts.", 0) == 0; }

float ElementAsFloat(DType type, const uint8_t* p, int64_t i) {
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
    default: return 0.f;  // rejected by AddDeepseek2ExpertTensors
  }
}

Status CheckFloat(const TensorView& v) {
  if (v.type != DType::F32 && v.type != DType::F16 && v.type != DType::BF16)
    return Unsupported(v.name + ": element type " + std::string(Name(v.type)) + " cannot be converted");
  return Status::Ok();
}

HfTensor ExpertTensor(int64_t layer, const char* kind, Shape ne) {
  HfTensor t;
  t.name = "blk." + std::to_string(layer) + ".ffn_" + kind + "_exps.weight";
  t.ne = ne;
  t.n_dims = 3;
  return t;
}

}  // namespace

bool IsDeepseek2SpecialTensor(const HfConfig& config, const std::string& hf_name) {
  int64_t layer;
  std::string rest;
  if (!SplitLayerName(hf_name, &layer, &rest)) return false;
  return layer >= config.num_hidden_layers || IsExpertTensor(rest);
}

Status AddDeepseek2ExpertTensors(const HfConfig& config, const std::vector<TensorView>& views,
                                 std::vector<HfTensor>* out) {
  const int64_t E = config.n_routed_experts, ffn = config.moe_intermediate_size, d = config.hidden_size;
  struct LayerExperts {
    const TensorView* gate_up = nullptr;  // fused [E][2*ffn][d]
    const TensorView* down = nullptr;     // fused [E][d][ffn]
    std::map<std::string, std::vector<const TensorView*>> per_expert;  // "gate_proj" -> [E]
  };
  std::map<int64_t, LayerExperts> layers;
  for (const TensorView& v : views) {
    int64_t layer;
    std::string rest;
    if (!SplitLayerName(v.name, &layer, &rest) || layer >= config.num_hidden_layers || !IsExpertTensor(rest))
      continue;
    ENCLAVE_RETURN_IF_ERROR(CheckFloat(v));
    LayerExperts& le = layers[layer];
    const std::string tail = rest.substr(std::strlen("mlp.experts."));
    if (tail == "gate_up_proj") {
      if (v.ne != Shape{d, 2 * ffn, E, 1})
        return BadInput(v.name + ": expected [" + std::to_string(E) + ", " + std::to_string(2 * ffn) + ", " +
                        std::to_string(d) + "]");
      le.gate_up = &v;
    } else if (tail == "down_proj") {
      if (v.ne != Shape{ffn, d, E, 1})
        return BadInput(v.name + ": expected [" + std::to_string(E) + ", " + std::to_string(d) + ", " +
                        std::to_string(ffn) + "]");
      le.down = &v;
    } else {
      // "<index>.<gate_proj|up_proj|down_proj>.weight"
      const size_t dot = tail.find('.');
      const std::string index = tail.substr(0, dot);
      const std::string proj = dot == std::string::npos ? "" : tail.substr(dot + 1);
      if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos ||
          (proj != "gate_proj.weight" && proj != "up_proj.weight" && proj != "down_proj.weight"))
        return BadInput("tensor '" + v.name + "' has no GGUF name for architecture deepseek2");
      const int64_t e = std::stoll(index);
      if (e >= E) return BadInput(v.name + ": expert " + index + " beyond n_routed_experts " + std::to_string(E));
      const Shape want = proj == "down_proj.weight" ? Shape{ffn, d, 1, 1} : Shape{d, ffn, 1, 1};
      if (v.ne != want) return BadInput(v.name + ": unexpected shape for an expert of this config");
      std::vector<const TensorView*>& slots = le.per_expert[proj.substr(0, proj.find('.'))];
      slots.resize(static_cast<size_t>(E), nullptr);
      slots[static_cast<size_t>(e)] = &v;
    }
  }

  for (auto& [layer, le] : layers) {
    if (le.gate_up) {
      for (int half = 0; half < 2; ++half) {
        HfTensor t = ExpertTensor(layer, half == 0 ? "gate" : "up", {d, ffn, E, 1});
        t.transform = HfTensor::Transform::kExpertRows;
        t.source = le.gate_up;
        t.row_offset = half * ffn;
        t.source_rows = 2 * ffn;
        out->push_back(std::move(t));
      }
    }
    if (le.down) {
      HfTensor t = ExpertTensor(layer, "down", {ffn, d, E, 1});
      t.source = le.down;  // already {ffn, d, E}: no transform
      out->push_back(std::move(t));
    }
    for (const auto& [proj, sources] : le.per_expert) {
      for (size_t e = 0; e < sources.size(); ++e)
        if (!sources[e])
          return BadInput("model.layers." + std::to_string(layer) + ".mlp.experts." + std::to_string(e) + "." + proj +
                          ".weight is missing");
      const bool down = proj == "down_proj";
      HfTensor t = ExpertTensor(layer, proj == "gate_proj" ? "gate" : proj == "up_proj" ? "up" : "down",
                                down ? Shape{ffn, d, E, 1} : Shape{d, ffn, E, 1});
      t.transform = HfTensor::Transform::kStackExperts;
      t.expert_sources = sources;
      out->push_back(std::move(t));
    }
  }
  return Status::Ok();
}

Status ReadDeepseek2ExpertsF32(const HfTensor& t, float* dst) {
  const int64_t cols = t.ne[0], rows = t.ne[1], E = t.ne[2];
  for (int64_t e = 0; e < E; ++e) {
    const TensorView* src = t.transform == HfTensor::Transform::kStackExperts ? t.expert_sources[static_cast<size_t>(e)]
                                                                               : t.source;
    const auto* bytes = static_cast<const uint8_t*>(src->data);
    const int64_t first = t.transform == HfTensor::Transform::kStackExperts ? 0 : e * t.source_rows + t.row_offset;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        dst[(e * rows + r) * cols + c] = ElementAsFloat(src->type, bytes, (first + r) * cols + c);
  }
  return Status::Ok();
}

}  // namespace enclave
