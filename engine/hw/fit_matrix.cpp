#include "hw/fit_matrix.h"

namespace enclave::hw {

const std::vector<FileType>& DefaultMatrixQuants() {
  static const std::vector<FileType> kQuants = {FileType::kF16,   FileType::kQ8_0,   FileType::kQ6_K, FileType::kQ5_K_M,
                                                FileType::kQ4_K_M, FileType::kQ3_K_M, FileType::kQ2_K};
  return kQuants;
}

std::vector<FitCell> FitMatrix(const EstimateOptions& options, const std::vector<std::string>& presets,
                               const std::vector<FileType>& quants) {
  std::vector<FitCell> cells;
  cells.reserve(presets.size() * quants.size());
  for (const std::string& name : presets) {
    for (FileType quant : quants) {
      FitCell cell;
      cell.preset = name;
      cell.quant = quant;
      Expected<EstimateModel> model = ModelFromPreset(name, FileTypeName(quant));
      Expected<Estimate> e = model.ok() ? EstimateMemory(*model, options) : Expected<Estimate>(model.status());
      if (!e.ok()) {
        cell.error = e.status().message();
      } else {
        cell.fits = e->fits;
        cell.total_bytes = e->per_gpu.empty() ? e->host.total() : e->max_gpu_bytes();
        cell.max_ctx = e->max_ctx;
        cell.decode_tok_s = e->decode_tok_s;
      }
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

}  // namespace enclave::hw
