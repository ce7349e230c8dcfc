#!/bin/sh
# The measurement behind the choice of a SIMD math library for Emily's CPU
# kernels (bench/simd_choice.cpp): builds simd_choice (configure with
# -DEMILY_BUILD_BENCH=ON; needs libhwy-dev and libsleef-dev, libdnnl-dev is
# optional), runs it on one thread and writes
#   bench/results/simd-choice/results.json  (every number, the machine)
#   bench/results/simd-choice/summary.txt   (tables; the text below its
#                                            "## Reading" line is written by
#                                            hand and kept across runs)
#
#   bench/simd_choice.sh [BUILD_DIR=build] [--quick | --summary-only]
# --quick: a smoke run into BUILD_DIR/simd-choice-quick; --summary-only:
# summary.txt again from the kept results.json, nothing measured.
set -eu
BUILD=${1:-build}
MODE=${2:-}
OUT=bench/results/simd-choice
[ "$MODE" = --quick ] && OUT=$BUILD/simd-choice-quick
mkdir -p "$OUT"
if [ "$MODE" != --summary-only ]; then
  cmake -S . -B "$BUILD" -DEMILY_BUILD_BENCH=ON > /dev/null
  cmake --build "$BUILD" --target simd_choice > "$BUILD/simd_choice-build.log" 2>&1 ||
    { tail -20 "$BUILD/simd_choice-build.log"; exit 1; }
  commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- bench || echo "+changes")
  QUICK=""
  [ "$MODE" = --quick ] && QUICK=--quick
  # oneDNN threads through OpenMP: one thread, as every other candidate.
  OMP_NUM_THREADS=1 "$BUILD/bench/simd_choice" $QUICK --json "$OUT/results.json" --commit "$commit" \
    > "$BUILD/simd_choice-run.log"
fi
python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
doc = json.load(open(f"{out}/results.json"))
summary = f"{out}/summary.txt"
kept = ""
if os.path.exists(summary):
    text = open(summary).read()
    if "\n## Reading" in text:
        kept = text[text.index("\n## Reading") + 1:]

def short(r):
    lib, var = r["library"], r["variant"]
    if lib.startswith("std::"):
        return "libm"
    if lib.startswith("highway"):
        return "hwy-" + var.split(": ")[1].lower()
    if lib.startswith("onednn"):
        return "onednn"
    width = "512" if "AVX-512" in var else "avx2"
    if lib.startswith("sleef"):
        return f"sleef-{width}-{var.rsplit(', ', 1)[1]}"
    return f"mvec-{width}"

m = doc["machine"]
lines = [f"# SIMD math library choice: bench/simd_choice.sh at {doc['commit']}",
         f"# {m['cpu']}; AVX2+FMA {m['avx2_fma']}, AVX-512F {m['avx512f']}; Highway dispatches to {m['highway_target']}; "
         f"{m['onednn']}; {m['compiler']}",
         f"# one thread (OMP_NUM_THREADS={m['omp_num_threads']} for oneDNN); load average before {m['loadavg_before']}, "
         f"after {m['loadavg_after']}; wall {doc['wall_s']:.0f} s",
         f"# {doc['n_f32']} f32 and {doc['n_f64']} f64 inputs per function; ns/element: median of {doc['repetitions']} "
         "passes over the whole input (passes of all candidates shuffled); max ulp: largest error over every input, "
         f"{doc['reference']}.", "# input ranges:"]
for fn, rg in doc["ranges"].items():
    lines.append(f"#   {fn:8s} f32 {rg['f32']}; f64 {rg['f64']}")
fns = list(doc["ranges"])
for typ in ("f32", "f64"):
    rs = [r for r in doc["results"] if r["type"] == typ]
    cols = []
    for r in rs:
        if short(r) not in cols:
            cols.append(short(r))
    lines += ["", f"## {typ}: ns/element (max ulp); — = not offered", ""]
    lines.append(f"{'':8s}" + "".join(f"{c:>17s}" for c in cols))
    for fn in fns:
        cell = {short(r): r for r in rs if r["fn"] == fn}
        row = f"{fn:8s}"
        for c in cols:
            r = cell.get(c)
            if r is None:
                row += f"{'—':>17s}"
            else:
                u = r["max_ulp"]
                us = f"{u:.2f}" if u is not None and u < 100 else (f"{u:.1e}" if u is not None else "inf")
                row += f"{r['ns_per_element']['median']:>9.3f} ({us})".rjust(17)
        lines.append(row)
lines += ["", "## every candidate: median [min-max] ns/element, max ulp at x, mean ulp", ""]
for r in doc["results"]:
    ns = r["ns_per_element"]
    lines.append(f"{r['fn']:8s} {r['type']} {short(r):16s} {ns['median']:8.3f} [{ns['min']:.3f}-{ns['max']:.3f}]  "
                 f"max {r['max_ulp']} ulp at x={r['worst_x']}  mean {r['mean_ulp']:.3f}")
lines += ["", "## composite operations (f32, one thread): median [min-max] ms", ""]
for c in doc["composites"]:
    lines.append(f"{c['op']:40s} {c['ms']['median']:8.3f} [{c['ms']['min']:.3f}-{c['ms']['max']:.3f}]  {c['how']}")
perf = "docs/performance-cpu.json"
if os.path.exists(perf):
    p = json.load(open(perf))
    lines += ["", f"## the same operations in the latest `make bench` ({perf}, commit {p.get('commit')}): median ms", ""]
    for row in p.get("rows", []):
        if row["case"] in ("softmax_1024x4096", "ln_gelu_1024", "exp_16M"):
            vals = {k: (row.get(k) or {}).get("median_ms") if isinstance(row.get(k), dict) else row.get(f"{k}_ms")
                    for k in ("emily", "mlx", "numpy")}
            lines.append(f"{row['case']:20s} " + "  ".join(f"{k} {v:.3f}" for k, v in vals.items() if v))
text = "\n".join(lines) + "\n"
if kept:
    text += "\n" + kept
open(summary, "w").write(text)
PY
cat "$OUT/summary.txt"
