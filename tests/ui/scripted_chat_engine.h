// A ChatEngine that "generates" a fixed script, one chunk per token, at a steady pace. Only for
// UI behaviour a real model cannot be made to produce on demand: an exact reasoning transcript
// (<think> blocks, a missing opening tag, tags quoted in code) and an answer slow enough to be
// stopped mid-stream. Everything else in the UI tests runs on the real engine.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "chat_engine.h"

namespace enclave::testing {

class ScriptedChatEngine : public gui::ChatEngine {
 public:
  struct Script {
    std::vector<std::string> chunks;  // one per token
    bool opens_reasoning = false;     // as if the template ended with "<think>\n"
    int repeat_last = 0;              // emit the last chunk this many more times (long answers)
    std::chrono::milliseconds per_token{2};
  };

  explicit ScriptedChatEngine(Script script) : script_(std::move(script)) {}

  std::vector<gui::EngineDevice> Devices() const override { return {{"cpu", "Test CPU", 8ll << 30}}; }
  Expected<gui::LoadedModelInfo> Load(const std::string& path, const std::string& device, int64_t context,
                                      const std::function<bool(float)>& progress) override {
    for (int i = 1; i <= 4; ++i)
      if (!progress(i / 4.f)) return Cancelled("loading was cancelled");
    gui::LoadedModelInfo info;
    info.path = path;
    info.name = "Scripted test model";
    info.architecture = "script";
    info.device = device;
    info.device_name = "Test CPU";
    info.context = context > 0 ? context : 4096;
    loaded_ = true;
    return info;
  }
  void Unload() override { loaded_ = false; }
  bool loaded() const override { return loaded_; }
  Expected<gui::PreparedPrompt> Prepare(const gui::PromptRequest& request) override {
    gui::PreparedPrompt p;
    p.context = 4096;
    for (const auto& t : request.turns) p.prompt_tokens += static_cast<int64_t>(t.content.size());
    p.opens_reasoning = script_.opens_reasoning;
    return p;
  }
  Expected<gui::GenerationEnd> Generate(const gui::SamplingRequest&,
                                        const std::function<bool(std::string_view)>& on_token) override {
    cancel_.store(false);
    gui::GenerationEnd end;
    end.stop_reason = "eos";
    const size_t total = script_.chunks.size() + static_cast<size_t>(script_.repeat_last);
    for (size_t i = 0; i < total; ++i) {
      const std::string& chunk = script_.chunks[std::min(i, script_.chunks.size() - 1)];
      std::this_thread::sleep_for(script_.per_token);
      ++end.generated_tokens;
      if (!on_token(chunk) || cancel_.load()) {
        end.stop_reason = "cancelled";
        break;
      }
    }
    return end;
  }
  void RequestCancel() override { cancel_.store(true); }

 private:
  Script script_;
  bool loaded_ = false;
  std::atomic<bool> cancel_{false};
};

}  // namespace enclave::testing
