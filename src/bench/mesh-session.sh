# shellcheck shell=bash
# Sourced by run.sh: the cross-node session. Each server kind runs as a two-node region over TLS
# (the run's test certificate for 127.0.0.1; slot NAME is node A, NAME-b node B), each node meshed with
# the other: derper with -mesh-with and -mesh-psk-file, Waystation with mesh-with, mesh-key-file and the
# test CA as mesh-ca-file. derpload's senders connect to A and its receivers to B (-receiver-url), so
# every packet crosses the mesh as a ForwardPacket. Results: NAME-mesh-throughput-R.json and
# NAME-mesh-latency-R.json (server CPU: node A's).

MESH_KEY="$OUT/mesh.key"
MESH_LINK_WAIT=60 # seconds for both links of a pair to come up
# Unmeasured cross-node load per pair before the rounds: two cold JVMs (the sender's node and the
# receiver's) compile their forwarding paths; 5 s left the first Waystation round at a third of the next.
MESH_WARMUP_PASS=${MESH_WARMUP_PASS:-$([ "$QUICK" = 1 ] && echo 2s || echo 20s)}
KIND[derper-b]=derper
KIND[waystation-b]=${KIND[waystation]}

port_of() { local p=${URL[$1]##*:}; echo "${p%%/*}"; } # port_of NAME: the port of NAME's DERP URL

# metric_line URL SAMPLE: whether the metrics page at URL has the line "SAMPLE..." (Micrometer's ",}" normalised)
metric_line() { curl -fsS --max-time 2 --cacert "$TLS_DIR/ca.pem" "$1" 2>/dev/null | sed 's/,}/}/' | grep -qF -- "$2"; }

# mesh_link_up NODE PEER: whether NODE's mesh link to PEER is up, as the servers themselves report it
mesh_link_up() {
  case "${KIND[$1]}" in
    # NODE's mesh client is PEER's only watcher (derper serves /debug/ to loopback)
    derper) metric_line "${URL[$2]%/derp}/debug/varz" "derp_watchers 1" ;;
    waystation) metric_line "${READY[$1]%/q/health/ready}/q/metrics" \
      "waystation_mesh_peer_up{peer=\"$HOST:$(port_of "$2")\"} 1" ;;
  esac
}

# mesh_up NAME: nodes NAME and NAME-b, each listing both (a node skips itself), until both links are up
mesh_up() {
  local name=$1 a b t
  a=$(free_port tcp) b=$(free_port tcp)
  MESH_WITH="$HOST:$a,$HOST:$b" FIXED_PORT=$a up "$name"
  MESH_WITH="$HOST:$a,$HOST:$b" FIXED_PORT=$b up "$name-b"
  for t in $(seq $((MESH_LINK_WAIT * 10))); do
    mesh_link_up "$name" "$name-b" && mesh_link_up "$name-b" "$name" && { log "$name pair: meshed"; return 0; }
    sleep 0.1
  done
  die "$name pair: mesh links not up within $MESH_LINK_WAIT s (logs: $OUT/mesh-$name.log, $OUT/mesh-$name-b.log)"
}

mesh_session() {
  local name
  for name in "${!PID[@]}"; do stop_pid "${PID[$name]}"; done
  PID=()
  SESSION=mesh SECURITY=tls PINNED=0
  log "=== session mesh: a derper pair and a Waystation pair, senders on node A, receivers on node B"
  openssl rand -hex 32 >"$MESH_KEY"
  echo "$MESH_WARMUP_PASS" >"$OUT/mesh-warmup-pass"
  for name in derper waystation; do mesh_up "$name"; done
  for name in derper waystation; do
    load timeout 120 "$BIN/derpload" -mode throughput -url "${URL[$name]}" -receiver-url "${URL[$name-b]}" \
      -pairs "$PAIRS" -size "$SIZE" -window "$WINDOW" -duration "$MESH_WARMUP_PASS" -warmup 0s >/dev/null \
      2>"$OUT/mesh-$name-warmup.err" || die "$name pair: cross-node warm-up failed: $(tail -3 "$OUT/mesh-$name-warmup.err")"
  done
}

phase_mesh_throughput() { RECEIVER_URL=${URL[$1-b]} phase_throughput "$@"; }
phase_mesh_latency() { RECEIVER_URL=${URL[$1-b]} paced "$1" "$2" "$3" "$MESH_LATENCY_RATE"; }
