// Plain records of the application database: conversations and their messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace enclave::store {

// Per-conversation sampling settings, stored as JSON so new fields need no migration.
struct SamplingSettings {
  double temperature = 0.6;  // DeepSeek-R1's recommended 0.5-0.7
  double top_p = 0.95;
  int top_k = 40;            // 0 = off
  int max_tokens = 4096;     // per answer
  int64_t seed = -1;         // -1 = a new random seed per answer
};

struct ConversationSettings {
  std::string system_prompt;
  SamplingSettings sampling;
  bool hide_reasoning = false;
};

struct Conversation {
  int64_t id = 0;
  std::string title;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  ConversationSettings settings;
  std::optional<int64_t> active_leaf_id;  // last message of the branch on screen
};

enum class MessageRole { kSystem, kUser, kAssistant };

// kStreaming is only ever seen on disk while an answer is being written; a message still
// streaming when the database is opened was cut off by a crash and becomes kInterrupted.
enum class MessageState { kComplete, kStreaming, kStopped, kFailed, kInterrupted };

struct Message {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::optional<int64_t> parent_id;  // previous message of the branch (none for the first)
  MessageRole role = MessageRole::kUser;
  std::string content;               // the answer (assistant) or the prompt (user)
  std::string reasoning;             // the model's <think> text, kept apart from the answer
  int64_t reasoning_ms = 0;          // how long the model thought
  MessageState state = MessageState::kComplete;
  std::string model;                 // model that wrote it (assistant)
  int64_t token_count = 0;           // generated tokens (assistant)
  std::string error;                 // why generation failed (state kFailed)
  int64_t created_at_ms = 0;
};

const char* RoleName(MessageRole role);            // "user", ...
std::optional<MessageRole> ParseRole(const std::string& name);
const char* StateName(MessageState state);         // "complete", ...
std::optional<MessageState> ParseState(const std::string& name);

}  // namespace enclave::store
