#include "runtime/embedder.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

namespace enclave {

Expected<std::unique_ptr<Embedder>> Embedder::Open(const std::string& folder, const EmbedderOptions& options) {
  if (options.batch_size <= 0) return InvalidArgument("embedder batch size must be positive");
  std::unique_ptr<Embedder> e(new Embedder());
  e->options_ = options;
  ENCLAVE_ASSIGN_OR_RETURN(e->backend_, CreateBackend({.device = "cpu", .n_threads = options.n_threads}));
  ENCLAVE_ASSIGN_OR_RETURN(e->tokenizer_, LoadTokenizerFromHfFolder(folder));
  ENCLAVE_ASSIGN_OR_RETURN(e->encoder_, BertEncoder::Open(folder, *e->backend_));

  int max_tokens = options.max_tokens;
  if (max_tokens <= 0) {
    // sentence-transformers truncates to max_seq_length (256 for all-MiniLM-L6-v2), not 512.
    std::ifstream in(folder + "/sentence_bert_config.json");
    if (in) {
      nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (j.is_object()) max_tokens = j.value("max_seq_length", 0);
    }
  }
  const int limit = e->encoder_->config().max_positions;
  e->max_tokens_ = max_tokens > 0 ? std::min(max_tokens, limit) : limit;
  if (e->max_tokens_ < 2) return InvalidArgument("embedder max_tokens must be at least 2");
  return e;
}

std::vector<int32_t> Embedder::Tokenize(const std::string& text) const {
  std::vector<int32_t> ids = tokenizer_->Encode(text, /*add_special=*/true);
  if (static_cast<int>(ids.size()) > max_tokens_) {
    const int32_t last = ids.back();  // [SEP]
    ids.resize(max_tokens_);
    ids.back() = last;
  }
  return ids;
}

Expected<std::vector<std::vector<float>>> Embedder::Embed(const std::vector<std::string>& texts) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::vector<int32_t>> ids(texts.size());
  int64_t tokens = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    ids[i] = Tokenize(texts[i]);
    tokens += static_cast<int64_t>(ids[i].size());
  }
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  const size_t batch = static_cast<size_t>(options_.batch_size);
  for (size_t first = 0; first < ids.size(); first += batch) {
    const size_t count = std::min(batch, ids.size() - first);
    ENCLAVE_ASSIGN_OR_RETURN(auto vectors,
                             encoder_->EmbedIds(std::span<const std::vector<int32_t>>(ids.data() + first, count)));
    for (auto& v : vectors) out.push_back(std::move(v));
  }
  stats_.texts = static_cast<int64_t>(texts.size());
  stats_.tokens = tokens;
  stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace enclave
