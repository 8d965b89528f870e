// Hugging Face DeepSeek V2/V3 checkpoints -> llama.cpp's deepseek2 tensors: the expert weights,
// stored either fused per layer (transformers 5: mlp.experts.gate_up_proj [E, 2*ffn, d], rows
// gate then up, and mlp.experts.down_proj [E, d, ffn]) or one tensor per expert (released
// checkpoints: mlp.experts.N.{gate,up,down}_proj.weight), become the stacked 3-D
// ffn_{gate,up,down}_exps. Multi-token-prediction layers (index >= num_hidden_layers) are dropped.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "formats/convert.h"
#include "formats/hf_config.h"

namespace enclave {

// True for the tensors AddDeepseek2ExpertTensors handles or drops (the generic name map skips them).
bool IsDeepseek2SpecialTensor(const HfConfig& config, const std::string& hf_name);

// Appends ffn_{gate,up,down}_exps of every MoE layer, made from the checkpoint's expert tensors.
Status AddDeepseek2ExpertTensors(const HfConfig& config, const std::vector<TensorView>& views,
                                 std::vector<HfTensor>* out);

// Values of a kExpertRows / kStackExperts tensor as F32 (t.elements() floats).
Status ReadDeepseek2ExpertsF32(const HfTensor& t, float* dst);

}  // namespace enclave
