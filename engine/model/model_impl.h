// Model internals shared by the loader, the forward pass and model.cpp (not a public header).
#pragma once

#include <memory>
#include <vector>

#include "formats/convert.h"
#include "formats/gguf.h"
#include "model/model.h"
#include "model/weights.h"

namespace enclave {

struct ModelImpl {
  ModelWeights weights;       // tensors on the backend, described by WeightTable(arch)
  Tensor inv_freq_global;     // F32 {n_rot / 2}: rope frequencies of full-attention layers
  Tensor inv_freq_local;      // F32 {n_rot / 2}: gemma3 sliding-window layers (own rope base)

  // What backs the weights: the CPU backend uses mapped bytes in place.
  std::unique_ptr<GgufFile> gguf;
  std::unique_ptr<HfCheckpoint> hf;
  std::vector<std::vector<uint8_t>> converted;  // weights rewritten at load (HF transforms)
};

// The rope frequency table: inv_freq[i] = theta^(-2i / n_rot), divided by the linear scaling
// factor and by llama.cpp's per-frequency rope_freqs (Llama-3 scaling) when given.
std::vector<float> RopeInvFreq(float theta, int64_t n_rot, float linear_factor, const float* freq_factors);

}  // namespace enclave
