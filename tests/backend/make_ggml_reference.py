#!/usr/bin/env python3
"""Writes data/ggml_dequant_reference.json: random quantised blocks and their values as decoded
by the `gguf` Python package (ggml's own reference implementation, from llama.cpp), so that
test_ggml_reference checks our block layouts against ggml independently of our quantiser.

Usage: pip install gguf numpy && python3 make_ggml_reference.py
"""
import importlib.metadata
import json
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

# type -> (block bytes, byte offsets of the f16 scale fields in a block)
LAYOUTS = {
    "q8_0": (T.Q8_0, 34, [0]),
    "q4_0": (T.Q4_0, 18, [0]),
    "q4_k": (T.Q4_K, 144, [0, 2]),
    "q6_k": (T.Q6_K, 210, [208]),
}
N_BLOCKS = 3


def main():
    rng = np.random.default_rng(20261125)
    cases = []
    for name, (qtype, block_bytes, half_offsets) in LAYOUTS.items():
        raw = rng.integers(0, 256, size=N_BLOCKS * block_bytes, dtype=np.uint8)
        for b in range(N_BLOCKS):
            for off in half_offsets:
                h = np.float16(rng.uniform(-0.05, 0.05)).view(np.uint16)
                raw[b * block_bytes + off] = h & 0xFF
                raw[b * block_bytes + off + 1] = h >> 8
        values = quants.dequantize(raw, qtype).astype(np.float32).ravel()
        cases.append({
            "type": name,
            "blocks_hex": raw.tobytes().hex(),
            # float32 values printed exactly (repr of the double they widen to)
            "values": [repr(float(v)) for v in values],
        })
    out = pathlib.Path(__file__).parent / "data" / "ggml_dequant_reference.json"
    generator = "gguf " + importlib.metadata.version("gguf")
    out.write_text(json.dumps({"generator": generator, "cases": cases}, indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
