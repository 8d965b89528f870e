#!/usr/bin/env python3
"""Writes tests/chat/data/template_reference.json: what jinja2 renders, as transformers runs chat
templates (see make_gemma_reference.py), from real templates with more moving parts:
  data/deepseek-r1-distill-qwen-32b.jinja  the R1 template whose generation prompt opens <think>
  data/deepseek-v3.1.jinja                 thinking on/off through enable_thinking / thinking
  (both as llama.cpp's models/templates keeps them)
  data/llama-3.1.jinja                     Llama 3.1 with tools (as text-generation-inference's
                                           tests quote it)
Conversations include tool calls and tool results. Run once: python3 make_template_reference.py"""
import json
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEEPSEEK_TOKENS = ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>")
LLAMA_TOKENS = ("<|begin_of_text|>", "<|eot_id|>")

DEEPSEEK_CONVERSATIONS = [
    [{"role": "user", "content": "你好"}],
    [{"role": "system", "content": "You are a helpful assistant."},
     {"role": "system", "content": "Answer in English."},
     {"role": "user", "content": "What is 2+2?"}],
    [{"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "<think>\nThe user greets.\n</think>\n\nHello! How can I help?"},
     {"role": "user", "content": "Summarize the document."}],
    [{"role": "system", "content": "You can call tools."},
     {"role": "user", "content": "Weather in Paris?"},
     {"role": "assistant", "content": None, "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
         {"type": "function", "function": {"name": "get_time", "arguments": "{\"tz\": \"CET\"}"}}]},
     {"role": "tool", "content": "{\"temp\": 21}"},
     {"role": "tool", "content": "{\"time\": \"14:00\"}"},
     {"role": "assistant", "content": "It is 21°C at 14:00 in Paris."},
     {"role": "user", "content": "Thanks!"}],
]

LLAMA_CONVERSATIONS = [
    [{"role": "user", "content": "What is the capital of Singapore?"}],
    [{"role": "system", "content": "  Be brief.  "},
     {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "Hello!"},
     {"role": "user", "content": "Weather?"}],
    [{"role": "system", "content": "Use tools."},
     {"role": "user", "content": "Weather in Paris?"},
     {"role": "assistant", "tool_calls": [
         {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "C"}}}]},
     {"role": "tool", "content": {"temp": 21, "sky": "clear"}},
     {"role": "assistant", "content": "21°C and clear."}],
]

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]

TEMPLATES = [
    ("deepseek-r1-distill-qwen-32b.jinja", DEEPSEEK_TOKENS, DEEPSEEK_CONVERSATIONS,
     [{}, {"enable_thinking": True}]),
    ("deepseek-v3.1.jinja", DEEPSEEK_TOKENS, DEEPSEEK_CONVERSATIONS,
     [{}, {"enable_thinking": True}, {"thinking": False}]),
    ("llama-3.1.jinja", LLAMA_TOKENS, LLAMA_CONVERSATIONS,
     [{}, {"tools": TOOLS}, {"tools": TOOLS, "tools_in_user_message": False, "date_string": "1 Jan 2025"},
      {"builtin_tools": ["brave_search", "code_interpreter"]}]),
]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' chat-template tojson
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    data_dir = Path(__file__).resolve().parent / "data"
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    cases = []
    env.filters["tojson"] = tojson
    for name, (bos, eos), conversations, extras in TEMPLATES:
        template = env.from_string((data_dir / name).read_text(encoding="utf-8"))
        for messages in conversations:
            for add_generation_prompt in (False, True):
                for extra in extras:
                    case = {"template": name, "bos_token": bos, "eos_token": eos, "messages": messages,
                            "add_generation_prompt": add_generation_prompt, "extra": extra}
                    try:
                        case["rendered"] = template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                                           bos_token=bos, eos_token=eos, **extra)
                    except jinja2.exceptions.TemplateError as e:
                        case["error"] = str(e)
                    cases.append(case)
    out = {"source": f"jinja2 {jinja2.__version__} as transformers renders chat templates", "cases": cases}
    target = data_dir / "template_reference.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
