#!/usr/bin/env bash
# Builds the CUDA backend, the GPU tests and the benchmarks on the GPU machine and runs them all
# in one go, writing logs under $OUT (at most 8 files come back from the device tool):
#   env.txt  build.log  tests.log  bench.jsonl  summary.txt
# Usage (device tool, from the repository root, carrying .deps and .gpu):
#   bash tests/gpu/run_on_device.sh [MODES]   MODES: full (default), quick (7B Q4_K_M only),
#   profile (ncu per-kernel times), detail (ncu stall analysis), both (full+profile); comma-joined
# .deps: nlohmann/json headers (.deps/include) and, for machines without them, pkg-config,
# PCRE2 and SQLite extracted from Debian packages (.deps/root). .gpu/testdata: the tiny models.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=${OUT:-/tmp/enclave-gpu-out}
mkdir -p "$OUT"
BUILD=${BUILD:-$ROOT/build-device}
MODE=${1:-full}
SUMMARY="$OUT/summary.txt"
say() { echo "$*" | tee -a "$SUMMARY"; }

{
  date -u; nvidia-smi; nvcc --version | tail -2; cmake --version | head -1; ldd --version | head -1
  echo "pkg-config: $(command -v pkg-config || echo absent)"
  ls /usr/include/pcre2.h /usr/include/sqlite3.h 2>&1; nproc; free -g | head -2
} > "$OUT/env.txt" 2>&1

EXTRA=()
if [ -d .deps/root ] && ! pkg-config --exists libpcre2-8 sqlite3 2>/dev/null; then
  DEPS="$ROOT/.deps/root"
  export PATH="$DEPS/usr/bin:$PATH"
  export LD_LIBRARY_PATH="$DEPS/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
  export PKG_CONFIG_LIBDIR="$DEPS/usr/lib/x86_64-linux-gnu/pkgconfig"
  export PKG_CONFIG_SYSROOT_DIR="$DEPS"
  EXTRA+=("-DCMAKE_PREFIX_PATH=$DEPS/usr")
  echo "using carried pkg-config/PCRE2/SQLite from .deps/root" >> "$OUT/env.txt"
fi
TESTDATA="$ROOT/.gpu/testdata"
[ -d "$TESTDATA" ] || TESTDATA="$ROOT/../shared/testdata"

say "== configure + build ($(date -u +%T))"
T0=$(date +%s)
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DENCLAVE_GUI=OFF -DENCLAVE_TESTS=ON \
  -DENCLAVE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCH:-90} -DENCLAVE_TESTDATA_DIR="$TESTDATA" \
  "${EXTRA[@]}" > "$OUT/build.log" 2>&1 || { say "configure FAILED (build.log)"; tail -30 "$OUT/build.log"; exit 1; }
TARGETS=(test_cuda_ops test_cuda_matmul test_cuda_attention bench_roofline bench_decoder)
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]}" >> "$OUT/build.log" 2>&1 \
  || { say "build FAILED (build.log)"; grep -E "error" "$OUT/build.log" | head -30; exit 1; }
# The model test needs the model engineer's modules; build it on its own so a failure there
# does not hide the rest.
if cmake --build "$BUILD" -j"$(nproc)" --target test_cuda_models >> "$OUT/build.log" 2>&1; then
  HAVE_MODELS=1
else
  HAVE_MODELS=0
  say "test_cuda_models did not build (see build.log); skipped"
fi
say "   built in $(( $(date +%s) - T0 )) s"

say "== tests ($(date -u +%T))"
LABEL_TESTS="test_cuda_ops|test_cuda_matmul|test_cuda_attention"
[ "$HAVE_MODELS" = 1 ] && LABEL_TESTS="$LABEL_TESTS|test_cuda_models"
(cd "$BUILD" && ctest -R "^($LABEL_TESTS)\$" -V --timeout 600) > "$OUT/tests.log" 2>&1
grep -E "^[0-9]+: (PASS|FAIL|SKIP)|tests passed|Passed|Failed|\*\*\*" "$OUT/tests.log" | grep -vE ": PASS" | tee -a "$SUMMARY"
grep -E "FAIL|CHECK|NON-FINITE" "$OUT/tests.log" | head -40 | tee -a "$SUMMARY"

