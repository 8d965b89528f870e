// enclave-cli perplexity through the built binary: --token-ids-file on a tiny model gives the
// perplexity of the golden logits, --kl-base of the model against itself gives KL 0, and bad
// input exits 2 with one line on stderr.
#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <cmath>

#include "../model/golden.h"

using namespace enclave::testing;

namespace {

struct Result {
  int exit_code = -1;
  QByteArray out;
  QByteArray err;
};

QString CliPath() { return QString::fromStdString((BinaryDir() / "app/cli/enclave-cli").string()); }

Result Cli(const QStringList& args) {
  QProcess p;
  p.start(CliPath(), args);
  Result r;
  if (!p.waitForFinished(120000)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    return r;
  }
  r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput();
  r.err = p.readAllStandardError();
  return r;
}

}  // namespace

class TestCliPerplexity : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(QFile::exists(CliPath()), qPrintable(CliPath()));
    if (!std::filesystem::exists(TinyModelDir("tiny-qwen2") / "golden.json"))
      QSKIP("tiny models not found under ENCLAVE_TESTDATA");
  }

  void tokenIdsFileMatchesGolden() {
    const Golden g = LoadGolden("tiny-qwen2");
    const QString ids_path = tmp_.path() + "/ids.txt";
    QFile f(ids_path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int32_t id : g.input_ids) f.write(QByteArray::number(id) + "\n");
    f.close();

    // tiny-qwen2 has no BOS, so the window is scored exactly as the golden prompt.
    const QString model = QString::fromStdString(TinyModelDir("tiny-qwen2").string());
    const QString ctx = QString::number(g.input_ids.size());
    const Result r = Cli({"perplexity", "-m", model, "--token-ids-file", ids_path, "--ctx", ctx, "--kl-base", model,
                          "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject out = QJsonDocument::fromJson(r.out.trimmed()).object();

    double nll = 0;
    int n = 0;
    for (size_t t = g.input_ids.size() / 2; t + 1 < g.input_ids.size(); ++t, ++n) {
      const std::vector<float>& row = g.prefill_logits[t];
      double max = row[0], sum = 0;
      for (float v : row) max = std::max(max, static_cast<double>(v));
      for (float v : row) sum += std::exp(v - max);
      nll += std::log(sum) + max - row[static_cast<size_t>(g.input_ids[t + 1])];
    }
    nll /= n;
    QCOMPARE(out["tokens"].toInt(), n);
    QVERIFY2(std::fabs(out["perplexity"].toDouble() - std::exp(nll)) < 1e-4 * std::exp(nll), r.out.constData());
    QCOMPARE(out["kl_mean"].toDouble(), 0.0);
    QCOMPARE(out["top1_agreement"].toDouble(), 1.0);
  }

  void textWithoutVocabularyFails() {
    const QString text = tmp_.path() + "/text.txt";
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("some words\n");
    f.close();
    const Result r = Cli({"perplexity", "-m", QString::fromStdString(TinyModelDir("tiny-qwen2").string()), "-f", text});
    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.contains("--token-ids-file"), r.err.constData());
  }

  void badArgumentsExit2WithOneLine() {
    for (const QStringList& args : {QStringList{"perplexity", "-f", "x.txt"},
                                    QStringList{"perplexity", "-m", "m.gguf", "-f", tmp_.path() + "/missing.txt"},
                                    QStringList{"perplexity", "-m", "m.gguf", "-f", "a", "--ctx", "2"}}) {
      const Result r = Cli(args);
      QCOMPARE(r.exit_code, 2);
      QVERIFY2(r.err.trimmed().count('\n') == 0 && r.err.startsWith("enclave-cli: "), r.err.constData());
    }
  }
};

QTEST_APPLESS_MAIN(TestCliPerplexity)
#include "test_cli_perplexity.moc"
