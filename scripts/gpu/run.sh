#!/usr/bin/env bash
# Runs on the NVIDIA machine, from the repository root, after scripts/gpu/prepare.sh
# produced .gpu/ here and it travelled along: unpacks the pruned official
# mlx-cuda-13 build, points it at the CUDA libraries of the machine's PyTorch
# environment, builds the project, and runs doctor, the test suite, coverage
# and (with --bench) the GPU benchmarks. Logs go to $OUT when it is set.
#
#   scripts/gpu/run.sh [--bench] [--bench-only] [--tests-only]
#
# --tests-only skips doctor and coverage. --bench-only builds the benchmarks
# and runs them without doctor, coverage
# and tests; BENCH_FILTER (a regex for emily_bench, its |-separated words for
# torch_bench.py) narrows them, e.g. the compiled transformer block rows:
#   BENCH_FILTER='transformer_bf16' scripts/gpu/run.sh --bench-only
set -uo pipefail
OUT="${OUT:-/tmp/emily-gpu-out}"; mkdir -p "$OUT"
SITE=/tmp/emily-site
BENCH=0; BENCH_ONLY=0; TESTS_ONLY=0
for a in "$@"; do
  [ "$a" = --tests-only ] && TESTS_ONLY=1
  [ "$a" = --bench ] && BENCH=1
  [ "$a" = --bench-only ] && BENCH=1 && BENCH_ONLY=1
done
BENCH_FILTER="${BENCH_FILTER:-}"
log() { echo "== $*"; }

log "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
nvcc --version | tail -2
PY=$(command -v python3)
TORCH_SITE=$("$PY" -c "import torch, os; print(os.path.dirname(os.path.dirname(torch.__file__)))")
echo "python: $PY, torch site-packages: $TORCH_SITE"

# The digits data set comes with scikit-learn, installed there through pip.
export EMILY_DIGITS_CSV="${EMILY_DIGITS_CSV:-$("$PY" -c "import sklearn, os; print(os.path.join(os.path.dirname(sklearn.__file__), 'datasets', 'data', 'digits.csv.gz'))" 2>/dev/null)}"
echo "digits data: $EMILY_DIGITS_CSV"

log "unpack MLX (pruned mlx-cuda-13)"
rm -rf "$SITE" && mkdir -p "$SITE"
tar -C "$SITE" -xJf .gpu/mlx-cuda.tar.xz
# libmlx finds cuBLAS/cuDNN/cuFFT/NVRTC/NCCL through RPATHs into ../../nvidia/*.
ln -s "$TORCH_SITE/nvidia" "$SITE/nvidia"
ls "$SITE/nvidia"

