#!/usr/bin/env bash
# Prints how long the reachability analysis (Reachability.of(facts).exposures(), parsing excluded)
# takes on generated snapshots: 2k/20k/200k rules with 2,000 published ports and 20k with 200,
# cold (first run in the JVM) and JIT-warm, as wall time and as CPU time of the analysing thread.
# Usage: bench/reach.sh [runs-per-size, default 5] [RULES PORTS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
breakwater_find_jdk
cd "$here"
./mvnw -q -B -o -DskipTests package test-compile >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "target/test-classes:target/breakwater.jar" \
  dev.breakwater.bench.ReachabilityBench "${1:-5}" "${@:2}"
