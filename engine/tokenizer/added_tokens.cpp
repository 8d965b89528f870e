#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/unicode.h"

namespace enclave {
namespace {

// Start of the code point that ends at byte offset `end` (> 0).
size_t PreviousStart(std::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) --start;
  return start;
}
uint32_t CodepointAt(std::string_view text, size_t begin) {
  size_t pos = begin;
  return unicode::DecodeUtf8(text, pos);
}
uint32_t CodepointBefore(std::string_view text, size_t end) { return CodepointAt(text, PreviousStart(text, end)); }
bool IsWordChar(uint32_t cp) {
  const auto cat = unicode::MajorCategory(cp);
  return cp == '_' || cat == unicode::kLetter || cat == unicode::kNumber;
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens, Priority priority)
    : priority_(priority) {
  trie_.emplace_back();
  for (const AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    uint32_t node = 0;
    for (char ch : t.content) {
      const auto byte = static_cast<uint8_t>(ch);
      auto& next = trie_[node].next;
      auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(byte, uint32_t{0}));
      if (it != next.end() && it->first == byte) {
        node = it->second;
        continue;
      }
      const auto child = static_cast<uint32_t>(trie_.size());
      next.insert(it, {byte, child});
      trie_.emplace_back();
      node = child;
    }
    if (trie_[node].token < 0) {  // the first of duplicate contents wins
      trie_[node].token = static_cast<int32_t>(tokens_.size());
      tokens_.push_back(t);
    }
  }
}

void AddedTokenMatcher::FindAll(std::string_view text, std::vector<Match>& all) const {
  for (size_t i = 0; i < text.size(); ++i) {
    uint32_t node = 0;
    for (size_t j = i; j < text.size(); ++j) {
      const auto& next = trie_[node].next;
      const auto byte = static_cast<uint8_t>(text[j]);
      auto it = std::lower_bound(next.begin(), next.end(), std::make_pair(byte, uint32_t{0}));
      if (it == next.end() || it->first != byte) break;
      node = it->second;
      if (trie_[node].token >= 0)
        all.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j + 1), static_cast<uint32_t>(trie_[node].token)});
    }
  }
}

std::vector<AddedTokenMatcher::Match> AddedTokenMatcher::SelectLeftmostLongest(
    std::string_view text, const std::vector<Match>& all) const {
  // `all` is ordered by begin, then by end ascending: the longest at a start is the last one.
  std::vector<Match> chosen;
  uint32_t covered_until = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j + 1 < all.size() && all[j + 1].begin == all[i].begin) ++j;
    const Match m = all[j];
    i = j + 1;
    if (m.begin < covered_until) continue;
    covered_until = m.end;  // the automaton moves past it even if single_word rejects it
    const AddedToken& t = tokens_[m.token];
    if (t.single_word) {
      const bool word_before = m.begin > 0 && IsWordChar(CodepointBefore(text, m.begin));
      const bool word_after = m.end < text.size() && IsWordChar(CodepointAt(text, m.end));
      if (word_before || word_after) continue;
    }
    chosen.push_back(m);
  }
  return chosen;
}

std::vector<AddedTokenMatcher::Match> AddedTokenMatcher::SelectLongestFirst(std::string_view text,
                                                                            const std::vector<Match>& all) const {
  std::vector<Match> order = all;
  std::stable_sort(order.begin(), order.end(), [](const Match& a, const Match& b) {
    const uint32_t la = a.end - a.begin, lb = b.end - b.begin;
    if (la != lb) return la > lb;
    return a.token < b.token;
  });
  std::vector<uint8_t> taken(text.size(), 0);  // [text bytes] 1 where a chosen token lies
  std::vector<Match> chosen;
  for (const Match& m : order) {
    if (std::find(taken.begin() + m.begin, taken.begin() + m.end, 1) != taken.begin() + m.end) continue;
    std::fill(taken.begin() + m.begin, taken.begin() + m.end, 1);
    chosen.push_back(m);
  }
  std::sort(chosen.begin(), chosen.end(), [](const Match& a, const Match& b) { return a.begin < b.begin; });
  return chosen;
}

void AddedTokenMatcher::Split(std::string_view text, std::vector<Piece>& out) const {
  std::vector<Match> all;
  if (!tokens_.empty()) FindAll(text, all);
  const std::vector<Match> chosen =
      priority_ == Priority::kLeftmostLongest ? SelectLeftmostLongest(text, all) : SelectLongestFirst(text, all);
  uint32_t pos = 0;
  for (const Match& m : chosen) {
    uint32_t begin = m.begin, end = m.end;
    if (begin < pos) continue;  // swallowed by the previous token's rstrip
    const AddedToken& t = tokens_[m.token];
    if (t.lstrip) {
      while (begin > pos) {
        const size_t previous = PreviousStart(text, begin);
        if (previous < pos || !unicode::IsWhiteSpace(CodepointAt(text, previous))) break;
        begin = static_cast<uint32_t>(previous);
      }
    }
    if (t.rstrip) {
      while (end < text.size()) {
        size_t next = end;
        if (!unicode::IsWhiteSpace(unicode::DecodeUtf8(text, next))) break;
        end = static_cast<uint32_t>(next);
      }
    }
    if (begin > pos) out.push_back({pos, begin, -1});
    out.push_back({begin, end, t.id});
    pos = end;
  }
  if (pos < text.size()) out.push_back({pos, static_cast<uint32_t>(text.size()), -1});
}

}  // namespace enclave
