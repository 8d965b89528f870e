// Every non-matrix op of the CUDA backend against the CPU backend on seeded random inputs,
// awkward sizes included; plus error handling (sticky errors, VRAM refusal) and step graphs.
#include <algorithm>
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

std::vector<int32_t> Positions(int64_t n, int32_t first) {
  std::vector<int32_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), first);
  return p;
}

}  // namespace

TEST_CASE(RmsNormAndLayerNorm) {
  Backends& b = B();
  struct Case { int64_t width, norm_width, rows; };
  for (const Case c : {Case{64, 64, 3}, Case{3584, 3584, 5}, Case{512, 128, 7}, Case{1000, 1000, 1}}) {
    Pair x = MakeF32(b, {c.width, c.rows, 1, 1}, 11, 3.f);
    Pair w = MakeF32(b, {c.norm_width, 1, 1, 1}, 12);
    Pair bias = MakeF32(b, {c.norm_width, 1, 1, 1}, 13);
    Pair out = MakeOutput(b, DType::F32, {c.width, c.rows, 1, 1});
    b.cpu->RmsNorm(out.cpu, x.cpu, w.cpu, 1e-6f);
    b.gpu->RmsNorm(out.gpu, x.gpu, w.gpu, 1e-6f);
    ExpectClose(b, out, 1e-5, "RmsNorm width " + std::to_string(c.width) + "/" + std::to_string(c.norm_width));
    if (c.width == c.norm_width) {
      b.cpu->LayerNorm(out.cpu, x.cpu, w.cpu, bias.cpu, 1e-5f);
      b.gpu->LayerNorm(out.gpu, x.gpu, w.gpu, bias.gpu, 1e-5f);
      ExpectClose(b, out, 1e-5, "LayerNorm width " + std::to_string(c.width));
    }
    for (Pair* p : {&x, &w, &bias, &out}) FreePair(b, *p);
  }
}

TEST_CASE(RopeBothStyles) {
  Backends& b = B();
  struct Case { int head_dim, n_rot, n_heads; int64_t n; int32_t first; RopeStyle style; float mscale; };
  for (const Case c : {Case{128, 128, 28, 5, 7, RopeStyle::kNeox, 1.f}, Case{16, 16, 4, 17, 0, RopeStyle::kNeox, 1.f},
                       Case{64, 32, 3, 3, 30000, RopeStyle::kInterleaved, 1.2f},
                       Case{192, 64, 2, 2, 4095, RopeStyle::kNeox, 1.f}}) {
    const int64_t width = static_cast<int64_t>(c.head_dim) * c.n_heads;
    Pair x = MakeF32(b, {width, c.n, 1, 1}, 21);
    Pair pos = MakeTensor(b, DType::I32, {c.n, 1, 1, 1}, Positions(c.n, c.first));
    std::vector<float> inv(static_cast<size_t>(c.n_rot / 2));
    for (int i = 0; i < c.n_rot / 2; ++i) inv[i] = std::pow(10000.f, -2.f * i / c.n_rot) * (i % 3 == 0 ? 0.125f : 1.f);
    Pair inv_freq = MakeTensor(b, DType::F32, {c.n_rot / 2, 1, 1, 1}, inv);
    // A second tensor with fewer heads right after (q then k): the backend fuses the pair.
    Pair x2 = MakeF32(b, {static_cast<int64_t>(c.head_dim) * std::max(1, c.n_heads / 2), c.n, 1, 1}, 22);
    b.cpu->Rope(x.cpu, c.head_dim, c.n_rot, pos.cpu, inv_freq.cpu, c.style, c.mscale);
    b.gpu->Rope(x.gpu, c.head_dim, c.n_rot, pos.gpu, inv_freq.gpu, c.style, c.mscale);
    b.cpu->Rope(x2.cpu, c.head_dim, c.n_rot, pos.cpu, inv_freq.cpu, c.style, c.mscale);
    b.gpu->Rope(x2.gpu, c.head_dim, c.n_rot, pos.gpu, inv_freq.gpu, c.style, c.mscale);
    ExpectClose(b, x2, c.first > 1000 ? 5e-3 : 1e-5, "Rope, second of a fused pair");
    FreePair(b, x2);
    // Angles reach 3e4 radians: float sin/cos argument reduction differs by ~1e-3 there.
    ExpectClose(b, x, c.first > 1000 ? 5e-3 : 1e-5,
                "Rope head_dim " + std::to_string(c.head_dim) + " n_rot " + std::to_string(c.n_rot) +
                    (c.style == RopeStyle::kNeox ? " neox" : " interleaved"));
    for (Pair* p : {&x, &pos, &inv_freq}) FreePair(b, *p);
  }
}

