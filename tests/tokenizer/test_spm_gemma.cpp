// SentencePiece BPE from a GGUF "llama" vocabulary, on the real Gemma 3 270M file when the
// model cache has it (installer/fetch_models.sh). There is no golden file for Gemma: the ids
// below are Gemma 3's well-known encodings ("The capital of France" -> 818 5279 529 7001, the
// chat-turn ids 2 105 2364 107 ... 106), and the rest checks round trips and byte fallback.
#include <QtTest>

#include "formats/gguf.h"
#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_test_util.h"

using namespace enclave;
using enclave::testing::IdsToString;

class TestSpmGemma : public QObject {
  Q_OBJECT

  std::unique_ptr<Tokenizer> tok_;

 private slots:
  void initTestCase() {
    const auto path = enclave::testing::ModelCacheDir() / "gemma-3-270m-q4_k_m.gguf";
    if (!std::filesystem::exists(path))
      QSKIP("Gemma 3 270M not in the model cache: run installer/fetch_models.sh");
    auto gguf = GgufFile::Open(path.string());
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());
    auto tok = LoadTokenizerFromGguf(**gguf);
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    tok_ = std::move(tok).value();
  }

  void metadata() {
    QCOMPARE(tok_->model_name(), std::string_view("spm"));
    QCOMPARE(tok_->vocab_size(), 262144);
    QCOMPARE(tok_->bos_id().value_or(-1), 2);
    QCOMPARE(tok_->eos_id().value_or(-1), 1);
    QVERIFY(tok_->adds_bos());
    QVERIFY(tok_->IsEndOfGeneration(1));
    QVERIFY(tok_->IsEndOfGeneration(106));  // <end_of_turn>
    QVERIFY(!tok_->IsEndOfGeneration(107));
  }

  void knownIds() {
    QCOMPARE(IdsToString(tok_->Encode("The capital of France", true)), QString("2 818 5279 529 7001"));
    QCOMPARE(IdsToString(tok_->Encode("The capital of France", false)), QString("818 5279 529 7001"));
    QCOMPARE(IdsToString(tok_->Encode("<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n", true)),
             QString("2 105 2364 107 9259 106 107 105 4368 107"));
  }

  void roundTrips() {
    const std::string texts[] = {
        "The capital of France is Paris.", "  leading spaces and\ttabs\n\nnew lines",
        "你好，世界！本地部署模型需要多少显存？", "😶‍🌫️ emoji and café naïve", "def f(x):\n    return x ** 2\n",
        "Ελληνικά και русский текст. 한국어", "\x01\x02 control bytes \x7f"};
    for (const std::string& text : texts) {
      const auto ids = tok_->Encode(text, false);
      QVERIFY(!ids.empty());
      QCOMPARE(tok_->Decode(ids), text);
    }
  }

  void byteFallback() {
    // U+F0000 (supplementary private use) has no vocabulary entry: four <0xXX> byte tokens.
    const auto ids = tok_->Encode("\xF3\xB0\x80\x80", false);
    QCOMPARE(ids.size(), size_t{4});
    for (int32_t id : ids) QCOMPARE(tok_->Kind(id), TokenKind::kByte);
    QCOMPARE(tok_->TokenText(ids[0]), std::string("<0xF3>"));
    QCOMPARE(tok_->Decode(ids), std::string("\xF3\xB0\x80\x80"));
  }

  void controlTokensDecode() {
    const auto ids = tok_->Encode("<start_of_turn>model\nHi<end_of_turn>", false);
    QCOMPARE(tok_->Decode(ids), std::string("<start_of_turn>model\nHi<end_of_turn>"));
    QCOMPARE(tok_->Decode(ids, /*skip_special=*/true), std::string("model\nHi"));
  }
};

QTEST_APPLESS_MAIN(TestSpmGemma)
#include "test_spm_gemma.moc"
