#include "model/random_model.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "core/quantize.h"
#include "core/thread_pool.h"
#include "formats/gguf.h"
#include "formats/hf_config.h"
#include "model/weights.h"

namespace enclave {
namespace {

// SplitMix64: a tiny, good-enough generator; one stream per (tensor, row) so the values do not
// depend on how rows are split over threads.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [-a, a] with a = std * sqrt(3): the standard deviation of an initialised layer.
void FillRow(float* row, int64_t n, uint64_t seed, float stddev) {
  const float a = stddev * std::sqrt(3.f);
  uint64_t state = seed;
  for (int64_t i = 0; i < n; i += 2) {
    const uint64_t r = SplitMix(state);
    row[i] = a * (static_cast<float>(static_cast<uint32_t>(r) >> 8) * (2.f / 16777216.f) - 1.f);
    if (i + 1 < n) row[i + 1] = a * (static_cast<float>(static_cast<uint32_t>(r >> 32) >> 8) * (2.f / 16777216.f) - 1.f);
  }
}

}  // namespace

Status WriteRandomModel(std::string_view config_json, const std::string& out_path, const RandomModelOptions& options) {
  ENCLAVE_ASSIGN_OR_RETURN(HfConfig hf, ParseHfConfig(config_json));
  GgufMetadata metadata = HfConfigToGgufMetadata(hf);
  ENCLAVE_ASSIGN_OR_RETURN(ModelConfig config, ReadModelConfig([&](std::string_view key) {
                             return FindMetadata(metadata, key);
                           }));
  config.vocab_size = hf.vocab_size;

  GgufWriter writer;
  for (const auto& [key, value] : metadata) writer.SetValue(key, value);
  writer.SetString("general.name", options.name.empty() ? "random " + hf.model_type : options.name);
  writer.SetUint32("general.file_type", static_cast<uint32_t>(options.type));
  if (options.type != FileType::kF32 && options.type != FileType::kF16 && options.type != FileType::kBF16)
    writer.SetUint32("general.quantization_version", 2);

  // The weight table decides the tensors; output.weight only when the config has one.
  ModelWeights weights;
  int64_t total = 0;
  struct Planned {
    std::string name;
    Shape ne;
    int n_dims;
    WeightKind kind;
  };
  std::vector<Planned> planned;
  ENCLAVE_RETURN_IF_ERROR(ForEachWeight(config, weights, [&](const WeightSlot& slot) {
    if (slot.name == "output.weight" && hf.tie_word_embeddings) return Status::Ok();
    if (slot.name == "rope_freqs.weight") return Status::Ok();
    // deepseek2: attn_k_b / attn_v_b are written; attn_kv_b (the older form of both) is not.
    if (slot.name.ends_with(".attn_kv_b.weight")) return Status::Ok();
    planned.push_back({slot.name, slot.ne, slot.n_dims, slot.spec->kind});
    total += slot.ne[0] * slot.ne[1] * slot.ne[2];
    return Status::Ok();
  }));
  const bool has_output = !hf.tie_word_embeddings;

  auto done = std::make_shared<std::atomic<int64_t>>(0);
  for (size_t index = 0; index < planned.size(); ++index) {
    const Planned& t = planned[index];
    const DType type = ChooseTensorType(options.type, t.name, t.ne, t.n_dims, config.n_layers, has_output);
    const uint64_t tensor_seed = options.seed * 0x100000001B3ull + index * 0x9E3779B97F4A7C15ull;
    writer.AddTensor(t.name, type, t.ne, t.n_dims, [t, type, tensor_seed, done, total, &options](uint8_t* dst) -> Status {
      const int64_t cols = t.ne[0], rows = t.ne[1] * t.ne[2];  // 3-D: stacked experts
      if (t.kind == WeightKind::kVector) {  // norms 1 (biases too: harmless for speed tests)
        std::vector<float> ones(static_cast<size_t>(cols), 1.f);
        std::memcpy(dst, ones.data(), ones.size() * sizeof(float));
      } else {
        const float stddev = 1.f / std::sqrt(static_cast<float>(cols));
        const size_t row_bytes = RowBytes(type, cols);
        std::atomic<bool> failed{false};
        ThreadPool::Global().ParallelFor(rows, [&](int64_t begin, int64_t end) {
          std::vector<float> row(static_cast<size_t>(cols));
          for (int64_t r = begin; r < end && !failed; ++r) {
            FillRow(row.data(), cols, tensor_seed ^ (static_cast<uint64_t>(r) * 0xD1B54A32D192ED03ull), stddev);
            if (!QuantizeRow(type, row.data(), dst + static_cast<size_t>(r) * row_bytes, cols).ok())
              failed = true;
          }
        });
        if (failed) return InternalError(t.name + ": conversion to " + std::string(Name(type)) + " failed");
      }
      *done += cols * rows;
      if (options.progress && !options.progress(static_cast<float>(done->load()) / static_cast<float>(total)))
        return Cancelled("cancelled");
      return Status::Ok();
    });
  }
  return writer.Write(out_path);
}

}  // namespace enclave
