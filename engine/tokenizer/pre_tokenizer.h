// Pre-tokenization: splits normalised text into the words the model tokenizes one by one
// (Hugging Face "pre_tokenizer", llama.cpp's regex lists per tokenizer.ggml.pre).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "tokenizer/regex.h"

namespace enclave {

class PreTokenizer {
 public:
  // What happens to the text a Split pattern matches (HF SplitDelimiterBehavior).
  enum class Behavior { kIsolated, kRemoved, kMergedWithPrevious, kMergedWithNext };

  // invert: the pattern matches the words, not the delimiters.
  void AddSplit(Regex pattern, Behavior behavior, bool invert = false);
  // BertPreTokenizer: whitespace removed, every punctuation character a word of its own.
  void AddBert();
  // WhitespaceSplit: whitespace removed.
  void AddWhitespaceSplit();
  bool empty() const { return steps_.empty(); }

  // The words of `text` as byte ranges [begin, end), in order. No steps: the whole text.
  void Split(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& words) const;

  // llama.cpp's pre-tokenizer for a GGUF tokenizer.ggml.pre name ("qwen2", "deepseek-llm",
  // "deepseek-coder", "deepseek-v3", "llama-bpe", "gpt-2", "default", ...).
  static Expected<PreTokenizer> ForGgufName(std::string_view name);

 private:
  enum class Kind { kSplit, kBert, kWhitespaceSplit };
  struct Step {
    Kind kind;
    Behavior behavior = Behavior::kIsolated;
    bool invert = false;
    std::shared_ptr<const Regex> regex;  // kSplit only
  };
  std::vector<Step> steps_;
};

// Hugging Face ByteLevel(use_regex=true) pattern (GPT-2).
inline constexpr const char* kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

}  // namespace enclave
