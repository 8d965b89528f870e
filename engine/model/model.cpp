#include "model/model.h"

#include <algorithm>
#include <cmath>

#include "model/deepseek2.h"
#include "model/model_impl.h"

namespace enclave {

// ---- ForwardState -------------------------------------------------------------------------

ForwardState::~ForwardState() { Release(); }

ForwardState::ForwardState(ForwardState&& other) noexcept { *this = std::move(other); }

ForwardState& ForwardState::operator=(ForwardState&& other) noexcept {
  if (this == &other) return *this;
  Release();
  context = other.context;
  max_batch = other.max_batch;
  logit_rows = other.logit_rows;
  ids = other.ids;
  positions = other.positions;
  k_cache = std::move(other.k_cache);
  v_cache = std::move(other.v_cache);
  x = other.x;
  xb = other.xb;
  xb2 = other.xb2;
  q = other.q;
  k = other.k;
  v = other.v;
  att_out = other.att_out;
  hb = other.hb;
  hb2 = other.hb2;
  logits = other.logits;
  next_id = other.next_id;
  extra = std::move(other.extra);
  backend_ = other.backend_;
  other.backend_ = nullptr;
  other.k_cache.clear();
  other.v_cache.clear();
  other.extra.clear();
  return *this;
}

void ForwardState::Release() {
  if (!backend_) return;
  for (Tensor* t : {&ids, &positions, &x, &xb, &xb2, &q, &k, &v, &att_out, &hb, &hb2, &logits, &next_id})
    if (!t->empty()) backend_->Free(*t);
  for (Tensor& t : k_cache)
    if (!t.empty()) backend_->Free(t);
  for (Tensor& t : v_cache)
    if (!t.empty()) backend_->Free(t);
  for (Tensor& t : extra)
    if (!t.empty()) backend_->Free(t);
  extra.clear();
  k_cache.clear();
  v_cache.clear();
  backend_ = nullptr;
}

// ---- Model --------------------------------------------------------------------------------

Model::~Model() {
  if (!impl_ || !backend_) return;
  ModelWeights& w = impl_->weights;
  (void)ForEachWeight(config_, w, [&](const WeightSlot& slot) {
    if (!slot.tensor->empty()) backend_->Free(*slot.tensor);
    return Status::Ok();
  });
  if (!impl_->inv_freq_global.empty()) backend_->Free(impl_->inv_freq_global);
  if (!impl_->inv_freq_local.empty()) backend_->Free(impl_->inv_freq_local);
}

Expected<ForwardState> Model::NewState(int64_t context, int64_t max_batch, DType kv_type, int64_t logit_rows) {
  if (context <= 0) return InvalidArgument("context must be positive");
  if (max_batch <= 0) return InvalidArgument("max_batch must be positive");
  if (kv_type != DType::F32 && kv_type != DType::F16)
    return InvalidArgument("KV cache type must be f32 or f16, not " + std::string(Name(kv_type)));
  max_batch = std::min(max_batch, context);
  logit_rows = std::clamp<int64_t>(logit_rows, 1, max_batch);
  const ModelConfig& c = config_;

  ForwardState s;
  s.backend_ = backend_.get();
  s.context = context;
  s.max_batch = max_batch;
  s.logit_rows = logit_rows;
  auto alloc = [&](Tensor& t, DType type, int64_t width, int64_t rows, const char* name) -> Status {
    auto r = backend_->Alloc(type, {width, rows, 1, 1}, name);
    if (!r.ok()) return r.status();
    t = *r;
    return Status::Ok();
  };
  ENCLAVE_RETURN_IF_ERROR(alloc(s.ids, DType::I32, max_batch, 1, "ids"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.positions, DType::I32, max_batch, 1, "positions"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.next_id, DType::I32, max_batch, 1, "next_id"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.x, DType::F32, c.d_model, max_batch, "x"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.xb, DType::F32, c.d_model, max_batch, "xb"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.xb2, DType::F32, c.d_model, max_batch, "xb2"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.q, DType::F32, c.q_width(), max_batch, "q"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.k, DType::F32, c.kv_width(), max_batch, "k"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.v, DType::F32, c.kv_width(), max_batch, "v"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.att_out, DType::F32, c.q_width(), max_batch, "att_out"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.hb, DType::F32, c.ffn_dim, max_batch, "hb"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.hb2, DType::F32, c.ffn_dim, max_batch, "hb2"));
  ENCLAVE_RETURN_IF_ERROR(alloc(s.logits, DType::F32, c.vocab_size, logit_rows, "logits"));
  if (c.arch == Architecture::kDeepseek2) {  // latent cache + MLA/MoE scratch
    ENCLAVE_RETURN_IF_ERROR(AllocDeepseek2State(c, context, max_batch, kv_type, alloc, s));
    return s;
  }
  s.k_cache.resize(static_cast<size_t>(c.n_layers));
  s.v_cache.resize(static_cast<size_t>(c.n_layers));
  for (int64_t il = 0; il < c.n_layers; ++il) {
    ENCLAVE_RETURN_IF_ERROR(alloc(s.k_cache[static_cast<size_t>(il)], kv_type, c.kv_width(), context, "k_cache"));
    ENCLAVE_RETURN_IF_ERROR(alloc(s.v_cache[static_cast<size_t>(il)], kv_type, c.kv_width(), context, "v_cache"));
  }
  return s;
}

std::vector<Model::NamedWeight> Model::Weights() const {
  std::vector<NamedWeight> out;
  ModelWeights& w = impl_->weights;
  (void)ForEachWeight(config_, w, [&](const WeightSlot& slot) {
    if (!slot.tensor->empty()) out.push_back({slot.name, *slot.tensor});
    return Status::Ok();
  });
  return out;
}

std::vector<float> RopeInvFreq(float theta, int64_t n_rot, float linear_factor, const float* freq_factors) {
  std::vector<float> inv_freq(static_cast<size_t>(n_rot / 2));
  for (int64_t i = 0; i < n_rot / 2; ++i) {
    // float like transformers: 1 / base^(2i/d) computed in float32.
    float f = 1.0f / std::pow(theta, static_cast<float>(2 * i) / static_cast<float>(n_rot));
    f /= linear_factor;
    if (freq_factors) f /= freq_factors[i];
    inv_freq[static_cast<size_t>(i)] = f;
  }
  return inv_freq;
}

}  // namespace enclave
