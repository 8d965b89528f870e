// The memory/speed estimator: KV cache formulas (GQA and MLA) exactly, weights of real
// quantisation mixes, fit and max context consistency, placement over GPUs and the host,
// roofline speeds, and clear errors for bad input.
#include <QtTest/QtTest>

#include "hw/estimator.h"
#include "hw/fit_matrix.h"

using namespace enclave;
using namespace enclave::hw;

namespace {

EstimateModel Preset(const char* name, const char* quant) {
  auto m = ModelFromPreset(name, quant);
  if (!m.ok()) qFatal("%s", m.status().message().c_str());
  return std::move(m).value();
}

GpuSpec Gpu(const char* name) {
  auto g = GpuCatalog::BuiltIn().Find(name);
  if (!g.ok()) qFatal("%s", g.status().message().c_str());
  return *g;
}

EstimateOptions OnGpu(const char* gpu, int64_t ctx) {
  EstimateOptions o;
  o.ctx = ctx;
  o.gpu = Gpu(gpu);
  o.host_ram_bytes = 512 * kGiB;
  return o;
}

uint64_t BytesOf(const EstimateModel& m, const std::string& name) {
  for (const WeightTensor& t : m.tensors)
    if (t.name == name) return t.bytes;
  return 0;
}

}  // namespace

class TestEstimator : public QObject {
  Q_OBJECT

 private slots:
  void KvCacheGqaFormula() {
    const ModelShape s = FindPreset("deepseek-r1-distill-qwen-7b")->shape;
    // 2 (K and V) x layers x kv_heads x head_dim x ctx x bytes
    QCOMPARE(KvCacheBytes(s, 4096, s.layers, KvType::kF16), uint64_t{2} * 28 * 4 * 128 * 4096 * 2);
    QCOMPARE(KvCacheBytes(s, 4096, s.layers, KvType::kF32), uint64_t{2} * 28 * 4 * 128 * 4096 * 4);
    QCOMPARE(KvCacheBytes(s, 4096, s.layers, KvType::kQ8_0), uint64_t{2} * 28 * 4 * 128 * 4096 / 32 * 34);
    QCOMPARE(KvCacheBytes(s, 4096, 10, KvType::kF16), uint64_t{2} * 10 * 4 * 128 * 4096 * 2);
  }

  void KvCacheMlaFormula() {
    const ModelShape s = FindPreset("deepseek-r1")->shape;
    // (kv_lora_rank + qk_rope_head_dim) x layers x ctx x bytes
    QCOMPARE(KvCacheBytes(s, 4096, s.layers, KvType::kF16), uint64_t{512 + 64} * 61 * 4096 * 2);
    QCOMPARE(KvCacheBytes(s, 163840, s.layers, KvType::kQ8_0), uint64_t{512 + 64} * 61 * 163840 / 32 * 34);
    const ModelShape lite = FindPreset("deepseek-v2-lite")->shape;
    QCOMPARE(KvCacheBytes(lite, 1000, lite.layers, KvType::kF16), uint64_t{576} * 27 * 1000 * 2);
  }

  // DeepSeek-R1 671B at Q4_K_M: published files (unsloth, bartowski) are 404 GB = 376 GiB.
  void DeepSeekR1Q4KMWeights() {
    const EstimateModel m = Preset("deepseek-r1", "q4_k_m");
    const double gb = static_cast<double>(TotalBytes(m.tensors)) / 1e9;
    qInfo("DeepSeek-R1 q4_k_m: %.1f GB (%.1f GiB)", gb, gb * 1e9 / kGiB);
    QVERIFY2(gb >= 380.0 && gb <= 410.0, qPrintable(QString::number(gb)));
    // Not one average: expert down projections alternate Q6_K / Q4_K by layer.
    QCOMPARE(m.tensors.front().type, DType::Q4_K);  // token_embd
    bool saw_q6 = false, saw_q4 = false;
    for (const WeightTensor& t : m.tensors) {
      if (t.name.find("ffn_down_exps") == std::string::npos) continue;
      saw_q6 |= t.type == DType::Q6_K;
      saw_q4 |= t.type == DType::Q4_K;
    }
    QVERIFY(saw_q6 && saw_q4);
  }

