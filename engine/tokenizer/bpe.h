// Byte-level BPE (GPT-2 family: Qwen2, DeepSeek, Llama 3): every byte of a word starts as its
// own symbol; adjacent pairs merge in the order of the merges list (lowest rank first,
// leftmost first on ties) until no listed pair is left.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "tokenizer/pipeline_tokenizer.h"
#include "tokenizer/vocabulary.h"

namespace enclave {

struct BpeSpec {
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order, as token texts
  bool ignore_merges = false;  // a word that is a whole vocabulary entry is taken as is (Llama 3)
  // Hugging Face decodes added tokens through the byte map when all their characters are in
  // it; llama.cpp copies their text.
  bool byte_decode_added_tokens = false;
};

// (left id, right id) -> (rank, merged id), open addressing.
class MergeTable {
 public:
  struct Merge {
    int32_t rank;
    int32_t merged;
  };
  void Reserve(size_t n);
  void Insert(int32_t left, int32_t right, Merge merge);  // keeps the first (lowest rank)
  const Merge* Find(int32_t left, int32_t right) const {
    const uint64_t key = Key(left, right);
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t Key(int32_t l, int32_t r) { return (uint64_t(uint32_t(l)) << 32) | uint32_t(r); }
  size_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  std::vector<uint64_t> keys_ = std::vector<uint64_t>(2, kEmpty);  // [capacity] pair keys
  std::vector<Merge> values_ = std::vector<Merge>(2);               // [capacity]
  size_t mask_ = 1;
  int shift_ = 63;
  size_t size_ = 0;
};

class ByteLevelBpeTokenizer final : public PipelineTokenizer {
 public:
  static Expected<std::unique_ptr<Tokenizer>> Create(VocabularySpec vocab, PipelineSpec pipeline, BpeSpec bpe);

  std::string TokenBytes(int32_t id) const override;
  std::string_view model_name() const override { return "bpe"; }
  // The word cache: how many words it keeps before it starts over (0: no cache). Not to be
  // called while another thread encodes. Benchmarks use these to measure cold encoding.
  void SetCacheCapacity(size_t words);
  void ClearCache() const;

 protected:
  void EncodeWord(std::string_view word, std::vector<int32_t>& out) const override;

 private:
  explicit ByteLevelBpeTokenizer(PipelineSpec pipeline) : PipelineTokenizer(std::move(pipeline)) {}
  void Merge(std::vector<int32_t>& symbols) const;
  void MergeLong(std::vector<int32_t>& symbols) const;

  std::vector<std::string> bytes_;  // [vocab_size] raw bytes each token decodes to
  int32_t byte_ids_[256];           // id of the single-byte token of each byte, -1 if none
  MergeTable merges_;
  bool ignore_merges_ = false;
  std::unordered_map<std::string, int32_t> id_of_bytes_;  // normal tokens by raw bytes (ignore_merges)

  size_t cache_capacity_ = 1 << 16;  // words; the cache is cleared when full
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace enclave
