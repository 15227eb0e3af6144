#!/usr/bin/env bash
# Side by side in one run: audit --from generated snapshots with an older jar (OLD, the first
# argument) and this checkout's (NEW), plain java -jar for both (no AOT cache), medians of RUNS
# runs interleaved; yardsticks: NEW's --version and java -version. Build an OLD jar with
# `git worktree add /tmp/old REV && (cd /tmp/old && ./mvnw -q -o package -DskipTests)`.
# Usage: bench/audit-vs-jar.sh OLD.jar [RUNS, default 5]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
. "$here/scripts/find-jdk.sh"; breakwater_find_jdk
J="$JAVA_HOME/bin/java"
OLD="${1:?usage: bench/audit-vs-jar.sh OLD.jar [RUNS]}"; NEW="$here/target/breakwater.jar"
RUNS="${2:-5}"; out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
(cd "$here" && ./mvnw -q -B -o package -DskipTests >/dev/null 2>&1 && ./mvnw -q -B -o test-compile >/dev/null 2>&1)
mkdir -p $out
gen() { $J -cp "$here/target/test-classes:$NEW" dev.breakwater.bench.SnapshotGenerator "$@"; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1-t0)/1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
for spec in "2000 2000" "20000 2000" "20000 200"; do set -- $spec; [ -d $out/r$1-p$2 ] || gen $out/r$1-p$2 $1 $2; done
printf '%-20s %9s %9s %7s %9s\n' snapshot old_ms new_ms new/old new/--ver
jv=(); bv=()
for i in $(seq $RUNS); do jv+=($(ms $J -version)); bv+=($(ms $J -jar $NEW --version)); done
JV=$(printf '%s\n' "${jv[@]}" | median); BV=$(printf '%s\n' "${bv[@]}" | median)
for spec in "2000 2000" "20000 2000" "20000 200"; do set -- $spec; d=$out/r$1-p$2; o=(); n=()
  for i in $(seq $RUNS); do o+=($(ms $J -jar $OLD audit --from $d --format json)); n+=($(ms $J -jar $NEW audit --from $d --format json)); done
  O=$(printf '%s\n' "${o[@]}" | median); N=$(printf '%s\n' "${n[@]}" | median)
  printf '%-20s %9s %9s %7.2f %9.2f\n' "$1 rules $2 ports" $O $N $(awk -v a=$N -v b=$O 'BEGIN{print a/b}') $(awk -v a=$N -v b=$BV 'BEGIN{print a/b}')
done
echo "java -version median ms: $JV; breakwater --version (java -jar, no AOT) median ms: $BV"
