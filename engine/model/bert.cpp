#include "model/bert.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "formats/safetensors.h"

namespace enclave {

Expected<BertConfig> LoadBertConfig(const std::string& config_json_path) {
  std::ifstream in(config_json_path);
  if (!in) return NotFound(config_json_path + ": cannot open (a BERT folder needs config.json)");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadInput(config_json_path + ": not valid JSON");

  const std::string model_type = j.value("model_type", "");
  if (model_type != "bert")
    return Unsupported(config_json_path + ": model_type \"" + model_type + "\" is not a BERT encoder");
  const std::string positions = j.value("position_embedding_type", "absolute");
  if (positions != "absolute")
    return Unsupported(config_json_path + ": position_embedding_type \"" + positions + "\" is not supported");
  const std::string act = j.value("hidden_act", "gelu");
  if (act != "gelu")
    return Unsupported(config_json_path + ": hidden_act \"" + act + "\" is not supported (only gelu)");

  BertConfig c;
  c.vocab_size = j.value("vocab_size", 0);
  c.hidden = j.value("hidden_size", 0);
  c.n_layers = j.value("num_hidden_layers", 0);
  c.n_heads = j.value("num_attention_heads", 0);
  c.intermediate = j.value("intermediate_size", 0);
  c.max_positions = j.value("max_position_embeddings", 0);
  c.layer_norm_eps = j.value("layer_norm_eps", 1e-12f);
  if (c.vocab_size <= 0 || c.hidden <= 0 || c.n_layers <= 0 || c.n_heads <= 0 || c.intermediate <= 0 ||
      c.max_positions <= 0 || c.hidden % c.n_heads != 0)
    return BadInput(config_json_path + ": missing or inconsistent BERT sizes");
  return c;
}

Expected<std::unique_ptr<BertEncoder>> BertEncoder::Open(const std::string& folder, Backend& backend) {
  if (!backend.is_host())
    return Unsupported("the BERT encoder runs on the CPU backend only (got " + backend.name() + ")");
  ENCLAVE_ASSIGN_OR_RETURN(BertConfig config, LoadBertConfig(folder + "/config.json"));
  std::unique_ptr<BertEncoder> encoder(new BertEncoder(backend, config));
  ENCLAVE_ASSIGN_OR_RETURN(encoder->weights_file_, SafetensorsModel::Open(folder));
  ENCLAVE_RETURN_IF_ERROR(encoder->LoadWeights().WithContext(folder));
  return encoder;
}

BertEncoder::~BertEncoder() {
  for (Tensor& t : uploaded_) backend_.Free(t);
}

Status BertEncoder::LoadWeights() {
  // Checks each tensor's type and shape (ggml order) before handing it to the backend.
  auto load = [&](const std::string& name, Shape want, Tensor* out) -> Status {
    const TensorView* view = weights_file_->Find(name);
    if (!view) view = weights_file_->Find("bert." + name);
    if (!view) return NotFound("tensor " + name + " is missing");
    if (view->type != DType::F32 && view->type != DType::F16 && view->type != DType::BF16)
      return Unsupported("tensor " + name + ": only F32/F16/BF16 BERT weights are supported");
    if (view->ne != want) return BadInput("tensor " + name + " has an unexpected shape");
    ENCLAVE_ASSIGN_OR_RETURN(*out, backend_.UploadWeight(*view));
    uploaded_.push_back(*out);
    return Status::Ok();
  };
  const int64_t h = config_.hidden, ff = config_.intermediate;
  const TensorView* types = weights_file_->Find("embeddings.token_type_embeddings.weight");
  if (!types) types = weights_file_->Find("bert.embeddings.token_type_embeddings.weight");
  const int64_t n_types = types ? types->ne[1] : 1;

  ENCLAVE_RETURN_IF_ERROR(load("embeddings.word_embeddings.weight", {h, config_.vocab_size, 1, 1}, &word_embeddings_));
  ENCLAVE_RETURN_IF_ERROR(
      load("embeddings.position_embeddings.weight", {h, config_.max_positions, 1, 1}, &position_embeddings_));
  ENCLAVE_RETURN_IF_ERROR(load("embeddings.token_type_embeddings.weight", {h, n_types, 1, 1}, &token_type_embeddings_));
  ENCLAVE_RETURN_IF_ERROR(load("embeddings.LayerNorm.weight", {h, 1, 1, 1}, &embed_norm_w_));
  ENCLAVE_RETURN_IF_ERROR(load("embeddings.LayerNorm.bias", {h, 1, 1, 1}, &embed_norm_b_));

  layers_.resize(config_.n_layers);
  for (int i = 0; i < config_.n_layers; ++i) {
    Layer& l = layers_[i];
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    const Shape square{h, h, 1, 1}, vec{h, 1, 1, 1};
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.query.weight", square, &l.q_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.query.bias", vec, &l.q_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.key.weight", square, &l.k_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.key.bias", vec, &l.k_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.value.weight", square, &l.v_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.self.value.bias", vec, &l.v_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.output.dense.weight", square, &l.o_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.output.dense.bias", vec, &l.o_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.output.LayerNorm.weight", vec, &l.attn_norm_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "attention.output.LayerNorm.bias", vec, &l.attn_norm_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "intermediate.dense.weight", {h, ff, 1, 1}, &l.ffn_up_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "intermediate.dense.bias", {ff, 1, 1, 1}, &l.ffn_up_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "output.dense.weight", {ff, h, 1, 1}, &l.ffn_down_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "output.dense.bias", vec, &l.ffn_down_b));
    ENCLAVE_RETURN_IF_ERROR(load(p + "output.LayerNorm.weight", vec, &l.ffn_norm_w));
    ENCLAVE_RETURN_IF_ERROR(load(p + "output.LayerNorm.bias", vec, &l.ffn_norm_b));
  }
  return Status::Ok();
}

void BertEncoder::SequenceAttention(Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v,
                                    std::span<const std::vector<int32_t>> sequences) const {
  const int hidden = config_.hidden, n_heads = config_.n_heads, head_dim = hidden / n_heads;
  const float scale = 1.f / std::sqrt(static_cast<float>(head_dim));
  const float* qd = static_cast<const float*>(q.data);
  const float* kd = static_cast<const float*>(k.data);
  const float* vd = static_cast<const float*>(v.data);
  float* od = static_cast<float*>(out.data);
  std::vector<float> scores;
  int64_t first = 0;  // row of the sequence's first token
  for (const std::vector<int32_t>& seq : sequences) {
    const int64_t n = static_cast<int64_t>(seq.size());
    scores.resize(n);
    for (int hd = 0; hd < n_heads; ++hd) {
      const int64_t col = static_cast<int64_t>(hd) * head_dim;
      for (int64_t i = 0; i < n; ++i) {
        const float* qi = qd + (first + i) * hidden + col;
        float max_score = -INFINITY;
        for (int64_t j = 0; j < n; ++j) {
          const float* kj = kd + (first + j) * hidden + col;
          float dot = 0.f;
          for (int d = 0; d < head_dim; ++d) dot += qi[d] * kj[d];
          scores[j] = dot * scale;
          max_score = std::max(max_score, scores[j]);
        }
        float sum = 0.f;
        for (int64_t j = 0; j < n; ++j) sum += scores[j] = std::exp(scores[j] - max_score);
        float* oi = od + (first + i) * hidden + col;
        std::fill(oi, oi + head_dim, 0.f);
        for (int64_t j = 0; j < n; ++j) {
          const float w = scores[j] / sum;
          const float* vj = vd + (first + j) * hidden + col;
          for (int d = 0; d < head_dim; ++d) oi[d] += w * vj[d];
        }
      }
    }
    first += n;
  }
}

Expected<std::vector<float>> BertEncoder::Forward(std::span<const std::vector<int32_t>> sequences) {
  std::vector<int32_t> ids, positions;
  for (const std::vector<int32_t>& seq : sequences) {
    if (seq.empty() || static_cast<int>(seq.size()) > config_.max_positions)
      return InvalidArgument("a BERT input must have 1 to " + std::to_string(config_.max_positions) +
                             " tokens (got " + std::to_string(seq.size()) + ")");
    for (size_t i = 0; i < seq.size(); ++i) {
      if (seq[i] < 0 || seq[i] >= config_.vocab_size)
        return InvalidArgument("token id " + std::to_string(seq[i]) + " is outside the vocabulary");
      ids.push_back(seq[i]);
      positions.push_back(static_cast<int32_t>(i));
    }
  }
  if (ids.empty()) return std::vector<float>{};
  const int64_t n = static_cast<int64_t>(ids.size()), h = config_.hidden, ff = config_.intermediate;

  // Per-call activations, freed on every exit path.
  std::vector<Tensor> scratch;
  struct FreeAll {
    Backend& b;
    std::vector<Tensor>& ts;
    ~FreeAll() { for (Tensor& t : ts) b.Free(t); }
  } free_all{backend_, scratch};
  auto alloc = [&](DType type, Shape ne, const char* name) -> Expected<Tensor> {
    ENCLAVE_ASSIGN_OR_RETURN(Tensor t, backend_.Alloc(type, ne, name));
    scratch.push_back(t);
    return t;
  };
  ENCLAVE_ASSIGN_OR_RETURN(Tensor ids_t, alloc(DType::I32, {n, 1, 1, 1}, "bert.ids"));          // [n]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor pos_t, alloc(DType::I32, {n, 1, 1, 1}, "bert.positions"));    // [n]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor type_t, alloc(DType::I32, {n, 1, 1, 1}, "bert.type_ids"));    // [n], zeros
  ENCLAVE_ASSIGN_OR_RETURN(Tensor x, alloc(DType::F32, {h, n, 1, 1}, "bert.x"));                // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor tmp, alloc(DType::F32, {h, n, 1, 1}, "bert.tmp"));            // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor q, alloc(DType::F32, {h, n, 1, 1}, "bert.q"));                // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor k, alloc(DType::F32, {h, n, 1, 1}, "bert.k"));                // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor v, alloc(DType::F32, {h, n, 1, 1}, "bert.v"));                // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor attn, alloc(DType::F32, {h, n, 1, 1}, "bert.attn"));          // [n][h]
  ENCLAVE_ASSIGN_OR_RETURN(Tensor up, alloc(DType::F32, {ff, n, 1, 1}, "bert.ffn_up"));         // [n][ff]
  const std::vector<int32_t> type_ids(ids.size(), 0);
  ENCLAVE_RETURN_IF_ERROR(backend_.Upload(ids_t, ids.data(), ids.size() * sizeof(int32_t)));
  ENCLAVE_RETURN_IF_ERROR(backend_.Upload(pos_t, positions.data(), positions.size() * sizeof(int32_t)));
  ENCLAVE_RETURN_IF_ERROR(backend_.Upload(type_t, type_ids.data(), type_ids.size() * sizeof(int32_t)));

  const float eps = config_.layer_norm_eps;
  backend_.Embed(x, word_embeddings_, ids_t);
  backend_.Embed(tmp, position_embeddings_, pos_t);
  backend_.Add(x, x, tmp);
  backend_.Embed(tmp, token_type_embeddings_, type_t);
  backend_.Add(x, x, tmp);
  backend_.LayerNorm(x, x, embed_norm_w_, embed_norm_b_, eps);

  for (const Layer& l : layers_) {
    backend_.MatMul(q, l.q_w, x, &l.q_b);
    backend_.MatMul(k, l.k_w, x, &l.k_b);
    backend_.MatMul(v, l.v_w, x, &l.v_b);
    ENCLAVE_RETURN_IF_ERROR(backend_.Synchronize());  // attention reads host memory
    SequenceAttention(attn, q, k, v, sequences);
    backend_.MatMul(tmp, l.o_w, attn, &l.o_b);
    backend_.Add(tmp, tmp, x);
    backend_.LayerNorm(x, tmp, l.attn_norm_w, l.attn_norm_b, eps);

    backend_.MatMul(up, l.ffn_up_w, x, &l.ffn_up_b);
    backend_.Gelu(up);
    backend_.MatMul(tmp, l.ffn_down_w, up, &l.ffn_down_b);
    backend_.Add(tmp, tmp, x);
    backend_.LayerNorm(x, tmp, l.ffn_norm_w, l.ffn_norm_b, eps);
  }

  std::vector<float> hidden(static_cast<size_t>(n * h));
  ENCLAVE_RETURN_IF_ERROR(backend_.Download(x, hidden.data(), hidden.size() * sizeof(float)));
  return hidden;
}

Expected<std::vector<std::vector<float>>> BertEncoder::EmbedIds(std::span<const std::vector<int32_t>> sequences) {
  ENCLAVE_ASSIGN_OR_RETURN(std::vector<float> hidden, Forward(sequences));
  const int64_t h = config_.hidden;
  std::vector<std::vector<float>> embeddings;
  embeddings.reserve(sequences.size());
  int64_t first = 0;
  for (const std::vector<int32_t>& seq : sequences) {
    std::vector<double> sum(h, 0.0);
    for (size_t t = 0; t < seq.size(); ++t)
      for (int64_t d = 0; d < h; ++d) sum[d] += hidden[(first + t) * h + d];
    double norm2 = 0.0;
    for (double& s : sum) {
      s /= static_cast<double>(seq.size());
      norm2 += s * s;
    }
    // F.normalize: divide by max(||x||, 1e-12).
    const double inv = 1.0 / std::max(std::sqrt(norm2), 1e-12);
    std::vector<float> e(h);
    for (int64_t d = 0; d < h; ++d) e[d] = static_cast<float>(sum[d] * inv);
    embeddings.push_back(std::move(e));
    first += static_cast<int64_t>(seq.size());
  }
  return embeddings;
}

}  // namespace enclave
