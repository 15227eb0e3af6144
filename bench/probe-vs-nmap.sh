#!/usr/bin/env bash
# Benchmark: a full TCP connect scan (ports 1-65535) of a lab host, Breakwater vs nmap.
#
# Needs root (network namespaces, iptables inside them) and nmap. Creates two namespaces,
# bwp-target and bwp-scan, joined by a veth pair with 198.18.0.0/30 addresses; nothing is
# added to the root namespace. The target runs a few listeners and an INPUT policy that first
# DROPs unsolicited packets (as UFW does), then REJECTs them (tcp-reset). Both scanners run
# from bwp-scan; the script prints wall times, the ratio, and whether the open ports agree.
#
# Usage: sudo bench/probe-vs-nmap.sh [extra breakwater probe flags, e.g. --timeout 300]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
target_ns=bwp-target
scan_ns=bwp-scan
target_ip=198.18.0.1
scan_ip=198.18.0.2
open_ports=(22 4444 31337 50000 65535)
extra_flags=("$@")

if [ "$(id -u)" -ne 0 ]; then
  echo "probe-vs-nmap: needs root (namespaces and iptables inside them)" >&2
  exit 2
fi
command -v nmap >/dev/null || { echo "probe-vs-nmap: nmap is not installed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "probe-vs-nmap: python3 is not installed" >&2; exit 2; }

work="$(mktemp -d /tmp/bwp-bench.XXXXXX)"
listener_pid=""
cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true
  ip netns del "$target_ns" 2>/dev/null || true
  ip netns del "$scan_ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cleanup_stale() { ip netns del "$target_ns" 2>/dev/null || true; ip netns del "$scan_ns" 2>/dev/null || true; }
cleanup_stale

# Build the jar first so that its build time is not counted as scan time.
"$here/breakwater" --version >/dev/null

ip netns add "$target_ns"
ip netns add "$scan_ns"
# The veth pair is created inside the target namespace and its peer moved straight to the
# scanner's: neither end ever exists in the root namespace.
ip -n "$target_ns" link add bwp-t0 type veth peer name bwp-s0 netns "$scan_ns"
ip -n "$target_ns" addr add "$target_ip/30" dev bwp-t0
ip -n "$scan_ns" addr add "$scan_ip/30" dev bwp-s0
for ns in "$target_ns" "$scan_ns"; do
  ip -n "$ns" link set lo up
done
ip -n "$target_ns" link set bwp-t0 up
ip -n "$scan_ns" link set bwp-s0 up

# Listeners: accept and close, on every open port, inside the target namespace only.
ports_csv="$(IFS=,; echo "${open_ports[*]}")"
ip netns exec "$target_ns" python3 -c '
import socket, selectors, sys
sel = selectors.DefaultSelector()
for p in sys.argv[1].split(","):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(p))); s.listen(1024); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        try:
            c, _ = key.fileobj.accept(); c.close()
        except OSError:
            pass
' "$ports_csv" >"$work/listener.log" 2>&1 &
listener_pid=$!
for _ in $(seq 50); do grep -q ready "$work/listener.log" 2>/dev/null && break; sleep 0.1; done

firewall() { # $1 = DROP or REJECT
  ip netns exec "$target_ns" iptables -F INPUT
  ip netns exec "$target_ns" iptables -P INPUT ACCEPT
  ip netns exec "$target_ns" iptables -A INPUT -i lo -j ACCEPT
  ip netns exec "$target_ns" iptables -A INPUT -p tcp -m multiport --dports "$ports_csv" -j ACCEPT
  if [ "$1" = REJECT ]; then
    ip netns exec "$target_ns" iptables -A INPUT -p tcp -j REJECT --reject-with tcp-reset
  fi
  ip netns exec "$target_ns" iptables -P INPUT DROP
}

now() { date +%s.%N; }

run_breakwater() { # prints "seconds open-ports"
  local t0 t1
  t0=$(now)
  ip netns exec "$scan_ns" bash -c 'ulimit -n 65536; exec "$0" "$@"' "$here/breakwater" probe "$target_ip" --all \
      --format json "${extra_flags[@]}" >"$work/bw.json" 2>"$work/bw.err" || [ $? -eq 1 ]
  t1=$(now)
  local open scan
  open=$(python3 -c 'import json,sys; print(",".join(str(p["port"]) for p in sorted(json.load(open(sys.argv[1]))["open"], key=lambda p: p["port"])))' "$work/bw.json")
  scan=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsedMillis"] / 1000)' "$work/bw.json")
  echo "$(echo "$t1 - $t0" | bc -l) $scan $open"
}

run_nmap() {
  local t0 t1
  t0=$(now)
  ip netns exec "$scan_ns" nmap -sT -p- -T5 -n -Pn "$target_ip" -oG "$work/nmap.txt" >/dev/null
  t1=$(now)
  local open
  open=$(grep -o '[0-9]*/open/tcp' "$work/nmap.txt" | cut -d/ -f1 | sort -n | paste -sd, -)
  echo "$(echo "$t1 - $t0" | bc -l) $open"
}

echo "probe-vs-nmap: target $target_ip in $target_ns, open ports ${ports_csv}; breakwater flags: ${extra_flags[*]:-(defaults)}"
status=0
for mode in DROP REJECT; do
  firewall "$mode"
  read -r bw_s bw_scan bw_open < <(run_breakwater)
  read -r nm_s nm_open < <(run_nmap)
  ratio=$(echo "$bw_s / $nm_s" | bc -l)
  same=$([ "$bw_open" = "$nm_open" ] && echo yes || echo NO)
  printf '%-6s breakwater %6.2f s (scan %5.2f s)  nmap -sT -p- -T5 %6.2f s  ratio %.3f  same open ports: %s (breakwater: %s; nmap: %s)\n' \
    "$mode" "$bw_s" "$bw_scan" "$nm_s" "$ratio" "$same" "${bw_open:-none}" "${nm_open:-none}"
  [ "$same" = yes ] || status=1
done
exit "$status"
