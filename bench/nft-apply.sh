#!/usr/bin/env bash
# Applying 1,000 allow entries through the nft backend (one `nft -f` of the inet breakwater
# table, the sources in one interval set) vs the DOCKER-USER backend (one iptables-restore
# --noflush per family, one rule per source), side by side in one run, inside a private network
# namespace (bwx-bench-*) loaded with the Docker 28 rules of the corpus host docker-28-ipv6.
# Prints medians of N runs of each and their ratio, for the whole `breakwater apply` (JVM and
# proof included) and for the firewall transaction alone (the tool, no JVM). The host's own
# firewall is never touched.
#
# Usage: sudo bench/nft-apply.sh [entries, default 1000] [runs, default 5]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
entries="${1:-1000}"
runs="${2:-5}"
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, iptables and nft in them)" >&2; exit 2; }
command -v nft >/dev/null || { echo "needs nft (Debian package nftables)" >&2; exit 2; }
cd "$here"
./breakwater --version >/dev/null
snap="$here/src/test/resources/corpus/docker-28-ipv6"
work="$(mktemp -d)"
ns="bwx-bench-$$-n"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

ip netns add "$ns"
ip netns exec "$ns" iptables-restore < "$snap/iptables-save.txt"
ip netns exec "$ns" ip6tables-restore < "$snap/ip6tables-save.txt"

# Odd addresses: no two are adjacent, so the compiler cannot merge them into fewer blocks.
source_of() { echo "198.18.$(( $1 / 100 )).$(( $1 % 100 * 2 + 1 ))"; }
{ echo "ipset-threshold: 1000000"; echo "allow:"; for i in $(seq 0 $((entries - 1))); do printf '  - port: 8080\n    from: %s\n' "$(source_of "$i")"; done; } > "$work/policy.yml"

apply_once() {  # $1 backend; the wall ms of one apply from nothing of ours, then rolled back
  local t0 t1
  t0=$(date +%s%N)
  ./breakwater apply --backend "$1" --policy "$work/policy.yml" --from "$snap" --netns "$ns" --state-dir "$work/state-$1" \
    >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; exit 1; }
  t1=$(date +%s%N)
  ./breakwater rollback --netns "$ns" --state-dir "$work/state-$1" >/dev/null
  ms "$t0" "$t1"
}

# The transactions alone: what each apply hands the kernel, captured once, then replayed.
./breakwater apply --backend nft --policy "$work/policy.yml" --from "$snap" --netns "$ns" --state-dir "$work/state-nft" >/dev/null 2>&1
{ printf 'table inet breakwater {}\ndelete table inet breakwater\n'; ip netns exec "$ns" nft list table inet breakwater; } > "$work/table.nft"
./breakwater rollback --netns "$ns" --state-dir "$work/state-nft" >/dev/null
./breakwater apply --backend iptables --policy "$work/policy.yml" --from "$snap" --netns "$ns" --state-dir "$work/state-iptables" >/dev/null 2>&1
for fam in ip ip6; do
  { echo "*filter"; echo ":BREAKWATER - [0:0]"; ip netns exec "$ns" "${fam}tables-save" -t filter | grep '^-A BREAKWATER '; echo "COMMIT"; } > "$work/chain-$fam.rules"
done
./breakwater rollback --netns "$ns" --state-dir "$work/state-iptables" >/dev/null
nft_once() {
  local t0 t1
  t0=$(date +%s%N); ip netns exec "$ns" nft -f "$work/table.nft"; t1=$(date +%s%N)
  printf 'table inet breakwater {}\ndelete table inet breakwater\n' | ip netns exec "$ns" nft -f -
  ms "$t0" "$t1"
}
restore_once() {
  local t0 t1
  t0=$(date +%s%N)
  ip netns exec "$ns" iptables-restore --noflush < "$work/chain-ip.rules"
  ip netns exec "$ns" ip6tables-restore --noflush < "$work/chain-ip6.rules"
  t1=$(date +%s%N)
  for fam in ip ip6; do printf '*filter\n:BREAKWATER - [0:0]\n-X BREAKWATER\nCOMMIT\n' | ip netns exec "$ns" "${fam}tables-restore" --noflush; done
  ms "$t0" "$t1"
}

: > "$work/t"
for _ in $(seq "$runs"); do  # interleaved, so that both see the same machine
  echo "nft $(apply_once nft)" >> "$work/t"
  echo "ipt $(apply_once iptables)" >> "$work/t"
  echo "nftx $(nft_once)" >> "$work/t"
  echo "iptx $(restore_once)" >> "$work/t"
done
m() { awk -v k="$1" '$1==k {print $2}' "$work/t" | median; }
nft_ms=$(m nft); ipt_ms=$(m ipt); nftx_ms=$(m nftx); iptx_ms=$(m iptx)
printf '%-64s %10s\n' "what (median of $runs)" "wall ms"
printf '%-64s %10s\n' "breakwater apply --backend nft, $entries allows (JVM, proof)" "$nft_ms"
printf '%-64s %10s\n' "breakwater apply --backend iptables, $entries allows (JVM, proof)" "$ipt_ms"
printf '%-64s %10s\n' "nft -f of the table alone (1 set of $entries)" "$nftx_ms"
printf '%-64s %10s\n' "iptables-restore + ip6tables-restore of the chains alone" "$iptx_ms"
awk -v a="$nft_ms" -v b="$ipt_ms" -v c="$nftx_ms" -v d="$iptx_ms" 'BEGIN{printf "ratio iptables/nft: apply %.2fx, transaction alone %.1fx\n", b/(a>0?a:1), d/(c>0?c:1)}'
