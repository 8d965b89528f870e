// Per-tensor quantisation rules (llama.cpp's Q4_K_M and friends) and the byte accounting of
// tensor layouts, checked against a GGUF file the formats writer/quantizer really produced.
#include <QtTest/QtTest>

#include <filesystem>
#include <map>
#include <vector>

#include "formats/gguf.h"
#include "formats/quantize_model.h"
#include "hw/estimator.h"
#include "hw/quant_mix.h"
#include "hw/tensor_layout.h"

using namespace enclave;
using namespace enclave::hw;

namespace {

std::map<std::string, DType> TypesOf(const std::vector<WeightTensor>& tensors) {
  std::map<std::string, DType> out;
  for (const WeightTensor& t : tensors) out[t.name] = t.type;
  return out;
}

// A small llama whose rows are all multiples of 256 (no fallback types involved).
ModelShape TinyLlama() {
  ModelShape s;
  s.arch = ModelArch::kLlama;
  s.hidden = 256;
  s.layers = 8;
  s.heads = 4;
  s.kv_heads = 2;
  s.head_dim = 64;
  s.ffn = 512;
  s.vocab = 320;
  s.max_context = 2048;
  s.extendable_context = 2048;
  return s;
}

}  // namespace

class TestQuantMix : public QObject {
  Q_OBJECT

 private slots:
  void Q4KMOnAQwenDistill() {
    const ModelShape s = FindPreset("deepseek-r1-distill-qwen-7b")->shape;  // 28 layers
    const auto types = TypesOf(LayoutFor(s, hw::FileType::kQ4_K_M));
    QCOMPARE(types.at("output.weight"), DType::Q6_K);
    QCOMPARE(types.at("token_embd.weight"), DType::Q4_K);
    QCOMPARE(types.at("output_norm.weight"), DType::F32);
    QCOMPARE(types.at("blk.0.attn_q.bias"), DType::F32);
    QCOMPARE(types.at("blk.0.attn_q.weight"), DType::Q4_K);
    // use_more_bits(i, 28): i < 3, i >= 24, or (i - 3) % 3 == 2
    for (int i = 0; i < 28; ++i) {
      const bool more = i < 3 || i >= 24 || (i - 3) % 3 == 2;
      const DType want = more ? DType::Q6_K : DType::Q4_K;
      QCOMPARE(types.at("blk." + std::to_string(i) + ".attn_v.weight"), want);
      QCOMPARE(types.at("blk." + std::to_string(i) + ".ffn_down.weight"), want);
      QCOMPARE(types.at("blk." + std::to_string(i) + ".ffn_up.weight"), DType::Q4_K);
    }
  }

  void SeventyBClassBumpsAttnV() {
    const ModelShape s = FindPreset("llama-3.1-70b")->shape;
    const auto types = TypesOf(LayoutFor(s, hw::FileType::kQ4_K_M));
    QCOMPARE(types.at("blk.10.attn_v.weight"), DType::Q5_K);  // not use_more_bits, 70B rule
    QCOMPARE(types.at("blk.0.attn_v.weight"), DType::Q6_K);
  }

  void RowsNotMultipleOf256FallBack() {
    // Qwen2.5-72B: intermediate 29568 = 115.5 x 256, so ffn_down rows cannot be K-quants.
    const ModelShape s = FindPreset("qwen2.5-72b")->shape;
    const auto types = TypesOf(LayoutFor(s, hw::FileType::kQ4_K_M));
    QCOMPARE(types.at("blk.0.ffn_down.weight"), DType::Q8_0);   // Q6_K -> Q8_0
    QCOMPARE(types.at("blk.11.ffn_down.weight"), DType::Q5_0);  // Q4_K -> Q5_0
    QCOMPARE(types.at("blk.12.ffn_up.weight"), DType::Q4_K);    // rows of 8192
  }

  void DeepSeekTensorsAndTypes() {
    const ModelShape s = FindPreset("deepseek-r1")->shape;
    const std::vector<WeightTensor> t = LayoutFor(s, hw::FileType::kQ4_K_M);
    const auto types = TypesOf(t);
    QCOMPARE(types.count("blk.2.ffn_gate_exps.weight"), size_t{0});  // dense layers 0-2
    QCOMPARE(types.at("blk.3.ffn_gate_inp.weight"), DType::F32);
    QCOMPARE(types.at("blk.3.exp_probs_b.bias"), DType::F32);
    QCOMPARE(types.at("blk.3.ffn_down_exps.weight"), DType::Q6_K);  // 3 < 61/8
    QCOMPARE(types.at("blk.8.ffn_down_exps.weight"), DType::Q4_K);
    QCOMPARE(types.at("blk.9.ffn_down_shexp.weight"), DType::Q6_K);  // (9 - 7) % 3 == 2
    QCOMPARE(types.at("blk.5.attn_kv_b.weight"), DType::Q4_K);
    for (const WeightTensor& w : t) {
      if (w.name == "blk.3.ffn_up_exps.weight") {
        QCOMPARE(w.ne[0], int64_t{7168});
        QCOMPARE(w.ne[1], int64_t{2048});
        QCOMPARE(w.ne[2], int64_t{256});
        QVERIFY(w.routed_expert);
        QCOMPARE(w.bytes, uint64_t{7168} / 256 * 144 * 2048 * 256);
      }
    }
  }

