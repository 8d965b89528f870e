#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "formats/gguf.h"
#include "tokenizer/unicode.h"
#include "tokenizer/vocabulary.h"

namespace enclave {

// Token text -> id: open addressing over (hash, id) pairs; the texts stay in tokens_.
struct Tokenizer::TextIndex {
  std::vector<uint64_t> slots;  // [capacity] high 32 bits: hash, low 32 bits: id + 1 (0 = empty)
  uint64_t mask = 0;

  static uint64_t Hash(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
  }

  void Build(const std::vector<std::string>& tokens) {
    size_t capacity = 16;
    while (capacity < tokens.size() * 2) capacity *= 2;
    slots.assign(capacity, 0);
    mask = capacity - 1;
    for (size_t id = 0; id < tokens.size(); ++id) {
      if (Find(tokens, tokens[id])) continue;  // duplicate text: the first id wins
      const uint64_t h = Hash(tokens[id]);
      uint64_t i = h & mask;
      while (slots[i] != 0) i = (i + 1) & mask;
      slots[i] = (h & 0xFFFFFFFF00000000ull) | (id + 1);
    }
  }

  std::optional<int32_t> Find(const std::vector<std::string>& tokens, std::string_view text) const {
    const uint64_t h = Hash(text);
    for (uint64_t i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
      const uint64_t slot = slots[i];
      if ((slot >> 32) != (h >> 32)) continue;
      const auto id = static_cast<int32_t>((slot & 0xFFFFFFFFu) - 1);
      if (tokens[id] == text) return id;
    }
    return std::nullopt;
  }
};

void Tokenizer::SetVocabulary(VocabularySpec spec) {
  tokens_ = std::move(spec.tokens);
  kinds_ = std::move(spec.kinds);
  kinds_.resize(tokens_.size(), TokenKind::kNormal);
  bos_id_ = spec.bos;
  eos_id_ = spec.eos;
  pad_id_ = spec.pad;
  unk_id_ = spec.unk;
  adds_bos_ = spec.adds_bos;
  chat_template_ = std::move(spec.chat_template);

  auto index = std::make_shared<TextIndex>();
  index->Build(tokens_);
  text_index_ = std::move(index);

  // End of generation: EOS, the ids the source named, and the turn-end markers it has.
  static constexpr std::string_view kEndMarkers[] = {
      "<|im_end|>", "<|endoftext|>", "<｜end▁of▁sentence｜>", "<end_of_turn>", "<|eot_id|>",
      "<|eom_id|>", "<|end|>", "<EOT>", "<|end_of_text|>"};
  std::vector<int32_t> eog = std::move(spec.extra_end_of_generation);
  if (eos_id_) eog.push_back(*eos_id_);
  for (std::string_view marker : kEndMarkers) {
    const auto id = TokenId(marker);
    if (id && Kind(*id) != TokenKind::kNormal) eog.push_back(*id);
  }
  std::sort(eog.begin(), eog.end());
  eog.erase(std::unique(eog.begin(), eog.end()), eog.end());
  eog.erase(std::remove_if(eog.begin(), eog.end(), [&](int32_t id) { return id < 0 || id >= vocab_size(); }),
            eog.end());
  eog_ids_ = std::move(eog);
}

const std::string& Tokenizer::TokenText(int32_t id) const {
  static const std::string kEmpty;
  return (id >= 0 && id < vocab_size()) ? tokens_[id] : kEmpty;
}

std::optional<int32_t> Tokenizer::TokenId(std::string_view token_text) const {
  if (!text_index_) return std::nullopt;
  return text_index_->Find(tokens_, token_text);
}

TokenKind Tokenizer::Kind(int32_t id) const {
  return (id >= 0 && id < vocab_size()) ? kinds_[id] : TokenKind::kUnused;
}

bool Tokenizer::IsSpecial(int32_t id) const {
  const TokenKind k = Kind(id);
  return k == TokenKind::kControl || k == TokenKind::kUserDefined;
}

bool Tokenizer::IsEndOfGeneration(int32_t id) const {
  return std::binary_search(eog_ids_.begin(), eog_ids_.end(), id);
}

std::string Tokenizer::Decode(std::span<const int32_t> ids, bool skip_special) const {
  std::string bytes;
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size()) continue;
    if (skip_special && IsControl(id)) continue;
    bytes += TokenBytes(id);
  }
  if (StripsFirstSpace() && !bytes.empty() && bytes[0] == ' ') bytes.erase(0, 1);
  return unicode::SanitizeUtf8(bytes);
}

std::string StreamingDecoder::Push(int32_t id) {
  if (id < 0 || id >= tokenizer_.vocab_size()) return {};
  if (skip_special_ && tokenizer_.IsControl(id)) return {};
  std::string piece = tokenizer_.TokenBytes(id);
  if (at_start_ && !piece.empty()) {
    if (tokenizer_.StripsFirstSpace() && piece[0] == ' ') piece.erase(0, 1);
    at_start_ = false;
  }
  pending_ += piece;
  const size_t complete = unicode::CompleteUtf8Prefix(pending_);
  std::string out = unicode::SanitizeUtf8(std::string_view(pending_).substr(0, complete));
  pending_.erase(0, complete);
  return out;
}

std::string StreamingDecoder::Flush() {
  std::string out = unicode::SanitizeUtf8(pending_);
  pending_.clear();
  return out;
}

void StreamingDecoder::Reset() {
  pending_.clear();
  at_start_ = true;
}

Expected<std::unique_ptr<Tokenizer>> LoadTokenizerFromHfFolder(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path folder(dir);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return NotFound(dir + ": not a folder");
  const fs::path json = folder / "tokenizer.json";
  const fs::path config = folder / "tokenizer_config.json";
  if (fs::exists(json, ec))
    return LoadTokenizerJson(json.string(), fs::exists(config, ec) ? config.string() : std::string());
  const fs::path vocab = folder / "vocab.txt";
  if (fs::exists(vocab, ec)) return LoadWordPieceVocab(vocab.string(), true);
  return NotFound(dir + ": no tokenizer.json or vocab.txt in this folder");
}

Expected<std::unique_ptr<Tokenizer>> LoadTokenizer(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return LoadTokenizerFromHfFolder(path);
  if (!fs::exists(path, ec)) return NotFound(path + ": no such file or folder");
  const std::string name = fs::path(path).filename().string();
  if (name.size() >= 5 && name.compare(name.size() - 5, 5, ".gguf") == 0) {
    auto gguf = GgufFile::Open(path);
    if (!gguf.ok()) return gguf.status();
    return LoadTokenizerFromGguf(**gguf);
  }
  if (name.size() >= 4 && name.compare(name.size() - 4, 4, ".txt") == 0) return LoadWordPieceVocab(path, true);
  const fs::path config = fs::path(path).parent_path() / "tokenizer_config.json";
  return LoadTokenizerJson(path, name == "tokenizer.json" && fs::exists(config, ec) ? config.string() : "");
}

}  // namespace enclave
