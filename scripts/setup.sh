#!/usr/bin/env bash
# Installs everything the project needs on a Debian 12 machine: the Debian
# packages (compiler, CMake, GoogleTest, Google Benchmark, numpy, matplotlib,
# ccache, nlohmann-json and zlib for the tensor-file and CSV readers,
# scikit-learn for the digits data, Highway and SLEEF for Emily's CPU
# kernels) and
# MLX's official PyPI backend package at the pinned version into .venv.
#
#   scripts/setup.sh [MLX_VERSION]        (default: 0.32.4)
#   EMILY_MLX_PACKAGE=mlx-cuda-13 scripts/setup.sh   on an NVIDIA machine
set -euo pipefail
cd "$(dirname "$0")/.."
MLX_VERSION="${1:-0.32.4}"
MLX_PACKAGE="${EMILY_MLX_PACKAGE:-mlx-cpu}"
# python3-sklearn ships the digits data set (make run, tests/digits_test.cpp);
# zlib1g-dev lets nx::load_csv read it gzip-compressed. libhwy-dev (SIMD with
# run-time dispatch) and libsleef-dev (vectorised libm) serve src/emily/cpu.
PACKAGES=(g++ cmake make python3 python3-venv python3-numpy python3-matplotlib libgtest-dev libgmock-dev
          libbenchmark-dev libopenblas-dev ccache python3-sklearn zlib1g-dev nlohmann-json3-dev
          libhwy-dev libsleef-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# Debian's Python (not a user-level one) so that the venv sees python3-numpy.
PY=/usr/bin/python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv --system-site-packages .venv
fi
stamp=".venv/.${MLX_PACKAGE}-${MLX_VERSION}"
if [ ! -f "$stamp" ]; then
  echo "setup: installing ${MLX_PACKAGE}==${MLX_VERSION} from PyPI"
  .venv/bin/python -m pip install -q --disable-pip-version-check "${MLX_PACKAGE}==${MLX_VERSION}"
  touch "$stamp"
fi
