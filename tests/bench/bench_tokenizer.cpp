// Tokenizer speed: bytes of mixed English / Chinese text encoded per second on one thread.
//   build-*/tests/bench/bench_tokenizer [--benchmark_filter=...]
// BPE word cache: "Cold" clears it before every pass (a first read of a document, whose
// repeated words still hit), "Warm" keeps it (a document seen before), "NoCache" disables it
// (every word merged from its bytes: the worst case). Test data: ENCLAVE_TESTDATA (../shared/testdata);
// Gemma / MiniLM come from the model cache (.models) and are skipped when absent.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "formats/gguf.h"
#include "tokenizer/bpe.h"
#include "tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using enclave::Tokenizer;

constexpr const char* kEnglish[] = {
    "Running a large language model on your own workstation changes the economics of experimentation. "
    "Instead of paying per token, you pay once for the hardware, and every prompt after that is free. ",
    "The prefill phase processes the whole prompt in parallel and is limited by compute, while the decode "
    "phase produces one token at a time and is limited by how fast the weights stream from memory. ",
    "A 7B model quantized to Q4_K_M needs about 4.7 GB for its weights, plus the KV cache: at a context of "
    "8192 tokens that is another 448 MB for Qwen2-7B with grouped-query attention. ",
    "Retrieval-augmented generation splits documents into overlapping chunks, embeds each chunk, and at "
    "question time looks up the nearest chunks by cosine similarity and by BM25 before asking the model. ",
    "If the answer cites page 12 of the contract but the quote is on page 14, the index is stale: rebuild "
    "it with `enclave-cli index ~/contracts --db contracts.sqlite` and ask again. ",
    "Error: needs 9.8 GiB of VRAM, 7.1 GiB free; try Q4_K_M or a context of 4096 (exit status 3). ",
};

constexpr const char* kChinese[] = {
    "在本地工作站上运行大语言模型，可以让数据完全留在自己的机器上，不必担心隐私泄露。",
    "预填充阶段并行处理整个提示词，主要受算力限制；解码阶段每次只生成一个词元，主要受显存带宽限制。",
    "一个七十亿参数的模型量化到四比特后，权重大约需要四点七吉字节，另外还要为键值缓存预留空间。",
    "检索增强生成会把文档切分成相互重叠的片段，为每个片段计算向量，并在提问时按相似度找出最相关的内容。",
    "如果回答引用的页码不对，说明索引已经过期，请重新建立索引后再提问。我们在二〇二六年完成了第一版。",
    "深度求索的模型在数学、代码和中文理解方面表现出色，适合在企业内部部署，用于知识库问答和文档分析。",
};

// About 64 KiB of alternating English and Chinese paragraphs (roughly half the bytes each).
const std::string& MixedText() {
  static const std::string text = [] {
    std::string t;
    for (int round = 0; t.size() < 64 * 1024; ++round) {
      for (size_t i = 0; i < std::size(kEnglish); ++i) {
        t += kEnglish[(i + round) % std::size(kEnglish)];
        t += kChinese[(i * 5 + round) % std::size(kChinese)];
        t += (round + i) % 3 == 0 ? "\n\n" : " ";
      }
      t += "Section " + std::to_string(round) + ": batch_size=" + std::to_string(round * 7 % 64) + ".\n";
    }
    return t;
  }();
  return text;
}

fs::path TestData() {
  if (const char* env = std::getenv("ENCLAVE_TESTDATA")) return env;
  return ENCLAVE_TESTDATA_FALLBACK;
}

fs::path ModelCache() {
  if (const char* env = std::getenv("ENCLAVE_MODELS")) return env;
  return fs::path(ENCLAVE_SOURCE_FALLBACK) / ".models";
}

// Tokenizers are loaded once per process, on first use.
Tokenizer* Get(const std::string& which) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> loaded;
  if (auto it = loaded.find(which); it != loaded.end()) return it->second.get();
  enclave::Expected<std::unique_ptr<Tokenizer>> tok = enclave::NotFound("unknown");
  if (which == "qwen") tok = enclave::LoadTokenizerJson((TestData() / "tokenizers/deepseek-r1-distill-qwen/tokenizer.json").string());
  if (which == "v3") tok = enclave::LoadTokenizerJson((TestData() / "tokenizers/deepseek-v3/tokenizer.json").string());
  if (which == "gemma") tok = enclave::LoadTokenizer((ModelCache() / "gemma-3-270m-q4_k_m.gguf").string());
  if (which == "minilm") tok = enclave::LoadTokenizer((ModelCache() / "all-MiniLM-L6-v2").string());
  auto& slot = loaded[which];
  if (tok.ok()) slot = std::move(tok).value();
  return slot.get();
}

enum class Cache { kCold, kWarm, kOff };

void Encode(benchmark::State& state, const std::string& which, Cache cache) {
  Tokenizer* tok = Get(which);
  if (!tok) {
    state.SkipWithError(("tokenizer '" + which + "' not available (test data or model cache missing)").c_str());
    return;
  }
  auto* bpe = dynamic_cast<enclave::ByteLevelBpeTokenizer*>(tok);
  if (bpe) bpe->SetCacheCapacity(cache == Cache::kOff ? 0 : size_t{1} << 16);
  const std::string& text = MixedText();
  size_t tokens = 0;
  for (auto _ : state) {
    if (cache == Cache::kCold && bpe) {
      state.PauseTiming();
      bpe->ClearCache();
      state.ResumeTiming();
    }
    const auto ids = tok->Encode(text, false);
    tokens = ids.size();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["tokens"] = static_cast<double>(tokens);
  state.counters["bytes"] = static_cast<double>(text.size());
  if (bpe) bpe->SetCacheCapacity(size_t{1} << 16);
}

void Decode(benchmark::State& state) {
  Tokenizer* tok = Get("qwen");
  if (!tok) {
    state.SkipWithError("test data missing");
    return;
  }
  const auto ids = tok->Encode(MixedText(), false);
  for (auto _ : state) {
    enclave::StreamingDecoder stream(*tok);
    size_t n = 0;
    for (int32_t id : ids) n += stream.Push(id).size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * MixedText().size()));
}

BENCHMARK_CAPTURE(Encode, QwenCold, std::string("qwen"), Cache::kCold)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, QwenWarm, std::string("qwen"), Cache::kWarm)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, QwenNoCache, std::string("qwen"), Cache::kOff)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, DeepSeekV3Cold, std::string("v3"), Cache::kCold)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, DeepSeekV3Warm, std::string("v3"), Cache::kWarm)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, DeepSeekV3NoCache, std::string("v3"), Cache::kOff)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, GemmaSpm, std::string("gemma"), Cache::kWarm)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Encode, MiniLmWordPiece, std::string("minilm"), Cache::kWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(Decode)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
