# Sourced by ./breakwater and ./run-tests: sets JAVA_HOME to a JDK >= 21 or explains why it cannot.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).

breakwater_java_major() {
  # Prints the feature version of the java binary in $1 (17, 21, 25 ...), nothing if it does not run.
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

breakwater_find_jdk() {
  local candidates=() c major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in /usr/lib/jvm/*/; do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(breakwater_java_major "$c/bin/java")
    [ -n "$major" ] || continue
    # The first acceptable candidate in priority order wins, except that among the
    # /usr/lib/jvm scan the newest is preferred (its AOT cache starts faster).
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$c"; best_major="$major"
      [ "$c" = "${JAVA_HOME:-}" ] && break
    fi
  done
  if [ -z "$best" ]; then
    echo "breakwater: no JDK 21 or newer found (looked at \$JAVA_HOME, the javac on PATH and /usr/lib/jvm/*)." >&2
    echo "breakwater: install one, for example: sudo apt-get install openjdk-21-jdk-headless (or set JAVA_HOME)." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export BREAKWATER_JAVA_MAJOR="$best_major"
}
