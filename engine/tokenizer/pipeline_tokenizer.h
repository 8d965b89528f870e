// The Hugging Face tokenizers pipeline shared by byte-level BPE and WordPiece:
//   added tokens (raw) -> normalizer -> added tokens (normalised) -> pre-tokenizer
//   -> model, one word at a time -> post-processor ids around the sequence.
#pragma once

#include <string_view>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace enclave {

struct PipelineSpec {
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  std::vector<AddedToken> added_tokens;
  AddedTokenMatcher::Priority priority = AddedTokenMatcher::Priority::kLeftmostLongest;
  std::vector<int32_t> prefix_ids;  // post-processor: before a single sequence (BOS, [CLS])
  std::vector<int32_t> suffix_ids;  // after it ([SEP], EOS)
};

class PipelineTokenizer : public Tokenizer {
 public:
  std::vector<int32_t> Encode(std::string_view text, bool add_special) const final;

 protected:
  explicit PipelineTokenizer(PipelineSpec spec);
  // The model: appends the ids of one pre-tokenized word.
  virtual void EncodeWord(std::string_view word, std::vector<int32_t>& out) const = 0;

 private:
  void EncodeNormalized(std::string_view text, std::vector<int32_t>& out) const;
  void EncodePlain(std::string_view text, std::vector<int32_t>& out) const;

  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  AddedTokenMatcher raw_added_;         // added tokens with normalized=false, found in the input
  AddedTokenMatcher normalized_added_;  // normalized=true, found in normalised text
  std::vector<int32_t> prefix_ids_, suffix_ids_;
};

}  // namespace enclave
