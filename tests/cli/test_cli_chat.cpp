// enclave-cli chat through the built binary: two user turns on stdin give two answers and a clean
// exit at EOF (the real Gemma 3 270M file), and a model path that is not a model exits 2 with one
// line on stderr.
#include <QtTest>

#include <QProcess>

#include "../support/testdata.h"

using namespace enclave::testing;

namespace {

QString CliPath() { return QString::fromStdString((BinaryDir() / "app/cli/enclave-cli").string()); }

QString GemmaPath() {
  return QString::fromStdString((ModelCacheDir() / "gemma-3-270m-q4_k_m.gguf").string());
}

struct Result {
  int exit_code = -1;
  QByteArray out;
  QByteArray err;
};

Result Chat(const QStringList& args, const QByteArray& input) {
  QProcess p;
  p.start(CliPath(), QStringList{"chat"} + args);
  Result r;
  if (!p.waitForStarted(10000)) {
    r.err = "did not start";
    return r;
  }
  p.write(input);
  p.closeWriteChannel();
  if (!p.waitForFinished(55000)) {
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

class TestCliChat : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QVERIFY2(QFile::exists(CliPath()), qPrintable(CliPath())); }

  void twoTurnsGiveTwoAnswers() {
    if (!QFile::exists(GemmaPath())) QSKIP("gemma-3-270m-q4_k_m.gguf not in the model cache (installer/setup.sh)");
    // Greedy, so the run is deterministic: the two-turn transcript starts with the one-turn one
    // and adds a second non-empty answer. -n keeps the test short.
    const QStringList args{"-m", GemmaPath(), "-n", "24", "--temp", "0", "--ctx", "1024"};
    const Result one = Chat(args, "What is the capital of France?\n");
    QVERIFY2(one.exit_code == 0, one.err.constData());
    QVERIFY2(!one.out.trimmed().isEmpty(), one.err.constData());
    const Result r = Chat(args, "What is the capital of France?\nAnd of Italy?\n");
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QVERIFY2(r.out.startsWith(one.out), r.out.constData());
    QVERIFY2(!r.out.mid(one.out.size()).trimmed().isEmpty(), r.out.constData());
    QVERIFY2(r.out.endsWith('\n'), r.out.constData());
  }

  void resetAndExitCommands() {
    if (!QFile::exists(GemmaPath())) QSKIP("gemma-3-270m-q4_k_m.gguf not in the model cache (installer/setup.sh)");
    // /exit stops before the second question: exactly one answer.
    const Result r = Chat({"-m", GemmaPath(), "-n", "8", "--temp", "0", "--ctx", "512"},
                          "Hello\n/reset\n/exit\nNever answered\n");
    QVERIFY2(r.exit_code == 0, r.err.constData());
    QVERIFY2(r.err.contains("new conversation"), r.err.constData());
    QVERIFY2(!r.out.trimmed().isEmpty(), r.out.constData());
  }

  void badModelExits2() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.path() + "/not-a-model.gguf";
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a GGUF file");
    f.close();
    const Result r = Chat({"-m", path}, "Hello\n");
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(r.err.startsWith("enclave-cli: "));
  }

  void missingModelFlagExits2() {
    const Result r = Chat({}, "");
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.err.startsWith("enclave-cli: "));
  }
};

QTEST_GUILESS_MAIN(TestCliChat)
#include "test_cli_chat.moc"
