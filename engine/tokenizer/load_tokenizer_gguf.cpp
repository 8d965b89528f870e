// GGUF tokenizer.ggml.* metadata (as llama.cpp's converter writes it) -> a Tokenizer.
#include "formats/gguf.h"
#include "tokenizer/bpe.h"
#include "tokenizer/spm.h"
#include "tokenizer/tokenizer.h"

namespace enclave {
namespace {

std::optional<int32_t> OptionalId(const GgufFile& gguf, const char* key, size_t vocab_size) {
  const auto v = gguf.GetInt(key);
  if (!v || *v < 0 || static_cast<size_t>(*v) >= vocab_size) return std::nullopt;
  return static_cast<int32_t>(*v);
}

Status ReadVocabulary(const GgufFile& gguf, VocabularySpec& vocab) {
  auto tokens = gguf.GetStringArray("tokenizer.ggml.tokens");
  if (!tokens || tokens->empty()) return BadInput("no tokenizer.ggml.tokens: this GGUF has no vocabulary");
  vocab.tokens = std::move(*tokens);
  const size_t n = vocab.tokens.size();
  vocab.kinds.assign(n, TokenKind::kNormal);
  if (gguf.Find("tokenizer.ggml.token_type")) {
    const auto types = gguf.GetIntArray("tokenizer.ggml.token_type");
    if (!types || types->size() != n)
      return BadInput("tokenizer.ggml.token_type does not have one entry per token (" + std::to_string(n) + ")");
    for (size_t i = 0; i < n; ++i) {
      const int64_t t = (*types)[i];
      vocab.kinds[i] = (t >= 1 && t <= 6) ? static_cast<TokenKind>(t) : TokenKind::kNormal;
    }
  }
  vocab.bos = OptionalId(gguf, "tokenizer.ggml.bos_token_id", n);
  vocab.eos = OptionalId(gguf, "tokenizer.ggml.eos_token_id", n);
  vocab.unk = OptionalId(gguf, "tokenizer.ggml.unknown_token_id", n);
  vocab.pad = OptionalId(gguf, "tokenizer.ggml.padding_token_id", n);
  for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"})
    if (const auto id = OptionalId(gguf, key, n)) vocab.extra_end_of_generation.push_back(*id);
  vocab.chat_template = gguf.GetString("tokenizer.chat_template").value_or("");
  return Status::Ok();
}

// Tokens llama.cpp cuts out of the text before the model: control, user-defined, unknown.
std::vector<AddedToken> SpecialTokens(const VocabularySpec& vocab) {
  std::vector<AddedToken> out;
  for (size_t id = 0; id < vocab.tokens.size(); ++id) {
    const TokenKind k = vocab.kinds[id];
    if (k == TokenKind::kControl || k == TokenKind::kUserDefined || k == TokenKind::kUnknown)
      out.push_back({static_cast<int32_t>(id), vocab.tokens[id], k == TokenKind::kControl});
  }
  return out;
}

Expected<std::unique_ptr<Tokenizer>> LoadGpt2(const GgufFile& gguf, VocabularySpec vocab) {
  const std::string pre = gguf.GetString("tokenizer.ggml.pre").value_or("default");
  ENCLAVE_ASSIGN_OR_RETURN(PreTokenizer pre_tokenizer, PreTokenizer::ForGgufName(pre));
  const auto merges = gguf.GetStringArray("tokenizer.ggml.merges");
  if (!merges || merges->empty()) return BadInput("no tokenizer.ggml.merges: a BPE vocabulary needs its merges");
  BpeSpec bpe;
  bpe.merges.reserve(merges->size());
  for (const std::string& m : *merges) {
    const size_t space = m.find(' ', 1);
    if (space == std::string::npos) return BadInput("tokenizer.ggml.merges entry '" + m + "' is not 'left right'");
    bpe.merges.emplace_back(m.substr(0, space), m.substr(space + 1));
  }
  const bool llama3 = pre == "llama-bpe" || pre == "llama3" || pre == "dbrx" || pre == "smaug-bpe";
  bpe.ignore_merges = llama3;
  PipelineSpec pipeline;
  pipeline.pre_tokenizer = std::move(pre_tokenizer);
  pipeline.added_tokens = SpecialTokens(vocab);
  pipeline.priority = AddedTokenMatcher::Priority::kLongestFirst;
  vocab.adds_bos = gguf.GetBool("tokenizer.ggml.add_bos_token").value_or(llama3) && vocab.bos;
  if (vocab.adds_bos) pipeline.prefix_ids.push_back(*vocab.bos);
  if (gguf.GetBool("tokenizer.ggml.add_eos_token").value_or(false) && vocab.eos) pipeline.suffix_ids.push_back(*vocab.eos);
  return ByteLevelBpeTokenizer::Create(std::move(vocab), std::move(pipeline), std::move(bpe));
}

Expected<std::unique_ptr<Tokenizer>> LoadLlama(const GgufFile& gguf, VocabularySpec vocab) {
  SpmSpec spm;
  const auto scores = gguf.GetFloatArray("tokenizer.ggml.scores");
  if (!scores) return BadInput("no tokenizer.ggml.scores: a SentencePiece vocabulary needs its scores");
  spm.scores = *scores;
  spm.added_tokens = SpecialTokens(vocab);
  spm.add_space_prefix = gguf.GetBool("tokenizer.ggml.add_space_prefix").value_or(true);
  spm.adds_eos = gguf.GetBool("tokenizer.ggml.add_eos_token").value_or(false);
  vocab.adds_bos = gguf.GetBool("tokenizer.ggml.add_bos_token").value_or(true) && vocab.bos;
  return SpmTokenizer::Create(std::move(vocab), std::move(spm));
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> LoadTokenizerFromGguf(const GgufFile& gguf) {
  auto fail = [&](const Status& s) { return s.WithContext(gguf.path().empty() ? "GGUF" : gguf.path()); };
  const auto model = gguf.GetString("tokenizer.ggml.model");
  if (!model) return fail(BadInput("no tokenizer.ggml.model: this GGUF has no embedded tokenizer"));
  VocabularySpec vocab;
  if (Status s = ReadVocabulary(gguf, vocab); !s.ok()) return fail(s);
  Expected<std::unique_ptr<Tokenizer>> result = Status(ErrorCode::kInternal, "unreachable");
  if (*model == "gpt2") result = LoadGpt2(gguf, std::move(vocab));
  else if (*model == "llama") result = LoadLlama(gguf, std::move(vocab));
  else
    return fail(Unsupported("tokenizer.ggml.model '" + *model + "' is not supported (gpt2, llama); a BERT "
                            "embedding model loads from its Hugging Face folder"));
  if (!result.ok()) return fail(result.status());
  return result;
}

}  // namespace enclave
