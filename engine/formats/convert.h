// Hugging Face folder -> GGUF. HfCheckpoint presents a folder (config.json, *.safetensors,
// tokenizer.json) as the GGUF llama.cpp's converter would write: the same metadata keys, the
// same tensor names, and the same value transforms (Llama q/k rows permuted for interleaved
// rope, Gemma norm weights +1, Llama-3 rope factors as rope_freqs.weight). The model loader
// uses it to load a folder directly, and ConvertHfToGguf writes it to a file, so both paths
// give identical weights.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "formats/gguf.h"
#include "formats/hf_config.h"

namespace enclave {

class SafetensorsModel;

// One tensor of the converted model.
struct HfTensor {
  enum class Transform {
    kNone,         // the safetensors bytes as they are (converted to F32 if needed)
    kPermuteRope,  // Llama q/k: rows reordered from rotate-half to interleaved pairs
    kAddOne,       // Gemma norms: w + 1
    kComputed,     // not in the checkpoint (rope_freqs): values in `computed`
    kExpertRows,   // deepseek2: rows [row_offset, row_offset + ne[1]) of each expert of a fused
                   // [E][source_rows][ne0] tensor (gate / up halves of gate_up_proj)
    kStackExperts, // deepseek2: one [ne1][ne0] tensor per expert (expert_sources), stacked
  };
  std::string name;                 // GGUF name
  Shape ne{1, 1, 1, 1};             // ggml order
  int n_dims = 1;
  Transform transform = Transform::kNone;
  const TensorView* source = nullptr;  // the safetensors tensor (null for kComputed)
  int64_t permute_heads = 0;        // kPermuteRope: heads in this projection
  std::vector<float> computed;      // kComputed values
  int64_t row_offset = 0;           // kExpertRows
  int64_t source_rows = 0;          // kExpertRows: rows per expert in the source
  std::vector<const TensorView*> expert_sources;  // kStackExperts, [n_experts]

  DType source_type() const { return source ? source->type : DType::F32; }
  int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

class HfCheckpoint {
 public:
  static Expected<std::unique_ptr<HfCheckpoint>> Open(const std::string& dir);
  ~HfCheckpoint();

  const std::string& dir() const { return dir_; }
  const HfConfig& config() const { return config_; }
  // Model hyperparameters as GGUF metadata (HfConfigToGgufMetadata) plus general.name.
  const GgufMetadata& metadata() const { return metadata_; }
  const std::vector<HfTensor>& tensors() const { return tensors_; }
  const HfTensor* Find(const std::string& gguf_name) const;
  int64_t file_bytes() const { return file_bytes_; }  // sum of the safetensors files

  // The bytes of `t` usable without conversion, when it has no transform and its type is one
  // a weight may have (F32, F16, BF16 matrices; F32 vectors); nullptr otherwise.
  const TensorView* DirectView(const HfTensor& t) const;
  // The tensor's values as F32 after its transform: t.elements() floats into dst.
  Status ReadF32(const HfTensor& t, float* dst) const;

 private:
  HfCheckpoint();
  std::string dir_;
  HfConfig config_;
  GgufMetadata metadata_;
  std::unique_ptr<SafetensorsModel> weights_;
  std::vector<HfTensor> tensors_;
  int64_t file_bytes_ = 0;
};

// GGUF name for a Hugging Face tensor name of an architecture ("model.layers.3.self_attn.q_proj.weight"
// -> "blk.3.attn_q.weight"); "" for tensors the converter drops (rotary inv_freq, vision tower);
// nullopt-like empty + error for names it does not know.
Expected<std::string> GgufTensorName(const std::string& gguf_arch, const std::string& hf_name);

// tokenizer.ggml.* metadata from a folder's tokenizer.json (+ tokenizer_config.json), as llama.cpp
// writes it for byte-level BPE ("gpt2") vocabularies. Empty when the folder has no tokenizer.json.
Expected<GgufMetadata> TokenizerMetadataFromHfFolder(const std::string& dir, const HfConfig& config);

struct ConvertOptions {
  std::string type = "f32";  // f32, f16, bf16, q8_0, q4_0, q4_k_m
  std::function<bool(float fraction)> progress;  // false cancels
};

// Writes the folder as a GGUF file, streaming one tensor at a time.
Status ConvertHfToGguf(const std::string& hf_dir, const std::string& out_path, const ConvertOptions& options);

}  // namespace enclave
