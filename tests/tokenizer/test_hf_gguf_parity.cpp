// A Hugging Face folder and the GGUF that enclave's converter writes from it tokenize alike:
// tokenizer.ggml.* metadata from formats/convert.h, read back by LoadTokenizerFromGguf, gives
// the ids of LoadTokenizerFromHfFolder on every text of cases.json (with and without BOS).
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "formats/convert.h"
#include "formats/gguf.h"
#include "formats/hf_config.h"
#include "testdata.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer_test_util.h"

using namespace enclave;
using enclave::testing::IdsToString;

class TestHfGgufParity : public QObject {
  Q_OBJECT

 private slots:
  void parity_data() {
    QTest::addColumn<QString>("tokenizer");
    QTest::addColumn<QString>("model");
    QTest::newRow("deepseek-r1-distill-qwen") << "deepseek-r1-distill-qwen" << "tiny-qwen2";
    QTest::newRow("deepseek-v3") << "deepseek-v3" << "tiny-deepseek-v3";
  }

  void parity() {
    QFETCH(QString, tokenizer);
    QFETCH(QString, model);
    namespace fs = std::filesystem;
    const fs::path data = enclave::testing::TestDataDir();
    const fs::path tok_dir = data / "tokenizers" / tokenizer.toStdString();
    const fs::path config = data / "models" / model.toStdString() / "config.json";
    if (!fs::exists(tok_dir / "tokenizer.json") || !fs::exists(config)) QSKIP("test data missing");

    // An HF folder: the model family's tokenizer next to a tiny model's config.json.
    QTemporaryDir tmp;
    const fs::path folder = tmp.path().toStdString();
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"}) fs::copy_file(tok_dir / name, folder / name);
    fs::copy_file(config, folder / "config.json");

    auto hf_config = ReadHfConfig((folder / "config.json").string());
    QVERIFY2(hf_config.ok(), hf_config.status().message().c_str());
    auto metadata = TokenizerMetadataFromHfFolder(folder.string(), *hf_config);
    QVERIFY2(metadata.ok(), metadata.status().message().c_str());
    GgufWriter writer;
    writer.SetString("general.architecture", hf_config->gguf_arch);
    for (const auto& [key, value] : *metadata) writer.SetValue(key, value);
    const std::string gguf_path = (folder / "vocab.gguf").string();
    const Status written = writer.Write(gguf_path);
    QVERIFY2(written.ok(), written.message().c_str());
    auto gguf = GgufFile::Open(gguf_path);
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());

    auto from_gguf = LoadTokenizerFromGguf(**gguf);
    QVERIFY2(from_gguf.ok(), from_gguf.status().message().c_str());
    auto from_hf = LoadTokenizerFromHfFolder(folder.string());
    QVERIFY2(from_hf.ok(), from_hf.status().message().c_str());
    QCOMPARE((*from_gguf)->vocab_size(), (*from_hf)->vocab_size());
    QCOMPARE((*from_gguf)->bos_id(), (*from_hf)->bos_id());
    QCOMPARE((*from_gguf)->eos_id(), (*from_hf)->eos_id());
    QCOMPARE((*from_gguf)->adds_bos(), (*from_hf)->adds_bos());
    QCOMPARE((*from_gguf)->chat_template(), (*from_hf)->chat_template());

    const auto cases = nlohmann::json::parse(enclave::testing::ReadFileBytes((tok_dir / "cases.json").string()));
    int compared = 0;
    for (const auto& c : cases["cases"]) {
      const std::string text = c["text"].get<std::string>();
      // GGUF vocabularies are not NFC-normalised (as in llama.cpp); HF's Qwen2 file is.
      if (unicode::Nfc(text) != text) continue;
      for (bool special : {false, true}) {
        const auto a = (*from_gguf)->Encode(text, special);
        const auto b = (*from_hf)->Encode(text, special);
        QVERIFY2(a == b, qPrintable(QString::fromStdString(nlohmann::json(text).dump()) + "\n gguf " +
                                    IdsToString(a) + "\n hf   " + IdsToString(b)));
      }
      QCOMPARE((*from_gguf)->Decode((*from_gguf)->Encode(text, false)), text);
      ++compared;
    }
    QVERIFY(compared > 60);
  }
};

QTEST_MAIN(TestHfGgufParity)
#include "test_hf_gguf_parity.moc"
