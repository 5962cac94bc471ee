#!/usr/bin/env bash
# Side-by-side benchmark of Waystation's relay and Tailscale's derper (v1.102.3), optionally derp-rs.
#
#   src/bench/run.sh            build, benchmark every goal of the relay, update BENCHMARKS.md (33 min
#                               on a quiet 2-core machine with derp-rs as the third server, build excluded)
#   src/bench/run.sh --quick    short smoke run of every phase (about 5 minutes); BENCHMARKS.md untouched
#   src/bench/run.sh --no-build skip ./mvnw package and go build (use what is in target/)
#   src/bench/run.sh --no-write leave BENCHMARKS.md alone (results only in the results folder)
#   src/bench/run.sh --profile  also record a JFR profile of the relay in each load session (summaries in the results folder)
#   src/bench/run.sh --self-check  derper in Waystation's slot too (a whole A/A run; writes nothing)
#
# All servers listen on loopback only, on free ports, and are driven by the SAME Go load generators
# (src/interop/cmd/derpload, src/interop/cmd/stunload) built on Tailscale's own client packages.
# Only one server is ever under load: each phase runs against every server one after the other,
# ROUNDS times, rotating which goes first; the report takes the median round. Every main phase also
# runs against a second, independent derper ("derper #2", the A/A self-check) to show the noise.
#
# Sessions (each starts fresh server processes):
#   plain         shared cores: throughput (per-frame and batched senders), latency at half derper's
#                 peak, moderate fixed rate, overload, STUN, connection set-up
#   pinned        servers on core SERVER_CPU, load generators on LOAD_CPUS (taskset): throughput
#                 (per-frame and batched senders), moderate fixed rate, STUN, connection set-up
#   tls, tls-pinned  the same servers with TLS (one test CA): throughput (per-frame and batched
#                 senders), connection set-up
# "Batched senders" (derpload -batch): the same Tailscale client, frames and handshake, but each
# sender's frames reach the kernel in batches (at its window wait, 64 KiB or 1 ms), not one write per
# frame, and receivers read BATCH_READ_AHEAD bytes per socket read instead of derphttp's 4 KiB (without
# it, 4 KiB reads of a server's large writes kept the load generator's core the ceiling). Only the load
# generator's system calls change, so on 2 cores its pinned core stops being the ceiling.
#   mesh          two-node regions over TLS (a derper pair, a Waystation pair, each node meshed with
#                 the other), senders on node A, receivers on node B: throughput, latency
#   memory        a fresh server per measurement: idle connections at each IDLE_SIZES, plain and TLS
#   ready         a fresh server READY_STARTS times: process start to readiness 200
# Raw JSON results and server logs go to src/bench/target/<UTC timestamp>/.
#
# Knobs (environment): PAIRS=10 SIZE=1400 DURATION=6s WARMUP=2s WINDOW=16 ROUNDS=3 WARMUP_PASS=5s
# MODERATE_RATE=20000 CONNECT_CONNS=1500 CONNECT_DIALERS=4 WARMUP_CONNECTS=20000 IDLE_SIZES="10000 100000" SETTLE=5
# LOADER_CONNS=15000 (idle connections per load-generator process) SOURCES=8 (source addresses each)
# STUN_DURATION=6s STUN_WORKERS=4 STUN_WINDOW=64 STUN_LIGHT_WINDOW=8 STUN_ROUNDS=3 READY_STARTS=5
# BATCH_READ_AHEAD=65536 (bytes per receiver socket read with batched senders; 0: derphttp's own 4 KiB reads)
# SERVER_CPU=0 LOAD_CPUS=1 POLICY_CLIENTS="10000 50000 100000" (policy fan-out phase; empty skips it)
# SESSIONS="plain pinned tls tls-pinned mesh memory ready policy" (a subset runs only those; the
#   report leaves the other rows empty: for A/B runs with --no-write, never for BENCHMARKS.md)
# RELAY_JVM_OPTS="-Xms128m -Xmx128m -Xmn16m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:SharedArchiveFile=app-cds.jsa"
#   (stated in the report; the relay starts in the jar's directory, as README's run command does, so
#   the AppCDS archive the build writes there applies)
# DERP_RS_BIN=/path/to/derper-rs adds a derp-rs column (not on crates.io; without it the column is
# simply absent). Build it with `src/bench/derp-rs.sh CHECKOUT` from a checkout of
# github.com/jaisonZheng/derp-rs (prints the binary's path). Its command line is DERP_RS_ARGS (plain)
# and DERP_RS_TLS_ARGS (TLS; empty skips derp-rs there) with {host} {addr} {port} {stun_port} {dir}
# (the test certificates) {key} replaced; the defaults are that derper-rs's clap flags (-a,
# --private-key: created when missing, --stun-addr, --tls-cert/--tls-key). Readiness: a 2xx from
# DERP_RS_READY_PATH. It takes no part in the mesh session (a derper pair and a Waystation pair only).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/src/bench"
BIN="$ROOT/src/interop/target/bin"
RELAY_JAR=${RELAY_JAR:-"$ROOT/relay/target/quarkus-app/quarkus-run.jar"}
HOST=127.0.0.1 # loopback only: this benchmark never sends traffic anywhere else

