// Shared helpers of the GPU tests: a CPU and a CUDA backend side by side, seeded random tensors
// uploaded to both, and comparisons by relative L2 error and max abs error.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "check.h"
#include "core/quantize.h"

namespace enclave::testing {

struct Backends {
  std::unique_ptr<Backend> cpu;
  std::unique_ptr<Backend> gpu;
};

// Both backends, or exit 77 (skip) when this machine has no usable CUDA device.
inline Backends MakeBackends() {
  Backends b;
  auto cpu = CreateBackend({.device = "cpu"});
  if (!cpu.ok()) {
    std::printf("cpu backend: %s\n", cpu.status().message().c_str());
    std::exit(1);
  }
  auto gpu = CreateBackend({.device = "cuda"});
  if (!gpu.ok()) SKIP("no CUDA device: " + gpu.status().message());
  b.cpu = std::move(*cpu);
  b.gpu = std::move(*gpu);
  return b;
}

inline std::vector<float> RandomFloats(size_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// A tensor with the same contents on both backends. Host bytes stay alive for the CPU backend,
// which uses weights in place.
struct Pair {
  Tensor cpu, gpu;
  std::shared_ptr<std::vector<uint8_t>> host;
};

// A weight of `type` [m][k] quantised from seeded normal floats.
inline Pair MakeWeight(Backends& b, DType type, int64_t k, int64_t m, uint32_t seed, float scale = 1.f) {
  const std::vector<float> f = RandomFloats(static_cast<size_t>(k * m), seed, scale);
  Pair p;
  p.host = std::make_shared<std::vector<uint8_t>>(RowBytes(type, k) * m);
  Status st = QuantizeRows(type, f.data(), p.host->data(), m, k);
  CHECK(st.ok());
  TensorView view;
  view.name = "w";
  view.type = type;
  view.ne = {k, m, 1, 1};
  view.n_dims = 2;
  view.data = p.host->data();
  view.nbytes = p.host->size();
  auto c = b.cpu->UploadWeight(view);
  auto g = b.gpu->UploadWeight(view);
  CHECK(c.ok());
  CHECK(g.ok());
  if (!g.ok()) std::printf("  upload: %s\n", g.status().message().c_str());
  if (c.ok()) p.cpu = *c;
  if (g.ok()) p.gpu = *g;
  return p;
}

// An activation tensor (F32/F16/I32) filled from `data` on both backends.
template <typename T>
inline Pair MakeTensor(Backends& b, DType type, Shape ne, const std::vector<T>& data) {
  Pair p;
  auto c = b.cpu->Alloc(type, ne, "t");
  auto g = b.gpu->Alloc(type, ne, "t");
  CHECK(c.ok() && g.ok());
  p.cpu = *c;
  p.gpu = *g;
  CHECK(p.cpu.nbytes() == data.size() * sizeof(T));
  CHECK(b.cpu->Upload(p.cpu, data.data(), p.cpu.nbytes()).ok());
  CHECK(b.gpu->Upload(p.gpu, data.data(), p.gpu.nbytes()).ok());
  return p;
}

inline Pair MakeF32(Backends& b, Shape ne, uint32_t seed, float scale = 1.f) {
  return MakeTensor(b, DType::F32, ne, RandomFloats(static_cast<size_t>(ne[0] * ne[1] * ne[2] * ne[3]), seed, scale));
}

// An output tensor on both backends, poisoned with NaN so unwritten elements show.
inline Pair MakeOutput(Backends& b, DType type, Shape ne) {
  Pair p;
  auto c = b.cpu->Alloc(type, ne, "out");
  auto g = b.gpu->Alloc(type, ne, "out");
  CHECK(c.ok() && g.ok());
  p.cpu = *c;
  p.gpu = *g;
  std::vector<uint8_t> poison(p.cpu.nbytes(), 0xff);  // all-ones: NaN in f32 and f16
  CHECK(b.cpu->Upload(p.cpu, poison.data(), poison.size()).ok());
  CHECK(b.gpu->Upload(p.gpu, poison.data(), poison.size()).ok());
  return p;
}

inline std::vector<float> ToFloats(Backend& be, const Tensor& t) {
  std::vector<float> out(static_cast<size_t>(t.elements()));
  if (t.type == DType::F32) {
    Status st = be.Download(t, out.data(), t.nbytes());
    if (!st.ok()) std::printf("  download: %s\n", st.message().c_str());
    CHECK(st.ok());
  } else {
    std::vector<uint8_t> raw(t.nbytes());
    CHECK(be.Download(t, raw.data(), raw.size()).ok());
    DequantizeRow(t.type, raw.data(), out.data(), t.elements());
  }
  return out;
}

struct Diff {
  double rel_l2 = 0;    // |gpu - cpu| / |cpu|
  double max_abs = 0;
  bool finite = true;
};

inline Diff Compare(const std::vector<float>& ref, const std::vector<float>& got) {
  Diff d;
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size() && i < got.size(); ++i) {
    if (!std::isfinite(got[i])) d.finite = false;
    const double e = static_cast<double>(got[i]) - ref[i];
    num += e * e;
    den += static_cast<double>(ref[i]) * ref[i];
    d.max_abs = std::max(d.max_abs, std::fabs(e));
  }
  d.rel_l2 = den > 0 ? std::sqrt(num / den) : std::sqrt(num);
  if (ref.size() != got.size()) d.finite = false;
  return d;
}

// Downloads both, compares, prints one line, and checks rel_l2 <= tol.
inline void ExpectClose(Backends& b, const Pair& p, double tol, const std::string& what) {
  CHECK(b.cpu->status().ok());
  if (!b.gpu->status().ok()) std::printf("  gpu: %s\n", b.gpu->status().message().c_str());
  CHECK(b.gpu->status().ok());
  const Diff d = Compare(ToFloats(*b.cpu, p.cpu), ToFloats(*b.gpu, p.gpu));
  std::printf("  %-48s rel_l2 %.2e  max_abs %.2e%s\n", what.c_str(), d.rel_l2, d.max_abs,
              d.finite ? "" : "  NON-FINITE");
  CHECK(d.finite);
  CHECK(d.rel_l2 <= tol);
}

// Exact product over the dequantised weights; with quantize_x, of x rounded as the int8 matvec
// path rounds it (per 32: d = max|x| / 127, q = round(x / d)), which the GPU must then match.
inline std::vector<double> Reference(const std::vector<uint8_t>& w, DType type, int64_t k, int64_t m,
                              std::vector<float> x, int64_t n, const std::vector<float>* bias, bool quantize_x) {
  if (quantize_x) {
    for (size_t b = 0; b + 32 <= x.size(); b += 32) {
      float amax = 0.f;
      for (size_t i = b; i < b + 32; ++i) amax = std::max(amax, std::fabs(x[i]));
      const float d = amax / 127.f;
      for (size_t i = b; i < b + 32; ++i) x[i] = amax > 0.f ? d * std::nearbyint(x[i] / d) : 0.f;
    }
  }
  std::vector<float> row(k);
  std::vector<double> out(static_cast<size_t>(n * m));
  const size_t rb = RowBytes(type, k);
  for (int64_t r = 0; r < m; ++r) {
    DequantizeRow(type, w.data() + r * rb, row.data(), k);
    for (int64_t t = 0; t < n; ++t) {
      double s = bias ? (*bias)[r] : 0.0;
      for (int64_t i = 0; i < k; ++i) s += static_cast<double>(row[i]) * x[t * k + i];
      out[t * m + r] = s;
    }
  }
  return out;
}

inline double RelL2(const std::vector<double>& ref, const std::vector<float>& got) {
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (!std::isfinite(got[i])) return INFINITY;
    num += (got[i] - ref[i]) * (got[i] - ref[i]);
    den += ref[i] * ref[i];
  }
  return std::sqrt(num / den);
}

inline void FreePair(Backends& b, Pair& p) {
  b.cpu->Free(p.cpu);
  b.gpu->Free(p.gpu);
}

}  // namespace enclave::testing
