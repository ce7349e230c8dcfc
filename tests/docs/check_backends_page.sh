#!/usr/bin/env bash
# docs/backends.md against `emily coverage --backend emily --device cpu`, which
# probes every type Emily holds: the Fallbacks table lists exactly the
# callbacks that fall back for every type they take, the input-dependent
# table names every callback that falls back for some types only, the
# "Not native for some types" table lists exactly the callbacks composed or
# unsupported for some types, and the summary line is on the page.
set -euo pipefail
emily="$1"; page="$2"
out=$("$emily" coverage --backend emily --device cpu 2>/dev/null)
# Row names selected by an awk condition on the tab-separated output.
rows() { awk -F'\t' "$1" <<<"$out" | sed 's/^block://' | sort -u; }
# Backticked names in the first column of the table after the line matching $1.
listed() {
  awk -v start="$1" '$0 ~ start {f=1; next} /^#|^Input-dependent/ {f=0} f && /^\| `/ {print $2}' FS='|' "$page" |
    grep -o '`[a-z0-9_]*`' | tr -d '`' | sort -u
}
fail() { echo "$1"; echo "  docs/backends.md: ["$2"]"; echo "  emily coverage:   ["$3"]"; exit 1; }

measured=$(rows '$4 == "fallback" {print $1}')
documented=$(listed '^## Fallbacks')
[ "$measured" = "$documented" ] || fail "fallbacks differ" "$documented" "$measured"

measured=$(rows '$4 == "partial" && $5 ~ /fallback for/ {print $1}')
documented=$(listed '^Input-dependent')
missing=$(comm -23 <(echo "$measured") <(echo "$documented"))
[ -z "$missing" ] || fail "falling back for some types, not in the input-dependent table" "$documented" "$missing"

measured=$(rows '$4 == "unsupported" || $5 ~ /(composed|unsupported) for/ {print $1}')
documented=$(listed '^## Not native for some types')
[ "$measured" = "$documented" ] || fail "composed or unsupported for some types" "$documented" "$measured"

summary=$(tail -1 <<<"$out")
grep -qF "$summary" "$page" || { echo "summary line '$summary' not on the page"; exit 1; }
echo "backends page agrees with coverage: $summary"