  void EightBitIsAboutOneBytePerWeight() {
    const EstimateModel m = Preset("llama-3.1-8b", "q8_0");
    auto e = EstimateMemory(m, OnGpu("RTX 4090", 4096));
    QVERIFY(e.ok());
    QVERIFY(e->bits_per_weight > 8.4 && e->bits_per_weight < 8.6);  // 34 bytes per 32
    const EstimateModel f16 = Preset("llama-3.1-8b", "f16");
    auto e16 = EstimateMemory(f16, OnGpu("RTX 4090", 4096));
    QVERIFY(e16.ok());
    QVERIFY(e16->bits_per_weight > 15.99 && e16->bits_per_weight < 16.01);
  }

  void BreakdownAddsUp() {
    const EstimateModel m = Preset("deepseek-r1-distill-qwen-7b", "q4_k_m");
    EstimateOptions o = OnGpu("RTX 4090", 8192);
    o.parallel = 2;
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    QCOMPARE(e->per_gpu.size(), size_t{1});
    const MemoryBreakdown& g = e->per_gpu[0];
    QCOMPARE(g.weights_bytes, TotalBytes(m.tensors));  // full offload: everything on the GPU
    QCOMPARE(g.kv_bytes, 2 * KvCacheBytes(m.shape, 8192, m.shape.layers, KvType::kF16));
    QCOMPARE(g.overhead_bytes, o.memory.cuda_overhead_bytes);
    QCOMPARE(g.compute_bytes, ComputeBufferBytes(m, 8192, 2, true, o.memory));
    QCOMPARE(e->host.weights_bytes, uint64_t{0});
    QCOMPARE(e->kv_bytes, g.kv_bytes);
  }

  void ComputeBufferFollowsDocumentedFormula() {
    const EstimateModel m = Preset("deepseek-r1-distill-qwen-1.5b", "f16");
    EngineMemoryModel mem;
    const ModelShape& s = m.shape;
    const uint64_t nb = 512, ctx = 4096;
    const uint64_t q = s.heads * s.head_dim, kv = s.kv_heads * s.head_dim;
    const uint64_t expected = nb * (3 * s.hidden + q + 2 * kv) * 4  // activations
                              + nb * 2 * s.ffn * 4                  // gate, up
                              + nb * s.heads * ctx * 4              // attention scores
                              + nb * s.vocab * 4;                   // logits (f16 weights: no dequant)
    QCOMPARE(ComputeBufferBytes(m, ctx, 1, true, mem), expected);
    mem.flash_attention = true;
    QVERIFY(ComputeBufferBytes(m, ctx, 1, true, mem) < expected);
  }

  void MaxContextIsTheFitBoundary() {
    const EstimateModel m = Preset("deepseek-r1-distill-qwen-7b", "f16");
    const EstimateOptions o = OnGpu("RTX 4090", 4096);
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    const int64_t max_ctx = e->max_ctx;
    QVERIFY2(max_ctx > 1000 && max_ctx < m.shape.max_context, qPrintable(QString::number(max_ctx)));
    EstimateOptions at = o;
    at.ctx = max_ctx;
    QVERIFY(EstimateMemory(m, at)->fits);
    at.ctx = max_ctx + 1;
    auto over = EstimateMemory(m, at);
    QVERIFY(!over->fits);
    QVERIFY2(over->limiting.find("try a context of " + std::to_string(max_ctx)) != std::string::npos,
             over->limiting.c_str());
    // The total at max_ctx is within one token's KV + scratch of the usable VRAM.
    at.ctx = max_ctx;
    const uint64_t total = EstimateMemory(m, at)->max_gpu_bytes();
    QVERIFY(total <= e->gpu_usable_bytes);
    QVERIFY(e->gpu_usable_bytes - total < 4 * kMiB);
  }

  void MaxContextCapsAtModelMaximum() {
    const EstimateModel m = Preset("deepseek-r1-distill-qwen-1.5b", "q4_k_m");
    auto e = EstimateMemory(m, OnGpu("H200", 4096));
    QVERIFY(e.ok());
    QCOMPARE(e->max_ctx, m.shape.extendable_context);
    auto tiny = EstimateMemory(Preset("deepseek-r1", "q4_k_m"), OnGpu("RTX 4090", 4096));
    QVERIFY(!tiny->fits);
    QCOMPARE(tiny->max_ctx, int64_t{0});
    QVERIFY(tiny->limiting.find("smaller quantisation") != std::string::npos);
  }

