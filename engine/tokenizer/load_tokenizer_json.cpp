// tokenizer.json (Hugging Face tokenizers) + tokenizer_config.json -> a Tokenizer.
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "tokenizer/bpe.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/wordpiece.h"

namespace enclave {
namespace {

using json = nlohmann::json;

Expected<json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return BadInput(path + ": not valid JSON");
  return j;
}

std::string TypeOf(const json& j) {
  return (j.is_object() && j.contains("type") && j["type"].is_string()) ? j["type"].get<std::string>() : "";
}

bool BoolOr(const json& j, const char* key, bool fallback) {
  return (j.is_object() && j.contains(key) && j[key].is_boolean()) ? j[key].get<bool>() : fallback;
}

// tokenizer_config.json writes tokens as "text" or {"content": "text", ...}.
std::optional<std::string> TokenContent(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("content") && j["content"].is_string()) return j["content"].get<std::string>();
  return std::nullopt;
}

Status ParseNormalizer(const json& j, Normalizer& out) {
  if (j.is_null()) return Status::Ok();
  const std::string type = TypeOf(j);
  using Step = Normalizer::Step;
  if (type == "Sequence") {
    if (!j.contains("normalizers") || !j["normalizers"].is_array())
      return BadInput("normalizer Sequence without a 'normalizers' list");
    for (const json& n : j["normalizers"]) ENCLAVE_RETURN_IF_ERROR(ParseNormalizer(n, out));
  } else if (type == "NFC") {
    out.Add(Step::kNfc);
  } else if (type == "NFD") {
    out.Add(Step::kNfd);
  } else if (type == "Lowercase") {
    out.Add(Step::kLowercase);
  } else if (type == "StripAccents") {
    out.Add(Step::kStripAccents);
  } else if (type == "BertNormalizer") {
    const bool lowercase = BoolOr(j, "lowercase", true);
    if (BoolOr(j, "clean_text", true)) out.Add(Step::kBertCleanText);
    if (BoolOr(j, "handle_chinese_chars", true)) out.Add(Step::kBertChineseChars);
    const bool strip = (j.contains("strip_accents") && j["strip_accents"].is_boolean())
                           ? j["strip_accents"].get<bool>() : lowercase;
    if (strip) out.Add(Step::kStripAccents);
    if (lowercase) out.Add(Step::kLowercase);
  } else {
    return Unsupported("normalizer '" + type + "' is not supported (NFC, NFD, Lowercase, StripAccents, "
                       "BertNormalizer, Sequence)");
  }
  return Status::Ok();
}

PreTokenizer::Behavior ParseBehavior(const json& j, bool& ok) {
  const std::string b = j.is_string() ? j.get<std::string>() : "Isolated";
  ok = true;
  if (b == "Isolated") return PreTokenizer::Behavior::kIsolated;
  if (b == "Removed") return PreTokenizer::Behavior::kRemoved;
  if (b == "MergedWithPrevious") return PreTokenizer::Behavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return PreTokenizer::Behavior::kMergedWithNext;
  ok = false;
  return PreTokenizer::Behavior::kIsolated;
}

std::string EscapeLiteral(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}-").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

Status AddSplit(PreTokenizer& out, const std::string& pattern, PreTokenizer::Behavior behavior, bool invert) {
  auto regex = Regex::Compile(pattern);
  if (!regex.ok()) return regex.status();
  out.AddSplit(std::move(regex).value(), behavior, invert);
  return Status::Ok();
}

