// Export of a conversation's visible branch to Markdown (for reading and sharing) and to JSON
// (for tools: every field, reasoning included, UTF-8).
#pragma once

#include <string>
#include <vector>

#include "store/conversation_types.h"

namespace enclave::store {

// Markdown: a title heading, the system prompt, then one section per message. Reasoning is
// quoted under the answer in a <details> block so renderers fold it like the app does.
std::string ExportMarkdown(const Conversation& conversation, const std::vector<Message>& branch);

// JSON: {"title", "created_at", "system_prompt", "sampling": {...}, "messages": [{"role",
// "content", "reasoning", "reasoning_ms", "state", "model", "token_count", "created_at"}]}.
std::string ExportJson(const Conversation& conversation, const std::vector<Message>& branch);

}  // namespace enclave::store