  void SplitsLayersAcrossGpus() {
    const EstimateModel m = Preset("deepseek-r1", "q4_k_m");
    EstimateOptions o = OnGpu("H200", 16384);
    o.n_gpus = 4;
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    QCOMPARE(e->per_gpu.size(), size_t{4});
    uint64_t weights = 0, kv = 0;
    for (const MemoryBreakdown& b : e->per_gpu) {
      weights += b.weights_bytes;
      kv += b.kv_bytes;
      QVERIFY(b.weights_bytes > 0);
    }
    QCOMPARE(weights, TotalBytes(m.tensors));
    QCOMPARE(kv, e->kv_bytes);
    QVERIFY(e->fits);  // ~377 GiB of weights over 4 x 140 GiB
    o.n_gpus = 2;
    QVERIFY(!EstimateMemory(m, o)->fits);
  }

  void PartialOffloadPutsTheRestOnTheHost() {
    const EstimateModel m = Preset("llama-3.1-70b", "q4_k_m");
    EstimateOptions o = OnGpu("RTX 4090", 4096);
    o.gpu_layers = 40;
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    QVERIFY(e->host.weights_bytes > 0);
    QCOMPARE(e->per_gpu[0].weights_bytes + e->host.weights_bytes, TotalBytes(m.tensors));
    QCOMPARE(e->per_gpu[0].kv_bytes, KvCacheBytes(m.shape, 4096, 40, KvType::kF16));
    QCOMPARE(e->host.kv_bytes, KvCacheBytes(m.shape, 4096, 40, KvType::kF16));
    // Host layers are slower: fewer GPU layers, lower speed.
    o.gpu_layers = 80;
    o.gpu = Gpu("H100 80GB");
    auto full = EstimateMemory(m, o);
    o.gpu_layers = 40;
    auto half = EstimateMemory(m, o);
    QVERIFY(full->decode_tok_s > 2 * half->decode_tok_s);
  }

  void CpuOnlyUsesHostRam() {
    const EstimateModel m = Preset("deepseek-r1-distill-qwen-1.5b", "q4_k_m");
    EstimateOptions o;
    o.ctx = 4096;
    o.host_ram_bytes = 16 * kGiB;
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    QVERIFY(e->per_gpu.empty());
    QCOMPARE(e->host.weights_bytes, TotalBytes(m.tensors));
    QVERIFY(e->fits);
    o.host_ram_bytes = 1 * kGiB;
    QVERIFY(!EstimateMemory(m, o)->fits);
  }

  // Decode on one GPU is memory-bound: tok/s = bandwidth x efficiency / bytes read per token,
  // where bytes = every weight but the embedding table (a row lookup) + the KV cache read.
  void DecodeIsTheBandwidthRoofline() {
    const EstimateModel m = Preset("llama-3.1-8b", "q4_k_m");
    const EstimateOptions o = OnGpu("RTX 4090", 4096);
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    const double bytes = static_cast<double>(TotalBytes(m.tensors) - BytesOf(m, "token_embd.weight")) +
                         static_cast<double>(KvCacheBytes(m.shape, 512, m.shape.layers, KvType::kF16));
    const double expected = 1008e9 * o.memory.decode_bandwidth_efficiency / bytes;
    QVERIFY2(std::abs(e->decode_tok_s - expected) / expected < 1e-9, qPrintable(QString::number(e->decode_tok_s)));
    QVERIFY(e->decode_tok_s_full_ctx < e->decode_tok_s);
    QVERIFY(e->prefill_tok_s > e->decode_tok_s);
  }

  // MoE decode reads only the routed experts a token uses (plus everything shared).
  void MoeDecodeReadsActiveExpertsOnly() {
    const EstimateModel m = Preset("deepseek-r1", "q4_k_m");
    EstimateOptions o = OnGpu("H200", 4096);
    o.n_gpus = 8;
    auto e = EstimateMemory(m, o);
    QVERIFY(e.ok());
    QVERIFY(e->active_params > 35e9 && e->active_params < 40e9);  // "37B activated"
    const double dense_rate = 4800e9 * o.memory.decode_bandwidth_efficiency / static_cast<double>(TotalBytes(m.tensors));
    QVERIFY(e->decode_tok_s > 10 * dense_rate);
  }

