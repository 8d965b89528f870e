// enclave-cli run / convert / quantize / bench through the built binary (QProcess): the DESIGN.md
// contract, --json output, and exit codes 0 / 2 with one line on stderr for bad input.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <cstring>

#include "../model/golden.h"
#include "formats/gguf.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

struct Result {
  int exit_code = -1;
  QByteArray out;
  QByteArray err;
};

QString CliPath() { return QString::fromStdString((BinaryDir() / "app/cli/enclave-cli").string()); }

Result Cli(const QStringList& args, int timeout_ms = 120000) {
  QProcess p;
  p.start(CliPath(), args);
  Result r;
  if (!p.waitForFinished(timeout_ms)) {
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

QString Ids(const std::vector<int32_t>& ids) {
  QStringList s;
  for (int32_t id : ids) s << QString::number(id);
  return s.join(',');
}

QString Model(const char* name) { return QString::fromStdString(TinyModelDir(name).string()); }

// The last line of stdout as a JSON object.
QJsonObject LastJson(const QByteArray& out) {
  const QList<QByteArray> lines = out.trimmed().split('\n');
  return QJsonDocument::fromJson(lines.last()).object();
}

}  // namespace

class TestCliModelCommands : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString Path(const QString& name) { return tmp_.path() + "/" + name; }

  // A failure must be exactly one line on stderr.
  static void ExpectOneErrorLine(const Result& r) {
    QVERIFY2(r.err.trimmed().count('\n') == 0, r.err.constData());
    QVERIFY(r.err.startsWith("enclave-cli: "));
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    QVERIFY2(QFile::exists(CliPath()), qPrintable(CliPath()));
  }

  void runJsonMatchesGolden_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("tiny-qwen2") << "tiny-qwen2";
    QTest::newRow("tiny-llama3") << "tiny-llama3";
  }
  void runJsonMatchesGolden() {
    QFETCH(QString, model);
    const Golden g = LoadGolden(model.toStdString());
    const Result r = Cli({"run", "-m", Model(model.toUtf8().constData()), "--token-ids", Ids(g.input_ids), "-n", "24",
                          "--ignore-eos", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QJsonObject j = LastJson(r.out);
    std::vector<int32_t> ids;
    for (const QJsonValue& v : j["ids"].toArray()) ids.push_back(v.toInt());
    QCOMPARE(ids, g.greedy_ids);
    QCOMPARE(j["prompt_tokens"].toInt(), int(g.input_ids.size()));
    QCOMPARE(j["gen_tokens"].toInt(), 24);
    QVERIFY(j["prefill_tok_s"].toDouble() > 0);
    QVERIFY(j["decode_tok_s"].toDouble() > 0);
    QVERIFY(j.contains("text"));
  }

  // (tiny-llama3: its q8_0 greedy ids match F32 for all 24 tokens; see test_quantized_models.)
  void convertQuantizeRun() {
    const Golden g = LoadGolden("tiny-llama3");
    const QString f32 = Path("l.gguf"), q8 = Path("l8.gguf");
    Result r = Cli({"convert", Model("tiny-llama3"), "-o", f32, "--type", "f32"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    r = Cli({"quantize", f32, q8, "q8_0"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    for (const QString& path : {f32, q8}) {
      r = Cli({"run", "-m", path, "--token-ids", Ids(g.input_ids), "-n", "8", "--ignore-eos", "--json"});
      QVERIFY2(r.exit_code == 0, r.err.constData());
      const QJsonArray ids = LastJson(r.out)["ids"].toArray();
      QCOMPARE(ids.size(), 8);
      for (int i = 0; i < 8; ++i) QCOMPARE(ids[i].toInt(), g.greedy_ids[static_cast<size_t>(i)]);
    }
    auto file = GgufFile::Open(q8.toStdString());
    QVERIFY(file.ok());
    QCOMPARE((*file)->FindTensor("blk.0.attn_q.weight")->type, DType::Q8_0);
    QCOMPARE((*file)->GetString("general.architecture").value_or(""), std::string("llama"));
    QCOMPARE((*file)->GetInt("llama.block_count").value_or(0), int64_t{2});
    QVERIFY((*file)->FindTensor("rope_freqs.weight"));
  }

  void badArguments() {
    for (const QStringList& args : {QStringList{"run"}, QStringList{"run", "-m", Model("tiny-qwen2")},
                                    QStringList{"run", "-m", Model("tiny-qwen2"), "--token-ids", "1,x"},
                                    QStringList{"run", "-m", Model("tiny-qwen2"), "--token-ids", "1", "--bogus"},
                                    QStringList{"run", "-m", Model("tiny-qwen2"), "--token-ids", "1", "-n", "many"},
                                    QStringList{"convert", Model("tiny-qwen2"), "-o", Path("x.gguf"), "--type", "q3"},
                                    QStringList{"convert", Model("tiny-qwen2")}, QStringList{"quantize", "a.gguf"},
                                    QStringList{"bench"}}) {
      const Result r = Cli(args);
      QVERIFY2(r.exit_code == 2, qPrintable(args.join(' ') + ": exit " + QString::number(r.exit_code)));
      ExpectOneErrorLine(r);
    }
  }

  void missingModelFile() {
    const Result r = Cli({"run", "-m", Path("absent.gguf"), "--token-ids", "1,2"});
    QCOMPARE(r.exit_code, 2);
    ExpectOneErrorLine(r);
  }

  void promptLongerThanContext() {
    const Result r = Cli({"run", "-m", Model("tiny-qwen2"), "--token-ids", "1,2,3,4,5,6,7,8,9,10", "--ctx", "8"});
    QCOMPARE(r.exit_code, 2);
    ExpectOneErrorLine(r);
    QVERIFY2(r.err.contains("context"), r.err.constData());
  }

  void textPromptWithoutVocabulary() {
    const Result r = Cli({"run", "-m", Model("tiny-qwen2"), "-p", "hello"});
    QCOMPARE(r.exit_code, 2);
    ExpectOneErrorLine(r);
  }

  // A GGUF whose architecture this build does not know, and one with a tensor of the wrong shape.
  void badModelFiles() {
    const QString f32 = Path("base.gguf");
    QCOMPARE(Cli({"convert", Model("tiny-qwen2"), "-o", f32}).exit_code, 0);
    auto in = GgufFile::Open(f32.toStdString());
    QVERIFY(in.ok());
    for (const bool unknown_arch : {true, false}) {
      GgufWriter w;
      for (const auto& [key, value] : (*in)->metadata())
        if (key == "general.architecture" && unknown_arch) w.SetString(key, "rwkv7");
        else w.SetValue(key, value);
      std::vector<std::vector<uint8_t>> storage;
      storage.reserve((*in)->tensors().size());
      for (const GgufTensorInfo& t : (*in)->tensors()) {
        Shape ne = t.ne;
        if (!unknown_arch && t.name == "blk.0.ffn_down.weight") ne[0] = 128;
        storage.emplace_back(TensorBytes(t.type, ne));
        std::memcpy(storage.back().data(), (*in)->View(t).data, std::min(storage.back().size(), t.nbytes));
        w.AddTensor(t.name, t.type, ne, t.n_dims, storage.back().data());
      }
      const QString path = Path(unknown_arch ? "rwkv.gguf" : "bad-shape.gguf");
      QVERIFY(w.Write(path.toStdString()).ok());
      const Result r = Cli({"run", "-m", path, "--token-ids", "1,2,3"});
      QCOMPARE(r.exit_code, 2);
      ExpectOneErrorLine(r);
      QVERIFY2(r.err.contains(unknown_arch ? "rwkv7" : "blk.0.ffn_down.weight: expected shape [176, 64], file has [128, 64]"),
               r.err.constData());
    }
  }

  void unknownDeviceAndPreset() {
    Result r = Cli({"run", "-m", Model("tiny-qwen2"), "--token-ids", "1", "--device", "tpu"});
    QCOMPARE(r.exit_code, 2);
    ExpectOneErrorLine(r);
    r = Cli({"convert", "--random-preset", "deepseek-r2", "-o", Path("r.gguf")});
    QCOMPARE(r.exit_code, 2);
    ExpectOneErrorLine(r);
  }

  void benchJson() {
    const Result r = Cli({"bench", "-m", Model("tiny-llama3"), "-p", "16", "-n", "8", "-r", "2", "--json"});
    QVERIFY2(r.exit_code == 0, r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject pp = QJsonDocument::fromJson(lines[0]).object();
    const QJsonObject tg = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(pp["test"].toString(), QString("pp16"));
    QCOMPARE(tg["test"].toString(), QString("tg8"));
    QCOMPARE(pp["samples_ts"].toArray().size(), 2);
    QVERIFY(pp["avg_ts"].toDouble() > 0);
    QVERIFY(tg["avg_ts"].toDouble() > 0);
    QCOMPARE(tg["n_context"].toInt(), 16);
  }
};

QTEST_APPLESS_MAIN(TestCliModelCommands)
#include "test_cli_model_commands.moc"
