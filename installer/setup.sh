#!/usr/bin/env bash
# Enclave set-up on a fresh Debian 12 machine: installs every build and run dependency (apt and
# the registry's model packages), configures and builds, then runs the main job on a small
# default: the Gemma 3 270M model answers one question on this machine.
#   installer/setup.sh            # everything
#   ENCLAVE_SETUP_SKIP_RUN=1      # build only (CI)
#   ENCLAVE_BUILD_DIR=build       # where to build
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${ENCLAVE_BUILD_DIR:-$repo/build}
cd "$repo"

sudo_cmd=""
if [ "$(id -u)" != 0 ]; then sudo_cmd=sudo; fi
apt_packages=(
  build-essential cmake ninja-build ccache git pkg-config python3 python3-pip python3-venv
  qt6-base-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqt6opengl6-dev
  libqt6svg6-dev qt6-httpserver-dev libqt6websockets6-dev
  libsqlite3-dev libpoppler-qt6-dev nlohmann-json3-dev libpcre2-dev libzip-dev
  libbenchmark-dev fonts-noto-cjk xvfb xauth
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# Python packages used by tests as independent checks (GGUF files readable by ggml's own reader,
# Prometheus text format parsed by the reference client).
# Debian's own python3 refuses system-wide pip installs (PEP 668): fall back to --user
# --break-system-packages, which touches only this user's site-packages.
pip_install=(python3 -m pip install --disable-pip-version-check -q -r "$repo/installer/requirements-test.txt")
"${pip_install[@]}" 2>/dev/null || "${pip_install[@]}" --user --break-system-packages

"$repo/installer/fetch_models.sh"

# ccache keyed on paths relative to the checkout, so another clone of the repository (CI's) reuses
# earlier compilations.
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=true

cuda_flag=()
if command -v nvcc >/dev/null 2>&1; then cuda_flag=(-DENCLAVE_CUDA=ON); fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cuda_flag[@]}" ${ENCLAVE_CMAKE_ARGS:-}
cmake --build "$build" -j"$(nproc)"

if [ "${ENCLAVE_SETUP_SKIP_RUN:-0}" != 1 ]; then
  echo
  # The registry's Gemma 3 270M is the base (pre-trained) model, without a chat template, so it
  # is asked as a completion rather than through --chat.
  echo "== main job: Gemma 3 270M on this machine =="
  "$build/app/cli/enclave-cli" run -m "${ENCLAVE_MODELS:-$repo/.models}/gemma-3-270m-q4_k_m.gguf" \
      -p "Question: What is the capital of France?
Answer:" -n 24 --device cpu
  echo
  echo "Start the desktop app with: $build/app/gui/enclave"
fi
