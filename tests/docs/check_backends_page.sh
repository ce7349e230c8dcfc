#!/usr/bin/env bash
# The fallback table of docs/backends.md must list exactly the callbacks that
# `emily coverage --backend emily --device cpu` reports as fallback.
set -euo pipefail
emily="$1"; page="$2"
measured=$("$emily" coverage --backend emily --device cpu 2>/dev/null | awk -F'\t' '$4 == "fallback" {print $1}' | sort)
documented=$(awk '/^## Fallbacks/{f=1; next} /^Input-dependent/{f=0} f && /^\| `/ {gsub(/[`| ]/, "", $2); print $2}' FS='|' "$page" | sort)
if [ "$measured" != "$documented" ]; then
  echo "docs/backends.md fallbacks: [$documented]"; echo "emily coverage fallbacks: [$measured]"; exit 1
fi
summary=$("$emily" coverage --backend emily --device cpu 2>/dev/null | tail -1)
grep -qF "$summary" "$page" || { echo "summary line '$summary' not on the page"; exit 1; }
echo "backends page agrees with coverage: $summary"
