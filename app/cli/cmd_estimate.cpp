// enclave-cli estimate (-m PATH | --preset NAME) [--quant Q] [--ctx C] [--batch B] [--gpu NAME]
//                      [--gpus N] [--gpu-layers N] [--parallel N] [--kv-type f16|q8_0]
//                      [--catalog FILE] [--cpu] [--json] [--list-presets] [--list-gpus]
//   enclave-cli estimate --matrix [--gpu NAME ...]: every preset x quantisation on that hardware
// Reports whether the model fits and how fast it should run; exit 0 whether or not it fits,
// 2 on bad input. -m takes a GGUF file, or a Hugging Face folder / config.json (with --quant).
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "hw/estimator.h"
#include "hw/fit_matrix.h"
#include "hw/gpu_provider.h"

namespace enclave::cli {
namespace {

using nlohmann::json;

constexpr int64_t kBig = int64_t{1} << 40;  // range checks are the estimator's (clear messages)

std::string Gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f GiB", static_cast<double>(bytes) / static_cast<double>(hw::kGiB));
  return buf;
}

json BreakdownJson(const hw::MemoryBreakdown& b) {
  return {{"weights_bytes", b.weights_bytes}, {"kv_bytes", b.kv_bytes}, {"compute_bytes", b.compute_bytes},
          {"overhead_bytes", b.overhead_bytes}, {"total_bytes", b.total()}};
}

// Sum of the devices that decide the fit: the GPUs, or the host when running on the CPU.
hw::MemoryBreakdown DeviceSum(const hw::Estimate& e) {
  if (e.per_gpu.empty()) return e.host;
  hw::MemoryBreakdown sum;
  for (const hw::MemoryBreakdown& b : e.per_gpu) {
    sum.weights_bytes += b.weights_bytes;
    sum.kv_bytes += b.kv_bytes;
    sum.compute_bytes += b.compute_bytes;
    sum.overhead_bytes += b.overhead_bytes;
  }
  return sum;
}

int ListPresets() {
  for (const hw::ModelPreset& p : hw::Presets())
    std::printf("%-32s %-32s %s, %lld layers, ctx %lld\n", p.name.c_str(), p.display_name.c_str(),
                std::string(hw::ArchName(p.shape.arch)).c_str(), static_cast<long long>(p.shape.layers),
                static_cast<long long>(p.shape.max_context));
  return 0;
}

int ListGpus(const hw::GpuCatalog& catalog) {
  std::printf("%-36s %10s %10s %10s %7s %9s\n", "GPU", "VRAM GiB", "GB/s", "bf16 TF", "TDP W", "USD");
  for (const hw::GpuSpec& g : catalog.gpus())
    std::printf("%-36s %10.1f %10.0f %10.1f %7.0f %9.0f%s\n", g.name.c_str(),
                static_cast<double>(g.vram_bytes) / static_cast<double>(hw::kGiB), g.bandwidth_gbs, g.bf16_tflops,
                g.tdp_w, g.price_usd, g.supported ? "" : "  (reference)");
  return 0;
}

int PrintMatrix(const hw::EstimateOptions& o, bool as_json) {
  std::vector<std::string> presets;
  for (const hw::ModelPreset& p : hw::Presets()) presets.push_back(p.name);
  const std::vector<hw::FileType>& quants = hw::DefaultMatrixQuants();
  const std::vector<hw::FitCell> cells = hw::FitMatrix(o, presets, quants);
  if (as_json) {
    json rows = json::array();
    for (const hw::FitCell& c : cells)
      rows.push_back({{"preset", c.preset}, {"quant", hw::FileTypeName(c.quant)}, {"fits", c.fits},
                      {"total_bytes", c.total_bytes}, {"max_ctx", c.max_ctx}, {"decode_tok_s", c.decode_tok_s},
                      {"error", c.error}});
    std::printf("%s\n", json{{"gpu", o.gpu ? json(o.gpu->name) : json(nullptr)}, {"ctx", o.ctx}, {"cells", rows}}.dump().c_str());
    return 0;
  }
  std::printf("%s, ctx %lld: tok/s where it fits, '-' where it does not\n%-32s",
              o.gpu ? (o.gpu->name + " x " + std::to_string(o.n_gpus)).c_str() : "CPU only",
              static_cast<long long>(o.ctx), "");
  for (hw::FileType q : quants) std::printf(" %8s", std::string(hw::FileTypeName(q)).c_str());
  std::printf("\n");
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i % quants.size() == 0) std::printf("%-32s", cells[i].preset.c_str());
    char cell[32] = "       -";
    if (!cells[i].error.empty()) std::snprintf(cell, sizeof(cell), "%8s", "error");
    else if (cells[i].fits) std::snprintf(cell, sizeof(cell), "%8.1f", cells[i].decode_tok_s);
    std::printf(" %s", cell);
    if (i % quants.size() == quants.size() - 1) std::printf("\n");
  }
  return 0;
}

