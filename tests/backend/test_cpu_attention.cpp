// CPU StoreKV and Attention (causal by position, GQA, MLA-style v_head_dim, sliding window,
// soft-capping, F32 and F16 caches, decode and prefill) against a double-precision reference.
#include <QtTest>

#include <cmath>

#include "backend_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

// The reference reads the cache exactly as stored (F16 values rounded), so only the arithmetic
// differs: f32 dot products and softmax against double.
std::vector<double> ReferenceAttention(const std::vector<float>& q, const std::vector<float>& k,
                                       const std::vector<float>& v, const std::vector<int32_t>& positions,
                                       const AttentionParams& p) {
  const int64_t n = static_cast<int64_t>(positions.size());
  const int group = p.n_heads / p.n_kv_heads;
  const int64_t k_width = int64_t{p.n_kv_heads} * p.head_dim, v_width = int64_t{p.n_kv_heads} * p.v_head_dim;
  std::vector<double> out(static_cast<size_t>(n * p.n_heads * p.v_head_dim), 0.0);
  for (int64_t t = 0; t < n; ++t)
    for (int h = 0; h < p.n_heads; ++h) {
      const int kv = h / group;
      const int first = p.window > 0 ? std::max(0, positions[t] - p.window + 1) : 0;
      std::vector<double> s;
      for (int j = first; j <= positions[t]; ++j) {
        double dot = 0;
        for (int d = 0; d < p.head_dim; ++d)
          dot += double(q[(t * p.n_heads + h) * p.head_dim + d]) * k[j * k_width + kv * p.head_dim + d];
        dot *= p.scale;
        if (p.softcap > 0) dot = p.softcap * std::tanh(dot / p.softcap);
        s.push_back(dot);
      }
      const double mx = *std::max_element(s.begin(), s.end());
      double sum = 0;
      for (double& x : s) sum += (x = std::exp(x - mx));
      for (int j = first; j <= positions[t]; ++j)
        for (int d = 0; d < p.v_head_dim; ++d)
          out[(t * p.n_heads + h) * p.v_head_dim + d] += s[j - first] / sum * v[j * v_width + kv * p.v_head_dim + d];
    }
  return out;
}

std::vector<float> RoundedTo(DType type, std::vector<float> v) {
  if (type == DType::F16)
    for (float& x : v) x = HalfToFloat(FloatToHalf(x));
  return v;
}

}  // namespace

class TestCpuAttention : public QObject {
  Q_OBJECT
 private slots:
  void storeKV() {
    auto backend = MakeBackend(CpuBackendOptions{});
    for (DType type : {DType::F32, DType::F16}) {
      const int64_t ctx = 9, width = 10;
      Tensor cache = MakeTensor(*backend, type, {width, ctx, 1, 1}, nullptr, "cache");
      const std::vector<float> src = RandomVector(3 * width, 1);
      Tensor st = F32Tensor(*backend, src, {width, 3, 1, 1});
      Tensor pt = I32Tensor(*backend, {4, 0, 8});
      backend->StoreKV(cache, st, pt);
      QVERIFY(backend->status().ok());
      std::vector<float> all(ctx * width);
      if (type == DType::F32) {
        all = ReadF32(*backend, cache);
      } else {
        std::vector<uint16_t> h(ctx * width);
        QVERIFY(backend->Download(cache, h.data(), h.size() * 2).ok());
        for (size_t i = 0; i < h.size(); ++i) all[i] = HalfToFloat(h[i]);
      }
      const std::vector<float> want = RoundedTo(type, src);
      const int rows[] = {4, 0, 8};
      for (int i = 0; i < 3; ++i)
        for (int64_t c = 0; c < width; ++c) QCOMPARE(all[rows[i] * width + c], want[i * width + c]);
      QCOMPARE(all[1 * width], 0.f);  // untouched rows stay zero
    }
    // A position past the cache is an error naming the context, not a write out of bounds.
    Tensor cache = MakeTensor(*backend, DType::F32, {4, 2, 1, 1}, nullptr, "k_cache");
    Tensor st = F32Tensor(*backend, RandomVector(4, 2), {4, 1, 1, 1});
    Tensor pt = I32Tensor(*backend, {2});
    backend->StoreKV(cache, st, pt);
    QVERIFY(!backend->status().ok());
    QVERIFY2(backend->status().message().find("context") != std::string::npos, backend->status().message().c_str());
  }

