// Matrix-vector throughput of the CPU backend per weight type, in bytes of weights read per
// second (the bound for decoding is memory bandwidth), plus a prefill shape (many tokens per
// weight pass). Run: bench_matvec [--benchmark_filter=q4_k]
#include <benchmark/benchmark.h>

#include <ctime>

#include <map>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "core/quantize.h"

namespace {

using enclave::Backend;
using enclave::DType;
using enclave::Tensor;

constexpr DType kTypes[] = {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K};

// Weights of shape [rows][cols] in `type`: 64 distinct random rows quantised once and repeated
// (quantising 45M values with the k-quant scale search would dominate the run).
const std::vector<uint8_t>& Weights(DType type, int64_t rows, int64_t cols) {
  static std::map<std::tuple<DType, int64_t, int64_t>, std::vector<uint8_t>> cache;
  auto& bytes = cache[{type, rows, cols}];
  if (!bytes.empty()) return bytes;
  constexpr int64_t kDistinct = 64;
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.f, 0.02f);
  std::vector<float> values(kDistinct * cols);
  for (float& v : values) v = dist(rng);
  const size_t row_bytes = enclave::RowBytes(type, cols);
  std::vector<uint8_t> distinct(row_bytes * kDistinct);
  (void)enclave::QuantizeRows(type, values.data(), distinct.data(), kDistinct, cols);
  bytes.resize(row_bytes * rows);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(distinct.data() + (r % kDistinct) * row_bytes, row_bytes, bytes.data() + r * row_bytes);
  return bytes;
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// args: rows (M), cols (K), threads, tokens.
void BM_MatMul(benchmark::State& state, DType type) {
  const int64_t rows = state.range(0), cols = state.range(1), tokens = state.range(3);
  enclave::CpuBackendOptions options;
  options.n_threads = static_cast<int>(state.range(2));
  auto created = enclave::CreateCpuBackend(options);
  std::unique_ptr<Backend> backend = std::move(created).value();
  const std::vector<uint8_t>& bytes = Weights(type, rows, cols);
  enclave::TensorView view;
  view.name = "w";
  view.type = type;
  view.ne = {cols, rows, 1, 1};
  view.data = bytes.data();
  view.nbytes = bytes.size();
  Tensor w = backend->UploadWeight(view).value();
  Tensor x = backend->Alloc(DType::F32, {cols, tokens, 1, 1}, "x").value();
  Tensor y = backend->Alloc(DType::F32, {rows, tokens, 1, 1}, "y").value();
  std::vector<float> host(static_cast<size_t>(cols * tokens));
  std::mt19937 rng(2);
  std::normal_distribution<float> dist;
  for (float& v : host) v = dist(rng);
  (void)backend->Upload(x, host.data(), host.size() * sizeof(float));

  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    backend->MatMul(y, w, x);
    benchmark::DoNotOptimize(y.data);
  }
  const double cpu_seconds = ProcessCpuSeconds() - cpu_start;
  if (!backend->status().ok()) state.SkipWithError(backend->status().message().c_str());
  const auto total_bytes = static_cast<double>(state.iterations()) * static_cast<double>(bytes.size());
  state.SetBytesProcessed(static_cast<int64_t>(total_bytes));
  // Weight bytes per second of CPU time summed over all threads: what one busy core sustains,
  // a number that stays meaningful when other programs share the cores (wall time does not).
  if (cpu_seconds > 0) state.counters["GB/s/core"] = total_bytes / cpu_seconds / 1e9;
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(state.iterations() * tokens),
                                                  benchmark::Counter::kIsRate);
  state.SetLabel(std::string(enclave::Name(type)) + " " + backend->name());
}

void RegisterAll() {
  for (DType type : kTypes) {
    const std::string name = "MatVec/" + std::string(enclave::Name(type));
    auto* b = benchmark::RegisterBenchmark(name.c_str(), BM_MatMul, type);
    b->ArgNames({"M", "K", "threads", "tokens"})->UseRealTime()->Unit(benchmark::kMicrosecond);
    for (int64_t rows : {4096, 11008})
      for (int64_t threads : {1, 2}) b->Args({rows, 4096, threads, 1});
  }
  for (DType type : {DType::F32, DType::Q8_0, DType::Q4_K}) {
    const std::string name = "Prefill/" + std::string(enclave::Name(type));
    benchmark::RegisterBenchmark(name.c_str(), BM_MatMul, type)
        ->ArgNames({"M", "K", "threads", "tokens"})
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->Args({4096, 4096, 2, 64});
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
