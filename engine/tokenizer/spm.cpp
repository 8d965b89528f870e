#include "tokenizer/spm.h"

#include <algorithm>
#include <cstdio>
#include <queue>

#include "tokenizer/unicode.h"

namespace enclave {
namespace {

constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581 "▁"

std::string EscapeSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char c : text) {
    if (c == ' ') out += kSpaceMark;
    else out.push_back(c);
  }
  return out;
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> SpmTokenizer::Create(VocabularySpec vocab, SpmSpec spm) {
  if (vocab.tokens.empty()) return BadInput("SentencePiece vocabulary is empty");
  if (spm.scores.size() != vocab.tokens.size())
    return BadInput("SentencePiece vocabulary has " + std::to_string(vocab.tokens.size()) + " tokens but " +
                    std::to_string(spm.scores.size()) + " scores");
  std::unique_ptr<SpmTokenizer> t(new SpmTokenizer());
  t->adds_eos_ = spm.adds_eos;
  t->add_space_prefix_ = spm.add_space_prefix;
  t->scores_ = std::move(spm.scores);
  t->added_ = AddedTokenMatcher(spm.added_tokens, AddedTokenMatcher::Priority::kLongestFirst);
  t->SetVocabulary(std::move(vocab));
  std::fill(std::begin(t->byte_ids_), std::end(t->byte_ids_), -1);
  for (int32_t id = 0; id < t->vocab_size(); ++id) {
    unsigned byte = 0;
    const std::string& text = t->tokens_[id];
    if (t->kinds_[id] == TokenKind::kByte && text.size() == 6 && std::sscanf(text.c_str(), "<0x%02X>", &byte) == 1)
      t->byte_ids_[byte & 0xFF] = id;
  }
  return std::unique_ptr<Tokenizer>(std::move(t));
}

std::vector<int32_t> SpmTokenizer::Encode(std::string_view text, bool add_special) const {
  std::vector<int32_t> ids;
  if (add_special && adds_bos_ && bos_id_) ids.push_back(*bos_id_);
  std::vector<AddedTokenMatcher::Piece> pieces;
  added_.Split(text, pieces);
  bool after_special = true;  // the start of the input counts as following a special token
  for (const auto& p : pieces) {
    if (p.id >= 0) {
      ids.push_back(p.id);
      after_special = true;
      continue;
    }
    std::string fragment = (add_space_prefix_ && after_special) ? " " : "";
    fragment.append(text.substr(p.begin, p.end - p.begin));
    EncodeFragment(EscapeSpaces(fragment), ids);
    after_special = false;
  }
  if (add_special && adds_eos_ && eos_id_) ids.push_back(*eos_id_);
  return ids;
}

void SpmTokenizer::EncodeFragment(std::string_view text, std::vector<int32_t>& out) const {
  struct Symbol {
    uint32_t begin, size;  // bytes of `text`; size 0 once merged into its left neighbour
    int32_t prev, next;
  };
  std::vector<Symbol> symbols;
  for (size_t pos = 0; pos < text.size();) {
    const size_t begin = pos;
    unicode::DecodeUtf8(text, pos);
    const auto index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(pos - begin), index - 1,
                       pos < text.size() ? index + 1 : -1});
  }
  struct Bigram {
    float score;
    int32_t left, right;
    uint32_t size;  // merged byte length, to detect stale entries
    bool operator<(const Bigram& o) const {  // max-heap: higher score, then leftmost
      return score != o.score ? score < o.score : left > o.left;
    }
  };
  std::priority_queue<Bigram> queue;
  auto consider = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const uint32_t size = symbols[left].size + symbols[right].size;
    const auto id = TokenId(text.substr(symbols[left].begin, size));
    if (id) queue.push({scores_[*id], left, right, size});
  };
  for (size_t i = 1; i < symbols.size(); ++i) consider(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
  while (!queue.empty()) {
    const Bigram b = queue.top();
    queue.pop();
    Symbol& left = symbols[b.left];
    Symbol& right = symbols[b.right];
    if (left.size == 0 || right.size == 0 || left.size + right.size != b.size) continue;
    left.size += right.size;
    right.size = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = b.left;
    consider(left.prev, b.left);
    consider(b.left, left.next);
  }
  for (int32_t i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
    const std::string_view piece = text.substr(symbols[i].begin, symbols[i].size);
    if (const auto id = TokenId(piece)) {
      out.push_back(*id);
      continue;
    }
    for (char c : piece) {
      const int32_t id = byte_ids_[static_cast<uint8_t>(c)];
      if (id >= 0) out.push_back(id);
      else if (unk_id_) out.push_back(*unk_id_);
    }
  }
}

std::string SpmTokenizer::TokenBytes(int32_t id) const {
  if (id < 0 || id >= vocab_size()) return {};
  const std::string& text = tokens_[id];
  switch (kinds_[id]) {
    case TokenKind::kByte: {
      unsigned byte = 0;
      if (std::sscanf(text.c_str(), "<0x%02X>", &byte) == 1) return std::string(1, static_cast<char>(byte));
      return text;
    }
    case TokenKind::kNormal: {
      std::string out;
      for (size_t at = 0; at < text.size();) {
        if (text.compare(at, kSpaceMark.size(), kSpaceMark) == 0) {
          out.push_back(' ');
          at += kSpaceMark.size();
        } else {
          out.push_back(text[at++]);
        }
      }
      return out;
    }
    default: return text;
  }
}

}  // namespace enclave
