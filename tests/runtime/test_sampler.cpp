// Sampler: greedy, temperature, top-k, top-p, min-p, penalties, and seeds.
#include <QtTest>

#include <cmath>
#include <numeric>

#include "runtime/sampler.h"

using namespace enclave;

namespace {

std::vector<float> LogProbs(const std::vector<double>& p) {
  std::vector<float> l;
  for (double x : p) l.push_back(static_cast<float>(std::log(x)));
  return l;
}

}  // namespace

class TestSampler : public QObject {
  Q_OBJECT

 private slots:
  void greedyIsArgmax() {
    Sampler s;
    QVERIFY(s.greedy());
    const std::vector<float> logits = {0.1f, 2.f, -1.f, 1.9f};
    QCOMPARE(s.Sample(logits, {}), 1);
    // Ties go to the lowest id (as torch.argmax).
    QCOMPARE(s.Sample(std::vector<float>{3.f, 3.f, 1.f}, {}), 0);
  }

  void temperatureIsSoftmax() {
    Sampler s({.temperature = 2.f});
    const std::vector<float> logits = {1.f, 2.f, 3.f};
    const std::vector<float> p = s.Probabilities(logits, {});
    double z = 0;
    for (float l : logits) z += std::exp(l / 2.0);
    for (size_t i = 0; i < logits.size(); ++i) QVERIFY(std::fabs(p[i] - std::exp(logits[i] / 2.0) / z) < 1e-6);
  }

  void topKKeepsTheBest() {
    Sampler s({.temperature = 1.f, .top_k = 2});
    const std::vector<float> p = s.Probabilities(std::vector<float>{0.f, 3.f, 1.f, 2.f}, {});
    QCOMPARE(p[0], 0.f);
    QCOMPARE(p[2], 0.f);
    QVERIFY(std::fabs(p[1] - 1 / (1 + std::exp(-1.f))) < 1e-6);
    QVERIFY(std::fabs(p[1] + p[3] - 1.f) < 1e-6);
  }

  void topPKeepsTheSmallestSufficientSet() {
    // 0.5, 0.3, 0.15, 0.05: p = 0.75 needs the first two; 0.8 exactly two; 0.81 three.
    const std::vector<float> logits = LogProbs({0.5, 0.3, 0.15, 0.05});
    auto kept = [&](float top_p) {
      Sampler s({.temperature = 1.f, .top_p = top_p});
      const std::vector<float> p = s.Probabilities(logits, {});
      return std::count_if(p.begin(), p.end(), [](float x) { return x > 0; });
    };
    QCOMPARE(kept(0.75f), 2);
    QCOMPARE(kept(0.81f), 3);
    QCOMPARE(kept(0.4f), 1);
    QCOMPARE(kept(1.f), 4);
  }

  void minPDropsUnlikelyTokens() {
    // min_p 0.2 of the top 0.5 -> threshold 0.1: drops 0.05 only.
    Sampler s({.temperature = 1.f, .min_p = 0.2f});
    const std::vector<float> p = s.Probabilities(LogProbs({0.5, 0.3, 0.15, 0.05}), {});
    QCOMPARE(p[3], 0.f);
    QVERIFY(std::fabs(p[0] - 0.5 / 0.95) < 1e-5);
  }

  void penalties() {
    const std::vector<float> logits = {2.f, 2.f, -1.f};
    const std::vector<int32_t> history = {0, 2, 2};
    Sampler rep({.temperature = 1.f, .repetition_penalty = 2.f});
    std::vector<float> p = rep.Probabilities(logits, history);
    // token 0: 2 -> 1; token 2: -1 -> -2; token 1 untouched.
    double z = std::exp(1.0) + std::exp(2.0) + std::exp(-2.0);
    QVERIFY(std::fabs(p[0] - std::exp(1.0) / z) < 1e-6);
    QVERIFY(std::fabs(p[2] - std::exp(-2.0) / z) < 1e-6);
    Sampler presence({.temperature = 1.f, .presence_penalty = 1.f, .frequency_penalty = 0.5f});
    p = presence.Probabilities(logits, history);
    // token 0: 2 - 1 - 0.5; token 2: -1 - 1 - 1.
    z = std::exp(0.5) + std::exp(2.0) + std::exp(-3.0);
    QVERIFY(std::fabs(p[0] - std::exp(0.5) / z) < 1e-6);
    QVERIFY(std::fabs(p[2] - std::exp(-3.0) / z) < 1e-6);
    // The window: only the last token counts.
    Sampler window({.temperature = 1.f, .presence_penalty = 1.f, .penalty_last_n = 1});
    p = window.Probabilities(logits, history);
    QVERIFY(p[0] > p[1] - 1e-6 && p[0] < p[1] + 1e-6);
  }

  void drawsFollowTheDistribution() {
    const std::vector<double> target = {0.5, 0.3, 0.15, 0.05};
    const std::vector<float> logits = LogProbs(target);
    Sampler s({.temperature = 1.f, .seed = 1234});
    std::vector<int> counts(4, 0);
    const int n = 40000;
    for (int i = 0; i < n; ++i) ++counts[static_cast<size_t>(s.Sample(logits, {}))];
    for (size_t i = 0; i < 4; ++i) {
      const double freq = static_cast<double>(counts[i]) / n;
      // 4 standard errors of a binomial proportion.
      const double tol = 4 * std::sqrt(target[i] * (1 - target[i]) / n);
      QVERIFY2(std::fabs(freq - target[i]) < tol, qPrintable(QString("token %1: %2 vs %3").arg(i).arg(freq).arg(target[i])));
    }
  }

  void sameSeedSameSequence() {
    std::vector<float> logits(100);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(static_cast<float>(i)) * 3;
    auto draw = [&](uint64_t seed) {
      Sampler s({.temperature = 0.9f, .top_k = 40, .top_p = 0.95f, .seed = seed});
      std::vector<int32_t> out;
      for (int i = 0; i < 50; ++i) out.push_back(s.Sample(logits, out));
      return out;
    };
    QCOMPARE(draw(7), draw(7));
    QVERIFY(draw(7) != draw(8));
    Sampler s({.temperature = 0.9f, .seed = 7});
    const int32_t first = s.Sample(logits, {});
    s.Reseed(7);
    QCOMPARE(s.Sample(logits, {}), first);
  }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
