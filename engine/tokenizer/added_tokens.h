// Finds added (special and user-defined) tokens in text before the model sees it, so that
// "<|im_end|>" becomes one id instead of being split by BPE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace enclave {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;      // control token (skipped by Decode(skip_special=true))
  bool normalized = false;   // matched against normalised text instead of the raw input
  bool lstrip = false;       // swallows whitespace on its left
  bool rstrip = false;       // swallows whitespace on its right
  bool single_word = false;  // only matched when not inside a word
};

class AddedTokenMatcher {
 public:
  // Which of two overlapping candidates wins.
  enum class Priority {
    kLeftmostLongest,  // Hugging Face tokenizers (Aho-Corasick, leftmost-longest)
    kLongestFirst,     // llama.cpp: longer tokens are cut out of the text first
  };

  AddedTokenMatcher() = default;
  AddedTokenMatcher(const std::vector<AddedToken>& tokens, Priority priority);
  bool empty() const { return tokens_.empty(); }

  struct Piece {
    uint32_t begin, end;  // byte range in the text
    int32_t id;           // -1: plain text for the model
  };
  // Partitions `text` into plain-text pieces and matched tokens, in order.
  void Split(std::string_view text, std::vector<Piece>& out) const;

 private:
  struct Match {
    uint32_t begin, end;
    uint32_t token;  // index into tokens_
  };
  void FindAll(std::string_view text, std::vector<Match>& all) const;
  std::vector<Match> SelectLeftmostLongest(std::string_view text, const std::vector<Match>& all) const;
  std::vector<Match> SelectLongestFirst(std::string_view text, const std::vector<Match>& all) const;

  struct TrieNode {
    std::vector<std::pair<uint8_t, uint32_t>> next;  // sorted by byte
    int32_t token = -1;                               // index into tokens_ ending here
  };
  std::vector<AddedToken> tokens_;
  std::vector<TrieNode> trie_;  // [0] is the root
  Priority priority_ = Priority::kLeftmostLongest;
};

}  // namespace enclave
