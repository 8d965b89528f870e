#!/usr/bin/env python3
"""ggml's own Python GGUF package (PyPI `gguf`) as a second opinion for gguf_interop_test.

  gguf_py_bridge.py dump PATH   read PATH with gguf.GGUFReader, print its contents as JSON
  gguf_py_bridge.py write PATH  write a sample file with gguf.GGUFWriter, print what it wrote

Values are printed as {"t": type id, "v": value} (strings as hex of their bytes, so the
comparison is byte-exact); arrays as {"t": 9, "e": element type id, "v": [bare values]}, or, when
their elements are arrays, {"t": 9, "e": 9, "items": [nested array objects]}.
Exit status 77 when the package is missing (the test skips).
"""
import hashlib
import json
import sys

try:
    import numpy as np
    import gguf
except ImportError as e:
    print(f"cannot import gguf: {e}", file=sys.stderr)
    sys.exit(77)

T = gguf.GGUFValueType


def decode(parts, i, vtype):
    """Decodes one value from a ReaderField's parts (as the reader split them) at index i."""
    if vtype == T.STRING:
        return {"t": int(vtype), "v": bytes(parts[i + 1]).hex()}, i + 2
    if vtype == T.ARRAY:
        element_type = T(int(parts[i][0]))
        count = int(parts[i + 1][0])
        i += 2
        items = []
        for _ in range(count):
            item, i = decode(parts, i, element_type)
            items.append(item)
        if element_type == T.ARRAY:
            return {"t": int(vtype), "e": int(element_type), "items": items}, i
        return {"t": int(vtype), "e": int(element_type), "v": [item["v"] for item in items]}, i
    value = parts[i][0].item()
    if vtype == T.BOOL:
        value = bool(value)
    return {"t": int(vtype), "v": value}, i + 1


def dump(path):
    reader = gguf.GGUFReader(path)
    fields = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):  # the reader's pseudo-fields for the header
            continue
        value, _ = decode(field.parts, 3, T(int(field.parts[2][0])))
        fields.append({"key": key, "value": value})
    tensors = []
    for t in reader.tensors:
        raw = t.data.tobytes()
        tensors.append({
            "name": t.name,
            "type": int(t.tensor_type),
            "ne": [int(n) for n in t.shape],
            "n_bytes": int(t.n_bytes),
            "file_offset": int(t.data_offset),
            "data_bytes": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        })
    version = int(reader.fields["GGUF.version"].parts[0][0])
    return {"version": version, "alignment": int(reader.alignment),
            "data_offset": int(reader.data_offset), "fields": fields, "tensors": tensors}


def scalar(vtype, value):
    return {"t": int(vtype), "v": value}


def write(path):
    """Writes a sample with GGUFWriter and returns the fields and tensors it should contain."""
    writer = gguf.GGUFWriter(path, arch="llama")
    writer.add_custom_alignment(64)
    expected = [{"key": "general.architecture", "value": {"t": int(T.STRING), "v": b"llama".hex()}},
                {"key": "general.alignment", "value": scalar(T.UINT32, 64)}]

    def add(key, value, vtype, sub_type=None, expect=None):
        writer.add_key_value(key, value, vtype, sub_type)
        expected.append({"key": key, "value": expect if expect is not None else scalar(vtype, value)})

    add("py.u8", 255, T.UINT8)
    add("py.i8", -128, T.INT8)
    add("py.u16", 65535, T.UINT16)
    add("py.i16", -32768, T.INT16)
    add("py.u32", 4294967295, T.UINT32)
    add("py.i32", -2147483648, T.INT32)
    add("py.u64", 18446744073709551615, T.UINT64)
    add("py.i64", -9223372036854775808, T.INT64)
    add("py.f32", 0.1, T.FLOAT32, expect=scalar(T.FLOAT32, float(np.float32(0.1))))
    add("py.f64", 0.1, T.FLOAT64)
    add("py.bool", True, T.BOOL)
    add("py.string", "h\u00e9llo \u4e16\u754c", T.STRING,
        expect={"t": int(T.STRING), "v": "h\u00e9llo \u4e16\u754c".encode().hex()})
    add("py.array.i32", [-1, 0, 7], T.ARRAY, T.INT32,
        expect={"t": 9, "e": int(T.INT32), "v": [-1, 0, 7]})
    add("py.array.f32", [0.5, -2.0], T.ARRAY, T.FLOAT32,
        expect={"t": 9, "e": int(T.FLOAT32), "v": [0.5, -2.0]})
    words = ["a", "\u0120b", ""]
    add("py.array.string", words, T.ARRAY, T.STRING,
        expect={"t": 9, "e": int(T.STRING), "v": [w.encode().hex() for w in words]})
    add("py.array.nested", [[1, 2], [3]], T.ARRAY,
        expect={"t": 9, "e": int(T.ARRAY), "items": [
            {"t": 9, "e": int(T.INT32), "v": row} for row in ([1, 2], [3])]})

    rng = np.random.default_rng(7)
    arrays = {
        "py.f32": rng.standard_normal((3, 5)).astype(np.float32),   # ne = [5, 3]
        "py.f16": rng.standard_normal((2, 2, 8)).astype(np.float16),
        "py.i32": np.arange(6, dtype=np.int32),
    }
    tensors = []
    for name, array in arrays.items():
        writer.add_tensor(name, array)
        tensors.append({"name": name, "type": {np.float32: 0, np.float16: 1, np.int32: 26}[array.dtype.type],
                        "ne": list(reversed(array.shape)), "sha256": hashlib.sha256(array.tobytes()).hexdigest()})
    # A quantised tensor given as raw blocks: 2 rows of 64 q8_0 values = 2 x 2 blocks of 34 bytes.
    q8 = rng.integers(0, 256, size=(2, 68), dtype=np.uint8)
    writer.add_tensor("py.q8_0", q8, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    tensors.append({"name": "py.q8_0", "type": 8, "ne": [64, 2], "sha256": hashlib.sha256(q8.tobytes()).hexdigest()})

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {"fields": expected, "tensors": tensors}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    result = dump(sys.argv[2]) if sys.argv[1] == "dump" else write(sys.argv[2])
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
