#!/usr/bin/env bash
# Prints how long IptablesSaveParser takes on a generated 200,000-rule dump, cold and JIT-warm.
# Usage: bench/parser.sh [rules] [rounds]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
breakwater_find_jdk
cd "$here"
./mvnw -q -B -o -DskipTests package test-compile >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "target/test-classes:target/breakwater.jar" \
  dev.breakwater.netfilter.bench.ParserBench "${1:-200000}" "${2:-15}"
