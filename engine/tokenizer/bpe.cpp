#include "tokenizer/bpe.h"

#include <algorithm>
#include <queue>

#include "tokenizer/byte_level.h"
#include "tokenizer/unicode.h"

namespace enclave {

void MergeTable::Reserve(size_t n) {
  size_t capacity = 16;
  shift_ = 60;
  while (capacity < 2 * n) capacity *= 2, --shift_;
  keys_.assign(capacity, kEmpty);
  values_.assign(capacity, Merge{});
  mask_ = capacity - 1;
  size_ = 0;
}

void MergeTable::Insert(int32_t left, int32_t right, Merge merge) {
  if (2 * (size_ + 1) > keys_.size()) {  // grow, re-inserting what is there
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<Merge> values = std::move(values_);
    Reserve(std::max<size_t>(keys.size(), 8));
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != kEmpty) Insert(int32_t(keys[i] >> 32), int32_t(keys[i] & 0xFFFFFFFFu), values[i]);
  }
  const uint64_t key = Key(left, right);
  for (size_t i = Slot(key);; i = (i + 1) & mask_) {
    if (keys_[i] == key) return;
    if (keys_[i] == kEmpty) {
      keys_[i] = key;
      values_[i] = merge;
      ++size_;
      return;
    }
  }
}

Expected<std::unique_ptr<Tokenizer>> ByteLevelBpeTokenizer::Create(VocabularySpec vocab, PipelineSpec pipeline,
                                                                    BpeSpec bpe) {
  if (vocab.tokens.empty()) return BadInput("BPE vocabulary is empty");
  if (bpe.merges.empty()) return BadInput("BPE vocabulary has no merges");
  std::unique_ptr<ByteLevelBpeTokenizer> t(new ByteLevelBpeTokenizer(std::move(pipeline)));
  t->SetVocabulary(std::move(vocab));
  t->ignore_merges_ = bpe.ignore_merges;

  const int32_t n = t->vocab_size();
  t->bytes_.resize(n);
  std::fill(std::begin(t->byte_ids_), std::end(t->byte_ids_), -1);
  for (int32_t id = 0; id < n; ++id) {
    const std::string& text = t->tokens_[id];
    const bool normal = t->kinds_[id] == TokenKind::kNormal;
    std::string raw;
    if (normal || bpe.byte_decode_added_tokens) {
      if (!byte_level::Decode(text, raw)) raw = text;
    } else {
      raw = text;
    }
    if (normal) {
      if (raw.size() == 1 && t->byte_ids_[static_cast<uint8_t>(raw[0])] < 0)
        t->byte_ids_[static_cast<uint8_t>(raw[0])] = id;
      if (t->ignore_merges_) t->id_of_bytes_.emplace(raw, id);
    }
    t->bytes_[id] = std::move(raw);
  }

  t->merges_.Reserve(bpe.merges.size());
  for (size_t rank = 0; rank < bpe.merges.size(); ++rank) {
    const auto& [left, right] = bpe.merges[rank];
    const auto l = t->TokenId(left), r = t->TokenId(right), m = t->TokenId(left + right);
    if (!l || !r || !m)
      return BadInput("merge " + std::to_string(rank) + " ('" + left + "' '" + right +
                      "') names a token that is not in the vocabulary");
    t->merges_.Insert(*l, *r, {static_cast<int32_t>(rank), *m});
  }
  return std::unique_ptr<Tokenizer>(std::move(t));
}

std::string ByteLevelBpeTokenizer::TokenBytes(int32_t id) const {
  return (id >= 0 && id < vocab_size()) ? bytes_[id] : std::string();
}

void ByteLevelBpeTokenizer::SetCacheCapacity(size_t words) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_capacity_ = words;
  cache_.clear();
}

void ByteLevelBpeTokenizer::ClearCache() const {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.clear();
}

// Short words: scan for the best pair each round (n is small, no allocation).
void ByteLevelBpeTokenizer::Merge(std::vector<int32_t>& s) const {
  for (;;) {
    int32_t best_rank = INT32_MAX, best_merged = -1;
    size_t best = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      const MergeTable::Merge* m = merges_.Find(s[i], s[i + 1]);
      if (m && m->rank < best_rank) best_rank = m->rank, best_merged = m->merged, best = i;
    }
    if (best_merged < 0) return;
    s[best] = best_merged;
    s.erase(s.begin() + best + 1);
  }
}

// Long words (runs of CJK text, long identifiers): a linked list of symbols and a queue of
// candidate pairs ordered by (rank, position); stale candidates are skipped when popped.
void ByteLevelBpeTokenizer::MergeLong(std::vector<int32_t>& s) const {
  const int32_t n = static_cast<int32_t>(s.size());
  std::vector<int32_t> prev(n), next(n);
  for (int32_t i = 0; i < n; ++i) prev[i] = i - 1, next[i] = i + 1 < n ? i + 1 : -1;
  struct Candidate {
    int32_t rank, left, left_id, right_id, merged;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int32_t left) {
    if (left < 0 || next[left] < 0) return;
    if (const MergeTable::Merge* m = merges_.Find(s[left], s[next[left]]))
      queue.push({m->rank, left, s[left], s[next[left]], m->merged});
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i);
  std::vector<bool> alive(n, true);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    const int32_t right = next[c.left];
    if (!alive[c.left] || right < 0 || s[c.left] != c.left_id || s[right] != c.right_id) continue;
    s[c.left] = c.merged;
    alive[right] = false;
    next[c.left] = next[right];
    if (next[right] >= 0) prev[next[right]] = c.left;
    consider(prev[c.left]);
    consider(c.left);
  }
  size_t out = 0;
  for (int32_t i = 0; i >= 0 && i < n; i = next[i]) s[out++] = s[i];
  s.resize(out);
}

void ByteLevelBpeTokenizer::EncodeWord(std::string_view word, std::vector<int32_t>& out) const {
  if (word.size() == 1) {
    const int32_t id = byte_ids_[static_cast<uint8_t>(word[0])];
    if (id >= 0) out.push_back(id);
    return;
  }
  if (ignore_merges_) {
    const auto it = id_of_bytes_.find(std::string(word));
    if (it != id_of_bytes_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  thread_local std::string key;
  key.assign(word);
  if (cache_capacity_ > 0) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    const auto it = cache_.find(key);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> symbols;
  symbols.reserve(word.size());
  for (char c : word) {
    const int32_t id = byte_ids_[static_cast<uint8_t>(c)];
    if (id >= 0) symbols.push_back(id);  // a vocabulary without this byte drops it, as HF does
  }
  if (symbols.size() <= 48) Merge(symbols);
  else MergeLong(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
  if (cache_capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= cache_capacity_) cache_.clear();
  cache_.emplace(key, std::move(symbols));
}

}  // namespace enclave
