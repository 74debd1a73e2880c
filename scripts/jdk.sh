# Sourced by the project's scripts: finds a JDK 25 and exports JAVA_HOME, or explains what to install.
# The machine's default java may be older (Debian's is 17); the build needs 25.
ccflare_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
ccflare_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*25* /opt/java/*25* ; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ -x "$candidate/bin/jlink" ] || continue
    major=$(ccflare_java_major "$candidate")
    if [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "ccflare needs a JDK 25 (with javac and jlink) but found none: set JAVA_HOME to one, or install it (e.g. Temurin 25 under /usr/lib/jvm)." >&2
  return 1
}
ccflare_find_jdk || exit 1
