// Text <-> token ids. One interface over three algorithms:
//   byte-level BPE   (Qwen2 / DeepSeek / Llama-3: tokenizer.json or GGUF "gpt2" vocab)
//   SentencePiece BPE (score-ordered merges, "▁" for spaces, <0xXX> byte fallback: GGUF "llama"
//                      vocab as Gemma 3 ships it)
//   WordPiece        (BERT: tokenizer.json or vocab.txt)
// A Tokenizer is immutable after loading and safe to use from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace enclave {

class GgufFile;
struct VocabularySpec;

// What a vocabulary entry is (GGUF tokenizer.ggml.token_type numbering).
enum class TokenKind : uint8_t {
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,      // special tokens: BOS, EOS, <|im_end|>, [CLS] ... (HF added_tokens special=true)
  kUserDefined = 4,  // added tokens that are not special (<think>, <｜User｜> in R1-Distill)
  kUnused = 5,
  kByte = 6,         // SentencePiece byte fallback <0xXX>
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Text -> ids. Added and special tokens written in `text` are always matched as tokens
  // (respecting their lstrip/rstrip/normalized flags). `add_special` adds what the model's
  // post-processor adds around a sequence: BOS for the decoder models (when the source says so),
  // [CLS] ... [SEP] for BERT.
  virtual std::vector<int32_t> Encode(std::string_view text, bool add_special) const = 0;

  // Ids -> text, as Hugging Face decode(skip_special_tokens=skip_special) renders it. Byte
  // sequences that are not valid UTF-8 come out as U+FFFD. Out-of-range ids are skipped.
  std::string Decode(std::span<const int32_t> ids, bool skip_special = false) const;

  // The raw bytes one token contributes to decoded text; may be part of a UTF-8 character
  // (byte-level and byte-fallback tokens). Empty for out-of-range ids. WordPiece tokens carry
  // their joining space (" word"; "##ing" -> "ing"); Decode() strips a leading one.
  virtual std::string TokenBytes(int32_t id) const = 0;

  // The vocabulary entry as stored ("Ġthe", "▁the", "##ing", "<0x0A>", "<|im_end|>").
  const std::string& TokenText(int32_t id) const;
  std::optional<int32_t> TokenId(std::string_view token_text) const;

  int32_t vocab_size() const { return static_cast<int32_t>(tokens_.size()); }
  TokenKind Kind(int32_t id) const;
  bool IsControl(int32_t id) const { return Kind(id) == TokenKind::kControl; }
  // Control or user-defined (added) token: matched whole in text, never split by BPE.
  bool IsSpecial(int32_t id) const;

  std::optional<int32_t> bos_id() const { return bos_id_; }
  std::optional<int32_t> eos_id() const { return eos_id_; }
  std::optional<int32_t> pad_id() const { return pad_id_; }
  std::optional<int32_t> unk_id() const { return unk_id_; }
  // Whether Encode(text, add_special=true) prepends BOS.
  bool adds_bos() const { return adds_bos_; }

  // End-of-generation ids: EOS plus the turn/end markers the vocabulary has
  // (<|im_end|>, <|endoftext|>, <｜end▁of▁sentence｜>, <end_of_turn>, <|eot_id|>, <|eom_id|>).
  bool IsEndOfGeneration(int32_t id) const;
  const std::vector<int32_t>& end_of_generation_ids() const { return eog_ids_; }

  // The Jinja chat template of the source (tokenizer_config.json or tokenizer.chat_template);
  // empty when it had none.
  const std::string& chat_template() const { return chat_template_; }

  // "bpe", "spm" or "wordpiece".
  virtual std::string_view model_name() const = 0;

 protected:
  // Filled by each implementation's loader.
  std::vector<std::string> tokens_;  // [vocab_size] vocabulary entries by id
  std::vector<TokenKind> kinds_;     // [vocab_size]
  std::optional<int32_t> bos_id_, eos_id_, pad_id_, unk_id_;
  bool adds_bos_ = false;
  std::vector<int32_t> eog_ids_;  // sorted
  std::string chat_template_;

  // Takes the loader's table; builds the token-text -> id index and the EOG list.
  void SetVocabulary(VocabularySpec spec);
  // WordPiece: every token carries a joining space in TokenBytes(), and decoded text drops
  // the one in front of the first token.
  virtual bool StripsFirstSpace() const { return false; }

 private:
  friend class StreamingDecoder;
  struct TextIndex;
  std::shared_ptr<const TextIndex> text_index_;
};

// Feeds ids one at a time while a model generates and hands back only complete UTF-8 text: a
// character split over several byte tokens comes out whole once its last byte arrives.
class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer, bool skip_special = false)
      : tokenizer_(tokenizer), skip_special_(skip_special) {}

  // The text that became complete with this token (often empty or one piece).
  std::string Push(int32_t id);
  // Whatever is still pending at the end of generation; incomplete bytes become U+FFFD.
  std::string Flush();
  void Reset();

 private:
  const Tokenizer& tokenizer_;
  bool skip_special_;
  bool at_start_ = true;
  std::string pending_;  // bytes of an unfinished UTF-8 character
};

// tokenizer.json (Hugging Face tokenizers): BPE with a ByteLevel pre-tokenizer, or WordPiece.
// `tokenizer_config_path` (optional, "" for none) supplies add_bos_token, bos/eos tokens and
// chat_template the way transformers applies them.
Expected<std::unique_ptr<Tokenizer>> LoadTokenizerJson(const std::string& tokenizer_json_path,
                                                       const std::string& tokenizer_config_path = "");
// BERT vocab.txt (one token per line, id = line number) with BertNormalizer settings.
Expected<std::unique_ptr<Tokenizer>> LoadWordPieceVocab(const std::string& vocab_txt_path,
                                                        bool lowercase = true);
// tokenizer.ggml.* metadata: model "gpt2" (byte-level BPE, pre-tokenizer by tokenizer.ggml.pre),
// "llama" (SentencePiece BPE with scores) or "bert" (WordPiece).
Expected<std::unique_ptr<Tokenizer>> LoadTokenizerFromGguf(const GgufFile& gguf);
// A Hugging Face model folder: tokenizer.json (+ tokenizer_config.json), else vocab.txt.
Expected<std::unique_ptr<Tokenizer>> LoadTokenizerFromHfFolder(const std::string& dir);
// Any of the above by path: a .gguf file, a folder, a tokenizer.json or a vocab.txt.
Expected<std::unique_ptr<Tokenizer>> LoadTokenizer(const std::string& path);

}  // namespace enclave
