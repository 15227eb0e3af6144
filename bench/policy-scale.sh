#!/usr/bin/env bash
# `breakwater plan` on a policy of 20,000 distinct sources (one allow entry, compiled to an ipset)
# against the corpus host docker-28-ipv6, side by side with the yardstick `breakwater --version`
# in one run: medians of 3 wall times (JVM start included) and the ratio (goal <= 2x). Issue 13
# measured 197 s before the source list was handled in n log n.
# Usage: bench/policy-scale.sh [sources, default 20000] [runs, default 3]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
sources="${1:-20000}"
runs="${2:-3}"
cd "$here"
./breakwater --version >/dev/null                     # builds the jar and the AOT cache if needed
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
snap="$here/src/test/resources/corpus/docker-28-ipv6"

# Odd addresses in 198.18.0.0/15: no two are adjacent, so nothing merges them into fewer blocks.
{
  echo "allow:"; echo "  - port: 8080"; echo "    from:"
  for ((i = 0; i < sources; i++)); do
    echo "      - 198.18.$(( i / 125 )).$(( i % 125 * 2 + 1 ))"
  done
} > "$work/policy.yml"

median_ms() {  # median wall time in ms of $runs runs of the command (exit 0 or 1 accepted)
  local t0 t1 all=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 1 ]; t1=$(date +%s%N)
    all+=( $(( (t1 - t0) / 1000000 )) )
  done
  printf '%s\n' "${all[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

version=$(median_ms ./breakwater --version)
plan=$(median_ms ./breakwater plan --policy "$work/policy.yml" --from "$snap")
printf '%-44s %10s\n' "command (median of $runs)" "wall ms"
printf '%-44s %10s\n' "breakwater --version" "$version"
printf '%-44s %10s\n' "breakwater plan ($sources sources)" "$plan"
awk -v p="$plan" -v v="$version" 'BEGIN { printf "ratio plan / --version: %.2fx (goal <= 2x)\n", p / v }'
