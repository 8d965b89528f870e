// Quantised files against the F32 file of the same weights.
//
// Tolerances (the numbers measured on this engine are in brackets). The tiny models have random,
// untrained weights: their logits spread about +-8 with many near ties, so an argmax flips under
// small perturbations and top-1 agreement is a weak signal there; the correlation of all logits
// and the largest difference are the main measures. Each matrix product of a quantised weight
// on the CPU also rounds the activations to 8 bits (as llama.cpp does), so errors of weights
// and activations add up over 2 layers x 7 products.
//  - f16: weights rounded to 11 bits: max |diff| <= 0.05 [0.016], same argmax everywhere.
//  - q8_0: 8-bit weights and activations: correlation >= 0.999 [0.9996], max |diff| <= 0.6
//    [0.33-0.38], top-1 >= 0.75 [0.80-1.00].
//  - q4_0: 16 levels per block: correlation >= 0.93 [0.956-0.958], max |diff| <= 6 [3.9-4.5].
// The tiny models are 64 wide, which no 256-element k-quant block fits: their q4_k_m file is
// Q8_0/F16 by the fallback rule (checked below) and gets the q8_0 bounds. Q4_K/Q6_K are
// exercised on a random 256-wide model instead (4.5 bits per weight, Q6_K output): correlation
// >= 0.99 [0.9956], max |diff| <= 1 [0.40], top-1 >= 0.6 [0.71].
#include <QtTest>

#include <cmath>

#include "formats/convert.h"
#include "formats/gguf.h"
#include "formats/quantize_model.h"
#include "golden.h"
#include "model/model.h"
#include "model/random_model.h"
#include "runtime/session.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

struct Comparison {
  float max_abs_diff = 0;
  double top1_agreement = 0;  // fraction of positions with the same argmax
  double correlation = 0;     // Pearson correlation of all logits
};

Comparison Compare(const std::vector<float>& ref, const std::vector<float>& got, size_t vocab) {
  Comparison c;
  c.max_abs_diff = MaxAbsDiff(ref.data(), got.data(), ref.size());
  const size_t rows = ref.size() / vocab;
  size_t agree = 0;
  for (size_t r = 0; r < rows; ++r)
    agree += ArgMax(ref.data() + r * vocab, vocab) == ArgMax(got.data() + r * vocab, vocab);
  c.top1_agreement = static_cast<double>(agree) / static_cast<double>(rows);
  double ma = 0, mb = 0;
  for (size_t i = 0; i < ref.size(); ++i) ma += ref[i], mb += got[i];
  ma /= static_cast<double>(ref.size());
  mb /= static_cast<double>(ref.size());
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    sab += (ref[i] - ma) * (got[i] - mb);
    saa += (ref[i] - ma) * (ref[i] - ma);
    sbb += (got[i] - mb) * (got[i] - mb);
  }
  c.correlation = sab / std::sqrt(saa * sbb);
  return c;
}

std::vector<float> AllLogits(const std::string& path, const std::vector<int32_t>& ids) {
  auto model = LoadModel(path);
  if (!model.ok()) qFatal("load %s: %s", path.c_str(), model.status().message().c_str());
  auto session = Session::Create(**model, {.context = 64});
  auto logits = (*session)->Evaluate(ids, true);
  if (!logits.ok()) qFatal("%s", logits.status().message().c_str());
  return *logits;
}

}  // namespace

