#include "store/conversation_export.h"

#include <nlohmann/json.hpp>

namespace enclave::store {
namespace {

std::string Heading(MessageRole role) {
  switch (role) {
    case MessageRole::kSystem: return "System";
    case MessageRole::kUser: return "User";
    case MessageRole::kAssistant: return "Assistant";
  }
  return "User";
}

// Prefixes every line with "> " so reasoning reads as a quotation.
std::string Quote(const std::string& text) {
  std::string out = "> ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

}  // namespace

std::string ExportMarkdown(const Conversation& conversation, const std::vector<Message>& branch) {
  std::string md = "# " + conversation.title + "\n\n";
  if (!conversation.settings.system_prompt.empty())
    md += "**System prompt:** " + conversation.settings.system_prompt + "\n\n";
  for (const Message& m : branch) {
    md += "## " + Heading(m.role);
    if (!m.model.empty()) md += " (" + m.model + ")";
    md += "\n\n";
    if (!m.reasoning.empty()) {
      md += "<details><summary>Thinking";
      if (m.reasoning_ms > 0) md += " (" + std::to_string((m.reasoning_ms + 500) / 1000) + " s)";
      md += "</summary>\n\n" + Quote(m.reasoning) + "\n\n</details>\n\n";
    }
    md += m.content + "\n\n";
    if (m.state == MessageState::kStopped) md += "*(stopped)*\n\n";
    if (m.state == MessageState::kInterrupted) md += "*(interrupted)*\n\n";
    if (m.state == MessageState::kFailed) md += "*(failed: " + m.error + ")*\n\n";
  }
  return md;
}

std::string ExportJson(const Conversation& conversation, const std::vector<Message>& branch) {
  const SamplingSettings& s = conversation.settings.sampling;
  nlohmann::json j;
  j["title"] = conversation.title;
  j["created_at"] = conversation.created_at_ms;
  j["system_prompt"] = conversation.settings.system_prompt;
  j["sampling"] = {{"temperature", s.temperature}, {"top_p", s.top_p}, {"top_k", s.top_k},
                   {"max_tokens", s.max_tokens},   {"seed", s.seed}};
  j["messages"] = nlohmann::json::array();
  for (const Message& m : branch) {
    j["messages"].push_back({{"role", RoleName(m.role)},
                             {"content", m.content},
                             {"reasoning", m.reasoning},
                             {"reasoning_ms", m.reasoning_ms},
                             {"state", StateName(m.state)},
                             {"model", m.model},
                             {"token_count", m.token_count},
                             {"created_at", m.created_at_ms}});
  }
  // Invalid UTF-8 (a model cut off mid-character) is replaced rather than failing the export.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace enclave::store
