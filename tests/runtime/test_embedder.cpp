// Embedder on all-MiniLM-L6-v2 (installer/fetch_models.sh --with-embeddings): embeddings of a
// fixed English/Chinese sentence set within 1e-3 cosine distance of the committed reference
// (tests/model/make_minilm_reference.py), batch size never changing a result, and throughput
// stats for a batch of 32 (printed, not asserted). Skips when the model is not fetched.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/embedder.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

}  // namespace

class TestEmbedder : public QObject {
  Q_OBJECT

 private:
  std::string folder_;
  std::vector<std::string> texts_;
  std::vector<std::vector<float>> reference_;

  std::unique_ptr<Embedder> Open(int batch_size) {
    auto e = Embedder::Open(folder_, {.n_threads = 0, .batch_size = batch_size});
    if (!e.ok()) qWarning("%s", e.status().message().c_str());
    return e.ok() ? std::move(*e) : nullptr;
  }

 private slots:
  void initTestCase() {
    folder_ = (ModelCacheDir() / "all-MiniLM-L6-v2").string();
    if (!std::filesystem::exists(folder_ + "/model.safetensors"))
      QSKIP("all-MiniLM-L6-v2 is not fetched (installer/fetch_models.sh --with-embeddings)");
    std::ifstream in(SourceDir() / "tests/model/data/minilm_reference.json");
    QVERIFY2(in.good(), "tests/model/data/minilm_reference.json is missing");
    const nlohmann::json j = nlohmann::json::parse(in);
    for (const auto& c : j["cases"]) {
      texts_.push_back(c["text"].get<std::string>());
      reference_.push_back(c["embedding"].get<std::vector<float>>());
    }
    QVERIFY(texts_.size() >= 10);
  }

  void matchesReference() {
    auto embedder = Open(32);
    QVERIFY(embedder);
    QCOMPARE(embedder->dimension(), 384);
    auto vectors = embedder->Embed(texts_);
    QVERIFY2(vectors.ok(), vectors.status().message().c_str());
    QCOMPARE(vectors->size(), texts_.size());
    double min_cosine = 1.0;
    for (size_t i = 0; i < texts_.size(); ++i) {
      QCOMPARE((*vectors)[i].size(), size_t{384});
      const double cosine = Cosine((*vectors)[i], reference_[i]);
      min_cosine = std::min(min_cosine, cosine);
      QVERIFY2(cosine >= 0.999, qPrintable(QString("\"%1\": cosine %2").arg(texts_[i].c_str()).arg(cosine)));
      double norm = 0;
      for (float x : (*vectors)[i]) norm += double(x) * x;
      QVERIFY(std::fabs(norm - 1.0) < 1e-4);
    }
    qInfo("lowest cosine similarity to the reference: %.7f", min_cosine);
  }

  void batchSizeDoesNotChangeResults() {
    auto one_by_one = Open(1);
    auto together = Open(32);
    QVERIFY(one_by_one && together);
    auto a = one_by_one->Embed(texts_);
    auto b = together->Embed(texts_);
    QVERIFY(a.ok() && b.ok());
    for (size_t i = 0; i < texts_.size(); ++i)
      for (size_t d = 0; d < (*a)[i].size(); ++d) QVERIFY(std::fabs((*a)[i][d] - (*b)[i][d]) <= 1e-5f);
  }

  void truncatesLongText() {
    auto embedder = Open(8);
    QVERIFY(embedder);
    std::string long_text;
    for (int i = 0; i < 400; ++i) long_text += "word ";
    const auto ids = embedder->Tokenize(long_text);
    QCOMPARE(ids.size(), size_t{256});  // sentence_bert_config.json max_seq_length
    QCOMPARE(ids.back(), *embedder->tokenizer().TokenId("[SEP]"));
    QVERIFY(embedder->Embed({long_text}).ok());
  }

  void reportsThroughput() {
    auto embedder = Open(32);
    QVERIFY(embedder);
    std::vector<std::string> batch;
    for (int i = 0; i < 32; ++i) batch.push_back(texts_[i % texts_.size()]);
    QVERIFY(embedder->Embed(batch).ok());  // warm-up
    QVERIFY(embedder->Embed(batch).ok());
    const EmbedderStats& s = embedder->last_stats();
    QCOMPARE(s.texts, int64_t{32});
    QVERIFY(s.tokens > 32 * 3);
    QVERIFY(s.seconds > 0);
    qInfo("all-MiniLM-L6-v2, batch of 32 sentences (%lld tokens): %.1f embeddings/s (%.1f ms)",
          static_cast<long long>(s.tokens), s.embeddings_per_second(), s.seconds * 1e3);
  }
};

QTEST_APPLESS_MAIN(TestEmbedder)
#include "test_embedder.moc"