class TestQuantizedModels : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string Path(const QString& name) { return (tmp_.path() + "/" + name).toStdString(); }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void tinyModelsStayClose_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("type");
    QTest::addColumn<float>("max_diff");
    QTest::addColumn<double>("min_top1");
    QTest::addColumn<double>("min_correlation");
    for (const char* m : {"tiny-qwen2", "tiny-llama3"}) {
      QTest::newRow((std::string(m) + "/f16").c_str()) << m << "f16" << 0.05f << 1.0 << 0.99999;
      QTest::newRow((std::string(m) + "/q8_0").c_str()) << m << "q8_0" << 0.6f << 0.75 << 0.999;
      QTest::newRow((std::string(m) + "/q4_k_m").c_str()) << m << "q4_k_m" << 0.6f << 0.75 << 0.999;
      QTest::newRow((std::string(m) + "/q4_0").c_str()) << m << "q4_0" << 6.f << 0.0 << 0.93;
    }
  }
  void tinyModelsStayClose() {
    QFETCH(QString, model);
    QFETCH(QString, type);
    QFETCH(float, max_diff);
    QFETCH(double, min_top1);
    QFETCH(double, min_correlation);
    const std::string dir = TinyModelDir(model.toStdString()).string();
    const Golden g = LoadGolden(model.toStdString());
    const std::string f32 = Path(model + "-f32.gguf"), quant = Path(model + "-" + type + ".gguf");
    QVERIFY(ConvertHfToGguf(dir, f32, {.type = "f32"}).ok());
    const Status st = ConvertHfToGguf(dir, quant, {.type = type.toStdString()});
    QVERIFY2(st.ok(), st.message().c_str());

    const std::vector<float> ref = AllLogits(f32, g.input_ids);
    const std::vector<float> got = AllLogits(quant, g.input_ids);
    const Comparison c = Compare(ref, got, g.logits_after_greedy.size());
    qInfo("%s %s: max |diff| %.4f, top-1 agreement %.2f, correlation %.6f", qPrintable(model), qPrintable(type),
          c.max_abs_diff, c.top1_agreement, c.correlation);
    QVERIFY2(c.max_abs_diff <= max_diff, qPrintable(QString("max diff %1 > %2").arg(c.max_abs_diff).arg(max_diff)));
    QVERIFY(c.top1_agreement >= min_top1);
    QVERIFY2(c.correlation >= min_correlation, qPrintable(QString("correlation %1").arg(c.correlation)));

    // quantize (F32 GGUF -> TYPE) writes the same bytes as convert --type TYPE.
    const std::string requantized = Path(model + "-" + type + "-requant.gguf");
    QVERIFY(QuantizeGguf(f32, requantized, *ParseFileType(type.toStdString())).ok());
    QCOMPARE(AllLogits(requantized, g.input_ids), got);
  }

  // The q8_0 file's greedy output matches F32 (and transformers) for at least 8 tokens. The CPU
  // Q8_0 kernels take F32 activations for this: rounding them to 8 bits (as llama.cpp does)
  // flips a near tie at token 7 on tiny-qwen2. The first check shows the file itself is right:
  // its Q8_0 weights expanded back to F32 give all 24 greedy ids.
  void q8GreedyMatches_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("tiny-qwen2") << "tiny-qwen2";
    QTest::newRow("tiny-llama3") << "tiny-llama3";
  }
  void q8GreedyMatches() {
    QFETCH(QString, model);
    const Golden g = LoadGolden(model.toStdString());
    const std::string q8 = Path(model + "-q8.gguf"), expanded = Path(model + "-q8-as-f32.gguf");
    QVERIFY(ConvertHfToGguf(TinyModelDir(model.toStdString()).string(), q8, {.type = "q8_0"}).ok());
    QVERIFY(QuantizeGguf(q8, expanded, FileType::kF32).ok());
    auto greedy_prefix = [&](const std::string& path) {
      auto loaded = LoadModel(path);
      if (!loaded.ok()) qFatal("%s", loaded.status().message().c_str());
      auto session = Session::Create(**loaded, {.context = 64});
      GenerateOptions opts;
      opts.max_tokens = 24;
      opts.ignore_eos = true;
      auto result = (*session)->Generate(g.input_ids, opts);
      size_t same = 0;
      while (same < result->ids.size() && result->ids[same] == g.greedy_ids[same]) ++same;
      return same;
    };
    const size_t expanded_same = greedy_prefix(expanded);
    qInfo("%s: q8_0 weights as F32: first %zu of 24 greedy ids match", qPrintable(model), expanded_same);
    QCOMPARE(expanded_same, size_t{24});
    const size_t same = greedy_prefix(q8);
    qInfo("%s q8_0: first %zu of 24 greedy ids match", qPrintable(model), same);
    QVERIFY2(same >= 8, qPrintable(QString("%1: only %2 greedy ids match").arg(model).arg(same)));
  }

  // The per-tensor type rule on a file: q4_k_m of a 64-wide model falls back, 256-wide does not.
  void typeRule() {
    const std::string path = Path("tiny-llama3-q4km.gguf");
    QVERIFY(ConvertHfToGguf(TinyModelDir("tiny-llama3").string(), path, {.type = "q4_k_m"}).ok());
    auto file = GgufFile::Open(path);
    QVERIFY(file.ok());
    QCOMPARE((*file)->GetInt("general.file_type").value_or(-1), int64_t{15});
    for (const GgufTensorInfo& t : (*file)->tensors()) {
      if (t.n_dims == 1) QCOMPARE(t.type, DType::F32);
      else QVERIFY2(t.type == DType::Q8_0 || t.type == DType::F16, t.name.c_str());
    }
    // 256-wide: token_embd (tied output) Q6_K, attn_v/ffn_down Q6_K where use_more_bits, else Q4_K.
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "token_embd.weight", {256, 1000, 1, 1}, 2, 28, false), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "token_embd.weight", {256, 1000, 1, 1}, 2, 28, true), DType::Q4_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "output.weight", {256, 1000, 1, 1}, 2, 28, true), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.0.attn_v.weight", {256, 256, 1, 1}, 2, 28, true), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.4.attn_v.weight", {256, 256, 1, 1}, 2, 28, true), DType::Q4_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.5.ffn_down.weight", {256, 256, 1, 1}, 2, 28, true), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.27.ffn_down.weight", {256, 256, 1, 1}, 2, 28, true), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.3.attn_q.weight", {256, 256, 1, 1}, 2, 28, true), DType::Q4_K);
    QCOMPARE(ChooseTensorType(FileType::kQ4_0, "output.weight", {256, 1000, 1, 1}, 2, 28, true), DType::Q6_K);
    QCOMPARE(ChooseTensorType(FileType::kQ8_0, "blk.0.ffn_down.weight", {176, 64, 1, 1}, 2, 2, true), DType::F16);
    QCOMPARE(ChooseTensorType(FileType::kQ4_K_M, "blk.0.attn_norm.weight", {256, 1, 1, 1}, 1, 28, true), DType::F32);
  }

  // Q4_K and Q6_K on a model wide enough for 256-element blocks (random weights, qwen2).
  void kQuantsOnRandomModel() {
    const std::string config = R"({"model_type": "qwen2", "vocab_size": 1024, "hidden_size": 256,
      "intermediate_size": 512, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
      "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": false})";
    std::vector<int32_t> ids;
    for (int i = 0; i < 24; ++i) ids.push_back((i * 37 + 11) % 1024);
    std::vector<float> ref;
    for (const FileType type : {FileType::kF32, FileType::kQ4_K_M}) {
      const std::string path = Path(QString("random-%1.gguf").arg(std::string(FileTypeName(type)).c_str()));
      RandomModelOptions options;
      options.type = type;
      options.seed = 7;
      const Status st = WriteRandomModel(config, path, options);
      QVERIFY2(st.ok(), st.message().c_str());
      auto file = GgufFile::Open(path);
      QVERIFY(file.ok());
      if (type == FileType::kQ4_K_M) {
        QCOMPARE((*file)->FindTensor("blk.0.attn_q.weight")->type, DType::Q4_K);
        QCOMPARE((*file)->FindTensor("output.weight")->type, DType::Q6_K);
        QCOMPARE((*file)->FindTensor("blk.1.ffn_down.weight")->type, DType::Q6_K);
      }
      const std::vector<float> logits = AllLogits(path, ids);
      if (ref.empty()) {
        ref = logits;
        continue;
      }
      const Comparison c = Compare(ref, logits, 1024);
      qInfo("random 256-wide q4_k_m: max |diff| %.4f, top-1 agreement %.2f, correlation %.6f", c.max_abs_diff,
            c.top1_agreement, c.correlation);
      QVERIFY(c.correlation >= 0.99);
      QVERIFY(c.max_abs_diff <= 1.f);
      QVERIFY(c.top1_agreement >= 0.6);
    }
  }
};

QTEST_APPLESS_MAIN(TestQuantizedModels)
#include "test_quantized_models.moc"
