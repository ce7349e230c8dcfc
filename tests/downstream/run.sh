#!/usr/bin/env bash
# Installs the built project into a scratch prefix, then configures, builds
# and runs tests/downstream against it.
set -euo pipefail
build_dir="$1"; source_dir="$2"; work="$3"
rm -rf "$work"
cmake --install "$build_dir" --prefix "$work/prefix" > "$work.install.log" 2>&1 || { cat "$work.install.log"; exit 1; }
cmake -S "$source_dir/tests/downstream" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/build" > /dev/null
"$work/build/downstream"
