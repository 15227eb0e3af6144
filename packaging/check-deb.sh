#!/usr/bin/env bash
# Package check (run by .ci/run as root on a fresh Debian machine): builds the .deb, installs it
# with apt, runs the installed command, its man page and completion, purges it and checks that
# nothing is left. Needs: asciidoctor (build), man-db (man -w). Exit 0 only if every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (it installs and purges the package)" >&2; exit 2; }
failures=0
check() { # check DESCRIPTION COMMAND...: runs the command, reports, counts a failure
  local what="$1"; shift
  if "$@"; then echo "check-deb: ok   $what"; else echo "check-deb: FAIL $what" >&2; failures=$((failures + 1)); fi
}

# CHECK_DEB=FILE checks an already built package instead of building one.
deb="${CHECK_DEB:-}"
if [ -z "$deb" ]; then packaging/build-deb.sh; deb=$(ls target/breakwater_*_amd64.deb); fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$(readlink -f "$deb")" >/dev/null

check "breakwater --version" sh -c 'breakwater --version | grep -q "^breakwater "'
audit_exit=0
breakwater audit --from src/test/resources/corpus/docker-28-ufw-bypass >/tmp/check-deb-audit.txt || audit_exit=$?
check "audit of docker-28-ufw-bypass exits 1 (findings), got $audit_exit" [ "$audit_exit" -eq 1 ]
check "the audit names a finding" grep -qi 'reach' /tmp/check-deb-audit.txt
# Both families in the snapshot, so the plan's proof can pass: exit 0 (2 would be a bad policy).
check "the example policy plans, its proof holds" sh -c 'breakwater plan --policy /etc/breakwater/policy.example.yml --from src/test/resources/corpus/docker-28-ipv6 >/dev/null'
# The launcher's cache must be the one the JVM maps (AOTMode=on refuses to start otherwise).
check "the AOT cache is accepted" sh -c '/usr/lib/breakwater/runtime/bin/java -XX:+UseSerialGC \
  -XX:TieredStopAtLevel=1 -XX:AOTMode=on -XX:AOTCache=/usr/lib/breakwater/breakwater.aot \
  -Xlog:aot=off -Xlog:cds=off -jar /usr/share/breakwater/breakwater.jar --version >/dev/null'
check "man -w breakwater-audit" sh -c 'man -w breakwater-audit >/dev/null'
check "bash completes 'breakwater au' to audit" bash -c '
  source /usr/share/bash-completion/completions/breakwater
  COMP_WORDS=(breakwater au); COMP_CWORD=1; COMP_LINE="breakwater au"; COMP_POINT=${#COMP_LINE}
  _complete_breakwater; [ "${COMPREPLY[*]}" = audit ]'
check "units installed, not enabled" sh -c '[ -f /usr/lib/systemd/system/breakwater.service ] &&
  [ -f /usr/lib/systemd/system/breakwater-watch.service ] &&
  [ ! -e /etc/systemd/system/multi-user.target.wants/breakwater.service ] &&
  [ ! -e /etc/systemd/system/multi-user.target.wants/breakwater-watch.service ]'
check "the conffile is registered" sh -c 'dpkg-query -W -f="\${Conffiles}" breakwater | grep -q /etc/breakwater/policy.example.yml'

apt-get purge -y -qq breakwater >/dev/null
check "dpkg no longer lists breakwater" sh -c '! dpkg -L breakwater >/dev/null 2>&1'
for gone in /usr/share/breakwater /usr/lib/breakwater /usr/bin/breakwater /etc/breakwater \
    /usr/share/bash-completion/completions/breakwater /usr/share/man/man1/breakwater-audit.1.gz \
    /usr/lib/systemd/system/breakwater.service; do
  check "purged: $gone" [ ! -e "$gone" ]
done
[ "$failures" -eq 0 ] || { echo "check-deb: $failures check(s) failed" >&2; exit 1; }
echo "check-deb: all checks passed"
