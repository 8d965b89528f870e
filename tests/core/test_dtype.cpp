// Element types: GGUF ids and sizes, and exact half/bfloat16 conversions.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>

#include "core/dtype.h"
#include "core/quant_blocks.h"

using namespace enclave;

class TestDType : public QObject {
  Q_OBJECT
 private slots:
  void typeIdsMatchGguf() {
    QCOMPARE(static_cast<uint32_t>(DType::Q4_K), 12u);
    QCOMPARE(static_cast<uint32_t>(DType::BF16), 30u);
    QCOMPARE(Info(DType::Q4_K).block_bytes, sizeof(BlockQ4_K));
    QCOMPARE(Info(DType::Q6_K).block_bytes, sizeof(BlockQ6_K));
    QCOMPARE(Info(DType::Q8_0).block_bytes, sizeof(BlockQ8_0));
    QCOMPARE(Info(DType::Q4_0).block_bytes, sizeof(BlockQ4_0));
    QCOMPARE(RowBytes(DType::Q4_K, 4096), size_t(4096 / 256 * 144));
    QVERIFY(!InfoOf(4).has_value());   // removed Q4_2
    QVERIFY(!InfoOf(999).has_value());
  }

  void namesRoundTrip() {
    for (DType t : {DType::F32, DType::F16, DType::BF16, DType::Q8_0, DType::Q4_0, DType::Q4_K, DType::Q6_K}) {
      auto back = DTypeFromName(Name(t));
      QVERIFY(back.has_value());
      QCOMPARE(*back, t);
    }
    QCOMPARE(*DTypeFromName("Q4_K"), DType::Q4_K);
    QVERIFY(!DTypeFromName("q4_k_m").has_value());  // a file mix, not a tensor type
  }

  // Every finite half converts to float and back to the same bits.
  void halfRoundTripsAllValues() {
    for (uint32_t h = 0; h < 0x10000; ++h) {
      const float f = HalfToFloat(static_cast<uint16_t>(h));
      if (std::isnan(f)) {
        QVERIFY(std::isnan(HalfToFloat(FloatToHalf(f))));
        continue;
      }
      QCOMPARE(FloatToHalf(f), static_cast<uint16_t>(h));
    }
  }

  void halfKnownValues() {
    QCOMPARE(HalfToFloat(0x3c00), 1.0f);
    QCOMPARE(HalfToFloat(0xc000), -2.0f);
    QCOMPARE(HalfToFloat(0x7bff), 65504.0f);
    QCOMPARE(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
    QCOMPARE(FloatToHalf(65520.0f), uint16_t(0x7c00));     // rounds to infinity
    QCOMPARE(FloatToHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3c00));  // tie to even
    QCOMPARE(FloatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3c02));
  }

  // Float -> half rounds to the nearest representable value (checked against float64 search).
  void halfRoundsToNearest() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-70000.f, 70000.f);
    for (int i = 0; i < 20000; ++i) {
      const float f = dist(rng) * (i % 3 == 0 ? 1e-4f : 1.f);
      const uint16_t h = FloatToHalf(f);
      const double got = HalfToFloat(h);
      if (std::isinf(got)) {
        QVERIFY(std::fabs(f) >= 65520.f);
        continue;
      }
      const double err = std::fabs(got - f);
      const double up = HalfToFloat(static_cast<uint16_t>(h + 1));
      const double down = HalfToFloat(static_cast<uint16_t>(h - 1));
      QVERIFY2(err <= std::fabs(up - f) && err <= std::fabs(down - f), qPrintable(QString::number(f)));
    }
  }

  void bf16() {
    QCOMPARE(Bf16ToFloat(FloatToBf16(1.0f)), 1.0f);
    QCOMPARE(Bf16ToFloat(FloatToBf16(-3.5f)), -3.5f);
    QCOMPARE(FloatToBf16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3f80));  // tie to even
    QVERIFY(std::isnan(Bf16ToFloat(FloatToBf16(std::nanf("")))));
  }
};

QTEST_APPLESS_MAIN(TestDType)
#include "test_dtype.moc"
