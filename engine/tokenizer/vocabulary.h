// What every tokenizer loader fills in, whatever the algorithm: the token table and the ids
// the runtime needs. Tokenizer implementations take it in their constructor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace enclave {

struct VocabularySpec {
  std::vector<std::string> tokens;  // [vocab_size] token texts by id
  std::vector<TokenKind> kinds;     // [vocab_size]
  std::optional<int32_t> bos, eos, pad, unk;
  std::vector<int32_t> extra_end_of_generation;  // e.g. GGUF eot/eom ids
  bool adds_bos = false;
  std::string chat_template;
};

}  // namespace enclave
