// tiny-deepseek-v3 (MLA + MoE with shared experts and group-limited sigmoid routing) against
// transformers' golden.json, loaded from the Hugging Face folder (fused experts) and from the
// F32 GGUF that convert writes: prefill logits within 1e-3, 24 greedy ids exactly (EOS ignored),
// logits after them within 1e-3; both sources give identical logits; the KV cache holds the
// compressed latent only.
#include <QtTest>

#include <deque>

#include "formats/convert.h"
#include "formats/gguf.h"
#include "golden.h"
#include "model/deepseek2.h"
#include "model/model.h"
#include "runtime/session.h"

using namespace enclave;
using namespace enclave::testing;

class TestDeepseek2Golden : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  const std::string kModel = "tiny-deepseek-v3";

  std::string ModelPath(const QString& source) {
    const std::string dir = TinyModelDir(kModel).string();
    if (source == "hf") return dir;
    const std::string out = (tmp_.path() + "/tiny-deepseek-v3.gguf").toStdString();
    if (!QFile::exists(QString::fromStdString(out))) {
      Status st = ConvertHfToGguf(dir, out, {.type = "f32"});
      if (!st.ok()) qWarning("convert: %s", st.message().c_str());
    }
    return out;
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    if (!std::filesystem::exists(TinyModelDir(kModel) / "golden.json"))
      QSKIP("tiny-deepseek-v3 test data not found (set ENCLAVE_TESTDATA)");
  }

  void matchesGolden_data() {
    QTest::addColumn<QString>("source");
    QTest::newRow("hf") << "hf";
    QTest::newRow("gguf") << "gguf";
  }

  void matchesGolden() {
    QFETCH(QString, source);
    const Golden g = LoadGolden(kModel);
    auto loaded = LoadModel(ModelPath(source));
    QVERIFY2(loaded.ok(), loaded.status().message().c_str());
    Model& m = **loaded;
    QCOMPARE(m.config().arch, Architecture::kDeepseek2);
    const size_t vocab = static_cast<size_t>(m.config().vocab_size);
    QCOMPARE(vocab, g.logits_after_greedy.size());

    auto session = Session::Create(m, {.context = 64});
    QVERIFY2(session.ok(), session.status().message().c_str());
    auto logits = (*session)->Evaluate(g.input_ids, /*all_logits=*/true);
    QVERIFY2(logits.ok(), logits.status().message().c_str());
    QCOMPARE(logits->size(), g.input_ids.size() * vocab);
    for (size_t pos = 0; pos < g.input_ids.size(); ++pos) {
      const float diff = MaxAbsDiff(logits->data() + pos * vocab, g.prefill_logits[pos].data(), vocab);
      QVERIFY2(diff <= 1e-3f, qPrintable(QString("position %1: max |logit diff| = %2").arg(pos).arg(diff)));
    }

    GenerateOptions opts;
    opts.max_tokens = static_cast<int64_t>(g.greedy_ids.size());
    opts.ignore_eos = true;
    auto result = (*session)->Generate(g.input_ids, opts);
    QVERIFY2(result.ok(), result.status().message().c_str());
    QCOMPARE(result->ids, g.greedy_ids);

    std::vector<int32_t> all = g.input_ids;
    all.insert(all.end(), g.greedy_ids.begin(), g.greedy_ids.end());
    auto after = (*session)->Evaluate(all, /*all_logits=*/false);
    QVERIFY2(after.ok(), after.status().message().c_str());
    const float diff = MaxAbsDiff(after->data(), g.logits_after_greedy.data(), vocab);
    QVERIFY2(diff <= 1e-3f, qPrintable(QString("logits after greedy: max diff %1").arg(diff)));
  }

  void folderAndGgufIdentical() {
    const Golden g = LoadGolden(kModel);
    std::vector<std::vector<float>> results;
    for (const char* source : {"hf", "gguf"}) {
      auto loaded = LoadModel(ModelPath(source));
      QVERIFY2(loaded.ok(), loaded.status().message().c_str());
      auto session = Session::Create(**loaded, {.context = 32});
      QVERIFY(session.ok());
      auto logits = (*session)->Evaluate(g.input_ids, true);
      QVERIFY2(logits.ok(), logits.status().message().c_str());
      results.push_back(*logits);
    }
    QCOMPARE(results[0], results[1]);
  }

  // The converted file carries llama.cpp's deepseek2 names: stacked 3-D experts, the router,
  // the selection bias and the MLA projections.
  void convertedTensorNames() {
    auto gguf = GgufFile::Open(ModelPath("gguf"));
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());
    QCOMPARE((*gguf)->architecture(), std::string("deepseek2"));
    const GgufTensorInfo* gate = (*gguf)->FindTensor("blk.1.ffn_gate_exps.weight");
    QVERIFY(gate != nullptr);
    QCOMPARE(gate->n_dims, 3);
    QCOMPARE(gate->ne, (Shape{64, 32, 8, 1}));
    const GgufTensorInfo* down = (*gguf)->FindTensor("blk.2.ffn_down_exps.weight");
    QVERIFY(down != nullptr);
    QCOMPARE(down->ne, (Shape{32, 64, 8, 1}));
    for (const char* name : {"blk.0.attn_q_a.weight", "blk.0.attn_q_a_norm.weight", "blk.0.attn_q_b.weight",
                             "blk.0.attn_kv_a_mqa.weight", "blk.0.attn_kv_a_norm.weight", "blk.0.attn_kv_b.weight",
                             "blk.0.ffn_gate.weight", "blk.1.ffn_gate_inp.weight", "blk.1.exp_probs_b.bias",
                             "blk.1.ffn_gate_shexp.weight", "blk.1.ffn_up_shexp.weight", "blk.1.ffn_down_shexp.weight"})
      QVERIFY2((*gguf)->FindTensor(name) != nullptr, name);
    QVERIFY((*gguf)->FindTensor("blk.1.ffn_gate.weight") == nullptr);  // MoE layer: no dense FFN
    QCOMPARE((*gguf)->GetInt("deepseek2.expert_gating_func").value_or(0), int64_t{2});
    QCOMPARE((*gguf)->GetInt("deepseek2.attention.kv_lora_rank").value_or(0), int64_t{32});
  }

  // Newer llama.cpp files carry attn_k_b {nope, kv_lora, H} and attn_v_b {kv_lora, v, H} in
  // place of attn_kv_b, and describe the absorbed form in key_length / value_length with the
  // per-head sizes in key_length_mla / value_length_mla. Rewritten that way (the split done here
  // by plain loops), the model gives the same logits as the folder.
  void splitKvBLayoutMatches() {
    const Golden g = LoadGolden(kModel);
    auto src = GgufFile::Open(ModelPath("gguf"));
    QVERIFY2(src.ok(), src.status().message().c_str());
    const GgufFile& in = **src;
    const int64_t H = 4, nope = 16, rope = 8, v = 16, lora = 32;
    GgufWriter writer;
    for (const auto& [key, value] : in.metadata()) writer.SetValue(key, value);
    writer.SetUint32("deepseek2.attention.key_length", lora + rope);
    writer.SetUint32("deepseek2.attention.value_length", lora);
    writer.SetUint32("deepseek2.attention.key_length_mla", nope + rope);
    writer.SetUint32("deepseek2.attention.value_length_mla", v);
    std::deque<std::vector<float>> keep;  // the split tensors' bytes (stable addresses) until Write
    for (const GgufTensorInfo& t : in.tensors()) {
      const TensorView view = in.View(t);
      const std::string suffix = ".attn_kv_b.weight";
      if (!t.name.ends_with(suffix)) {
        writer.AddTensor(t.name, t.type, t.ne, t.n_dims, view.data);
        continue;
      }
      QCOMPARE(t.type, DType::F32);
      const auto* kv_b = static_cast<const float*>(view.data);  // {lora, H*(nope+v)}
      std::vector<float>& k_b = keep.emplace_back(H * lora * nope);
      for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < nope; ++i)
          for (int64_t j = 0; j < lora; ++j) k_b[(h * lora + j) * nope + i] = kv_b[(h * (nope + v) + i) * lora + j];
      std::vector<float>& v_b = keep.emplace_back(H * v * lora);
      for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < v; ++i)
          for (int64_t j = 0; j < lora; ++j) v_b[(h * v + i) * lora + j] = kv_b[(h * (nope + v) + nope + i) * lora + j];
      const std::string prefix = t.name.substr(0, t.name.size() - suffix.size());
      writer.AddTensor(prefix + ".attn_k_b.weight", DType::F32, {nope, lora, H, 1}, 3, k_b.data());
      writer.AddTensor(prefix + ".attn_v_b.weight", DType::F32, {lora, v, H, 1}, 3, v_b.data());
    }
    const std::string out = (tmp_.path() + "/split-kv-b.gguf").toStdString();
    Status st = writer.Write(out);
    QVERIFY2(st.ok(), st.message().c_str());

    auto split = GgufFile::Open(out);
    QVERIFY(split.ok());
    QVERIFY((*split)->FindTensor("blk.0.attn_kv_b.weight") == nullptr);
    QVERIFY((*split)->FindTensor("blk.0.attn_k_b.weight") != nullptr);

    auto loaded = LoadModel(out);
    QVERIFY2(loaded.ok(), loaded.status().message().c_str());
    const size_t vocab = static_cast<size_t>((*loaded)->config().vocab_size);
    auto session = Session::Create(**loaded, {.context = 32});
    QVERIFY(session.ok());
    auto logits = (*session)->Evaluate(g.input_ids, true);
    QVERIFY2(logits.ok(), logits.status().message().c_str());
    for (size_t pos = 0; pos < g.input_ids.size(); ++pos) {
      const float diff = MaxAbsDiff(logits->data() + pos * vocab, g.prefill_logits[pos].data(), vocab);
      QVERIFY2(diff <= 1e-3f, qPrintable(QString("position %1: max |logit diff| = %2").arg(pos).arg(diff)));
    }
  }

  // The cache holds (kv_lora_rank + qk_rope_dim) values per token and layer, nothing else.
  void kvCacheIsLatent() {
    auto loaded = LoadModel(ModelPath("hf"));
    QVERIFY2(loaded.ok(), loaded.status().message().c_str());
    Model& m = **loaded;
    const ModelConfig& c = m.config();
    for (DType kv : {DType::F32, DType::F16}) {
      const int64_t context = 48;
      auto state = m.NewState(context, 8, kv);
      QVERIFY2(state.ok(), state.status().message().c_str());
      int64_t bytes = 0;
      for (const Tensor& t : state->k_cache) bytes += static_cast<int64_t>(t.nbytes());
      for (const Tensor& t : state->v_cache) bytes += static_cast<int64_t>(t.nbytes());
      const int64_t per_token = (32 + 8) * 3 * static_cast<int64_t>(RowBytes(kv, 1));  // (kv_lora + rope) x layers
      QCOMPARE(bytes, per_token * context);
      QCOMPARE(Deepseek2KvBytesPerToken(c, kv), per_token);
    }
  }
};

QTEST_APPLESS_MAIN(TestDeepseek2Golden)
#include "test_deepseek2_golden.moc"
