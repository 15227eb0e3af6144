#!/usr/bin/env bash
# The kernel as the reachability engine's oracle, long run: generates RULESETS random rulesets in
# Docker's and UFW's shapes (from FIRST_SEED on), loads each into a lab network namespace with
# iptables-restore, makes CASES real TCP connection attempts per ruleset from an attacker
# namespace, and compares each outcome with the engine's trace verdict. Prints every mismatch and
# "cases N, mismatches M"; exit 1 when there is a mismatch.
# Needs root. Everything it makes lives in bwo-* namespaces and is removed at the end (and at the
# start, if a crashed run left any). Default: 250 rulesets x 40 cases = 10,000 cases, ~3 minutes.
# Usage: sudo [BACKEND=legacy|nft] bench/kernel-oracle.sh [RULESETS] [FIRST_SEED] [CASES]
# (CASES per ruleset from the attacker; an eighth more are made from the containers outwards.)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"
breakwater_find_jdk
if [ "$(id -u)" -ne 0 ]; then
  echo "kernel-oracle: needs root (network namespaces, iptables-restore inside them)" >&2
  exit 2
fi
cd "$here"
./mvnw -q -B -o -DskipTests package test-compile >/dev/null
exec "$JAVA_HOME/bin/java" ${BACKEND:+-Dbreakwater.oracle.backend=$BACKEND} -cp "target/test-classes:target/breakwater.jar" \
  dev.breakwater.reach.oracle.KernelOracle "${1:-250}" "${2:-1}" "${3:-40}"
