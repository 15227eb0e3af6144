#!/usr/bin/env bash
# The CLI end to end: with `breakwater watch` running as a child process (default deny, allows from breakwater.allow labels), how long
# after `docker run` an allowed container answers its allowed source, and what watch's own log
# says (start event -> policy in force). A real dockerd in a bwx namespace; nothing touches the
# host's own firewall. Usage: sudo bench/watch-latency-cli.sh [containers, default 20]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"; breakwater_find_jdk
[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces, dockerd)" >&2; exit 2; }
cd "$here"
./breakwater --version >/dev/null
./mvnw -q -B -o test-compile >/dev/null
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/breakwater.jar" dev.breakwater.policy.WatchLatencyBench "${1:-20}"
