#!/usr/bin/env bash
# Records the daemon's AOT cache (JDK 25, JEP 483/514: classes loaded and linked; no method
# profiles, see below) from a training run that does what a real start does:
#   1. a first start on a new database, two API-key accounts added through the API (pointing at a
#      fake upstream, Training.java), stopped - not recorded: a real start finds an existing
#      database, and the first start's work (Flyway's migration) would only bloat the cache;
#   2. the recorded start on that database: proxied POST /v1/messages (JSON and streamed) to the
#      fake upstream, /health and the API's reads, then SIGTERM; the JVM writes lib/ccflare.aot as
#      it exits. So the first request's classes are loaded and linked in the cache.
# While the daemon serves, a ccflarectl list and a ccflarectl tui session over its socket (in a
# pseudo-terminal, see below) record ccflarectl's caches (lib/ccflarectl.aot, lib/ccflarectl-tui.aot).
#
# The cache is only valid for the image at this absolute path (the JVM checks the module path and
# the runtime's location), so the launcher uses it only when lib/ccflare.aot.home names its own
# directory, and the tarball leaves it out. This script is in the image
# (share/ccflare/train-aot.sh, with Training compiled in share/ccflare/training/, run by the
# image's own runtime, which carries jdk.httpserver for it), so the build records the cache of
# the build tree and `ccflare-install` records one where it installs the image.
#
# A daemon that is running from this image keeps its mapping of the old cache: each new cache is
# written under a new name and renamed over the old one (a new inode; rewriting a mapped .aot in
# place would crash that daemon with SIGBUS).
#
# Usage: train-aot.sh [IMAGE_DIR] (default: the image this script is in). A failure is reported
# and leaves no cache; it exits 0 all the same (the image works without it, only slower to start).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
image=$(cd "${1:-$here/../..}" && pwd -P)
java="$image/runtime/bin/java"
training_classes="$image/share/ccflare/training"
cache="$image/lib/ccflare.aot"
ctl_cache="$image/lib/ccflarectl.aot"
new_cache="$cache.new.$$"
new_ctl_cache="$ctl_cache.new.$$"
tui_cache="$image/lib/ccflarectl-tui.aot"
new_tui_cache="$tui_cache.new.$$"
work=$(mktemp -d "${TMPDIR:-/tmp}/ccflare-aot.XXXXXX")
token=training-admin-token-0123456789abcdef
upstream_pid=
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "$upstream_pid" ] && kill "$upstream_pid" 2>/dev/null && wait "$upstream_pid" 2>/dev/null
  rm -rf "$work"
  rm -f "$new_cache" "$new_ctl_cache" "$new_tui_cache"
}
trap cleanup EXIT

give_up() {
  echo "WARNING: AOT training: $1; no AOT cache. The daemon's output:" >&2
  cat "$work/out.log" >&2 2>/dev/null
  exit 0
}

