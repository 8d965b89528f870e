// CPU MatMul and Embed for every weight type, against a double-precision reference computed
// from the dequantised weights, in every kernel/thread configuration.
#include <QtTest>

#include <cmath>

#include "backend_test_util.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

struct WeightCase {
  DType type;
  int64_t K;  // awkward where the block size allows: not a multiple of 8, 64 or 256
};

const WeightCase kCases[] = {
    {DType::F32, 77}, {DType::F16, 77},   {DType::BF16, 77},  {DType::Q8_0, 160},
    {DType::Q4_0, 160}, {DType::Q4_K, 768}, {DType::Q6_K, 768},
};

// Q8_0 weights take F32 activations, so against the dequantised weights only float accumulation
// error remains. Q4_0 and the k-quants are multiplied with 8-bit activations (Q8_0 blocks of
// 32, Q8_K of 256) with scale d = max|x_block| / 127, so each activation is off by at most d/2 (d rounded to f16 for
// Q8_0: 1 + 2^-11). Worst case |y - y_ref| <= sum_i |w_i| d_i / 2. Those rounding errors are
// independent and uniform on [-d/2, d/2] (variance d^2/12), so the error's standard deviation
// is sqrt(sum_i w_i^2 d_i^2 / 12); the tolerance is the smaller of the worst case and 6 sigma
// (data are seeded: no flakiness), plus a relative 1e-5 of sum |w x| for float accumulation.
double Tolerance(DType type, const float* w, const float* x, int64_t K) {
  double abs_wx = 0;
  for (int64_t i = 0; i < K; ++i) abs_wx += std::fabs(double(w[i]) * x[i]);
  const double float_error = 1e-5 * abs_wx + 1e-6;
  const int64_t block = type == DType::Q4_0 ? 32
                        : type == DType::Q4_K || type == DType::Q6_K ? 256
                                                                     : 0;
  if (block == 0) return float_error;
  double worst = 0, variance = 0;
  for (int64_t b0 = 0; b0 < K; b0 += block) {
    double amax = 0;
    for (int64_t i = b0; i < b0 + block; ++i) amax = std::max(amax, double(std::fabs(x[i])));
    const double d = amax / 127.0 * (1 + 1.0 / 1024);
    for (int64_t i = b0; i < b0 + block; ++i) {
      worst += std::fabs(w[i]) * d / 2;
      variance += double(w[i]) * w[i] * d * d / 12;
    }
  }
  return float_error + std::min(worst, 6 * std::sqrt(variance));
}

}  // namespace

