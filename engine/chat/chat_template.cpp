#include "chat/chat_template.h"

#include <new>

#include "chat/jinja_interpreter.h"
#include "chat/jinja_lexer.h"
#include "chat/jinja_parser.h"

namespace enclave {

struct ChatTemplate::Program {
  std::string source;
  jinja::Body body;
  TemplateLimits limits;
};

namespace {

Status ToStatus(const jinja::TemplateError& e) { return Status(e.code, "chat template " + e.message); }

Expected<std::string> RenderValue(const ChatTemplate::Program& program, jinja::Value messages,
                                  bool add_generation_prompt, const TemplateContext& context) {
  try {
    jinja::Dict variables;
    if (context.extra.is_object()) {
      for (auto it = context.extra.begin(); it != context.extra.end(); ++it)
        variables.Set(it.key(), jinja::Value::FromJson(it.value()));
    } else if (!context.extra.is_null()) {
      return InvalidArgument("chat template variables must be a JSON object");
    }
    for (const auto& [name, value] : variables.entries)
      if (value.depth() > program.limits.max_depth)
        return InvalidArgument("chat template variable '" + name + "' nests deeper than " +
                               std::to_string(program.limits.max_depth) + " levels");
    if (messages.depth() > program.limits.max_depth)
      return InvalidArgument("chat messages nest deeper than " + std::to_string(program.limits.max_depth) + " levels");
    variables.Set("messages", std::move(messages));
    variables.Set("add_generation_prompt", jinja::Value(add_generation_prompt));
    variables.Set("bos_token", jinja::Value(context.bos_token));
    variables.Set("eos_token", jinja::Value(context.eos_token));
    return jinja::Render(program.body, variables, program.limits);
  } catch (const jinja::TemplateError& e) {
    return ToStatus(e);
  } catch (const std::bad_alloc&) {
    return BadInput("chat template: out of memory while rendering");
  }
}

}  // namespace

ChatTemplate::ChatTemplate() : program_(std::make_shared<Program>()) {}

Expected<ChatTemplate> ChatTemplate::Parse(std::string source, TemplateLimits limits) {
  if (source.size() > limits.max_source_bytes)
    return BadInput("chat template is " + std::to_string(source.size()) + " bytes, over the limit of " +
                    std::to_string(limits.max_source_bytes));
  try {
    auto program = std::make_shared<Program>();
    program->body = jinja::ParseTemplate(jinja::Tokenize(source), limits.max_depth);
    program->source = std::move(source);
    program->limits = limits;
    return ChatTemplate(std::move(program));
  } catch (const jinja::TemplateError& e) {
    return ToStatus(e);
  } catch (const std::bad_alloc&) {
    return BadInput("chat template: out of memory while parsing");
  }
}

Expected<std::string> ChatTemplate::Render(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                                           const TemplateContext& context) const {
  jinja::List list;
  list.reserve(messages.size());
  for (const ChatMessage& m : messages) {
    jinja::Dict d;
    d.Set("role", jinja::Value(m.role));
    d.Set("content", jinja::Value(m.content));
    if (!m.reasoning_content.empty()) d.Set("reasoning_content", jinja::Value(m.reasoning_content));
    list.push_back(jinja::Value(std::move(d)));
  }
  return RenderValue(*program_, jinja::Value(std::move(list)), add_generation_prompt, context);
}

Expected<std::string> ChatTemplate::RenderJson(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                               const TemplateContext& context) const {
  if (!messages.is_array()) return InvalidArgument("chat messages must be a JSON array");
  return RenderValue(*program_, jinja::Value::FromJson(messages), add_generation_prompt, context);
}

const std::string& ChatTemplate::source() const { return program_->source; }

bool PromptOpensReasoning(std::string_view prompt) {
  while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == ' ' || prompt.back() == '\r' ||
                             prompt.back() == '\t'))
    prompt.remove_suffix(1);
  constexpr std::string_view kOpen = "<think>";
  return prompt.size() >= kOpen.size() && prompt.substr(prompt.size() - kOpen.size()) == kOpen;
}

}  // namespace enclave
