// The GPU catalog: VRAM, memory bandwidth, bf16 dense tensor throughput, board power and an
// editable price for the GPUs people buy to run local models. Built in from
// resources/gpus.json (embedded at build time); a user file with the same layout overrides
// or adds rows (edited prices), and GPUs found on this machine are added from the monitor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "hw/monitor_sample.h"

namespace enclave::hw {

struct GpuSpec {
  std::string name;                  // as sold: "RTX 4090", "H100 80GB"
  std::vector<std::string> aliases;  // other spellings: "GeForce RTX 4090", "H100 SXM"
  std::string vendor;                // "NVIDIA", "AMD", "Huawei"
  std::string segment;               // "consumer", "datacenter", "reference"
  uint64_t vram_bytes = 0;
  double bandwidth_gbs = 0.0;        // GB/s (1e9 bytes/s)
  double bf16_tflops = 0.0;          // dense, FP32 accumulate (what cuBLAS bf16 GEMM runs at)
  double tdp_w = 0.0;
  double price_usd = 0.0;            // editable; 0 = unknown
  bool supported = true;             // this engine runs on it (false: reference rows)
  bool detected = false;             // found on this machine
};

class GpuCatalog {
 public:
  // The built-in catalog (resources/gpus.json).
  static const GpuCatalog& BuiltIn();
  // Parses a catalog JSON text: {"gpus": [{"name", "aliases", "vendor", "segment", "vram_gib",
  // "bandwidth_gbs", "bf16_tflops", "tdp_w", "price_usd", "supported"}]}.
  static Expected<GpuCatalog> Parse(std::string_view json_text);

  const std::vector<GpuSpec>& gpus() const { return gpus_; }

  // Case-insensitive on name and aliases, ignoring spaces, dashes and a leading "NVIDIA" /
  // "GeForce" ("rtx4090", "NVIDIA H100 80GB" match). NotFound lists close names.
  Expected<GpuSpec> Find(std::string_view name) const;

  // Rows of `overrides` replace rows of the same name (or alias); new rows are appended.
  // Fields missing from an override row keep the built-in value (e.g. only "price_usd").
  Status MergeOverrides(std::string_view json_text);
  Status MergeOverridesFile(const std::string& path);

  // Adds (or marks) GPUs found by the monitor: a known model gets the catalog's bandwidth and
  // throughput with the detected VRAM; an unknown one gets VRAM only (speed unknown = 0).
  void AddDetected(const std::vector<GpuInfo>& detected);

  std::string ToJson() const;  // same layout as Parse() reads (to save edited prices)

 private:
  std::vector<GpuSpec> gpus_;
};

// "NVIDIA GeForce RTX 4090" -> "rtx4090": lower case, no spaces/dashes/underscores, without a
// leading "nvidia", "geforce", "amd", "instinct", "huawei".
std::string NormalizeGpuName(std::string_view name);

}  // namespace enclave::hw
