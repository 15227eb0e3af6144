#!/usr/bin/env bash
# Start-up of the package's launcher beside the checkout's (./breakwater), as ratios to a bare
# `java -version` of the package's bundled runtime, all measured in one run, interleaved, medians:
# `--version`, `audit --from` a small corpus snapshot, `lint` of one Compose file.
# Goals (issue 14): --version <= 4x, small audit <= 6x.
# Usage: bench/startup.sh [RUNS]            the installed package (/usr/bin/breakwater)
#        bench/startup.sh --package-root DIR [RUNS]
#            the package unpacked with `dpkg-deb -x target/breakwater_*.deb DIR` (no install): the
#            same launcher script, its /usr/ paths pointed into DIR; the AOT cache maps there too.
set -euo pipefail
cd "$(dirname "$0")/.."
root=
if [ "${1:-}" = --package-root ]; then root="$(cd "$2" && pwd)"; shift 2; fi
runs="${1:-11}"
runtime=$root/usr/lib/breakwater/runtime/bin/java
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if [ -n "$root" ]; then
  [ -x "$runtime" ] || { echo "startup: $runtime missing: dpkg-deb -x target/breakwater_*.deb $root" >&2; exit 2; }
  sed -e "s|=/usr/|=$root/usr/|g" packaging/deb/breakwater > "$tmp/breakwater"; chmod 755 "$tmp/breakwater"
  package=$tmp/breakwater
else
  [ -x /usr/bin/breakwater ] && [ -x "$runtime" ] || {
    echo "startup: the breakwater package is not installed (packaging/build-deb.sh, then apt install ./target/breakwater_*.deb, or --package-root)" >&2; exit 2; }
  package=/usr/bin/breakwater
fi
snap=src/test/resources/corpus/docker-28-ufw-bypass
cat > "$tmp/compose.yaml" <<'YAML'
services:
  db:
    image: mysql:8
    ports: ["3306:3306"]
  web:
    image: nginx
    ports: ["127.0.0.1:8080:80"]
YAML
./breakwater --version >/dev/null   # build, and record the checkout's AOT cache, outside the timings
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
names=("java -version (bundled)"
  "breakwater --version (package)" "./breakwater --version (checkout)"
  "breakwater audit --from (package)" "./breakwater audit --from (checkout)"
  "breakwater lint FILE (package)" "./breakwater lint FILE (checkout)")
declare -a t0 t1 t2 t3 t4 t5 t6
for _ in $(seq "$runs"); do
  t0+=("$(ms "$runtime" -version)")
  t1+=("$(ms "$package" --version)")
  t2+=("$(ms ./breakwater --version)")
  t3+=("$(ms "$package" audit --from "$snap")")
  t4+=("$(ms ./breakwater audit --from "$snap")")
  t5+=("$(ms "$package" lint "$tmp/compose.yaml")")
  t6+=("$(ms ./breakwater lint "$tmp/compose.yaml")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
base=$(median "${t0[@]}")
printf '%-38s %8s %7s\n' "median of $runs" "ms" "ratio"
i=0
for arr in t0 t1 t2 t3 t4 t5 t6; do
  declare -n times=$arr
  m=$(median "${times[@]}")
  printf '%-38s %8s %6.1fx\n' "${names[$i]}" "$m" "$(echo "$m / $base" | bc -l)"
  i=$((i + 1))
done
echo "goals: --version <= 4x, small audit <= 6x (load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores)"
