// ChatEngine over the in-process engine: LoadModel + a runtime Session (which reuses the KV
// cache across turns), the model's chat template, and its tokenizer.
//
// A model without a tokenizer (the random-weight test models) runs in token-id mode: a message
// is a list of token ids ("1, 17, 200") and the answer is shown as the generated ids. This keeps
// such models usable for checking the whole pipeline against golden ids.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "chat/chat_template.h"
#include "chat_engine.h"
#include "model/model.h"
#include "runtime/session.h"

namespace enclave::gui {

class LocalChatEngine : public ChatEngine {
 public:
  LocalChatEngine();
  ~LocalChatEngine() override;

  std::vector<EngineDevice> Devices() const override;
  Expected<LoadedModelInfo> Load(const std::string& path, const std::string& device, int64_t context,
                                 const std::function<bool(float)>& progress) override;
  void Unload() override;
  bool loaded() const override { return session_ != nullptr; }
  Expected<PreparedPrompt> Prepare(const PromptRequest& request) override;
  Expected<GenerationEnd> Generate(const SamplingRequest& sampling,
                                   const std::function<bool(std::string_view)>& on_token) override;
  void RequestCancel() override;

 private:
  Expected<std::vector<int32_t>> RenderAndTokenize(const std::string& system_prompt,
                                                   const std::vector<PromptTurn>& turns, bool* opens_reasoning);
  Expected<std::vector<int32_t>> ParseTokenIds(const std::string& text) const;

  std::unique_ptr<Model> model_;
  std::unique_ptr<Session> session_;  // refers to *model_
  std::optional<ResolvedTemplate> template_;
  std::vector<int32_t> prompt_;       // the prepared prompt
  std::atomic<Session*> active_session_{nullptr};  // for RequestCancel from other threads
};

}  // namespace enclave::gui
