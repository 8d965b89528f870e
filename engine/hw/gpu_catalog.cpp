#include "hw/gpu_catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "hw/embedded_resources.h"

namespace enclave::hw {
namespace {

using nlohmann::json;

constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

// Fills `spec` from the fields present in `row` (absent fields keep their value).
Status ApplyRow(const json& row, GpuSpec* spec) {
  try {
    if (row.contains("name")) spec->name = row.at("name").get<std::string>();
    if (row.contains("aliases")) spec->aliases = row.at("aliases").get<std::vector<std::string>>();
    if (row.contains("vendor")) spec->vendor = row.at("vendor").get<std::string>();
    if (row.contains("segment")) spec->segment = row.at("segment").get<std::string>();
    if (row.contains("vram_gib"))
      spec->vram_bytes = static_cast<uint64_t>(std::llround(row.at("vram_gib").get<double>() * kBytesPerGiB));
    if (row.contains("bandwidth_gbs")) spec->bandwidth_gbs = row.at("bandwidth_gbs").get<double>();
    if (row.contains("bf16_tflops")) spec->bf16_tflops = row.at("bf16_tflops").get<double>();
    if (row.contains("tdp_w")) spec->tdp_w = row.at("tdp_w").get<double>();
    if (row.contains("price_usd")) spec->price_usd = row.at("price_usd").get<double>();
    if (row.contains("supported")) spec->supported = row.at("supported").get<bool>();
  } catch (const json::exception& e) {
    return BadInput(std::string("GPU catalog row: ") + e.what());
  }
  if (spec->name.empty()) return BadInput("GPU catalog row without a name");
  if (spec->vram_bytes == 0) return BadInput("GPU catalog row '" + spec->name + "': vram_gib must be positive");
  if (spec->bandwidth_gbs < 0 || spec->bf16_tflops < 0 || spec->tdp_w < 0 || spec->price_usd < 0)
    return BadInput("GPU catalog row '" + spec->name + "': negative values are not allowed");
  return Status::Ok();
}

Expected<json> ParseRows(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return BadInput("GPU catalog is not valid JSON");
  if (!root.is_object() || !root.contains("gpus") || !root["gpus"].is_array())
    return BadInput("GPU catalog needs a \"gpus\" array");
  return root["gpus"];
}

bool Matches(const GpuSpec& spec, const std::string& normalized) {
  if (NormalizeGpuName(spec.name) == normalized) return true;
  for (const std::string& a : spec.aliases)
    if (NormalizeGpuName(a) == normalized) return true;
  return false;
}

}  // namespace

std::string NormalizeGpuName(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_') continue;
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (std::string_view prefix : {"nvidia", "geforce", "amd", "instinct", "huawei", "tesla"}) {
    if (s.rfind(prefix, 0) == 0 && s.size() > prefix.size()) s.erase(0, prefix.size());
  }
  return s;
}

const GpuCatalog& GpuCatalog::BuiltIn() {
  static const GpuCatalog kCatalog = [] {
    Expected<GpuCatalog> c = Parse(EmbeddedGpusJson());
    return c.ok() ? std::move(c).value() : GpuCatalog();  // a broken resource fails the tests
  }();
  return kCatalog;
}

Expected<GpuCatalog> GpuCatalog::Parse(std::string_view json_text) {
  ENCLAVE_ASSIGN_OR_RETURN(json rows, ParseRows(json_text));
  GpuCatalog catalog;
  for (const json& row : rows) {
    GpuSpec spec;
    ENCLAVE_RETURN_IF_ERROR(ApplyRow(row, &spec));
    catalog.gpus_.push_back(std::move(spec));
  }
  return catalog;
}

Expected<GpuSpec> GpuCatalog::Find(std::string_view name) const {
  const std::string wanted = NormalizeGpuName(name);
  for (const GpuSpec& g : gpus_)
    if (Matches(g, wanted)) return g;
  // A detected name carries more words ("NVIDIA H100 80GB HBM3"): the longest catalog name
  // or alias it starts with.
  const GpuSpec* best = nullptr;
  size_t best_len = 0;
  for (const GpuSpec& g : gpus_) {
    std::vector<std::string> names = g.aliases;
    names.push_back(g.name);
    for (const std::string& n : names) {
      const std::string k = NormalizeGpuName(n);
      if (k.size() > best_len && wanted.rfind(k, 0) == 0) {
        best = &g;
        best_len = k.size();
      }
    }
  }
  if (best) return *best;
  std::string known;
  for (const GpuSpec& g : gpus_) known += (known.empty() ? "" : ", ") + g.name;
  return NotFound("unknown GPU '" + std::string(name) + "' (known: " + known + ")");
}

Status GpuCatalog::MergeOverrides(std::string_view json_text) {
  ENCLAVE_ASSIGN_OR_RETURN(json rows, ParseRows(json_text));
  for (const json& row : rows) {
    if (!row.is_object() || !row.contains("name") || !row["name"].is_string())
      return BadInput("GPU catalog override row without a name");
    const std::string key = NormalizeGpuName(row["name"].get<std::string>());
    auto it = std::find_if(gpus_.begin(), gpus_.end(), [&](const GpuSpec& g) { return Matches(g, key); });
    if (it != gpus_.end()) {
      GpuSpec updated = *it;
      updated.name = it->name;  // keep the catalog's spelling
      json without_name = row;
      without_name.erase("name");
      ENCLAVE_RETURN_IF_ERROR(ApplyRow(without_name, &updated));
      *it = std::move(updated);
    } else {
      GpuSpec spec;
      ENCLAVE_RETURN_IF_ERROR(ApplyRow(row, &spec));
      gpus_.push_back(std::move(spec));
    }
  }
  return Status::Ok();
}

Status GpuCatalog::MergeOverridesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open GPU catalog " + path);
  std::stringstream text;
  text << in.rdbuf();
  return MergeOverrides(text.str()).WithContext(path);
}

void GpuCatalog::AddDetected(const std::vector<GpuInfo>& detected) {
  for (const GpuInfo& info : detected) {
    Expected<GpuSpec> known = Find(info.name);
    GpuSpec spec = known.ok() ? known.value() : GpuSpec{};
    spec.name = info.name + " (detected, GPU " + std::to_string(info.index) + ")";
    spec.aliases.clear();
    if (spec.vendor.empty()) spec.vendor = "NVIDIA";
    if (spec.segment.empty()) spec.segment = "detected";
    if (info.memory_total_bytes > 0) spec.vram_bytes = info.memory_total_bytes;
    if (info.power_limit_w) spec.tdp_w = *info.power_limit_w;
    spec.supported = true;
    spec.detected = true;
    gpus_.insert(gpus_.begin(), std::move(spec));
  }
}

std::string GpuCatalog::ToJson() const {
  json rows = json::array();
  for (const GpuSpec& g : gpus_) {
    if (g.detected) continue;
    rows.push_back({{"name", g.name}, {"aliases", g.aliases}, {"vendor", g.vendor}, {"segment", g.segment},
                    {"vram_gib", static_cast<double>(g.vram_bytes) / kBytesPerGiB},
                    {"bandwidth_gbs", g.bandwidth_gbs}, {"bf16_tflops", g.bf16_tflops}, {"tdp_w", g.tdp_w},
                    {"price_usd", g.price_usd}, {"supported", g.supported}});
  }
  return json{{"gpus", rows}}.dump(2);
}

}  // namespace enclave::hw
