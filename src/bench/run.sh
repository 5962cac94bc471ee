#!/usr/bin/env bash
# Side-by-side benchmark of Waystation's relay and Tailscale's derper (v1.102.3).
#
#   src/bench/run.sh            build, benchmark derper and Waystation, update BENCHMARKS.md
#   src/bench/run.sh --quick    short smoke run (seconds, few connections); BENCHMARKS.md untouched
#   src/bench/run.sh --no-build skip ./mvnw package and go build (use what is in target/)
#   src/bench/run.sh --no-write leave BENCHMARKS.md alone (results only in the results folder)
#   src/bench/run.sh --profile  also record a JFR CPU profile of the relay (summary in the results folder)
#   src/bench/run.sh --self-check  derper in both slots (an A/A run: shows the noise; writes nothing)
#
# Both servers run on loopback only, on free ports, and are driven by the SAME Go load generators
# (src/interop/cmd/derpload, src/interop/cmd/stunload) built on Tailscale's own client packages.
# Both stay up for the whole run but only one is under load at a time: each phase runs against one,
# then the other, ROUNDS times, alternating which goes first; the report takes the median round.
# Every load phase is bounded in time and count. Raw JSON results and server logs go to
# src/bench/target/<UTC timestamp>/.
#
# Knobs (environment): PAIRS=10 SIZE=1400 DURATION=10s WARMUP=3s WINDOW=16 CONNS=10000
# WARM_CONNS=1000 SETTLE=5 STUN_DURATION=10s STUN_WORKERS=4 STUN_WINDOW=64 STUN_LIGHT_WINDOW=8 ROUNDS=3
# STUN_ROUNDS=5 WARMUP_PASS=10s POLICY_CLIENTS="10000 50000 100000" (policy fan-out phase; empty skips it)
# RELAY_JVM_OPTS="-Xms128m -Xmx128m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC" (heap settings used for the relay, stated in the table).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/src/bench"
BIN="$ROOT/src/interop/target/bin"
RELAY_JAR=${RELAY_JAR:-"$ROOT/relay/target/quarkus-app/quarkus-run.jar"}
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
STUN_WINDOW=${STUN_WINDOW:-64}
STUN_LIGHT_WINDOW=${STUN_LIGHT_WINDOW:-8}
STUN_ROUNDS=${STUN_ROUNDS:-5}
ROUNDS=${ROUNDS:-3}
WARMUP_PASS=${WARMUP_PASS:-10s}
RELAY_JVM_OPTS=${RELAY_JVM_OPTS:--Xms128m -Xmx128m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC}
POLICY_CLIENTS=${POLICY_CLIENTS-10000 50000 100000}

BUILD=1
WRITE=1
PROFILE=0
SELF_CHECK=0
for arg in "$@"; do
  case "$arg" in
    --quick)
      DURATION=2s WARMUP=1s CONNS=500 WARM_CONNS=100 SETTLE=1 STUN_DURATION=2s ROUNDS=1 STUN_ROUNDS=1 WARMUP_PASS=2s WRITE=0
      POLICY_CLIENTS=1000 ;;
    --no-build) BUILD=0 ;;
    --no-write) WRITE=0 ;;
    --profile) PROFILE=1 ;;
    --self-check) SELF_CHECK=1 WRITE=0 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
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
CLK_TCK=$(getconf CLK_TCK)
cpu_seconds() { awk -v hz="$CLK_TCK" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; } # user + system

