#!/usr/bin/env bash
# As root: two namespaces (synxa listens on 80, synxb sends hand-made SYNs with a raw socket)
# and prints the answer to each source port and flag combination. docs/reach.md cites the result.
set -e
ip netns add synxa; ip netns add synxb
trap 'ip netns del synxa; ip netns del synxb' EXIT
ip link add sxa type veth peer name sxb
ip link set sxa netns synxa; ip link set sxb netns synxb
ip -n synxa addr add 198.51.100.1/24 dev sxa; ip -n synxb addr add 198.51.100.2/24 dev sxb
ip -n synxa link set sxa up; ip -n synxb link set sxb up; ip -n synxa link set lo up
ip netns exec synxa iptables -A INPUT -m conntrack --ctstate INVALID -j LOG 2>/dev/null || true
ip netns exec synxa sh -c 'echo 0 > /proc/sys/net/ipv4/tcp_syncookies' || true
ip netns exec synxa python3 -c 'import socket,time;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("0.0.0.0",80));s.listen(100);time.sleep(30)' &
L=$!
sleep 0.5
# keep the prober's kernel from RSTing the SYN-ACK before we read it: it does, but our raw socket still sees the SYN-ACK
ip netns exec synxb python3 "$(dirname "$0")/syn.py" 198.51.100.2 198.51.100.1 80
echo "--- with conntrack INVALID drop in INPUT:"
ip netns exec synxa iptables -I INPUT -m conntrack --ctstate INVALID -j DROP
ip netns exec synxb python3 "$(dirname "$0")/syn.py" 198.51.100.2 198.51.100.1 80
ip netns exec synxa iptables -L INPUT -v -n
kill $L || true