Expected<hw::EstimateModel> LoadModel(const Args& args) {
  const bool has_model = args.Has("-m") || args.Has("--model");
  if (has_model == args.Has("--preset"))
    return InvalidArgument("give either -m PATH (GGUF file or Hugging Face folder) or --preset NAME");
  const std::string quant = args.GetOr("--quant", "q4_k_m");
  if (args.Has("--preset")) return hw::ModelFromPreset(*args.Get("--preset"), quant);
  const std::string path = args.Get("-m") ? *args.Get("-m") : *args.Get("--model");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("no such file: " + path);
  if (std::filesystem::is_directory(path, ec) || std::filesystem::path(path).extension() == ".json")
    return hw::ModelFromHfConfig(path, quant);
  if (args.Has("--quant"))
    std::fprintf(stderr, "enclave-cli: note: --quant is ignored for a GGUF file (its own tensor types are used)\n");
  return hw::ModelFromGguf(path);
}

void PrintTable(const hw::EstimateModel& m, const hw::EstimateOptions& o, const hw::Estimate& e) {
  std::printf("model     %s (%s, %.2f bits/weight, %.2f B params, %.2f B active per token)\n", m.name.c_str(),
              m.quant.c_str(), e.bits_per_weight, e.params / 1e9, e.active_params / 1e9);
  std::printf("context   %lld tokens x %lld sequence(s), KV cache %s (%s for all layers)\n",
              static_cast<long long>(o.ctx), static_cast<long long>(o.parallel),
              std::string(hw::KvTypeName(o.kv_type)).c_str(), Gib(e.kv_bytes).c_str());
  if (o.gpu) {
    std::printf("device    %s x %lld: %s each, %s usable; %lld of %lld layers on the GPU(s)\n", o.gpu->name.c_str(),
                static_cast<long long>(o.n_gpus), Gib(e.gpu_capacity_bytes).c_str(), Gib(e.gpu_usable_bytes).c_str(),
                static_cast<long long>(o.gpu_layers < 0 ? m.shape.layers : o.gpu_layers),
                static_cast<long long>(m.shape.layers));
  } else {
    std::printf("device    CPU only (host RAM %s)\n", Gib(e.host_capacity_bytes).c_str());
  }
  std::printf("\n%-10s %12s %12s %12s %12s %12s\n", "", "weights", "KV cache", "compute", "overhead", "total");
  auto row = [](const std::string& name, const hw::MemoryBreakdown& b) {
    std::printf("%-10s %12s %12s %12s %12s %12s\n", name.c_str(), Gib(b.weights_bytes).c_str(), Gib(b.kv_bytes).c_str(),
                Gib(b.compute_bytes).c_str(), Gib(b.overhead_bytes).c_str(), Gib(b.total()).c_str());
  };
  for (size_t g = 0; g < e.per_gpu.size(); ++g) row("GPU " + std::to_string(g), e.per_gpu[g]);
  row("host RAM", e.host);
  std::printf("\nfits      %s\n", e.fits ? "yes" : ("no: " + e.limiting).c_str());
  std::printf("max ctx   %lld tokens (model maximum %lld)\n", static_cast<long long>(e.max_ctx),
              static_cast<long long>(m.shape.extendable_context));
  if (e.decode_tok_s > 0.0) {
    std::printf("decode    ~%.1f tok/s per sequence (%.1f with the cache full)\n", e.decode_tok_s,
                e.decode_tok_s_full_ctx);
    std::printf("prefill   ~%.0f tok/s\n", e.prefill_tok_s);
  }
  for (const std::string& w : e.warnings) std::printf("warning   %s\n", w.c_str());
}

}  // namespace