// `byte_level` is set when a ByteLevel pre-tokenizer is present (the BPE vocabulary then
// spells bytes as characters).
Status ParsePreTokenizer(const json& j, PreTokenizer& out, bool& byte_level) {
  if (j.is_null()) return Status::Ok();
  const std::string type = TypeOf(j);
  using B = PreTokenizer::Behavior;
  if (type == "Sequence") {
    if (!j.contains("pretokenizers") || !j["pretokenizers"].is_array())
      return BadInput("pre_tokenizer Sequence without a 'pretokenizers' list");
    for (const json& p : j["pretokenizers"]) ENCLAVE_RETURN_IF_ERROR(ParsePreTokenizer(p, out, byte_level));
    return Status::Ok();
  }
  if (type == "Split") {
    const json& pattern = j.value("pattern", json());
    std::string regex;
    if (pattern.contains("Regex") && pattern["Regex"].is_string()) regex = pattern["Regex"].get<std::string>();
    else if (pattern.contains("String") && pattern["String"].is_string()) regex = EscapeLiteral(pattern["String"].get<std::string>());
    else return BadInput("Split pre-tokenizer without a Regex or String pattern");
    bool ok = false;
    const B behavior = ParseBehavior(j.value("behavior", json()), ok);
    if (!ok) return Unsupported("Split behavior '" + j.value("behavior", json()).dump() + "' is not supported");
    return AddSplit(out, regex, behavior, BoolOr(j, "invert", false));
  }
  if (type == "ByteLevel") {
    byte_level = true;
    if (BoolOr(j, "add_prefix_space", false))
      return Unsupported("ByteLevel pre-tokenizer with add_prefix_space=true is not supported");
    if (BoolOr(j, "use_regex", true)) return AddSplit(out, kGpt2Pattern, B::kIsolated, false);
    return Status::Ok();
  }
  if (type == "BertPreTokenizer") {
    out.AddBert();
    return Status::Ok();
  }
  if (type == "WhitespaceSplit") {
    out.AddWhitespaceSplit();
    return Status::Ok();
  }
  if (type == "Whitespace") return AddSplit(out, "\\w+|[^\\w\\s]+", B::kRemoved, true);
  if (type == "Digits")
    return AddSplit(out, BoolOr(j, "individual_digits", false) ? "\\p{N}" : "\\p{N}+", B::kIsolated, false);
  if (type == "Punctuation") {
    bool ok = false;
    const B behavior = ParseBehavior(j.value("behavior", json()), ok);
    if (!ok) return Unsupported("Punctuation behavior is not supported");
    return AddSplit(out, "[\\p{P}!-/:-@\\[-`{-~]", behavior, false);
  }
  return Unsupported("pre-tokenizer '" + type + "' is not supported (Split, ByteLevel, BertPreTokenizer, "
                     "Whitespace, WhitespaceSplit, Digits, Punctuation, Sequence)");
}

// Ids the post-processor puts around a single sequence.
Status ParsePostProcessor(const json& j, const std::function<std::optional<int32_t>(const std::string&)>& id_of,
                          std::vector<int32_t>& prefix, std::vector<int32_t>& suffix) {
  if (j.is_null()) return Status::Ok();
  const std::string type = TypeOf(j);
  if (type == "Sequence") {
    for (const json& p : j.value("processors", json::array()))
      ENCLAVE_RETURN_IF_ERROR(ParsePostProcessor(p, id_of, prefix, suffix));
    return Status::Ok();
  }
  if (type == "ByteLevel") return Status::Ok();  // offsets only
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    const json cls = j.value("cls", json()), sep = j.value("sep", json());
    if (!cls.is_array() || cls.size() != 2 || !sep.is_array() || sep.size() != 2 || !cls[1].is_number_integer() ||
        !sep[1].is_number_integer())
      return BadInput(type + " without [token, id] pairs for cls and sep");
    prefix.push_back(cls[1].get<int32_t>());
    suffix.push_back(sep[1].get<int32_t>());
    return Status::Ok();
  }
  if (type == "TemplateProcessing") {
    const json& special = j.value("special_tokens", json::object());
    bool after_sequence = false;
    for (const json& item : j.value("single", json::array())) {
      if (item.contains("Sequence")) {
        after_sequence = true;
        continue;
      }
      if (!item.contains("SpecialToken")) return BadInput("TemplateProcessing item is neither SpecialToken nor Sequence");
      const std::string name = item["SpecialToken"].value("id", "");
      std::vector<int32_t> ids;
      if (special.contains(name) && special[name].contains("ids")) {
        for (const json& id : special[name]["ids"]) ids.push_back(id.get<int32_t>());
      } else if (auto id = id_of(name)) {
        ids.push_back(*id);
      } else {
        return BadInput("TemplateProcessing names an unknown special token '" + name + "'");
      }
      auto& target = after_sequence ? suffix : prefix;
      target.insert(target.end(), ids.begin(), ids.end());
    }
    return Status::Ok();
  }
  return Unsupported("post-processor '" + type + "' is not supported (TemplateProcessing, BertProcessing, "
                     "RobertaProcessing, ByteLevel, Sequence)");
}