# loaded NAME PHASE PID CMD...: runs one load phase, adds the server's CPU seconds to its JSON. A
# failed phase stops the run, unless SOFT=1: then its JSON holds the error (a server lacking a feature).
loaded() {
  local name=$1 phase=$2 pid=$3 cpu0 cpu1
  shift 3
  cpu0=$(cpu_seconds "$pid")
  if ! timeout 600 "$@" >"$OUT/$name-$phase.out" 2>"$OUT/$name-$phase.err"; then
    [ "${SOFT:-0}" = 1 ] || die "$name $phase run failed: $(tail -3 "$OUT/$name-$phase.err")"
    log "$name: $phase FAILED: $(tail -1 "$OUT/$name-$phase.err")"
    jq -n --arg e "$(tail -1 "$OUT/$name-$phase.err")" '{error: $e}' >"$OUT/$name-$phase.out"
  fi
  cpu1=$(cpu_seconds "$pid")
  jq --argjson cpu "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" '. + {server_cpu_seconds: $cpu}' \
    "$OUT/$name-$phase.out" >"$OUT/$name-$phase.json"
  rm "$OUT/$name-$phase.out"
}

# --- servers ---------------------------------------------------------------------------------------
# Both servers stay up for the whole run, but only one is ever under load: every phase runs against
# derper and Waystation one after the other, ROUNDS times, alternating which goes first, and the
# report takes the median. On a shared 2-core machine this cancels most of the drift in background
# load that a derper-then-Waystation sequence would turn into a bias.
declare -A PID URL STUN
SERVERS=(derper waystation)

start_derper() { # start_derper NAME LOGFILE
  local name=$1 logfile=$2 port stun
  port=$(free_port tcp)
  stun=$(free_port udp)
  # `derper -dev` forces ":3340" on every interface; to stay on loopback and free ports we run what
  # -dev configures, spelled out: plain HTTP (port not 443, no -certmode=manual), a fresh key file,
  # no port-80 helper, STUN on the same loopback address.
  log "$name: derper v1.102.3 on http://$HOST:$port/derp, STUN $HOST:$stun"
  "$BIN/derper" -a "$HOST:$port" -c "$OUT/$name.key" -http-port -1 -stun-port "$stun" >"$logfile" 2>&1 &
  PID[$name]=$!
  STARTED+=("${PID[$name]}")
  URL[$name]="http://$HOST:$port/derp"
  STUN[$name]="$HOST:$stun"
  wait_http "http://$HOST:$port/generate_204" "${PID[$name]}" 30 || die "derper did not start: $(tail -5 "$logfile")"
}

start_waystation() { # start_waystation NAME
  local name=$1 port stun mgmt jfr=""
  port=$(free_port tcp)
  stun=$(free_port udp)
  mgmt=$(free_port tcp)
  [ "$PROFILE" = 1 ] && jfr="-XX:StartFlightRecording=filename=$OUT/relay.jfr,settings=profile,dumponexit=true"
  log "$name: Waystation dev mode on http://$HOST:$port/derp, STUN $HOST:$stun, JVM $RELAY_JVM_OPTS"
  # shellcheck disable=SC2086 # the JVM options are a word list on purpose
  java $RELAY_JVM_OPTS $jfr \
    -Dwaystation.relay.mode=dev -Dwaystation.relay.host="$HOST" -Dwaystation.relay.port="$port" \
    -Dwaystation.stun.bind-addresses="$HOST" -Dwaystation.stun.port="$stun" \
    -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$mgmt" \
    -jar "$RELAY_JAR" >"$OUT/relay.log" 2>&1 &
  PID[$name]=$!
  STARTED+=("${PID[$name]}")
  URL[$name]="http://$HOST:$port/derp"
  STUN[$name]="$HOST:$stun"
  wait_http "http://$HOST:$mgmt/q/health/ready" "${PID[$name]}" 90 \
    || die "the relay did not become ready: $(tail -20 "$OUT/relay.log")"
}

# each_round PHASE FUNCTION [COUNT]: runs FUNCTION NAME ROUND for both servers, COUNT (default ROUNDS)
# times, alternating which goes first
each_round() {
  local phase=$1 fn=$2 count=${3:-$ROUNDS} r name order
  for r in $(seq "$count"); do
    if [ $((r % 2)) = 1 ]; then order="derper waystation"; else order="waystation derper"; fi
    for name in $order; do
      log "$name: $phase, round $r/$count"
      "$fn" "$name" "$r"
    done
  done
}

