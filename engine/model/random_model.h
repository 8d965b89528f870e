// A GGUF with random weights of a real model's shape (from its config.json), for benchmarks of
// models whose weights are not at hand: `enclave-cli convert --random-preset NAME --type T`.
// Values are drawn per row from a fast seeded generator on all cores and quantised directly,
// one tensor at a time, so a 7B file takes seconds to minutes rather than holding 30 GB of F32.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "formats/quantize_model.h"

namespace enclave {

struct RandomModelOptions {
  FileType type = FileType::kQ4_K_M;
  uint64_t seed = 1;
  std::string name;                              // general.name
  std::function<bool(float fraction)> progress;  // false cancels
};

// Writes a model of the architecture and hyperparameters config.json describes (qwen2, llama,
// gemma3), every weight from the architecture's table, without a vocabulary.
Status WriteRandomModel(std::string_view config_json, const std::string& out_path, const RandomModelOptions& options);

}  // namespace enclave
