#!/usr/bin/env bash
# Times `breakwater audit --from` on generated snapshots (JVM start included) and prints the
# figures: 20k rules x 2k ports (goal < 1 s wall on 2 cores), and 2k/20k/200k rules to show how
# analysis time grows. Usage: bench/audit-scale.sh [runs-per-size, default 3]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"; breakwater_find_jdk
runs="${1:-3}"
cd "$here"
./breakwater --version >/dev/null                     # builds the jar and the AOT cache if needed
./mvnw -q -B -o test-compile >/dev/null
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
gen() { "$JAVA_HOME/bin/java" -cp "target/test-classes:target/breakwater.jar" dev.breakwater.bench.SnapshotGenerator "$@"; }

best_ms() {  # best wall time in ms of $runs runs of the command
  local best=999999999 t0 t1 ms
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
  done
  echo "$best"
}

printf '%-22s %10s %10s\n' "snapshot" "wall ms" "ms/kRule"
for spec in "2000 2000" "20000 2000" "200000 2000" "20000 200"; do
  set -- $spec
  d="$out/r$1-p$2"; gen "$d" "$1" "$2"
  ms=$(best_ms ./breakwater audit --from "$d" --format json)
  printf '%-22s %10s %10s\n' "$1 rules, $2 ports" "$ms" "$(awk -v m="$ms" -v r="$1" 'BEGIN{printf "%.2f", m/(r/1000)}')"
done
v=$(best_ms ./breakwater --version)
echo "--version wall ms: $v"
echo "goal: 20000 rules, 2000 ports < 1000 ms"
