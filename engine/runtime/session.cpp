#include "runtime/session.h"

#include <algorithm>
#include <chrono>

#include "hw/engine_telemetry.h"
#include "tokenizer/tokenizer.h"

namespace enclave {
namespace {

using Clock = std::chrono::steady_clock;
double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Bytes the KV cache holds for `positions` of its rows (all layers, K and V).
uint64_t KvBytes(const ForwardState& state, int64_t positions) {
  uint64_t bytes = 0;
  for (const Tensor& t : state.k_cache) bytes += t.empty() ? 0 : t.row_bytes() * static_cast<uint64_t>(positions);
  for (const Tensor& t : state.v_cache) bytes += t.empty() ? 0 : t.row_bytes() * static_cast<uint64_t>(positions);
  return bytes;
}

// What this generation is doing, on the Monitor's timeline (engine/hw EngineTelemetry).
void PublishStep(hw::EnginePhase phase, double tok_s, const ForwardState& state, int64_t used, Backend& backend) {
  hw::EngineTelemetry& t = hw::EngineTelemetry::Global();
  t.SetPhase(phase);
  t.SetTokensPerSecond(tok_s);
  t.SetKvCache(used, state.context, KvBytes(state, used));
  if (!backend.is_host()) t.SetVramBytes(static_cast<uint64_t>(backend.Memory().allocated_by_backend));
}

// Text of generated tokens with stop strings: passes on what can no longer become a stop
// string, holds back a tail that might still be one, and cuts the text at the first match.
class StopStringFilter {
 public:
  explicit StopStringFilter(const std::vector<std::string>& stops) : stops_(stops) {}

  // Appends text; returns the part that is now safe to show. Sets stopped() on a match.
  std::string Push(const std::string& piece) {
    text_ += piece;
    size_t cut = std::string::npos;
    for (const std::string& s : stops_) {
      if (s.empty()) continue;
      const size_t from = emitted_ >= s.size() ? emitted_ - s.size() + 1 : 0;
      const size_t at = text_.find(s, from);
      if (at != std::string::npos) cut = std::min(cut, at);
    }
    if (cut != std::string::npos) {
      stopped_ = true;
      text_.resize(std::max(cut, emitted_));
      return Emit(text_.size());
    }
    size_t hold = 0;  // longest tail of text_ that begins some stop string
    for (const std::string& s : stops_)
      for (size_t len = std::min(s.size() - 1, text_.size() - emitted_); len > hold; --len)
        if (text_.compare(text_.size() - len, len, s, 0, len) == 0) {
          hold = len;
          break;
        }
    return Emit(text_.size() - hold);
  }
  std::string Finish() { return Emit(text_.size()); }  // end of generation: release the tail
  bool stopped() const { return stopped_; }
  const std::string& text() const { return text_; }