say "== benchmarks ($(date -u +%T))"
B="$BUILD/tests/gpu"
"$B/bench_roofline" | tee "$OUT/bench.jsonl" | tee -a "$SUMMARY"
COPY=$(python3 -c "import json,sys; print(json.loads(open('$OUT/bench.jsonl').readline())['copy_gb_s'])" 2>/dev/null || echo 0)
run() { "$B/bench_decoder" --copy-gb-s "$COPY" "$@" 2>&1 | tee -a "$OUT/bench.jsonl"; }
if [[ $MODE == *quick* ]]; then
  run --preset 7b --type q4_k_m
fi
if [[ $MODE == *full* || $MODE == *both* ]]; then
  for t in q4_k_m q8_0 f16; do run --preset 7b --type "$t"; done
  for t in q4_k_m q8_0 f16; do run --preset 1.5b --type "$t"; done
  # Ablations: without CUDA graphs, without programmatic dependent launch.
  ENCLAVE_CUDA_GRAPHS=0 "$B/bench_decoder" --copy-gb-s "$COPY" --preset 1.5b --type q4_k_m -r 2 | sed 's/^/graphs-off /' | tee -a "$SUMMARY"
  ENCLAVE_CUDA_PDL=0 "$B/bench_decoder" --copy-gb-s "$COPY" --preset 1.5b --type q4_k_m -r 2 | sed 's/^/pdl-off /' | tee -a "$SUMMARY"
  ENCLAVE_CUDA_PDL=0 "$B/bench_decoder" --copy-gb-s "$COPY" --preset 7b --type q4_k_m -r 2 | sed 's/^/pdl-off /' | tee -a "$SUMMARY"
fi
if [[ $MODE == *detail* ]]; then
  # Stall reasons of single kernel instances (ncu --set detailed + source counters).
  for k in ${DETAIL_KERNELS:-FlashPrefill AttentionSplit}; do
    say "-- ncu detail: $k"
    ENCLAVE_CUDA_GRAPHS=0 ncu --set detailed --section SourceCounters -k "regex:$k" --launch-skip ${DETAIL_SKIP:-2} \
      --launch-count 1 "$B/bench_decoder" --preset 7b --type q4_k_m -p 512 -n 2 -r 0 > "$OUT/detail_$k.txt" 2>&1
    grep -E "Duration|Registers|Achieved Occupancy|Theoretical Occupancy|Memory Throughput|Compute \(SM\)|Stall|Block Limit" \
      "$OUT/detail_$k.txt" | head -30 | tee -a "$SUMMARY"
  done
fi
if [[ $MODE == *profile* || $MODE == *both* ]]; then
  # Per-kernel device time of a 512-token prefill and two decode steps, graphs off.
  for spec in ${PROFILE_SPECS:-1.5b:q4_k_m 7b:q4_k_m 7b:f16}; do
    set -- ${spec/:/ }
    say "-- ncu: $1 $2"
    ENCLAVE_CUDA_GRAPHS=0 ncu --metrics gpu__time_duration.sum --print-summary per-kernel \
      "$B/bench_decoder" --preset "$1" --type "$2" -p 512 -n 2 -r 0 > "$OUT/ncu_$1_$2.txt" 2>&1
    python3 tests/gpu/ncu_summary.py "$OUT/ncu_$1_$2.txt" | tee -a "$SUMMARY"
  done
fi
python3 - "$OUT/bench.jsonl" <<'PY' | tee -a "$SUMMARY"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
roof = rows[0] if rows and "copy_gb_s" in rows[0] else {}
print(f"device {roof.get('device')}: copy {roof.get('copy_gb_s')} GB/s, cuBLAS bf16 {roof.get('bf16_tflops')} TFLOP/s")
print(f"{'model':32} {'type':7} {'pp tok/s':>14} {'pp TF/s':>8} {'tg tok/s':>12} {'roof tok/s':>10} {'%roof':>6} {'VRAM GiB':>8}")
for r in rows:
    if "tg_tok_s" not in r: continue
    print(f"{r['model']:32} {r['type']:7} {r['pp_tok_s']:8.0f}±{r['pp_sd']:<5.0f} {r['pp_tflops']:8.1f} "
          f"{r['tg_tok_s']:7.1f}±{r['tg_sd']:<4.1f} {r['roofline_tok_s']:10.1f} {r['roofline_pct']:6.1f} {r['vram_gib']:8.2f}")
PY
say "== done ($(date -u +%T))"