# Starts the daemon on $work with extra JAVA_OPTS $1; sets daemon_pid and url.
start_daemon() {
  : >"$work/out.log"
  # The admin socket too: the build's own $XDG_RUNTIME_DIR may hold a running daemon's socket.
  CCFLARE_NO_AOT=1 HOME="$work" CCFLARE_DB_PATH="$work/ccflare.db" CCFLARE_SOCKET_PATH="$work/ccflare.sock" PORT=0 HOST=127.0.0.1 \
    CCFLARE_ADMIN_TOKEN="$token" XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" XDG_RUNTIME_DIR="$work" \
    JAVA_OPTS="$1" "$image/bin/ccflare" >"$work/out.log" 2>&1 &
  daemon_pid=$!
  url=
  for _ in $(seq 1 600); do
    url=$(sed -n 's/.* listening on \(http:[^ ]*\) .*/\1/p' "$work/out.log" | head -1)
    [ -n "$url" ] && return 0
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

stop_daemon() {
  kill -TERM "$daemon_pid"
  wait "$daemon_pid"
  local status=$?
  daemon_pid=
  return $status
}

[ -f "$training_classes/Training.class" ] || give_up "no $training_classes/Training.class"
training() { "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 --add-modules jdk.httpserver,java.net.http -cp "$training_classes" Training "$@"; }

# The fake upstream: prints its URL, serves until its stdin (a pipe held open here) closes.
mkfifo "$work/upstream.in"
training upstream <"$work/upstream.in" >"$work/upstream.url" 2>"$work/upstream.log" &
upstream_pid=$!
exec 4>"$work/upstream.in"
for _ in $(seq 1 100); do [ -s "$work/upstream.url" ] && break; sleep 0.1; done
upstream=$(head -1 "$work/upstream.url")
[ -n "$upstream" ] || give_up "the fake upstream did not start: $(cat "$work/upstream.log")"

# 1. the first start: a new database and two accounts
start_daemon "" || give_up "the daemon did not start"
training seed "$url" "$token" "$upstream" || give_up "adding the training accounts failed"
stop_daemon || give_up "the first start did not stop cleanly"

# 2. the recorded start. Without method profiles (-AOTRecordTraining, JEP 515): with them, every
# start had the JIT compile at once what was hot in training, on the cores the start needs -
# measured 650 ms to the first proxied 200 with them against 570 ms without (median of 9,
# alternating, 2 shared cores). The JIT still profiles and compiles as usual, so the steady state
# is the same; only the first few thousand requests run a little colder.
start_daemon "-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:AOTCacheOutput=$new_cache -Xlog:aot=error" \
  || give_up "the daemon did not start on the training database"
training drive "$url" "$token" || give_up "the training requests failed"

# ccflarectl's caches, recorded while the daemon serves: one for the one-shot commands
# (lib/ccflarectl.aot, from a `list`) and one for the TUI (lib/ccflarectl-tui.aot, from a session
# of `ccflarectl tui` in a pseudo-terminal, script(1) of util-linux, visiting every screen). The
# launcher picks by the command. A cache holds every class its training run loaded, and the JVM
# maps and loads all of them at every start: the TUI's (JLine, its FFM terminal, the screens)
# made `list` load 4,112 classes where its own loads 3,197, and cost it 0.06-0.08 s of CPU (of
# 0.58-0.66 s, measured under load). Without script(1), or if the session fails, the TUI uses the
# one-shot cache. A failure only means no ccflarectl cache (or no TUI cache).
# (CCFLARE_NO_AOT: the launchers then pass no -XX:AOTCache of an older cache beside AOTCacheOutput.)
ctl_record() { CCFLARE_NO_AOT=1 JAVA_OPTS="-XX:AOTCacheOutput=$1 -Xlog:aot=error" "${@:2}"; }
ctl_trained=
if ctl_record "$new_ctl_cache" "$image/bin/ccflarectl" --socket "$work/ccflare.sock" list >>"$work/ctl.log" 2>&1 \
    && [ -s "$new_ctl_cache" ]; then
  ctl_trained=1
fi
tui_trained=
if [ -n "$ctl_trained" ] && command -v script >/dev/null 2>&1; then
  tui_command="CCFLARE_NO_AOT=1 JAVA_OPTS='-XX:AOTCacheOutput=$new_tui_cache -Xlog:aot=error' TERM=xterm-256color"
  tui_command="$tui_command $(printf '%q' "$image/bin/ccflarectl") --socket $(printf '%q' "$work/ccflare.sock") tui"
  # Keys typed before the TUI reads them wait in the terminal; q ends it (timeout: never hang a build).
  { sleep 4; printf 2; sleep 1; printf 3; sleep 1; printf 4; sleep 1; printf '?'; sleep 1; printf x; sleep 1; printf q; } \
    | timeout 120 script -qfec "$tui_command" /dev/null >>"$work/ctl.log" 2>&1
  [ -s "$new_tui_cache" ] && tui_trained=1
fi
if [ -n "$ctl_trained" ]; then
  mv -f "$new_ctl_cache" "$ctl_cache"
  if [ -n "$tui_trained" ]; then
    mv -f "$new_tui_cache" "$tui_cache"
  else
    rm -f "$new_tui_cache" "$tui_cache"
    echo "WARNING: AOT training of ccflarectl tui failed; the TUI uses the one-shot commands' cache. Its output:" >&2
    cat "$work/ctl.log" >&2
  fi
  printf '%s\n' "$image" >"$ctl_cache.home.new.$$" && mv -f "$ctl_cache.home.new.$$" "$ctl_cache.home"
  echo "AOT caches for ccflarectl: $(du -h "$ctl_cache" | cut -f1) (one-shot commands)$([ -f "$tui_cache" ] && echo ", $(du -h "$tui_cache" | cut -f1) (tui)")"
else
  echo "WARNING: AOT training of ccflarectl failed; no new ccflarectl cache. Its output:" >&2
  cat "$work/ctl.log" >&2
fi

stop_daemon
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$new_cache" ]; then
  give_up "exit status $status, cache $new_cache not written"
fi
mv -f "$new_cache" "$cache"
printf '%s\n' "$image" >"$cache.home.new.$$" && mv -f "$cache.home.new.$$" "$cache.home"
echo "AOT cache for $image: $(du -h "$cache" | cut -f1)"
