# Sourced by ./breakwater and ./run-tests: sets JAVA_HOME to a JDK >= 21 or explains why it cannot.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).

breakwater_java_major() {
  # Prints the feature version of the JDK at $1 (17, 21, 25 ...), nothing if unknown. Reads the
  # JDK's `release` file: starting a JVM per candidate would cost more than Breakwater's own start.
  local v=""
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1)
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  # "1.8" style versions are below 21 anyway.
  [ "$v" = "1" ] && v=8
  echo "$v"
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
    major=$(breakwater_java_major "$c")
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
