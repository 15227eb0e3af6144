#!/usr/bin/env bash
# Start-up of the installed package (/usr/bin/breakwater) beside the checkout (./breakwater),
# as ratios to `java -version` of the package's bundled runtime, all measured in one run,
# interleaved, medians. Goals (issue 14): --version <= 4x, a small audit <= 6x.
# Usage: bench/startup.sh [RUNS]   (install the package first: packaging/build-deb.sh, apt install)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
runtime=/usr/lib/breakwater/runtime/bin/java
[ -x /usr/bin/breakwater ] && [ -x "$runtime" ] || {
  echo "startup: the breakwater package is not installed (packaging/build-deb.sh, then apt install ./target/breakwater_*.deb)" >&2; exit 2; }
snap=src/test/resources/corpus/docker-28-ufw-bypass
./breakwater --version >/dev/null   # build, and record the checkout's AOT cache, outside the timings
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
names=("java -version (bundled)" "breakwater --version (package)" "./breakwater --version (checkout)"
  "breakwater audit --from (package)" "./breakwater audit --from (checkout)")
declare -a t0 t1 t2 t3 t4
for _ in $(seq "$runs"); do
  t0+=("$(ms "$runtime" -version)")
  t1+=("$(ms /usr/bin/breakwater --version)")
  t2+=("$(ms ./breakwater --version)")
  t3+=("$(ms /usr/bin/breakwater audit --from "$snap")")
  t4+=("$(ms ./breakwater audit --from "$snap")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
base=$(median "${t0[@]}")
printf '%-38s %8s %7s\n' "median of $runs" "ms" "ratio"
i=0
for arr in t0 t1 t2 t3 t4; do
  declare -n times=$arr
  m=$(median "${times[@]}")
  printf '%-38s %8s %6.1fx\n' "${names[$i]}" "$m" "$(echo "$m / $base" | bc -l)"
  i=$((i + 1))
done
echo "goals: --version <= 4x, small audit <= 6x (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
