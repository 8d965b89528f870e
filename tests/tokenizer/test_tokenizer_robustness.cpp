// Properties that must hold for any input: byte-level BPE is lossless on arbitrary bytes
// (invalid UTF-8 included), and a tokenizer gives the same ids when several threads share it.
#include <QtTest>

#include <random>
#include <thread>

#include "formats/gguf.h"
#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

using namespace enclave;

namespace {

// Pieces of natural text, CJK, emoji, whitespace runs and raw (often invalid) bytes.
std::vector<std::string> RandomTexts(int count) {
  static const char* const kPieces[] = {"the", " quick", "Brown", "'s", "'LL", "123456", " 3.14", "你好", "世界",
                                        "显存", "カタカナ", "한국어", "😶‍🌫️", "🫠", "é", "e\xCC\x81", "  ", "\t", "\n",
                                        "\r\n", " \n ", "!!!", "...", "$", "<|", "|>", "ﬁ", "\xC2\xA0"};
  std::mt19937 rng(20261125);
  std::vector<std::string> texts;
  for (int i = 0; i < count; ++i) {
    std::string t;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      if (rng() % 6 == 0) t.push_back(static_cast<char>(rng() % 256));  // any byte
      else t += kPieces[rng() % std::size(kPieces)];
    }
    texts.push_back(std::move(t));
  }
  return texts;
}

std::string JoinBytes(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) out += tok.TokenBytes(id);
  return out;
}

}  // namespace

class TestTokenizerRobustness : public QObject {
  Q_OBJECT

  std::vector<std::unique_ptr<Tokenizer>> tokenizers_;  // v3 json, qwen json (NFC), qwen2 gguf
  std::vector<std::string> texts_ = RandomTexts(400);

 private slots:
  void initTestCase() {
    const auto data = enclave::testing::TestDataDir();
    if (!std::filesystem::exists(data / "gguf-vocab" / "ggml-vocab-qwen2.gguf")) QSKIP("test data missing");
    for (const char* name : {"deepseek-v3", "deepseek-r1-distill-qwen"}) {
      auto tok = LoadTokenizerJson((data / "tokenizers" / name / "tokenizer.json").string());
      QVERIFY2(tok.ok(), tok.status().message().c_str());
      tokenizers_.push_back(std::move(tok).value());
    }
    auto gguf = GgufFile::Open((data / "gguf-vocab" / "ggml-vocab-qwen2.gguf").string());
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());
    auto tok = LoadTokenizerFromGguf(**gguf);
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    tokenizers_.push_back(std::move(tok).value());
  }

  void losslessOnArbitraryBytes() {
    for (size_t t = 0; t < tokenizers_.size(); ++t) {
      const bool nfc = t == 1;  // the Qwen2 tokenizer.json normalises to NFC first
      for (const std::string& text : texts_) {
        const auto ids = tokenizers_[t]->Encode(text, false);
        const std::string expect = nfc ? unicode::Nfc(text) : text;
        QVERIFY2(JoinBytes(*tokenizers_[t], ids) == expect, qPrintable(QByteArray::fromStdString(text).toHex()));
        QCOMPARE(tokenizers_[t]->Decode(ids), unicode::SanitizeUtf8(expect));
      }
    }
  }

  void sameIdsFromManyThreads() {
    const Tokenizer& tok = *tokenizers_[0];
    std::vector<std::vector<int32_t>> expected;
    for (const std::string& text : texts_) expected.push_back(tok.Encode(text, true));
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (size_t round = 0; round < 3; ++round)
          for (size_t i = 0; i < texts_.size(); ++i) {
            const size_t k = (i * 7 + t * 13 + round) % texts_.size();  // each thread in its own order
            if (tok.Encode(texts_[k], true) != expected[k]) ++mismatches;
          }
      });
    }
    for (auto& th : threads) th.join();
    QCOMPARE(mismatches.load(), 0);
  }
};

QTEST_APPLESS_MAIN(TestTokenizerRobustness)
#include "test_tokenizer_robustness.moc"
