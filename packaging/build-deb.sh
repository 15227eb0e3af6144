#!/usr/bin/env bash
# Builds target/breakwater_<version>_amd64.deb: the shaded jar, a jlink runtime of the modules it
# needs, an AOT cache recorded for the installed paths, man pages, bash and zsh completion, systemd
# units.
# Needs a JDK >= 25 (jlink without jmods, AOT cache) and, from Debian: asciidoctor, dpkg-deb, binutils.
# Downloads only from Maven Central (the jar's dependencies, picocli-codegen for the man pages).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/find-jdk.sh
. scripts/find-jdk.sh
breakwater_find_jdk || exit 2
if [ "$BREAKWATER_JAVA_MAJOR" -lt 25 ]; then
  echo "build-deb: $JAVA_HOME is JDK $BREAKWATER_JAVA_MAJOR; the package needs a JDK 25 or newer (set JAVA_HOME)" >&2
  exit 2
fi
for tool in "$JAVA_HOME/bin/jlink" "$JAVA_HOME/bin/jdeps"; do
  [ -x "$tool" ] || { echo "build-deb: $tool missing: set JAVA_HOME to a JDK 25 or newer" >&2; exit 2; }
done
command -v asciidoctor >/dev/null || { echo "build-deb: asciidoctor missing: apt-get install asciidoctor" >&2; exit 2; }

version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -n 1)
picocli=$(sed -n 's|.*<picocli.version>\(.*\)</picocli.version>.*|\1|p' pom.xml)
work=target/deb
root=$work/root
deb=target/breakwater_${version}_amd64.deb
rm -rf "$work" "$deb"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/breakwater" "$root/usr/lib/breakwater" \
  "$root/usr/lib/systemd/system" "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions" \
  "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/doc/breakwater/examples" "$root/etc/breakwater"

echo "build-deb: jar"
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:copy -Dartifact="info.picocli:picocli-codegen:$picocli" -DoutputDirectory="$work/tools"
jar=target/breakwater.jar
install -m 644 "$jar" "$root/usr/share/breakwater/breakwater.jar"

# jdeps names java.desktop only for Jackson's java.beans support (ext.beans.JavaBeansAnnotations),
# which Jackson loads inside a catch (Throwable) and skips when the module is absent: leaving it
# out saves 14 MB. java.sql stays: it brings java.xml, which Jackson's serializers need at once.
modules=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 "$jar" \
  | tr ',' '\n' | grep -vx 'java.desktop' | paste -sd, -)
echo "build-deb: runtime of $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$root/usr/lib/breakwater/runtime"
# jlink copies the JDK's legal notices read-only (0444); Debian's files are 0644 (lintian's
# non-standard-file-perm). The JDK's native code keeps its symbol tables: strip them, as Debian's
# own openjdk packages do (lintian's unstripped-binary-or-object), before the AOT cache is recorded.
find "$root/usr/lib/breakwater/runtime" -type f -perm 0444 -exec chmod 0644 {} +
command -v strip >/dev/null || { echo "build-deb: strip missing: apt-get install binutils" >&2; exit 2; }
find "$root/usr/lib/breakwater/runtime" -type f \( -name '*.so' -o -perm -0100 \) -print0 \
  | xargs -0 strip --strip-unneeded --remove-section=.comment --remove-section=.note

install -m 755 packaging/deb/breakwater "$root/usr/bin/breakwater"

# The AOT cache is recorded here, with the staged runtime and jar: the JVM maps it after both
# move together to their installed paths (dpkg keeps sizes and times; check-deb.sh proves it with
# -XX:AOTMode=on). Flags as in packaging/deb/breakwater. A failed training ships no cache.
echo "build-deb: AOT cache"
if ! "$root/usr/lib/breakwater/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:AOTCacheOutput="$root/usr/lib/breakwater/breakwater.aot" -Xlog:aot=off -Xlog:cds=off \
    -jar "$root/usr/share/breakwater/breakwater.jar" --aot-training >"$work/aot-training.log" 2>&1; then
  echo "build-deb: AOT training failed (see $work/aot-training.log); packaging without a cache" >&2
  rm -f "$root/usr/lib/breakwater/breakwater.aot"
fi

echo "build-deb: man pages, completion"
java="$JAVA_HOME/bin/java"
"$java" -cp "$jar:$work/tools/picocli-codegen-$picocli.jar" picocli.codegen.docgen.manpage.ManPageGenerator \
  -d "$work/adoc" 'dev.breakwater.cli.Main$Tree'
asciidoctor -b manpage -D "$work/man" "$work"/adoc/*.adoc
for page in "$work"/man/*.1; do gzip -9n -c "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"; done
# A completion file is sourced, never run: picocli's "#!/usr/bin/env bash" line goes (lintian's
# bash-completion-with-hashbang). zsh uses the same script through bashcompinit (_breakwater).
"$java" -cp "$jar" picocli.AutoComplete --force -n breakwater -o "$work/completion.bash" 'dev.breakwater.cli.Main$Tree'
sed '1{/^#!/d}' "$work/completion.bash" > "$root/usr/share/bash-completion/completions/breakwater"
chmod 644 "$root/usr/share/bash-completion/completions/breakwater"
install -m 644 packaging/deb/_breakwater "$root/usr/share/zsh/vendor-completions/_breakwater"

for unit in breakwater.service breakwater-watch.service; do
  sed -e 's|/usr/local/bin/breakwater|/usr/bin/breakwater|g' \
      -e 's|^# Install:  cp .*|# Installed by the breakwater package (never enabled by it):|' \
      "packaging/$unit" > "$root/usr/lib/systemd/system/$unit"
done
# /etc/ufw/after.init belongs to the ufw package: the hook ships as an example (docs/policy.md).
sed -e 's|/usr/local/bin/breakwater|/usr/bin/breakwater|g' packaging/ufw-after.init \
  > "$root/usr/share/doc/breakwater/examples/ufw-after.init"
install -m 644 packaging/deb/policy.example.yml "$root/etc/breakwater/policy.example.yml"
install -m 644 packaging/deb/policy.example.yml "$root/usr/share/doc/breakwater/examples/policy.yml"
cp docs/*.md "$root/usr/share/doc/breakwater/"
install -m 644 packaging/deb/copyright "$root/usr/share/doc/breakwater/copyright"
# A native package's changelog is changelog.gz (Debian policy 12.7); its top entry must be this version.
changelog_version=$(sed -n '1s/^breakwater (\([^)]*\)).*/\1/p' packaging/deb/changelog)
if [ "$changelog_version" != "$version" ]; then
  echo "build-deb: packaging/deb/changelog's top entry is $changelog_version, pom.xml says $version: add an entry" >&2
  exit 2
fi
gzip -9n -c packaging/deb/changelog > "$root/usr/share/doc/breakwater/changelog.gz"

echo /etc/breakwater/policy.example.yml > "$root/DEBIAN/conffiles"
install -m 755 packaging/deb/postinst packaging/deb/postrm "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@INSTALLED_SIZE@|$size|" packaging/deb/control > "$root/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1); installed ${size} KiB)"
