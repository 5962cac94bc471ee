#!/usr/bin/env bash
# Side-by-side benchmark of Waystation's relay and Tailscale's derper (v1.102.3).
#
#   src/bench/run.sh            build, run both servers one after the other, update BENCHMARKS.md
#   src/bench/run.sh --quick    short smoke run (seconds, few connections); BENCHMARKS.md untouched
#   src/bench/run.sh --no-build skip ./mvnw package and go build (use what is in target/)
#   src/bench/run.sh --profile  also record a JFR CPU profile of the relay (summary in the results folder)
#   src/bench/run.sh --self-check  derper in both slots (an A/A run: shows the noise; writes nothing)
#
# Both servers run on loopback only, on free ports, and are driven by the SAME Go load generators
# (src/interop/cmd/derpload, src/interop/cmd/stunload) built on Tailscale's own client packages.
# Every load phase is bounded in time and count. Raw JSON results and server logs go to
# src/bench/target/<UTC timestamp>/.
#
# Knobs (environment): PAIRS=10 SIZE=1400 DURATION=10s WARMUP=3s WINDOW=16 CONNS=10000
# WARM_CONNS=1000 SETTLE=5 STUN_DURATION=10s STUN_WORKERS=4 STUN_WINDOW=8
# RELAY_JVM_OPTS="-Xms512m -Xmx512m -XX:+UseG1GC" (heap settings used for the relay, stated in the table).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/src/bench"
BIN="$ROOT/src/interop/target/bin"
RELAY_JAR="$ROOT/relay/target/quarkus-app/quarkus-run.jar"
HOST=127.0.0.1 # loopback only: this benchmark never sends traffic anywhere else

PAIRS=${PAIRS:-10}
SIZE=${SIZE:-1400}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
WINDOW=${WINDOW:-16}
CONNS=${CONNS:-10000}
WARM_CONNS=${WARM_CONNS:-1000}
SETTLE=${SETTLE:-5}
STUN_DURATION=${STUN_DURATION:-10s}
STUN_WORKERS=${STUN_WORKERS:-4}
STUN_WINDOW=${STUN_WINDOW:-8}
RELAY_JVM_OPTS=${RELAY_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC}

BUILD=1
WRITE=1
PROFILE=0
SELF_CHECK=0
for arg in "$@"; do
  case "$arg" in
    --quick)
      DURATION=2s WARMUP=1s CONNS=500 WARM_CONNS=100 SETTLE=1 STUN_DURATION=2s WRITE=0 ;;
    --no-build) BUILD=0 ;;
    --profile) PROFILE=1 ;;
    --self-check) SELF_CHECK=1 WRITE=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

OUT="$BENCH/target/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "FAILED: $*"; exit 1; }

for tool in go java curl jq ss awk; do
  command -v "$tool" >/dev/null || die "'$tool' is required (Debian: apt-get install -y golang-go openjdk-17-jdk-headless curl jq iproute2 gawk)"
done

# --- processes this script started; ended on exit, by pid ----------------------------------------
STARTED=()
cleanup() {
  for pid in "${STARTED[@]:-}"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

stop_pid() { # stop_pid PID: SIGTERM, up to 30 s for a graceful exit, then SIGKILL
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- build -----------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ] && [ "$SELF_CHECK" = 0 ]; then
  log "building the relay (./mvnw package -DskipTests -pl relay -am)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests -pl relay -am) >"$OUT/build-relay.log" 2>&1 \
    || die "relay build failed, see $OUT/build-relay.log"
fi
if [ "$BUILD" = 1 ]; then
  log "building derpload, stunload and derper v1.102.3 (go build in src/interop)"
  (cd "$ROOT/src/interop" && mkdir -p target/bin \
    && go build -o target/bin/ ./cmd/derpload ./cmd/stunload \
    && go build -o target/bin/derper tailscale.com/cmd/derper) >"$OUT/build-go.log" 2>&1 \
    || die "Go build failed, see $OUT/build-go.log"
fi
for f in "$BIN/derpload" "$BIN/stunload" "$BIN/derper"; do
  [ -e "$f" ] || die "$f is missing (run without --no-build)"
done
[ "$SELF_CHECK" = 1 ] || [ -e "$RELAY_JAR" ] || die "$RELAY_JAR is missing (run without --no-build)"

# --- limits and ports ------------------------------------------------------------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge $((CONNS + 1000)) ] \
  || die "open-file limit $(ulimit -n) is too low for $CONNS connections (need $((CONNS + 1000)); raise the hard limit)"

TAKEN_PORTS=" "
free_port() { # free_port tcp|udp: a port nobody listens on, not handed out before in this run
  local proto=$1 flag port
  [ "$proto" = tcp ] && flag=-ltnH || flag=-lunH
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    case "$TAKEN_PORTS" in *" $port "*) continue ;; esac
    if ! ss "$flag" "sport = :$port" | grep -q .; then
      TAKEN_PORTS="$TAKEN_PORTS$port "
      echo "$port"
      return
    fi
  done
  die "no free $proto port found"
}

