// Where the estimator's model comes from: a preset, a config.json, or a GGUF header.
#include <algorithm>
#include <filesystem>

#include "formats/gguf.h"
#include "hw/estimator.h"

namespace enclave::hw {
namespace {

Expected<EstimateModel> SizedAs(std::string name, const ModelShape& shape, std::string_view quant) {
  ENCLAVE_ASSIGN_OR_RETURN(FileType file_type, FileTypeFromName(quant));
  EstimateModel model;
  model.name = std::move(name);
  model.quant = std::string(FileTypeName(file_type));
  model.shape = shape;
  model.tensors = LayoutFor(shape, file_type);
  return model;
}

}  // namespace

Expected<EstimateModel> ModelFromPreset(std::string_view preset, std::string_view quant) {
  ENCLAVE_ASSIGN_OR_RETURN(ModelPreset p, FindPreset(preset));
  return SizedAs(p.name, p.shape, quant);
}

Expected<EstimateModel> ModelFromHfConfig(const std::string& path, std::string_view quant) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "config.json";
  ENCLAVE_ASSIGN_OR_RETURN(ModelShape shape, ModelShapeFromHfConfigFile(file.string()));
  return SizedAs(path, shape, quant);
}

Expected<ModelShape> ModelShapeFromGguf(const GgufFile& file) {
  const std::string arch = file.architecture();
  ModelShape s;
  if (arch == "qwen2") {
    s.arch = ModelArch::kQwen2;
  } else if (arch == "llama") {
    s.arch = ModelArch::kLlama;
  } else if (arch == "deepseek2") {
    s.arch = ModelArch::kDeepseek2;
  } else {
    return Unsupported("GGUF architecture '" + arch + "' is not supported (qwen2, llama, deepseek2)");
  }
  auto get = [&](const std::string& key, int64_t fallback) {
    return file.GetInt(arch + "." + key).value_or(fallback);
  };
  s.hidden = get("embedding_length", 0);
  s.layers = get("block_count", 0);
  s.heads = get("attention.head_count", 0);
  s.kv_heads = get("attention.head_count_kv", s.heads);  // per-layer arrays read as absent
  s.ffn = get("feed_forward_length", 0);
  s.max_context = get("context_length", 4096);
  s.rope_theta = file.GetFloat(arch + ".rope.freq_base").value_or(10000.0);
  s.rms_norm_eps = file.GetFloat(arch + ".attention.layer_norm_rms_epsilon").value_or(1e-6);
  s.rope_scaling.type = file.GetString(arch + ".rope.scaling.type").value_or("");
  if (s.rope_scaling.type == "none") s.rope_scaling.type.clear();
  s.rope_scaling.factor = file.GetFloat(arch + ".rope.scaling.factor").value_or(1.0);
  s.rope_scaling.original_max_position = get("rope.scaling.original_context_length", 0);

  const GgufTensorInfo* embd = file.FindTensor("token_embd.weight");
  s.vocab = get("vocab_size", 0);
  if (s.vocab == 0) {
    if (const GgufValue* tokens = file.Find("tokenizer.ggml.tokens"); tokens && tokens->AsArray())
      s.vocab = static_cast<int64_t>(tokens->AsArray()->items.size());
    else if (embd)
      s.vocab = embd->ne[1];
  }
  s.tie_embeddings = file.FindTensor("output.weight") == nullptr;
  s.attention_bias = file.FindTensor("blk.0.attn_q.bias") != nullptr;

  if (s.hidden <= 0 || s.layers <= 0 || s.heads <= 0 || s.kv_heads <= 0)
    return BadInput(file.path() + ": GGUF metadata lacks " + arch +
                    ".embedding_length / block_count / attention.head_count");

  if (s.arch == ModelArch::kDeepseek2) {
    s.q_lora_rank = get("attention.q_lora_rank", 0);
    s.kv_lora_rank = get("attention.kv_lora_rank", 0);
    s.qk_rope_head_dim = get("rope.dimension_count", 64);
    // Files converted for absorbed MLA carry the per-head sizes in *_mla keys.
    const int64_t key_length = get("attention.key_length_mla", get("attention.key_length", 0));
    s.v_head_dim = get("attention.value_length_mla", get("attention.value_length", 0));
    s.qk_nope_head_dim = key_length - s.qk_rope_head_dim;
    s.head_dim = key_length;
    s.n_routed_experts = get("expert_count", 0);
    s.n_shared_experts = get("expert_shared_count", 0);
    s.experts_per_tok = get("expert_used_count", 0);
    s.moe_intermediate = get("expert_feed_forward_length", 0);
    s.first_k_dense_replace = get("leading_dense_block_count", 0);
    s.n_group = get("expert_group_count", 1);
    s.topk_group = get("expert_group_used_count", 1);
    s.routed_scaling_factor = file.GetFloat(arch + ".expert_weights_scale").value_or(1.0);
    s.norm_topk_prob = file.GetBool(arch + ".expert_weights_norm").value_or(false);
    s.scoring_func = get("expert_gating_func", 1) == 2 ? "sigmoid" : "softmax";
    if (s.kv_lora_rank <= 0 || s.qk_nope_head_dim <= 0 || s.v_head_dim <= 0)
      return BadInput(file.path() + ": deepseek2 GGUF lacks attention.kv_lora_rank / key_length / value_length");
  } else {
    s.head_dim = get("attention.key_length", s.hidden / s.heads);
  }
  s.extendable_context = s.max_context;
  const RopeScaling& rs = s.rope_scaling;
  if (!rs.type.empty() && rs.factor > 1.0 && rs.original_max_position > 0)
    s.extendable_context = std::max(s.extendable_context,
                                    static_cast<int64_t>(rs.original_max_position * rs.factor));
  return s;
}

Expected<EstimateModel> ModelFromGguf(const std::string& path) {
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<GgufFile> file, GgufFile::Open(path));
  ENCLAVE_ASSIGN_OR_RETURN(ModelShape shape, ModelShapeFromGguf(*file));
  EstimateModel model;
  model.name = std::filesystem::path(path).filename().string();
  model.shape = shape;
  model.tensors = LayoutOf(*file);
  // general.file_type numbers llama_ftype; the estimator only names it.
  static const std::pair<int64_t, const char*> kFtypes[] = {
      {0, "f32"}, {1, "f16"}, {2, "q4_0"}, {7, "q8_0"}, {10, "q2_k"}, {12, "q3_k_m"},
      {14, "q4_k_s"}, {15, "q4_k_m"}, {16, "q5_k_s"}, {17, "q5_k_m"}, {18, "q6_k"}, {32, "bf16"}};
  model.quant = "mixed";
  if (auto ft = file->GetInt("general.file_type")) {
    for (const auto& [id, name] : kFtypes)
      if (id == *ft) model.quant = name;
  }
  return model;
}

}  // namespace enclave::hw
