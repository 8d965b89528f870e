// Every case of testdata/tokenizers/*/cases.json (produced by Hugging Face tokenizers): ids
// without and with special tokens, and the decoded text, reproduced exactly.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_test_util.h"

using namespace enclave;
using enclave::testing::IdsToString;

class TestTokenizerCases : public QObject {
  Q_OBJECT

 private:
  void RunCases(const std::string& name) {
    const auto dir = enclave::testing::TestDataDir() / "tokenizers" / name;
    if (!std::filesystem::exists(dir / "tokenizer.json"))
      QSKIP(qPrintable(QString::fromStdString("test data missing: " + dir.string())));
    // The cases come from tokenizers (Rust) on tokenizer.json alone, without tokenizer_config.json.
    auto tok = LoadTokenizerJson((dir / "tokenizer.json").string());
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    const auto cases = nlohmann::json::parse(enclave::testing::ReadFileBytes((dir / "cases.json").string()));
    int checked = 0;
    for (const auto& c : cases["cases"]) {
      const std::string text = c["text"].get<std::string>();
      const auto expect_ids = c["ids"].get<std::vector<int32_t>>();
      const auto expect_special = c["ids_with_special"].get<std::vector<int32_t>>();
      const auto ids = (*tok)->Encode(text, false);
      const auto ids_special = (*tok)->Encode(text, true);
      const QString label = QString::fromStdString(name + ": " + nlohmann::json(text).dump());
      QVERIFY2(ids == expect_ids, qPrintable(label + "\n got      " + IdsToString(ids) + "\n expected " +
                                             IdsToString(expect_ids)));
      QVERIFY2(ids_special == expect_special,
               qPrintable(label + " (special)\n got      " + IdsToString(ids_special) + "\n expected " +
                          IdsToString(expect_special)));
      const std::string decoded = (*tok)->Decode(ids);
      QVERIFY2(decoded == c["decoded"].get<std::string>(),
               qPrintable(label + " decoded as " + QString::fromStdString(nlohmann::json(decoded).dump())));
      ++checked;
    }
    QVERIFY(checked > 50);
  }

 private slots:
  void deepseekR1DistillQwen() { RunCases("deepseek-r1-distill-qwen"); }
  void deepseekV3() { RunCases("deepseek-v3"); }

  void specialIdsAndConfig() {
    const auto dir = enclave::testing::TestDataDir() / "tokenizers";
    auto qwen = LoadTokenizerFromHfFolder((dir / "deepseek-r1-distill-qwen").string());
    QVERIFY2(qwen.ok(), qwen.status().message().c_str());
    QCOMPARE((*qwen)->bos_id().value_or(-1), 151646);
    QCOMPARE((*qwen)->eos_id().value_or(-1), 151643);
    QVERIFY((*qwen)->adds_bos());
    QVERIFY((*qwen)->IsEndOfGeneration(151643));
    QVERIFY((*qwen)->IsControl(151643));
    QVERIFY(!(*qwen)->IsControl(151648));  // <think> is added but not special
    QVERIFY((*qwen)->IsSpecial(151648));
    QVERIFY(!(*qwen)->chat_template().empty());
    QCOMPARE((*qwen)->TokenText(151648), std::string("<think>"));
    QCOMPARE((*qwen)->TokenId("<think>").value_or(-1), 151648);
    QCOMPARE((*qwen)->vocab_size(), 151665);

    // DeepSeek-V3's tokenizer.json adds nothing, but transformers applies add_bos_token=true
    // from tokenizer_config.json (LlamaTokenizerFast), so the folder loader prepends BOS.
    auto v3 = LoadTokenizerFromHfFolder((dir / "deepseek-v3").string());
    QVERIFY2(v3.ok(), v3.status().message().c_str());
    QCOMPARE((*v3)->bos_id().value_or(-1), 0);
    QCOMPARE((*v3)->eos_id().value_or(-1), 1);
    QVERIFY((*v3)->adds_bos());
    const auto ids = (*v3)->Encode("Hello", true);
    QCOMPARE(IdsToString(ids), QString("0 19923"));
    QCOMPARE((*v3)->Decode(ids, /*skip_special=*/true), std::string("Hello"));
    QCOMPARE((*v3)->Decode(ids), std::string("<｜begin▁of▁sentence｜>Hello"));
  }
};

QTEST_APPLESS_MAIN(TestTokenizerCases)
#include "test_tokenizer_cases.moc"
