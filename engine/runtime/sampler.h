// Picks the next token from a row of logits: penalties, then temperature, top-k, top-p and
// min-p filtering, then a draw from a seeded generator. Temperature 0 is greedy (argmax).
// The same options and seed over the same logits give the same sequence of tokens.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace enclave {

struct SamplerOptions {
  float temperature = 0.f;         // 0 = greedy
  int top_k = 0;                   // keep the k most likely (0 = off)
  float top_p = 1.f;               // keep the smallest set with probability >= p (1 = off)
  float min_p = 0.f;               // drop tokens below min_p * p(most likely) (0 = off)
  float repetition_penalty = 1.f;  // CTRL-style: logit / r if > 0 else logit * r (1 = off)
  float presence_penalty = 0.f;    // subtracted once from every token seen (0 = off)
  float frequency_penalty = 0.f;   // subtracted per occurrence (0 = off)
  int penalty_last_n = 64;         // how many recent tokens the penalties look at (-1 = all)
  uint64_t seed = 0;
};

class Sampler {
 public:
  explicit Sampler(const SamplerOptions& options = {});

  const SamplerOptions& options() const { return options_; }
  bool greedy() const;  // no randomness and no penalties: argmax of the raw logits
  void Reseed(uint64_t seed) { rng_.seed(seed); }

  // `history`: the tokens so far (prompt and generated), for the penalties.
  int32_t Sample(std::span<const float> logits, std::span<const int32_t> history);

  // The distribution Sample draws from (after penalties and filters), for tests: probabilities
  // of `logits.size()` tokens, zero for filtered ones.
  std::vector<float> Probabilities(std::span<const float> logits, std::span<const int32_t> history);

 private:
  struct Candidate {
    int32_t id;
    float logit;
  };
  void Filter(std::span<const float> logits, std::span<const int32_t> history);

  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<Candidate> candidates_;  // [vocab] scratch, sorted by logit after Filter
  std::vector<float> probs_;           // [kept candidates]
};

}  // namespace enclave
