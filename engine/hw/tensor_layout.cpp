#include "hw/tensor_layout.h"

#include <cstdio>

#include "formats/gguf.h"

namespace enclave::hw {
namespace {

int64_t LayerOf(const std::string& name) {
  int layer = -1;
  if (std::sscanf(name.c_str(), "blk.%d.", &layer) != 1) return -1;
  return layer;
}

class TableBuilder {
 public:
  explicit TableBuilder(std::vector<WeightTensor>* out) : out_(out) {}
  void Add(const std::string& name, Shape ne, int n_dims) {
    WeightTensor t;
    t.name = name;
    t.ne = ne;
    t.n_dims = n_dims;
    t.layer = LayerOf(name);
    t.routed_expert = name.find("_exps.") != std::string::npos;
    out_->push_back(std::move(t));
  }
  void Vec(const std::string& name, int64_t n) { Add(name, {n, 1, 1, 1}, 1); }
  // A projection y = W x with x of length `in` and y of length `out`: ne = {in, out}.
  void Mat(const std::string& name, int64_t in, int64_t out) { Add(name, {in, out, 1, 1}, 2); }
  // Stacked experts: ne = {in, out, experts}.
  void Experts(const std::string& name, int64_t in, int64_t out, int64_t n) { Add(name, {in, out, n, 1}, 3); }

 private:
  std::vector<WeightTensor>* out_;
};

void AddGqaAttention(TableBuilder& b, const std::string& p, const ModelShape& s) {
  const int64_t q_dim = s.heads * s.head_dim;
  const int64_t kv_dim = s.kv_heads * s.head_dim;
  b.Mat(p + "attn_q.weight", s.hidden, q_dim);
  b.Mat(p + "attn_k.weight", s.hidden, kv_dim);
  b.Mat(p + "attn_v.weight", s.hidden, kv_dim);
  if (s.attention_bias) {
    b.Vec(p + "attn_q.bias", q_dim);
    b.Vec(p + "attn_k.bias", kv_dim);
    b.Vec(p + "attn_v.bias", kv_dim);
  }
  b.Mat(p + "attn_output.weight", q_dim, s.hidden);
}

void AddMlaAttention(TableBuilder& b, const std::string& p, const ModelShape& s) {
  const int64_t qk_head = s.qk_nope_head_dim + s.qk_rope_head_dim;
  if (s.q_lora_rank > 0) {
    b.Mat(p + "attn_q_a.weight", s.hidden, s.q_lora_rank);
    b.Vec(p + "attn_q_a_norm.weight", s.q_lora_rank);
    b.Mat(p + "attn_q_b.weight", s.q_lora_rank, s.heads * qk_head);
  } else {
    b.Mat(p + "attn_q.weight", s.hidden, s.heads * qk_head);
  }
  b.Mat(p + "attn_kv_a_mqa.weight", s.hidden, s.kv_lora_rank + s.qk_rope_head_dim);
  b.Vec(p + "attn_kv_a_norm.weight", s.kv_lora_rank);
  b.Mat(p + "attn_kv_b.weight", s.kv_lora_rank, s.heads * (s.qk_nope_head_dim + s.v_head_dim));
  b.Mat(p + "attn_output.weight", s.heads * s.v_head_dim, s.hidden);
}

void AddMlp(TableBuilder& b, const std::string& p, const ModelShape& s, int64_t layer) {
  if (!s.is_moe() || layer < s.first_k_dense_replace) {
    b.Mat(p + "ffn_gate.weight", s.hidden, s.ffn);
    b.Mat(p + "ffn_up.weight", s.hidden, s.ffn);
    b.Mat(p + "ffn_down.weight", s.ffn, s.hidden);
    return;
  }
  const int64_t n = s.n_routed_experts;
  b.Mat(p + "ffn_gate_inp.weight", s.hidden, n);
  if (s.scoring_func == "sigmoid") b.Vec(p + "exp_probs_b.bias", n);  // V3 routing bias
  b.Experts(p + "ffn_gate_exps.weight", s.hidden, s.moe_intermediate, n);
  b.Experts(p + "ffn_up_exps.weight", s.hidden, s.moe_intermediate, n);
  b.Experts(p + "ffn_down_exps.weight", s.moe_intermediate, s.hidden, n);
  if (s.n_shared_experts > 0) {
    const int64_t shared = s.moe_intermediate * s.n_shared_experts;
    b.Mat(p + "ffn_gate_shexp.weight", s.hidden, shared);
    b.Mat(p + "ffn_up_shexp.weight", s.hidden, shared);
    b.Mat(p + "ffn_down_shexp.weight", shared, s.hidden);
  }
}

}  // namespace

std::vector<WeightTensor> EnumerateTensors(const ModelShape& s) {
  std::vector<WeightTensor> table;
  TableBuilder b(&table);
  b.Mat("token_embd.weight", s.hidden, s.vocab);
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    b.Vec(p + "attn_norm.weight", s.hidden);
    if (s.is_mla()) {
      AddMlaAttention(b, p, s);
    } else {
      AddGqaAttention(b, p, s);
    }
    b.Vec(p + "ffn_norm.weight", s.hidden);
    AddMlp(b, p, s, i);
  }
  b.Vec("output_norm.weight", s.hidden);
  if (!s.tie_embeddings) b.Mat("output.weight", s.hidden, s.vocab);
  return table;
}

std::vector<WeightTensor> LayoutFor(const ModelShape& shape, FileType file_type) {
  QuantContext context;
  context.n_layers = shape.layers;
  context.n_heads = shape.heads;
  context.n_kv_heads = shape.kv_heads;
  context.n_experts = shape.n_routed_experts;
  // llama.cpp's LLM_TYPE_70B: an 80-layer llama (with GQA) or qwen2.
  context.is_70b_class = shape.arch != ModelArch::kDeepseek2 && shape.layers == 80 &&
                         shape.kv_heads != shape.heads;
  context.has_output = !shape.tie_embeddings;

  std::vector<WeightTensor> table = EnumerateTensors(shape);
  for (WeightTensor& t : table) {
    t.type = TensorTypeFor(file_type, t.name, t.ne, t.n_dims, context);
    t.bytes = TensorBytes(t.type, t.ne);
  }
  return table;
}

std::vector<WeightTensor> LayoutOf(const GgufFile& file) {
  std::vector<WeightTensor> table;
  table.reserve(file.tensors().size());
  for (const GgufTensorInfo& info : file.tensors()) {
    WeightTensor t;
    t.name = info.name;
    t.type = info.type;
    t.ne = info.ne;
    t.n_dims = info.n_dims;
    t.bytes = info.nbytes;
    t.layer = LayerOf(info.name);
    t.routed_expert = info.name.find("_exps.") != std::string::npos;
    table.push_back(std::move(t));
  }
  return table;
}

uint64_t TotalBytes(const std::vector<WeightTensor>& tensors) {
  uint64_t sum = 0;
  for (const WeightTensor& t : tensors) sum += t.bytes;
  return sum;
}

int64_t TotalParams(const std::vector<WeightTensor>& tensors) {
  int64_t sum = 0;
  for (const WeightTensor& t : tensors) sum += t.elements();
  return sum;
}

}  // namespace enclave::hw
