#!/usr/bin/env bash
# Cross-node benchmark of a two-node region: senders on node A, receivers on node B, so every packet
# crosses the mesh (ForwardPacket). A derper pair (v1.102.3, each -mesh-with the other) and a
# Waystation pair (each mesh-with the other) run side by side on loopback with TLS from a throwaway
# CA for "localhost" (derper meshes over TLS only), driven by the same derpload (-receiver-url).
#
#   src/bench/mesh.sh            throughput (window) and latency (fixed rate) rounds, derper then Waystation
#                                alternating; prints a Markdown table of medians and ratios
# Knobs (environment): PAIRS=10 SIZE=1400 DURATION=10s WARMUP=3s WINDOW=16 RATE=20000 ROUNDS=3
# RELAY_JVM_OPTS="-Xms128m -Xmx128m -XX:+UseG1GC". Needs what run.sh needs (go, java, jq, openssl)
# and a packaged relay (./mvnw -pl relay -am package -DskipTests). Results: src/bench/target/mesh-<UTC>/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/src/interop/target/bin"
RELAY_JAR=${RELAY_JAR:-"$ROOT/relay/target/quarkus-app/quarkus-run.jar"}
HOST=127.0.0.1
PAIRS=${PAIRS:-10} SIZE=${SIZE:-1400} DURATION=${DURATION:-10s} WARMUP=${WARMUP:-3s} WINDOW=${WINDOW:-16}
RATE=${RATE:-20000} ROUNDS=${ROUNDS:-3}
RELAY_JVM_OPTS=${RELAY_JVM_OPTS:--Xms128m -Xmx128m -XX:+UseG1GC}
OUT="$ROOT/src/bench/target/mesh-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
PIDS=()
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

(cd "$ROOT/src/interop" && go build -o target/bin/derpload ./cmd/derpload \
  && go build -o target/bin/derper tailscale.com/cmd/derper) >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
[ -f "$RELAY_JAR" ] || { echo "mesh.sh: $RELAY_JAR missing: ./mvnw -pl relay -am package -DskipTests" >&2; exit 1; }

# Throwaway CA and a "localhost" certificate shared by all four servers; Go clients trust it via SSL_CERT_FILE.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
  -keyout "$OUT/ca.key" -out "$OUT/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$OUT/localhost.key" -out "$OUT/localhost.csr" 2>/dev/null