log "build tools"
PREFIX_ARGS=()
if [ -d .gpu/debs ]; then
  mkdir -p /tmp/emily-deps
  for d in .gpu/debs/*.deb; do dpkg -x "$d" /tmp/emily-deps; done
  PREFIX_ARGS=(-DCMAKE_PREFIX_PATH=/tmp/emily-deps/usr)
  echo "using GoogleTest, Google Benchmark, nlohmann-json and zlib from the carried Debian packages"
fi

# zlib's headers may be missing there: take them from the carried package and
# link the machine's own libz.so.1.
if [ ! -f /usr/include/zlib.h ] && [ -f /tmp/emily-deps/usr/include/zlib.h ]; then
  zlib_so=$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
  PREFIX_ARGS+=(-DZLIB_INCLUDE_DIR=/tmp/emily-deps/usr/include -DZLIB_LIBRARY="$zlib_so")
  echo "zlib: headers carried, library $zlib_so"
fi

log "configure and build"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DMLX_ROOT="$SITE/mlx" \
  -DCUDNN_INCLUDE_PATH="$SITE/nvidia/cudnn/include" -DCUDNN_LIBRARY_PATH="$SITE/nvidia/cudnn/lib" \
  -DEMILY_BUILD_BENCH=$([ "$BENCH" = 1 ] && echo ON || echo OFF) "${PREFIX_ARGS[@]}" > /tmp/emily-configure.log 2>&1 \
  || { tail -30 /tmp/emily-configure.log; exit 1; }
cmake --build build-gpu -j"$(nproc)" $([ "$BENCH_ONLY" = 1 ] && echo "--target emily_bench") > /tmp/emily-build.log 2>&1 || { grep -E "error" -A3 /tmp/emily-build.log | head -40; exit 1; }

if [ "$BENCH_ONLY" = 0 ]; then
if [ "$TESTS_ONLY" = 0 ]; then
log "doctor"
build-gpu/emily doctor 2>&1 | tee "$OUT/doctor.txt"

log "coverage (gpu)"
build-gpu/emily coverage --backend emily --device gpu > "$OUT/coverage-gpu.tsv" 2> /tmp/emily-coverage.err
tail -1 "$OUT/coverage-gpu.tsv"
fi

log "tests (f32 matmuls at full precision: Emily's default)"
(cd build-gpu && ctest -j8 --output-on-failure --timeout 300) > "$OUT/ctest.log" 2>&1
grep -E "tests passed|tests failed|Failed|\*\*\*" "$OUT/ctest.log" | head -60

for a in "$@"; do
  if [ "$a" = --trace-f64 ]; then
    log "where f64 reaches a GPU stream"
    for t in CompareCreation.ConstantIotaEye 'AllBackends/Random.DistributionsRespectBoundsAndTypes/emily_gpu' \
             'AllBackends/Elementwise.TypeExamplesAcrossFamilies/emily_gpu'; do
      cuda-gdb -batch -ex "catch throw std::invalid_argument" -ex run -ex bt --args build-gpu/tests/emily_tests --gtest_filter="$t" 2>&1 \
        | grep -E "^#[0-9]+ .*emily|^#[0-9]+ .*nx::" | head -8
    done
  fi
done

fi  # BENCH_ONLY

if [ "$BENCH" = 1 ]; then
  log "bench (gpu): Emily vs raw MLX${BENCH_FILTER:+ (filter $BENCH_FILTER)}"
  build-gpu/bench/emily_bench --gpu --benchmark_out="$OUT/bench-gpu.json" --benchmark_out_format=json \
    ${BENCH_FILTER:+--benchmark_filter="$BENCH_FILTER"} > "$OUT/bench-gpu.txt" 2>&1
  grep -E "^BM_" "$OUT/bench-gpu.txt" | sed 's/\/min_time:[0-9.]*//; s/\/real_time//' | awk '{print $1, $2, $3}'
  if [ -z "$BENCH_FILTER" ] || echo matmul_f32 | grep -qE "$BENCH_FILTER"; then
    log "bench (gpu): f32 matmul with TF32 (a process of its own: MLX reads the choice once)"
    EMILY_TF32=1 build-gpu/bench/emily_bench --gpu --benchmark_filter='matmul_f32' --benchmark_out="$OUT/bench-gpu-tf32.json" \
      --benchmark_out_format=json > "$OUT/bench-gpu-tf32.txt" 2>&1
    "$PY" - "$OUT/bench-gpu.json" "$OUT/bench-gpu-tf32.json" <<'PYEOF'
import json, sys
main, extra = (json.load(open(p)) for p in sys.argv[1:3])
main["benchmarks"] += extra["benchmarks"]
json.dump(main, open(sys.argv[1], "w"), indent=1)
PYEOF
  fi
  log "bench (gpu): PyTorch"
  "$PY" bench/torch_bench.py --json "$OUT/torch-gpu.json" ${BENCH_FILTER:+--only "$BENCH_FILTER"} 2>&1 | tail -30
  log "report"
  "$PY" bench/report.py --emily "$OUT/bench-gpu.json" --torch "$OUT/torch-gpu.json" --out "$OUT" --tag gpu 2>&1 | tail -40
fi
