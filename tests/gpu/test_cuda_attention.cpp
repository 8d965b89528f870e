// Attention on the CUDA backend against the CPU backend: decode at 1, 17, 4096 and 32768 cached
// positions, prefill chunks, GQA widths, tiny and MLA-like head sizes, sliding window and
// soft-capping, f16 and f32 caches.
#include <cstdio>
#include <numeric>

#include "gpu_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

Backends& B() {
  static Backends b = MakeBackends();
  return b;
}

struct Case {
  const char* what;
  int n_heads, n_kv_heads, head_dim, v_head_dim;
  int64_t ctx;
  int64_t n_tokens;  // queries at positions first .. first + n_tokens - 1
  int32_t first;
  DType cache_type;
  int window = 0;
  float softcap = 0.f;
};

void Run(const Case& c, uint32_t seed) {
  Backends& b = B();
  const int64_t kw = static_cast<int64_t>(c.n_kv_heads) * c.head_dim;
  const int64_t vw = static_cast<int64_t>(c.n_kv_heads) * c.v_head_dim;
  const int64_t filled = c.first + c.n_tokens;  // cache rows written
  Pair kc = MakeOutput(b, c.cache_type, {kw, c.ctx, 1, 1});
  Pair vc = MakeOutput(b, c.cache_type, {vw, c.ctx, 1, 1});
  // Fill the cache through StoreKV in chunks (the same path the model uses).
  const int64_t chunk = 4096;
  for (int64_t r = 0; r < filled; r += chunk) {
    const int64_t n = std::min(chunk, filled - r);
    Pair k = MakeF32(b, {kw, n, 1, 1}, seed + 7 * static_cast<uint32_t>(r) + 1);
    Pair v = MakeF32(b, {vw, n, 1, 1}, seed + 7 * static_cast<uint32_t>(r) + 2);
    std::vector<int32_t> pv(static_cast<size_t>(n));
    std::iota(pv.begin(), pv.end(), static_cast<int32_t>(r));
    Pair pos = MakeTensor(b, DType::I32, {n, 1, 1, 1}, pv);
    b.cpu->StoreKV(kc.cpu, k.cpu, pos.cpu);
    b.gpu->StoreKV(kc.gpu, k.gpu, pos.gpu);
    b.cpu->StoreKV(vc.cpu, v.cpu, pos.cpu);
    b.gpu->StoreKV(vc.gpu, v.gpu, pos.gpu);
    for (Pair* p : {&k, &v, &pos}) FreePair(b, *p);
  }
  Pair q = MakeF32(b, {static_cast<int64_t>(c.n_heads) * c.head_dim, c.n_tokens, 1, 1}, seed + 3);
  std::vector<int32_t> qp(static_cast<size_t>(c.n_tokens));
  std::iota(qp.begin(), qp.end(), c.first);
  Pair pos = MakeTensor(b, DType::I32, {c.n_tokens, 1, 1, 1}, qp);
  Pair out = MakeOutput(b, DType::F32, {static_cast<int64_t>(c.n_heads) * c.v_head_dim, c.n_tokens, 1, 1});
  AttentionParams p;
  p.n_heads = c.n_heads;
  p.n_kv_heads = c.n_kv_heads;
  p.head_dim = c.head_dim;
  p.v_head_dim = c.v_head_dim;
  p.scale = 1.f / std::sqrt(static_cast<float>(c.head_dim));
  p.window = c.window;
  p.softcap = c.softcap;
  b.cpu->Attention(out.cpu, q.cpu, kc.cpu, vc.cpu, pos.cpu, p);
  b.gpu->Attention(out.gpu, q.gpu, kc.gpu, vc.gpu, pos.gpu, p);
  char what[128];
  std::snprintf(what, sizeof what, "%s (%s cache)", c.what, std::string(Name(c.cache_type)).c_str());
  // The tensor-core prefill kernel rounds q and the probabilities to f16 (f32 accumulation).
  const bool flash = c.cache_type == DType::F16 && c.head_dim == 128 && c.v_head_dim == 128 && c.n_tokens >= 16;
  ExpectClose(b, out, flash ? 3e-3 : 1e-4, std::string(what) + (flash ? " [tensor cores]" : ""));
  for (Pair* x : {&kc, &vc, &q, &pos, &out}) FreePair(b, *x);
}

}  // namespace

TEST_CASE(DecodeAtOne17_4096_32768Positions) {
  uint32_t seed = 1000;
  for (DType ct : {DType::F16, DType::F32}) {
    Run({"decode, 1 position, 28/4 heads", 28, 4, 128, 128, 32768, 1, 0, ct}, seed++);
    Run({"decode, 17 positions", 28, 4, 128, 128, 32768, 1, 16, ct}, seed++);
    Run({"decode, 4096 positions", 28, 4, 128, 128, 32768, 1, 4095, ct}, seed++);
    Run({"decode, 32768 positions", 28, 4, 128, 128, 32768, 1, 32767, ct}, seed++);
  }
}

TEST_CASE(PrefillChunks) {
  uint32_t seed = 2000;
  Run({"prefill 17 from 0, 12/2 heads", 12, 2, 128, 128, 64, 17, 0, DType::F16}, seed++);
  Run({"prefill 512 from 0, 28/4 heads", 28, 4, 128, 128, 1024, 512, 0, DType::F16}, seed++);
  Run({"prefill 37 from 4000", 28, 4, 128, 128, 4096, 37, 4000, DType::F32}, seed++);
  Run({"batch of 3 decode-sized queries", 32, 8, 128, 128, 256, 3, 100, DType::F16}, seed++);
}

TEST_CASE(HeadShapes) {
  uint32_t seed = 3000;
  Run({"tiny: 4/1 heads of 16", 4, 1, 16, 16, 64, 20, 0, DType::F32}, seed++);
  Run({"tiny: 4/2 heads of 16", 4, 2, 16, 16, 64, 1, 40, DType::F16}, seed++);
  Run({"MLA-like: 16/16 heads, 192 q/k, 128 v", 16, 16, 192, 128, 512, 5, 300, DType::F16}, seed++);
  Run({"GQA 64/4 (group 16 > 8 per block)", 64, 4, 64, 64, 512, 2, 200, DType::F16}, seed++);
  Run({"head_dim 256", 8, 2, 256, 256, 512, 1, 400, DType::F16}, seed++);
}

TEST_CASE(WindowAndSoftcap) {
  uint32_t seed = 4000;
  Run({"sliding window 64", 8, 4, 64, 64, 1024, 3, 700, DType::F16, 64}, seed++);
  Run({"softcap 50", 8, 4, 64, 64, 1024, 2, 600, DType::F32, 0, 50.f}, seed++);
  Run({"prefill 100 from 3000, window 256", 28, 4, 128, 128, 4096, 100, 3000, DType::F16, 256}, seed++);
  Run({"prefill 40, softcap 30", 16, 8, 128, 128, 256, 40, 10, DType::F16, 0, 30.f}, seed++);
}

ENCLAVE_TEST_MAIN()
