// deepseek2 hyperparameters from real configs (DeepSeek-V2-Lite: no q LoRA, softmax gating,
// YaRN with mscale) through the HF -> GGUF metadata translation, and a random-weight model of
// the tiny shape written by WriteRandomModel (split attn_k_b / attn_v_b, Q8_0 stacked experts)
// loaded and run.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

#include "formats/gguf.h"
#include "formats/hf_config.h"
#include "golden.h"
#include "model/deepseek2.h"
#include "model/model.h"
#include "model/random_model.h"
#include "runtime/session.h"

using namespace enclave;
using namespace enclave::testing;

namespace {

// deepseek-ai/DeepSeek-V2-Lite config.json (the fields the model reads).
constexpr const char* kV2LiteConfig = R"({
  "model_type": "deepseek_v2", "vocab_size": 102400, "hidden_size": 2048, "intermediate_size": 10944,
  "moe_intermediate_size": 1408, "num_hidden_layers": 27, "num_attention_heads": 16, "num_key_value_heads": 16,
  "n_shared_experts": 2, "n_routed_experts": 64, "routed_scaling_factor": 1.0, "kv_lora_rank": 512,
  "q_lora_rank": null, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
  "topk_method": "greedy", "n_group": 1, "topk_group": 1, "num_experts_per_tok": 6,
  "first_k_dense_replace": 1, "norm_topk_prob": false, "scoring_func": "softmax",
  "max_position_embeddings": 163840, "rms_norm_eps": 1e-06, "rope_theta": 10000,
  "rope_scaling": {"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096,
                   "beta_fast": 32, "beta_slow": 1, "mscale": 0.707, "mscale_all_dim": 0.707},
  "tie_word_embeddings": false, "bos_token_id": 100000, "eos_token_id": 100001})";

Expected<ModelConfig> ConfigOf(const std::string& json) {
  ENCLAVE_ASSIGN_OR_RETURN(HfConfig hf, ParseHfConfig(json));
  const GgufMetadata metadata = HfConfigToGgufMetadata(hf);
  return ReadModelConfig([&](std::string_view key) { return FindMetadata(metadata, key); });
}

}  // namespace

class TestDeepseek2Config : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

 private slots:
  void v2LiteHyperparameters() {
    auto c = ConfigOf(kV2LiteConfig);
    QVERIFY2(c.ok(), c.status().message().c_str());
    const Deepseek2Config& d = c->deepseek2;
    QCOMPARE(c->arch, Architecture::kDeepseek2);
    QCOMPARE(d.q_lora_rank, int64_t{0});
    QCOMPARE(d.kv_lora_rank, int64_t{512});
    QCOMPARE(d.qk_nope_dim, int64_t{128});
    QCOMPARE(d.qk_rope_dim, int64_t{64});
    QCOMPARE(d.v_head_dim, int64_t{128});
    QCOMPARE(d.n_experts, int64_t{64});
    QCOMPARE(d.n_experts_used, int64_t{6});
    QCOMPARE(d.shared_ffn_dim(), int64_t{2 * 1408});
    QCOMPARE(d.n_dense_layers, int64_t{1});
    QVERIFY(!d.sigmoid_gating);
    QVERIFY(!d.normalize_weights);
    QVERIFY(d.IsMoeLayer(1) && !d.IsMoeLayer(0));
    // 576 values per token and layer: 27 x 576 x 2 bytes = 31 104 bytes per token at F16.
    QCOMPARE(Deepseek2KvBytesPerToken(*c, DType::F16), int64_t{(512 + 64) * 27 * 2});

    // YaRN: softmax scale 1/sqrt(192) * (1 + 0.1 * 0.707 * ln 40)^2; cos/sin unscaled.
    QCOMPARE(c->rope_scaling.type, RopeScalingType::kYarn);
    const double mscale = 1 + 0.1 * 0.707 * std::log(40.0);
    QVERIFY(std::fabs(Deepseek2AttentionScale(*c) - mscale * mscale / std::sqrt(192.0)) < 1e-6);
    QCOMPARE(Deepseek2RopeMscale(*c), 1.f);
    // Frequencies: the fastest dims extrapolate (unchanged), the slowest interpolate (/ 40),
    // and every one lies between the two.
    const std::vector<float> f = Deepseek2RopeInvFreq(*c);
    QCOMPARE(f.size(), size_t{32});
    QCOMPARE(f[0], 1.f);
    const float slowest = std::pow(10000.f, -62.f / 64.f);
    QVERIFY(std::fabs(f[31] - slowest / 40.f) < 1e-9f);
    for (size_t i = 0; i < f.size(); ++i) {
      const float base = std::pow(10000.f, -2.f * static_cast<float>(i) / 64.f);
      QVERIFY(f[i] <= base * 1.000001f && f[i] >= base / 40.f * 0.999999f);
    }
  }

  void badMoeConfigIsRejected() {
    std::string json = kV2LiteConfig;
    json.replace(json.find("\"num_experts_per_tok\": 6"), 24, "\"num_experts_per_tok\": 65");
    auto c = ConfigOf(json);
    QVERIFY(!c.ok());
    QVERIFY2(c.status().message().find("expert_used_count") != std::string::npos, c.status().message().c_str());
  }

  // A random model of the tiny shape: the writer emits attn_k_b / attn_v_b (no attn_kv_b) and
  // 3-D experts filled for every expert; the loader takes that layout; logits are finite.
  void randomModelRuns() {
    std::ifstream in(TinyModelDir("tiny-deepseek-v3") / "config.json");
    if (!in) QSKIP("tiny-deepseek-v3 test data not found");
    std::stringstream text;
    text << in.rdbuf();
    const std::string out = (tmp_.path() + "/random-deepseek.gguf").toStdString();
    RandomModelOptions options;
    options.type = FileType::kQ8_0;
    Status st = WriteRandomModel(text.str(), out, options);
    QVERIFY2(st.ok(), st.message().c_str());

    auto gguf = GgufFile::Open(out);
    QVERIFY2(gguf.ok(), gguf.status().message().c_str());
    QVERIFY((*gguf)->FindTensor("blk.0.attn_kv_b.weight") == nullptr);
    QVERIFY((*gguf)->FindTensor("blk.0.attn_k_b.weight") != nullptr);
    const GgufTensorInfo* up = (*gguf)->FindTensor("blk.2.ffn_up_exps.weight");
    QVERIFY(up != nullptr);
    QCOMPARE(up->ne, (Shape{64, 32, 8, 1}));
    // The last expert was written too (not left as zeros).
    const TensorView view = (*gguf)->View(*up);
    const auto* bytes = static_cast<const uint8_t*>(view.data);
    bool nonzero = false;
    for (size_t i = view.nbytes - view.nbytes / 8; i < view.nbytes; ++i) nonzero |= bytes[i] != 0;
    QVERIFY(nonzero);

    auto model = LoadModel(out);
    QVERIFY2(model.ok(), model.status().message().c_str());
    auto session = Session::Create(**model, {.context = 32});
    QVERIFY(session.ok());
    const std::vector<int32_t> ids = {1, 2, 3, 4, 5, 6, 7};
    auto logits = (*session)->Evaluate(ids, true);
    QVERIFY2(logits.ok(), logits.status().message().c_str());
    for (float v : *logits) QVERIFY(std::isfinite(v));
  }
};

QTEST_APPLESS_MAIN(TestDeepseek2Config)
#include "test_deepseek2_config.moc"
