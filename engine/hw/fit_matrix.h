// "What runs on this machine": every preset at every quantisation against one hardware
// configuration, with fit, largest context and speed (the Hardware page's matrix).
#pragma once

#include <string>
#include <vector>

#include "hw/estimator.h"

namespace enclave::hw {

struct FitCell {
  std::string preset;
  FileType quant = FileType::kQ4_K_M;
  bool fits = false;
  uint64_t total_bytes = 0;      // the largest device total (GPU), or host total (CPU only)
  int64_t max_ctx = 0;
  double decode_tok_s = 0.0;
  std::string error;             // when the estimate itself failed (e.g. ctx above the maximum)
};

// Rows in preset order, quantisations in the given order within each preset. `options.ctx`
// applies to every cell (a preset whose maximum is shorter reports the error in its cell).
std::vector<FitCell> FitMatrix(const EstimateOptions& options, const std::vector<std::string>& presets,
                               const std::vector<FileType>& quants);

// The quantisations the matrix shows by default: f16, q8_0, q6_k, q5_k_m, q4_k_m, q3_k_m, q2_k.
const std::vector<FileType>& DefaultMatrixQuants();

}  // namespace enclave::hw
