#include "tokenizer/wordpiece.h"

#include <fstream>

#include "tokenizer/unicode.h"

namespace enclave {

Expected<std::unique_ptr<Tokenizer>> WordPieceTokenizer::Create(VocabularySpec vocab, PipelineSpec pipeline,
                                                                 WordPieceSpec wordpiece) {
  if (vocab.tokens.empty()) return BadInput("WordPiece vocabulary is empty");
  if (!vocab.unk) return BadInput("WordPiece vocabulary has no unknown token ([UNK])");
  std::unique_ptr<WordPieceTokenizer> t(new WordPieceTokenizer(std::move(pipeline)));
  t->spec_ = std::move(wordpiece);
  t->unk_ = *vocab.unk;
  t->SetVocabulary(std::move(vocab));
  return std::unique_ptr<Tokenizer>(std::move(t));
}

void WordPieceTokenizer::EncodeWord(std::string_view word, std::vector<int32_t>& out) const {
  // Character boundaries of the word.
  std::vector<size_t> bounds;
  for (size_t pos = 0; pos < word.size();) {
    bounds.push_back(pos);
    unicode::DecodeUtf8(word, pos);
  }
  bounds.push_back(word.size());
  if (bounds.size() - 1 > spec_.max_input_chars_per_word) {
    out.push_back(unk_);
    return;
  }
  const size_t mark = out.size();
  std::string candidate;
  for (size_t start = 0; start + 1 < bounds.size();) {
    std::optional<int32_t> found;
    size_t end = bounds.size() - 1;
    for (; end > start; --end) {
      candidate.clear();
      if (start > 0) candidate = spec_.continuing_prefix;
      candidate.append(word.substr(bounds[start], bounds[end] - bounds[start]));
      found = TokenId(candidate);
      if (found) break;
    }
    if (!found) {
      out.resize(mark);
      out.push_back(unk_);
      return;
    }
    out.push_back(*found);
    start = end;
  }
}

std::string WordPieceTokenizer::TokenBytes(int32_t id) const {
  if (id < 0 || id >= vocab_size()) return {};
  const std::string& text = tokens_[id];
  const std::string& prefix = spec_.continuing_prefix;
  std::string piece = (!prefix.empty() && text.compare(0, prefix.size(), prefix) == 0 && !IsSpecial(id))
                          ? text.substr(prefix.size())
                          : " " + text;
  if (!spec_.cleanup) return piece;
  // The decoder's per-token clean-up (Hugging Face WordPiece decoder, cleanup=true).
  static constexpr std::pair<std::string_view, std::string_view> kRules[] = {
      {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kRules) {
    for (size_t at = piece.find(from); at != std::string::npos; at = piece.find(from, at + to.size()))
      piece.replace(at, from.size(), to);
  }
  return piece;
}

// BertNormalizer (clean text, CJK spacing, lowercase + strip accents when `lowercase`),
// BertPreTokenizer and [CLS] ... [SEP], as BertTokenizer sets them up for a bare vocab.txt.
Expected<std::unique_ptr<Tokenizer>> LoadWordPieceVocab(const std::string& path, bool lowercase) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open the WordPiece vocabulary");
  VocabularySpec vocab;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.tokens.push_back(line);
  }
  if (vocab.tokens.empty()) return BadInput(path + ": the WordPiece vocabulary is empty");
  vocab.kinds.assign(vocab.tokens.size(), TokenKind::kNormal);
  PipelineSpec pipeline;
  std::optional<int32_t> cls, sep;
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    const std::string& t = vocab.tokens[id];
    if (t != "[PAD]" && t != "[UNK]" && t != "[CLS]" && t != "[SEP]" && t != "[MASK]") continue;
    vocab.kinds[id] = TokenKind::kControl;
    pipeline.added_tokens.push_back({static_cast<int32_t>(id), t, true});
    if (t == "[UNK]") vocab.unk = static_cast<int32_t>(id);
    if (t == "[PAD]") vocab.pad = static_cast<int32_t>(id);
    if (t == "[CLS]") cls = static_cast<int32_t>(id);
    if (t == "[SEP]") sep = static_cast<int32_t>(id);
  }
  using Step = Normalizer::Step;
  pipeline.normalizer.Add(Step::kBertCleanText);
  pipeline.normalizer.Add(Step::kBertChineseChars);
  if (lowercase) {
    pipeline.normalizer.Add(Step::kStripAccents);
    pipeline.normalizer.Add(Step::kLowercase);
  }
  pipeline.pre_tokenizer.AddBert();
  if (cls) pipeline.prefix_ids.push_back(*cls);
  if (sep) pipeline.suffix_ids.push_back(*sep);
  auto t = WordPieceTokenizer::Create(std::move(vocab), std::move(pipeline), WordPieceSpec{});
  if (!t.ok()) return t.status().WithContext(path);
  return t;
}

}  // namespace enclave
