#include "tokenizer/pipeline_tokenizer.h"

namespace enclave {
namespace {

std::vector<AddedToken> Select(const std::vector<AddedToken>& all, bool normalized) {
  std::vector<AddedToken> out;
  for (const AddedToken& t : all)
    if (t.normalized == normalized) out.push_back(t);
  return out;
}

}  // namespace

PipelineTokenizer::PipelineTokenizer(PipelineSpec spec)
    : normalizer_(std::move(spec.normalizer)),
      pre_tokenizer_(std::move(spec.pre_tokenizer)),
      raw_added_(Select(spec.added_tokens, false), spec.priority),
      normalized_added_(Select(spec.added_tokens, true), spec.priority),
      prefix_ids_(std::move(spec.prefix_ids)),
      suffix_ids_(std::move(spec.suffix_ids)) {}

std::vector<int32_t> PipelineTokenizer::Encode(std::string_view text, bool add_special) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  if (add_special) ids = prefix_ids_;
  std::vector<AddedTokenMatcher::Piece> pieces;
  raw_added_.Split(text, pieces);
  for (const auto& p : pieces) {
    if (p.id >= 0) {
      ids.push_back(p.id);
      continue;
    }
    const std::string_view raw = text.substr(p.begin, p.end - p.begin);
    if (normalizer_.empty()) {
      EncodeNormalized(raw, ids);
    } else {
      const std::string normalized = normalizer_.Apply(raw);
      EncodeNormalized(normalized, ids);
    }
  }
  if (add_special) ids.insert(ids.end(), suffix_ids_.begin(), suffix_ids_.end());
  return ids;
}

void PipelineTokenizer::EncodeNormalized(std::string_view text, std::vector<int32_t>& out) const {
  if (normalized_added_.empty()) return EncodePlain(text, out);
  std::vector<AddedTokenMatcher::Piece> pieces;
  normalized_added_.Split(text, pieces);
  for (const auto& p : pieces) {
    if (p.id >= 0) out.push_back(p.id);
    else EncodePlain(text.substr(p.begin, p.end - p.begin), out);
  }
}

void PipelineTokenizer::EncodePlain(std::string_view text, std::vector<int32_t>& out) const {
  thread_local std::vector<std::pair<uint32_t, uint32_t>> words;
  words.clear();
  pre_tokenizer_.Split(text, words);
  for (const auto& [begin, end] : words) EncodeWord(text.substr(begin, end - begin), out);
}

}  // namespace enclave
