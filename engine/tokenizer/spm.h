// SentencePiece BPE as llama.cpp runs it for GGUF "llama" vocabularies (Gemma 3, Llama 2):
// spaces become "▁", symbols start as single characters, and the adjacent pair whose merged
// text is the vocabulary entry with the highest score merges first. Characters with no entry
// fall back to their bytes (<0xXX> tokens).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocabulary.h"

namespace enclave {

struct SpmSpec {
  std::vector<float> scores;  // [vocab_size] merge priority of each entry
  std::vector<AddedToken> added_tokens;
  bool add_space_prefix = false;  // a "▁" in front of text that starts the input or follows a special token
  bool adds_eos = false;
};

class SpmTokenizer final : public Tokenizer {
 public:
  static Expected<std::unique_ptr<Tokenizer>> Create(VocabularySpec vocab, SpmSpec spm);

  std::vector<int32_t> Encode(std::string_view text, bool add_special) const override;
  std::string TokenBytes(int32_t id) const override;
  std::string_view model_name() const override { return "spm"; }

 protected:
  bool StripsFirstSpace() const override { return add_space_prefix_; }

 private:
  SpmTokenizer() = default;
  void EncodeFragment(std::string_view escaped, std::vector<int32_t>& out) const;

  std::vector<float> scores_;  // [vocab_size]
  int32_t byte_ids_[256];      // <0xXX> token of each byte, -1 if none
  AddedTokenMatcher added_;
  bool add_space_prefix_ = false;
  bool adds_eos_ = false;
};

}  // namespace enclave
