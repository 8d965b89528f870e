// enclave-cli tokenize, run as a process: stdin byte for byte, plain and --json output,
// --special, -m with a GGUF file or a Hugging Face folder, and exit status 2 with one stderr
// line on bad arguments or files. Skips when enclave-cli has not been built.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "testdata.h"

class TestCliTokenize : public QObject {
  Q_OBJECT

  QString cli_;
  QString data_;

  struct Result {
    int exit_code;
    QByteArray out, err;
  };

  Result Run(const QStringList& args, const QByteArray& input) {
    QProcess p;
    p.start(cli_, QStringList{"tokenize"} + args);
    if (!p.waitForStarted()) return {-1, {}, "could not start"};
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
  }

  void ExpectUsageError(const QStringList& args, const char* needle) {
    const Result r = Run(args, "hi");
    QCOMPARE(r.exit_code, 2);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.startsWith("enclave-cli: ") && r.err.count('\n') == 1, r.err.constData());
    QVERIFY2(r.err.contains(needle), r.err.constData());
  }

 private slots:
  void initTestCase() {
    cli_ = QString::fromStdString((enclave::testing::BinaryDir() / "app" / "cli" / "enclave-cli").string());
    if (!QFileInfo(cli_).isExecutable()) QSKIP("enclave-cli is not built");
    data_ = QString::fromStdString(enclave::testing::TestDataDir().string());
    if (!QFileInfo::exists(data_ + "/tokenizers/deepseek-r1-distill-qwen/tokenizer.json")) QSKIP("test data missing");
  }

  void tokenizerJson() {
    const QString json = data_ + "/tokenizers/deepseek-r1-distill-qwen/tokenizer.json";
    Result r = Run({"--tokenizer", json}, "Hello world");
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(r.out, QByteArray("9707 1879\n"));
    r = Run({"--tokenizer", json, "--special", "--json"}, "Hello world");
    QCOMPARE(r.out, QByteArray("{\"ids\":[151646,9707,1879]}\n"));
    // Byte for byte: the trailing newline is a token, and so is <think> written in the text.
    r = Run({"--tokenizer", json, "--json"}, "<think>\nHello\n");
    QCOMPARE(r.out, QByteArray("{\"ids\":[151648,198,9707,198]}\n"));
    r = Run({"--tokenizer", json, "--json"}, "");
    QCOMPARE(r.out, QByteArray("{\"ids\":[]}\n"));
  }

  void modelPaths() {
    Result r = Run({"-m", data_ + "/gguf-vocab/ggml-vocab-qwen2.gguf"}, "Hello world");
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(r.out, QByteArray("9707 1879\n"));
    // A Hugging Face folder: tokenizer_config.json's add_bos_token applies with --special.
    r = Run({"-m", data_ + "/tokenizers/deepseek-v3", "--special"}, "Hello");
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(r.out, QByteArray("0 19923\n"));
  }

  void badArguments() {
    QTemporaryDir dir;
    const QString broken = dir.filePath("tokenizer.json");
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"model\": [");
    f.close();
    ExpectUsageError({}, "needs -m");
    ExpectUsageError({"--tokenizer", dir.filePath("missing.json")}, "no such file");
    ExpectUsageError({"--tokenizer", broken}, "not valid JSON");
    ExpectUsageError({"-m", broken}, ".gguf file or a Hugging Face folder");
    ExpectUsageError({"-m", dir.path()}, "not valid JSON");  // a folder with that tokenizer.json
    QVERIFY(QDir(dir.path()).mkdir("empty"));
    ExpectUsageError({"-m", dir.filePath("empty")}, "no tokenizer.json");
    ExpectUsageError({"--tokenizer", broken, "--bogus"}, "unknown option --bogus");
    ExpectUsageError({"--tokenizer", broken, "extra"}, "standard input");
  }
};

QTEST_MAIN(TestCliTokenize)
#include "test_cli_tokenize.moc"
