// Sentence embeddings from a BERT-family Hugging Face folder (all-MiniLM-L6-v2 and the like):
// WordPiece tokens with [CLS] ... [SEP], truncated to the model's max_seq_length, run through
// BertEncoder in batches, mean-pooled and L2-normalised (what sentence-transformers returns).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "model/bert.h"
#include "tokenizer/tokenizer.h"

namespace enclave {

struct EmbedderOptions {
  int n_threads = 0;    // CPU threads (0 = all cores)
  int batch_size = 32;  // texts per forward pass
  int max_tokens = 0;   // truncation length (0: sentence_bert_config.json max_seq_length, else the
                        // model's max_position_embeddings)
};

struct EmbedderStats {
  int64_t texts = 0;           // embedded by the last Embed() call
  int64_t tokens = 0;          // tokens they made, [CLS]/[SEP] included
  double seconds = 0.0;        // wall time of the last Embed() call
  double embeddings_per_second() const { return seconds > 0 ? texts / seconds : 0.0; }
};

class Embedder {
 public:
  static Expected<std::unique_ptr<Embedder>> Open(const std::string& folder, const EmbedderOptions& options = {});

  int dimension() const { return encoder_->config().hidden; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }

  // One unit-length vector [dimension] per text, in order.
  Expected<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts);
  // Token ids as the encoder sees them: [CLS] text [SEP], truncated (the [SEP] kept).
  std::vector<int32_t> Tokenize(const std::string& text) const;

  const EmbedderStats& last_stats() const { return stats_; }

 private:
  Embedder() = default;

  EmbedderOptions options_;
  int max_tokens_ = 0;
  std::unique_ptr<Backend> backend_;  // declared before encoder_: destroyed after it
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<BertEncoder> encoder_;
  EmbedderStats stats_;
};

}  // namespace enclave
