// WordPiece (BERT) on the real all-MiniLM-L6-v2 tokenizer, from tokenizer.json and from
// vocab.txt, against ids from Hugging Face tokenizers (data/wordpiece_minilm_reference.json,
// made by make_wordpiece_reference.py). Skips when the model is not in the cache.
#include <QtTest>

#include <nlohmann/json.hpp>

#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_test_util.h"

using namespace enclave;
using enclave::testing::IdsToString;

class TestWordPiece : public QObject {
  Q_OBJECT

  std::filesystem::path model_dir_;
  nlohmann::json cases_;

  void Check(const Tokenizer& tok, bool check_decoded) {
    for (const auto& c : cases_["cases"]) {
      const std::string text = c["text"].get<std::string>();
      const auto label = QString::fromStdString(nlohmann::json(text).dump());
      const auto ids = tok.Encode(text, false);
      const auto expect = c["ids"].get<std::vector<int32_t>>();
      QVERIFY2(ids == expect, qPrintable(label + "\n got      " + IdsToString(ids) + "\n expected " + IdsToString(expect)));
      const auto with_special = tok.Encode(text, true);
      QVERIFY2(with_special == c["ids_with_special"].get<std::vector<int32_t>>(), qPrintable(label + " (special)"));
      if (check_decoded) {
        const std::string decoded = tok.Decode(ids);
        QVERIFY2(decoded == c["decoded"].get<std::string>(),
                 qPrintable(label + " decoded as " + QString::fromStdString(decoded)));
      }
    }
  }

 private slots:
  void initTestCase() {
    model_dir_ = enclave::testing::ModelCacheDir() / "all-MiniLM-L6-v2";
    if (!std::filesystem::exists(model_dir_ / "tokenizer.json"))
      QSKIP("all-MiniLM-L6-v2 not in the model cache: run installer/fetch_models.sh --with-embeddings");
    const auto ref = enclave::testing::SourceDir() / "tests" / "tokenizer" / "data" / "wordpiece_minilm_reference.json";
    cases_ = nlohmann::json::parse(enclave::testing::ReadFileBytes(ref.string()));
    QVERIFY(cases_["cases"].size() > 20);
  }

  void fromTokenizerJson() {
    auto tok = LoadTokenizerFromHfFolder(model_dir_.string());
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    QCOMPARE((*tok)->model_name(), std::string_view("wordpiece"));
    QCOMPARE((*tok)->unk_id().value_or(-1), 100);
    Check(**tok, true);
  }

  void fromVocabTxt() {
    auto tok = LoadTokenizer((model_dir_ / "vocab.txt").string());
    QVERIFY2(tok.ok(), tok.status().message().c_str());
    Check(**tok, true);
  }
};

QTEST_APPLESS_MAIN(TestWordPiece)
#include "test_wordpiece.moc"