wait_http() { # wait_http URL PID SECONDS: until the URL answers 2xx
  local url=$1 pid=$2 secs=$3
  for _ in $(seq $((secs * 10))); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# --- the load phases, the same for both servers -------------------------------------------------------
# bench_server NAME PID DERP_URL STUN_ADDR RATE: writes $OUT/NAME-*.json
bench_server() {
  local name=$1 pid=$2 url=$3 stun=$4 rate=$5
  log "$name: throughput, $PAIRS pairs x $SIZE B, window $WINDOW, $DURATION"
  timeout 600 "$BIN/derpload" -mode throughput -url "$url" -pairs "$PAIRS" -size "$SIZE" \
    -window "$WINDOW" -duration "$DURATION" -warmup "$WARMUP" >"$OUT/$name-throughput.json" \
    || die "$name throughput run failed"
  log "$name: $(jq -c '{packets_per_sec, bytes_per_sec}' "$OUT/$name-throughput.json")"

  log "$name: overload, open-loop senders (the relay drops what it cannot queue), $DURATION"
  timeout 600 "$BIN/derpload" -mode throughput -url "$url" -pairs "$PAIRS" -size "$SIZE" \
    -window 0 -duration "$DURATION" -warmup "$WARMUP" >"$OUT/$name-overload.json" \
    || die "$name overload run failed"

  if [ -z "$rate" ]; then # derper runs first: the latency rate is half of its measured peak
    rate=$(jq '.packets_per_sec / 2 | floor' "$OUT/$name-throughput.json")
    LATENCY_RATE=$rate
  fi
  log "$name: latency at $rate packets/s, $DURATION"
  timeout 600 "$BIN/derpload" -mode latency -url "$url" -pairs "$PAIRS" -size "$SIZE" \
    -rate "$rate" -duration "$DURATION" -warmup "$WARMUP" >"$OUT/$name-latency.json" \
    || die "$name latency run failed"
  log "$name: $(jq -c '{p50_us, p99_us, samples}' "$OUT/$name-latency.json")"

  idle_round "$name" "$pid" "$url" "$WARM_CONNS" warm
  heap_info "$pid" "$name-before"
  local before
  before=$(rss_kb "$pid")
  idle_round "$name" "$pid" "$url" "$CONNS" measured
  heap_info "$pid" "$name-after"
  jq -n --argjson before "$before" --argjson after "$IDLE_RSS_KB" --argjson conns "$IDLE_CONNECTED" \
    '{rss_before_kb: $before, rss_after_kb: $after, connections: $conns,
      bytes_per_connection: (($after - $before) * 1024 / $conns)}' >"$OUT/$name-memory.json"
  log "$name: $(jq -c . "$OUT/$name-memory.json")"

  log "$name: STUN, $STUN_WORKERS workers x window $STUN_WINDOW, $STUN_DURATION"
  timeout 600 "$BIN/stunload" -server "$stun" -workers "$STUN_WORKERS" -window "$STUN_WINDOW" \
    -duration "$STUN_DURATION" >"$OUT/$name-stun.json" || die "$name STUN run failed"
  log "$name: $(jq -c '{valid_answers_per_sec}' "$OUT/$name-stun.json")"
}

# idle_round NAME PID URL COUNT TAG: opens COUNT idle connections, waits SETTLE s, sets IDLE_RSS_KB
# (the server's RSS then) and IDLE_CONNECTED, closes them.
idle_round() {
  local name=$1 pid=$2 url=$3 count=$4 tag=$5 loader
  local ready="$OUT/$name-idle-$tag.ready"
  log "$name: idle, $count connections ($tag)"
  "$BIN/derpload" -mode idle -url "$url" -conns "$count" -ready-file "$ready" -hold 240s \
    >"$OUT/$name-idle-$tag.json" 2>"$OUT/$name-idle-$tag.err" &
  loader=$!
  STARTED+=("$loader")
  for _ in $(seq 2400); do
    [ -s "$ready" ] && break
    kill -0 "$loader" 2>/dev/null || die "$name idle loader exited early: $(cat "$OUT/$name-idle-$tag.err")"
    sleep 0.1
  done
  [ -s "$ready" ] || die "$name: $count idle connections not up within 240 s"
  sleep "$SETTLE"
  IDLE_RSS_KB=$(rss_kb "$pid")
  stop_pid "$loader"
  wait "$loader" 2>/dev/null || true
  sleep 1
  IDLE_CONNECTED=$(tr -d '[:space:]' <"$ready")
  [ "$IDLE_CONNECTED" -gt 0 ] || die "$name: no idle connection came up"
  [ "$IDLE_CONNECTED" = "$count" ] || log "$name: only $IDLE_CONNECTED of $count idle connections came up"
}

heap_info() { # heap_info PID TAG: for JVMs, the live heap after a full GC (diagnostic only)
  local pid=$1 tag=$2
  if [ "$(readlink "/proc/$pid/exe" | xargs basename)" = java ] && command -v jcmd >/dev/null; then
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    jcmd "$pid" GC.heap_info >"$OUT/$tag-heap.txt" 2>&1 || true
  fi
}

