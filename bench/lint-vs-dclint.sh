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

# measure OUT CMD...: runs CMD with stdout to OUT, prints "wall_s cpu_s" (cpu = user + sys of
# the command and its children). CPU seconds are printed too because this machine is shared:
# wall time depends on the other load, CPU time much less.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out = open(sys.argv[1], "w")
t0 = time.monotonic()
subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {r.ru_utime + r.ru_stime:.3f}")
PY
}

# Breakwater: best of 3 whole runs (JVM start included each time).
best=""
best_cpu=""
for _ in 1 2 3; do
  read -r t cpu < <(measure "$work/breakwater.json" "$root/breakwater" lint --format json "$corpus")
  if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; best_cpu=$cpu; fi
done
bw_files=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'])" "$work/breakwater.json")

# dclint: one run (it takes minutes).
read -r dt dcpu < <(measure /dev/null "$dclint" -r -f json -o "$work/dclint.json" --color false "$corpus")
dc_files=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/dclint.json" 2>/dev/null || echo "?")

bw_rate=$(echo "$files / $best" | bc -l)
dc_rate=$(echo "$files / $dt" | bc -l)
printf 'corpus: %d compose files (breakwater linted %s, dclint reported %s); load average %s\n' \
  "$files" "$bw_files" "$dc_files" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'breakwater: %8.3f s  %9.1f files/s  cpu %7.3f s  (best of 3, JVM start included)\n' "$best" "$bw_rate" "$best_cpu"
printf 'dclint %s: %8.3f s  %9.1f files/s  cpu %7.3f s\n' "$("$dclint" --version 2>/dev/null)" "$dt" "$dc_rate" "$dcpu"
printf 'ratio: %.1fx files/s, %.1fx cpu (goal >= 50x)\n' "$(echo "$bw_rate / $dc_rate" | bc -l)" "$(echo "$dcpu / $best_cpu" | bc -l)"