  void PlainTypes() {
    const ModelShape s = FindPreset("llama-3.1-8b")->shape;
    for (const WeightTensor& t : LayoutFor(s, hw::FileType::kF16))
      QCOMPARE(t.type, t.n_dims >= 2 ? DType::F16 : DType::F32);
    const auto q4_0 = TypesOf(LayoutFor(s, hw::FileType::kQ4_0));
    QCOMPARE(q4_0.at("output.weight"), DType::Q6_K);
    QCOMPARE(q4_0.at("blk.0.attn_v.weight"), DType::Q4_0);
    const auto q8 = TypesOf(LayoutFor(s, hw::FileType::kQ8_0));
    QCOMPARE(q8.at("output.weight"), DType::Q8_0);
  }

  void TiedEmbeddingsTakeTheOutputType() {
    ModelShape s = TinyLlama();
    s.tie_embeddings = true;
    const auto types = TypesOf(LayoutFor(s, hw::FileType::kQ4_K_M));
    QCOMPARE(types.count("output.weight"), size_t{0});
    QCOMPARE(types.at("token_embd.weight"), DType::Q6_K);
  }

  // The estimator's layout against a real file: an F32 GGUF written by GgufWriter, quantised
  // to Q4_K_M by the formats quantizer, read back: same tensors, same types, same bytes.
  void MatchesAQuantizedGgufFile() {
    const ModelShape s = TinyLlama();
    const std::vector<WeightTensor> plan = EnumerateTensors(s);
    std::vector<std::vector<float>> data;
    GgufWriter w;
    w.SetString("general.architecture", "llama");
    w.SetUint32("general.file_type", 0);
    w.SetUint32("llama.block_count", static_cast<uint32_t>(s.layers));
    w.SetUint32("llama.embedding_length", static_cast<uint32_t>(s.hidden));
    w.SetUint32("llama.feed_forward_length", static_cast<uint32_t>(s.ffn));
    w.SetUint32("llama.attention.head_count", static_cast<uint32_t>(s.heads));
    w.SetUint32("llama.attention.head_count_kv", static_cast<uint32_t>(s.kv_heads));
    w.SetUint32("llama.context_length", static_cast<uint32_t>(s.max_context));
    w.SetFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.SetUint32("llama.vocab_size", static_cast<uint32_t>(s.vocab));
    data.reserve(plan.size());
    for (const WeightTensor& t : plan) {
      data.emplace_back(static_cast<size_t>(t.elements()));
      for (size_t i = 0; i < data.back().size(); ++i) data.back()[i] = 0.01f * static_cast<float>(i % 97) - 0.4f;
      w.AddTensor(t.name, DType::F32, t.ne, t.n_dims, data.back().data());
    }
    QTemporaryDir dir;
    const std::string f32_path = (std::filesystem::path(dir.path().toStdString()) / "tiny-f32.gguf").string();
    const std::string q_path = (std::filesystem::path(dir.path().toStdString()) / "tiny-q4_k_m.gguf").string();
    const Status written = w.Write(f32_path);
    QVERIFY2(written.ok(), written.message().c_str());
    const Status quantized = QuantizeGguf(f32_path, q_path, enclave::FileType::kQ4_K_M);
    if (!quantized.ok()) QSKIP(qPrintable("formats quantizer unavailable: " + QString::fromStdString(quantized.message())));

    auto from_file = ModelFromGguf(q_path);
    QVERIFY2(from_file.ok(), from_file.status().message().c_str());
    QCOMPARE(from_file->quant, std::string("q4_k_m"));
    QCOMPARE(from_file->shape.layers, s.layers);
    QCOMPARE(from_file->shape.kv_heads, s.kv_heads);
    const std::vector<WeightTensor> expected = LayoutFor(s, hw::FileType::kQ4_K_M);
    const auto file_types = TypesOf(from_file->tensors);
    QCOMPARE(from_file->tensors.size(), expected.size());
    for (const WeightTensor& t : expected) {
      QVERIFY2(file_types.count(t.name), t.name.c_str());
      QVERIFY2(file_types.at(t.name) == t.type, t.name.c_str());
    }
    QCOMPARE(TotalBytes(from_file->tensors), TotalBytes(expected));
    // The file holds the tensor bytes plus a header and alignment padding only.
    const uint64_t file_size = std::filesystem::file_size(q_path);
    QVERIFY(file_size >= TotalBytes(expected));
    QVERIFY(file_size - TotalBytes(expected) < 64 * 1024);
  }
};

QTEST_APPLESS_MAIN(TestQuantMix)
#include "test_quant_mix.moc"
