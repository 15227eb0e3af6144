#!/usr/bin/env bash
# Applying 1,000 allow entries with `breakwater apply` vs the same entries added one
# `ufw route allow` call at a time, both inside private network namespaces (bwx-bench-*) loaded
# with the Docker 28 rules of the corpus host docker-28-ipv6. Prints wall times and the ratio
# (goal >= 50x). The host's own firewall and UFW files are never touched: UFW runs in a private
# mount namespace on bind-mounted copies of /etc/ufw, /lib/ufw and /etc/default/ufw.
#
# Usage: sudo bench/policy-apply.sh [entries, default 1000] [ufw calls timed, default 100]
# UFW rewrites and reloads all of its rules on every call, so a call gets slower as rules pile
# up: when fewer UFW calls than entries are timed, the per-call time of the first calls is
# extrapolated, which flatters UFW (the ratio printed is a lower bound).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
entries="${1:-1000}"
ufw_calls="${2:-100}"
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, iptables in them)" >&2; exit 2; }
cd "$here"
./breakwater --version >/dev/null
snap="$here/src/test/resources/corpus/docker-28-ipv6"
work="$(mktemp -d)"
bw_ns="bwx-bench-$$-a"; ufw_ns="bwx-bench-$$-u"
cleanup() { ip netns del "$bw_ns" 2>/dev/null || true; ip netns del "$ufw_ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ms() { echo $(( ($2 - $1) / 1000000 )); }

for ns in "$bw_ns" "$ufw_ns"; do
  ip netns add "$ns"
  ip netns exec "$ns" iptables-restore < "$snap/iptables-save.txt"
  ip netns exec "$ns" ip6tables-restore < "$snap/ip6tables-save.txt"
done

# Odd addresses: no two are adjacent, so the compiler cannot merge them into fewer blocks.
source_of() { echo "198.18.$(( $1 / 100 )).$(( $1 % 100 * 2 + 1 ))"; }
{ echo "allow:"; for i in $(seq 0 $((entries - 1))); do printf '  - port: 8080\n    from: %s\n' "$(source_of "$i")"; done; } > "$work/ipset.yml"
{ echo "ipset-threshold: 1000000"; cat "$work/ipset.yml"; } > "$work/rules.yml"

bw_apply() {  # $1 policy; prints the wall ms of one apply from an empty BREAKWATER chain
  local t0 t1
  t0=$(date +%s%N)
  ./breakwater apply --policy "$1" --from "$snap" --netns "$bw_ns" --state-dir "$work/state" >"$work/apply.log" 2>&1 \
    || { cat "$work/apply.log" >&2; exit 1; }
  t1=$(date +%s%N)
  ./breakwater rollback --netns "$bw_ns" --state-dir "$work/state" >/dev/null
  ms "$t0" "$t1"
}
best() { local b=999999999 v; for _ in 1 2 3; do v=$("$@"); [ "$v" -lt "$b" ] && b=$v; done; echo "$b"; }
bw_set=$(best bw_apply "$work/ipset.yml")
bw_rules=$(best bw_apply "$work/rules.yml")

# The firewall transaction alone: the same chain as one iptables-restore --noflush, no JVM, no proof.
./breakwater apply --policy "$work/rules.yml" --from "$snap" --netns "$bw_ns" --state-dir "$work/state" >/dev/null 2>&1
{ echo "*filter"; echo ":BREAKWATER - [0:0]"; ip netns exec "$bw_ns" iptables-save -t filter | grep '^-A BREAKWATER '; echo "COMMIT"; } > "$work/chain.rules"
./breakwater rollback --netns "$bw_ns" --state-dir "$work/state" >/dev/null
restore_once() {
  local t0 t1
  t0=$(date +%s%N); ip netns exec "$bw_ns" iptables-restore --noflush < "$work/chain.rules"; t1=$(date +%s%N)
  printf '*filter\n:BREAKWATER - [0:0]\n-X BREAKWATER\nCOMMIT\n' | ip netns exec "$bw_ns" iptables-restore --noflush
  ms "$t0" "$t1"
}
bw_restore=$(best restore_once)

# UFW, one call per entry, in its own mount namespace.
ufw_ms=$(unshare --mount --propagation private bash -euo pipefail -c '
  work="$1"; ns="$2"; calls="$3"
  for pair in /etc/ufw:etc-ufw /lib/ufw:lib-ufw /etc/default/ufw:default-ufw; do
    cp -a "${pair%%:*}" "$work/${pair##*:}"; mount --bind "$work/${pair##*:}" "${pair%%:*}"
  done
  ip netns exec "$ns" ufw --force reset >/dev/null
  ip netns exec "$ns" ufw default deny routed >/dev/null
  ip netns exec "$ns" ufw --force enable >/dev/null
  t0=$(date +%s%N)
  for i in $(seq 0 $((calls - 1))); do
    ip netns exec "$ns" ufw route allow proto tcp from "198.18.$(( i / 100 )).$(( i % 100 * 2 + 1 ))" to any port 8080 >/dev/null
  done
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
' bench "$work" "$ufw_ns" "$ufw_calls")
ufw_total=$(awk -v m="$ufw_ms" -v c="$ufw_calls" -v n="$entries" 'BEGIN{printf "%d", m / c * n}')

printf '%-52s %10s\n' "what" "wall ms"
printf '%-52s %10s\n' "breakwater apply, $entries allows -> 1 ipset (JVM incl.)" "$bw_set"
printf '%-52s %10s\n' "breakwater apply, $entries allows -> $entries rules (JVM incl.)" "$bw_rules"
printf '%-52s %10s\n' "iptables-restore of those $entries rules alone" "$bw_restore"
printf '%-52s %10s\n' "ufw route allow x $ufw_calls (measured)" "$ufw_ms"
printf '%-52s %10s\n' "ufw route allow x $entries ($( [ "$ufw_calls" -eq "$entries" ] && echo measured || echo extrapolated))" "$ufw_total"
awk -v u="$ufw_total" -v a="$bw_set" -v b="$bw_rules" -v r="$bw_restore" 'BEGIN{printf "ratio ufw/breakwater apply: %.0fx (ipset), %.0fx (rules); ufw/transaction alone: %.0fx; goal >= 50x\n", u/a, u/b, u/(r>0?r:1)}'
echo "(breakwater apply includes the JVM start and the reach-engine proof before and after, which dominates with $entries distinct sources)"