  void ContextAboveTrainedMaximum() {
    const EstimateModel m = Preset("qwen2.5-7b", "q4_k_m");
    EstimateOptions o = OnGpu("H200", 65536);
    auto warn = EstimateMemory(m, o);  // YaRN x4 permits up to 131072
    QVERIFY(warn.ok());
    QCOMPARE(warn->warnings.size(), size_t{1});
    QVERIFY(warn->warnings[0].find("32768") != std::string::npos);
    o.ctx = 200000;
    auto err = EstimateMemory(m, o);
    QVERIFY(!err.ok());
    QCOMPARE(err.status().code(), ErrorCode::kInvalidArgument);
    QVERIFY(err.status().message().find("131072") != std::string::npos);
  }

  void RejectsBadNumbers_data() {
    QTest::addColumn<int>("field");
    QTest::addColumn<qlonglong>("value");
    QTest::addColumn<QString>("says");
    QTest::newRow("ctx 0") << 0 << 0LL << "context length";
    QTest::newRow("ctx -5") << 0 << -5LL << "context length";
    QTest::newRow("parallel 0") << 1 << 0LL << "parallel";
    QTest::newRow("gpus 0") << 2 << 0LL << "GPUs";
    QTest::newRow("gpu layers 99") << 3 << 99LL << "GPU layers";
    QTest::newRow("gpu layers -2") << 3 << -2LL << "GPU layers";
    QTest::newRow("batch 0") << 4 << 0LL << "batch";
  }
  void RejectsBadNumbers() {
    QFETCH(int, field);
    QFETCH(qlonglong, value);
    QFETCH(QString, says);
    const EstimateModel m = Preset("llama-3.1-8b", "q4_k_m");
    EstimateOptions o = OnGpu("RTX 4090", 4096);
    switch (field) {
      case 0: o.ctx = value; break;
      case 1: o.parallel = value; break;
      case 2: o.n_gpus = value; break;
      case 3: o.gpu_layers = value; break;
      case 4: o.memory.n_batch = value; break;
    }
    auto e = EstimateMemory(m, o);
    QVERIFY(!e.ok());
    QCOMPARE(e.status().code(), ErrorCode::kInvalidArgument);
    QVERIFY2(e.status().message().find(says.toStdString()) != std::string::npos, e.status().message().c_str());
  }

  void FitMatrixAgreesWithSingleEstimates() {
    const EstimateOptions o = OnGpu("RTX 4090", 8192);
    const std::vector<std::string> presets = {"deepseek-r1-distill-qwen-7b", "llama-3.1-70b", "nope"};
    const std::vector<hw::FileType> quants = {hw::FileType::kF16, hw::FileType::kQ4_K_M};
    const std::vector<FitCell> cells = FitMatrix(o, presets, quants);
    QCOMPARE(cells.size(), size_t{6});
    for (const FitCell& c : cells) {
      if (c.preset == "nope") {
        QVERIFY(c.error.find("unknown model preset") != std::string::npos);
        continue;
      }
      auto e = EstimateMemory(Preset(c.preset.c_str(), std::string(FileTypeName(c.quant)).c_str()), o);
      QVERIFY(e.ok());
      QCOMPARE(c.fits, e->fits);
      QCOMPARE(c.total_bytes, e->max_gpu_bytes());
      QCOMPARE(c.max_ctx, e->max_ctx);
    }
    QVERIFY(cells[1].fits);    // 7B q4_k_m on 24 GiB
    QVERIFY(!cells[2].fits);   // 70B f16
  }

  void RejectsUnknownNames() {
    QCOMPARE(ModelFromPreset("llama-9", "q4_k_m").status().code(), ErrorCode::kNotFound);
    auto q = ModelFromPreset("llama-3.1-8b", "q4_k_x");
    QCOMPARE(q.status().code(), ErrorCode::kInvalidArgument);
    QVERIFY(q.status().message().find("q4_k_m") != std::string::npos);  // lists the known ones
    QVERIFY(!KvTypeFromName("q4").ok());
  }
};

QTEST_APPLESS_MAIN(TestEstimator)
#include "test_estimator.moc"
