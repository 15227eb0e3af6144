#!/usr/bin/env bash
# Issue 13 item 8: `breakwater apply` of 1,000 allows, whole (JVM, plan and its proof, the commit
# order's proof, the journal, the kernel change, verify, conntrack clean-up) against the yardstick
# `breakwater --version`, both backends, inside a private network namespace (bwx-bench-*) loaded
# with the Docker 28 rules of the corpus host docker-28-ipv6; and the journal's cost per apply:
# the same apply with its state directory on disk (ext4 under /tmp: every journal, backup and
# policy write is fsynced) and on tmpfs (/dev/shm: fsync costs nothing), plus the fsyncs of one
# apply counted and timed with strace. Interleaved, medians. The host's own firewall is never touched.
#
# Usage: sudo bench/apply-wall.sh [entries, default 1000] [runs, default 3]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
entries="${1:-1000}"
runs="${2:-3}"
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, iptables and nft in them)" >&2; exit 2; }
command -v nft >/dev/null || { echo "needs nft (Debian package nftables)" >&2; exit 2; }
cd "$here"
./breakwater --version >/dev/null
snap="$here/src/test/resources/corpus/docker-28-ipv6"
work="$(mktemp -d)"; shm="$(mktemp -d -p /dev/shm)"
ns="bwx-bench-$$-j"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work" "$shm"; }
trap cleanup EXIT
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
uptime

ip netns add "$ns"
ip netns exec "$ns" iptables-restore < "$snap/iptables-save.txt"
ip netns exec "$ns" ip6tables-restore < "$snap/ip6tables-save.txt"
# Odd addresses: no two are adjacent, so the compiler cannot merge them into fewer blocks.
source_of() { echo "198.18.$(( $1 / 100 )).$(( $1 % 100 * 2 + 1 ))"; }
{ echo "ipset-threshold: 1000000"; echo "allow:"; for i in $(seq 0 $((entries - 1))); do printf '  - port: 8080\n    from: %s\n' "$(source_of "$i")"; done; } > "$work/policy.yml"

version_once() { local t0 t1; t0=$(date +%s%N); ./breakwater --version >/dev/null; t1=$(date +%s%N); ms "$t0" "$t1"; }
apply_once() {  # $1 backend, $2 state directory; the wall ms of one apply from nothing of ours, then rolled back
  local t0 t1
  t0=$(date +%s%N)
  ./breakwater apply --backend "$1" --policy "$work/policy.yml" --from "$snap" --netns "$ns" --state-dir "$2" \
    >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; exit 1; }
  t1=$(date +%s%N)
  ./breakwater rollback --netns "$ns" --state-dir "$2" >/dev/null
  ms "$t0" "$t1"
}

: > "$work/t"
for r in $(seq "$runs"); do  # interleaved, so that all see the same machine
  echo "ver $(version_once)" >> "$work/t"
  echo "ipt-disk $(apply_once iptables "$work/state-ipt-$r")" >> "$work/t"
  echo "ipt-shm $(apply_once iptables "$shm/state-ipt-$r")" >> "$work/t"
  echo "ver $(version_once)" >> "$work/t"
  echo "nft-disk $(apply_once nft "$work/state-nft-$r")" >> "$work/t"
  echo "nft-shm $(apply_once nft "$shm/state-nft-$r")" >> "$work/t"
done
# One apply under strace: every fsync of the process tree (the state directory's writes: journal
# intent and completion, backups, the policy copy, the log), with its time.
strace -f --seccomp-bpf -qq -e trace=fsync,fdatasync -T -o "$work/strace" \
  ./breakwater apply --backend nft --policy "$work/policy.yml" --from "$snap" --netns "$ns" --state-dir "$work/state-strace" >/dev/null 2>&1
./breakwater rollback --netns "$ns" --state-dir "$work/state-strace" >/dev/null
fsyncs=$(grep -c 'sync(' "$work/strace" || true)
fsync_ms=$(grep -o '<[0-9.]*>' "$work/strace" | tr -d '<>' | awk '{s+=$1} END {printf "%.1f", s*1000}')
uptime

m() { awk -v k="$1" '$1==k {print $2}' "$work/t" | median; }
ver=$(m ver); id=$(m ipt-disk); is=$(m ipt-shm); nd=$(m nft-disk); nsm=$(m nft-shm)
printf '%-72s %9s %9s\n' "what (median of $runs; $entries allows, port 8080)" "wall ms" "/version"
row() { awk -v w="$2" -v v="$ver" -v t="$1" 'BEGIN{printf "%-72s %9d %8.1fx\n", t, w, w/(v>0?v:1)}'; }
row "breakwater --version (the yardstick)" "$ver"
row "apply --backend iptables (proof, commit order, journal, verify, cut)" "$id"
row "apply --backend iptables, state directory on tmpfs (fsync free)" "$is"
row "apply --backend nft (proof, journal, verify, cut)" "$nd"
row "apply --backend nft, state directory on tmpfs (fsync free)" "$nsm"
echo "goal (issue 13): apply <= 2x --version: iptables $(awk -v a="$id" -v v="$ver" 'BEGIN{print (a<=2*v)?"met":"NOT met"}'), nft $(awk -v a="$nd" -v v="$ver" 'BEGIN{print (a<=2*v)?"met":"NOT met"}')"
echo "journal's cost per apply: disk - tmpfs = iptables $((id - is)) ms, nft $((nd - nsm)) ms (noise of the same order);" \
  "strace of one nft apply: $fsyncs fsyncs, $fsync_ms ms inside fsync"
# The same as ratios: of the apply's wall (what share of an apply the journal's durability costs)
# and of the yardstick (how much of the 2x budget it takes).
awk -v id="$id" -v is="$is" -v nd="$nd" -v ns="$nsm" -v f="$fsync_ms" -v v="$ver" 'BEGIN{
  printf "journal as a ratio: (disk - tmpfs) / apply = iptables %.2f, nft %.2f; fsync time / nft apply = %.3f, / --version = %.3f\n",
    (id-is)/(id>0?id:1), (nd-ns)/(nd>0?nd:1), f/(nd>0?nd:1), f/(v>0?v:1)}'