phase_throughput() {
  loaded "$1" "throughput-$2" "${PID[$1]}" "$BIN/derpload" -mode throughput -url "${URL[$1]}" \
    -pairs "$PAIRS" -size "$SIZE" -window "$WINDOW" -duration "$DURATION" -warmup "$WARMUP"
  log "$1: $(jq -c '{packets_per_sec, bytes_per_sec, server_cpu_seconds}' "$OUT/$1-throughput-$2.json")"
}
phase_overload() {
  loaded "$1" "overload-$2" "${PID[$1]}" "$BIN/derpload" -mode throughput -url "${URL[$1]}" \
    -pairs "$PAIRS" -size "$SIZE" -window 0 -duration "$DURATION" -warmup "$WARMUP"
  log "$1: $(jq -c '{packets_per_sec, sent_packets}' "$OUT/$1-overload-$2.json")"
}
phase_latency() {
  loaded "$1" "latency-$2" "${PID[$1]}" "$BIN/derpload" -mode latency -url "${URL[$1]}" \
    -pairs "$PAIRS" -size "$SIZE" -rate "$LATENCY_RATE" -duration "$DURATION" -warmup "$WARMUP"
  log "$1: $(jq -c '{p50_us, p99_us, samples}' "$OUT/$1-latency-$2.json")"
}
# STUN runs at two loads: WINDOW requests in flight per socket keeps the server busy (its capacity),
# LIGHT_WINDOW leaves it idle part of the time (then the number is mostly the round-trip time of the
# load generator and server sharing two cores).
stun_load() { # stun_load NAME PHASE WINDOW
  SOFT=1 loaded "$1" "$2" "${PID[$1]}" "$BIN/stunload" -server "${STUN[$1]}" -workers "$STUN_WORKERS" \
    -window "$3" -duration "$STUN_DURATION"
  log "$1: $(jq -c '{valid_answers_per_sec}' "$OUT/$1-$2.json")"
}
phase_stun() { stun_load "$1" "stun-$2" "$STUN_WINDOW"; }
phase_stun_light() { stun_load "$1" "stun-light-$2" "$STUN_LIGHT_WINDOW"; }
phase_memory() { # once per server: RSS before/after CONNS idle connections
  local name=$1 pid=${PID[$1]} before
  idle_round "$name" "$pid" "${URL[$name]}" "$WARM_CONNS" warm
  heap_info "$pid" "$name-before"
  before=$(rss_kb "$pid")
  idle_round "$name" "$pid" "${URL[$name]}" "$CONNS" measured
  jq -n --argjson before "$before" --argjson after "$IDLE_RSS_KB" --argjson conns "$IDLE_CONNECTED" \
    --arg heap_before "$(heap_used_kb "$name-before")" --arg heap_after "$(heap_used_kb "$name-measured")" \
    '{rss_before_kb: $before, rss_after_kb: $after, connections: $conns,
      bytes_per_connection: (($after - $before) * 1024 / $conns)}
     + if $heap_before != "" and $heap_after != "" then
         {heap_used_before_kb: ($heap_before|tonumber), heap_used_after_kb: ($heap_after|tonumber),
          heap_bytes_per_connection: ((($heap_after|tonumber) - ($heap_before|tonumber)) * 1024 / $conns)}
       else {} end' >"$OUT/$name-memory.json"
  log "$name: $(jq -c . "$OUT/$name-memory.json")"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

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
  heap_info "$pid" "$name-$tag" # while the connections are up
  stop_pid "$loader"
  wait "$loader" 2>/dev/null || true
  sleep 1
  IDLE_CONNECTED=$(tr -d '[:space:]' <"$ready")
  [ "$IDLE_CONNECTED" -gt 0 ] || die "$name: no idle connection came up"
  [ "$IDLE_CONNECTED" = "$count" ] || log "$name: only $IDLE_CONNECTED of $count idle connections came up"
}

