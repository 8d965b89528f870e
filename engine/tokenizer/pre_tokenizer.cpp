#include "tokenizer/pre_tokenizer.h"

#include <memory>
#include <string>

#include "tokenizer/unicode.h"

namespace enclave {
namespace {

using Span = std::pair<uint32_t, uint32_t>;  // code point range [first, second)

// Splits one span by the regex's matches, keeping matches and gaps per `behavior`.
void SplitByRegex(const Regex& regex, PreTokenizer::Behavior behavior, bool invert, const CodepointText& text,
                  Span span, std::vector<Span>& out) {
  thread_local std::vector<Span> matches;
  matches.clear();
  regex.FindAll(text, span.first, span.second, matches);
  // (range, is_match) in order, as HF builds it before applying the behaviour.
  thread_local std::vector<std::pair<Span, bool>> pieces;
  pieces.clear();
  uint32_t pos = span.first;
  for (const Span& m : matches) {
    if (m.first > pos) pieces.push_back({{pos, m.first}, invert});
    pieces.push_back({m, !invert});
    pos = m.second;
  }
  if (pos < span.second) pieces.push_back({{pos, span.second}, invert});

  using B = PreTokenizer::Behavior;
  switch (behavior) {
    case B::kIsolated:
      for (const auto& [r, is_match] : pieces) out.push_back(r);
      break;
    case B::kRemoved:
      for (const auto& [r, is_match] : pieces)
        if (!is_match) out.push_back(r);
      break;
    case B::kMergedWithPrevious: {
      const size_t first = out.size();
      bool previous_match = false;
      for (const auto& [r, is_match] : pieces) {
        if (is_match && !previous_match && out.size() > first) out.back().second = r.second;
        else out.push_back(r);
        previous_match = is_match;
      }
      break;
    }
    case B::kMergedWithNext: {
      std::vector<Span> reversed;
      bool previous_match = false;
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        if (it->second && !previous_match && !reversed.empty()) reversed.back().first = it->first.first;
        else reversed.push_back(it->first);
        previous_match = it->second;
      }
      out.insert(out.end(), reversed.rbegin(), reversed.rend());
      break;
    }
  }
}

bool IsBertPunctuation(uint32_t cp, uint8_t flags) {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return (flags & 7) == unicode::kPunctuation;
}

void SplitBert(const CodepointText& text, Span span, bool isolate_punctuation, std::vector<Span>& out) {
  uint32_t word_start = span.first;
  for (uint32_t i = span.first; i < span.second; ++i) {
    const bool space = (text.flags[i] & unicode::kFlagWhiteSpace) != 0;
    const bool punct = isolate_punctuation && IsBertPunctuation(text.cps[i], text.flags[i]);
    if (!space && !punct) continue;
    if (i > word_start) out.push_back({word_start, i});
    if (punct) out.push_back({i, i + 1});
    word_start = i + 1;
  }
  if (span.second > word_start) out.push_back({word_start, span.second});
}

}  // namespace

void PreTokenizer::AddSplit(Regex pattern, Behavior behavior, bool invert) {
  steps_.push_back({Kind::kSplit, behavior, invert, std::make_shared<const Regex>(std::move(pattern))});
}
void PreTokenizer::AddBert() { steps_.push_back({Kind::kBert}); }
void PreTokenizer::AddWhitespaceSplit() { steps_.push_back({Kind::kWhitespaceSplit}); }

void PreTokenizer::Split(std::string_view utf8, std::vector<std::pair<uint32_t, uint32_t>>& words) const {
  if (steps_.empty()) {
    if (!utf8.empty()) words.emplace_back(0, static_cast<uint32_t>(utf8.size()));
    return;
  }
  thread_local CodepointText text;
  thread_local std::vector<Span> spans, next;
  text.Assign(utf8);
  spans.assign(1, {0, static_cast<uint32_t>(text.cps.size())});
  for (const Step& step : steps_) {
    next.clear();
    for (const Span& s : spans) {
      if (s.first == s.second) continue;
      switch (step.kind) {
        case Kind::kSplit: SplitByRegex(*step.regex, step.behavior, step.invert, text, s, next); break;
        case Kind::kBert: SplitBert(text, s, true, next); break;
        case Kind::kWhitespaceSplit: SplitBert(text, s, false, next); break;
      }
    }
    spans.swap(next);
  }
  for (const Span& s : spans)
    if (s.first < s.second) words.emplace_back(text.bytes[s.first], text.bytes[s.second]);
}

Expected<PreTokenizer> PreTokenizer::ForGgufName(std::string_view name) {
  // The pattern lists llama.cpp uses for each name (llama-vocab.cpp), applied in order, each
  // isolating its matches inside the pieces the previous one produced.
  static const char* const kLlama3[] = {
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
      "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
  static const char* const kQwen2[] = {
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
      "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"};
  static const char* const kDeepseekLlm[] = {
      "[\r\n]",
      "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-"
      "ὗὙὛὝὟ-\\x{1F7D}ᾀ-ᾴᾶ-ᾼ\\x{1FBE}ῂ-ῄῆ-ῌῐ-\\x{1FD3}ῖ-\\x{1FDB}ῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\\x{2126}ℨ\\x{212A}-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-"
      "ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
      "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
      "\\s+$",
      "[一-龥ࠀ-一가-퟿]+",
      "\\p{N}+"};
  static const char* const kDeepseekCoder[] = {"[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}"};
  static const char* const kDeepseekV3[] = {
      "\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
      "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"};
  static const char* const kGpt2[] = {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"};
  static const char* const kDefault[] = {
      "[\\p{P}\\$\\+<=>\\^~\\|]+", "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
      "\\p{N}+", "[0-9][0-9][0-9]"};

  struct Preset {
    const char* name;
    const char* const* patterns;
    size_t count;
  };
  static const Preset kPresets[] = {
      {"llama-bpe", kLlama3, 1},        {"llama3", kLlama3, 1},        {"dbrx", kLlama3, 1},
      {"smaug-bpe", kLlama3, 1},        {"qwen2", kQwen2, 1},          {"deepseek-r1-qwen", kQwen2, 1},
      {"stablelm2", kQwen2, 1},         {"deepseek-llm", kDeepseekLlm, 6},
      {"deepseek-coder", kDeepseekCoder, 5}, {"deepseek-v3", kDeepseekV3, 3},
      {"gpt-2", kGpt2, 1},              {"default", kDefault, 4}};
  for (const Preset& p : kPresets) {
    if (name != p.name) continue;
    PreTokenizer pre;
    for (size_t i = 0; i < p.count; ++i) {
      auto regex = Regex::Compile(p.patterns[i]);
      if (!regex.ok()) return InternalError("built-in pre-tokenizer '" + std::string(name) + "': " + regex.status().message());
      pre.AddSplit(std::move(regex).value(), Behavior::kIsolated);
    }
    return pre;
  }
  return Unsupported("tokenizer.ggml.pre '" + std::string(name) +
                     "' is not supported (supported: qwen2, deepseek-r1-qwen, deepseek-llm, deepseek-coder, "
                     "deepseek-v3, llama-bpe, gpt-2, default)");
}

}  // namespace enclave
