#!/usr/bin/env bash
# Wall times of 'breakwater lab up', 'lab down' and 'demo --yes' (root only; builds first).
# Usage: sudo bench/lab-times.sh [RUNS]   Prints one line per run, then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
if [ "$(id -u)" -ne 0 ]; then echo "lab-times: needs root (the lab makes namespaces and runs dockerd)" >&2; exit 2; fi
./breakwater --version >/dev/null   # build outside the timings
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
ups=(); downs=(); demos=()
for i in $(seq "$runs"); do
  up=$(seconds ./breakwater lab up); down=$(seconds ./breakwater lab down); demo=$(seconds ./breakwater demo --yes)
  ups+=("$up"); downs+=("$down"); demos+=("$demo")
  printf 'run %d: lab up %.1fs  lab down %.1fs  demo %.1fs\n' "$i" "$up" "$down" "$demo"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'median of %d: lab up %.1fs  lab down %.1fs  demo %.1fs  (load average: %s)\n' "$runs" \
  "$(median "${ups[@]}")" "$(median "${downs[@]}")" "$(median "${demos[@]}")" "$(cut -d' ' -f1-3 /proc/loadavg)"
