// WordPiece (BERT): each word becomes the longest vocabulary prefix, then "##"-prefixed
// continuations; a word with no segmentation becomes [UNK].
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/vocabulary.h"

namespace enclave {

struct WordPieceSpec {
  std::string continuing_prefix = "##";
  size_t max_input_chars_per_word = 100;
  bool cleanup = true;  // decoder: " ." -> ".", " n't" -> "n't", ...
};

class WordPieceTokenizer final : public PipelineTokenizer {
 public:
  static Expected<std::unique_ptr<Tokenizer>> Create(VocabularySpec vocab, PipelineSpec pipeline,
                                                     WordPieceSpec wordpiece);
  std::string TokenBytes(int32_t id) const override;
  std::string_view model_name() const override { return "wordpiece"; }

 protected:
  void EncodeWord(std::string_view word, std::vector<int32_t>& out) const override;
  bool StripsFirstSpace() const override { return true; }

 private:
  explicit WordPieceTokenizer(PipelineSpec pipeline) : PipelineTokenizer(std::move(pipeline)) {}
  WordPieceSpec spec_;
  int32_t unk_ = 0;
};

}  // namespace enclave
