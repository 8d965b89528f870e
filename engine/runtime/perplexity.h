// Perplexity of a model over a token stream, and how far a (quantised) model's next-token
// distribution is from a base model's: the numbers that say what a quantisation costs.
//
// The text is cut into non-overlapping windows of `context` tokens. Each window is evaluated
// from an empty cache; its first half is context only, and the tokens of the second half are
// scored (the logits of position j predict token j+1, for j in [context/2, context-2]), as
// llama.cpp's perplexity tool does, so numbers are comparable with it.
//
//   auto r = MeasurePerplexity(*model, ids, {.context = 512, .max_chunks = 8});
//   r->perplexity, r->perplexity_stderr, r->kl (with a base model)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "model/model.h"

namespace enclave {

struct PerplexityProgress {
  int64_t chunks_done = 0;
  int64_t chunks_total = 0;
  double perplexity = 0;     // over the tokens scored so far
  double seconds = 0;        // since the start
};

struct PerplexityOptions {
  int64_t context = 512;     // window length in tokens; at least 4
  int64_t max_chunks = 0;    // windows to evaluate, 0 = every full window of the text
  int64_t batch = 32;        // tokens per forward call (each keeps batch x vocab logits)
  // When the model wants a BOS token, the first token of every window is replaced by it.
  bool bos_first = true;
  // Called after each window; return false to stop (the call then fails with kCancelled).
  std::function<bool(const PerplexityProgress&)> progress;
};

// KL(base || model) per scored token: sum_i p_base(i) * (log p_base(i) - log p_model(i)).
struct KlDivergenceStats {
  double mean = 0;
  double mean_stderr = 0;     // standard error of the mean
  double p99 = 0;             // 99th percentile (nearest rank) of the per-token values
  double max = 0;
  double top1_agreement = 0;  // fraction of tokens whose argmax is the same in both models
};

struct PerplexityResult {
  int64_t chunks = 0;
  int64_t context = 0;
  int64_t scored_tokens = 0;
  double mean_nll = 0;            // nats per scored token
  double nll_stderr = 0;          // standard error of mean_nll
  double perplexity = 0;          // exp(mean_nll)
  double perplexity_stderr = 0;   // perplexity * nll_stderr (first-order propagation)
  double seconds = 0;             // wall time of the evaluation (both models with a base)
  std::optional<KlDivergenceStats> kl;  // when a base model was given
};

// Evaluates `tokens` with `model` (and, when `base` is not null, with the base model on the
// same windows: both must share the vocabulary). Log-softmax sums are taken in double.
Expected<PerplexityResult> MeasurePerplexity(Model& model, std::span<const int32_t> tokens,
                                             const PerplexityOptions& options, Model* base = nullptr);

}  // namespace enclave