int CmdEstimate(int argc, char** argv) {
  auto args = Args::Parse(argc, argv,
                          {"-m", "--model", "--preset", "--quant", "--ctx", "--batch", "--gpu", "--gpus",
                           "--gpu-layers", "--parallel", "--kv-type", "--catalog"},
                          {"--json", "--cpu", "--list-presets", "--list-gpus", "--matrix", "-h", "--help"});
  if (!args.ok()) return Fail(args.status());
  if (args->Has("-h") || args->Has("--help")) {
    std::printf("usage: enclave-cli estimate (-m PATH | --preset NAME) [--quant Q] [--ctx C] [--batch B]\n"
                "         [--gpu NAME] [--gpus N] [--gpu-layers N] [--parallel N] [--kv-type f16|q8_0]\n"
                "         [--catalog FILE] [--cpu] [--json] [--list-presets] [--list-gpus] [--matrix]\n");
    return 0;
  }
  if (!args->positionals().empty()) return Fail(InvalidArgument("unexpected argument " + args->positionals()[0]));

  hw::GpuCatalog catalog = hw::GpuCatalog::BuiltIn();
  if (auto file = args->Get("--catalog")) {
    if (Status st = catalog.MergeOverridesFile(*file); !st.ok()) return Fail(st);
  }
  if (args->Has("--list-presets")) return ListPresets();

  hw::EstimateOptions o;
  auto ctx = args->GetInt("--ctx", 4096, -kBig, kBig);
  auto batch = args->GetInt("--batch", o.memory.n_batch, -kBig, kBig);
  auto parallel = args->GetInt("--parallel", 1, -kBig, kBig);
  auto gpus = args->GetInt("--gpus", 1, -kBig, kBig);
  auto gpu_layers = args->GetInt("--gpu-layers", -1, -kBig, kBig);
  for (const auto* v : {&ctx, &batch, &parallel, &gpus, &gpu_layers})
    if (!v->ok()) return Fail(v->status());
  o.ctx = *ctx;
  o.memory.n_batch = *batch;
  o.parallel = *parallel;
  o.n_gpus = *gpus;
  o.gpu_layers = *gpu_layers;
  if (auto kv = args->Get("--kv-type")) {
    auto t = hw::KvTypeFromName(*kv);
    if (!t.ok()) return Fail(t.status());
    o.kv_type = *t;
  }

  // The GPU: named, else the first one detected here, else CPU only.
  if (auto name = args->Get("--gpu")) {
    auto spec = catalog.Find(*name);
    if (!spec.ok()) return Fail(spec.status());
    o.gpu = *spec;
  } else if (!args->Has("--cpu")) {
    std::unique_ptr<hw::GpuProvider> nvml = hw::OpenNvmlProvider();
    if (nvml->available()) {
      catalog.AddDetected(nvml->devices());
      o.gpu = catalog.gpus().front();
    }
  }
  if (args->Has("--list-gpus")) return ListGpus(catalog);
  if (args->Has("--gpus") && !o.gpu) return Fail(InvalidArgument("--gpus needs --gpu NAME (no GPU detected)"));

  if (args->Has("--matrix")) return PrintMatrix(o, args->Has("--json"));

  auto model = LoadModel(*args);
  if (!model.ok()) return Fail(model.status());
  auto estimate = hw::EstimateMemory(*model, o);
  if (!estimate.ok()) return Fail(estimate.status());
  const hw::Estimate& e = *estimate;

  if (args->Has("--json")) {
    const hw::MemoryBreakdown device = DeviceSum(e);
    json per_gpu = json::array();
    for (const hw::MemoryBreakdown& b : e.per_gpu) per_gpu.push_back(BreakdownJson(b));
    const json out = {
        {"model", model->name}, {"quant", model->quant}, {"arch", hw::ArchName(model->shape.arch)},
        {"ctx", o.ctx}, {"parallel", o.parallel}, {"kv_type", hw::KvTypeName(o.kv_type)},
        {"n_batch", o.memory.n_batch},
        {"gpu", o.gpu ? json(o.gpu->name) : json(nullptr)}, {"n_gpus", o.gpu ? o.n_gpus : 0},
        {"gpu_layers", o.gpu ? (o.gpu_layers < 0 ? model->shape.layers : o.gpu_layers) : 0},
        {"layers", model->shape.layers},
        {"weights_bytes", device.weights_bytes}, {"kv_bytes", device.kv_bytes},
        {"compute_bytes", device.compute_bytes}, {"overhead_bytes", device.overhead_bytes},
        {"total_bytes", device.total()},
        {"model_weights_bytes", e.weights_bytes}, {"model_kv_bytes", e.kv_bytes},
        {"per_gpu", per_gpu}, {"host", BreakdownJson(e.host)},
        {"gpu_vram_bytes", e.gpu_capacity_bytes}, {"gpu_usable_bytes", e.gpu_usable_bytes},
        {"host_ram_bytes", e.host_capacity_bytes},
        {"fits", e.fits}, {"limiting", e.limiting}, {"max_ctx", e.max_ctx},
        {"model_max_ctx", model->shape.max_context},
        {"decode_tok_s", e.decode_tok_s}, {"decode_tok_s_full_ctx", e.decode_tok_s_full_ctx},
        {"prefill_tok_s", e.prefill_tok_s},
        {"params", e.params}, {"active_params", e.active_params}, {"bits_per_weight", e.bits_per_weight},
        {"warnings", e.warnings}};
    std::printf("%s\n", out.dump().c_str());
  } else {
    PrintTable(*model, o, e);
  }
  return 0;
}

}  // namespace enclave::cli
