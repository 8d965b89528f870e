#include "runtime/perplexity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

namespace enclave {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// One model evaluating windows: its forward state and the host copy of a batch's logits.
class WindowEvaluator {
 public:
  static Expected<WindowEvaluator> Create(Model& model, int64_t context, int64_t batch) {
    auto state = model.NewState(context, batch, model.default_kv_type(), /*logit_rows=*/batch);
    if (!state.ok()) return state.status();
    return WindowEvaluator(model, std::move(state).value(), batch);
  }

  // Runs ids at positions first_position.. (the cache holds the window's earlier tokens).
  // With keep_logits, logits() holds ids.size() rows afterwards.
  Status Run(std::span<const int32_t> ids, int64_t first_position, bool keep_logits) {
    Backend& be = model_->backend();
    const int64_t n = static_cast<int64_t>(ids.size());
    std::vector<int32_t> positions(ids.size());
    for (int64_t i = 0; i < n; ++i) positions[static_cast<size_t>(i)] = static_cast<int32_t>(first_position + i);
    ENCLAVE_RETURN_IF_ERROR(be.Upload(state_.ids, ids.data(), ids.size() * sizeof(int32_t)));
    ENCLAVE_RETURN_IF_ERROR(be.Upload(state_.positions, positions.data(), positions.size() * sizeof(int32_t)));
    ENCLAVE_RETURN_IF_ERROR(model_->Forward(state_, n, keep_logits));
    if (!keep_logits) return Status::Ok();
    return be.Download(state_.logits, logits_.data(), static_cast<size_t>(n) * vocab_ * sizeof(float));
  }

  const float* row(int64_t i) const { return logits_.data() + static_cast<size_t>(i) * vocab_; }
  int64_t vocab() const { return static_cast<int64_t>(vocab_); }

 private:
  WindowEvaluator(Model& model, ForwardState state, int64_t batch)
      : model_(&model),
        state_(std::move(state)),
        vocab_(static_cast<size_t>(model.config().vocab_size)),
        logits_(static_cast<size_t>(batch) * vocab_) {}

  Model* model_;
  ForwardState state_;
  size_t vocab_;
  std::vector<float> logits_;  // [batch][vocab]: the last Run's logits
};

// log(sum_i exp(row[i])) in double, and the index of the largest logit (the first on ties).
double LogSumExp(const float* row, int64_t n, int32_t* argmax) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (row[i] > row[best]) best = i;
  const double max = row[best];
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(row[i]) - max);
  *argmax = static_cast<int32_t>(best);
  return max + std::log(sum);
}

// KL(base || model) of one position from both rows of logits and their log-sum-exps.
double KlDivergence(const float* base_row, double base_lse, const float* model_row, double model_lse, int64_t n) {
  double kl = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double base_logp = static_cast<double>(base_row[i]) - base_lse;
    const double model_logp = static_cast<double>(model_row[i]) - model_lse;
    kl += std::exp(base_logp) * (base_logp - model_logp);
  }
  return kl;
}

struct MeanAndError {
  double mean = 0;
  double stderr_of_mean = 0;  // 0 for fewer than two values
};

MeanAndError Summarise(const std::vector<double>& values) {
  MeanAndError out;
  if (values.empty()) return out;
  const double n = static_cast<double>(values.size());
  for (double v : values) out.mean += v;
  out.mean /= n;
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  out.stderr_of_mean = std::sqrt(squares / (n - 1) / n);
  return out;
}

double NearestRankPercentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  const size_t index = std::min(values.size() - 1, rank > 0 ? rank - 1 : 0);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

}  // namespace

