// MatMul and Embed on the CUDA backend for every weight type, against (a) an exact double
// reference over the dequantised weights (the kernels' own accuracy) and (b) the CPU backend
// (which quantises activations to Q8 for quantised weights, hence the looser bound).
#include <cstdio>

#include "gpu_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

Backends& B() {
  static Backends b = MakeBackends();
  return b;
}

const DType kTypes[] = {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K};

// Row lengths per type: an aligned one, an unaligned one (generic kernels), a real model's.
std::vector<int64_t> RowLengths(DType t) {
  switch (t) {
    case DType::Q4_K: case DType::Q6_K: return {256, 1792, 3584};
    case DType::Q8_0: case DType::Q4_0: return {224, 512, 1536};
    default: return {70, 512, 1536};
  }
}

void CheckMatMul(DType type, int64_t k, int64_t m, int64_t n, bool with_bias, uint32_t seed) {
  Backends& b = B();
  Pair w = MakeWeight(b, type, k, m, seed, 0.05f);
  const std::vector<float> xf = RandomFloats(static_cast<size_t>(k * n), seed + 1);
  Pair x = MakeTensor(b, DType::F32, {k, n, 1, 1}, xf);
  const std::vector<float> bf = RandomFloats(static_cast<size_t>(m), seed + 2);
  Pair bias = MakeTensor(b, DType::F32, {m, 1, 1, 1}, bf);
  Pair out = MakeOutput(b, DType::F32, {m, n, 1, 1});
  b.cpu->MatMul(out.cpu, w.cpu, x.cpu, with_bias ? &bias.cpu : nullptr);
  b.gpu->MatMul(out.gpu, w.gpu, x.gpu, with_bias ? &bias.gpu : nullptr);

  const std::vector<float> got = ToFloats(*b.gpu, out.gpu);
  const double exact_err = RelL2(Reference(*w.host, type, k, m, xf, n, with_bias ? &bf : nullptr, false), got);
  // Decode path (n <= 8): f32 arithmetic on exactly dequantised weights, or for quantised
  // weights int8 activations (compared with the same rounding of x). Prefill path: cuBLAS on
  // f16 (bf16 for BF16 weights) operands with f32 accumulation.
  const bool gemm = n > 8, quantised = Info(type).quantized;
  double err = exact_err, tol = 1e-5;
  const char* against = "exact";
  if (gemm) {
    tol = type == DType::F32 ? 1e-5 : type == DType::BF16 ? 8e-3 : 2e-3;
  } else if (quantised) {
    const double q8_err = RelL2(Reference(*w.host, type, k, m, xf, n, with_bias ? &bf : nullptr, true), got);
    if (q8_err < exact_err) err = q8_err, against = "int8-x";
    tol = 1e-4;
  }
  char what[96];
  std::snprintf(what, sizeof what, "MatMul %-4s k=%-5lld m=%-4lld n=%-3lld%s", std::string(Name(type)).c_str(),
                static_cast<long long>(k), static_cast<long long>(m), static_cast<long long>(n),
                with_bias ? " +bias" : "");
  std::printf("  %-48s %s rel_l2 %.2e (tol %.0e)\n", what, against, err, tol);
  CHECK(err <= tol);
  ExpectClose(b, out, 2e-2, std::string(what) + " vs cpu");
  for (Pair* p : {&w, &x, &bias, &out}) FreePair(b, *p);
}

}  // namespace

TEST_CASE(MatVecEveryTypeAndShape) {
  uint32_t seed = 100;
  for (DType t : kTypes)
    for (int64_t k : RowLengths(t))
      for (int64_t n : {1, 3, 7}) CheckMatMul(t, k, 37, n, n == 3, seed++);
}

TEST_CASE(MatVecTallMatrices) {
  // >= 2048 rows: a warp per row (shorter matrices give each row a whole block).
  uint32_t seed = 300;
  for (DType t : kTypes)
    for (int64_t n : {1, 3}) CheckMatMul(t, RowLengths(t)[1], 2100, n, n == 1, seed++);
}

TEST_CASE(GemmEveryType) {
  uint32_t seed = 500;
  for (DType t : kTypes)
    for (int64_t k : RowLengths(t)) CheckMatMul(t, k, 45, 19, k == 512, seed++);
}

TEST_CASE(GemmLargeTiles) {
  // Output rows over several dequantised tiles would need > 160 MB; this exercises a real
  // 7B-shaped projection in one tile and many tokens.
  CheckMatMul(DType::Q4_K, 3584, 512, 128, true, 900);
  CheckMatMul(DType::F16, 3584, 512, 128, false, 901);
}

TEST_CASE(EmbedEveryType) {
  Backends& b = B();
  uint32_t seed = 700;
  for (DType t : kTypes) {
    const int64_t d = (t == DType::Q4_K || t == DType::Q6_K) ? 512 : 96, vocab = 50;
    Pair table = MakeWeight(b, t, d, vocab, seed++);
    const std::vector<int32_t> idv = {3, 0, 49, 17, 17, 42, 8};
    Pair ids = MakeTensor(b, DType::I32, {static_cast<int64_t>(idv.size()), 1, 1, 1}, idv);
    Pair out = MakeOutput(b, DType::F32, {d, static_cast<int64_t>(idv.size()), 1, 1});
    b.cpu->Embed(out.cpu, table.cpu, ids.cpu);
    b.gpu->Embed(out.gpu, table.gpu, ids.gpu);
    ExpectClose(b, out, 1e-6, "Embed " + std::string(Name(t)));
    for (Pair* p : {&table, &ids, &out}) FreePair(b, *p);
  }
}

ENCLAVE_TEST_MAIN()
