// The kernel tables directly: the AVX2 table against the scalar one (skipped where the CPU has no
// AVX2), including the multi-token products for every group size and odd lengths.
#include <QtTest>

#include <cmath>

#include "backend/cpu/cpu_kernels.h"
#include "backend_test_util.h"

using namespace enclave;
using namespace enclave::cpu;
using namespace enclave::testing;

namespace {

bool Close(float a, float b, float rtol) { return std::fabs(a - b) <= rtol * (1.f + std::fabs(a)); }

}  // namespace

class TestCpuKernels : public QObject {
  Q_OBJECT
 private slots:
  void init() {
    if (!Avx2Kernels()) QSKIP("this CPU has no AVX2/FMA/F16C: only the scalar kernels exist");
  }

  // Both tables must produce byte-identical activations, so the SIMD and scalar MatMul differ
  // only by float summation order.
  void activationQuantisersIdentical() {
    std::vector<float> x = RandomVector(4 * 256, 1, 2.f);
    std::fill(x.begin() + 256, x.begin() + 512, 0.f);  // an all-zero block
    x[700] = 1e6f;                                      // one huge value in a block
    x[5] = -x[7];                                       // exact ties of magnitude
    for (DType act : {DType::Q8_0, DType::Q8_K}) {
      std::vector<uint8_t> a(RowBytes(act, 1024)), b(RowBytes(act, 1024));
      auto scalar = act == DType::Q8_0 ? ScalarKernels().quantize_q8_0 : ScalarKernels().quantize_q8_k;
      auto simd = act == DType::Q8_0 ? Avx2Kernels()->quantize_q8_0 : Avx2Kernels()->quantize_q8_k;
      scalar(x.data(), a.data(), 1024);
      simd(x.data(), b.data(), 1024);
      QVERIFY2(a == b, Name(act).data());
    }
  }

  void dotsAgree() {
    const CpuKernels& s = ScalarKernels();
    const CpuKernels& v = *Avx2Kernels();
    for (DType type : {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K}) {
      const int64_t n = Info(type).block_size == 1 ? 203 : 768;  // odd tails for the float types
      const std::vector<uint8_t> w = Quantize(type, RandomVector(n, 2), n);
      const DType act = ActivationType(type);
      const std::vector<float> x = RandomVector(kMaxTokensPerDot * n, 3);
      const size_t stride = act == DType::F32 ? n * sizeof(float) : RowBytes(act, n);
      std::vector<uint8_t> xa(stride * kMaxTokensPerDot);
      for (int t = 0; t < kMaxTokensPerDot; ++t) {
        if (act == DType::F32)
          std::memcpy(xa.data() + t * stride, x.data() + t * n, stride);
        else
          (act == DType::Q8_0 ? s.quantize_q8_0 : s.quantize_q8_k)(x.data() + t * n, xa.data() + t * stride, n);
      }
      for (int t = 0; t < kMaxTokensPerDot; ++t) {
        const float ref = Dot(s, type)(w.data(), xa.data() + t * stride, n);
        QVERIFY2(Close(ref, Dot(v, type)(w.data(), xa.data() + t * stride, n), 1e-5f), Name(type).data());
      }
      for (int n_x = 1; n_x <= kMaxTokensPerDot; ++n_x) {
        float got[2 * kMaxTokensPerDot], want[2 * kMaxTokensPerDot];
        MultiDot(v, type)(w.data(), xa.data(), stride, n_x, n, got, 2);  // out stride 2
        MultiDot(s, type)(w.data(), xa.data(), stride, n_x, n, want, 2);
        for (int t = 0; t < n_x; ++t)
          QVERIFY2(Close(want[2 * t], got[2 * t], 1e-5f),
                   qPrintable(QString("%1 n_x=%2 t=%3: %4 vs %5").arg(Name(type).data()).arg(n_x).arg(t)
                                  .arg(want[2 * t]).arg(got[2 * t])));
      }
    }
  }

  void axpyAgrees() {
    const std::vector<float> x = RandomVector(45, 4);
    std::vector<uint16_t> x16(45);
    for (int i = 0; i < 45; ++i) x16[i] = FloatToHalf(x[i]);
    std::vector<float> a(45, 1.f), b(45, 1.f), c(45, 1.f), d(45, 1.f);
    ScalarKernels().axpy_f32(0.3f, x.data(), a.data(), 45);
    Avx2Kernels()->axpy_f32(0.3f, x.data(), b.data(), 45);
    ScalarKernels().axpy_f16(0.3f, x16.data(), c.data(), 45);
    Avx2Kernels()->axpy_f16(0.3f, x16.data(), d.data(), 45);
    for (int i = 0; i < 45; ++i) {
      QVERIFY(Close(a[i], b[i], 1e-6f));
      QVERIFY(Close(c[i], d[i], 1e-6f));
    }
  }
};

QTEST_APPLESS_MAIN(TestCpuKernels)
#include "test_cpu_kernels.moc"
