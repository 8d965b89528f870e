// MeasurePerplexity on the tiny models: the perplexity equals exp(mean NLL) computed here from
// transformers' golden prefill logits over the same positions; KL of a model against a second
// load of itself is exactly 0 with full top-1 agreement; and after conversion to GGUF, q8_0 is
// closer to f32 than q4_0 is.
#include <QtTest>

#include <cmath>

#include "../model/golden.h"
#include "formats/convert.h"
#include "model/model.h"
#include "runtime/perplexity.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

// NLL of `next` under a row of logits, in double, written independently of the engine's code.
double GoldenNll(const std::vector<float>& logits, int32_t next) {
  double max = logits[0];
  for (float v : logits) max = std::max(max, static_cast<double>(v));
  double sum = 0;
  for (float v : logits) sum += std::exp(static_cast<double>(v) - max);
  return std::log(sum) + max - static_cast<double>(logits[static_cast<size_t>(next)]);
}

// A fixed pseudo-random token stream (the tiny models have random weights: any ids will do).
std::vector<int32_t> TokenStream(size_t n, int32_t vocab) {
  std::vector<int32_t> ids(n);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int32_t& id : ids) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    id = static_cast<int32_t>((x >> 33) % static_cast<uint64_t>(vocab));
  }
  return ids;
}

}  // namespace