class TestCpuMatMul : public QObject {
  Q_OBJECT
 private slots:
  void matMulEveryTypeAndConfig() {
    const int64_t M = 19;  // not a multiple of the 16-row tile
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      for (const WeightCase& c : kCases) {
        for (int64_t n : {1, 2, 7}) {  // 2 and 7 = 4 + 3: every multi-token group size
          const std::vector<float> w_f32 = RandomVector(M * c.K, 11 + static_cast<uint32_t>(c.type));
          const std::vector<uint8_t> w_bytes = Quantize(c.type, w_f32, c.K);
          const std::vector<float> w_deq = Dequantize(c.type, w_bytes, c.K);
          const std::vector<float> x = RandomVector(n * c.K, 5 + static_cast<uint32_t>(n));
          const std::vector<float> bias = RandomVector(M, 99);

          TensorView view;
          view.name = "w";
          view.type = c.type;
          view.ne = {c.K, M, 1, 1};
          view.n_dims = 2;
          view.data = w_bytes.data();
          view.nbytes = w_bytes.size();
          auto w = backend->UploadWeight(view);
          QVERIFY2(w.ok(), w.status().message().c_str());
          QCOMPARE(w->data, const_cast<void*>(view.data));  // zero-copy
          Tensor xt = F32Tensor(*backend, x, {c.K, n, 1, 1}, "x");
          Tensor bt = F32Tensor(*backend, bias, {M, 1, 1, 1}, "bias");
          Tensor out = MakeTensor(*backend, DType::F32, {M, n, 1, 1}, nullptr, "out");
          for (bool with_bias : {false, true}) {
            backend->MatMul(out, *w, xt, with_bias ? &bt : nullptr);
            QVERIFY2(backend->Synchronize().ok(), backend->status().message().c_str());
            const std::vector<float> y = ReadF32(*backend, out);
            for (int64_t t = 0; t < n; ++t) {
              for (int64_t m = 0; m < M; ++m) {
                const float* wr = w_deq.data() + m * c.K;
                const float* xr = x.data() + t * c.K;
                double ref = with_bias ? bias[m] : 0.0;
                for (int64_t k = 0; k < c.K; ++k) ref += double(wr[k]) * xr[k];
                const double err = std::fabs(y[t * M + m] - ref);
                const double tol = Tolerance(c.type, wr, xr, c.K);
                if (err > tol)
                  QFAIL(qPrintable(QString("%1 %2 n=%3 t=%4 m=%5: got %6 want %7 (tol %8)")
                                       .arg(config.label.c_str(), Name(c.type).data())
                                       .arg(n).arg(t).arg(m).arg(y[t * M + m]).arg(ref).arg(tol)));
              }
            }
          }
          backend->Free(out);
          backend->Free(xt);
          backend->Free(bt);
          backend->Free(*w);
        }
      }
    }
  }

  // The SIMD kernels compute the same integer sums as the scalar ones: results agree to float
  // rounding (much tighter than the quantisation tolerance above).
  void simdMatchesScalar() {
    CpuBackendOptions scalar_options;
    scalar_options.force_scalar = true;
    scalar_options.n_threads = 1;
    auto scalar = MakeBackend(scalar_options);
    auto best = MakeBackend(CpuBackendOptions{});
    for (const WeightCase& c : kCases) {
      const int64_t M = 8, n = 3;
      const std::vector<uint8_t> w_bytes = Quantize(c.type, RandomVector(M * c.K, 3), c.K);
      const std::vector<float> x = RandomVector(n * c.K, 4);
      std::vector<float> results[2];
      int i = 0;
      for (Backend* b : {scalar.get(), best.get()}) {
        Tensor w = MakeTensor(*b, c.type, {c.K, M, 1, 1}, w_bytes.data(), "w");
        Tensor xt = F32Tensor(*b, x, {c.K, n, 1, 1});
        Tensor out = MakeTensor(*b, DType::F32, {M, n, 1, 1}, nullptr);
        b->MatMul(out, w, xt);
        results[i++] = ReadF32(*b, out);
      }
      for (size_t j = 0; j < results[0].size(); ++j)
        QVERIFY2(std::fabs(results[0][j] - results[1][j]) <= 1e-4 * (1 + std::fabs(results[0][j])),
                 qPrintable(QString("%1: scalar %2 simd %3").arg(Name(c.type).data()).arg(results[0][j]).arg(results[1][j])));
    }
  }

  // Blocks of random bytes (every scale bit pattern, not only what our quantiser writes), with
  // the f16 scale fields set to finite values: MatMul must agree with DequantizeRow.
  void randomBlocksMatchDequantized() {
    struct Layout {
      DType type;
      std::vector<size_t> half_offsets;  // f16 fields inside a block
    };
    const Layout layouts[] = {{DType::Q8_0, {0}}, {DType::Q4_0, {0}}, {DType::Q4_K, {0, 2}}, {DType::Q6_K, {208}}};
    std::mt19937 rng(77);
    for (const Layout& layout : layouts) {
      const int64_t K = 512, M = 5, n = 2;
      const size_t block_bytes = Info(layout.type).block_bytes;
      std::vector<uint8_t> bytes(RowBytes(layout.type, K) * M);
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
      std::uniform_real_distribution<float> scale(0.001f, 0.05f);
      for (size_t blk = 0; blk < bytes.size() / block_bytes; ++blk)
        for (size_t off : layout.half_offsets) {
          const uint16_t h = FloatToHalf(scale(rng));
          std::memcpy(bytes.data() + blk * block_bytes + off, &h, 2);
        }
      const std::vector<float> w = Dequantize(layout.type, bytes, K);
      const std::vector<float> x = RandomVector(n * K, 78);
      for (const BackendConfig& config : AllConfigs()) {
        auto backend = MakeBackend(config.options);
        Tensor wt = MakeTensor(*backend, layout.type, {K, M, 1, 1}, bytes.data(), "w");
        Tensor xt = F32Tensor(*backend, x, {K, n, 1, 1});
        Tensor out = MakeTensor(*backend, DType::F32, {M, n, 1, 1}, nullptr);
        backend->MatMul(out, wt, xt);
        const std::vector<float> y = ReadF32(*backend, out);
        for (int64_t t = 0; t < n; ++t)
          for (int64_t m = 0; m < M; ++m) {
            double ref = 0;
            for (int64_t k = 0; k < K; ++k) ref += double(w[m * K + k]) * x[t * K + k];
            const double tol = Tolerance(layout.type, w.data() + m * K, x.data() + t * K, K);
            QVERIFY2(std::fabs(y[t * M + m] - ref) <= tol,
                     qPrintable(QString("%1 %2: got %3 want %4 tol %5")
                                    .arg(config.label.c_str(), Name(layout.type).data())
                                    .arg(y[t * M + m]).arg(ref).arg(tol)));
          }
      }
    }
  }

  void embedEveryType() {
    for (const BackendConfig& config : AllConfigs()) {
      auto backend = MakeBackend(config.options);
      for (const WeightCase& c : kCases) {
        const int64_t vocab = 11;
        const std::vector<uint8_t> table_bytes = Quantize(c.type, RandomVector(vocab * c.K, 8), c.K);
        const std::vector<float> table = Dequantize(c.type, table_bytes, c.K);
        Tensor t = MakeTensor(*backend, c.type, {c.K, vocab, 1, 1}, table_bytes.data(), "table");
        const std::vector<int32_t> ids = {3, 0, 10, 3, 7, 1, 9};
        Tensor idt = I32Tensor(*backend, ids);
        Tensor out = MakeTensor(*backend, DType::F32, {c.K, 7, 1, 1}, nullptr, "out");
        backend->Embed(out, t, idt);
        QVERIFY(backend->status().ok());
        const std::vector<float> y = ReadF32(*backend, out);
        for (size_t i = 0; i < ids.size(); ++i)
          for (int64_t k = 0; k < c.K; ++k) QCOMPARE(y[i * c.K + k], table[ids[i] * c.K + k]);
      }
    }
  }

  void badShapesAreStickyErrors() {
    auto backend = MakeBackend(CpuBackendOptions{});
    Tensor w = F32Tensor(*backend, RandomVector(64 * 4, 1), {64, 4, 1, 1}, "blk.0.attn_q.weight");
    Tensor x = F32Tensor(*backend, RandomVector(63, 2), {63, 1, 1, 1}, "x");
    Tensor out = MakeTensor(*backend, DType::F32, {4, 1, 1, 1}, nullptr, "out");
    backend->MatMul(out, w, x);
    const Status s = backend->status();
    QVERIFY(!s.ok());
    QVERIFY2(s.message().find("MatMul") != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find("blk.0.attn_q.weight") != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find("63") != std::string::npos, s.message().c_str());
    // Sticky: a later, valid op is skipped and the first error stays.
    Tensor ids = I32Tensor(*backend, {99});
    backend->Embed(out, w, ids);
    QCOMPARE(backend->status().message(), s.message());
    QVERIFY(!backend->Synchronize().ok());
    std::vector<float> host(4);
    QVERIFY(!backend->Download(out, host.data(), 16).ok());
  }

  void embedRejectsOutOfRangeIds() {
    auto backend = MakeBackend(CpuBackendOptions{});
    Tensor table = F32Tensor(*backend, RandomVector(8 * 5, 1), {8, 5, 1, 1}, "token_embd.weight");
    Tensor ids = I32Tensor(*backend, {1, 5});
    Tensor out = MakeTensor(*backend, DType::F32, {8, 2, 1, 1}, nullptr, "out");
    backend->Embed(out, table, ids);
    QVERIFY(!backend->status().ok());
    QVERIFY2(backend->status().message().find("token id 5") != std::string::npos, backend->status().message().c_str());
  }

  void uploadWeightChecksSize() {
    auto backend = MakeBackend(CpuBackendOptions{});
    std::vector<uint8_t> bytes(100);
    TensorView view;
    view.name = "bad";
    view.type = DType::Q4_K;
    view.ne = {256, 2, 1, 1};
    view.data = bytes.data();
    view.nbytes = bytes.size();
    QVERIFY(!backend->UploadWeight(view).ok());
    view.ne = {100, 1, 1, 1};
    QVERIFY(!backend->UploadWeight(view).ok());  // not a multiple of 256
  }
};

QTEST_APPLESS_MAIN(TestCpuMatMul)
#include "test_cpu_matmul.moc"
