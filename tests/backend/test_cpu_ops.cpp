// CPU row-wise and element-wise ops against double-precision references written here.
#include <QtTest>

#include <cmath>

#include "backend_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

// |got - want| <= atol + rtol |want| for every element; names the first offender.
void ExpectNear(const std::vector<float>& got, const std::vector<double>& want, double rtol, double atol,
                const std::string& what) {
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i])))
      QFAIL(qPrintable(QString("%1: element %2 is %3, want %4").arg(what.c_str()).arg(i).arg(got[i]).arg(want[i])));
}

}  // namespace

class TestCpuOps : public QObject {
  Q_OBJECT
 private slots:
  void rmsNorm() {
    const int64_t rows = 7;
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      // Full rows (w as wide as x), then per-head norms (x rows of 3 heads of 37: w of 37).
      for (int64_t w_width : {111, 37}) {
        const int64_t width = 111;
        const std::vector<float> x = RandomVector(rows * width, 1, 3.f);
        const std::vector<float> w = RandomVector(w_width, 2);
        Tensor xt = F32Tensor(*backend, x, {width, rows, 1, 1});
        Tensor wt = F32Tensor(*backend, w, {w_width, 1, 1, 1});
        Tensor out = MakeTensor(*backend, DType::F32, {width, rows, 1, 1}, nullptr);
        backend->RmsNorm(out, xt, wt, 1e-6f);
        QVERIFY2(backend->status().ok(), backend->status().message().c_str());
        std::vector<double> want(x.size());
        for (int64_t r = 0; r < rows * width / w_width; ++r) {
          double ss = 0;
          for (int64_t i = 0; i < w_width; ++i) ss += double(x[r * w_width + i]) * x[r * w_width + i];
          const double inv = 1 / std::sqrt(ss / w_width + 1e-6);
          for (int64_t i = 0; i < w_width; ++i) want[r * w_width + i] = x[r * w_width + i] * inv * w[i];
        }
        ExpectNear(ReadF32(*backend, out), want, 1e-5, 1e-6, config.label + " rmsnorm w" + std::to_string(w_width));
        // In place (out == x) is allowed.
        backend->RmsNorm(xt, xt, wt, 1e-6f);
        ExpectNear(ReadF32(*backend, xt), want, 1e-5, 1e-6, config.label + " rmsnorm in place");
      }
    }
  }

  void rmsNormWithF16Weight() {
    auto backend = MakeBackend(CpuBackendOptions{});
    const std::vector<float> x = RandomVector(64, 3);
    std::vector<uint16_t> w16(64);
    std::vector<double> want(64);
    double ss = 0;
    for (float v : x) ss += double(v) * v;
    for (int i = 0; i < 64; ++i) {
      w16[i] = FloatToHalf(0.5f + i / 64.f);
      want[i] = x[i] / std::sqrt(ss / 64 + 1e-5) * HalfToFloat(w16[i]);
    }
    Tensor xt = F32Tensor(*backend, x, {64, 1, 1, 1});
    Tensor wt = MakeTensor(*backend, DType::F16, {64, 1, 1, 1}, w16.data());
    Tensor out = MakeTensor(*backend, DType::F32, {64, 1, 1, 1}, nullptr);
    backend->RmsNorm(out, xt, wt, 1e-5f);
    ExpectNear(ReadF32(*backend, out), want, 1e-5, 1e-6, "rmsnorm f16 weight");
  }

  void layerNorm() {
    const int64_t rows = 5, width = 99;
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      std::vector<float> x = RandomVector(rows * width, 4);
      for (float& v : x) v += 100.f;  // a large mean: a one-pass variance would lose digits
      const std::vector<float> w = RandomVector(width, 5), b = RandomVector(width, 6);
      Tensor xt = F32Tensor(*backend, x, {width, rows, 1, 1});
      Tensor wt = F32Tensor(*backend, w, {width, 1, 1, 1}), bt = F32Tensor(*backend, b, {width, 1, 1, 1});
      Tensor out = MakeTensor(*backend, DType::F32, {width, rows, 1, 1}, nullptr);
      backend->LayerNorm(out, xt, wt, bt, 1e-12f);
      QVERIFY(backend->status().ok());
      std::vector<double> want(x.size());
      for (int64_t r = 0; r < rows; ++r) {
        double mean = 0, var = 0;
        for (int64_t i = 0; i < width; ++i) mean += x[r * width + i];
        mean /= width;
        for (int64_t i = 0; i < width; ++i) var += (x[r * width + i] - mean) * (x[r * width + i] - mean);
        var /= width;
        for (int64_t i = 0; i < width; ++i)
          want[r * width + i] = (x[r * width + i] - mean) / std::sqrt(var + 1e-12) * w[i] + b[i];
      }
      ExpectNear(ReadF32(*backend, out), want, 1e-4, 1e-4, config.label + " layernorm");
    }
  }

  void rope() {
    struct Case {
      RopeStyle style;
      int head_dim, n_rot;
      float mscale;
    };
    const Case cases[] = {{RopeStyle::kNeox, 20, 20, 1.f}, {RopeStyle::kNeox, 20, 12, 1.f},
                          {RopeStyle::kInterleaved, 20, 20, 1.f}, {RopeStyle::kInterleaved, 24, 8, 1.3f}};
    const std::vector<int32_t> positions = {0, 1, 5, 17, 100, 1000, 4095};
    const int64_t n = 7, n_heads = 3;
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      for (const Case& c : cases) {
        const int64_t width = n_heads * c.head_dim;
        const std::vector<float> x = RandomVector(n * width, 7);
        std::vector<float> inv_freq(c.n_rot / 2);
        for (int i = 0; i < c.n_rot / 2; ++i) inv_freq[i] = std::pow(10000.f, -2.f * i / c.n_rot);
        Tensor xt = F32Tensor(*backend, x, {width, n, 1, 1});
        Tensor pt = I32Tensor(*backend, positions);
        Tensor ft = F32Tensor(*backend, inv_freq, {c.n_rot / 2, 1, 1, 1});
        backend->Rope(xt, c.head_dim, c.n_rot, pt, ft, c.style, c.mscale);
        QVERIFY2(backend->status().ok(), backend->status().message().c_str());
        std::vector<double> want(x.begin(), x.end());
        for (int64_t t = 0; t < n; ++t)
          for (int64_t h = 0; h < n_heads; ++h)
            for (int i = 0; i < c.n_rot / 2; ++i) {
              const int64_t base = (t * n_heads + h) * c.head_dim;
              const int64_t i0 = base + (c.style == RopeStyle::kNeox ? i : 2 * i);
              const int64_t i1 = base + (c.style == RopeStyle::kNeox ? i + c.n_rot / 2 : 2 * i + 1);
              const double angle = float(positions[t]) * inv_freq[i];  // f32 product, as in HF
              const double cs = std::cos(angle) * c.mscale, sn = std::sin(angle) * c.mscale;
              want[i0] = x[i0] * cs - x[i1] * sn;
              want[i1] = x[i1] * cs + x[i0] * sn;
            }
        ExpectNear(ReadF32(*backend, xt), want, 1e-5, 2e-6,
                   config.label + " rope style " + std::to_string(int(c.style)) + " n_rot " + std::to_string(c.n_rot));
      }
    }
  }

  void activations() {
    const int64_t count = 3 * 41;
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      const std::vector<float> g = RandomVector(count, 8, 3.f), u = RandomVector(count, 9);
      Tensor gt = F32Tensor(*backend, g, {41, 3, 1, 1}), ut = F32Tensor(*backend, u, {41, 3, 1, 1});
      Tensor out = MakeTensor(*backend, DType::F32, {41, 3, 1, 1}, nullptr);
      std::vector<double> want(count);

      backend->SwiGlu(out, gt, ut);
      for (int64_t i = 0; i < count; ++i) want[i] = g[i] / (1 + std::exp(-double(g[i]))) * u[i];
      ExpectNear(ReadF32(*backend, out), want, 1e-5, 1e-6, config.label + " swiglu");

      backend->GeGlu(out, gt, ut);
      for (int64_t i = 0; i < count; ++i) {
        const double v = g[i];
        want[i] = 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))) * u[i];
      }
      ExpectNear(ReadF32(*backend, out), want, 1e-5, 1e-6, config.label + " geglu");

      backend->Gelu(gt);
      for (int64_t i = 0; i < count; ++i) want[i] = 0.5 * g[i] * (1 + std::erf(g[i] / std::sqrt(2.0)));
      ExpectNear(ReadF32(*backend, gt), want, 1e-5, 1e-6, config.label + " gelu");
      QVERIFY(backend->status().ok());
    }
  }

  void arithmetic() {
    const int64_t width = 13, rows = 5;
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      const std::vector<float> a = RandomVector(width * rows, 10), b = RandomVector(width * rows, 11);
      const std::vector<float> row = RandomVector(width, 12);
      Tensor at = F32Tensor(*backend, a, {width, rows, 1, 1}), bt = F32Tensor(*backend, b, {width, rows, 1, 1});
      Tensor rt = F32Tensor(*backend, row, {width, 1, 1, 1});
      Tensor out = MakeTensor(*backend, DType::F32, {width, rows, 1, 1}, nullptr);
      std::vector<double> want(a.size());

      backend->Add(out, at, bt);
      for (size_t i = 0; i < a.size(); ++i) want[i] = double(a[i]) + b[i];
      ExpectNear(ReadF32(*backend, out), want, 1e-7, 0, config.label + " add");
      backend->Mul(out, at, rt);  // broadcast one row
      for (size_t i = 0; i < a.size(); ++i) want[i] = double(a[i]) * row[i % width];
      ExpectNear(ReadF32(*backend, out), want, 1e-7, 0, config.label + " mul broadcast");
      backend->Mul(out, at, bt);
      for (size_t i = 0; i < a.size(); ++i) want[i] = double(a[i]) * b[i];
      ExpectNear(ReadF32(*backend, out), want, 1e-7, 0, config.label + " mul");
      backend->Add(at, at, rt);  // out aliases a, broadcast row
      for (size_t i = 0; i < a.size(); ++i) want[i] = double(a[i]) + row[i % width];
      ExpectNear(ReadF32(*backend, at), want, 1e-7, 0, config.label + " add in place");
      backend->Scale(at, -0.5f);
      for (double& v : want) v *= -0.5;
      ExpectNear(ReadF32(*backend, at), want, 1e-7, 0, config.label + " scale");
      QVERIFY(backend->status().ok());
    }
  }

  void copyConverts() {
    auto backend = MakeBackend(CpuBackendOptions{});
    const std::vector<float> x = RandomVector(77, 13);
    Tensor src = F32Tensor(*backend, x, {77, 1, 1, 1});
    Tensor half = MakeTensor(*backend, DType::F16, {77, 1, 1, 1}, nullptr);
    Tensor bf = MakeTensor(*backend, DType::BF16, {77, 1, 1, 1}, nullptr);
    Tensor back = MakeTensor(*backend, DType::F32, {77, 1, 1, 1}, nullptr);
    backend->Copy(half, src);
    std::vector<uint16_t> h(77);
    QVERIFY(backend->Download(half, h.data(), 154).ok());
    for (int i = 0; i < 77; ++i) QCOMPARE(h[i], FloatToHalf(x[i]));
    backend->Copy(back, half);
    std::vector<float> f = ReadF32(*backend, back);
    for (int i = 0; i < 77; ++i) QCOMPARE(f[i], HalfToFloat(h[i]));
    backend->Copy(bf, src);
    backend->Copy(back, bf);
    f = ReadF32(*backend, back);
    for (int i = 0; i < 77; ++i) QCOMPARE(f[i], Bf16ToFloat(FloatToBf16(x[i])));
    backend->Copy(back, src);
    QVERIFY(ReadF32(*backend, back) == x);
    QVERIFY(backend->status().ok());
  }

  void argMax() {
    auto backend = MakeBackend(CpuBackendOptions{});
    std::vector<float> logits = RandomVector(3 * 1001, 14);
    logits[1000] = 50.f;           // row 0: last column
    logits[1001 + 3] = 50.f;       // row 1: a tie, the first wins
    logits[1001 + 700] = 50.f;
    logits[2002 + 0] = 50.f;       // row 2: first column
    Tensor lt = F32Tensor(*backend, logits, {1001, 3, 1, 1});
    Tensor ids = MakeTensor(*backend, DType::I32, {3, 1, 1, 1}, nullptr);
    backend->ArgMax(ids, lt);
    int32_t got[3];
    QVERIFY(backend->Download(ids, got, sizeof(got)).ok());
    QCOMPARE(got[0], 1000);
    QCOMPARE(got[1], 3);
    QCOMPARE(got[2], 0);
  }

  void memoryAndAllocation() {
    auto backend = MakeBackend(CpuBackendOptions{});
    QCOMPARE(backend->name(), std::string("cpu"));
    QVERIFY(backend->is_host());
    const BackendMemory before = backend->Memory();
    QVERIFY(before.total_bytes > 0);
    QVERIFY(before.free_bytes > 0 && before.free_bytes <= before.total_bytes);
    QCOMPARE(HostMemoryBytes(), before.total_bytes);
    auto t = backend->Alloc(DType::F16, {1024, 16, 1, 1}, "kv");
    QVERIFY(t.ok());
    QCOMPARE(reinterpret_cast<uintptr_t>(t->data) % 64, uintptr_t{0});
    QCOMPARE(backend->Memory().allocated_by_backend, before.allocated_by_backend + 1024 * 16 * 2);
    std::vector<uint16_t> zeros(1024 * 16, 1);
    QVERIFY(backend->Download(*t, zeros.data(), zeros.size() * 2).ok());
    QVERIFY(std::all_of(zeros.begin(), zeros.end(), [](uint16_t v) { return v == 0; }));  // zero-filled
    backend->Free(*t);
    QVERIFY(t->data == nullptr);
    QCOMPARE(backend->Memory().allocated_by_backend, before.allocated_by_backend);
    QVERIFY(!backend->Alloc(DType::Q4_K, {100, 1, 1, 1}, "bad").ok());
    QVERIFY(!CpuDescription().empty());
    qInfo("%s", CpuDescription().c_str());
  }

  void badArgumentsName() {
    auto backend = MakeBackend(CpuBackendOptions{});
    Tensor x = F32Tensor(*backend, RandomVector(40, 1), {40, 1, 1, 1}, "attn_norm_in");
    Tensor w = F32Tensor(*backend, RandomVector(30, 2), {30, 1, 1, 1}, "blk.3.attn_norm.weight");
    Tensor out = MakeTensor(*backend, DType::F32, {40, 1, 1, 1}, nullptr);
    backend->RmsNorm(out, x, w, 1e-6f);
    const std::string m = backend->status().message();
    QVERIFY2(m.find("RmsNorm") != std::string::npos && m.find("blk.3.attn_norm.weight") != std::string::npos,
             m.c_str());
  }
};

QTEST_APPLESS_MAIN(TestCpuOps)
#include "test_cpu_ops.moc"
