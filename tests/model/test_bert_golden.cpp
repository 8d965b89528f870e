// BertEncoder against transformers' BertModel on tiny-bert (golden.json): mean-pooled,
// L2-normalised embeddings and the [CLS] hidden state within 1e-4; batching sequences of
// different lengths together gives the same vectors as running each alone.
#include <QtTest>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "backend/backend.h"
#include "model/bert.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::testing;

class TestBertGolden : public QObject {
  Q_OBJECT

 private:
  std::string dir_;
  nlohmann::json golden_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<BertEncoder> encoder_;

  std::vector<std::vector<int32_t>> Inputs() const {
    std::vector<std::vector<int32_t>> in;
    for (const auto& c : golden_["cases"]) in.push_back(c["input_ids"].get<std::vector<int32_t>>());
    return in;
  }

 private slots:
  void initTestCase() {
    dir_ = (TestDataDir() / "models" / "tiny-bert").string();
    std::ifstream in(dir_ + "/golden.json");
    if (!in) QSKIP("tiny-bert test data is absent");
    golden_ = nlohmann::json::parse(in);
    auto backend = CreateBackend({.device = "cpu", .n_threads = 2});
    QVERIFY2(backend.ok(), backend.status().message().c_str());
    backend_ = std::move(*backend);
    auto encoder = BertEncoder::Open(dir_, *backend_);
    QVERIFY2(encoder.ok(), encoder.status().message().c_str());
    encoder_ = std::move(*encoder);
    QCOMPARE(encoder_->config().hidden, 64);
    QCOMPARE(encoder_->config().n_layers, 2);
  }

  void embeddingsMatchGolden() {
    const auto inputs = Inputs();
    QVERIFY(inputs.size() >= 2);
    auto embeddings = encoder_->EmbedIds(inputs);  // all cases in one batch
    QVERIFY2(embeddings.ok(), embeddings.status().message().c_str());
    for (size_t c = 0; c < inputs.size(); ++c) {
      const auto want = golden_["cases"][c]["mean_pooled_l2_normalized"].get<std::vector<float>>();
      QCOMPARE((*embeddings)[c].size(), want.size());
      for (size_t d = 0; d < want.size(); ++d)
        QVERIFY2(std::fabs((*embeddings)[c][d] - want[d]) <= 1e-4f,
                 qPrintable(QString("case %1 dim %2: %3 vs %4").arg(c).arg(d).arg((*embeddings)[c][d]).arg(want[d])));
    }
  }

  void clsHiddenStateMatchesGolden() {
    const auto inputs = Inputs();
    auto hidden = encoder_->Forward(inputs);
    QVERIFY2(hidden.ok(), hidden.status().message().c_str());
    size_t first = 0;
    for (size_t c = 0; c < inputs.size(); ++c) {
      const auto want = golden_["cases"][c]["cls"].get<std::vector<float>>();
      for (size_t d = 0; d < want.size(); ++d)
        QVERIFY2(std::fabs((*hidden)[first * want.size() + d] - want[d]) <= 1e-4f,
                 qPrintable(QString("case %1 dim %2").arg(c).arg(d)));
      first += inputs[c].size();
    }
  }

  void batchingDoesNotChangeResults() {
    const auto inputs = Inputs();
    auto together = encoder_->EmbedIds(inputs);
    QVERIFY(together.ok());
    for (size_t c = 0; c < inputs.size(); ++c) {
      auto alone = encoder_->EmbedIds(std::span<const std::vector<int32_t>>(&inputs[c], 1));
      QVERIFY(alone.ok());
      for (size_t d = 0; d < alone->at(0).size(); ++d)
        QVERIFY(std::fabs((*alone)[0][d] - (*together)[c][d]) <= 1e-6f);
    }
  }

  void rejectsBadInput() {
    std::vector<std::vector<int32_t>> empty{{}};
    QVERIFY(!encoder_->EmbedIds(empty).ok());
    std::vector<std::vector<int32_t>> out_of_vocab{{101, 100000, 102}};
    QCOMPARE(encoder_->EmbedIds(out_of_vocab).status().code(), ErrorCode::kInvalidArgument);
    std::vector<std::vector<int32_t>> too_long{std::vector<int32_t>(129, 5)};
    QVERIFY(!encoder_->EmbedIds(too_long).ok());
    QCOMPARE(BertEncoder::Open("/nonexistent", *backend_).status().code(), ErrorCode::kNotFound);
  }
};

QTEST_APPLESS_MAIN(TestBertGolden)
#include "test_bert_golden.moc"