TEST_CASE(StoreKVHalfAndFloat) {
  Backends& b = B();
  for (DType ct : {DType::F16, DType::F32}) {
    const int64_t ctx = 40, width = 96, n = 9;
    Pair cache = MakeTensor(b, ct, {width, ctx, 1, 1}, std::vector<uint8_t>(RowBytes(ct, width) * ctx, 0));
    Pair src = MakeF32(b, {width, n, 1, 1}, 31);
    Pair pos = MakeTensor(b, DType::I32, {n, 1, 1, 1}, Positions(n, 29));
    b.cpu->StoreKV(cache.cpu, src.cpu, pos.cpu);
    b.gpu->StoreKV(cache.gpu, src.gpu, pos.gpu);
    ExpectClose(b, cache, 1e-7, "StoreKV " + std::string(Name(ct)));
    for (Pair* p : {&cache, &src, &pos}) FreePair(b, *p);
  }
}

TEST_CASE(ElementWise) {
  Backends& b = B();
  const int64_t width = 18944, n = 3;
  Pair g = MakeF32(b, {width, n, 1, 1}, 41, 3.f);
  Pair u = MakeF32(b, {width, n, 1, 1}, 42);
  Pair row = MakeF32(b, {width, 1, 1, 1}, 43);
  Pair out = MakeOutput(b, DType::F32, {width, n, 1, 1});
  b.cpu->SwiGlu(out.cpu, g.cpu, u.cpu);
  b.gpu->SwiGlu(out.gpu, g.gpu, u.gpu);
  ExpectClose(b, out, 1e-5, "SwiGlu");
  b.cpu->GeGlu(out.cpu, g.cpu, u.cpu);
  b.gpu->GeGlu(out.gpu, g.gpu, u.gpu);
  ExpectClose(b, out, 1e-5, "GeGlu");
  b.cpu->Gelu(out.cpu);
  b.gpu->Gelu(out.gpu);
  ExpectClose(b, out, 1e-5, "Gelu");
  b.cpu->Add(out.cpu, out.cpu, u.cpu);  // out aliases a
  b.gpu->Add(out.gpu, out.gpu, u.gpu);
  ExpectClose(b, out, 1e-6, "Add (aliased)");
  b.cpu->Mul(out.cpu, g.cpu, row.cpu);  // broadcast one row
  b.gpu->Mul(out.gpu, g.gpu, row.gpu);
  ExpectClose(b, out, 1e-6, "Mul (row broadcast)");
  b.cpu->Scale(out.cpu, -0.37f);
  b.gpu->Scale(out.gpu, -0.37f);
  ExpectClose(b, out, 1e-6, "Scale");
  Pair half = MakeOutput(b, DType::F16, {width, n, 1, 1});
  b.cpu->Copy(half.cpu, g.cpu);
  b.gpu->Copy(half.gpu, g.gpu);
  ExpectClose(b, half, 1e-7, "Copy f32->f16");
  b.cpu->Copy(out.cpu, half.cpu);
  b.gpu->Copy(out.gpu, half.gpu);
  ExpectClose(b, out, 1e-7, "Copy f16->f32");
  for (Pair* p : {&g, &u, &row, &out, &half}) FreePair(b, *p);
}

