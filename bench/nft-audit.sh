#!/usr/bin/env bash
# Times `breakwater audit --from` on a generated Docker 29 nftables-backend snapshot (Docker's
# ip docker-bridges table in nft -j form, bench/NftSnapshotGenerator) with N published ports
# (default 2000), and `breakwater --version` beside it, interleaved, medians of 5; prints the
# ratio (goal <= 2x). Usage: bench/nft-audit.sh [PORTS, default 2000]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"; breakwater_find_jdk
ports="${1:-2000}"
cd "$here"
./breakwater --version >/dev/null                     # builds the jar and the AOT cache if needed
./mvnw -q -B -o test-compile >/dev/null
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/breakwater.jar" dev.breakwater.bench.NftSnapshotGenerator "$out/snap" "$ports"
echo "snapshot: $ports published ports, nft-ruleset.json $(du -h "$out/snap/nft-ruleset.json" | cut -f1); $(nproc) cores"

wall_ms() {  # wall time in ms of one run; exit 1 (findings) is the expected answer
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

versions=(); audits=()
for _ in 1 2 3 4 5; do
  versions+=("$(wall_ms ./breakwater --version)")
  audits+=("$(wall_ms ./breakwater audit --from "$out/snap" --format json)")
done
v=$(printf '%s\n' "${versions[@]}" | median)
a=$(printf '%s\n' "${audits[@]}" | median)
printf '%-48s %10s\n' "measure" "wall ms"
printf '%-48s %10s\n' "breakwater --version (median of 5)" "$v"
printf '%-48s %10s\n' "audit --from, Docker 29 nft, $ports ports (median of 5)" "$a"
awk -v a="$a" -v v="$v" 'BEGIN{printf "audit / --version: %.2fx (goal <= 2x)\n", a/v}'
