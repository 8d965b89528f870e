// What the desktop application needs from an inference engine, as one interface the worker
// thread drives: load a model, turn a conversation into a prompt that fits the context, and
// stream the answer as text. LocalChatEngine implements it over the in-process engine; tests
// may put a scripted engine behind the same interface for UI behaviour a real model cannot
// produce on demand (e.g. an exact reasoning transcript).
//
// Threading: every method except RequestCancel() and Devices() is called on the worker thread
// only. RequestCancel() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace enclave::gui {

struct EngineDevice {
  std::string id;            // "cpu", "cuda:0"
  std::string name;          // "AMD EPYC 7B13 (16 threads, AVX2)", "NVIDIA H100 80GB HBM3"
  int64_t memory_bytes = 0;  // host RAM or device memory
};

struct LoadedModelInfo {
  std::string path;
  std::string name;
  std::string architecture;
  std::string quantization;
  std::string device;              // where it runs: the device asked for, never another
  std::string device_name;
  int64_t context = 0;             // KV cache positions of the chat session
  int64_t parameter_count = 0;
  int64_t device_bytes = 0;        // memory the backend holds (weights + KV cache + scratch)
  bool has_tokenizer = true;       // false: messages are token ids (test models)
  std::string template_warning;    // set when a built-in chat template replaced the file's
};

struct PromptTurn {
  std::string role;  // "user" or "assistant"
  std::string content;
};

struct PromptRequest {
  std::string system_prompt;
  std::vector<PromptTurn> turns;  // oldest first, ending with the user turn to answer
  int64_t reserve_tokens = 512;   // room kept for the answer when dropping old turns
};

struct PreparedPrompt {
  int64_t prompt_tokens = 0;
  int64_t context = 0;
  int dropped_turns = 0;           // oldest turns left out so that the prompt fits
  bool opens_reasoning = false;    // the prompt ends inside <think>: output starts in reasoning
};

struct SamplingRequest {
  double temperature = 0.6;
  double top_p = 0.95;
  int top_k = 40;
  int64_t max_tokens = 1024;
  int64_t seed = -1;  // -1: a fresh random seed
};

struct GenerationEnd {
  int64_t generated_tokens = 0;
  double prefill_tok_s = 0;
  double decode_tok_s = 0;
  std::string stop_reason;         // "eos", "max_tokens", "cancelled", "context_full", "stop"
  int64_t device_bytes = 0;
};

class ChatEngine {
 public:
  virtual ~ChatEngine() = default;

  // Devices this build can run on right now (CPU first). Any thread.
  virtual std::vector<EngineDevice> Devices() const = 0;

  // Replaces the loaded model. `progress(fraction)` returns false to cancel (kCancelled).
  virtual Expected<LoadedModelInfo> Load(const std::string& path, const std::string& device,
                                         int64_t context, const std::function<bool(float)>& progress) = 0;
  virtual void Unload() = 0;
  virtual bool loaded() const = 0;

  // Renders and tokenizes the conversation, dropping the oldest turns while it does not fit.
  virtual Expected<PreparedPrompt> Prepare(const PromptRequest& request) = 0;
  // Generates after the prepared prompt; `on_token(text)` gets each token's text (possibly
  // empty) and returns false to stop. Stopping is not an error.
  virtual Expected<GenerationEnd> Generate(const SamplingRequest& sampling,
                                           const std::function<bool(std::string_view)>& on_token) = 0;
  virtual void RequestCancel() = 0;
};

}  // namespace enclave::gui
