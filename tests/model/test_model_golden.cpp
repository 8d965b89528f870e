// The tiny models against transformers' golden.json, loaded from the Hugging Face folder and
// from the F32 GGUF that convert writes: logits of every prefill position within 1e-3, the 24
// greedy ids exactly (EOS ignored), and the logits after them within 1e-3.
#include <QtTest>

#include "formats/convert.h"
#include "golden.h"
#include "model/model.h"
#include "runtime/session.h"

using namespace enclave;
using namespace enclave::testing;

class TestModelGolden : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;

  std::string ModelPath(const QString& model, const QString& source) {
    const std::string dir = TinyModelDir(model.toStdString()).string();
    if (source == "hf") return dir;
    const std::string out = (tmp_.path() + "/" + model + ".gguf").toStdString();
    if (!QFile::exists(QString::fromStdString(out))) {
      Status st = ConvertHfToGguf(dir, out, {.type = "f32"});
      if (!st.ok()) qWarning("convert: %s", st.message().c_str());
    }
    return out;
  }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void matchesGolden_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("source");
    for (const char* m : {"tiny-qwen2", "tiny-llama3"})
      for (const char* s : {"hf", "gguf"}) QTest::newRow((std::string(m) + "/" + s).c_str()) << m << s;
  }

  void matchesGolden() {
    QFETCH(QString, model);
    QFETCH(QString, source);
    const Golden g = LoadGolden(model.toStdString());
    auto loaded = LoadModel(ModelPath(model, source));
    QVERIFY2(loaded.ok(), loaded.status().message().c_str());
    Model& m = **loaded;
    const size_t vocab = static_cast<size_t>(m.config().vocab_size);
    QCOMPARE(vocab, g.logits_after_greedy.size());

    auto session = Session::Create(m, {.context = 64});
    QVERIFY2(session.ok(), session.status().message().c_str());

    // Prefill: every position.
    auto logits = (*session)->Evaluate(g.input_ids, /*all_logits=*/true);
    QVERIFY2(logits.ok(), logits.status().message().c_str());
    QCOMPARE(logits->size(), g.input_ids.size() * vocab);
    for (size_t pos = 0; pos < g.input_ids.size(); ++pos) {
      const float diff = MaxAbsDiff(logits->data() + pos * vocab, g.prefill_logits[pos].data(), vocab);
      QVERIFY2(diff <= 1e-3f, qPrintable(QString("position %1: max |logit diff| = %2").arg(pos).arg(diff)));
    }

    // Greedy continuation, EOS ignored as when the goldens were made.
    GenerateOptions opts;
    opts.max_tokens = static_cast<int64_t>(g.greedy_ids.size());
    opts.ignore_eos = true;
    auto result = (*session)->Generate(g.input_ids, opts);
    QVERIFY2(result.ok(), result.status().message().c_str());
    QCOMPARE(result->ids, g.greedy_ids);
    QCOMPARE(result->stats.reused_tokens, static_cast<int64_t>(g.input_ids.size() - 1));

    // Logits after the prompt and all greedy tokens.
    std::vector<int32_t> all = g.input_ids;
    all.insert(all.end(), g.greedy_ids.begin(), g.greedy_ids.end());
    auto after = (*session)->Evaluate(all, /*all_logits=*/false);
    QVERIFY2(after.ok(), after.status().message().c_str());
    const float diff = MaxAbsDiff(after->data(), g.logits_after_greedy.data(), vocab);
    QVERIFY2(diff <= 1e-3f, qPrintable(QString("logits after greedy: max diff %1").arg(diff)));
  }

  // Both paths hold the same weights, so their logits agree exactly.
  void folderAndGgufIdentical_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("tiny-qwen2") << "tiny-qwen2";
    QTest::newRow("tiny-llama3") << "tiny-llama3";
  }
  void folderAndGgufIdentical() {
    QFETCH(QString, model);
    const Golden g = LoadGolden(model.toStdString());
    std::vector<std::vector<float>> results;
    for (const char* source : {"hf", "gguf"}) {
      auto loaded = LoadModel(ModelPath(model, source));
      QVERIFY2(loaded.ok(), loaded.status().message().c_str());
      auto session = Session::Create(**loaded, {.context = 32});
      QVERIFY(session.ok());
      auto logits = (*session)->Evaluate(g.input_ids, true);
      QVERIFY(logits.ok());
      results.push_back(*logits);
    }
    QCOMPARE(results[0], results[1]);
  }
};

QTEST_APPLESS_MAIN(TestModelGolden)
#include "test_model_golden.moc"
