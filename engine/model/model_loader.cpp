// Loading a model from a GGUF file or a Hugging Face folder: hyperparameters from metadata,
// then every weight of the architecture's table checked (name, shape, type) and uploaded.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/log.h"
#include "formats/quantize_model.h"
#include "formats/safetensors.h"
#include "model/deepseek2.h"
#include "model/load_conversion.h"
#include "model/model_impl.h"
#include "tokenizer/tokenizer.h"

namespace enclave {
namespace {

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

Status CheckExists(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return NotFound(path + ": no such file or folder (expected a .gguf file or a Hugging Face folder)");
  return Status::Ok();
}

// Where the weights come from: one interface over a GGUF file and an HF checkpoint.
struct WeightSource {
  const GgufFile* gguf = nullptr;
  const HfCheckpoint* hf = nullptr;

  bool Has(const std::string& name) const {
    return gguf ? gguf->FindTensor(name) != nullptr : hf->Find(name) != nullptr;
  }
  // Shape and file type of a tensor that Has() found.
  void Describe(const std::string& name, Shape* ne, int* n_dims, DType* type) const {
    if (gguf) {
      const GgufTensorInfo* t = gguf->FindTensor(name);
      *ne = t->ne;
      *n_dims = t->n_dims;
      *type = t->type;
    } else {
      const HfTensor* t = hf->Find(name);
      *ne = t->ne;
      *n_dims = t->n_dims;
      *type = t->source_type();
    }
  }
};

class Loader {
 public:
  Loader(ModelImpl& impl, Backend& backend, const ModelConfig& config, const LoadOptions& options)
      : impl_(impl), backend_(backend), config_(config), options_(options) {}

  Status LoadWeights(const WeightSource& source) {
    // Checks first (names, shapes, types), so a bad file fails before anything is uploaded.
    int64_t total_elements = 0;
    ENCLAVE_RETURN_IF_ERROR(ForEachWeight(config_, impl_.weights, [&](const WeightSlot& slot) -> Status {
      if (!source.Has(slot.name)) {
        if (slot.spec->optional) return Status::Ok();
        return BadInput("missing tensor " + slot.name);
      }
      Shape ne;
      int n_dims;
      DType type;
      source.Describe(slot.name, &ne, &n_dims, &type);
      if (ne != slot.ne || (n_dims != slot.n_dims && !(n_dims == 2 && ne[1] == 1 && slot.n_dims == 1)))
        return BadInput(slot.name + ": expected shape " + ShapeString(slot.ne, slot.n_dims) + ", file has " +
                        ShapeString(ne, n_dims));
      // A folder's tensors are converted at load where needed; a GGUF must already fit.
      if (source.gguf && !TypeAllowed(slot.spec->kind, type) &&
          !(slot.spec->kind == WeightKind::kMatrix && ConvertibleAtLoad(type))) {
        if (slot.spec->kind == WeightKind::kVector)
          return BadInput(slot.name + ": type " + std::string(Name(type)) + " is not allowed here (expected f32)");
        return Unsupported(slot.name + ": type " + std::string(Name(type)) +
                           " is not supported by this build (supported: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k)");
      }
      total_elements += static_cast<int64_t>(TensorBytes(DType::F32, ne) / 4);
      used_.insert(slot.name);
      return Status::Ok();
    }));

    int64_t done = 0;
    return ForEachWeight(config_, impl_.weights, [&](const WeightSlot& slot) -> Status {
      if (!source.Has(slot.name)) return Status::Ok();
      ENCLAVE_ASSIGN_OR_RETURN(TensorView view, source.gguf ? GgufView(slot) : HfView(slot, *source.hf));
      auto uploaded = backend_.UploadWeight(view);
      if (!uploaded.ok()) return uploaded.status().WithContext(slot.name);
      *slot.tensor = *uploaded;
      slot.tensor->name = slot.spec->layer ? LayerNameStorage(slot.name) : slot.spec->name;
      done += view.elements();
      if (options_.progress && !options_.progress(static_cast<float>(done) / static_cast<float>(std::max<int64_t>(total_elements, 1))))
        return Cancelled("model loading cancelled");
      return Status::Ok();
    });
  }

