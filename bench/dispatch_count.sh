#!/bin/sh
# Instructions per op of the dispatch chain (bench/dispatch_chain.hpp) built
# and released without evaluation: Emily through nx:: against the same ops
# on MLX's C++ API, counted by callgrind inside count_region() only.
# Deterministic up to MLX's allocator state, unlike timings on a shared machine.
#
#   bench/dispatch_count.sh [build-dir] [out-file]
# Defaults: build, bench/results/dispatch-instructions.txt
set -eu
BUILD=${1:-build}
OUT=${2:-bench/results/dispatch-instructions.txt}
CHAINS=20
cmake -S . -B "$BUILD" -DEMILY_BUILD_BENCH=ON > /dev/null
cmake --build "$BUILD" --target emily_dispatch_count > "$BUILD/dispatch_count_build.log" 2>&1 ||
  { tail -20 "$BUILD/dispatch_count_build.log"; exit 1; }
tmp=$(mktemp -d)
{
  echo "# bench/dispatch_count.sh: callgrind Ir inside count_region(), $CHAINS chains x 1000 ops"
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -srm); $(valgrind --version); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include bench || echo '+changes')"
  for side in emily mlx; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='bench::count_region*' \
      --callgrind-out-file="$tmp/$side.out" "$BUILD/bench/emily_dispatch_count" "$side" "$CHAINS" > /dev/null 2> "$tmp/$side.log"
    ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$tmp/$side.out")
    echo "$side total_Ir=$ir per_op=$((ir / (CHAINS * 1000)))"
  done
} > "$OUT"
rm -rf "$tmp"
cat "$OUT"