 private:
  std::string Emit(size_t upto) {
    if (upto <= emitted_) return "";
    std::string out = text_.substr(emitted_, upto - emitted_);
    emitted_ = upto;
    return out;
  }
  const std::vector<std::string>& stops_;
  std::string text_;
  size_t emitted_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::string_view StopReasonName(StopReason r) {
  switch (r) {
    case StopReason::kMaxTokens: return "max_tokens";
    case StopReason::kEndOfText: return "eos";
    case StopReason::kStopString: return "stop";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kContextFull: return "context_full";
  }
  return "unknown";
}

double GenerateStats::prefill_tok_s() const {
  const int64_t n = prompt_tokens - reused_tokens;
  return prefill_seconds > 0 ? static_cast<double>(n) / prefill_seconds : 0.0;
}

double GenerateStats::decode_tok_s() const {
  return decode_seconds > 0 ? static_cast<double>(decode_steps) / decode_seconds : 0.0;
}

Expected<std::unique_ptr<Session>> Session::Create(Model& model, const SessionOptions& options) {
  const int64_t context = options.context > 0 ? options.context : model.default_context();
  auto state = model.NewState(context, options.max_batch, options.kv_type.value_or(model.default_kv_type()),
                              options.logit_rows);
  if (!state.ok()) return state.status();
  return std::unique_ptr<Session>(new Session(model, std::move(state).value()));
}

Session::Session(Model& model, ForwardState state) : model_(model), state_(std::move(state)) {}
Session::~Session() = default;

void Session::Reset() {
  history_.clear();
  last_logits_.clear();
  last_argmax_ = -1;
}

Expected<std::vector<int32_t>> Session::Tokenize(const std::string& text, bool add_special) const {
  const Tokenizer* tokenizer = model_.tokenizer();
  if (!tokenizer) {
    const std::string& why = model_.tokenizer_error();
    return Unsupported(why.empty() ? "this model file has no vocabulary: pass token ids instead of text"
                                   : "the model's vocabulary could not be loaded: " + why);
  }
  return tokenizer->Encode(text, add_special);
}

// One forward call over tokens at the positions after history_.
Status Session::RunBatch(std::span<const int32_t> tokens, bool all_logits) {
  Backend& be = model_.backend();
  const int64_t n = static_cast<int64_t>(tokens.size());
  std::vector<int32_t> positions(tokens.size());
  for (int64_t i = 0; i < n; ++i) positions[static_cast<size_t>(i)] = static_cast<int32_t>(history_.size() + i);
  ENCLAVE_RETURN_IF_ERROR(be.Upload(state_.ids, tokens.data(), tokens.size() * sizeof(int32_t)));
  ENCLAVE_RETURN_IF_ERROR(be.Upload(state_.positions, positions.data(), positions.size() * sizeof(int32_t)));
  ENCLAVE_RETURN_IF_ERROR(model_.Forward(state_, n, all_logits));
  history_.insert(history_.end(), tokens.begin(), tokens.end());
  return Status::Ok();
}

Status Session::Prefill(std::span<const int32_t> tokens, std::vector<float>* all_logits) {
  const size_t vocab = static_cast<size_t>(model_.config().vocab_size);
  Backend& be = model_.backend();
  const size_t chunk = static_cast<size_t>(all_logits ? state_.logit_rows : state_.max_batch);
  for (size_t first = 0; first < tokens.size(); first += chunk) {
    if (cancel_.load()) return Cancelled();
    const size_t n = std::min(tokens.size() - first, chunk);
    ENCLAVE_RETURN_IF_ERROR(RunBatch(tokens.subspan(first, n), all_logits != nullptr));
    if (all_logits) {
      const size_t old = all_logits->size();
      all_logits->resize(old + n * vocab);
      ENCLAVE_RETURN_IF_ERROR(be.Download(state_.logits, all_logits->data() + old, n * vocab * sizeof(float)));
    }
  }
  last_logits_.resize(vocab);
  if (all_logits) {
    std::copy(all_logits->end() - static_cast<std::ptrdiff_t>(vocab), all_logits->end(), last_logits_.begin());
  } else {
    ENCLAVE_RETURN_IF_ERROR(be.Download(state_.logits, last_logits_.data(), vocab * sizeof(float)));
  }
  last_argmax_ = static_cast<int32_t>(std::max_element(last_logits_.begin(), last_logits_.end()) - last_logits_.begin());
  return Status::Ok();
}

Status Session::DecodeOne(int32_t id, bool greedy_only) {
  const int32_t one[1] = {id};
  ENCLAVE_RETURN_IF_ERROR(RunBatch(one, false));
  Backend& be = model_.backend();
  if (greedy_only) {  // only the chosen id crosses from the device
    Tensor logits_row = state_.logits.Rows(0, 1);
    Tensor next = state_.next_id.Reshaped({1, 1, 1, 1});
    be.ArgMax(next, logits_row);
    last_logits_.clear();
    return be.Download(next, &last_argmax_, sizeof(int32_t));
  }
  last_logits_.resize(static_cast<size_t>(model_.config().vocab_size));
  return be.Download(state_.logits, last_logits_.data(), last_logits_.size() * sizeof(float));
}

Expected<std::vector<float>> Session::Evaluate(std::span<const int32_t> tokens, bool all_logits) {
  cancel_.store(false);
  if (tokens.empty()) return InvalidArgument("nothing to evaluate: no tokens");
  if (static_cast<int64_t>(tokens.size()) > state_.context)
    return InvalidArgument("input has " + std::to_string(tokens.size()) + " tokens, the context holds " +
                           std::to_string(state_.context));
  for (int32_t id : tokens)
    if (id < 0 || id >= model_.config().vocab_size)
      return InvalidArgument("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                             std::to_string(model_.config().vocab_size - 1) + ")");
  size_t reuse = 0;
  if (!all_logits) {
    while (reuse < history_.size() && reuse + 1 < tokens.size() && history_[reuse] == tokens[reuse]) ++reuse;
  }
  history_.resize(reuse);
  std::vector<float> logits;
  Status st = Prefill(tokens.subspan(reuse), all_logits ? &logits : nullptr);
  if (!st.ok()) {
    Reset();
    return st;
  }
  if (!all_logits) logits = last_logits_;
  return logits;
}

Expected<GenerateResult> Session::Generate(std::span<const int32_t> prompt, const GenerateOptions& options,
                                           const TokenCallback& on_token) {
  cancel_.store(false);
  const int64_t vocab = model_.config().vocab_size;
  if (prompt.empty()) return InvalidArgument("the prompt is empty");
  if (static_cast<int64_t>(prompt.size()) > state_.context)
    return InvalidArgument("the prompt has " + std::to_string(prompt.size()) + " tokens, the context holds " +
                           std::to_string(state_.context) + ": shorten the prompt or use a larger context (--ctx)");
  for (int32_t id : prompt)
    if (id < 0 || id >= vocab)
      return InvalidArgument("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                             std::to_string(vocab - 1) + ")");
  if (options.max_tokens < 0) return InvalidArgument("max_tokens must not be negative");

  GenerateResult result;
  GenerateStats& stats = result.stats;
  stats.prompt_tokens = static_cast<int64_t>(prompt.size());

  // Reuse the cached prefix; the last prompt token is always run again for fresh logits.
  size_t reuse = 0;
  while (reuse < history_.size() && reuse + 1 < prompt.size() && history_[reuse] == prompt[reuse]) ++reuse;
  history_.resize(reuse);
  stats.reused_tokens = static_cast<int64_t>(reuse);

  Backend& backend = model_.backend();
  PublishStep(hw::EnginePhase::kPrefill, 0.0, state_, static_cast<int64_t>(reuse), backend);
  const auto prefill_start = Clock::now();
  if (Status st = Prefill(prompt.subspan(reuse), nullptr); !st.ok()) {
    PublishStep(hw::EnginePhase::kIdle, 0.0, state_, 0, backend);
    Reset();
    if (st.code() == ErrorCode::kCancelled) {
      stats.stop_reason = StopReason::kCancelled;
      return result;
    }
    return st;
  }
  stats.prefill_seconds = SecondsSince(prefill_start);
  PublishStep(hw::EnginePhase::kDecode, stats.prefill_tok_s(), state_, static_cast<int64_t>(history_.size()), backend);

  Sampler sampler(options.sampling);
  const bool greedy = sampler.greedy();
  const std::vector<int32_t>& eog = model_.eog_ids();
  const Tokenizer* tokenizer = model_.tokenizer();
  std::optional<StreamingDecoder> decoder;
  if (tokenizer) decoder.emplace(*tokenizer, /*skip_special=*/false);
  StopStringFilter stops(options.stop);
  std::vector<int32_t> sequence(history_.begin(), history_.end());  // for the penalties

  stats.stop_reason = StopReason::kMaxTokens;
  const auto decode_start = Clock::now();
  while (static_cast<int64_t>(result.ids.size()) < options.max_tokens) {
    const int32_t id = greedy ? last_argmax_ : sampler.Sample(last_logits_, sequence);
    if (!options.ignore_eos && std::find(eog.begin(), eog.end(), id) != eog.end()) {
      stats.stop_reason = StopReason::kEndOfText;
      break;
    }
    result.ids.push_back(id);
    sequence.push_back(id);
    std::string visible = decoder ? stops.Push(decoder->Push(id)) : std::string();
    if (stops.stopped()) {
      if (on_token) on_token(id, visible);
      stats.stop_reason = StopReason::kStopString;
      break;
    }
    if ((on_token && !on_token(id, visible)) || cancel_.load()) {
      stats.stop_reason = StopReason::kCancelled;
      break;
    }
    if (static_cast<int64_t>(result.ids.size()) >= options.max_tokens) break;
    if (static_cast<int64_t>(history_.size()) >= state_.context) {
      stats.stop_reason = StopReason::kContextFull;
      break;
    }
    if (Status st = DecodeOne(id, greedy); !st.ok()) {
      PublishStep(hw::EnginePhase::kIdle, 0.0, state_, 0, backend);
      Reset();
      return st;
    }
    ++stats.decode_steps;
    PublishStep(hw::EnginePhase::kDecode, stats.decode_steps / SecondsSince(decode_start), state_,
                static_cast<int64_t>(history_.size()), backend);
  }
  PublishStep(hw::EnginePhase::kIdle, 0.0, state_, static_cast<int64_t>(history_.size()), backend);
  stats.decode_seconds = stats.decode_steps > 0 ? SecondsSince(decode_start) : 0.0;
  stats.generated_tokens = static_cast<int64_t>(result.ids.size());
  if (decoder && !stops.stopped()) {
    std::string tail = stops.Push(decoder->Flush());
    tail += stops.Finish();
    if (!tail.empty() && on_token && stats.stop_reason != StopReason::kCancelled) on_token(-1, tail);
  }
  result.text = stops.text();
  return result;
}

}  // namespace enclave
