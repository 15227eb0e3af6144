#!/usr/bin/env bash
# Times `breakwater audit --from FLEET` over N generated snapshot directories (default 1000; 20 roles of 150
# to 600 rules and 4 to 20 published ports each, on 4 sites with their own eth0 address, one host in
# five drifted from its role: extra containers, other container addresses, a hand allow;
# bench/FleetGenerator; it prints how many are distinct but for hostname) and prints, side by side
# in one run, medians of 3: `breakwater --version` wall, the fleet audit wall, their ratio (goal
# <= 5x on 2 cores), and the ratio against one CLI run per host (goal >= 100x). One run per host
# is not timed N times: 20 single runs are, and their median is extrapolated to N (said so below).
# Usage: bench/fleet-audit.sh [N, default 1000]
set -euo pipefail
# The goal is on 2 cores: pin the whole bench (both sides of every ratio) to cores 0 and 1.
if [ -z "${FLEET_BENCH_PINNED:-}" ] && command -v taskset >/dev/null; then
  FLEET_BENCH_PINNED=1 exec taskset -c 0,1 "$0" "$@"
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"; breakwater_find_jdk
hosts="${1:-1000}"
cd "$here"
./breakwater --version >/dev/null                     # builds the jar and the AOT cache if needed
./mvnw -q -B -o test-compile >/dev/null
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/breakwater.jar" dev.breakwater.bench.FleetGenerator "$out/fleet" "$hosts"
# Distinct snapshots: every file but hostname byte-equal (what the fleet analyses once).
distinct=$(for d in "$out"/fleet/*/; do find "$d" -type f ! -path "${d}hostname" -print0 | sort -z | xargs -0 cat | md5sum; done | sort -u | wc -l)
echo "fleet: $hosts snapshots ($distinct distinct but for hostname), $(du -sh "$out/fleet" | cut -f1), $(cat "$out"/fleet/*/iptables-save.txt | wc -l) iptables-save lines; $(nproc) cores"

wall_ms() {  # wall time in ms of one run; exit 1 (findings) is the expected answer
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

versions=(); fleets=()
for _ in 1 2 3; do                                    # interleaved, so load hits both alike
  versions+=("$(wall_ms ./breakwater --version)")
  fleets+=("$(wall_ms ./breakwater audit --from "$out/fleet" --format json)")
done
v=$(printf '%s\n' "${versions[@]}" | median)
f=$(printf '%s\n' "${fleets[@]}" | median)

singles=()
for d in $(ls -d "$out"/fleet/host-* | head -20); do
  singles+=("$(wall_ms ./breakwater audit --from "$d" --format json)")
done
s=$(printf '%s\n' "${singles[@]}" | median)

printf '%-44s %10s\n' "measure" "wall ms"
printf '%-44s %10s\n' "breakwater --version (median of 3)" "$v"
printf '%-44s %10s\n' "audit --from FLEET, $hosts hosts (median of 3)" "$f"
printf '%-44s %10s\n' "audit --from ONE HOST (median of 20)" "$s"
printf '%-44s %10s\n' "one run per host, extrapolated: $hosts x $s" "$((hosts * s))"
awk -v f="$f" -v v="$v" 'BEGIN{printf "fleet / --version: %.2fx (goal <= 5x on 2 cores)\n", f/v}'
awk -v f="$f" -v s="$s" -v n="$hosts" 'BEGIN{printf "one run per host (extrapolated from 20) / fleet: %.0fx (goal >= 100x)\n", n*s/f}'