openssl x509 -req -in "$OUT/localhost.csr" -CA "$OUT/ca.pem" -CAkey "$OUT/ca.key" -CAcreateserial -days 2 \
  -extfile <(printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE') -out "$OUT/localhost.crt" 2>/dev/null
openssl rand -hex 32 >"$OUT/mesh.key"
export SSL_CERT_FILE="$OUT/ca.pem"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_port() { # await_port PORT PID
  for _ in $(seq 600); do
    kill -0 "$2" 2>/dev/null || { say "server $2 exited"; exit 1; }
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  say "port $1 never opened"; exit 1
}
await_metric() { # await_metric MGMT_PORT SAMPLE: until a relay's metric line with value 1 appears (its mesh link is up)
  for _ in $(seq 600); do
    curl -fsS "http://$HOST:$1/q/metrics" 2>/dev/null | grep -q "^$2 1" && return 0
    sleep 0.1
  done
  say "no '$2 1' on management port $1"; exit 1
}

declare -A URL_A URL_B PID_A PID_B
start_derper_pair() {
  local a b
  a=$(port) b=$(port)
  for p in "$a" "$b"; do
    "$BIN/derper" -a "$HOST:$p" -certmode manual -certdir "$OUT" -hostname localhost -http-port -1 -stun=false \
      -c "$OUT/derper-$p.key" -mesh-psk-file "$OUT/mesh.key" -mesh-with "localhost:$a,localhost:$b" \
      >"$OUT/derper-$p.log" 2>&1 &
    PIDS+=($!)
    await_port "$p" $!
  done
  PID_A[derper]=${PIDS[-2]} PID_B[derper]=${PIDS[-1]}
  URL_A[derper]="https://localhost:$a/derp" URL_B[derper]="https://localhost:$b/derp"
  sleep 6 # derper's mesh clients retry every 5 s and have no readiness signal
}
start_waystation_pair() {
  local a b ma mb
  a=$(port) b=$(port) ma=$(port) mb=$(port)
  for pm in "$a:$ma" "$b:$mb"; do
    local p=${pm%%:*} m=${pm##*:}
    # shellcheck disable=SC2086 # the JVM options are a word list on purpose
    java $RELAY_JVM_OPTS -Dwaystation.relay.mode=production -Dwaystation.relay.host=$HOST \
      -Dwaystation.relay.port="$p" -Dwaystation.relay.http-port=-1 -Dwaystation.relay.hostname=localhost \
      -Dwaystation.relay.key-file="$OUT/waystation-$p.key" -Dwaystation.relay.tls.cert-file="$OUT/localhost.crt" \
      -Dwaystation.relay.tls.key-file="$OUT/localhost.key" -Dwaystation.relay.mesh-key-file="$OUT/mesh.key" \
      -Dwaystation.relay.mesh-with="localhost:$a,localhost:$b" -Dwaystation.relay.mesh-ca-file="$OUT/ca.pem" \
      -Dwaystation.stun.port=0 -Dwaystation.stun.bind-addresses=$HOST \
      -Dquarkus.management.host=$HOST -Dquarkus.management.port="$m" \
      -jar "$RELAY_JAR" >"$OUT/waystation-$p.log" 2>&1 &
    PIDS+=($!)
  done
  PID_A[waystation]=${PIDS[-2]} PID_B[waystation]=${PIDS[-1]}
  await_metric "$ma" "waystation_mesh_peer_up{peer=\"localhost:$b\"}"
  await_metric "$mb" "waystation_mesh_peer_up{peer=\"localhost:$a\"}"
  URL_A[waystation]="https://localhost:$a/derp" URL_B[waystation]="https://localhost:$b/derp"
}

run() { # run NAME PHASE ROUND ARGS...
  local name=$1 phase=$2 round=$3
  shift 3
  timeout 300 "$BIN/derpload" -url "${URL_A[$name]}" -receiver-url "${URL_B[$name]}" -pairs "$PAIRS" -size "$SIZE" \
    -duration "$DURATION" -warmup "$WARMUP" "$@" >"$OUT/$name-$phase-$round.json" 2>"$OUT/$name-$phase-$round.err"
  say "$name $phase $round: $(jq -c '{packets_per_sec, p50_us, p99_us}' "$OUT/$name-$phase-$round.json")"
}

start_derper_pair
start_waystation_pair
say "warm-up pass (JIT) on the Waystation pair"
run waystation warmup 0 -mode throughput -window "$WINDOW"
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order="derper waystation"; else order="waystation derper"; fi
  for name in $order; do
    run "$name" throughput "$r" -mode throughput -window "$WINDOW"
    run "$name" latency "$r" -mode latency -rate "$RATE"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { for f in "$OUT"/"$1"-"$2"-[1-9]*.json; do jq ".$3" "$f"; done | median; }
dt=$(med derper throughput packets_per_sec) wt=$(med waystation throughput packets_per_sec)
dp=$(med derper latency p99_us) wp=$(med waystation latency p99_us)
dm=$(med derper latency p50_us) wm=$(med waystation latency p50_us)
cat <<TABLE | tee "$OUT/summary.md"
| cross-node (2-node mesh, TLS, $PAIRS pairs, $SIZE B, median of $ROUNDS rounds) | derper | Waystation | Waystation / derper |
|---|---|---|---|
| throughput, packets/s (window $WINDOW per pair) | $dt | $wt | $(awk -v a="$wt" -v b="$dt" 'BEGIN { printf "%.2fx", a / b }') |
| latency p50 at $RATE packets/s, µs | $dm | $wm | $(awk -v a="$wm" -v b="$dm" 'BEGIN { printf "%.2fx", a / b }') |
| latency p99 at $RATE packets/s, µs | $dp | $wp | $(awk -v a="$wp" -v b="$dp" 'BEGIN { printf "%.2fx", a / b }') |
TABLE
