// A Session: one conversation with a model. It keeps the tokens already in its KV cache, so a
// new turn only prefills what is new (the common prefix with the previous call is reused), and
// generates tokens one at a time through a callback that can stop it at any token.
//
// Threading: a Session is used from one thread at a time (the GUI's worker thread);
// RequestCancel() may be called from any thread and stops the running call at the next token.
//
//   auto session = Session::Create(*model);
//   GenerateOptions opts;  opts.max_tokens = 128;  opts.sampling.temperature = 0.7f;
//   auto result = (*session)->Generate(prompt_ids, opts, [](int32_t id, std::string_view text) {
//     std::fputs(std::string(text).c_str(), stdout);
//     return true;  // false stops generation
//   });
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "runtime/sampler.h"

namespace enclave {

struct SessionOptions {
  int64_t context = 0;          // KV cache positions; 0 = the model's default_context()
  int64_t max_batch = 256;      // prefill chunk (tokens per forward call)
  int64_t logit_rows = 32;      // Evaluate(all_logits) runs in chunks of this many tokens
  std::optional<DType> kv_type; // default: the model's default_kv_type()
};

enum class StopReason {
  kMaxTokens,   // generated max_tokens
  kEndOfText,   // an end-of-generation token (EOS/EOT) was sampled
  kStopString,  // one of GenerateOptions::stop appeared in the text
  kCancelled,   // the callback returned false or RequestCancel() was called
  kContextFull, // the KV cache is full
};
std::string_view StopReasonName(StopReason r);  // "max_tokens", "eos", "stop", ...

struct GenerateOptions {
  int64_t max_tokens = 256;
  SamplerOptions sampling;
  std::vector<std::string> stop;  // stop strings; the text stops before them
  bool ignore_eos = false;        // keep going past EOS/EOT (benchmarks, golden tests)
};

struct GenerateStats {
  int64_t prompt_tokens = 0;     // tokens in the prompt passed in
  int64_t reused_tokens = 0;     // of those, already in the KV cache (not recomputed)
  int64_t generated_tokens = 0;
  int64_t decode_steps = 0;      // forward passes of one token (generated tokens fed back)
  double prefill_seconds = 0;    // time to evaluate the prompt tokens not reused
  double decode_seconds = 0;     // time of the decode steps (incl. sampling)
  StopReason stop_reason = StopReason::kMaxTokens;

  double prefill_tok_s() const;  // (prompt - reused) / prefill_seconds
  double decode_tok_s() const;   // decode_steps / decode_seconds
};

struct GenerateResult {
  std::vector<int32_t> ids;      // generated ids (the EOS that ended it is not included)
  std::string text;              // their text (stop string cut off); "" without a tokenizer
  GenerateStats stats;
};

// Called for each generated token on the generating thread. `text` is what the token adds to
// the visible text; it may be empty (half a UTF-8 character, or text held back while it could
// still become a stop string). Return false to stop. At the end, text held back that turned out
// not to be a stop string arrives with id -1.
using TokenCallback = std::function<bool(int32_t id, std::string_view text)>;

class Session {
 public:
  static Expected<std::unique_ptr<Session>> Create(Model& model, const SessionOptions& options = {});
  ~Session();

  // Generates after `prompt` (the whole conversation so far, as ids). Tokens that match the
  // start of the cached history are reused; an over-long prompt fails with kInvalidArgument
  // ("prompt has 5000 tokens, the context holds 4096: ..."). Cancellation is not an error: the
  // result says kCancelled and holds what was generated.
  Expected<GenerateResult> Generate(std::span<const int32_t> prompt, const GenerateOptions& options,
                                    const TokenCallback& on_token = nullptr);

  // Evaluates `tokens` (reusing the cached prefix) and returns the logits of every position
  // of `tokens` that was computed, [n][vocab] row-major, or only the last row. For tests and
  // perplexity. all_logits recomputes every position (no reuse).
  Expected<std::vector<float>> Evaluate(std::span<const int32_t> tokens, bool all_logits);

  // Text helpers (need the model's tokenizer): encode with BOS when the model wants it.
  Expected<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special = true) const;

  void RequestCancel() { cancel_.store(true); }  // any thread
  void Reset();                                   // forget the cached history

  Model& model() { return model_; }
  int64_t context() const { return state_.context; }
  const std::vector<int32_t>& history() const { return history_; }  // ids in the KV cache

 private:
  Session(Model& model, ForwardState state);
  // Runs tokens[first..) at positions history_.size().. and appends them to history_;
  // leaves the logits of the last token in `last_logits_`.
  Status Prefill(std::span<const int32_t> tokens, std::vector<float>* all_logits);
  // Runs one token; then last_logits_ (or only last_argmax_ when greedy_only) is up to date.
  Status DecodeOne(int32_t id, bool greedy_only);
  Status RunBatch(std::span<const int32_t> tokens, bool all_logits);

  Model& model_;
  ForwardState state_;
  std::vector<int32_t> history_;   // tokens whose keys/values are in the cache, in order
  std::vector<float> last_logits_; // [vocab] logits after the last token of history_
  int32_t last_argmax_ = -1;       // argmax of those logits, computed on the backend
  std::atomic<bool> cancel_{false};
};

}  // namespace enclave
