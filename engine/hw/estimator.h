// Will a model fit, and how fast will it run: memory per GPU and in host RAM, the largest
// context that fits, and roofline decode/prefill speeds. Formulas: hw/memory_model.h and
// docs/ESTIMATOR.md.
//
//   ENCLAVE_ASSIGN_OR_RETURN(EstimateModel m, ModelFromPreset("deepseek-r1", "q4_k_m"));
//   EstimateOptions o;  o.ctx = 8192;  o.gpu = GpuCatalog::BuiltIn().Find("H200").value();
//   ENCLAVE_ASSIGN_OR_RETURN(Estimate e, EstimateMemory(m, o));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"
#include "hw/gpu_catalog.h"
#include "hw/memory_model.h"
#include "hw/presets.h"
#include "hw/tensor_layout.h"

namespace enclave::hw {

// A model as the estimator needs it: its shape and its typed tensor table.
struct EstimateModel {
  std::string name;                   // preset name, file name or config path
  std::string quant;                  // "q4_k_m" or the file's type ("mixed" when unknown)
  ModelShape shape;
  std::vector<WeightTensor> tensors;
};

// A named preset sized as a `quant` GGUF ("q4_k_m", "f16", ...).
Expected<EstimateModel> ModelFromPreset(std::string_view preset, std::string_view quant);
// A Hugging Face config.json (file or folder) sized as a `quant` GGUF.
Expected<EstimateModel> ModelFromHfConfig(const std::string& path, std::string_view quant);
// A GGUF file's metadata and tensor table (its own types; nothing is read but the header).
Expected<EstimateModel> ModelFromGguf(const std::string& path);
// ModelShape from GGUF metadata (general.architecture qwen2, llama, deepseek2).
Expected<ModelShape> ModelShapeFromGguf(const GgufFile& file);

enum class KvType { kF16, kQ8_0, kF32 };
std::string_view KvTypeName(KvType type);  // "f16", "q8_0", "f32"
Expected<KvType> KvTypeFromName(std::string_view name);
double KvBytesPerElement(KvType type);     // 2, 34/32, 4

struct EstimateOptions {
  int64_t ctx = 4096;                 // tokens per sequence
  int64_t parallel = 1;               // sequences decoded together, each with its own ctx
  KvType kv_type = KvType::kF16;
  int64_t gpu_layers = -1;            // repeating layers on the GPU(s); -1 = all
  int64_t n_gpus = 1;                 // identical GPUs, layers split evenly
  std::optional<GpuSpec> gpu;         // nullopt: CPU only (host RAM)
  uint64_t host_ram_bytes = 0;        // 0: this machine's MemTotal
  EngineMemoryModel memory = DefaultMemoryModel();
};

// What one device (or the host) holds.
struct MemoryBreakdown {
  uint64_t weights_bytes = 0;
  uint64_t kv_bytes = 0;
  uint64_t compute_bytes = 0;
  uint64_t overhead_bytes = 0;
  uint64_t total() const { return weights_bytes + kv_bytes + compute_bytes + overhead_bytes; }
};

struct Estimate {
  // Whole model, wherever it sits.
  uint64_t weights_bytes = 0;         // all tensors
  uint64_t kv_bytes = 0;              // all layers, all sequences
  int64_t params = 0;                 // all parameters
  int64_t active_params = 0;          // read per token (MoE: shared + experts_per_tok experts)
  double bits_per_weight = 0.0;       // weights_bytes * 8 / params

  std::vector<MemoryBreakdown> per_gpu;  // one per GPU, empty for CPU only
  MemoryBreakdown host;                  // host RAM (layers not offloaded, host overhead)
  uint64_t gpu_capacity_bytes = 0;       // VRAM per GPU
  uint64_t gpu_usable_bytes = 0;         // VRAM per GPU minus headroom
  uint64_t host_capacity_bytes = 0;

  bool fits = false;                  // every GPU and the host within their usable memory
  std::string limiting;               // "" when it fits, else "GPU 0: needs 9.8 GiB, 7.6 GiB usable"
  int64_t max_ctx = 0;                // largest ctx that fits with the other options unchanged
  double decode_tok_s = 0.0;          // per sequence, at memory.decode_reference_tokens in cache
  double decode_tok_s_full_ctx = 0.0; // per sequence, with the cache full (ctx tokens)
  double prefill_tok_s = 0.0;         // prompt of min(ctx, n_batch) tokens
  std::vector<std::string> warnings;  // e.g. ctx above the trained maximum via rope scaling

  // The largest device total (the one that decides fit on a GPU).
  uint64_t max_gpu_bytes() const;
};

// KV cache bytes for `ctx` tokens of ONE sequence over `layers` layers (formulas above).
uint64_t KvCacheBytes(const ModelShape& shape, int64_t ctx, int64_t layers, KvType kv_type);
// Scratch bytes on a device holding `has_output` the output projection (memory_model.h).
uint64_t ComputeBufferBytes(const EstimateModel& model, int64_t ctx, int64_t parallel,
                            bool has_output, const EngineMemoryModel& memory);

// Checks the options (zero/negative values, ctx beyond the model's maximum) and estimates.
// A ctx above max_context but within extendable_context adds a warning; beyond is an error.
Expected<Estimate> EstimateMemory(const EstimateModel& model, const EstimateOptions& options);

// The largest ctx in [1, extendable_context] that fits (0 when none does).
int64_t MaxFittingContext(const EstimateModel& model, const EstimateOptions& options);

}  // namespace enclave::hw
