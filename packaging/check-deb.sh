#!/usr/bin/env bash
# Package check (run by .ci/run as root on a fresh Debian machine): builds the .deb, installs it
# with apt, runs the installed command, its man page and completion, purges it and checks that
# nothing is left, and runs lintian on it. Needs: asciidoctor and binutils (build), man-db (man -w),
# lintian, zsh. Exit 0 only if every check passed.
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

# lintian, Debian's package checker: every error or warning fails the check unless its tag is
# accepted here, each for a reason.
accepted_lintian_tags=(
  # The bundled runtime is Eclipse Temurin's build of OpenJDK, which links its own copy of zlib
  # into libzip.so and libjli.so; the package ships that runtime as built (jlink), not rebuilt.
  embedded-library
  # jrt-fs.jar is part of the runtime's layout (lib/jrt-fs.jar); the JVM looks for it there.
  jar-not-in-usr-share
  # Jackson's multi-release jar has classes for Java 23+ (class version 67) that this lintian
  # does not know yet; the bundled runtime is Java 25.
  unknown-java-class-version
  # WantedBy=docker.service on purpose: a dockerd restart (PartOf=) stops breakwater.service,
  # and this brings it back with dockerd (packaging/breakwater.service says so).
  systemd-service-file-refers-to-unusual-wantedby-target
)
if command -v lintian >/dev/null; then
  lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>/dev/null || true)
  accepted_pattern="^[EW]: breakwater: ($(IFS='|'; echo "${accepted_lintian_tags[*]}"))( |$)"
  unexpected=$(printf '%s\n' "$lintian_out" | grep -E '^[EW]: ' | grep -vE "$accepted_pattern" || true)
  [ -z "$unexpected" ] || printf 'check-deb: lintian: %s\n' "$unexpected" >&2
  check "lintian reports no tag but the accepted ones" [ -z "$unexpected" ]
else
  check "lintian is installed (apt-get install lintian)" false
fi

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
if command -v zsh >/dev/null; then
  check "zsh completes 'breakwater au' to audit" sh -c \
    '[ "$(zsh -f packaging/zsh-complete.zsh "breakwater au")" = audit ]'
else
  check "zsh is installed (apt-get install zsh)" false
fi
check "units installed, not enabled" sh -c '[ -f /usr/lib/systemd/system/breakwater.service ] &&
  [ -f /usr/lib/systemd/system/breakwater-watch.service ] &&
  [ ! -e /etc/systemd/system/multi-user.target.wants/breakwater.service ] &&
  [ ! -e /etc/systemd/system/multi-user.target.wants/breakwater-watch.service ]'
check "the conffile is registered" sh -c 'dpkg-query -W -f="\${Conffiles}" breakwater | grep -q /etc/breakwater/policy.example.yml'

apt-get purge -y -qq breakwater >/dev/null
check "dpkg no longer lists breakwater" sh -c '! dpkg -L breakwater >/dev/null 2>&1'
for gone in /usr/share/breakwater /usr/lib/breakwater /usr/bin/breakwater /etc/breakwater \
    /usr/share/bash-completion/completions/breakwater /usr/share/zsh/vendor-completions/_breakwater \
    /usr/share/man/man1/breakwater-audit.1.gz \
    /usr/lib/systemd/system/breakwater.service; do
  check "purged: $gone" [ ! -e "$gone" ]
done
[ "$failures" -eq 0 ] || { echo "check-deb: $failures check(s) failed" >&2; exit 1; }
echo "check-deb: all checks passed"