class TestPerplexity : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;

  std::string Converted(const std::string& model, const std::string& type) {
    const std::string out = (tmp_.path() + "/").toStdString() + model + "-" + type + ".gguf";
    if (!QFile::exists(QString::fromStdString(out))) {
      Status st = ConvertHfToGguf(TinyModelDir(model).string(), out, {.type = type});
      if (!st.ok()) qWarning("convert %s to %s: %s", model.c_str(), type.c_str(), st.message().c_str());
    }
    return out;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    if (!std::filesystem::exists(TinyModelDir("tiny-qwen2") / "golden.json"))
      QSKIP("tiny models not found under ENCLAVE_TESTDATA");
  }

  void matchesGoldenLogits_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("batch");
    for (const char* m : {"tiny-qwen2", "tiny-llama3"})
      for (int batch : {32, 3}) QTest::newRow((std::string(m) + "/batch" + std::to_string(batch)).c_str()) << m << batch;
  }

  void matchesGoldenLogits() {
    QFETCH(QString, model);
    QFETCH(int, batch);
    const Golden g = LoadGolden(model.toStdString());
    auto loaded = LoadModel(TinyModelDir(model.toStdString()).string());
    QVERIFY2(loaded.ok(), loaded.status().message().c_str());

    // One window over the golden prompt; positions [ctx/2, ctx-2] predict the token after each.
    const int64_t ctx = static_cast<int64_t>(g.input_ids.size());
    std::vector<double> nll;
    for (int64_t t = ctx / 2; t + 1 < ctx; ++t)
      nll.push_back(GoldenNll(g.prefill_logits[static_cast<size_t>(t)], g.input_ids[static_cast<size_t>(t + 1)]));
    double mean = 0;
    for (double v : nll) mean += v;
    mean /= static_cast<double>(nll.size());
    double squares = 0;
    for (double v : nll) squares += (v - mean) * (v - mean);
    const double stderr_of_mean = std::sqrt(squares / static_cast<double>(nll.size() - 1) / static_cast<double>(nll.size()));

    PerplexityOptions options;
    options.context = ctx;
    options.batch = batch;
    options.bos_first = false;  // score the golden ids exactly as transformers saw them
    auto r = MeasurePerplexity(**loaded, g.input_ids, options);
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r->chunks, int64_t{1});
    QCOMPARE(r->scored_tokens, static_cast<int64_t>(nll.size()));
    QVERIFY2(std::fabs(r->mean_nll - mean) < 1e-4,
             qPrintable(QString("engine mean NLL %1, golden %2").arg(r->mean_nll, 0, 'g', 10).arg(mean, 0, 'g', 10)));
    QVERIFY(std::fabs(r->perplexity - std::exp(mean)) < 1e-4 * std::exp(mean));
    QVERIFY(std::fabs(r->nll_stderr - stderr_of_mean) < 1e-4);
    QVERIFY(std::fabs(r->perplexity_stderr - r->perplexity * r->nll_stderr) < 1e-12);
    QVERIFY(!r->kl.has_value());
  }

  void klAgainstItselfIsZero() {
    const std::string dir = TinyModelDir("tiny-qwen2").string();
    auto model = LoadModel(dir);
    auto base = LoadModel(dir);
    QVERIFY2(model.ok() && base.ok(), "loading tiny-qwen2 twice");
    const auto ids = TokenStream(200, static_cast<int32_t>((*model)->config().vocab_size));
    int64_t progress_calls = 0;
    PerplexityOptions options;
    options.context = 64;
    options.batch = 16;
    options.progress = [&](const PerplexityProgress& p) {
      ++progress_calls;
      return p.chunks_total == 3;
    };
    auto r = MeasurePerplexity(**model, ids, options, base->get());
    QVERIFY2(r.ok(), r.status().message().c_str());
    QCOMPARE(r->chunks, int64_t{3});  // 200 / 64: the partial window at the end is left out
    QCOMPARE(progress_calls, int64_t{3});
    QCOMPARE(r->scored_tokens, int64_t{3 * 31});
    QVERIFY(r->kl.has_value());
    QCOMPARE(r->kl->mean, 0.0);
    QCOMPARE(r->kl->p99, 0.0);
    QCOMPARE(r->kl->max, 0.0);
    QCOMPARE(r->kl->top1_agreement, 1.0);

    auto alone = MeasurePerplexity(**model, ids, {.context = 64, .batch = 16});
    QVERIFY2(alone.ok(), alone.status().message().c_str());
    QCOMPARE(alone->perplexity, r->perplexity);

    // A progress callback that returns false stops after that window.
    options.progress = [](const PerplexityProgress& p) { return p.chunks_done < 1; };
    auto cancelled = MeasurePerplexity(**model, ids, options);
    QCOMPARE(cancelled.status().code(), ErrorCode::kCancelled);
  }

  void q8CloserThanQ4_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("tiny-qwen2") << "tiny-qwen2";
    QTest::newRow("tiny-llama3") << "tiny-llama3";
  }

  void q8CloserThanQ4() {
    QFETCH(QString, model);
    const std::string name = model.toStdString();
    auto f32 = LoadModel(Converted(name, "f32"));
    auto q8 = LoadModel(Converted(name, "q8_0"));
    auto q4 = LoadModel(Converted(name, "q4_0"));
    QVERIFY2(f32.ok(), f32.status().message().c_str());
    QVERIFY2(q8.ok(), q8.status().message().c_str());
    QVERIFY2(q4.ok(), q4.status().message().c_str());
    const auto ids = TokenStream(256, static_cast<int32_t>((*f32)->config().vocab_size));
    const PerplexityOptions options{.context = 128, .batch = 32};
    auto kl8 = MeasurePerplexity(**q8, ids, options, f32->get());
    auto kl4 = MeasurePerplexity(**q4, ids, options, f32->get());
    QVERIFY2(kl8.ok(), kl8.status().message().c_str());
    QVERIFY2(kl4.ok(), kl4.status().message().c_str());
    qInfo("%s: KL(f32||q8_0) mean %.3g p99 %.3g top1 %.3f; KL(f32||q4_0) mean %.3g p99 %.3g top1 %.3f", name.c_str(),
          kl8->kl->mean, kl8->kl->p99, kl8->kl->top1_agreement, kl4->kl->mean, kl4->kl->p99, kl4->kl->top1_agreement);
    QVERIFY2(kl8->kl->mean > 0, "q8_0 changed nothing: the conversion did not quantise");
    // Measured: q8_0 about 0.002 nats, q4_0 about 0.2 on both tiny models.
    QVERIFY(kl8->kl->mean < 0.01);
    QVERIFY(kl8->kl->mean < kl4->kl->mean / 10);
    QVERIFY(kl8->kl->p99 < kl4->kl->p99);
    QVERIFY(kl8->kl->top1_agreement >= kl4->kl->top1_agreement);
  }

  void rejectsTooShortText() {
    auto model = LoadModel(TinyModelDir("tiny-qwen2").string());
    QVERIFY2(model.ok(), model.status().message().c_str());
    const auto ids = TokenStream(50, 512);
    auto r = MeasurePerplexity(**model, ids, {.context = 64});
    QVERIFY(!r.ok());
    QCOMPARE(r.status().code(), ErrorCode::kInvalidArgument);
    auto tiny_window = MeasurePerplexity(**model, ids, {.context = 3});
    QCOMPARE(tiny_window.status().code(), ErrorCode::kInvalidArgument);
    const std::vector<int32_t> outside = {1, 2, 512, 3, 4};
    QCOMPARE(MeasurePerplexity(**model, outside, {.context = 4}).status().code(), ErrorCode::kInvalidArgument);
  }
};

QTEST_APPLESS_MAIN(TestPerplexity)
#include "test_perplexity.moc"
