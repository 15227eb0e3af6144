#!/usr/bin/env bash
# Prints watch's latency percentiles (container start event -> allow verified in iptables-save)
# over container starts in the lab (its own dockerd and firewall in namespaces bwl-*; the
# machine's own firewall is never touched). Needs root. Goal: p99 <= 100 ms.
# Usage: sudo bench/watch-latency.sh [starts=60] [warm-up=5]
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
exec "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Dbreakwater.lab.prefix="${BREAKWATER_LAB_PREFIX:-bwl}" -cp "target/test-classes:target/breakwater.jar" \
  dev.breakwater.bench.WatchLatencyBench "${1:-60}" "${2:-5}"
