#!/usr/bin/env bash
# Records the daemon's AOT cache (JDK 25, JEP 483/514/515: classes loaded and linked, method
# profiles) by starting the built image once against a temporary directory, asking /health and
# stopping it with SIGTERM; the JVM writes lib/ccflare.aot as it exits. While the daemon runs,
# one ccflarectl command over its socket records ccflarectl's cache (lib/ccflarectl.aot).
#
# The cache is only valid for the image at this absolute path (the JVM checks the module path and
# the runtime's location), so the launcher uses it only when lib/ccflare.aot.home names its own
# directory, and the tarball leaves it out. Measured here: start to first /health 200 about
# 1.4 s with it against 4.1 s without (median of 3, loaded 2-core machine).
#
# Usage: train-aot.sh IMAGE_DIR. A failure is reported and leaves no cache; it does not fail the
# build, because the image works without it.
set -uo pipefail
image=$(cd "$1" && pwd -P)
cache="$image/lib/ccflare.aot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$cache" "$cache.home"

# The admin socket too: the build's own $XDG_RUNTIME_DIR may hold a running daemon's socket.
HOME="$work" CCFLARE_DB_PATH="$work/ccflare.db" CCFLARE_SOCKET_PATH="$work/ccflare.sock" PORT=0 XDG_CONFIG_HOME="$work" \
  JAVA_OPTS="-XX:AOTCacheOutput=$cache -Xlog:aot=error" \
  "$image/bin/ccflare" >"$work/out.log" 2>&1 &
pid=$!

url=
for _ in $(seq 1 600); do
  url=$(sed -n 's/.* listening on \(http:[^ ]*\) .*/\1/p' "$work/out.log" | head -1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "WARNING: AOT training: the daemon did not start; no AOT cache. Its output:" >&2
  cat "$work/out.log" >&2
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  exit 0
fi

# One request through the API path, so its classes are in the cache too.
hostport=${url#http://}
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" && {
  printf 'GET /health HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$hostport" >&3
  cat <&3 >/dev/null
  exec 3<&-
}

# ccflarectl's cache, recorded while the daemon serves: one command through the socket loads
# picocli's model, the Jetty client and the JSON path. A failure only means no ccflarectl cache.
ctl_cache="$image/lib/ccflarectl.aot"
rm -f "$ctl_cache" "$ctl_cache.home"
if JAVA_OPTS="-XX:AOTCacheOutput=$ctl_cache -Xlog:aot=error" \
    "$image/bin/ccflarectl" --socket "$work/ccflare.sock" list --json >"$work/ctl.log" 2>&1 && [ -s "$ctl_cache" ]; then
  printf '%s\n' "$image" >"$ctl_cache.home"
  echo "AOT cache for ccflarectl: $(du -h "$ctl_cache" | cut -f1)"
else
  echo "WARNING: AOT training of ccflarectl failed; no ccflarectl cache. Its output:" >&2
  cat "$work/ctl.log" >&2
  rm -f "$ctl_cache"
fi

kill -TERM "$pid"
wait "$pid"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$cache" ]; then
  echo "WARNING: AOT training: exit status $status, cache ${cache} not written; no AOT cache." >&2
  tail -20 "$work/out.log" >&2
  rm -f "$cache"
  exit 0
fi
printf '%s\n' "$image" >"$cache.home"
echo "AOT cache for $image: $(du -h "$cache" | cut -f1)"
