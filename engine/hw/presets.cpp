#include "hw/presets.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hw/embedded_resources.h"

namespace enclave::hw {
namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A number field that may be absent or null (q_lora_rank: null in V2-Lite).
int64_t IntOr(const json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_number()) return it->get<int64_t>();
  return fallback;
}
double DoubleOr(const json& j, const char* key, double fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<double>();
}
bool BoolOr(const json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}
std::string StringOr(const json& j, const char* key, std::string fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}
// eos_token_id may be a number or a list (Llama 3.1 instruct): the first one.
int64_t FirstId(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return -1;
  if (it->is_number()) return it->get<int64_t>();
  if (it->is_array() && !it->empty() && (*it)[0].is_number()) return (*it)[0].get<int64_t>();
  return -1;
}

RopeScaling ParseRopeScaling(const json& config) {
  RopeScaling rs;
  // Released checkpoints: rope_scaling {type|rope_type, factor, ...}; transformers 5:
  // rope_parameters {rope_type, rope_theta, factor, ...}.
  const json* src = nullptr;
  if (auto it = config.find("rope_scaling"); it != config.end() && it->is_object()) src = &*it;
  if (auto it = config.find("rope_parameters"); !src && it != config.end() && it->is_object()) src = &*it;
  if (!src) return rs;
  std::string type = StringOr(*src, "rope_type", StringOr(*src, "type", ""));
  if (type == "default") type.clear();
  rs.type = type;
  rs.factor = DoubleOr(*src, "factor", 1.0);
  rs.original_max_position = IntOr(*src, "original_max_position_embeddings", 0);
  rs.low_freq_factor = DoubleOr(*src, "low_freq_factor", 0.0);
  rs.high_freq_factor = DoubleOr(*src, "high_freq_factor", 0.0);
  rs.beta_fast = DoubleOr(*src, "beta_fast", 0.0);
  rs.beta_slow = DoubleOr(*src, "beta_slow", 0.0);
  rs.mscale = DoubleOr(*src, "mscale", 0.0);
  rs.mscale_all_dim = DoubleOr(*src, "mscale_all_dim", 0.0);
  return rs;
}

Expected<ModelShape> ShapeFromJson(const json& c) {
  if (!c.is_object()) return BadInput("config.json is not a JSON object");
  const std::string model_type = StringOr(c, "model_type", "");
  ModelShape s;
  if (model_type == "qwen2") {
    s.arch = ModelArch::kQwen2;
    s.attention_bias = true;  // Qwen2 q/k/v projections always carry biases
  } else if (model_type == "llama") {
    s.arch = ModelArch::kLlama;
    s.attention_bias = BoolOr(c, "attention_bias", false);
  } else if (model_type == "deepseek_v2" || model_type == "deepseek_v3") {
    s.arch = ModelArch::kDeepseek2;
  } else {
    return Unsupported("model_type '" + model_type +
                       "' is not supported (supported: qwen2, llama, deepseek_v2, deepseek_v3)");
  }
  s.hidden = IntOr(c, "hidden_size", 0);
  s.layers = IntOr(c, "num_hidden_layers", 0);
  s.heads = IntOr(c, "num_attention_heads", 0);
  s.kv_heads = IntOr(c, "num_key_value_heads", s.heads);
  s.ffn = IntOr(c, "intermediate_size", 0);
  s.vocab = IntOr(c, "vocab_size", 0);
  s.max_context = IntOr(c, "max_position_embeddings", 0);
  s.rms_norm_eps = DoubleOr(c, "rms_norm_eps", 1e-6);
  s.tie_embeddings = BoolOr(c, "tie_word_embeddings", false);
  s.rope_scaling = ParseRopeScaling(c);
  s.rope_theta = DoubleOr(c, "rope_theta", 10000.0);
  if (auto it = c.find("rope_parameters"); it != c.end() && it->is_object())
    s.rope_theta = DoubleOr(*it, "rope_theta", s.rope_theta);
  s.bos_token_id = FirstId(c, "bos_token_id");
  s.eos_token_id = FirstId(c, "eos_token_id");

  for (auto [name, value] : {std::pair{"hidden_size", s.hidden}, {"num_hidden_layers", s.layers},
                             {"num_attention_heads", s.heads}, {"vocab_size", s.vocab},
                             {"intermediate_size", s.ffn}}) {
    if (value <= 0) return BadInput(std::string("config.json: ") + name + " is missing or not positive");
  }
  if (s.kv_heads <= 0 || s.heads % s.kv_heads != 0)
    return BadInput("config.json: num_key_value_heads must divide num_attention_heads");

  if (s.arch == ModelArch::kDeepseek2) {
    s.q_lora_rank = IntOr(c, "q_lora_rank", 0);
    s.kv_lora_rank = IntOr(c, "kv_lora_rank", 0);
    s.qk_nope_head_dim = IntOr(c, "qk_nope_head_dim", 0);
    s.qk_rope_head_dim = IntOr(c, "qk_rope_head_dim", 0);
    s.v_head_dim = IntOr(c, "v_head_dim", 0);
    s.n_routed_experts = IntOr(c, "n_routed_experts", 0);
    s.n_shared_experts = IntOr(c, "n_shared_experts", 0);
    s.experts_per_tok = IntOr(c, "num_experts_per_tok", 0);
    s.moe_intermediate = IntOr(c, "moe_intermediate_size", 0);
    s.first_k_dense_replace = IntOr(c, "first_k_dense_replace", 0);
    s.n_group = IntOr(c, "n_group", 1);
    s.topk_group = IntOr(c, "topk_group", 1);
    s.routed_scaling_factor = DoubleOr(c, "routed_scaling_factor", 1.0);
    s.scoring_func = StringOr(c, "scoring_func", "softmax");
    s.topk_method = StringOr(c, "topk_method", "greedy");
    s.norm_topk_prob = BoolOr(c, "norm_topk_prob", false);
    s.head_dim = s.qk_nope_head_dim + s.qk_rope_head_dim;
    if (s.kv_lora_rank <= 0 || s.qk_rope_head_dim <= 0 || s.qk_nope_head_dim <= 0 || s.v_head_dim <= 0)
      return BadInput("config.json: a DeepSeek model needs kv_lora_rank, qk_nope_head_dim, "
                      "qk_rope_head_dim and v_head_dim");
    if (s.n_routed_experts > 0 && (s.experts_per_tok <= 0 || s.moe_intermediate <= 0 ||
                                   s.experts_per_tok > s.n_routed_experts))
      return BadInput("config.json: num_experts_per_tok and moe_intermediate_size must be positive "
                      "and at most n_routed_experts experts can be used per token");
    if (s.first_k_dense_replace > s.layers)
      return BadInput("config.json: first_k_dense_replace exceeds num_hidden_layers");
  } else {
    s.head_dim = IntOr(c, "head_dim", s.hidden / s.heads);
    if (s.head_dim <= 0) return BadInput("config.json: head_dim must be positive");
  }
  if (s.max_context <= 0) s.max_context = 4096;
  s.extendable_context = s.max_context;
  // A rope scaling in the config stretches the original window by its factor.
  const RopeScaling& rs = s.rope_scaling;
  if (!rs.type.empty() && rs.factor > 1.0 && rs.original_max_position > 0)
    s.extendable_context = std::max(s.extendable_context,
                                    static_cast<int64_t>(rs.original_max_position * rs.factor));
  return s;
}