  const std::set<std::string>& used() const { return used_; }

 private:
  Expected<TensorView> GgufView(const WeightSlot& slot) const {
    const GgufTensorInfo* info = impl_.gguf->FindTensor(slot.name);
    TensorView view = impl_.gguf->View(*info);
    view.ne = slot.ne;  // a {n, 1} 2-D vector is the same bytes as {n}
    view.n_dims = slot.n_dims;
    if (!TypeAllowed(slot.spec->kind, view.type)) {  // an older ggml type: rewrite as Q8_0
      std::vector<uint8_t>& bytes = impl_.converted.emplace_back(TensorBytes(DType::Q8_0, slot.ne));
      ENCLAVE_RETURN_IF_ERROR(ConvertToQ8_0(view.type, view.data, bytes.data(), slot.ne[1] * slot.ne[2], slot.ne[0]));
      view.type = DType::Q8_0;
      view.data = bytes.data();
      view.nbytes = bytes.size();
    }
    return view;
  }

  // The tensor as the converter would write it at F32 / its own float type.
  Expected<TensorView> HfView(const WeightSlot& slot, const HfCheckpoint& hf) {
    const HfTensor* t = hf.Find(slot.name);
    TensorView view;
    view.name = slot.name;
    view.ne = slot.ne;
    view.n_dims = slot.n_dims;
    const TensorView* direct = hf.DirectView(*t);
    if (direct && TypeAllowed(slot.spec->kind, direct->type)) {
      view.type = direct->type;
      view.data = direct->data;
      view.nbytes = direct->nbytes;
      return view;
    }
    std::vector<uint8_t>& bytes = impl_.converted.emplace_back(TensorBytes(DType::F32, slot.ne));
    ENCLAVE_RETURN_IF_ERROR(hf.ReadF32(*t, reinterpret_cast<float*>(bytes.data())));
    view.type = DType::F32;
    view.data = bytes.data();
    view.nbytes = bytes.size();
    return view;
  }

  // Tensor::name must outlive the tensor: keep per-layer names here.
  const char* LayerNameStorage(const std::string& name) { return names_.emplace(name).first->c_str(); }