  void attention() {
    struct Case {
      const char* what;
      AttentionParams p;
      DType cache_type;
    };
    auto params = [](int heads, int kv, int hd, int vhd, int window, float softcap, float scale_mult) {
      AttentionParams p;
      p.n_heads = heads;
      p.n_kv_heads = kv;
      p.head_dim = hd;
      p.v_head_dim = vhd;
      p.scale = scale_mult / std::sqrt(float(hd));
      p.window = window;
      p.softcap = softcap;
      return p;
    };
    const Case cases[] = {
        {"mha", params(3, 3, 20, 20, 0, 0, 1), DType::F32},
        {"gqa f16", params(4, 2, 20, 20, 0, 0, 1), DType::F16},
        {"mla v dims", params(4, 1, 24, 12, 0, 0, 1), DType::F32},
        {"window", params(4, 2, 20, 20, 3, 0, 1), DType::F32},
        {"softcap", params(2, 1, 20, 20, 0, 5.f, 8), DType::F16},  // scores large enough to cap
    };
    const int64_t ctx = 16;
    const std::vector<std::vector<int32_t>> position_sets = {{11}, {5, 6, 7, 8, 9, 10, 11}, {0}};
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      for (const Case& c : cases) {
        const AttentionParams& p = c.p;
        const int64_t k_width = int64_t{p.n_kv_heads} * p.head_dim, v_width = int64_t{p.n_kv_heads} * p.v_head_dim;
        const std::vector<float> k = RandomVector(ctx * k_width, 20), v = RandomVector(ctx * v_width, 21);
        Tensor kc = MakeTensor(*backend, c.cache_type, {k_width, ctx, 1, 1}, nullptr, "k_cache");
        Tensor vc = MakeTensor(*backend, c.cache_type, {v_width, ctx, 1, 1}, nullptr, "v_cache");
        std::vector<int32_t> all_rows(ctx);
        for (int i = 0; i < ctx; ++i) all_rows[i] = i;
        Tensor all_pos = I32Tensor(*backend, all_rows);
        Tensor kt = F32Tensor(*backend, k, {k_width, ctx, 1, 1}), vt = F32Tensor(*backend, v, {v_width, ctx, 1, 1});
        backend->StoreKV(kc, kt, all_pos);
        backend->StoreKV(vc, vt, all_pos);
        for (const std::vector<int32_t>& positions : position_sets) {
          const int64_t n = static_cast<int64_t>(positions.size());
          const std::vector<float> q = RandomVector(n * p.n_heads * p.head_dim, 22);
          Tensor qt = F32Tensor(*backend, q, {int64_t{p.n_heads} * p.head_dim, n, 1, 1});
          Tensor pt = I32Tensor(*backend, positions);
          Tensor out = MakeTensor(*backend, DType::F32, {int64_t{p.n_heads} * p.v_head_dim, n, 1, 1}, nullptr);
          backend->Attention(out, qt, kc, vc, pt, p);
          QVERIFY2(backend->status().ok(), backend->status().message().c_str());
          const std::vector<double> want =
              ReferenceAttention(q, RoundedTo(c.cache_type, k), RoundedTo(c.cache_type, v), positions, p);
          const std::vector<float> got = ReadF32(*backend, out);
          for (size_t i = 0; i < got.size(); ++i)
            if (std::fabs(got[i] - want[i]) > 2e-5 * (1 + std::fabs(want[i])))
              QFAIL(qPrintable(QString("%1 %2 n=%3: element %4 is %5, want %6")
                                   .arg(config.label.c_str(), c.what).arg(n).arg(i).arg(got[i]).arg(want[i])));
          backend->Free(out);
          backend->Free(qt);
          backend->Free(pt);
        }
      }
    }
  }

  // Large scores must not overflow exp(): the softmax subtracts the row maximum.
  void softmaxIsStable() {
    auto backend = MakeBackend(CpuBackendOptions{});
    AttentionParams p{1, 1, 8, 8, 1.f, 0, 0};
    std::vector<float> k(3 * 8, 0.f), v(3 * 8);
    for (int j = 0; j < 3; ++j)
      for (int d = 0; d < 8; ++d) {
        k[j * 8 + d] = 100.f * (j + 1);
        v[j * 8 + d] = float(j);
      }
    Tensor kc = F32Tensor(*backend, k, {8, 3, 1, 1}), vc = F32Tensor(*backend, v, {8, 3, 1, 1});
    Tensor qt = F32Tensor(*backend, std::vector<float>(8, 1.f), {8, 1, 1, 1});
    Tensor pt = I32Tensor(*backend, {2});
    Tensor out = MakeTensor(*backend, DType::F32, {8, 1, 1, 1}, nullptr);
    backend->Attention(out, qt, kc, vc, pt, p);
    const std::vector<float> got = ReadF32(*backend, out);
    for (float x : got) QCOMPARE(x, 2.f);  // scores 800, 1600, 2400: all weight on the last
  }

  void rejectsBadParameters() {
    auto backend = MakeBackend(CpuBackendOptions{});
    AttentionParams p{3, 2, 8, 8, 1.f, 0, 0};  // 3 heads cannot share 2 kv heads
    Tensor kc = MakeTensor(*backend, DType::F32, {16, 4, 1, 1}, nullptr);
    Tensor qt = MakeTensor(*backend, DType::F32, {24, 1, 1, 1}, nullptr);
    Tensor pt = I32Tensor(*backend, {0});
    Tensor out = MakeTensor(*backend, DType::F32, {24, 1, 1, 1}, nullptr);
    backend->Attention(out, qt, kc, kc, pt, p);
    QVERIFY(!backend->status().ok());
    QVERIFY2(backend->status().message().find("Attention") != std::string::npos, backend->status().message().c_str());
  }
};

QTEST_APPLESS_MAIN(TestCpuAttention)
#include "test_cpu_attention.moc"