std::vector<ModelPreset> ParsePresets() {
  std::vector<ModelPreset> presets;
  const json root = json::parse(EmbeddedPresetsJson());  // checked by the presets test
  for (const json& p : root.at("presets")) {
    ModelPreset preset;
    preset.name = p.at("name").get<std::string>();
    preset.display_name = p.value("display_name", preset.name);
    preset.hf_repo = p.value("hf_repo", "");
    Expected<ModelShape> shape = ShapeFromJson(p.at("config"));
    if (!shape.ok()) continue;  // a broken built-in row is caught by tests, not at run time
    preset.shape = std::move(shape).value();
    preset.shape.extendable_context =
        std::max(preset.shape.max_context, IntOr(p, "extendable_context", preset.shape.max_context));
    presets.push_back(std::move(preset));
  }
  return presets;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string_view ArchName(ModelArch arch) {
  switch (arch) {
    case ModelArch::kQwen2: return "qwen2";
    case ModelArch::kLlama: return "llama";
    case ModelArch::kDeepseek2: return "deepseek2";
  }
  return "unknown";
}

const std::vector<ModelPreset>& Presets() {
  static const std::vector<ModelPreset> kPresets = ParsePresets();
  return kPresets;
}

std::vector<std::string> ClosestPresetNames(std::string_view name, size_t limit) {
  const std::string query = Lower(name);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const ModelPreset& p : Presets()) {
    size_t d = EditDistance(query, p.name);
    // A query that is a prefix or part of a name ("r1", "qwen") is close whatever its length.
    if (!query.empty() && p.name.find(query) != std::string::npos) d = std::min<size_t>(d, 1);
    scored.emplace_back(d, p.name);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [d, n] : scored) {
    if (out.size() >= limit) break;
    out.push_back(n);
  }
  return out;
}

Expected<ModelPreset> FindPreset(std::string_view name) {
  const std::string query = Lower(name);
  for (const ModelPreset& p : Presets())
    if (p.name == query) return p;
  std::string message = "unknown model preset '" + std::string(name) + "'; did you mean: ";
  const std::vector<std::string> close = ClosestPresetNames(name);
  for (size_t i = 0; i < close.size(); ++i) message += (i ? ", " : "") + close[i];
  return NotFound(message + "? (all presets: enclave-cli estimate --list-presets)");
}

Expected<ModelShape> ModelShapeFromHfConfig(std::string_view config_json_text) {
  json config = json::parse(config_json_text, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return BadInput("config.json is not valid JSON");
  return ShapeFromJson(config);
}

Expected<ModelShape> ModelShapeFromHfConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path);
  std::stringstream text;
  text << in.rdbuf();
  Expected<ModelShape> shape = ModelShapeFromHfConfig(text.str());
  if (!shape.ok()) return shape.status().WithContext(path);
  return shape;
}

std::string HfConfigJson(const ModelPreset& preset) {
  const json root = json::parse(EmbeddedPresetsJson());
  for (const json& p : root.at("presets"))
    if (p.at("name").get<std::string>() == preset.name) return p.at("config").dump(2);
  return "{}";
}

}  // namespace enclave::hw