TEST_CASE(ArgMaxWithTies) {
  Backends& b = B();
  const int64_t vocab = 152064, rows = 4;
  std::vector<float> logits = RandomFloats(static_cast<size_t>(vocab * rows), 51);
  logits[100] = 50.f, logits[90000] = 50.f;                   // tie in row 0: first wins
  logits[vocab + vocab - 1] = 60.f;                           // last element of row 1
  for (int64_t i = 0; i < vocab; ++i) logits[2 * vocab + i] = -1.f;  // all equal: index 0
  Pair l = MakeTensor(b, DType::F32, {vocab, rows, 1, 1}, logits);
  Pair ids = MakeTensor(b, DType::I32, {rows, 1, 1, 1}, std::vector<int32_t>(rows, -5));
  b.cpu->ArgMax(ids.cpu, l.cpu);
  b.gpu->ArgMax(ids.gpu, l.gpu);
  std::vector<int32_t> c(rows), g(rows);
  CHECK(b.cpu->Download(ids.cpu, c.data(), rows * 4).ok());
  CHECK(b.gpu->Download(ids.gpu, g.data(), rows * 4).ok());
  for (int64_t r = 0; r < rows; ++r) {
    std::printf("  ArgMax row %lld: cpu %d gpu %d\n", static_cast<long long>(r), c[r], g[r]);
    CHECK(c[r] == g[r]);
  }
  CHECK(g[0] == 100 && g[1] == vocab - 1 && g[2] == 0);
  FreePair(b, l);
  FreePair(b, ids);
}

// The decode chain the backend fuses: a residual Add folded into the next RmsNorm, whose int8
// output feeds the next two MatMuls; SwiGlu writing the int8 input of the down projection.
TEST_CASE(FusedResidualNormAndInt8Chain) {
  Backends& b = B();
  const int64_t d = 512, ff = 768;
  for (int64_t n : {1, 3}) {
    Pair x = MakeF32(b, {d, n, 1, 1}, 71, 2.f);
    Pair r = MakeF32(b, {d, n, 1, 1}, 72);
    Pair w = MakeF32(b, {d, 1, 1, 1}, 73);
    Pair wq = MakeWeight(b, DType::Q4_K, d, ff, 74, 0.05f);
    Pair wk = MakeWeight(b, DType::Q8_0, d, ff, 75, 0.05f);
    Pair wd = MakeWeight(b, DType::Q6_K, ff, d, 76, 0.05f);
    Pair xb = MakeOutput(b, DType::F32, {d, n, 1, 1});
    Pair g = MakeOutput(b, DType::F32, {ff, n, 1, 1});
    Pair u = MakeOutput(b, DType::F32, {ff, n, 1, 1});
    Pair o = MakeOutput(b, DType::F32, {d, n, 1, 1});
    for (Backend* be : {b.cpu.get(), b.gpu.get()}) {
      const bool gpu = be == b.gpu.get();
      auto T = [&](Pair& p) -> Tensor& { return gpu ? p.gpu : p.cpu; };
      be->Add(T(x), T(x), T(r));
      be->RmsNorm(T(xb), T(x), T(w), 1e-6f);
      be->MatMul(T(g), T(wq), T(xb));
      be->MatMul(T(u), T(wk), T(xb));
      be->SwiGlu(T(g), T(g), T(u));
      be->MatMul(T(o), T(wd), T(g));
    }
    const std::string tag = " (n=" + std::to_string(n) + ")";
    ExpectClose(b, x, 1e-6, "residual x after fused Add" + tag);
    ExpectClose(b, xb, 1e-5, "RmsNorm of the residual" + tag);
    ExpectClose(b, u, 2e-2, "Q8_0 MatMul reusing int8 of the norm" + tag);
    // Through two quantised products the CPU (Q8_K activations) and the GPU (int8 per 32)
    // drift apart by their rounding; each GPU step is also checked exactly on its own inputs.
    ExpectClose(b, g, 3e-2, "SwiGlu after Q4_K MatMul" + tag);
    ExpectClose(b, o, 5e-2, "Q6_K MatMul from SwiGlu's int8" + tag);
    const std::vector<float> g_gpu = ToFloats(*b.gpu, g.gpu), xb_gpu = ToFloats(*b.gpu, xb.gpu);
    const double o_err =
        RelL2(Reference(*wd.host, DType::Q6_K, ff, d, g_gpu, n, nullptr, true), ToFloats(*b.gpu, o.gpu));
    const double u_err =
        RelL2(Reference(*wk.host, DType::Q8_0, d, ff, xb_gpu, n, nullptr, true), ToFloats(*b.gpu, u.gpu));
    std::printf("  down from SwiGlu int8 vs exact %.2e, up from norm int8 vs exact %.2e\n", o_err, u_err);
    CHECK(o_err <= 1e-3);
    CHECK(u_err <= 1e-3);
    for (Pair* p : {&x, &r, &w, &wq, &wk, &wd, &xb, &g, &u, &o}) FreePair(b, *p);
  }
}

