// llama.cpp's vocabulary tests: ggml-vocab-*.gguf (vocabulary-only GGUF files) with .inp texts
// and the .out ids llama.cpp produces (no special tokens). The tokenizer built from the GGUF
// metadata must reproduce every line.
#include <QtTest>

#include "formats/gguf.h"
#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_test_util.h"

using namespace enclave;
using enclave::testing::IdsToString;

namespace {

// test-tokenizer-0: the .inp file is split on "\n__ggml_vocab_test__\n" (the text after the
// last separator, empty here, is not a case); .out has one line of space-separated ids per text.
std::vector<std::string> SplitInputs(const std::string& raw) {
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < raw.size()) {
    const size_t next = raw.find(sep, pos);
    if (next == std::string::npos) {
      out.push_back(raw.substr(pos));
      break;
    }
    out.push_back(raw.substr(pos, next - pos));
    pos = next + sep.size();
  }
  return out;
}

std::vector<std::vector<int32_t>> ParseOutputs(const std::string& raw) {
  std::vector<std::vector<int32_t>> out;
  std::istringstream lines(raw);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::vector<int32_t> ids;
    for (int32_t id; fields >> id;) ids.push_back(id);
    out.push_back(std::move(ids));
  }
  return out;
}

}  // namespace

class TestGgufVocab : public QObject {
  Q_OBJECT

 private slots:
  void reproduceLlamaCpp_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("qwen2") << "ggml-vocab-qwen2.gguf";
    QTest::newRow("deepseek-llm") << "ggml-vocab-deepseek-llm.gguf";
    QTest::newRow("deepseek-coder") << "ggml-vocab-deepseek-coder.gguf";
  }

  void reproduceLlamaCpp() {
    QFETCH(QString, name);
    const auto path = enclave::testing::TestDataDir() / "gguf-vocab" / name.toStdString();
    if (!std::filesystem::exists(path)) QSKIP(qPrintable("test data missing: " + QString::fromStdString(path.string())));
    auto gguf = GgufFile::Open(path.string());
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());
    auto tok = LoadTokenizerFromGguf(**gguf);
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    QCOMPARE((*tok)->model_name(), std::string_view("bpe"));

    const auto inputs = SplitInputs(enclave::testing::ReadFileBytes(path.string() + ".inp"));
    const auto outputs = ParseOutputs(enclave::testing::ReadFileBytes(path.string() + ".out"));
    QCOMPARE(inputs.size(), outputs.size());
    QVERIFY(inputs.size() > 30);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto ids = (*tok)->Encode(inputs[i], false);
      QVERIFY2(ids == outputs[i], qPrintable(QString("case %1 %2\n got      %3\n expected %4")
                                                 .arg(i)
                                                 .arg(QString::fromStdString(inputs[i]).toHtmlEscaped())
                                                 .arg(IdsToString(ids), IdsToString(outputs[i]))));
      // Decoding gives the text back (these vocabularies are lossless on valid UTF-8).
      QCOMPARE((*tok)->Decode(ids), inputs[i]);
    }
  }
};

QTEST_APPLESS_MAIN(TestGgufVocab)
#include "test_gguf_vocab.moc"