# --- what ran where (for the report) ----------------------------------------------------------------
jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg nproc "$(nproc)" \
  --arg cpu "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" \
  --arg mem "$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)" \
  --arg kernel "$(uname -r)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg derper "$("$BIN/derper" -version 2>&1 | head -1)" \
  --arg java "$(java -version 2>&1 | head -1)" --arg go "$(go version)" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --arg jvm "$RELAY_JVM_OPTS" --arg pairs "$PAIRS" --arg size "$SIZE" --arg duration "$DURATION" \
  --arg self_check "$SELF_CHECK" --arg warmup "$WARMUP" --arg window "$WINDOW" --arg conns "$CONNS" --arg warm_conns "$WARM_CONNS" --arg settle "$SETTLE" \
  --arg stun_workers "$STUN_WORKERS" --arg stun_window "$STUN_WINDOW" --arg stun_duration "$STUN_DURATION" \
  '$ARGS.named' >"$OUT/meta.json"

# --- derper ---------------------------------------------------------------------------------------
# `derper -dev` forces ":3340" on every interface; to stay on loopback and free ports we run what
# -dev configures, spelled out: plain HTTP (port not 443, no -certmode=manual), a fresh key file,
# no port-80 helper, STUN on the same loopback address.
DERPER_PORT=$(free_port tcp)
DERPER_STUN=$(free_port udp)
log "derper v1.102.3 on http://$HOST:$DERPER_PORT/derp, STUN $HOST:$DERPER_STUN"
"$BIN/derper" -a "$HOST:$DERPER_PORT" -c "$OUT/derper.key" -http-port -1 -stun-port "$DERPER_STUN" \
  >"$OUT/derper.log" 2>&1 &
DERPER_PID=$!
STARTED+=("$DERPER_PID")
wait_http "http://$HOST:$DERPER_PORT/generate_204" "$DERPER_PID" 30 || die "derper did not start: $(tail -5 "$OUT/derper.log")"
LATENCY_RATE=""
bench_server derper "$DERPER_PID" "http://$HOST:$DERPER_PORT/derp" "$HOST:$DERPER_STUN" ""
stop_pid "$DERPER_PID"

# --- Waystation -----------------------------------------------------------------------------------
RELAY_PORT=$(free_port tcp)
RELAY_STUN=$(free_port udp)
RELAY_MGMT=$(free_port tcp)
JFR_OPTS=""
[ "$PROFILE" = 1 ] && JFR_OPTS="-XX:StartFlightRecording=filename=$OUT/relay.jfr,settings=profile,dumponexit=true"
if [ "$SELF_CHECK" = 1 ]; then
  log "self-check: a second derper in Waystation's slot on http://$HOST:$RELAY_PORT/derp"
  "$BIN/derper" -a "$HOST:$RELAY_PORT" -c "$OUT/derper2.key" -http-port -1 -stun-port "$RELAY_STUN" \
    >"$OUT/relay.log" 2>&1 &
  RELAY_PID=$!
  STARTED+=("$RELAY_PID")
  wait_http "http://$HOST:$RELAY_PORT/generate_204" "$RELAY_PID" 30 || die "second derper did not start"
else
  log "Waystation dev mode on http://$HOST:$RELAY_PORT/derp, STUN $HOST:$RELAY_STUN, JVM $RELAY_JVM_OPTS"
  # shellcheck disable=SC2086 # the JVM options are a word list on purpose
  java $RELAY_JVM_OPTS $JFR_OPTS \
    -Dwaystation.relay.mode=dev -Dwaystation.relay.host="$HOST" -Dwaystation.relay.port="$RELAY_PORT" \
    -Dwaystation.stun.bind-addresses="$HOST" -Dwaystation.stun.port="$RELAY_STUN" \
    -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$RELAY_MGMT" \
    -jar "$RELAY_JAR" >"$OUT/relay.log" 2>&1 &
  RELAY_PID=$!
  STARTED+=("$RELAY_PID")
  wait_http "http://$HOST:$RELAY_MGMT/q/health/ready" "$RELAY_PID" 90 \
    || die "the relay did not become ready: $(tail -20 "$OUT/relay.log")"
fi
bench_server waystation "$RELAY_PID" "http://$HOST:$RELAY_PORT/derp" "$HOST:$RELAY_STUN" "$LATENCY_RATE"
stop_pid "$RELAY_PID"

if [ "$PROFILE" = 1 ] && [ -s "$OUT/relay.jfr" ]; then
  "$BENCH/jfr-summary.sh" "$OUT/relay.jfr" >"$OUT/relay-profile.txt" 2>&1 || true
fi

# --- report ---------------------------------------------------------------------------------------
"$BENCH/report.sh" "$OUT" >"$OUT/results.md" || die "report failed"
cat "$OUT/results.md"
if [ "$WRITE" = 1 ]; then
  "$BENCH/update-benchmarks-md.sh" "$OUT/results.md" "$ROOT/BENCHMARKS.md"
  log "BENCHMARKS.md updated (raw results in ${OUT#"$ROOT"/})"
fi