# heap_used_kb TAG: the JVM's used heap from heap_info's output (empty for non-JVM servers)
heap_used_kb() {
  [ -f "$OUT/$1-heap.txt" ] || return 0
  awk '/heap +total/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?$/, "", $(i + 1)); print $(i + 1); exit } }' \
    "$OUT/$1-heap.txt"
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
  --arg commit "$(git -C "$ROOT" log -1 --format=%h -- relay 2>/dev/null || echo unknown)" \
  --arg jvm "$RELAY_JVM_OPTS" --arg pairs "$PAIRS" --arg size "$SIZE" --arg duration "$DURATION" \
  --arg self_check "$SELF_CHECK" --arg warmup "$WARMUP" --arg window "$WINDOW" --arg conns "$CONNS" --arg warm_conns "$WARM_CONNS" --arg settle "$SETTLE" \
  --arg stun_workers "$STUN_WORKERS" --arg stun_window "$STUN_WINDOW" --arg stun_light_window "$STUN_LIGHT_WINDOW" --arg stun_rounds "$STUN_ROUNDS" --arg stun_duration "$STUN_DURATION" --arg rounds "$ROUNDS" --arg warmup_pass "$WARMUP_PASS" \
  '$ARGS.named' >"$OUT/meta.json"

# --- the run --------------------------------------------------------------------------------------
start_derper derper "$OUT/derper.log"
if [ "$SELF_CHECK" = 1 ]; then
  start_derper waystation "$OUT/relay.log" # A/A: derper in Waystation's slot
else
  start_waystation waystation
fi

# A warm-up pass first, results discarded: the JVM compiles its hot paths, both servers size their
# pools, and neither pays that inside a measured phase.
for name in "${SERVERS[@]}"; do
  log "$name: warm-up (not measured)"
  timeout 120 "$BIN/derpload" -mode throughput -url "${URL[$name]}" -pairs "$PAIRS" -size "$SIZE" \
    -window "$WINDOW" -duration "$WARMUP_PASS" -warmup 0s >/dev/null 2>"$OUT/$name-warmup.err" \
    || die "$name warm-up failed: $(tail -3 "$OUT/$name-warmup.err")"
  timeout 120 "$BIN/stunload" -server "${STUN[$name]}" -workers "$STUN_WORKERS" -window "$STUN_WINDOW" \
    -duration "$WARMUP_PASS" -warmup 0s >/dev/null 2>"$OUT/$name-stun-warmup.err" \
    || log "$name: STUN warm-up failed: $(tail -1 "$OUT/$name-stun-warmup.err")"
done
each_round throughput phase_throughput
# Latency is measured at half of derper's peak (median over the rounds), for both servers.
LATENCY_RATE=$(for f in "$OUT"/derper-throughput-*.json; do jq .packets_per_sec "$f"; done | median | awk '{ printf "%d", $1 / 2 }')
echo "$LATENCY_RATE" >"$OUT/latency-rate"
each_round latency phase_latency
each_round overload phase_overload
each_round stun phase_stun "$STUN_ROUNDS"
each_round stun-light phase_stun_light "$STUN_ROUNDS"
for name in "${SERVERS[@]}"; do
  log "$name: memory, $CONNS idle connections"
  phase_memory "$name"
done
for name in "${SERVERS[@]}"; do stop_pid "${PID[$name]}"; done

# Policy fan-out: Waystation only (derper has no policy engine), with both servers stopped.
# Results in $OUT/policy-fanout.jsonl; BENCHMARKS.md's "Policy fan-out" section is written by hand.
if [ -n "$POLICY_CLIENTS" ] && [ "$SELF_CHECK" = 0 ]; then
  log "policy fan-out: a Device-scope change to $POLICY_CLIENTS simulated clients"
  # shellcheck disable=SC2086 # the counts are separate arguments
  "$BENCH/policy-fanout.sh" "$OUT" $POLICY_CLIENTS >"$OUT/policy-fanout.log" 2>&1 \
    || log "policy fan-out failed: $(tail -3 "$OUT/policy-fanout.log")"
fi

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
