// Model families, their built-in chat templates, and choosing between a file's template and the
// built-in one. The built-ins cover system / user / assistant turns (no tool calls) and render
// those exactly as the families' own templates do.
#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>

#include "chat/chat_template.h"
#include "core/log.h"

namespace enclave {
namespace {

// DeepSeek-R1 and its distills: earlier assistant turns keep only the answer after </think>.
constexpr std::string_view kDeepSeekR1Template = R"JINJA(
{%- set ns = namespace(system='') -%}
{%- for message in messages if message.role == 'system' -%}
  {%- set ns.system = ns.system + ('\n\n' if ns.system else '') + message.content -%}
{%- endfor -%}
{{- bos_token + ns.system -}}
{%- for message in messages -%}
  {%- if message.role == 'user' -%}
    {{- '<｜User｜>' + message.content -}}
  {%- elif message.role == 'assistant' -%}
    {%- set content = message.content -%}
    {%- if '</think>' in content -%}{%- set content = content.split('</think>')[-1] -%}{%- endif -%}
    {{- '<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>' -}}
  {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<｜Assistant｜>' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kDeepSeekV3Template = R"JINJA(
{%- set ns = namespace(system='') -%}
{%- for message in messages if message.role == 'system' -%}
  {%- set ns.system = ns.system + ('\n\n' if ns.system else '') + message.content -%}
{%- endfor -%}
{{- bos_token + ns.system -}}
{%- for message in messages -%}
  {%- if message.role == 'user' -%}
    {{- '<｜User｜>' + message.content -}}
  {%- elif message.role == 'assistant' -%}
    {{- '<｜Assistant｜>' + message.content + '<｜end▁of▁sentence｜>' -}}
  {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<｜Assistant｜>' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kChatMLTemplate = R"JINJA(
{%- if not messages or messages[0].role != 'system' -%}
  {{- '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' -}}
{%- endif -%}
{%- for message in messages -%}
  {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kLlama3Template = R"JINJA(
{{- bos_token -}}
{%- for message in messages -%}
  {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\n\n' + message.content | trim + '<|eot_id|>' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}
)JINJA";

// Gemma has no system turn: system text opens the next user turn.
constexpr std::string_view kGemmaTemplate = R"JINJA(
{{- bos_token -}}
{%- set ns = namespace(prefix='') -%}
{%- for message in messages -%}
  {%- if message.role == 'system' -%}
    {%- set ns.prefix = ns.prefix + message.content + '\n\n' -%}
  {%- else -%}
    {{- '<start_of_turn>' + ('model' if message.role == 'assistant' else message.role) + '\n' -}}
    {{- ns.prefix + message.content | trim + '<end_of_turn>\n' -}}
    {%- set ns.prefix = '' -%}
  {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<start_of_turn>model\n' -}}{%- endif -%}
)JINJA";

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view ModelFamilyName(ModelFamily family) {
  switch (family) {
    case ModelFamily::kDeepSeekR1DistillQwen: return "deepseek-r1";
    case ModelFamily::kDeepSeekV3: return "deepseek-v3";
    case ModelFamily::kQwen2ChatML: return "chatml";
    case ModelFamily::kLlama3: return "llama-3";
    case ModelFamily::kGemma: return "gemma";
    case ModelFamily::kUnknown: return "unknown";
  }
  return "unknown";
}

ModelFamily DetectFamily(const FamilyHints& hints) {
  const std::string_view t = hints.chat_template;
  // 1. The template's own markers are the most reliable.
  if (Contains(t, "<｜Assistant｜>"))
    return Contains(t, "</think>") || Contains(t, "<think>") ? ModelFamily::kDeepSeekR1DistillQwen
                                                             : ModelFamily::kDeepSeekV3;
  if (Contains(t, "<|start_header_id|>")) return ModelFamily::kLlama3;
  if (Contains(t, "<start_of_turn>")) return ModelFamily::kGemma;
  if (Contains(t, "<|im_start|>")) return ModelFamily::kQwen2ChatML;

  // 2. The tokens, name and architecture.
  const std::string name = Lower(hints.model_name);
  const std::string arch = Lower(hints.architecture);
  const bool deepseek_tokens = Contains(hints.bos_token, "<｜begin▁of▁sentence｜>");
  const bool r1_name = Contains(name, "r1") || Contains(name, "distill");
  if (deepseek_tokens || Contains(name, "deepseek")) {
    if (r1_name) return ModelFamily::kDeepSeekR1DistillQwen;
    // Distills are Qwen2 / Llama models with DeepSeek's tokens; DeepSeek's own are deepseek2/v3.
    if (arch == "qwen2" || arch == "llama") return ModelFamily::kDeepSeekR1DistillQwen;
    return ModelFamily::kDeepSeekV3;
  }
  if (Contains(arch, "gemma") || Contains(name, "gemma")) return ModelFamily::kGemma;
  if (Contains(hints.bos_token, "<|begin_of_text|>") || Contains(name, "llama-3") || Contains(name, "llama3") ||
      Contains(name, "llama 3"))
    return ModelFamily::kLlama3;
  if (Contains(arch, "qwen") || Contains(name, "qwen") || Contains(hints.eos_token, "<|im_end|>"))
    return ModelFamily::kQwen2ChatML;
  if (arch == "llama") return ModelFamily::kLlama3;
  return ModelFamily::kUnknown;
}

std::string_view BuiltinTemplateSource(ModelFamily family) {
  switch (family) {
    case ModelFamily::kDeepSeekR1DistillQwen: return kDeepSeekR1Template;
    case ModelFamily::kDeepSeekV3: return kDeepSeekV3Template;
    case ModelFamily::kLlama3: return kLlama3Template;
    case ModelFamily::kGemma: return kGemmaTemplate;
    case ModelFamily::kQwen2ChatML:
    case ModelFamily::kUnknown: return kChatMLTemplate;
  }
  return kChatMLTemplate;
}

const ChatTemplate& BuiltinTemplate(ModelFamily family) {
  static const std::array<ChatTemplate, 6> kTemplates = [] {
    auto parse = [](ModelFamily f) {
      Expected<ChatTemplate> t = ChatTemplate::Parse(std::string(BuiltinTemplateSource(f)));
      assert(t.ok() && "built-in chat templates always parse (tests/chat checks it)");
      return std::move(t).value();
    };
    return std::array<ChatTemplate, 6>{
        parse(ModelFamily::kDeepSeekR1DistillQwen), parse(ModelFamily::kDeepSeekV3),
        parse(ModelFamily::kQwen2ChatML),           parse(ModelFamily::kLlama3),
        parse(ModelFamily::kGemma),                 parse(ModelFamily::kUnknown)};
  }();
  return kTemplates[static_cast<size_t>(family)];
}

namespace {

// Renders conversations a chat UI sends. A template may refuse some (raise_exception: "System role
// not supported", "roles must alternate"); that is the template working. Only a construct this
// interpreter lacks, or an error in the template itself, disqualifies it.
Status ProbeTemplate(const ChatTemplate& t, const FamilyHints& hints) {
  const std::vector<std::vector<ChatMessage>> probes = {
      {{"system", "You are a helpful assistant.", ""}, {"user", "Hello", ""}, {"assistant", "Hi!", ""},
       {"user", "How are you?", ""}},
      {{"user", "Hello", ""}, {"assistant", "Hi!", ""}, {"user", "How are you?", ""}},
      {{"user", "Hello", ""}},
  };
  TemplateContext context;
  context.bos_token = std::string(hints.bos_token);
  context.eos_token = std::string(hints.eos_token);
  Status last;
  for (const auto& messages : probes) {
    const Expected<std::string> rendered = t.Render(messages, true, context);
    if (rendered.ok()) return Status::Ok();
    last = rendered.status();
    if (last.code() != ErrorCode::kInvalidArgument) return last;
  }
  return Status::Ok();  // it only ever refused the probe conversations
}

}  // namespace

ResolvedTemplate ResolveChatTemplate(const FamilyHints& hints) {
  const ModelFamily family = DetectFamily(hints);
  auto builtin = [&](std::string why) {
    ResolvedTemplate r{BuiltinTemplate(family), family, true, std::string()};
    r.warning = why + "; using the built-in " + std::string(ModelFamilyName(family)) + " chat template";
    LogWarning(r.warning);
    return r;
  };
  if (hints.chat_template.empty()) return builtin("the model has no chat template");
  Expected<ChatTemplate> parsed = ChatTemplate::Parse(std::string(hints.chat_template));
  if (!parsed.ok()) return builtin("the model's " + parsed.status().message());
  if (Status probe = ProbeTemplate(*parsed, hints); !probe.ok())
    return builtin("the model's " + probe.message());
  return ResolvedTemplate{std::move(parsed).value(), family, false, std::string()};
}

}  // namespace enclave
