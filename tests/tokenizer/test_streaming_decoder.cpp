// StreamingDecoder: ids arrive one at a time and only whole UTF-8 characters come out, also
// when a character's bytes are spread over several byte-level tokens.
#include <QtTest>

#include "testdata.h"
#include "tokenizer/tokenizer.h"

using namespace enclave;

class TestStreamingDecoder : public QObject {
  Q_OBJECT

  std::unique_ptr<Tokenizer> qwen_;

  // Streams `ids` and checks that every piece is valid UTF-8 and that the pieces add up to Decode().
  void StreamAndCompare(const std::vector<int32_t>& ids, bool skip_special = false) {
    StreamingDecoder stream(*qwen_, skip_special);
    std::string joined;
    for (int32_t id : ids) {
      const std::string piece = stream.Push(id);
      QVERIFY2(QString::fromUtf8(piece.data(), piece.size()).toUtf8() == QByteArray(piece.data(), piece.size()),
               "a piece is not valid UTF-8");
      joined += piece;
    }
    joined += stream.Flush();
    QCOMPARE(joined, qwen_->Decode(ids, skip_special));
  }

 private slots:
  void initTestCase() {
    const auto path = enclave::testing::TestDataDir() / "tokenizers" / "deepseek-r1-distill-qwen" / "tokenizer.json";
    if (!std::filesystem::exists(path)) QSKIP("test data missing");
    auto tok = LoadTokenizerJson(path.string());
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    qwen_ = std::move(tok).value();
  }

  void characterSplitAcrossTokens() {
    // "🫠" (F0 9F AB A0) is not one token: BPE leaves it as three byte-level pieces.
    const auto ids = qwen_->Encode("a🫠b", false);
    QCOMPARE(ids.size(), size_t{5});
    StreamingDecoder stream(*qwen_);
    std::vector<std::string> pieces;
    for (int32_t id : ids) pieces.push_back(stream.Push(id));
    QCOMPARE(pieces.front(), std::string("a"));
    // Nothing comes out while the emoji is incomplete, then the whole character at once.
    bool saw_emoji = false;
    for (size_t i = 1; i + 1 < pieces.size(); ++i) {
      if (pieces[i].empty()) continue;
      QCOMPARE(pieces[i], std::string("🫠"));
      saw_emoji = true;
    }
    QVERIFY(saw_emoji);
    QCOMPARE(pieces.back(), std::string("b"));
    QCOMPARE(stream.Flush(), std::string());
  }

  void byteByByte() {
    // Feed the raw single-byte tokens of a CJK + emoji string: at most one character per push.
    const std::string text = "显存😶‍🌫️é";
    std::vector<int32_t> ids;
    for (unsigned char c : text) {
      const auto one = qwen_->Encode(std::string(1, static_cast<char>(c)), false);
      QCOMPARE(one.size(), size_t{1});
      ids.push_back(one[0]);
    }
    StreamAndCompare(ids);
    QCOMPARE(qwen_->Decode(ids), text);
  }

  void mixedTextAndSpecials() {
    StreamAndCompare(qwen_->Encode("<｜User｜>你好，世界！🚀<｜Assistant｜><think>\n嗯</think>ok<｜end▁of▁sentence｜>", true));
    StreamAndCompare(qwen_->Encode("<｜User｜>hi<｜end▁of▁sentence｜>", true), /*skip_special=*/true);
  }

  void incompleteTailFlushesAsReplacement() {
    const auto ids = qwen_->Encode("x🫠", false);  // x, then three pieces of the emoji
    StreamingDecoder stream(*qwen_);
    std::string out;
    for (size_t i = 0; i + 1 < ids.size(); ++i) out += stream.Push(ids[i]);  // drop the last byte token
    QCOMPARE(out, std::string("x"));
    QCOMPARE(stream.Flush(), std::string("\xEF\xBF\xBD"));  // one U+FFFD for the cut-off character
    stream.Reset();
    QCOMPARE(stream.Push(ids[0]), std::string("x"));
  }
};

QTEST_APPLESS_MAIN(TestStreamingDecoder)
#include "test_streaming_decoder.moc"
