// A loaded model: hyperparameters, weights on a backend, tokenizer and chat template, and the
// forward pass. Generation state (KV cache, scratch) lives in a ForwardState that a runtime
// Session owns, so one Model can serve several sessions one after another.
//
//   auto model = LoadModel("model.gguf", {.device = "cpu"});        // or an HF folder
//   auto state = (*model)->NewState(/*context=*/4096, /*max_batch=*/512);
//   upload ids/positions into state->ids / state->positions, then
//   (*model)->Forward(*state, n_tokens, /*all_logits=*/false);     // logits in state->logits
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "core/tensor.h"
#include "model/model_config.h"

namespace enclave {

class Tokenizer;   // engine/tokenizer/tokenizer.h
struct ModelImpl; // model_impl.h: weights and what backs them

// What a library table shows about a model file, read without loading weights.
struct ModelInfo {
  std::string path;
  std::string format;            // "gguf" or "hf" (a Hugging Face folder)
  std::string architecture;      // "qwen2", "llama", "gemma3", ...
  std::string name;              // general.name or the folder name
  int64_t parameter_count = 0;   // elements of all weight tensors
  std::string quantization;      // "Q4_K_M", "Q8_0", "F16", "BF16", "F32", "mixed"
  int64_t file_bytes = 0;        // bytes on disk (sum of the weight files of a folder)
  int64_t context_length = 0;    // trained context
  int64_t n_layers = 0;
  int64_t d_model = 0;
  int64_t vocab_size = 0;
};

// Reads only the header / config.json. Works for architectures this build cannot run too.
Expected<ModelInfo> InspectModel(const std::string& path);

struct LoadOptions {
  std::string device = "cpu";   // "cpu", "cuda", "cuda:1" (BackendOptions::device)
  int n_threads = 0;            // CPU threads, 0 = all cores
  int64_t context = 0;          // default context of new sessions: 0 = min(trained, 4096)
  DType kv_type = DType::F32;   // KV cache element type: F32 or F16
  // Called with the fraction of weights loaded (0..1); return false to cancel the load, which
  // then fails with ErrorCode::kCancelled and frees what it had uploaded.
  std::function<bool(float fraction)> progress;
};

// Per-sequence buffers of a forward pass, on the model's backend, freed by the destructor.
// max_batch tokens go through one Forward call; ids and positions are written by the caller.
class ForwardState {
 public:
  ForwardState() = default;
  ~ForwardState();
  ForwardState(ForwardState&& other) noexcept;
  ForwardState& operator=(ForwardState&& other) noexcept;
  ForwardState(const ForwardState&) = delete;
  ForwardState& operator=(const ForwardState&) = delete;

  int64_t context = 0;     // KV cache rows
  int64_t max_batch = 0;   // tokens per Forward call
  int64_t logit_rows = 0;  // rows of `logits`: Forward with all_logits takes at most this many tokens

  Tensor ids;              // I32 [max_batch]: token ids of this step
  Tensor positions;        // I32 [max_batch]: their positions in the sequence
  std::vector<Tensor> k_cache;  // per layer: [context][n_kv_heads * head_dim] (F32/F16)
  std::vector<Tensor> v_cache;  // per layer: [context][n_kv_heads * head_dim] (F32/F16)

  Tensor x;                // [max_batch][d_model]  residual stream
  Tensor xb;               // [max_batch][d_model]  normed input of a block
  Tensor xb2;              // [max_batch][d_model]  block output before the residual add
  Tensor q;                // [max_batch][n_heads * head_dim]
  Tensor k;                // [max_batch][n_kv_heads * head_dim]
  Tensor v;                // [max_batch][n_kv_heads * head_dim]
  Tensor att_out;          // [max_batch][n_heads * head_dim]
  Tensor hb;               // [max_batch][ffn_dim]  gate, then the activated product
  Tensor hb2;              // [max_batch][ffn_dim]  up
  Tensor logits;           // [logit_rows][vocab]: every token's, or only the last one's in row 0
  Tensor next_id;          // I32 [max_batch]: ArgMax of logits rows (greedy on the device)
  std::vector<Tensor> extra;  // architecture-specific scratch, [max_batch] rows (deepseek2.cpp names them)

 private:
  friend class Model;
  Backend* backend_ = nullptr;
  void Release();
};

class Model {
 public:
  virtual ~Model();

  const ModelConfig& config() const { return config_; }
  const ModelInfo& info() const { return info_; }
  Backend& backend() { return *backend_; }
  // Null when the file carries no vocabulary (the tiny test models); then only ids work.
  const Tokenizer* tokenizer() const { return tokenizer_.get(); }
  // Why tokenizer() is null: "" when the file has no vocabulary, else the load error.
  const std::string& tokenizer_error() const { return tokenizer_error_; }
  // The model's own Jinja chat template ("" when the file has none).
  const std::string& chat_template() const { return chat_template_; }
  // End-of-generation ids: EOS, EOT, <end_of_turn>, ... from the tokenizer and the config.
  const std::vector<int32_t>& eog_ids() const { return eog_ids_; }
  int32_t bos_id() const { return bos_id_; }        // -1 when none
  bool add_bos() const { return add_bos_; }         // prepend BOS to a prompt
  int64_t default_context() const { return default_context_; }
  DType default_kv_type() const { return default_kv_type_; }

  // Allocates the KV cache and scratch for `context` positions and batches up to max_batch.
  // Logits are kept for up to logit_rows tokens per call (vocabularies are large: 262k x 4 bytes
  // per row for Gemma), so only calls that need every position's logits should ask for many.
  Expected<ForwardState> NewState(int64_t context, int64_t max_batch, DType kv_type = DType::F32,
                                  int64_t logit_rows = 1);

  // Runs state.ids[0..n_tokens) at state.positions[0..n_tokens) through the model, writing
  // their keys/values into the cache. Logits: every row when all_logits (n_tokens must not
  // exceed state.logit_rows), else only the last token's, in row 0 of state.logits. Asynchronous like the backend: errors are reported by
  // the returned Status or the next Synchronize/Download.
  Status Forward(ForwardState& state, int64_t n_tokens, bool all_logits);

  // Weights in table order (tests, tools).
  struct NamedWeight {
    std::string name;
    Tensor tensor;
  };
  std::vector<NamedWeight> Weights() const;

 protected:
  Model() = default;
  friend class ModelLoader;

  ModelConfig config_;
  ModelInfo info_;
  std::unique_ptr<Backend> backend_;
  std::shared_ptr<Tokenizer> tokenizer_;
  std::string tokenizer_error_;
  std::string chat_template_;
  std::vector<int32_t> eog_ids_;
  int32_t bos_id_ = -1;
  bool add_bos_ = false;
  int64_t default_context_ = 0;
  DType default_kv_type_ = DType::F32;

  std::unique_ptr<ModelImpl> impl_;  // weights, rope tables, the memory that backs them
};

// Loads a .gguf file or a Hugging Face folder (config.json + *.safetensors [+ tokenizer.json]).
// Checks every tensor name, shape and type against the architecture's table and reports the
// first mismatch by name. Unknown architectures fail with ErrorCode::kUnsupported.
Expected<std::unique_ptr<Model>> LoadModel(const std::string& path, const LoadOptions& options = {});

}  // namespace enclave
