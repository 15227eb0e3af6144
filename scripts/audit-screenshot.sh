#!/usr/bin/env bash
# scripts/audit-screenshot.sh [OUT]: renders `audit --format html` of a corpus snapshot and of a
# fleet of 50 hosts (corpus snapshots copied with their own hostnames) in headless Chromium, and
# leaves the pages, a screenshot of each, a filtered view of the fleet and the fleet on paper
# (PDF, the print style sheet) in OUT (default target/audit-page/) for a person to look at.
# Needs: chromium (apt-get install chromium), and ./breakwater's build (a JDK).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-target/audit-page}" && cd "${1:-target/audit-page}" && pwd)
command -v chromium >/dev/null || { echo "audit-screenshot: chromium missing: apt-get install chromium" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fleet=$work/fleet
scenarios=(docker-28-ufw-bypass docker-20.10-ufw-bypass docker-user-fixed lab-seed-incident
  docker-user-dport-mistake host-network-container lab-docker-user-allowlist)
mkdir -p "$fleet"
for i in $(seq 0 49); do
  name=$(printf 'host-%02d' "$i")
  cp -r "src/test/resources/corpus/${scenarios[$((i % ${#scenarios[@]}))]}" "$fleet/$name"
  echo "$name" > "$fleet/$name/hostname"
done
# Host listeners too: the snapshot with ss-listening.txt, as one more host.
cp -r src/test/resources/listeners/host-listeners "$fleet/edge-01"
echo edge-01 > "$fleet/edge-01/hostname"

# Exit 1 means findings, which these snapshots have: only 2 and above is a failure.
render() { local rc=0; ./breakwater audit "$@" --format html || rc=$?; [ "$rc" -le 1 ]; }
render --from src/test/resources/listeners/host-listeners > "$out/one-host.html"
render --from "$fleet" > "$out/fleet.html"

shoot() { # shoot PAGE-URL PNG HEIGHT
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size=1400,"$3" --screenshot="$2" "$1" >/dev/null 2>&1
  echo "audit-screenshot: $2"
}
shoot "file://$out/one-host.html" "$out/one-host.png" 2000
shoot "file://$out/fleet.html" "$out/fleet.png" 3000
shoot "file://$out/fleet.html?severity=critical" "$out/fleet-critical.png" 3000
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --no-pdf-header-footer \
  --print-to-pdf="$out/fleet-print.pdf" "file://$out/fleet.html" >/dev/null 2>&1
echo "audit-screenshot: $out/fleet-print.pdf (the print style sheet)"
