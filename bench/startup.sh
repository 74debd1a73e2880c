#!/usr/bin/env bash
# Start-up to first served request, as the bench's `startup` scenario measures it, without the
# rest of the bench: launch of IMAGE/bin/ccflare -> first 200 on POST /v1/messages through the
# daemon to a fake upstream, polling with curl every 2 ms, on a fresh copy of a seed database that
# holds two anthropic API-key accounts (the seed's regular files only, as the bench copies them).
#
# usage: bench/startup.sh [IMAGE_DIR[,IMAGE_DIR...]] [RUNS]   (defaults: packaging/target/ccflare-0.1.0, 7)
#        Several images are launched in turn (A B A B ...), so a shared machine's load hits them alike;
#        the seed is made by the first.
# env:   JAVA_OPTS extra JVM options for the measured launches; KEEP=1 keeps the work directory;
#        LOGS=1 prints each run's daemon log.
# Prints each run's milliseconds and the median. Compiles the bench's Java programs into
# bench/out/classes when they are missing (as bench/run.sh does).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd -P)
IMGS=()
IFS=, read -r -a given <<<"${1:-$here/packaging/target/ccflare-0.1.0}"
for g in "${given[@]}"; do IMGS+=("$(cd "$g" && pwd -P)"); done
IMG=${IMGS[0]}
RUNS=${2:-7}
cd "$here"
. scripts/jdk.sh
J=$JAVA_HOME/bin/java
CLASSES=${BENCH_CLASSES:-$here/bench/out/classes}
if [ ! -f "$CLASSES/bench/FakeUpstream.class" ]; then
  "$JAVA_HOME/bin/javac" -d "$CLASSES" --release 25 bench/src/bench/*.java
fi
W=$(mktemp -d /tmp/ccflare-startup.XXXXXX)
TOKEN=tok-startup-0123456789abcdef
freeport() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"; }
UP=$(freeport)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT

$J -Xms32m -Xmx128m -XX:+UseSerialGC -cp "$CLASSES" bench.FakeUpstream --port $UP >"$W/up.log" 2>&1 &
pids+=($!)

daemon_env() { # dir port: the environment of a daemon on that directory and port
  E=(PORT=$2 HOST=127.0.0.1 CCFLARE_DB_PATH=$1/ccflare.db CCFLARE_ADMIN_TOKEN=$TOKEN
    CCFLARE_SOCKET_PATH=$1/ccflare.sock XDG_RUNTIME_DIR=$1 XDG_DATA_HOME=$1 XDG_CONFIG_HOME=$1 HOME=$1)
}
# (env and the launcher both exec, so $! is the JVM's pid: SIGTERM reaches the daemon itself)
BODY='{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}'
post() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d "$BODY" "http://127.0.0.1:$1/v1/messages" 2>/dev/null || true; }

# 1. the seed: first start, two accounts, one request through, SIGTERM
mkdir -p "$W/seed"
P=$(freeport)
daemon_env "$W/seed" $P
env "${E[@]}" JAVA_OPTS= "$IMG/bin/ccflare" >"$W/seed/daemon.log" 2>&1 &
SP=$!; pids+=($SP)
for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$P/health" && break; sleep 0.1; done
for n in a1 a2; do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$n\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-x-$n\",\"baseUrl\":\"http://127.0.0.1:$UP\"}" \
    "http://127.0.0.1:$P/api/accounts"
done
[ "$(post $P)" = 200 ] || { echo "seed: no 200 through the daemon" >&2; cat "$W/seed/daemon.log" >&2; exit 1; }
kill -TERM $SP; wait $SP || true
rm -f "$W/seed/daemon.log"

# 2. the measured launches
median() { sort -n | awk '{a[NR]=$1} END{if (NR) printf "%d", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for i in $(seq "$RUNS"); do
 for j in "${!IMGS[@]}"; do
  IMG=${IMGS[$j]}
  d="$W/run$i-$j"; mkdir -p "$d"
  find "$W/seed" -maxdepth 1 -type f -exec cp {} "$d/" \;
  P=$(freeport)
  daemon_env "$d" $P
  t0=$(date +%s%N)
  env "${E[@]}" "$IMG/bin/ccflare" >"$d/daemon.log" 2>&1 &
  DP=$!; pids+=($DP)
  code=
  while [ "$code" != 200 ]; do
    code=$(post $P)
    [ "$code" = 200 ] && break
    kill -0 $DP 2>/dev/null || { echo "run $i: daemon exited" >&2; cat "$d/daemon.log" >&2; exit 1; }
    sleep 0.002
  done
  t1=$(date +%s%N)
  # CPU the JVM used until then (all its threads): less noisy than wall time on a shared machine
  c=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' <(cut -d')' -f2- /proc/$DP/stat | sed 's/^/x x/'))
  if [ -n "${THREADS:-}" ]; then # CPU per thread (name: ms), the biggest first
    for t in /proc/$DP/task/*; do
      echo "$(tr ' ' '_' <"$t/comm" | sed 's/[0-9][0-9]*$/#/') $(cut -d')' -f2- "$t/stat" | awk -v hz="$(getconf CLK_TCK)" '{print int(($12 + $13) * 1000 / hz)}')"
    done | awk '{a[$1]+=$2} END{for (k in a) if (a[k]) print a[k], k}' | sort -rn | head -8 | tr '\n' ' '; echo
  fi
  m=$(( (t1 - t0) / 1000000 ))
  kill -TERM $DP; wait $DP || true
  # when the daemon logged "listening" (its pretty format's wall-clock timestamp), for the split
  ts=$(sed -n 's/^\([0-9T:.-]*\)Z .* listening on .*/\1/p' "$d/daemon.log" | head -1)
  l=$([ -n "$ts" ] && echo $(( $(date -d "${ts}Z" +%s%3N) - t0 / 1000000 )) || echo "?")
  echo "$m" >>"$W/ms.$j"; echo "$c" >>"$W/cpu.$j"; [ "$l" = "?" ] || echo "$l" >>"$W/listen.$j"
  echo "run $i ${IMG}: $m ms (listening at $l ms, cpu $c ms)"
  [ -z "${LOGS:-}" ] || cat "$d/daemon.log"
 done
done
for j in "${!IMGS[@]}"; do
  echo "${IMGS[$j]}: median $(median <"$W/ms.$j") ms to the first 200 (min $(sort -n "$W/ms.$j" | head -1), max $(sort -n "$W/ms.$j" | tail -1), n=$(wc -l <"$W/ms.$j")); listening at $(median <"$W/listen.$j" 2>/dev/null) ms; cpu until the first 200 $(median <"$W/cpu.$j") ms"
done
