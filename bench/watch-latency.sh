#!/usr/bin/env bash
# How long after a container starts its allow is in force, the one watch-latency bench, in two
# modes (both need root; nothing touches the host's own firewall):
#   sudo bench/watch-latency.sh [starts=60] [warm-up=5]     watch in the same JVM against the lab:
#       start event -> allowed address connects, and watch's own start event -> policy in force
#   sudo bench/watch-latency.sh --cli [containers=20]       `breakwater watch` as a child process
#       on a real dockerd in a test namespace: docker run -> allowed source connects
#   sudo bench/watch-latency.sh --backend nft [events=52] [block=13]   both backends side by side
#       in one run (iptables, then nft, alternating in blocks), the engine's proof before every
#       correction as `breakwater watch` runs it: container start -> correction applied and ->
#       allowed source connects, for a start that only changes an allow (nft: set elements) and
#       one that adds a port (nft: table replace); the proof's host read and engine times
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
breakwater_find_jdk
if [ "$(id -u)" -ne 0 ]; then
  echo "watch-latency: needs root (the lab: namespaces, dockerd)" >&2
  exit 2
fi
cd "$here"
./mvnw -q -B -o -DskipTests package test-compile >/dev/null
# BREAKWATER_LAB_PREFIX=bww gives the benchmark a lab of its own (namespaces bww-*), away from test runs.
if [ "${1:-}" = "--backend" ]; then
  [ "${2:-}" = "nft" ] || { echo "watch-latency: --backend nft (it runs the iptables backend beside it)" >&2; exit 2; }
  uptime
  exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dbreakwater.lab.prefix="${BREAKWATER_LAB_PREFIX:-bwl}" -cp "target/test-classes:target/breakwater.jar" \
    dev.breakwater.bench.WatchBackendLatencyBench "${3:-52}" "${4:-13}"
fi
if [ "${1:-}" = "--cli" ]; then
  exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/breakwater.jar" dev.breakwater.bench.WatchCliLatencyBench "${2:-20}"
fi
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dbreakwater.lab.prefix="${BREAKWATER_LAB_PREFIX:-bwl}" -cp "target/test-classes:target/breakwater.jar" \
  dev.breakwater.bench.WatchLatencyBench "${1:-60}" "${2:-5}"
