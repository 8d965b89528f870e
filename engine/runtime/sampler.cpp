#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace enclave {

Sampler::Sampler(const SamplerOptions& options) : options_(options), rng_(options.seed) {}

bool Sampler::greedy() const {
  return options_.temperature <= 0.f && options_.repetition_penalty == 1.f && options_.presence_penalty == 0.f &&
         options_.frequency_penalty == 0.f;
}

// Penalties on the raw logits, then temperature, then top-k / top-p / min-p. Leaves the kept
// candidates sorted by logit (descending) in candidates_ and their probabilities in probs_.
void Sampler::Filter(std::span<const float> logits, std::span<const int32_t> history) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  candidates_.resize(logits.size());
  for (int64_t i = 0; i < vocab; ++i) candidates_[static_cast<size_t>(i)] = {static_cast<int32_t>(i), logits[static_cast<size_t>(i)]};

  const bool penalise = options_.repetition_penalty != 1.f || options_.presence_penalty != 0.f ||
                        options_.frequency_penalty != 0.f;
  if (penalise && !history.empty()) {
    size_t window = history.size();
    if (options_.penalty_last_n >= 0) window = std::min(window, static_cast<size_t>(options_.penalty_last_n));
    std::unordered_map<int32_t, int> counts;
    for (size_t i = history.size() - window; i < history.size(); ++i) ++counts[history[i]];
    for (const auto& [id, count] : counts) {
      if (id < 0 || id >= vocab) continue;
      float& l = candidates_[static_cast<size_t>(id)].logit;
      if (options_.repetition_penalty != 1.f) l = l > 0 ? l / options_.repetition_penalty : l * options_.repetition_penalty;
      l -= options_.presence_penalty + options_.frequency_penalty * static_cast<float>(count);
    }
  }

  auto by_logit = [](const Candidate& a, const Candidate& b) { return a.logit > b.logit || (a.logit == b.logit && a.id < b.id); };
  size_t keep = candidates_.size();
  if (options_.top_k > 0 && static_cast<size_t>(options_.top_k) < keep) {
    keep = static_cast<size_t>(options_.top_k);
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(keep), candidates_.end(), by_logit);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), by_logit);
  }
  candidates_.resize(keep);

  // Softmax at the temperature (greedy: temperature 0 keeps only the best).
  if (options_.temperature <= 0.f) {
    candidates_.resize(1);
    probs_.assign(1, 1.f);
    return;
  }
  probs_.resize(keep);
  const float max_logit = candidates_[0].logit;
  double sum = 0;
  for (size_t i = 0; i < keep; ++i) {
    probs_[i] = std::exp((candidates_[i].logit - max_logit) / options_.temperature);
    sum += probs_[i];
  }
  for (float& p : probs_) p = static_cast<float>(p / sum);

  if (options_.min_p > 0.f) {
    const float threshold = options_.min_p * probs_[0];
    size_t n = 1;
    while (n < keep && probs_[n] >= threshold) ++n;
    keep = n;
  }
  if (options_.top_p < 1.f) {
    double cumulative = 0;
    size_t n = 0;
    while (n < keep) {
      cumulative += probs_[n++];
      if (cumulative >= options_.top_p) break;
    }
    keep = std::max<size_t>(n, 1);
  }
  candidates_.resize(keep);
  probs_.resize(keep);
  sum = 0;
  for (float p : probs_) sum += p;
  for (float& p : probs_) p = static_cast<float>(p / sum);
}

int32_t Sampler::Sample(std::span<const float> logits, std::span<const int32_t> history) {
  if (logits.empty()) return -1;
  if (greedy()) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  Filter(logits, history);
  if (candidates_.size() == 1) return candidates_[0].id;
  // Inverse CDF with a 53-bit uniform draw: the same seed gives the same choice on any platform
  // (std::discrete_distribution's algorithm is implementation-defined).
  const double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
  double cumulative = 0;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    cumulative += probs_[i];
    if (u < cumulative) return candidates_[i].id;
  }
  return candidates_.back().id;
}

std::vector<float> Sampler::Probabilities(std::span<const float> logits, std::span<const int32_t> history) {
  std::vector<float> out(logits.size(), 0.f);
  if (logits.empty()) return out;
  if (greedy()) {
    out[static_cast<size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin())] = 1.f;
    return out;
  }
  Filter(logits, history);
  for (size_t i = 0; i < candidates_.size(); ++i) out[static_cast<size_t>(candidates_[i].id)] = probs_[i];
  return out;
}

}  // namespace enclave
