// A small backtracking regex engine for pre-tokenizer patterns, over decoded code points.
//
// Supports what tokenizer.json files and llama.cpp's pre-tokenizers use: alternation, groups
// (?:..) (?i:..), lookahead (?!..) (?=..), classes [..] [^..] with ranges, \p{L} \p{N} \p{P}
// \p{S} \p{M} \p{Z} \p{C} (and \P{..}), \s \S \d \D \w \W, escapes (\r \n \t \xHH \x{..}
// \uXXXX), '.', anchors ^ $, and quantifiers ? * + {n} {n,} {n,m}. Matching is leftmost-first
// with greedy quantifiers, as in Oniguruma / PCRE / Rust regex for these patterns.
// Case-insensitive groups fold ASCII letters only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace enclave {

// Decoded text: code points and their unicode::Flags, so every class test is a table lookup.
struct CodepointText {
  std::vector<uint32_t> cps;    // [n] code points (unicode::kInvalidCodepoint for bad bytes)
  std::vector<uint8_t> flags;   // [n] unicode::Flags(cps[i])
  std::vector<uint32_t> bytes;  // [n + 1] byte offset of each code point in the UTF-8 text
  void Assign(std::string_view utf8);
};

class Regex {
 public:
  static Expected<Regex> Compile(const std::string& pattern);
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  // Appends the [begin, end) code point ranges of all non-overlapping, non-empty matches
  // inside text[begin, end) (the span is the whole subject: ^ and $ refer to its ends).
  void FindAll(const CodepointText& text, uint32_t begin, uint32_t end,
               std::vector<std::pair<uint32_t, uint32_t>>& matches) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Program;
  Regex() = default;
  std::string pattern_;
  std::unique_ptr<Program> program_;
};

}  // namespace enclave
