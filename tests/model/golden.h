// golden.json of the tiny test models (transformers, float32, CPU): the prompt ids, the logits
// of every prefill position, 24 greedy ids (generated with EOS ignored) and the logits after them.
#pragma once

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testdata.h"

namespace enclave::testing {

struct Golden {
  std::vector<int32_t> input_ids;
  std::vector<std::vector<float>> prefill_logits;  // [positions][vocab]
  std::vector<int32_t> greedy_ids;
  std::vector<float> logits_after_greedy;          // [vocab]
};

inline std::filesystem::path TinyModelDir(const std::string& name) { return TestDataDir() / "models" / name; }

inline Golden LoadGolden(const std::string& model_name) {
  std::ifstream in(TinyModelDir(model_name) / "golden.json");
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str());
  Golden g;
  g.input_ids = j["input_ids"].get<std::vector<int32_t>>();
  g.prefill_logits = j["prefill_logits"].get<std::vector<std::vector<float>>>();
  g.greedy_ids = j["greedy_next_ids"].get<std::vector<int32_t>>();
  g.logits_after_greedy = j["logits_after_greedy"].get<std::vector<float>>();
  return g;
}

inline float MaxAbsDiff(const float* a, const float* b, size_t n) {
  float worst = 0;
  for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

inline int ArgMax(const float* x, size_t n) { return static_cast<int>(std::max_element(x, x + n) - x); }

}  // namespace enclave::testing
