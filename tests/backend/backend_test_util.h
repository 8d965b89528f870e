// Helpers shared by the CPU backend tests: seeded random data, backends in every configuration
// (scalar and SIMD kernels, one and several threads), and tensors made from host vectors.
#pragma once

#include <QtTest>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "core/quantize.h"

namespace enclave::testing {

inline std::vector<float> RandomVector(int64_t n, uint32_t seed, float stddev = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, stddev);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

struct BackendConfig {
  std::string label;  // "scalar/1 thread", ...
  CpuBackendOptions options;
};

// Every combination the kernels must agree in. The SIMD rows use whatever this CPU offers
// (plain C++ again where it has no AVX2, which the label then says).
inline std::vector<BackendConfig> AllConfigs() {
  std::vector<BackendConfig> configs;
  for (bool scalar : {true, false})
    for (int threads : {1, 3}) {
      CpuBackendOptions o;
      o.n_threads = threads;
      o.force_scalar = scalar;
      configs.push_back({std::string(scalar ? "scalar" : "best") + "/" + std::to_string(threads) + " threads", o});
    }
  return configs;
}

inline std::unique_ptr<Backend> MakeBackend(const CpuBackendOptions& options) {
  auto backend = CreateCpuBackend(options);
  if (!backend.ok()) qFatal("CreateCpuBackend: %s", backend.status().message().c_str());
  return std::move(backend).value();
}

// A backend tensor holding `bytes` (its size must match the shape).
inline Tensor MakeTensor(Backend& backend, DType type, Shape ne, const void* bytes, const char* name = "t") {
  auto t = backend.Alloc(type, ne, name);
  if (!t.ok()) qFatal("Alloc: %s", t.status().message().c_str());
  if (bytes) (void)backend.Upload(*t, bytes, t->nbytes());
  return *t;
}

inline Tensor F32Tensor(Backend& backend, const std::vector<float>& v, Shape ne, const char* name = "t") {
  if (static_cast<int64_t>(v.size()) != ne[0] * ne[1] * ne[2] * ne[3]) qFatal("F32Tensor: size mismatch");
  return MakeTensor(backend, DType::F32, ne, v.data(), name);
}

inline Tensor I32Tensor(Backend& backend, const std::vector<int32_t>& v, const char* name = "ids") {
  return MakeTensor(backend, DType::I32, {static_cast<int64_t>(v.size()), 1, 1, 1}, v.data(), name);
}

inline std::vector<float> ReadF32(Backend& backend, const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.elements()));
  const Status s = backend.Download(t, v.data(), v.size() * sizeof(float));
  if (!s.ok()) qFatal("Download: %s", s.message().c_str());
  return v;
}

// Quantises rows of floats to `type` (host bytes, as a GGUF file would hold them).
inline std::vector<uint8_t> Quantize(DType type, const std::vector<float>& values, int64_t cols) {
  const int64_t rows = static_cast<int64_t>(values.size()) / cols;
  std::vector<uint8_t> bytes(RowBytes(type, cols) * static_cast<size_t>(rows));
  const Status s = QuantizeRows(type, values.data(), bytes.data(), rows, cols);
  if (!s.ok()) qFatal("QuantizeRows: %s", s.message().c_str());
  return bytes;
}

inline std::vector<float> Dequantize(DType type, const std::vector<uint8_t>& bytes, int64_t cols) {
  const size_t row_bytes = RowBytes(type, cols);
  const size_t rows = bytes.size() / row_bytes;
  std::vector<float> out(rows * static_cast<size_t>(cols));
  for (size_t r = 0; r < rows; ++r) DequantizeRow(type, bytes.data() + r * row_bytes, out.data() + r * cols, cols);
  return out;
}

}  // namespace enclave::testing