PAIRS=${PAIRS:-10}
SIZE=${SIZE:-1400}
DURATION=${DURATION:-6s}
WARMUP=${WARMUP:-2s}
WINDOW=${WINDOW:-16}
ROUNDS=${ROUNDS:-3}
WARMUP_PASS=${WARMUP_PASS:-5s}
MODERATE_RATE=${MODERATE_RATE:-20000}
CONNECT_CONNS=${CONNECT_CONNS:-1500}
CONNECT_DIALERS=${CONNECT_DIALERS:-4}
WARMUP_CONNECTS=${WARMUP_CONNECTS:-20000}
CONNECT_LIMIT=${CONNECT_LIMIT:-60s}
IDLE_SIZES=${IDLE_SIZES-10000 100000}
SETTLE=${SETTLE:-5}
LOADER_CONNS=${LOADER_CONNS:-15000}
SOURCES=${SOURCES:-8}
STUN_DURATION=${STUN_DURATION:-6s}
STUN_WORKERS=${STUN_WORKERS:-4}
STUN_WINDOW=${STUN_WINDOW:-64}
STUN_LIGHT_WINDOW=${STUN_LIGHT_WINDOW:-8}
STUN_ROUNDS=${STUN_ROUNDS:-3}
READY_STARTS=${READY_STARTS:-5}
BATCH_READ_AHEAD=${BATCH_READ_AHEAD:-65536}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
RELAY_JVM_OPTS=${RELAY_JVM_OPTS:--Xms128m -Xmx128m -Xmn16m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC -XX:SharedArchiveFile=app-cds.jsa}
POLICY_CLIENTS=${POLICY_CLIENTS-10000 50000 100000}
ALL_SESSIONS="plain pinned tls tls-pinned mesh memory ready policy"
SESSIONS=${SESSIONS:-$ALL_SESSIONS}
DERP_RS_BIN=${DERP_RS_BIN:-}
DERP_RS_ARGS=${DERP_RS_ARGS:-"-a {addr} --private-key {key} --stun-addr {host}:{stun_port}"}
DERP_RS_TLS_ARGS=${DERP_RS_TLS_ARGS-"-a {addr} --private-key {key} --stun-addr off --tls-cert {dir}/{host}.crt --tls-key {dir}/{host}.key"}
DERP_RS_READY_PATH=${DERP_RS_READY_PATH:-/generate_204}

BUILD=1
WRITE=1
PROFILE=0
SELF_CHECK=0
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick)
      QUICK=1 DURATION=2s WARMUP=1s SETTLE=1 STUN_DURATION=2s ROUNDS=1 STUN_ROUNDS=1 WARMUP_PASS=1s WRITE=0
      CONNECT_CONNS=200 WARMUP_CONNECTS=2000 IDLE_SIZES=${QUICK_IDLE_SIZES:-500} READY_STARTS=2 POLICY_CLIENTS=1000 ;;
    --no-build) BUILD=0 ;;
    --no-write) WRITE=0 ;;
    --profile) PROFILE=1 ;;
    --self-check) SELF_CHECK=1 WRITE=0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

OUT="$BENCH/target/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RUN_STARTED=$(date +%s)
log() { printf '%s [%4ss] %s\n' "$(date -u +%H:%M:%S)" "$(($(date +%s) - RUN_STARTED))" "$*" | tee -a "$OUT/run.log" >&2; }
die() { log "FAILED: $*"; exit 1; }

wants() { case " $SESSIONS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
for s in $SESSIONS; do
  case " $ALL_SESSIONS " in *" $s "*) ;; *) echo "run.sh: unknown session '$s' in SESSIONS (known: $ALL_SESSIONS)" >&2; exit 2 ;; esac
done
[ "$WRITE" = 0 ] || [ "$SESSIONS" = "$ALL_SESSIONS" ] \
  || { echo "run.sh: SESSIONS=\"$SESSIONS\" leaves rows empty; add --no-write" >&2; exit 2; }

for tool in go java curl jq ss awk taskset openssl; do
  command -v "$tool" >/dev/null || die "'$tool' is required (Debian: apt-get install -y golang-go openjdk-17-jdk-headless curl jq iproute2 gawk util-linux openssl)"
done
[ "$(nproc)" -ge 2 ] || die "the pinned sessions need 2 cores (server on one, load on the other); nproc says $(nproc)"
if [ -n "$DERP_RS_BIN" ]; then [ -x "$DERP_RS_BIN" ] || die "DERP_RS_BIN=$DERP_RS_BIN is not an executable"; fi

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
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
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

