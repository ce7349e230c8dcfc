#!/bin/sh
# The CPU benchmark run behind `make bench`: emily_bench (Emily, raw MLX and
# the reference backend, repetitions interleaved), numpy_bench.py, then
# report.py. Each program records the load average before and after it and
# the thread counts in force; the raw JSON of the run is kept.
#
#   bench/run_cpu.sh BUILD_DIR [--quick]
#
# Full run: bench/results/cpu/<UTC date>-<short commit>/{emily.json,numpy.json,
# report.txt}, and docs/performance-cpu.{json,png} plus
# docs/performance-cpu-table.md. --quick (a smoke run: 3 short repetitions,
# no 64M inputs, few reference rows) writes everything to BUILD_DIR/bench-quick
# and leaves docs/ alone. KERNELS_AB=1 also runs the `_emily` rows with
# EMILY_CPU_KERNELS=0 (emily-kernels-off.json, its own column in the table).
set -eu
BUILD=${1:?usage: bench/run_cpu.sh BUILD_DIR [--quick]}
QUICK=""
[ "${2:-}" = --quick ] && QUICK=--quick
PY=${PY:-.venv/bin/python}
t0=$(date +%s)
short=$(git rev-parse --short HEAD)
commit=$short$(git diff --quiet HEAD -- src include bench || echo "+changes")
if [ -n "$QUICK" ]; then
  dir=$BUILD/bench-quick
  docs=$dir
else
  dir=bench/results/cpu/$(date -u +%Y-%m-%dT%H%MZ)-$short
  docs=docs
fi
mkdir -p "$dir"
"$BUILD/bench/emily_bench" $QUICK --benchmark_out="$dir/emily.json" --benchmark_out_format=json \
  --benchmark_context=commit="$commit"
"$PY" bench/numpy_bench.py $QUICK --json "$dir/numpy.json" --commit "$commit"
off=""
if [ "${KERNELS_AB:-0}" = 1 ]; then
  EMILY_CPU_KERNELS=0 "$BUILD/bench/emily_bench" $QUICK --benchmark_filter='_emily/' \
    --benchmark_out="$dir/emily-kernels-off.json" --benchmark_out_format=json --benchmark_context=commit="$commit"
  off="--emily-off $dir/emily-kernels-off.json"
fi
# shellcheck disable=SC2086
"$PY" bench/report.py --emily "$dir/emily.json" --numpy "$dir/numpy.json" $off --out "$docs" --tag cpu \
  > "$dir/report.txt"
echo "wall time of this run (programs and report): $(( $(date +%s) - t0 )) s" >> "$dir/report.txt"
cat "$dir/report.txt"
echo "raw results: $dir"
