#!/usr/bin/env bash
# Builds the .deb with CPack, unpacks it into a scratch root (dpkg -x, no root needed) and runs
# the installed enclave-cli from there: --version, and a generation on a tiny model converted by
# the installed binary itself.
#   test_package.sh BUILD_DIR TESTDATA_DIR
set -euo pipefail
build=$1
testdata=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

(cd "$build" && cpack -G DEB -B "$scratch/pkg" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; exit 1; }
deb=$(ls "$scratch"/pkg/enclave_*.deb | head -n1)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | grep -E "Package|Version|Depends" || true

dpkg -x "$deb" "$scratch/root"
cli="$scratch/root/usr/bin/enclave-cli"
test -x "$cli"
test -f "$scratch/root/usr/share/applications/io.github.enclave.Enclave.desktop"
test -f "$scratch/root/usr/share/metainfo/io.github.enclave.Enclave.metainfo.xml"
test -f "$scratch/root/usr/share/icons/hicolor/256x256/apps/io.github.enclave.Enclave.png"

"$cli" --version | tee "$scratch/version.txt"
grep -q "enclave-cli" "$scratch/version.txt"

# A tiny model end to end from the installed files.
"$cli" convert "$testdata/models/tiny-qwen2" -o "$scratch/tiny.gguf" --type f32
"$cli" run -m "$scratch/tiny.gguf" --token-ids 1,17,200,33 -n 8 --ignore-eos --json | tee "$scratch/run.json"
grep -q '"gen_tokens":8' "$scratch/run.json"
echo "installed package works"
