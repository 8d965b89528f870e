#!/usr/bin/env python3
"""Reference embeddings of all-MiniLM-L6-v2 for tests/runtime/test_embedder.cpp.

Preferred: sentence-transformers (SentenceTransformer(folder).encode(sentences)). Where torch
cannot be installed (no network route to the torch wheels), this script falls back to an
independent float64 numpy implementation of BertModel + mean pooling + L2 normalisation, with
token ids from Hugging Face `tokenizers` (the Rust library sentence-transformers itself uses),
so neither the tokens nor the arithmetic come from Enclave's code.

  pip install tokenizers safetensors numpy   # (+ sentence-transformers when torch is available)
  python3 tests/model/make_minilm_reference.py .models/all-MiniLM-L6-v2 tests/model/data/minilm_reference.json
"""
import json
import math
import sys

import numpy as np

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "A private LLM workstation keeps every document on your own machine.",
    "How do I reset my password?",
    "Embeddings map sentences to vectors so that similar meanings are close together.",
    "Paris is the capital of France.",
    "Short.",
    "今天天气很好，我们去公园散步吧。",
    "机器学习是人工智能的一个分支。",
    "这份报告总结了第三季度的销售情况。",
    "Mixed text: 北京 is a city in China, and 上海 is another.",
]


def reference_sentence_transformers(folder):
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(folder, device="cpu")
    return model.encode(SENTENCES, normalize_embeddings=True).tolist(), "sentence-transformers"


def reference_numpy(folder):
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    config = json.load(open(f"{folder}/config.json"))
    max_len = json.load(open(f"{folder}/sentence_bert_config.json"))["max_seq_length"]
    w = {k.removeprefix("bert."): v.astype(np.float64) for k, v in load_file(f"{folder}/model.safetensors").items()}
    tok = Tokenizer.from_file(f"{folder}/tokenizer.json")
    tok.no_padding()  # tokenizer.json pads to 128; sentence-transformers masks padding out
    tok.enable_truncation(max_len)
    eps = config["layer_norm_eps"]
    n_heads = config["num_attention_heads"]

    def layer_norm(x, p):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + eps) * w[p + ".weight"] + w[p + ".bias"]

    def linear(x, p):
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    erf = np.vectorize(math.erf)
    out = []
    for s in SENTENCES:
        ids = np.array(tok.encode(s).ids)
        n = len(ids)
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = layer_norm(x, "embeddings.LayerNorm")
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            q, k, v = (linear(x, p + f"attention.self.{m}").reshape(n, n_heads, -1).transpose(1, 0, 2)
                       for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1])
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            a = (scores @ v).transpose(1, 0, 2).reshape(n, -1)
            x = layer_norm(linear(a, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = linear(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
            x = layer_norm(linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        e = x.mean(0)
        out.append((e / max(np.linalg.norm(e), 1e-12)).tolist())
    return out, "numpy float64 BertModel + HF tokenizers (sentence-transformers/torch not installable here)"


def main():
    folder, out_path = sys.argv[1], sys.argv[2]
    try:
        vectors, source = reference_sentence_transformers(folder)
    except ImportError:
        vectors, source = reference_numpy(folder)
    json.dump({"model": "sentence-transformers/all-MiniLM-L6-v2", "source": source,
               "cases": [{"text": s, "embedding": [round(x, 7) for x in v]} for s, v in zip(SENTENCES, vectors)]},
              open(out_path, "w", encoding="utf-8"), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
