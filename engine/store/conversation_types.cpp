#include "store/conversation_types.h"

namespace enclave::store {

const char* RoleName(MessageRole role) {
  switch (role) {
    case MessageRole::kSystem: return "system";
    case MessageRole::kUser: return "user";
    case MessageRole::kAssistant: return "assistant";
  }
  return "user";
}

std::optional<MessageRole> ParseRole(const std::string& name) {
  if (name == "system") return MessageRole::kSystem;
  if (name == "user") return MessageRole::kUser;
  if (name == "assistant") return MessageRole::kAssistant;
  return std::nullopt;
}

const char* StateName(MessageState state) {
  switch (state) {
    case MessageState::kComplete: return "complete";
    case MessageState::kStreaming: return "streaming";
    case MessageState::kStopped: return "stopped";
    case MessageState::kFailed: return "failed";
    case MessageState::kInterrupted: return "interrupted";
  }
  return "complete";
}

std::optional<MessageState> ParseState(const std::string& name) {
  if (name == "complete") return MessageState::kComplete;
  if (name == "streaming") return MessageState::kStreaming;
  if (name == "stopped") return MessageState::kStopped;
  if (name == "failed") return MessageState::kFailed;
  if (name == "interrupted") return MessageState::kInterrupted;
  return std::nullopt;
}

}  // namespace enclave::store
