#!/usr/bin/env python3
"""Writes tests/chat/data/gemma3_reference.json: the Gemma 3 chat template and what jinja2 renders
from it for a few conversations,
with the environment Hugging Face transformers uses for chat templates
(ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True), loopcontrols,
raise_exception). Run once:  python3 make_gemma_reference.py PATH/gemma-3-270m-q4_k_m.gguf
(only the metadata at the start of the file is read, so the first download part is enough).

The template is the GGUF's metadata key tokenizer.chat_template. gemma-3-270m-q4_k_m.gguf is the
base (pre-trained) model and carries none, so the template then comes from data/gemma3-it.jinja:
the chat template google/gemma-3-*-it publish in tokenizer_config.json. The JSON records which."""
import json
import struct
import sys
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment


def read_gguf_metadata(path):
    """The GGUF v3 key/value header (spec: ggml docs/gguf.md), strings and scalars only."""
    scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
              10: "<Q", 11: "<q", 12: "<d"}
    with open(path, "rb") as f:
        def take(fmt):
            return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]

        def string():
            return f.read(take("<Q")).decode("utf-8")

        def value(kind):
            if kind == 8:
                return string()
            if kind == 9:
                item_kind, count = take("<I"), take("<Q")
                return [value(item_kind) for _ in range(count)]
            return take(scalar[kind])

        assert f.read(4) == b"GGUF", "not a GGUF file"
        version, _n_tensors, n_kv = take("<I"), take("<Q"), take("<Q")
        assert version == 3, f"GGUF version {version}"
        meta = {}
        for _ in range(n_kv):
            key = string()
            kind = take("<I")
            val = value(kind)
            if key in ("tokenizer.chat_template", "general.architecture", "general.name"):
                meta[key] = val
        return meta


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def main():
    gguf_path = Path(sys.argv[1])
    meta = read_gguf_metadata(gguf_path)
    data_dir = Path(__file__).resolve().parent / "data"
    if "tokenizer.chat_template" in meta:
        source = meta["tokenizer.chat_template"]
        origin = f"{gguf_path.name} metadata tokenizer.chat_template"
    else:
        source = (data_dir / "gemma3-it.jinja").read_text(encoding="utf-8")
        origin = (f"data/gemma3-it.jinja (google/gemma-3-*-it tokenizer_config.json); "
                  f"{gguf_path.name} has no tokenizer.chat_template")
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    template = env.from_string(source)
    conversations = [
        [{"role": "user", "content": "Hello!"}],
        [{"role": "system", "content": "You are a helpful assistant."},
         {"role": "user", "content": "What is 2+2?"}],
        [{"role": "user", "content": "Hi"},
         {"role": "assistant", "content": "Hello! How can I help?  "},
         {"role": "user", "content": "  Tell me a joke.\n"}],
        [{"role": "system", "content": "Be brief."},
         {"role": "user", "content": "多行\n输入"},
         {"role": "assistant", "content": "OK"},
         {"role": "user", "content": "Why?"}],
    ]
    cases = []
    for messages in conversations:
        for add_generation_prompt in (False, True):
            rendered = template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                       bos_token="<bos>", eos_token="<eos>")
            cases.append({"messages": messages, "add_generation_prompt": add_generation_prompt,
                          "rendered": rendered})
    out = {
        "source": f"jinja2 {jinja2.__version__} as transformers renders chat templates; template from "
                  f"{origin}",
        "gguf_has_chat_template": "tokenizer.chat_template" in meta,
        "architecture": meta.get("general.architecture"),
        "name": meta.get("general.name"),
        "bos_token": "<bos>",
        "eos_token": "<eos>",
        "chat_template": source,
        "cases": cases,
    }
    target = data_dir / "gemma3_reference.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
