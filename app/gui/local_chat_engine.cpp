#include "local_chat_engine.h"

#include <algorithm>
#include <random>
#include <sstream>

#include "backend/backend.h"
#include "tokenizer/tokenizer.h"

namespace enclave::gui {

LocalChatEngine::LocalChatEngine() = default;

LocalChatEngine::~LocalChatEngine() { Unload(); }

std::vector<EngineDevice> LocalChatEngine::Devices() const {
  std::vector<EngineDevice> devices;
  for (const DeviceInfo& d : ListDevices()) devices.push_back({d.id, d.name, d.memory_bytes});
  return devices;
}

Expected<LoadedModelInfo> LocalChatEngine::Load(const std::string& path, const std::string& device,
                                                int64_t context, const std::function<bool(float)>& progress) {
  Unload();
  LoadOptions options;
  options.device = device;
  options.context = context;
  options.progress = progress;
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, LoadModel(path, options));
  SessionOptions session_options;
  session_options.context = context;
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(*model, session_options));

  LoadedModelInfo info;
  const ModelInfo& mi = model->info();
  info.path = path;
  info.name = mi.name;
  info.architecture = mi.architecture;
  info.quantization = mi.quantization;
  info.parameter_count = mi.parameter_count;
  info.device = model->backend().name();
  info.device_name = info.device;
  for (const DeviceInfo& d : ListDevices())
    if (d.id == info.device || (device == d.id)) info.device_name = d.name;
  info.context = session->context();
  info.device_bytes = model->backend().Memory().allocated_by_backend;
  info.has_tokenizer = model->tokenizer() != nullptr;
  if (const Tokenizer* tok = model->tokenizer()) {
    std::string bos = tok->bos_id() ? tok->TokenText(*tok->bos_id()) : "";
    std::string eos = tok->eos_id() ? tok->TokenText(*tok->eos_id()) : "";
    FamilyHints hints;
    hints.chat_template = model->chat_template();
    hints.architecture = mi.architecture;
    hints.model_name = mi.name;
    hints.bos_token = bos;
    hints.eos_token = eos;
    template_ = ResolveChatTemplate(hints);
    info.template_warning = template_->warning;
  }
  model_ = std::move(model);
  session_ = std::move(session);
  active_session_.store(session_.get());
  return info;
}

void LocalChatEngine::Unload() {
  active_session_.store(nullptr);
  session_.reset();
  template_.reset();
  model_.reset();
  prompt_.clear();
}

void LocalChatEngine::RequestCancel() {
  if (Session* s = active_session_.load()) s->RequestCancel();
}

Expected<std::vector<int32_t>> LocalChatEngine::ParseTokenIds(const std::string& text) const {
  std::vector<int32_t> ids;
  std::string cleaned = text;
  std::replace(cleaned.begin(), cleaned.end(), ',', ' ');
  std::istringstream in(cleaned);
  std::string word;
  const int64_t vocab = model_->config().vocab_size;
  while (in >> word) {
    char* end = nullptr;
    const long long id = std::strtoll(word.c_str(), &end, 10);
    if (*end != '\0' || id < 0 || (vocab > 0 && id >= vocab))
      return InvalidArgument("this model has no tokenizer, so a message must be token ids between 0 and " +
                             std::to_string(vocab - 1) + " (e.g. \"1, 17, 200\"); '" + word + "' is not one");
    ids.push_back(static_cast<int32_t>(id));
  }
  if (ids.empty()) return InvalidArgument("this model has no tokenizer: type token ids such as \"1, 17, 200\"");
  return ids;
}

Expected<std::vector<int32_t>> LocalChatEngine::RenderAndTokenize(const std::string& system_prompt,
                                                                  const std::vector<PromptTurn>& turns,
                                                                  bool* opens_reasoning) {
  const Tokenizer& tok = *model_->tokenizer();
  std::vector<ChatMessage> messages;
  if (!system_prompt.empty()) messages.push_back({"system", system_prompt, ""});
  for (const PromptTurn& t : turns) messages.push_back({t.role, t.content, ""});
  TemplateContext context;
  if (tok.bos_id()) context.bos_token = tok.TokenText(*tok.bos_id());
  if (tok.eos_id()) context.eos_token = tok.TokenText(*tok.eos_id());
  ENCLAVE_ASSIGN_OR_RETURN(std::string prompt, template_->chat_template.Render(messages, true, context));
  *opens_reasoning = PromptOpensReasoning(prompt);
  std::vector<int32_t> ids = tok.Encode(prompt, /*add_special=*/false);
  // Templates usually write the BOS token themselves; add it only when the model wants one.
  if (model_->add_bos() && model_->bos_id() >= 0 && (ids.empty() || ids.front() != model_->bos_id()))
    ids.insert(ids.begin(), model_->bos_id());
  return ids;
}