Expected<PerplexityResult> MeasurePerplexity(Model& model, std::span<const int32_t> tokens,
                                             const PerplexityOptions& options, Model* base) {
  const int64_t ctx = options.context;
  if (ctx < 4) return InvalidArgument("the perplexity window must hold at least 4 tokens, got " + std::to_string(ctx));
  if (options.batch < 1) return InvalidArgument("the perplexity batch must be at least 1 token");
  const int64_t vocab = model.config().vocab_size;
  if (base && base->config().vocab_size != vocab)
    return InvalidArgument("the base model's vocabulary has " + std::to_string(base->config().vocab_size) +
                           " tokens and the model's " + std::to_string(vocab) +
                           ": KL divergence needs two versions of the same model");
  for (int32_t id : tokens)
    if (id < 0 || id >= vocab)
      return InvalidArgument("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                             std::to_string(vocab - 1) + ")");
  int64_t chunks = static_cast<int64_t>(tokens.size()) / ctx;
  if (chunks == 0)
    return InvalidArgument("the text has " + std::to_string(tokens.size()) + " tokens, less than one window of " +
                           std::to_string(ctx) + ": use a longer text or a smaller --ctx");
  if (options.max_chunks > 0) chunks = std::min(chunks, options.max_chunks);

  const int64_t batch = std::min(options.batch, ctx);
  ENCLAVE_ASSIGN_OR_RETURN(WindowEvaluator evaluator, WindowEvaluator::Create(model, ctx, batch));
  std::optional<WindowEvaluator> base_evaluator;
  if (base) {
    ENCLAVE_ASSIGN_OR_RETURN(WindowEvaluator e, WindowEvaluator::Create(*base, ctx, batch));
    base_evaluator.emplace(std::move(e));
  }

  // Scored: the logits of positions [first_scored, ctx - 1) predict the token after each.
  const int64_t first_scored = ctx / 2;
  const bool replace_bos = options.bos_first && model.add_bos() && model.bos_id() >= 0;
  std::vector<double> nll;       // per scored token
  std::vector<double> kl;        // per scored token, with a base model
  int64_t top1_agree = 0;
  std::vector<int32_t> window(static_cast<size_t>(ctx));
  const auto start = Clock::now();

  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    std::copy_n(tokens.begin() + chunk * ctx, ctx, window.begin());
    if (replace_bos) window[0] = model.bos_id();
    for (int64_t pos = 0; pos < ctx; pos += batch) {
      const int64_t n = std::min(batch, ctx - pos);
      const std::span<const int32_t> ids(window.data() + pos, static_cast<size_t>(n));
      // Rows [row_begin, row_end) of this batch are scored.
      const int64_t row_begin = std::max(first_scored, pos) - pos;
      const int64_t row_end = std::min(ctx - 1, pos + n) - pos;
      const bool scored = row_begin < row_end;
      ENCLAVE_RETURN_IF_ERROR(evaluator.Run(ids, pos, scored));
      if (base_evaluator) ENCLAVE_RETURN_IF_ERROR(base_evaluator->Run(ids, pos, scored));
      for (int64_t r = row_begin; r < row_end; ++r) {
        const int32_t next = window[static_cast<size_t>(pos + r + 1)];
        int32_t model_top = 0;
        const float* row = evaluator.row(r);
        const double lse = LogSumExp(row, vocab, &model_top);
        nll.push_back(lse - static_cast<double>(row[next]));
        if (!base_evaluator) continue;
        int32_t base_top = 0;
        const float* base_row = base_evaluator->row(r);
        const double base_lse = LogSumExp(base_row, vocab, &base_top);
        kl.push_back(KlDivergence(base_row, base_lse, row, lse, vocab));
        if (base_top == model_top) ++top1_agree;
      }
    }
    if (options.progress) {
      PerplexityProgress progress;
      progress.chunks_done = chunk + 1;
      progress.chunks_total = chunks;
      progress.perplexity = std::exp(Summarise(nll).mean);
      progress.seconds = SecondsSince(start);
      if (!options.progress(progress)) return Cancelled("perplexity cancelled");
    }
  }

  PerplexityResult result;
  result.chunks = chunks;
  result.context = ctx;
  result.scored_tokens = static_cast<int64_t>(nll.size());
  const MeanAndError nll_summary = Summarise(nll);
  result.mean_nll = nll_summary.mean;
  result.nll_stderr = nll_summary.stderr_of_mean;
  result.perplexity = std::exp(nll_summary.mean);
  result.perplexity_stderr = result.perplexity * nll_summary.stderr_of_mean;
  if (base_evaluator) {
    KlDivergenceStats stats;
    const MeanAndError kl_summary = Summarise(kl);
    stats.mean = kl_summary.mean;
    stats.mean_stderr = kl_summary.stderr_of_mean;
    stats.p99 = NearestRankPercentile(kl, 0.99);
    stats.max = kl.empty() ? 0 : *std::max_element(kl.begin(), kl.end());
    stats.top1_agreement = kl.empty() ? 0 : static_cast<double>(top1_agree) / static_cast<double>(kl.size());
    result.kl = stats;
  }
  result.seconds = SecondsSince(start);
  return result;
}

}  // namespace enclave