# --- limits, ports, test CA ------------------------------------------------------------------------
# Every connection is an open file on both ends; the idle phase needs the most. A size the hard limit
# cannot hold is reported as not measured, with the limit, rather than failing the run.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
[ "$FD_LIMIT" = unlimited ] && FD_LIMIT=$(cat /proc/sys/fs/nr_open)
[ "$FD_LIMIT" -ge $((CONNECT_DIALERS * 4 + 1000)) ] || die "open-file limit $FD_LIMIT is too low"

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

# One throwaway CA and a certificate for 127.0.0.1 (IP SAN) serve every TLS server; the Go load
# generators trust the CA through SSL_CERT_FILE, so both servers pass the same full verification.
TLS_DIR="$OUT/tls"
mkdir -p "$TLS_DIR"
{
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=waystation-bench-ca \
    -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.pem"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$HOST" \
    -keyout "$TLS_DIR/$HOST.key" -out "$TLS_DIR/$HOST.csr"
  openssl x509 -req -in "$TLS_DIR/$HOST.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
    -days 2 -extfile <(printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\n' "$HOST") -out "$TLS_DIR/$HOST.crt"
} >"$OUT/tls-setup.log" 2>&1 || die "could not make the test certificate: $(tail -3 "$OUT/tls-setup.log")"
export SSL_CERT_FILE="$TLS_DIR/ca.pem"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
CLK_TCK=$(getconf CLK_TCK)
cpu_seconds() { awk -v hz="$CLK_TCK" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; } # user + system
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- servers ---------------------------------------------------------------------------------------
# A slot is one server process; KIND says what runs in it. "derper2" is a second derper, measured
# like the others: derper2 / derper is the noise of this machine (the A/A self-check).
declare -A KIND PID URL STUN READY
KIND[derper]=derper KIND[waystation]=waystation KIND[derper2]=derper KIND[derprs]=derprs
[ "$SELF_CHECK" = 1 ] && KIND[waystation]=derper # A/A run: derper in Waystation's slot too
MAIN=(derper waystation)
[ -n "$DERP_RS_BIN" ] && MAIN+=(derprs)
WITH_AA=("${MAIN[@]}" derper2)
SECURITY=plain # plain | tls: what start_server starts
PINNED=0       # 1: servers on SERVER_CPU, load generators on LOAD_CPUS
SESSION=plain  # prefix of this session's result files
server_prefix() { [ "$PINNED" = 1 ] && echo "taskset -c $SERVER_CPU" || true; }
load() { if [ "$PINNED" = 1 ]; then taskset -c "$LOAD_CPUS" "$@"; else "$@"; fi; }

wait_ready() { # wait_ready URL PID SECONDS: until the URL answers 2xx (20 ms between tries)
  local url=$1 pid=$2 secs=$3 t
  for t in $(seq $((secs * 50))); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -fsS -o /dev/null --max-time 1 --cacert "$TLS_DIR/ca.pem" "$url" 2>/dev/null && return 0
    sleep 0.02
  done
  return 1
}

# start_server NAME [LOGTAG]: a fresh process of NAME's kind with SECURITY and PINNED; sets PID, URL,
# STUN, READY and STARTED_NS (just before the process was started). Does not wait for readiness.
start_server() {
  local name=$1 tag=${2:-$SESSION} port stun mgmt scheme=http logfile dir
  dir="$OUT/keys/$tag-$name"
  port=${FIXED_PORT:-$(free_port tcp)} # FIXED_PORT: a mesh node's port, known to its peer before it starts
  stun=$(free_port udp)
  logfile="$OUT/$tag-$name.log"
  [ "$SECURITY" = tls ] && scheme=https
  URL[$name]="$scheme://$HOST:$port/derp"
  STUN[$name]="$HOST:$stun"
  mkdir -p "$dir"
  local -a cmd
  # shellcheck disable=SC2206 # server_prefix is a word list on purpose
  cmd=($(server_prefix))
  case "${KIND[$name]}" in
    derper)
      # `derper -dev` forces ":3340" on every interface; to stay on loopback and free ports we run
      # what -dev configures, spelled out (fresh key, no port-80 helper), or TLS with the test cert.
      cmd+=("$BIN/derper" -a "$HOST:$port" -c "$dir/derper.key" -http-port -1)
      if [ "$SECURITY" = tls ]; then
        cmd+=(-stun=false -certmode manual -certdir "$TLS_DIR" -hostname "$HOST")
        if [ -n "${MESH_WITH:-}" ]; then cmd+=(-mesh-psk-file "$MESH_KEY" -mesh-with "$MESH_WITH"); fi
      else
        cmd+=(-stun-port "$stun")
      fi
      READY[$name]="$scheme://$HOST:$port/generate_204" ;;
    waystation)
      mgmt=$(free_port tcp)
      # From the jar's directory, as README's run command: the AppCDS archive fits only that layout.
      # shellcheck disable=SC2206 # the JVM options are a word list on purpose
      cmd+=(env -C "$(dirname "$RELAY_JAR")" java $RELAY_JVM_OPTS)
      # profiled in the load sessions only: a recording costs start-up time and memory
      [ "$PROFILE" = 1 ] && [ "$tag" = "$SESSION" ] && [ "${SESSION%%-*}" != memory ] && cmd+=("-XX:StartFlightRecording=filename=$OUT/$tag-relay.jfr,settings=profile,dumponexit=true")
      cmd+=(-Dwaystation.relay.host="$HOST" -Dwaystation.relay.port="$port"
        -Dwaystation.stun.bind-addresses="$HOST" -Dwaystation.stun.port="$stun"
        -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$mgmt")
      if [ "$SECURITY" = tls ]; then
        cmd+=(-Dwaystation.relay.mode=production -Dwaystation.relay.http-port=-1 -Dwaystation.relay.hostname="$HOST"
          -Dwaystation.relay.key-file="$dir/derper.key" -Dwaystation.relay.tls.cert-file="$TLS_DIR/$HOST.crt"
          -Dwaystation.relay.tls.key-file="$TLS_DIR/$HOST.key")
        if [ -n "${MESH_WITH:-}" ]; then
          cmd+=(-Dwaystation.relay.mesh-key-file="$MESH_KEY" -Dwaystation.relay.mesh-with="$MESH_WITH"
            -Dwaystation.relay.mesh-ca-file="$TLS_DIR/ca.pem")
        fi
      else
        cmd+=(-Dwaystation.relay.mode=dev)
      fi
      cmd+=(-jar "$RELAY_JAR")
      READY[$name]="http://$HOST:$mgmt/q/health/ready" ;;
    derprs)
      local args=$DERP_RS_ARGS
      [ "$SECURITY" = tls ] && args=$DERP_RS_TLS_ARGS
      args=${args//\{addr\}/$HOST:$port}; args=${args//\{port\}/$port}; args=${args//\{stun_port\}/$stun}
      args=${args//\{dir\}/$TLS_DIR}; args=${args//\{key\}/$dir/derp-rs.key}; args=${args//\{host\}/$HOST}
      # shellcheck disable=SC2206 # DERP_RS_ARGS is a word list on purpose
      cmd+=("$DERP_RS_BIN" $args)
      READY[$name]="$scheme://$HOST:$port$DERP_RS_READY_PATH" ;;
  esac
  echo "${cmd[*]}" >"$logfile.cmd"
  STARTED_NS=$(date +%s%N)
  "${cmd[@]}" >"$logfile" 2>&1 &
  PID[$name]=$!
  STARTED+=("${PID[$name]}")
}

# broken NAME MESSAGE [JSON-FILE]: stops the run, except for the optional derp-rs: then its process
# is stopped, the message logged (and written to JSON-FILE as its result), and the run goes on
broken() {
  [ "$1" = derprs ] || die "$1: $2"
  log "derprs: $2 (its column stays empty)"
  [ -n "${PID[derprs]:-}" ] && stop_pid "${PID[derprs]}"
  unset "PID[derprs]"
  [ -z "${3:-}" ] || jq -n --arg e "$2" '{error: $e}' >"$3"
}

# up NAME: start_server, then wait for readiness (a server that never gets ready stops the run)
up() {
  local name=$1
  start_server "$name"
  if ! wait_ready "${READY[$name]}" "${PID[$name]}" 120; then
    broken "$name" "not ready ($SESSION): $(tail -5 "$OUT/$SESSION-$name.log")"
    return 0
  fi
  log "$name ($SESSION): ${URL[$name]}$([ "$SECURITY" = plain ] && echo ", STUN ${STUN[$name]}")$([ "$PINNED" = 1 ] && echo ", pinned to core $SERVER_CPU")"
}

# session NAME SECURITY PINNED SLOTS...: stops what runs, starts SLOTS fresh, warms them up
session() {
  local name
  for name in "${!PID[@]}"; do stop_pid "${PID[$name]}"; done
  PID=()
  SESSION=$1 SECURITY=$2 PINNED=$3
  shift 3
  log "=== session $SESSION: $*"
  for name in "$@"; do
    if [ "$name" = derprs ] && [ "$SECURITY" = tls ] && [ -z "$DERP_RS_TLS_ARGS" ]; then continue; fi
    up "$name"
  done
  # A warm-up pass first, results discarded: the JVM compiles its hot paths, every server sizes its
  # pools, and none pays that inside a measured phase. The handshake path is warmed too: a fresh relay
  # kept its JIT compiler threads busy (more CPU than its event loops) for its first ~20k connections,
  # a one-off per process that would otherwise land in the connection set-up figure.
  for name in "${!PID[@]}"; do
    load timeout 120 "$BIN/derpload" -mode throughput -url "${URL[$name]}" -pairs "$PAIRS" -size "$SIZE" \
      -window "$WINDOW" -duration "$WARMUP_PASS" -warmup 0s >/dev/null 2>"$OUT/$SESSION-$name-warmup.err" \
      || { broken "$name" "warm-up failed: $(tail -3 "$OUT/$SESSION-$name-warmup.err")"; continue; }
    # Measured too (round 1 of phase connect-fresh): what a freshly started server spends on its
    # first connections, compiler included, is a figure of its own next to the settled one.
    SOFT=1 measured "$name" "$SESSION-connect-fresh" 1 "$BIN/derpload" -mode connect -url "${URL[$name]}" \
      -conns "$WARMUP_CONNECTS" -dialers "$CONNECT_DIALERS" -sources "$SOURCES" -source-first 127.0.9.1 \
      -duration "$CONNECT_LIMIT"
    if jq -e .error "$OUT/$name-$SESSION-connect-fresh-1.json" >/dev/null; then
      broken "$name" "connect warm-up failed: $(jq -r .error "$OUT/$name-$SESSION-connect-fresh-1.json")"; continue
    fi
    if [ "$SECURITY" = plain ]; then
      load timeout 120 "$BIN/stunload" -server "${STUN[$name]}" -workers "$STUN_WORKERS" -window "$STUN_WINDOW" \
        -duration "$WARMUP_PASS" -warmup 0s >/dev/null 2>"$OUT/$SESSION-$name-stun-warmup.err" \
        || log "$name: STUN warm-up failed: $(tail -1 "$OUT/$SESSION-$name-stun-warmup.err")"
    fi
  done
}

# measured NAME PHASE ROUND CMD...: runs one load phase (the load generator pinned when the session
# is), adds the server's CPU seconds to its JSON ($OUT/NAME-PHASE-ROUND.json). A failed phase stops
# the run, except for derp-rs or when SOFT=1 (a server lacking a feature): then the JSON holds the error.
measured() {
  local name=$1 phase=$2 round=$3 pid=${PID[$1]} cpu0 cpu1 file="$OUT/$1-$2-$3"
  shift 3
  cpu0=$(cpu_seconds "$pid")
  if ! load timeout 600 "$@" >"$file.out" 2>"$file.err"; then
    [ "${SOFT:-0}" = 1 ] || [ "$name" = derprs ] || die "$name $phase run failed: $(tail -3 "$file.err")"
    log "$name: $phase FAILED: $(tail -1 "$file.err")"
    jq -n --arg e "$(tail -1 "$file.err")" '{error: $e}' >"$file.out"
  fi
  cpu1=$(cpu_seconds "$pid")
  jq --argjson cpu "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" '. + {server_cpu_seconds: $cpu}' \
    "$file.out" >"$file.json"
  rm "$file.out"
}

# each_round PHASE FUNCTION COUNT SLOTS...: FUNCTION NAME PHASE ROUND for every running slot, COUNT
# times, rotating which goes first (round 1 starts with the first slot, round 2 with the second...).
each_round() {
  local phase=$1 fn=$2 count=$3 r i name
  shift 3
  local -a slots=()
  for name in "$@"; do [ -n "${PID[$name]:-}" ] && slots+=("$name"); done
  for r in $(seq "$count"); do
    for i in $(seq 0 $((${#slots[@]} - 1))); do
      name=${slots[$(((i + r - 1) % ${#slots[@]}))]}
      "$fn" "$name" "$SESSION-$phase" "$r"
    done
  done
}

# throughput_load NAME PHASE ROUND [DERPLOAD-FLAGS...]: windowed senders as fast as the server delivers.
# RECEIVER_URL (default: the same server) is where the receivers connect: node B in the mesh session.
throughput_load() {
  local name=$1 phase=$2 round=$3
  shift 3
  measured "$name" "$phase" "$round" "$BIN/derpload" -mode throughput -url "${URL[$name]}" \
    -receiver-url "${RECEIVER_URL:-${URL[$name]}}" -pairs "$PAIRS" -size "$SIZE" -window "$WINDOW" \
    -duration "$DURATION" -warmup "$WARMUP" "$@"
  log "$name: $phase #$round $(jq -c '{packets_per_sec, server_cpu_seconds, load_cpu_seconds, error}' "$OUT/$name-$phase-$round.json")"
}
phase_throughput() { throughput_load "$@"; }
phase_throughput_batched() { throughput_load "$@" -batch -read-ahead "$BATCH_READ_AHEAD"; }
phase_overload() {
  measured "$1" "$2" "$3" "$BIN/derpload" -mode throughput -url "${URL[$1]}" \
    -pairs "$PAIRS" -size "$SIZE" -window 0 -duration "$DURATION" -warmup "$WARMUP"
  log "$1: $2 #$3 $(jq -c '{packets_per_sec, sent_packets, error}' "$OUT/$1-$2-$3.json")"
}
# Fixed offered rates (latency and moderate) use derpload's paced senders; a sender that falls
# behind its schedule is counted (late_sends), and the report checks the achieved rate.
paced() { # paced NAME PHASE ROUND RATE
  measured "$1" "$2" "$3" "$BIN/derpload" -mode latency -url "${URL[$1]}" -receiver-url "${RECEIVER_URL:-${URL[$1]}}" \
    -pairs "$PAIRS" -size "$SIZE" -rate "$4" -duration "$DURATION" -warmup "$WARMUP"
  log "$1: $2 #$3 $(jq -c '{offered_packets_per_sec, received_packets_per_sec, p99_us, late_sends, server_cpu_seconds, error}' "$OUT/$1-$2-$3.json")"
}
phase_latency() { paced "$1" "$2" "$3" "$LATENCY_RATE"; }
phase_moderate() { paced "$1" "$2" "$3" "$MODERATE_RATE"; }
phase_connect() {
  measured "$1" "$2" "$3" "$BIN/derpload" -mode connect -url "${URL[$1]}" -conns "$CONNECT_CONNS" \
    -dialers "$CONNECT_DIALERS" -sources "$SOURCES" -source-first 127.0.9.1 -duration "$CONNECT_LIMIT"
  log "$1: $2 #$3 $(jq -c '{completed, failed, connects_per_sec, server_cpu_seconds, error}' "$OUT/$1-$2-$3.json")"
}
# STUN runs at two loads: STUN_WINDOW requests in flight per socket keeps the server busy (its
# capacity), STUN_LIGHT_WINDOW leaves it idle part of the time.
stun_load() { # stun_load NAME PHASE ROUND WINDOW
  SOFT=1 measured "$1" "$2" "$3" "$BIN/stunload" -server "${STUN[$1]}" -workers "$STUN_WORKERS" \
    -window "$4" -duration "$STUN_DURATION"
  log "$1: $2 #$3 $(jq -c '{valid_answers_per_sec, error}' "$OUT/$1-$2-$3.json")"
}
phase_stun() { stun_load "$1" "$2" "$3" "$STUN_WINDOW"; }
phase_stun_light() { stun_load "$1" "$2" "$3" "$STUN_LIGHT_WINDOW"; }

# Cross-node: the mesh session and its phases (a derper pair and a Waystation pair).
# shellcheck source=src/bench/mesh-session.sh
. "$BENCH/mesh-session.sh"

# --- memory of idle connections, each measured on a freshly started server ---------------------------
heap_info() { # heap_info PID TAG: for JVMs, the live heap after a full GC (diagnostic only)
  local pid=$1 tag=$2
  if [ "$(readlink "/proc/$pid/exe" | xargs basename)" = java ] && command -v jcmd >/dev/null; then
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    jcmd "$pid" GC.heap_info >"$OUT/$tag-heap.txt" 2>&1 || true
  fi
}
heap_used_kb() { # heap_used_kb TAG: the JVM's used heap from heap_info's output (empty for non-JVM servers)
  [ -f "$OUT/$1-heap.txt" ] || return 0
  awk '/heap +total/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?$/, "", $(i + 1)); print $(i + 1); exit } }' \
    "$OUT/$1-heap.txt"
}

# phase_memory NAME COUNT: fresh server (SECURITY), SETTLE s, RSS before; COUNT idle connections from
# ceil(COUNT / LOADER_CONNS) load-generator processes, each binding its own SOURCES loopback
# addresses; SETTLE s after all are up, RSS after. Writes $OUT/NAME-SESSION-COUNT.json.
phase_memory() {
  local name=$1 count=$2 tag="$SESSION-$2" file="$OUT/$1-$SESSION-$2" need loaders k n before after up=0
  need=$((count + 1000))
  if [ "$FD_LIMIT" -lt "$need" ]; then
    log "$name: $count idle connections NOT measured: the open-file limit is $FD_LIMIT (hard), the server needs $need"
    jq -n --arg e "not measured: open-file hard limit $FD_LIMIT < $need" '{error: $e}' >"$file.json"
    return
  fi
  start_server "$name" "$tag"
  if ! wait_ready "${READY[$name]}" "${PID[$name]}" 120; then
    broken "$name" "not ready ($tag): $(tail -5 "$OUT/$tag-$name.log")" "$file.json"
    return 0
  fi
  sleep "$SETTLE"
  before=$(rss_kb "${PID[$name]}")
  loaders=$(((count + LOADER_CONNS - 1) / LOADER_CONNS))
  local -a lpids=()
  for k in $(seq "$loaders"); do
    n=$((count / loaders + (k <= count % loaders ? 1 : 0)))
    "$BIN/derpload" -mode idle -url "${URL[$name]}" -conns "$n" -sources "$SOURCES" -source-first "127.0.$k.1" \
      -ready-file "$file-$k.ready" -hold 290s >"$file-idle-$k.json" 2>"$file-idle-$k.err" &
    lpids+=($!)
    STARTED+=("$!")
  done
  for _ in $(seq 2400); do
    local ready=0
    for k in $(seq "$loaders"); do [ -s "$file-$k.ready" ] && ready=$((ready + 1)); done
    [ "$ready" = "$loaders" ] && break
    for k in $(seq "$loaders"); do
      kill -0 "${lpids[$((k - 1))]}" 2>/dev/null || [ -s "$file-$k.ready" ] \
        || die "$name idle loader $k exited early: $(tail -3 "$file-idle-$k.err")"
    done
    sleep 0.1
  done
  for k in $(seq "$loaders"); do
    [ -s "$file-$k.ready" ] || die "$name: idle connections not up within 240 s (loader $k)"
    up=$((up + $(tr -d '[:space:]' <"$file-$k.ready")))
  done
  sleep "$SETTLE"
  after=$(rss_kb "${PID[$name]}")
  heap_info "${PID[$name]}" "$name-$tag"
  for pid in "${lpids[@]}"; do stop_pid "$pid"; done
  stop_pid "${PID[$name]}"
  unset "PID[$name]"
  [ "$up" -gt 0 ] || die "$name: no idle connection came up"
  [ "$up" = "$count" ] || log "$name: only $up of $count idle connections came up"
  jq -n --argjson before "$before" --argjson after "$after" --argjson conns "$up" --argjson loaders "$loaders" \
    --arg heap "$(heap_used_kb "$name-$tag")" \
    '{rss_before_kb: $before, rss_after_kb: $after, connections: $conns, loaders: $loaders,
      bytes_per_connection: (($after - $before) * 1024 / $conns)}
     + if $heap != "" then {heap_used_after_gc_kb: ($heap|tonumber)} else {} end' >"$file.json"
  log "$name: $(jq -c . "$file.json")"
}

# phase_ready NAME ROUND: process start (just before exec) to the first 2xx of its readiness URL
phase_ready() {
  local name=$1 tag="ready-$2" t1
  start_server "$name" "$tag"
  if ! wait_ready "${READY[$name]}" "${PID[$name]}" 120; then
    broken "$name" "not ready ($tag): $(tail -5 "$OUT/$tag-$name.log")" "$OUT/$name-ready-$2.json"
    return 0
  fi
  t1=$(date +%s%N)
  stop_pid "${PID[$name]}"
  unset "PID[$name]"
  jq -n --argjson ms "$(((t1 - STARTED_NS) / 1000000))" --arg url "${READY[$name]}" '{ready_ms: $ms, url: $url}' \
    >"$OUT/$name-ready-$2.json"
  log "$name: ready after $(jq .ready_ms "$OUT/$name-ready-$2.json") ms (start $2)"
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
  --arg self_check "$SELF_CHECK" --arg quick "$QUICK" --arg warmup "$WARMUP" --arg window "$WINDOW" \
  --arg settle "$SETTLE" --arg rounds "$ROUNDS" --arg warmup_pass "$WARMUP_PASS" --arg warmup_connects "$WARMUP_CONNECTS" \
  --arg moderate_rate "$MODERATE_RATE" --arg connect_conns "$CONNECT_CONNS" --arg connect_dialers "$CONNECT_DIALERS" \
  --arg idle_sizes "$IDLE_SIZES" --arg loader_conns "$LOADER_CONNS" --arg sources "$SOURCES" --arg fd_limit "$FD_LIMIT" \
  --arg stun_workers "$STUN_WORKERS" --arg stun_window "$STUN_WINDOW" --arg stun_light_window "$STUN_LIGHT_WINDOW" \
  --arg stun_rounds "$STUN_ROUNDS" --arg stun_duration "$STUN_DURATION" --arg ready_starts "$READY_STARTS" \
  --arg server_cpu "$SERVER_CPU" --arg load_cpus "$LOAD_CPUS" --arg batch_read_ahead "$BATCH_READ_AHEAD" \
  --arg derp_rs "${DERP_RS_BIN:+$(timeout 5 "$DERP_RS_BIN" --version 2>&1 | head -1 || true) ($DERP_RS_BIN)}" \
  '$ARGS.named' >"$OUT/meta.json"

# --- the run --------------------------------------------------------------------------------------
if wants plain; then
session plain plain 0 "${WITH_AA[@]}"
each_round throughput phase_throughput "$ROUNDS" "${WITH_AA[@]}"
each_round throughput-batched phase_throughput_batched "$ROUNDS" "${MAIN[@]}"
# Latency is measured at half of derper's peak (median over the rounds), for every server.
LATENCY_RATE=$(for r in $(seq "$ROUNDS"); do jq .packets_per_sec "$OUT/derper-plain-throughput-$r.json"; done | median | awk '{ printf "%d", $1 / 2 }')
echo "$LATENCY_RATE" >"$OUT/latency-rate"
each_round latency phase_latency "$ROUNDS" "${WITH_AA[@]}"
each_round moderate phase_moderate "$ROUNDS" "${MAIN[@]}"
each_round overload phase_overload "$ROUNDS" "${MAIN[@]}"
each_round stun phase_stun "$STUN_ROUNDS" "${MAIN[@]}"
each_round stun-light phase_stun_light "$STUN_ROUNDS" "${MAIN[@]}"
each_round connect phase_connect "$ROUNDS" "${MAIN[@]}"
fi

if wants pinned; then
session pinned plain 1 "${WITH_AA[@]}"
each_round throughput phase_throughput "$ROUNDS" "${WITH_AA[@]}"
each_round throughput-batched phase_throughput_batched "$ROUNDS" "${WITH_AA[@]}"
each_round moderate phase_moderate "$ROUNDS" "${WITH_AA[@]}"
each_round stun phase_stun "$STUN_ROUNDS" "${MAIN[@]}"
each_round connect phase_connect "$ROUNDS" "${MAIN[@]}"
fi

if wants tls; then
session tls tls 0 "${MAIN[@]}"
each_round throughput phase_throughput "$ROUNDS" "${MAIN[@]}"
each_round throughput-batched phase_throughput_batched "$ROUNDS" "${MAIN[@]}"
each_round connect phase_connect "$ROUNDS" "${MAIN[@]}"
fi

if wants tls-pinned; then
session tls-pinned tls 1 "${MAIN[@]}"
each_round throughput phase_throughput "$ROUNDS" "${MAIN[@]}"
each_round throughput-batched phase_throughput_batched "$ROUNDS" "${MAIN[@]}"
each_round connect phase_connect "$ROUNDS" "${MAIN[@]}"
fi

if wants mesh; then
mesh_session
each_round throughput phase_mesh_throughput "$ROUNDS" derper waystation
# Latency through the mesh at a quarter of the derper pair's peak through it: two nodes and the load
# generator share the cores, and at half the paced senders already fall behind.
MESH_LATENCY_RATE=$(for r in $(seq "$ROUNDS"); do jq .packets_per_sec "$OUT/derper-mesh-throughput-$r.json"; done | median | awk '{ printf "%d", $1 / 4 }')
echo "$MESH_LATENCY_RATE" >"$OUT/mesh-latency-rate"
each_round latency phase_mesh_latency "$ROUNDS" derper waystation
fi
for name in "${!PID[@]}"; do stop_pid "${PID[$name]}"; done
PID=()

PINNED=0
wants memory && for SECURITY in plain tls; do
  SESSION="memory-$SECURITY"
  for count in $IDLE_SIZES; do
    for name in "${MAIN[@]}"; do
      if [ "$name" = derprs ] && [ "$SECURITY" = tls ] && [ -z "$DERP_RS_TLS_ARGS" ]; then continue; fi
      log "$name: memory, $count idle $SECURITY connections on a fresh server"
      phase_memory "$name" "$count"
    done
  done
done

SECURITY=plain
wants ready && for r in $(seq "$READY_STARTS"); do
  for i in $(seq 0 $((${#MAIN[@]} - 1))); do phase_ready "${MAIN[$(((i + r - 1) % ${#MAIN[@]}))]}" "$r"; done
done

# Policy fan-out: Waystation only (derper has no policy engine), with every server stopped.
# Results in $OUT/policy-fanout.jsonl; BENCHMARKS.md's "Policy fan-out" section is written by hand.
if wants policy && [ -n "$POLICY_CLIENTS" ] && [ "$SELF_CHECK" = 0 ]; then
  log "policy fan-out: a Device-scope change to $POLICY_CLIENTS simulated clients"
  # shellcheck disable=SC2086 # the counts are separate arguments
  "$BENCH/policy-fanout.sh" "$OUT" $POLICY_CLIENTS >"$OUT/policy-fanout.log" 2>&1 \
    || log "policy fan-out failed: $(tail -3 "$OUT/policy-fanout.log")"
fi

if [ "$PROFILE" = 1 ]; then
  for jfr in "$OUT"/*-relay.jfr; do
    [ -s "$jfr" ] && { "$BENCH/jfr-summary.sh" "$jfr" >"${jfr%.jfr}-profile.txt" 2>&1 || true; }
  done
fi

# --- report ---------------------------------------------------------------------------------------
"$BENCH/report.sh" "$OUT" >"$OUT/results.md" || die "report failed"
cat "$OUT/results.md"
log "done in $(($(date +%s) - RUN_STARTED)) s"
if [ "$WRITE" = 1 ]; then
  "$BENCH/update-benchmarks-md.sh" "$OUT/results.md" "$ROOT/BENCHMARKS.md"
  log "BENCHMARKS.md updated (raw results in ${OUT#"$ROOT"/})"
fi
