// Loading: the weight tables, config reading, and bad files (unknown architecture, wrong shape,
// missing tensor, wrong type) failing by name with the right error code.
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <functional>
#include <set>

#include "formats/convert.h"
#include "formats/gguf.h"
#include "formats/hf_config.h"
#include "golden.h"
#include "model/model.h"
#include "model/weights.h"
#include "tokenizer/tokenizer.h"

using namespace enclave;
using namespace enclave::testing;

class TestModelLoading : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  std::string f32_path_;
  std::string Path(const QString& name) { return (tmp_.path() + "/" + name).toStdString(); }

  // Copies the tiny-qwen2 F32 GGUF with `edit` applied to each tensor (name, shape, type) and
  // `metadata` overriding keys.
  std::string WriteEdited(const QString& name,
                          const std::function<bool(std::string&, Shape&, DType&)>& edit,
                          const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
    auto in = GgufFile::Open(f32_path_);
    if (!in.ok()) qFatal("%s", in.status().message().c_str());
    GgufWriter w;
    for (const auto& [key, value] : (*in)->metadata()) {
      bool replaced = false;
      for (const auto& [k, v] : metadata)
        if (k == key) {
          w.SetString(k, v);
          replaced = true;
        }
      if (!replaced) w.SetValue(key, value);
    }
    storage_.emplace_back();
    for (const GgufTensorInfo& t : (*in)->tensors()) {
      std::string tname = t.name;
      Shape ne = t.ne;
      DType type = t.type;
      if (!edit(tname, ne, type)) continue;  // dropped
      std::vector<uint8_t>& bytes = storage_.back().emplace_back(TensorBytes(type, ne), 0);
      const TensorView view = (*in)->View(t);
      std::memcpy(bytes.data(), view.data, std::min(bytes.size(), view.nbytes));
      w.AddTensor(tname, type, ne, t.n_dims, bytes.data());
    }
    const std::string out = Path(name);
    const Status st = w.Write(out);
    if (!st.ok()) qFatal("%s", st.message().c_str());
    return out;
  }
  std::vector<std::vector<std::vector<uint8_t>>> storage_;

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    f32_path_ = Path("tiny-qwen2.gguf");
    QVERIFY(ConvertHfToGguf(TinyModelDir("tiny-qwen2").string(), f32_path_, {.type = "f32"}).ok());
  }

  void weightTableEnumeratesEveryTensor() {
    auto model = LoadModel(f32_path_);
    QVERIFY(model.ok());
    const ModelConfig& c = (*model)->config();
    // qwen2: 3 global (token_embd, output_norm, output) + 12 per layer.
    const std::vector<Model::NamedWeight> weights = (*model)->Weights();
    QCOMPARE(weights.size(), size_t(3 + 12 * c.n_layers));
    auto file = GgufFile::Open(f32_path_);
    QCOMPARE((*file)->tensors().size(), weights.size());
    for (const Model::NamedWeight& w : weights) {
      const GgufTensorInfo* t = (*file)->FindTensor(w.name);
      QVERIFY2(t, w.name.c_str());
      QCOMPARE(w.tensor.ne, t->ne);
    }
    // Every architecture's table names distinct tensors.
    for (Architecture a : {Architecture::kQwen2, Architecture::kLlama, Architecture::kGemma3}) {
      std::set<std::string> names;
      for (const WeightSpec& s : WeightTable(a)) QVERIFY2(names.insert(s.name).second, s.name);
    }
  }

  void configFromHfAndGgufAgree() {
    auto hf = LoadModel(TinyModelDir("tiny-llama3").string());
    QVERIFY(hf.ok());
    const ModelConfig& c = (*hf)->config();
    QCOMPARE(c.arch, Architecture::kLlama);
    QCOMPARE(c.n_heads, int64_t{4});
    QCOMPARE(c.n_kv_heads, int64_t{1});
    QCOMPARE(c.head_dim, int64_t{16});
    QVERIFY(c.tied_embeddings);
    QCOMPARE(c.rope_theta, 500000.f);
    QCOMPARE((*hf)->info().format, std::string("hf"));
    QCOMPARE((*hf)->info().architecture, std::string("llama"));
  }

  void transformers5AndLegacyRopeSpellings() {
    auto legacy = ParseHfConfig(R"({"model_type":"llama","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
      "num_attention_heads":2,"intermediate_size":16,"rope_theta":500000.0,
      "rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
      "original_max_position_embeddings":8192}})");
    QVERIFY(legacy.ok());
    QCOMPARE(legacy->rope_theta, 500000.0);
    QCOMPARE(legacy->rope_scaling.type, std::string("llama3"));
    QCOMPARE(legacy->rope_scaling.original_max_position, int64_t{8192});
    auto v5 = ReadHfConfig(TinyModelDir("tiny-deepseek-v3").string());
    QVERIFY2(v5.ok(), v5.status().message().c_str());
    QCOMPARE(v5->gguf_arch, std::string("deepseek2"));
    QVERIFY(v5->rope_interleave);
    QCOMPARE(v5->kv_lora_rank, int64_t{32});
    QCOMPARE(v5->qk_rope_head_dim, int64_t{8});
    QCOMPARE(v5->n_routed_experts, int64_t{8});
    QCOMPARE(v5->rope_scaling.type, std::string());
  }

  void unknownArchitectureIsUnsupported() {
    const std::string path = WriteEdited("mamba.gguf", [](std::string&, Shape&, DType&) { return true; },
                                         {{"general.architecture", "mamba"}});
    auto model = LoadModel(path);
    QVERIFY(!model.ok());
    QCOMPARE(model.status().code(), ErrorCode::kUnsupported);
    QVERIFY2(model.status().message().find("'mamba'") != std::string::npos, model.status().message().c_str());
  }

  void wrongShapeNamesTheTensor() {
    const std::string path = WriteEdited("bad-shape.gguf", [](std::string& name, Shape& ne, DType&) {
      if (name == "blk.1.attn_q.weight") ne[1] = 32;
      return true;
    });
    auto model = LoadModel(path);
    QVERIFY(!model.ok());
    QCOMPARE(model.status().code(), ErrorCode::kBadInput);
    QVERIFY2(model.status().message().find("blk.1.attn_q.weight: expected shape [64, 64], file has [64, 32]") !=
                 std::string::npos,
             model.status().message().c_str());
  }

  void missingTensorIsNamed() {
    const std::string path =
        WriteEdited("missing.gguf", [](std::string& name, Shape&, DType&) { return name != "blk.0.ffn_up.weight"; });
    auto model = LoadModel(path);
    QVERIFY(!model.ok());
    QCOMPARE(model.status().code(), ErrorCode::kBadInput);
    QVERIFY2(model.status().message().find("missing tensor blk.0.ffn_up.weight") != std::string::npos,
             model.status().message().c_str());
  }

  void normMustBeF32() {
    const std::string path = WriteEdited("f16-norm.gguf", [](std::string& name, Shape&, DType& type) {
      if (name == "output_norm.weight") type = DType::F16;
      return true;
    });
    auto model = LoadModel(path);
    QVERIFY(!model.ok());
    QVERIFY2(model.status().message().find("output_norm.weight: type f16") != std::string::npos,
             model.status().message().c_str());
  }

  void missingFileIsNotFound() {
    auto model = LoadModel(Path("nope.gguf"));
    QVERIFY(!model.ok());
    QCOMPARE(model.status().code(), ErrorCode::kNotFound);
  }

  void progressCanCancel() {
    LoadOptions options;
    int calls = 0;
    options.progress = [&](float) { return ++calls < 3; };
    auto model = LoadModel(f32_path_, options);
    QVERIFY(!model.ok());
    QCOMPARE(model.status().code(), ErrorCode::kCancelled);
    QCOMPARE(calls, 3);
  }

  // convert writes tokenizer.ggml.* from tokenizer.json; the GGUF's vocabulary then encodes and
  // decodes like the folder's.
  void convertCarriesTheVocabulary() {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(tmp_.path().toStdString()) / "qwen2-with-vocab";
    fs::create_directories(dir);
    for (const char* f : {"config.json", "model.safetensors"})
      fs::copy_file(TinyModelDir("tiny-qwen2") / f, dir / f, fs::copy_options::overwrite_existing);
    const fs::path tok = TestDataDir() / "tokenizers/deepseek-r1-distill-qwen";
    for (const char* f : {"tokenizer.json", "tokenizer_config.json"})
      fs::copy_file(tok / f, dir / f, fs::copy_options::overwrite_existing);
    const std::string out = Path("qwen2-with-vocab.gguf");
    const Status st = ConvertHfToGguf(dir.string(), out, {.type = "f32"});
    QVERIFY2(st.ok(), st.message().c_str());
    auto file = GgufFile::Open(out);
    QVERIFY(file.ok());
    QCOMPARE((*file)->GetString("tokenizer.ggml.model").value_or(""), std::string("gpt2"));
    QCOMPARE((*file)->GetString("tokenizer.ggml.pre").value_or(""), std::string("qwen2"));
    QVERIFY((*file)->GetString("tokenizer.chat_template").has_value());

    auto from_folder = LoadModel(dir.string());
    auto from_gguf = LoadModel(out);
    QVERIFY(from_folder.ok() && from_gguf.ok());
    const Tokenizer* a = (*from_folder)->tokenizer();
    const Tokenizer* b = (*from_gguf)->tokenizer();
    QVERIFY2(a, (*from_folder)->tokenizer_error().c_str());
    QVERIFY2(b, (*from_gguf)->tokenizer_error().c_str());
    for (const char* text : {"Hello world, 123 times!", "<｜User｜>What is 2+2?<｜Assistant｜><think>\n", "naïve café 北京"}) {
      QCOMPARE(b->Encode(text, true), a->Encode(text, true));
      const std::vector<int32_t> ids = a->Encode(text, false);
      QCOMPARE(b->Decode(ids), a->Decode(ids));
    }
    QCOMPARE((*from_gguf)->eog_ids(), (*from_folder)->eog_ids());
    QCOMPARE((*from_gguf)->chat_template(), (*from_folder)->chat_template());
  }

  void inspectReadsHeaderOnly() {
    auto info = InspectModel(f32_path_);
    QVERIFY(info.ok());
    QCOMPARE(info->format, std::string("gguf"));
    QCOMPARE(info->architecture, std::string("qwen2"));
    QCOMPARE(info->quantization, std::string("F32"));
    QCOMPARE(info->n_layers, int64_t{2});
    QCOMPARE(info->vocab_size, int64_t{512});
    QVERIFY(info->parameter_count > 64 * 512);
    QVERIFY(info->file_bytes > info->parameter_count * 4);
  }
};

QTEST_APPLESS_MAIN(TestModelLoading)
#include "test_model_loading.moc"
