#!/usr/bin/env bash
# The ccflare benchmark: direct (fake upstream), nginx and the ccflare daemon from the runtime
# image, side by side. See bench/README.md.
#
#   bench/run.sh                 full run (3 repeats, about 6-9 minutes on 2 cores)
#   bench/run.sh --smoke         about 1 minute: checks everything still works, prints the table
#   bench/run.sh --repeats 5     more repeats
#   bench/run.sh --no-build      never build the runtime image (ccflare is "not run" if it is missing)
#   bench/run.sh --jmh           the JMH micro-benchmarks instead (bench/jmh/run.sh)
#
# Results go to bench/out/<time>-<mode>/ (results.txt, results.properties, logs); bench/out/latest
# points at the last run. Timings are printed, never asserted: the exit code only says whether the
# harness itself worked.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=full
repeats=3
build=yes
for arg in "$@"; do
  case "$arg" in
    --smoke) mode=smoke ;;
    --no-build) build=no ;;
    --jmh) exec bench/jmh/run.sh ;;
    --repeats) ;;
    [0-9]*) repeats=$arg ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

. scripts/jdk.sh

out="bench/out/$(date -u +%Y%m%dT%H%M%SZ)-$mode"
mkdir -p "$out"
ln -sfn "$(basename "$out")" bench/out/latest
not_run=()

# 2,000 concurrent streams need about 4,000 sockets in each proxy and 2,000 in the client.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
  echo "bench: warning: ulimit -n is $(ulimit -n); the 2,000-stream scenario may fail" >&2
fi

# Debian packages, installed when missing; `apt-get update` only if a plain install fails.
install_pkg() {
  local pkg=$1
  echo "bench: installing $pkg (apt-get)" >&2
  if DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >>"$out/apt.log" 2>&1; then return 0; fi
  apt-get update >>"$out/apt.log" 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >>"$out/apt.log" 2>&1
}
find_tool() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

wrk=$(find_tool wrk)
if [ -z "$wrk" ]; then install_pkg wrk || true; wrk=$(find_tool wrk); fi
[ -n "$wrk" ] || { echo "bench: wrk is missing and could not be installed (see $out/apt.log)" >&2; wrk=wrk; }

nginx=$(find_tool nginx)
if [ -z "$nginx" ]; then install_pkg nginx || true; nginx=$(find_tool nginx); fi
[ -n "$nginx" ] || not_run+=(--not-run "nginx=nginx is missing and could not be installed (see $out/apt.log)")

# The bench's own Java programs: plain javac, no Maven (they use the JDK only).
classes=bench/out/classes
if [ ! -f "$classes/bench/Bench.class" ] || [ -n "$(find bench/src -newer "$classes/bench/Bench.class" -name '*.java')" ]; then
  rm -rf "$classes"
  "$JAVA_HOME/bin/javac" -d "$classes" --release 25 bench/src/bench/*.java
fi

# The ccflare runtime image.
image=$(ls -d packaging/target/ccflare-*/ 2>/dev/null | grep -v '\.tar' | head -1 || true)
if [ -z "$image" ] && [ "$build" = yes ]; then
  echo "bench: building the runtime image (./mvnw -B -q -DskipTests package; log in $out/build.log)" >&2
  ./mvnw -B -q -DskipTests package >"$out/build.log" 2>&1 || echo "bench: the image build failed (see $out/build.log)" >&2
  image=$(ls -d packaging/target/ccflare-*/ 2>/dev/null | grep -v '\.tar' | head -1 || true)
fi
if [ -z "$image" ] || [ ! -x "${image}bin/ccflare" ]; then
  not_run+=(--not-run "ccflare=no runtime image at packaging/target/ccflare-*/bin/ccflare")
  image=packaging/target/none
fi

echo "bench: $(uname -srm), $(nproc) cpus, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $("$nginx" -v 2>&1 | head -1 || true), $("$wrk" -v 2>&1 | head -1 || true), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')" | tee "$out/machine.txt"

args=(--out "$out" --classes "$classes" --lua bench/wrk/post.lua --wrk "$wrk" --nginx "$nginx" --image "$image" --repeats "$repeats")
[ "$mode" = smoke ] && args+=(--smoke)
exec "$JAVA_HOME/bin/java" -Xms256m -Xmx1g -XX:+UseParallelGC -cp "$classes" bench.Bench "${args[@]}" "${not_run[@]}"
