#!/usr/bin/env python3
"""Writes data/wordpiece_minilm_reference.json: ids and decoded text that Hugging Face
`tokenizers` (Rust) gives for all-MiniLM-L6-v2's tokenizer.json, for test_wordpiece.cpp.

  pip install tokenizers
  installer/fetch_models.sh --with-embeddings
  python3 tests/tokenizer/make_wordpiece_reference.py [.models/all-MiniLM-L6-v2]

The file's truncation (128) and padding are switched off: the engine's tokenizer returns the
whole sequence and leaves truncation to the embedder.
"""
import json
import os
import sys

import tokenizers

TEXTS = [
    "",
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "  Leading and trailing spaces  ",
    "UPPER lower MiXeD CaSe",
    "café naïve résumé Éclair",
    "Ελληνικά και русский текст.",
    "你好，世界！本地部署模型需要多少显存？",
    "日本語のテキストとカタカナ、ひらがな。",
    "한국어 문장도 있습니다.",
    "don't can't won't I'm you're we've it's",
    "GPU: NVIDIA A100 80GB; batch_size=32; max_tokens=4096",
    "https://example.com/a?b=c&d=e#f",
    "$1,299.99 (tax incl.) 3.14159",
    "tabs\tand\nnew\r\nlines",
    "[CLS] already [SEP] special [MASK] tokens [UNK]",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a" * 120,
    "🚀 rocket 😀 emoji ✅ done",
    "\u00a0non-breaking\u00a0space zero\u200bwidth",
    "control\x00null\x07bell",
    "embeddings turn sentences into vectors for semantic search.",
    "ﬁ ligature and ½ fraction",
    "e\u0301 combining acute",
]


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    model_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, ".models", "all-MiniLM-L6-v2")
    tok = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    cases = []
    for text in TEXTS:
        plain = tok.encode(text, add_special_tokens=False).ids
        special = tok.encode(text, add_special_tokens=True).ids
        cases.append({"text": text, "ids": plain, "ids_with_special": special,
                      "decoded": tok.decode(plain, skip_special_tokens=False)})
    out = {"source": "Hugging Face tokenizers %s (Rust) on all-MiniLM-L6-v2 tokenizer.json" % tokenizers.__version__,
           "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "wordpiece_minilm_reference.json")
    with open(path, "w", encoding="utf-8") as f:  # one case per line
        f.write('{"source": %s,\n "cases": [\n' % json.dumps(out["source"]))
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n ]\n}\n")
    print("wrote %s (%d cases)" % (path, len(cases)))


if __name__ == "__main__":
    main()
