// BERT-family text encoder (BertModel: all-MiniLM-L6-v2, bge, e5 ...) for sentence embeddings.
// Absolute position embeddings, token_type_ids all zero, post-LayerNorm blocks, GELU (erf form),
// bidirectional attention. A batch is run as its sequences laid end to end ([total_tokens][hidden],
// no padding), so every matrix product covers the whole batch and each token attends only to the
// tokens of its own sequence: padding cannot change a result because there is none.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"
#include "formats/safetensors.h"

namespace enclave {

struct BertConfig {
  int vocab_size = 0;
  int hidden = 0;         // hidden_size
  int n_layers = 0;       // num_hidden_layers
  int n_heads = 0;        // num_attention_heads
  int intermediate = 0;   // intermediate_size
  int max_positions = 0;  // max_position_embeddings
  float layer_norm_eps = 1e-12f;
};

// Reads config.json of a Hugging Face BERT folder (model_type bert, absolute positions, gelu).
Expected<BertConfig> LoadBertConfig(const std::string& config_json_path);

class BertEncoder {
 public:
  // A Hugging Face folder with config.json and model.safetensors (tensor names with or without
  // the "bert." prefix). The backend must outlive the encoder and be a host backend (the CPU
  // backend): attention runs on host memory.
  static Expected<std::unique_ptr<BertEncoder>> Open(const std::string& folder, Backend& backend);
  ~BertEncoder();

  const BertConfig& config() const { return config_; }

  // Last hidden states of each sequence, rows laid end to end: [sum of lengths][hidden].
  // Each sequence must be 1..max_positions ids, each id < vocab_size.
  Expected<std::vector<float>> Forward(std::span<const std::vector<int32_t>> sequences);

  // Mean of each sequence's last hidden states, L2-normalised: [n_sequences][hidden]
  // (sentence-transformers' Pooling(mean) + Normalize).
  Expected<std::vector<std::vector<float>>> EmbedIds(std::span<const std::vector<int32_t>> sequences);

 private:
  struct Layer {
    Tensor q_w, k_w, v_w, o_w;  // {hidden, hidden}
    Tensor q_b, k_b, v_b, o_b;  // {hidden}
    Tensor attn_norm_w, attn_norm_b;  // {hidden}: attention.output.LayerNorm
    Tensor ffn_up_w;            // {hidden, intermediate}
    Tensor ffn_up_b;            // {intermediate}
    Tensor ffn_down_w;          // {intermediate, hidden}
    Tensor ffn_down_b;          // {hidden}
    Tensor ffn_norm_w, ffn_norm_b;  // {hidden}: output.LayerNorm
  };

  BertEncoder(Backend& backend, BertConfig config) : backend_(backend), config_(config) {}
  Status LoadWeights();
  // Bidirectional softmax attention of each sequence over itself, on host memory.
  // q, k, v, out: F32 [total_tokens][hidden].
  void SequenceAttention(Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v,
                         std::span<const std::vector<int32_t>> sequences) const;

  Backend& backend_;
  BertConfig config_;
  std::unique_ptr<SafetensorsModel> weights_file_;  // the CPU backend uses its bytes in place
  std::vector<Tensor> uploaded_;                    // everything UploadWeight returned
  Tensor word_embeddings_;      // {hidden, vocab_size}
  Tensor position_embeddings_;  // {hidden, max_positions}
  Tensor token_type_embeddings_;  // {hidden, type_vocab_size}; row 0 is used
  Tensor embed_norm_w_, embed_norm_b_;  // {hidden}
  std::vector<Layer> layers_;   // [n_layers]
};

}  // namespace enclave
