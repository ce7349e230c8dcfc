#!/bin/sh
# A/B of the BLAS behind MLX's CPU matmul: Debian's OpenBLAS (EMILY_OPENBLAS=ON,
# the default) against the reference BLAS the mlx-cpu wheel carries (OFF).
# Two builds of emily_bench that differ only in that option run the matmul
# rows (Emily and raw MLX, 1024 and 2048 f32) in alternation, ROUNDS times;
# the summary takes each row's best time.
#
#   bench/blas_ab.sh [rounds=3]
# Writes bench/results/blas-ab/{openblas,wheel}-<round>.json and
# bench/results/blas-ab/summary.txt.
set -eu
ROUNDS=${1:-3}
OUT=bench/results/blas-ab
mkdir -p "$OUT"
for blas in openblas wheel; do
  opt=ON; [ "$blas" = wheel ] && opt=OFF
  cmake -S . -B "build-blas-$blas" -DCMAKE_BUILD_TYPE=Release -DEMILY_BUILD_BENCH=ON -DEMILY_OPENBLAS=$opt > /dev/null
  cmake --build "build-blas-$blas" --target emily_bench > "build-blas-$blas/build.log" 2>&1 ||
    { tail -20 "build-blas-$blas/build.log"; exit 1; }
done
{
  echo "# bench/blas_ab.sh, $ROUNDS rounds, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include bench || echo '+changes')"
  echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for blas in openblas wheel; do
    echo "# $blas build links: $(ldd "build-blas-$blas/bench/emily_bench" | grep -o 'lib[a-z]*blas[^ ]*' | sort -u | tr '\n' ' ')"
  done
} > "$OUT/summary.txt"
r=1
while [ "$r" -le "$ROUNDS" ]; do
  for blas in openblas wheel; do
    "build-blas-$blas/bench/emily_bench" --benchmark_filter='^BM_matmul_(1024|2048)_(emily|mlx)/' \
      --benchmark_out="$OUT/$blas-$r.json" --benchmark_out_format=json > /dev/null
  done
  r=$((r + 1))
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/summary.txt"
python3 - "$OUT" "$ROUNDS" >> "$OUT/summary.txt" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
best = {}
for blas in ("openblas", "wheel"):
    for r in range(1, rounds + 1):
        for b in json.load(open(f"{out}/{blas}-{r}.json"))["benchmarks"]:
            if b.get("run_type") == "aggregate":  # emily_bench repeats each row; every repetition counts
                continue
            ms = b["real_time"] * {"ms": 1, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
            key = (b["name"].split("/")[0], blas)
            best[key] = min(best.get(key, ms), ms)
print("case openblas_ms wheel_ms wheel/openblas openblas_GFLOPs")
for name in sorted({k[0] for k in best}):
    n = 1024 if "1024" in name else 2048
    o, w = best[(name, "openblas")], best[(name, "wheel")]
    print(f"{name} {o:.1f} {w:.1f} {w / o:.2f} {2 * n**3 / (o * 1e-3) / 1e9:.1f}")
PY
cat "$OUT/summary.txt"