  ModelImpl& impl_;
  Backend& backend_;
  const ModelConfig& config_;
  const LoadOptions& options_;
  std::set<std::string> used_;
  std::set<std::string> names_;
};

std::string QuantizationName(const std::map<DType, int64_t>& elements_by_type, std::optional<int64_t> file_type) {
  if (file_type) {
    const std::string_view name = FileTypeDisplayName(static_cast<uint32_t>(*file_type));
    if (!name.empty()) return std::string(name);
  }
  DType dominant = DType::F32;
  int64_t most = -1;
  for (const auto& [type, n] : elements_by_type)
    if (n > most) {
      most = n;
      dominant = type;
    }
  std::string name(Name(dominant));
  for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

}  // namespace

// Friend of Model: fills its protected fields.
class ModelLoader {
 public:
  static Expected<std::unique_ptr<Model>> Load(const std::string& path, const LoadOptions& options) {
    ENCLAVE_RETURN_IF_ERROR(CheckExists(path));
    std::unique_ptr<Model> model(new Model());
    model->impl_ = std::make_unique<ModelImpl>();
    ModelImpl& impl = *model->impl_;
    const bool folder = IsDirectory(path);

    MetadataLookup lookup;
    if (folder) {
      auto hf = HfCheckpoint::Open(path);
      if (!hf.ok()) return hf.status();
      impl.hf = std::move(hf).value();
      const HfCheckpoint* ckpt = impl.hf.get();
      lookup = [ckpt](std::string_view key) { return FindMetadata(ckpt->metadata(), key); };
    } else {
      auto gguf = GgufFile::Open(path);
      if (!gguf.ok()) return gguf.status().WithContext(path);
      impl.gguf = std::move(gguf).value();
      const GgufFile* file = impl.gguf.get();
      lookup = [file](std::string_view key) { return file->Find(key); };
    }
    auto config = ReadModelConfig(lookup);
    if (!config.ok()) return config.status().WithContext(path);
    model->config_ = *config;
    ModelConfig& c = model->config_;

    WeightSource source{impl.gguf.get(), impl.hf.get()};
    if (!source.Has("token_embd.weight")) return BadInput(path + ": missing tensor token_embd.weight");
    {
      Shape ne;
      int n_dims;
      DType type;
      source.Describe("token_embd.weight", &ne, &n_dims, &type);
      if (c.vocab_size <= 0) c.vocab_size = ne[1];
    }
    if (folder && impl.hf->config().tie_word_embeddings == false && !source.Has("output.weight"))
      return BadInput(path + ": missing tensor lm_head.weight (config.json says the embeddings are not tied)");
    c.tied_embeddings = !source.Has("output.weight");

    auto backend = CreateBackend({options.device, options.n_threads});
    if (!backend.ok()) return backend.status();
    model->backend_ = std::move(backend).value();

    Loader loader(impl, *model->backend_, c, options);
    if (Status st = loader.LoadWeights(source); !st.ok()) {
      if (st.code() == ErrorCode::kCancelled) return st;
      return st.WithContext(path);
    }
    if (impl.gguf)
      for (const GgufTensorInfo& t : impl.gguf->tensors())
        if (!loader.used().count(t.name)) LogWarning(path + ": tensor " + t.name + " is not used by " + std::string(ArchitectureName(c.arch)));

    ENCLAVE_RETURN_IF_ERROR(UploadRopeTables(*model));
    if (c.arch == Architecture::kDeepseek2)
      if (Status st = PrepareDeepseek2Weights(*model->backend_, c, impl); !st.ok()) return st.WithContext(path);
    LoadVocabulary(*model, path, lookup);

    model->default_context_ = options.context > 0 ? options.context : std::min<int64_t>(c.context_length, 4096);
    model->default_kv_type_ = options.kv_type;
    ENCLAVE_ASSIGN_OR_RETURN(model->info_, InspectModel(path));
    return model;
  }

 private:
  static Status UploadRopeTables(Model& model) {
    const ModelConfig& c = model.config_;
    ModelImpl& impl = *model.impl_;
    std::vector<float> factors;
    if (!impl.weights.rope_freqs.empty()) {  // written by the converter; read back on the host
      factors.resize(static_cast<size_t>(c.n_rot / 2));
      ENCLAVE_RETURN_IF_ERROR(model.backend_->Download(impl.weights.rope_freqs, factors.data(), factors.size() * 4));
    }
    const float linear = c.rope_scaling.type == RopeScalingType::kLinear ? c.rope_scaling.factor : 1.f;
    auto upload = [&](Tensor& t, const std::vector<float>& values, const char* name) -> Status {
      auto alloc = model.backend_->Alloc(DType::F32, {static_cast<int64_t>(values.size()), 1, 1, 1}, name);
      if (!alloc.ok()) return alloc.status();
      t = *alloc;
      return model.backend_->Upload(t, values.data(), values.size() * sizeof(float));
    };
    ENCLAVE_RETURN_IF_ERROR(upload(impl.inv_freq_global,
                                   RopeInvFreq(c.rope_theta, c.n_rot, linear, factors.empty() ? nullptr : factors.data()),
                                   "inv_freq_global"));
    // Gemma 3 local layers: their own base, no scaling.
    return upload(impl.inv_freq_local, RopeInvFreq(c.rope_theta_local, c.n_rot, 1.f, nullptr), "inv_freq_local");
  }