// Token table from model.vocab and added_tokens; ids may leave holes (filled as unused).
Status BuildVocabulary(const json& model, const json& added, VocabularySpec& vocab, std::vector<AddedToken>& tokens) {
  if (!model.contains("vocab") || !model["vocab"].is_object())
    return BadInput("model has no 'vocab' object");
  int64_t max_id = -1;
  for (const auto& [text, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > 10'000'000)
      return BadInput("vocab entry '" + text + "' has a bad id");
    max_id = std::max(max_id, id.get<int64_t>());
  }
  if (added.is_array()) {
    for (const json& a : added) {
      if (!a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") || !a["content"].is_string())
        return BadInput("added_tokens entry without an integer id and a content string");
      if (a["id"].get<int64_t>() < 0 || a["id"].get<int64_t>() > 10'000'000) return BadInput("added token with a bad id");
      max_id = std::max(max_id, a["id"].get<int64_t>());
    }
  }
  vocab.tokens.assign(max_id + 1, std::string());
  vocab.kinds.assign(max_id + 1, TokenKind::kUnused);
  for (const auto& [text, id] : model["vocab"].items()) {
    vocab.tokens[id.get<int64_t>()] = text;
    vocab.kinds[id.get<int64_t>()] = TokenKind::kNormal;
  }
  if (added.is_array()) {
    for (const json& a : added) {
      AddedToken t;
      t.id = a["id"].get<int32_t>();
      t.content = a["content"].get<std::string>();
      t.special = BoolOr(a, "special", false);
      t.normalized = BoolOr(a, "normalized", !t.special);
      t.lstrip = BoolOr(a, "lstrip", false);
      t.rstrip = BoolOr(a, "rstrip", false);
      t.single_word = BoolOr(a, "single_word", false);
      vocab.tokens[t.id] = t.content;
      vocab.kinds[t.id] = t.special ? TokenKind::kControl : TokenKind::kUserDefined;
      tokens.push_back(std::move(t));
    }
  }
  return Status::Ok();
}

Status ParseMerges(const json& model, std::vector<std::pair<std::string, std::string>>& merges) {
  if (!model.contains("merges") || !model["merges"].is_array() || model["merges"].empty())
    return BadInput("BPE model has no merges");
  merges.reserve(model["merges"].size());
  for (const json& m : model["merges"]) {
    if (m.is_string()) {  // "left right"
      const std::string s = m.get<std::string>();
      const size_t space = s.find(' ', 1);
      if (space == std::string::npos) return BadInput("merge '" + s + "' is not 'left right'");
      merges.emplace_back(s.substr(0, space), s.substr(space + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {  // ["left", "right"]
      merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      return BadInput("merge entry is neither 'left right' nor [left, right]");
    }
  }
  return Status::Ok();
}

std::optional<int32_t> FindByName(const VocabularySpec& v, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    for (size_t id = 0; id < v.tokens.size(); ++id)
      if (v.kinds[id] != TokenKind::kNormal && v.tokens[id] == name) return static_cast<int32_t>(id);
  return std::nullopt;
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> LoadTokenizerJson(const std::string& path, const std::string& config_path) {
  ENCLAVE_ASSIGN_OR_RETURN(json j, ReadJson(path));
  json config = json::object();
  if (!config_path.empty()) {
    ENCLAVE_ASSIGN_OR_RETURN(config, ReadJson(config_path));
  }
  auto fail = [&](const Status& s) { return s.WithContext(path); };
  if (!j.is_object() || !j.contains("model") || !j["model"].is_object())
    return fail(BadInput("no 'model' object: not a Hugging Face tokenizer.json"));
  const json& model = j["model"];
  std::string type = TypeOf(model);
  if (type.empty() && model.contains("merges")) type = "BPE";
  if (type != "BPE" && type != "WordPiece")
    return fail(Unsupported("tokenizer model '" + type + "' is not supported (BPE, WordPiece)"));

  VocabularySpec vocab;
  PipelineSpec pipeline;
  if (Status s = BuildVocabulary(model, j.value("added_tokens", json::array()), vocab, pipeline.added_tokens); !s.ok())
    return fail(s);
  if (Status s = ParseNormalizer(j.value("normalizer", json()), pipeline.normalizer); !s.ok()) return fail(s);
  bool byte_level = false;
  if (Status s = ParsePreTokenizer(j.value("pre_tokenizer", json()), pipeline.pre_tokenizer, byte_level); !s.ok())
    return fail(s);
  std::unordered_map<std::string, int32_t> id_by_text;
  auto id_of = [&](const std::string& text) -> std::optional<int32_t> {
    if (id_by_text.empty())
      for (size_t id = 0; id < vocab.tokens.size(); ++id) id_by_text.emplace(vocab.tokens[id], static_cast<int32_t>(id));
    const auto it = id_by_text.find(text);
    return it == id_by_text.end() ? std::nullopt : std::optional<int32_t>(it->second);
  };
  if (Status s = ParsePostProcessor(j.value("post_processor", json()), id_of, pipeline.prefix_ids, pipeline.suffix_ids);
      !s.ok())
    return fail(s);

  // Special ids: tokenizer_config.json first, then the post-processor, then well-known names.
  auto config_id = [&](const char* key) -> std::optional<int32_t> {
    if (!config.contains(key)) return std::nullopt;
    const auto content = TokenContent(config[key]);
    return content ? id_of(*content) : std::nullopt;
  };
  vocab.bos = config_id("bos_token");
  if (!vocab.bos && type == "BPE" && !pipeline.prefix_ids.empty()) vocab.bos = pipeline.prefix_ids.front();
  if (!vocab.bos) vocab.bos = FindByName(vocab, {"<｜begin▁of▁sentence｜>", "<|begin_of_text|>", "<s>", "<bos>"});
  vocab.eos = config_id("eos_token");
  if (!vocab.eos) vocab.eos = FindByName(vocab, {"<｜end▁of▁sentence｜>", "<|end_of_text|>", "<|endoftext|>", "</s>", "<eos>"});
  vocab.pad = config_id("pad_token");
  vocab.unk = config_id("unk_token");
  if (!vocab.unk && model.contains("unk_token") && model["unk_token"].is_string())
    vocab.unk = id_of(model["unk_token"].get<std::string>());

  // transformers' LlamaTokenizerFast rebuilds the post-processor from add_bos_token/add_eos_token.
  if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean() && vocab.bos) {
    const bool starts_with_bos = !pipeline.prefix_ids.empty() && pipeline.prefix_ids.front() == *vocab.bos;
    if (config["add_bos_token"].get<bool>() && !starts_with_bos) pipeline.prefix_ids.insert(pipeline.prefix_ids.begin(), *vocab.bos);
    if (!config["add_bos_token"].get<bool>() && starts_with_bos) pipeline.prefix_ids.erase(pipeline.prefix_ids.begin());
  }
  if (config.contains("add_eos_token") && config["add_eos_token"].is_boolean() && vocab.eos) {
    const bool ends_with_eos = !pipeline.suffix_ids.empty() && pipeline.suffix_ids.back() == *vocab.eos;
    if (config["add_eos_token"].get<bool>() && !ends_with_eos) pipeline.suffix_ids.push_back(*vocab.eos);
  }
  vocab.adds_bos = vocab.bos && !pipeline.prefix_ids.empty() && pipeline.prefix_ids.front() == *vocab.bos;
  if (config.contains("chat_template")) {
    const json& ct = config["chat_template"];
    if (ct.is_string()) vocab.chat_template = ct.get<std::string>();
    else if (ct.is_array())
      for (const json& t : ct)
        if (t.value("name", "") == "default" && t.contains("template")) vocab.chat_template = t["template"].get<std::string>();
  }

  Expected<std::unique_ptr<Tokenizer>> result = Status(ErrorCode::kInternal, "unreachable");
  if (type == "BPE") {
    if (!byte_level)
      return fail(Unsupported("BPE without a ByteLevel pre-tokenizer (a SentencePiece-style tokenizer.json) is "
                              "not supported: use the model's GGUF file"));
    if (BoolOr(model, "byte_fallback", false) || (model.contains("dropout") && model["dropout"].is_number()))
      return fail(Unsupported("BPE byte_fallback / dropout is not supported"));
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"})
      if (model.contains(key) && model[key].is_string() && !model[key].get<std::string>().empty())
        return fail(Unsupported(std::string("BPE ") + key + " is not supported"));
    BpeSpec bpe;
    if (Status s = ParseMerges(model, bpe.merges); !s.ok()) return fail(s);
    bpe.ignore_merges = BoolOr(model, "ignore_merges", false);
    bpe.byte_decode_added_tokens = true;
    result = ByteLevelBpeTokenizer::Create(std::move(vocab), std::move(pipeline), std::move(bpe));
  } else {
    WordPieceSpec wp;
    if (model.contains("continuing_subword_prefix") && model["continuing_subword_prefix"].is_string())
      wp.continuing_prefix = model["continuing_subword_prefix"].get<std::string>();
    if (model.contains("max_input_chars_per_word") && model["max_input_chars_per_word"].is_number_unsigned())
      wp.max_input_chars_per_word = model["max_input_chars_per_word"].get<size_t>();
    wp.cleanup = BoolOr(j.value("decoder", json()), "cleanup", true);
    result = WordPieceTokenizer::Create(std::move(vocab), std::move(pipeline), std::move(wp));
  }
  if (!result.ok()) return fail(result.status());
  return result;
}

}  // namespace enclave
