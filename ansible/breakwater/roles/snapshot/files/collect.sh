#!/bin/sh
# The plain commands of docs/snapshot.md, for a host without Breakwater: writes the snapshot
# directory $1. Optional tools that are missing are skipped, as 'breakwater snapshot' does.
set -u
d="$1"
mkdir -p "$d" || exit 1
iptables-save > "$d/iptables-save.txt" || exit 1
command -v ip6tables-save >/dev/null && ip6tables-save > "$d/ip6tables-save.txt"
ids=$(docker ps -q 2>/dev/null)
if [ -n "$ids" ]; then docker inspect $ids > "$d/docker-inspect.json" || exit 1; else echo '[]' > "$d/docker-inspect.json"; fi
ip -j addr show > "$d/ip-addr.json" || exit 1
ip -j route show > "$d/ip-route.json"
ip -6 -j route show > "$d/ip6-route.json"
command -v ufw >/dev/null && ufw status verbose > "$d/ufw-status.txt"
[ -f /etc/docker/daemon.json ] && cp /etc/docker/daemon.json "$d/"
command -v ipset >/dev/null && ipset save > "$d/ipset-save.txt"
command -v nft >/dev/null && { nft -j list ruleset > "$d/nft-ruleset.json" 2>/dev/null || rm -f "$d/nft-ruleset.json"; }
hostname > "$d/hostname"
ss -Htulnp > "$d/ss-listening.txt"
docker info --format '{{json .}}' > "$d/docker-info.json" 2>/dev/null || rm -f "$d/docker-info.json"
[ -f /etc/default/ufw ] && cp /etc/default/ufw "$d/ufw-default"
exit 0
