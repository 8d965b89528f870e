// tokenizer.json -> tokenizer.ggml.* metadata, as llama.cpp's converter writes byte-level BPE
// ("gpt2") vocabularies: tokens by id (gaps padded as [PAD<id>], unused), token types, merges,
// the pre-tokenizer name, special ids and the chat template.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "formats/convert.h"

namespace enclave {
namespace {

using Json = nlohmann::json;

constexpr int32_t kTokenNormal = 1;
constexpr int32_t kTokenControl = 3;
constexpr int32_t kTokenUserDefined = 4;
constexpr int32_t kTokenUnused = 5;

Expected<Json> ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path.string() + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  Json j = Json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) return BadInput(path.string() + ": not valid JSON");
  return j;
}

// "<s>" or {"content": "<s>", ...}
std::string TokenContent(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("content") && j["content"].is_string()) return j["content"].get<std::string>();
  return "";
}

std::string PreTokenizerName(const HfConfig& config) {
  if (config.gguf_arch == "qwen2") return "qwen2";
  if (config.gguf_arch == "llama") return "llama-bpe";
  if (config.gguf_arch == "deepseek2") return "deepseek-v3";
  return "default";
}

}  // namespace

Expected<GgufMetadata> TokenizerMetadataFromHfFolder(const std::string& dir, const HfConfig& config) {
  GgufMetadata m;
  const std::filesystem::path tokenizer_path = std::filesystem::path(dir) / "tokenizer.json";
  std::error_code ec;
  if (!std::filesystem::exists(tokenizer_path, ec)) return m;
  ENCLAVE_ASSIGN_OR_RETURN(Json tok, ReadJson(tokenizer_path));
  const Json& model = tok["model"];
  if (!model.is_object() || model.value("type", "") != "BPE" || !model.contains("vocab") ||
      model.value("byte_fallback", false)) {
    LogWarning(tokenizer_path.string() + ": only byte-level BPE vocabularies are converted; the GGUF gets no tokenizer");
    return m;
  }

  // Tokens by id: the BPE vocabulary, then added tokens (which may extend it).
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  auto put = [&](int64_t id, const std::string& text, int32_t type) -> Status {
    if (id < 0 || id > (1 << 24)) return BadInput(tokenizer_path.string() + ": token id " + std::to_string(id) + " out of range");
    if (static_cast<size_t>(id) >= tokens.size()) {
      tokens.resize(static_cast<size_t>(id) + 1);
      types.resize(static_cast<size_t>(id) + 1, 0);
    }
    tokens[static_cast<size_t>(id)] = text;
    types[static_cast<size_t>(id)] = type;
    return Status::Ok();
  };
  for (const auto& [text, id] : model["vocab"].items())
    if (id.is_number_integer()) ENCLAVE_RETURN_IF_ERROR(put(id.get<int64_t>(), text, kTokenNormal));
  if (tok.contains("added_tokens") && tok["added_tokens"].is_array())
    for (const Json& a : tok["added_tokens"])
      if (a.contains("id") && a["id"].is_number_integer())
        ENCLAVE_RETURN_IF_ERROR(put(a["id"].get<int64_t>(), TokenContent(a),
                                    a.value("special", false) ? kTokenControl : kTokenUserDefined));
  if (config.vocab_size > static_cast<int64_t>(tokens.size())) {
    tokens.resize(static_cast<size_t>(config.vocab_size));
    types.resize(static_cast<size_t>(config.vocab_size), 0);
  }
  for (size_t i = 0; i < tokens.size(); ++i)
    if (types[i] == 0) {
      tokens[i] = "[PAD" + std::to_string(i) + "]";
      types[i] = kTokenUnused;
    }

  std::vector<std::string> merges;
  if (model.contains("merges") && model["merges"].is_array())
    for (const Json& mg : model["merges"]) {
      if (mg.is_string()) merges.push_back(mg.get<std::string>());
      else if (mg.is_array() && mg.size() == 2 && mg[0].is_string() && mg[1].is_string())
        merges.push_back(mg[0].get<std::string>() + " " + mg[1].get<std::string>());
    }

  auto string_array = [](const std::vector<std::string>& v) {
    GgufValue::Array a;
    a.element_type = GgufType::kString;
    for (const std::string& s : v) a.items.emplace_back(s);
    return GgufValue(std::move(a));
  };
  GgufValue::Array type_array;
  type_array.element_type = GgufType::kInt32;
  for (int32_t t : types) type_array.items.emplace_back(GgufType::kInt32, static_cast<int64_t>(t));

  m.emplace_back("tokenizer.ggml.model", GgufValue(std::string("gpt2")));
  m.emplace_back("tokenizer.ggml.pre", GgufValue(PreTokenizerName(config)));
  m.emplace_back("tokenizer.ggml.tokens", string_array(tokens));
  m.emplace_back("tokenizer.ggml.token_type", GgufValue(std::move(type_array)));
  m.emplace_back("tokenizer.ggml.merges", string_array(merges));

  // Special ids and flags from tokenizer_config.json, the way transformers reads them.
  Json tc = Json::object();
  const std::filesystem::path config_path = std::filesystem::path(dir) / "tokenizer_config.json";
  if (std::filesystem::exists(config_path, ec)) {
    ENCLAVE_ASSIGN_OR_RETURN(tc, ReadJson(config_path));
  }
  auto id_of = [&](const std::string& text) -> int64_t {
    for (size_t i = 0; i < tokens.size(); ++i)
      if (tokens[i] == text) return static_cast<int64_t>(i);
    return -1;
  };
  auto u32 = [&](const std::string& key, int64_t v) {
    m.emplace_back(key, GgufValue(GgufType::kUint32, static_cast<uint64_t>(v)));
  };
  int64_t bos = tc.contains("bos_token") ? id_of(TokenContent(tc["bos_token"])) : -1;
  if (bos < 0) bos = config.bos_token_id;
  int64_t eos = tc.contains("eos_token") ? id_of(TokenContent(tc["eos_token"])) : -1;
  if (eos < 0 && !config.eos_token_ids.empty()) eos = config.eos_token_ids.front();
  if (bos >= 0) u32("tokenizer.ggml.bos_token_id", bos);
  if (eos >= 0) u32("tokenizer.ggml.eos_token_id", eos);
  if (tc.contains("pad_token")) {
    if (int64_t pad = id_of(TokenContent(tc["pad_token"])); pad >= 0) u32("tokenizer.ggml.padding_token_id", pad);
  }
  if (tc.contains("add_bos_token") && tc["add_bos_token"].is_boolean())
    m.emplace_back("tokenizer.ggml.add_bos_token", GgufValue(tc["add_bos_token"].get<bool>()));
  if (tc.contains("chat_template")) {
    const Json& t = tc["chat_template"];
    if (t.is_string()) {
      m.emplace_back("tokenizer.chat_template", GgufValue(t.get<std::string>()));
    } else if (t.is_array()) {  // [{"name": "default", "template": "..."}, ...]
      for (const Json& named : t)
        if (named.value("name", "") == "default" && named.contains("template") && named["template"].is_string())
          m.emplace_back("tokenizer.chat_template", GgufValue(named["template"].get<std::string>()));
    }
  }
  return m;
}

}  // namespace enclave
