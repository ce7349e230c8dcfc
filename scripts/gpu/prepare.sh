#!/usr/bin/env bash
# Prepares what travels to an NVIDIA machine that reaches no package registry:
# the official mlx-cuda-13 wheel at the pinned version, with its device code
# pruned to one GPU architecture (default sm_90, the H100) and compressed.
#
#   scripts/gpu/prepare.sh [ARCH]        -> .gpu/mlx-cuda.tar.xz and .gpu/debs/ (+ sizes printed)
set -euo pipefail
cd "$(dirname "$0")/../.."
ARCH="${1:-90}"
MLX_VERSION="${MLX_VERSION:-0.32.4}"
out=.gpu
mkdir -p "$out/wheel"
exclude=$(git rev-parse --git-path info/exclude)  # a worktree's .git is a file
mkdir -p "$(dirname "$exclude")"
grep -qx '/.gpu/' "$exclude" 2>/dev/null || echo '/.gpu/' >> "$exclude"
if ! ls "$out"/wheel/mlx_cuda_13-"$MLX_VERSION"-*.whl > /dev/null 2>&1; then
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_35_x86_64 -d "$out/wheel" "mlx-cuda-13==$MLX_VERSION"
fi
whl=$(ls "$out"/wheel/mlx_cuda_13-"$MLX_VERSION"-*.whl)
echo "wheel: $whl ($(du -m "$whl" | cut -f1) MiB)"
rm -rf "$out/site" && mkdir -p "$out/site"
unzip -q "$whl" -d "$out/site"
lib="$out/site/mlx/lib/libmlx.so"
echo "libmlx.so: $(du -m "$lib" | cut -f1) MiB"
python3 scripts/gpu/prune_fatbin.py "$lib" "$lib.pruned" --keep-arch "$ARCH"
mv "$lib.pruned" "$lib"
tar -C "$out/site" -cf - mlx mlx_cuda_13.libs | xz -T0 -6 > "$out/mlx-cuda.tar.xz"
echo "travels: $out/mlx-cuda.tar.xz ($(du -m "$out/mlx-cuda.tar.xz" | cut -f1) MiB)"
rm -rf "$out/site"
# The GPU machine has no GoogleTest, Google Benchmark, nlohmann-json, Highway or SLEEF and reaches no
# registry: carry Debian's packages (run.sh unpacks them into a prefix).
mkdir -p "$out/debs"
(cd "$out/debs" && apt-get download -q libgtest-dev libgmock-dev googletest libbenchmark-dev libbenchmark1debian nlohmann-json3-dev zlib1g-dev \
  libhwy-dev libhwy1 libsleef-dev libsleef3 > /dev/null)
echo "debs: $(ls "$out/debs" | tr '\n' ' ')"
