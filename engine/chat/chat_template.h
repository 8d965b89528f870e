// Chat templates: the Jinja template a model file carries (tokenizer_config.json "chat_template"
// or GGUF "tokenizer.chat_template") turns a conversation into the prompt string the model was
// trained on. This is a sandboxed interpreter of the Jinja subset chat templates use, rendering
// as Hugging Face transformers does (trim_blocks=True, lstrip_blocks=True, loop controls,
// raise_exception(), tojson), plus built-in templates for when a file's template is missing or
// uses something this interpreter does not support.
//
// Typical use (runtime): ResolveChatTemplate(hints) once per model, then per turn
//   Render(messages, /*add_generation_prompt=*/true, {bos_text, eos_text})
// The prompt already holds the BOS text when the template prints bos_token: tokenize it with
// special tokens recognised and without adding BOS again (as transformers' apply_chat_template
// does). If PromptOpensReasoning(prompt), start the ReasoningSplitter with starts_in_reasoning.
// Rendering is const and thread-safe; templates cannot reach files or the environment.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace enclave {

struct ChatMessage {
  std::string role;               // "system", "user", "assistant" or "tool"
  std::string content;
  std::string reasoning_content;  // assistant turns; given to templates only when non-empty
};

// Variables a template sees besides `messages` and `add_generation_prompt`.
struct TemplateContext {
  std::string bos_token;
  std::string eos_token;
  // More variables by name, e.g. {"enable_thinking": false} or {"tools": [...]}. Ordered: key
  // order shows in what templates print (tojson of tool definitions).
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

// Bounds that keep a hostile template from exhausting the process (errors name the bound).
struct TemplateLimits {
  size_t max_source_bytes = 1 << 20;
  size_t max_output_bytes = 64u << 20;     // prompts carry whole documents in RAG
  size_t max_loop_iterations = 1'000'000;  // summed over every loop of one render
  size_t max_depth = 200;                  // nesting of blocks, expressions and macro calls
};

class ChatTemplate {
 public:
  ChatTemplate();  // an empty template that renders ""; assign a parsed or built-in one

  // Parses the template. Fails (kUnsupported) naming the construct and the line when the template
  // uses a tag, filter, test or syntax outside the supported subset; kBadInput for syntax errors.
  static Expected<ChatTemplate> Parse(std::string source, TemplateLimits limits = {});

  // Renders the conversation. Errors: the template's own raise_exception() (kInvalidArgument: it
  // refuses this conversation), an unsupported function or method met while rendering
  // (kUnsupported), a type error in the template or an exceeded limit (kBadInput).
  Expected<std::string> Render(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                               const TemplateContext& context) const;
  // Same, with messages as JSON objects (for tool calls and other fields a template may read).
  // A plain nlohmann::json converts implicitly, but its objects have lost their key order.
  Expected<std::string> RenderJson(const nlohmann::ordered_json& messages, bool add_generation_prompt,
                                   const TemplateContext& context) const;

  const std::string& source() const;

  struct Program;  // the parsed template (chat_template.cpp)

 private:
  explicit ChatTemplate(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// Families with a built-in template. DeepSeek-R1's own checkpoints and its Qwen and Llama distills
// share the R1 template (kDeepSeekR1DistillQwen); DeepSeek-V3 / V2.5 use the V3 one.
enum class ModelFamily { kDeepSeekR1DistillQwen, kDeepSeekV3, kQwen2ChatML, kLlama3, kGemma, kUnknown };

std::string_view ModelFamilyName(ModelFamily family);  // "deepseek-r1-distill-qwen", ...

// What is known about a model when choosing its template; any field may be empty. Views: the
// strings must outlive the call.
struct FamilyHints {
  std::string_view chat_template;  // the file's template source
  std::string_view architecture;   // GGUF general.architecture or HF model_type: "qwen2", "llama", "deepseek2", "gemma3"
  std::string_view model_name;     // GGUF general.name or the folder name
  std::string_view bos_token;      // text of the BOS token
  std::string_view eos_token;
};

// Decides the family from the template's markers first, then the BOS token, name and architecture.
ModelFamily DetectFamily(const FamilyHints& hints);

// The built-in template of a family (kUnknown gets ChatML). Always parses.
const ChatTemplate& BuiltinTemplate(ModelFamily family);
std::string_view BuiltinTemplateSource(ModelFamily family);

struct ResolvedTemplate {
  ChatTemplate chat_template;
  ModelFamily family = ModelFamily::kUnknown;
  bool is_builtin = false;  // the file's template was absent or unsupported
  std::string warning;      // why the built-in one is used, for the log and the UI; empty otherwise
};

// Uses the file's template when it parses and renders a probe conversation; otherwise the
// built-in template of the detected family, with a warning saying which construct failed where.
ResolvedTemplate ResolveChatTemplate(const FamilyHints& hints);

// True when a rendered prompt ends inside an opened <think> block (newer DeepSeek-R1 templates end
// the generation prompt with "<think>\n"): the model's output then starts in its reasoning.
bool PromptOpensReasoning(std::string_view prompt);

}  // namespace enclave
