// Model presets: every built-in row parses, hyperparameters match the published configs
// (checked through the parameter counts the model cards state), lookup and config parsing.
#include <QtTest/QtTest>

#include "hw/presets.h"
#include "hw/tensor_layout.h"
#include "testdata.h"

using namespace enclave;
using namespace enclave::hw;

class TestPresets : public QObject {
  Q_OBJECT

 private slots:
  void AllDesignPresetsExist() {
    const char* names[] = {"deepseek-r1", "deepseek-v3", "deepseek-v2.5", "deepseek-v2-lite",
                           "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b",
                           "deepseek-r1-distill-qwen-14b", "deepseek-r1-distill-qwen-32b",
                           "deepseek-r1-distill-llama-8b", "deepseek-r1-distill-llama-70b",
                           "qwen2.5-7b", "qwen2.5-72b", "llama-3.1-8b", "llama-3.1-70b"};
    for (const char* n : names) QVERIFY2(FindPreset(n).ok(), n);
    QCOMPARE(Presets().size(), std::size(names));  // none silently dropped by the parser
  }

  // Parameter counts from the model cards (billions): a wrong hidden/ffn/layer/expert value
  // moves these by far more than the tolerance.
  void ParameterCountsMatchModelCards_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("billions");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("r1") << "deepseek-r1" << 671.0 << 1.0;
    QTest::newRow("v2.5") << "deepseek-v2.5" << 235.7 << 0.5;
    QTest::newRow("v2-lite") << "deepseek-v2-lite" << 15.7 << 0.1;
    QTest::newRow("qwen-1.5b") << "deepseek-r1-distill-qwen-1.5b" << 1.78 << 0.01;
    QTest::newRow("qwen-7b") << "deepseek-r1-distill-qwen-7b" << 7.62 << 0.01;
    QTest::newRow("qwen-14b") << "deepseek-r1-distill-qwen-14b" << 14.77 << 0.01;
    QTest::newRow("qwen-32b") << "deepseek-r1-distill-qwen-32b" << 32.76 << 0.01;
    QTest::newRow("llama-8b") << "llama-3.1-8b" << 8.03 << 0.01;
    QTest::newRow("llama-70b") << "deepseek-r1-distill-llama-70b" << 70.55 << 0.05;
    QTest::newRow("qwen2.5-72b") << "qwen2.5-72b" << 72.71 << 0.05;
  }
  void ParameterCountsMatchModelCards() {
    QFETCH(QString, name);
    QFETCH(double, billions);
    QFETCH(double, tolerance);
    auto p = FindPreset(name.toStdString());
    QVERIFY(p.ok());
    const double params = static_cast<double>(TotalParams(EnumerateTensors(p->shape))) / 1e9;
    QVERIFY2(std::abs(params - billions) <= tolerance, qPrintable(QString::number(params)));
  }

  void DeepSeekR1Shape() {
    auto p = FindPreset("DeepSeek-R1");  // case-insensitive
    QVERIFY(p.ok());
    const ModelShape& s = p->shape;
    QCOMPARE(s.arch, ModelArch::kDeepseek2);
    QCOMPARE(s.layers, int64_t{61});
    QCOMPARE(s.kv_lora_rank, int64_t{512});
    QCOMPARE(s.qk_rope_head_dim, int64_t{64});
    QCOMPARE(s.q_lora_rank, int64_t{1536});
    QCOMPARE(s.n_routed_experts, int64_t{256});
    QCOMPARE(s.experts_per_tok, int64_t{8});
    QCOMPARE(s.first_k_dense_replace, int64_t{3});
    QCOMPARE(s.n_group, int64_t{8});
    QCOMPARE(s.topk_group, int64_t{4});
    QCOMPARE(s.scoring_func, std::string("sigmoid"));
    QCOMPARE(s.rope_scaling.type, std::string("yarn"));
    QCOMPARE(s.rope_scaling.factor, 40.0);
    QCOMPARE(s.max_context, int64_t{163840});
    QCOMPARE(s.moe_layers(), int64_t{58});
  }

  void LiteHasNoQueryCompression() {
    auto p = FindPreset("deepseek-v2-lite");
    QVERIFY(p.ok());
    QCOMPARE(p->shape.q_lora_rank, int64_t{0});  // null in config.json
    QCOMPARE(p->shape.scoring_func, std::string("softmax"));
  }

  void QwenRopeScalingExtendsContext() {
    auto p = FindPreset("qwen2.5-7b");
    QVERIFY(p.ok());
    QCOMPARE(p->shape.max_context, int64_t{32768});
    QCOMPARE(p->shape.extendable_context, int64_t{131072});
    QVERIFY(p->shape.attention_bias);
    auto llama = FindPreset("llama-3.1-8b");
    QVERIFY(llama.ok());
    QCOMPARE(llama->shape.rope_scaling.type, std::string("llama3"));
    QCOMPARE(llama->shape.extendable_context, llama->shape.max_context);
  }

  void UnknownPresetListsCloseNames() {
    auto p = FindPreset("deepseek-r2");
    QVERIFY(!p.ok());
    QCOMPARE(p.status().code(), ErrorCode::kNotFound);
    QVERIFY2(p.status().message().find("deepseek-r1") != std::string::npos, p.status().message().c_str());
    const std::vector<std::string> close = ClosestPresetNames("qwen7b");
    QVERIFY(!close.empty());
    QVERIFY2(close[0].find("qwen") != std::string::npos, close[0].c_str());
  }

  void ParsesFixtureConfigs() {
    // transformers-5 layout: rope_parameters instead of rope_theta / rope_scaling.
    auto ds = ModelShapeFromHfConfigFile((testing::TestDataDir() / "models/tiny-deepseek-v3/config.json").string());
    if (!ds.ok()) QSKIP(qPrintable("test data missing: " + QString::fromStdString(ds.status().message())));
    QCOMPARE(ds->arch, ModelArch::kDeepseek2);
    QCOMPARE(ds->kv_lora_rank, int64_t{32});
    QCOMPARE(ds->q_lora_rank, int64_t{48});
    QCOMPARE(ds->rope_theta, 10000.0);
    QCOMPARE(ds->rope_scaling.type, std::string());  // "default" means none
    auto llama = ModelShapeFromHfConfigFile((testing::TestDataDir() / "models/tiny-llama3/config.json").string());
    QVERIFY(llama.ok());
    QCOMPARE(llama->arch, ModelArch::kLlama);
    QCOMPARE(llama->rope_scaling.type, std::string("llama3"));
  }

  void RejectsBadConfigs() {
    QCOMPARE(ModelShapeFromHfConfig("{not json").status().code(), ErrorCode::kBadInput);
    QCOMPARE(ModelShapeFromHfConfig(R"({"model_type":"gpt2"})").status().code(), ErrorCode::kUnsupported);
    auto zero = ModelShapeFromHfConfig(
        R"({"model_type":"llama","hidden_size":0,"num_hidden_layers":2,"num_attention_heads":2,"vocab_size":10,"intermediate_size":8})");
    QCOMPARE(zero.status().code(), ErrorCode::kBadInput);
    QVERIFY(zero.status().message().find("hidden_size") != std::string::npos);
  }

  void ConfigJsonRoundTrips() {
    for (const ModelPreset& p : Presets()) {
      auto again = ModelShapeFromHfConfig(HfConfigJson(p));
      QVERIFY2(again.ok(), p.name.c_str());
      QCOMPARE(TotalParams(EnumerateTensors(*again)), TotalParams(EnumerateTensors(p.shape)));
    }
  }
};

QTEST_APPLESS_MAIN(TestPresets)
#include "test_presets.moc"