Expected<PreparedPrompt> LocalChatEngine::Prepare(const PromptRequest& request) {
  if (!session_) return InvalidArgument("no model is loaded: open the Models page and load one");
  if (request.turns.empty()) return InvalidArgument("nothing to answer");
  PreparedPrompt prepared;
  prepared.context = session_->context();
  if (!model_->tokenizer()) {
    ENCLAVE_ASSIGN_OR_RETURN(prompt_, ParseTokenIds(request.turns.back().content));
    prepared.prompt_tokens = static_cast<int64_t>(prompt_.size());
    // Without a tokenizer there is no chat template: each message is a prompt on its own.
    if (prepared.prompt_tokens >= prepared.context)
      return InvalidArgument("the message has " + std::to_string(prepared.prompt_tokens) +
                             " tokens and the context holds " + std::to_string(prepared.context));
    return prepared;
  }
  // Keep room for the answer, but never more than a quarter of the context.
  const int64_t reserve = std::min<int64_t>(std::max<int64_t>(request.reserve_tokens, 16), prepared.context / 4);
  size_t first = 0;  // index of the oldest turn kept
  while (true) {
    std::vector<PromptTurn> kept(request.turns.begin() + static_cast<std::ptrdiff_t>(first), request.turns.end());
    ENCLAVE_ASSIGN_OR_RETURN(prompt_, RenderAndTokenize(request.system_prompt, kept, &prepared.opens_reasoning));
    prepared.prompt_tokens = static_cast<int64_t>(prompt_.size());
    if (prepared.prompt_tokens + reserve <= prepared.context) break;
    if (first + 1 >= request.turns.size())
      return InvalidArgument("the message needs " + std::to_string(prepared.prompt_tokens) +
                             " tokens and the context holds " + std::to_string(prepared.context) +
                             " (with room for the answer): shorten it, or load the model with a longer context");
    // Drop the oldest exchange: a user turn and the answer after it.
    first += (first + 1 < request.turns.size() - 1 && request.turns[first + 1].role == "assistant") ? 2 : 1;
  }
  prepared.dropped_turns = static_cast<int>(first);
  return prepared;
}

Expected<GenerationEnd> LocalChatEngine::Generate(const SamplingRequest& sampling,
                                                  const std::function<bool(std::string_view)>& on_token) {
  if (!session_) return InvalidArgument("no model is loaded: open the Models page and load one");
  GenerateOptions options;
  options.max_tokens = std::max<int64_t>(1, std::min<int64_t>(sampling.max_tokens,
                                                              session_->context() - static_cast<int64_t>(prompt_.size())));
  options.sampling.temperature = static_cast<float>(sampling.temperature);
  options.sampling.top_p = static_cast<float>(sampling.top_p);
  options.sampling.top_k = sampling.top_k;
  options.sampling.seed = sampling.seed >= 0 ? static_cast<uint64_t>(sampling.seed) : std::random_device{}();
  const bool token_ids = model_->tokenizer() == nullptr;
  TokenCallback callback = [&](int32_t id, std::string_view text) {
    if (token_ids) {
      const std::string shown = " " + std::to_string(id);
      return on_token(shown);
    }
    return on_token(text);
  };
  ENCLAVE_ASSIGN_OR_RETURN(GenerateResult result, session_->Generate(prompt_, options, callback));
  GenerationEnd end;
  end.generated_tokens = result.stats.generated_tokens;
  end.prefill_tok_s = result.stats.prefill_tok_s();
  end.decode_tok_s = result.stats.decode_tok_s();
  end.stop_reason = std::string(StopReasonName(result.stats.stop_reason));
  end.device_bytes = model_->backend().Memory().allocated_by_backend;
  return end;
}

}  // namespace enclave::gui