// A small "decode step" (embed -> matmul -> argmax) run eagerly, captured, then replayed with new
// ids uploaded before each step: the replayed graph must read the new ids.
TEST_CASE(StepGraphReplayReadsNewInputs) {
  Backends& b = B();
  const int64_t d = 256, vocab = 300;
  Pair table = MakeWeight(b, DType::Q8_0, d, vocab, 61);
  Pair w = MakeWeight(b, DType::Q4_K, d, vocab, 62);
  Pair id = MakeTensor(b, DType::I32, {1, 1, 1, 1}, std::vector<int32_t>{0});
  Pair x = MakeOutput(b, DType::F32, {d, 1, 1, 1});
  Pair logits = MakeOutput(b, DType::F32, {vocab, 1, 1, 1});
  Pair next = MakeTensor(b, DType::I32, {1, 1, 1, 1}, std::vector<int32_t>{-1});
  for (int step = 0; step < 6; ++step) {
    const int32_t tok = (step * 37 + 5) % vocab;
    int32_t cpu_next = -1, gpu_next = -2;
    for (int side = 0; side < 2; ++side) {
      Backend& be = side == 0 ? *b.cpu : *b.gpu;
      Tensor& tid = side == 0 ? id.cpu : id.gpu;
      CHECK(be.Upload(tid, &tok, 4).ok());
      be.BeginStep(1);
      be.Embed(side == 0 ? x.cpu : x.gpu, side == 0 ? table.cpu : table.gpu, tid);
      be.MatMul(side == 0 ? logits.cpu : logits.gpu, side == 0 ? w.cpu : w.gpu, side == 0 ? x.cpu : x.gpu);
      be.ArgMax(side == 0 ? next.cpu : next.gpu, side == 0 ? logits.cpu : logits.gpu);
      be.EndStep();
      CHECK(be.Download(side == 0 ? next.cpu : next.gpu, side == 0 ? &cpu_next : &gpu_next, 4).ok());
    }
    std::printf("  step %d (%s): token %d -> cpu %d gpu %d\n", step,
                step == 0   ? "eager"
                : step == 1 ? "capture"
                            : "replay",
                tok, cpu_next, gpu_next);
    CHECK(cpu_next == gpu_next);
    ExpectClose(b, logits, 2e-2, "step logits");
  }
  for (Pair* p : {&table, &w, &id, &x, &logits, &next}) FreePair(b, *p);
}

TEST_CASE(ErrorsAreValuesNotAborts) {
  auto be = CreateBackend({.device = "cuda"});
  CHECK(be.ok());
  Backend& g = **be;
  // Far more than any GPU holds: refused up front with the VRAM message, exit code 3.
  auto huge = g.Alloc(DType::F32, {1ll << 20, 1ll << 20, 1, 1}, "huge");
  CHECK(!huge.ok());
  std::printf("  huge alloc: %s\n", huge.status().message().c_str());
  CHECK(huge.status().code() == ErrorCode::kInsufficientMemory);
  CHECK(ExitCodeFor(huge.status()) == 3);
  CHECK(huge.status().message().find("needs") != std::string::npos);
  CHECK(g.status().ok());
  // A shape mismatch makes the backend's status sticky; nothing aborts.
  auto a = g.Alloc(DType::F32, {8, 2, 1, 1}, "a");
  auto c = g.Alloc(DType::F32, {16, 2, 1, 1}, "c");
  CHECK(a.ok() && c.ok());
  g.Add(*c, *a, *c);
  CHECK(!g.status().ok());
  std::printf("  sticky: %s\n", g.status().message().c_str());
  CHECK(!g.Synchronize().ok());
  auto bad = CreateBackend({.device = "cuda:99"});
  CHECK(!bad.ok());
  std::printf("  cuda:99: %s\n", bad.status().message().c_str());
}

ENCLAVE_TEST_MAIN()