  static void LoadVocabulary(Model& model, const std::string& path, const MetadataLookup& lookup) {
    ModelImpl& impl = *model.impl_;
    Expected<std::unique_ptr<Tokenizer>> tokenizer = Unsupported("");
    bool has_vocabulary = false;
    if (impl.gguf) {
      has_vocabulary = impl.gguf->Find("tokenizer.ggml.model") != nullptr;
      if (has_vocabulary) tokenizer = LoadTokenizerFromGguf(*impl.gguf);
    } else {
      std::error_code ec;
      has_vocabulary = std::filesystem::exists(std::filesystem::path(path) / "tokenizer.json", ec) ||
                       std::filesystem::exists(std::filesystem::path(path) / "vocab.txt", ec);
      if (has_vocabulary) tokenizer = LoadTokenizerFromHfFolder(path);
    }
    if (has_vocabulary && tokenizer.ok()) {
      model.tokenizer_ = std::shared_ptr<Tokenizer>(std::move(tokenizer).value());
    } else if (has_vocabulary) {
      model.tokenizer_error_ = tokenizer.status().message();
      LogWarning(path + ": the vocabulary could not be loaded: " + model.tokenizer_error_);
    }

    std::set<int32_t> eog;
    if (const Tokenizer* t = model.tokenizer_.get()) {
      model.chat_template_ = t->chat_template();
      for (int32_t id : t->end_of_generation_ids()) eog.insert(id);
      model.bos_id_ = t->bos_id().value_or(-1);
      model.add_bos_ = t->adds_bos();
    }
    if (model.chat_template_.empty())
      if (const GgufValue* v = lookup("tokenizer.chat_template"))
        if (const std::string* s = v->AsString()) model.chat_template_ = *s;
    if (const GgufValue* v = lookup("tokenizer.ggml.eos_token_id"))
      if (auto id = v->AsInt()) eog.insert(static_cast<int32_t>(*id));
    if (impl.hf)
      for (int64_t id : impl.hf->config().eos_token_ids) eog.insert(static_cast<int32_t>(id));
    for (int32_t id : eog)
      if (id >= 0 && id < model.config_.vocab_size) model.eog_ids_.push_back(id);
  }
};

Expected<std::unique_ptr<Model>> LoadModel(const std::string& path, const LoadOptions& options) {
  return ModelLoader::Load(path, options);
}

Expected<ModelInfo> InspectModel(const std::string& path) {
  ENCLAVE_RETURN_IF_ERROR(CheckExists(path));
  ModelInfo info;
  info.path = path;
  std::map<DType, int64_t> elements_by_type;
  std::optional<int64_t> file_type;
  std::string arch;
  if (IsDirectory(path)) {
    info.format = "hf";
    ENCLAVE_ASSIGN_OR_RETURN(HfConfig hf, ReadHfConfig(path));
    arch = hf.gguf_arch;
    info.name = std::filesystem::path(path).filename().string();
    info.context_length = hf.max_position_embeddings;
    info.n_layers = hf.num_hidden_layers;
    info.d_model = hf.hidden_size;
    info.vocab_size = hf.vocab_size;
    auto weights = SafetensorsModel::Open(path);
    if (!weights.ok()) return weights.status().WithContext(path);
    for (const TensorView& t : (*weights)->tensors()) elements_by_type[t.type] += t.elements();
    for (const auto& shard : (*weights)->shards())
      if (shard->mapped_file()) info.file_bytes += static_cast<int64_t>(shard->mapped_file()->size());
  } else {
    info.format = "gguf";
    auto gguf = GgufFile::Open(path);
    if (!gguf.ok()) return gguf.status().WithContext(path);
    const GgufFile& f = **gguf;
    arch = f.architecture();
    info.name = f.GetString("general.name").value_or(std::filesystem::path(path).stem().string());
    info.context_length = f.GetInt(arch + ".context_length").value_or(0);
    info.n_layers = f.GetInt(arch + ".block_count").value_or(0);
    info.d_model = f.GetInt(arch + ".embedding_length").value_or(0);
    if (const GgufTensorInfo* embd = f.FindTensor("token_embd.weight")) info.vocab_size = embd->ne[1];
    file_type = f.GetInt("general.file_type");
    for (const GgufTensorInfo& t : f.tensors())
      elements_by_type[t.type] += t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3];
    std::error_code ec;
    info.file_bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  }
  info.architecture = arch;
  for (const auto& [type, n] : elements_by_type) info.parameter_count += n;
  info.quantization = QuantizationName(elements_by_type, file_type);
  return info;
}

}  // namespace enclave
