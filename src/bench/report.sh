#!/usr/bin/env bash
# Renders one run of src/bench/run.sh (its results folder) as the "DERP" and "STUN" sections of
# BENCHMARKS.md, on stdout. Result files: NAME-SESSION-PHASE-ROUND.json (NAME: derper, waystation,
# derper2 = the A/A second derper, derprs), NAME-memory-SECURITY-COUNT.json, NAME-ready-ROUND.json.
set -euo pipefail
OUT=$1
m() { jq -r "$1" "$OUT/meta.json"; }
HAS_RS=$([ -n "$(m '.derp_rs // ""')" ] && echo 1 || echo 0)

# rounds NAME KEY EXPR: EXPR of every round's result (KEY is SESSION-PHASE), one line each, in round
# order; nothing for a server that did not run that phase
rounds() {
  local r count=$(m .rounds)
  case "$2" in *stun*) count=$(m .stun_rounds) ;; ready) count=$(m .ready_starts) ;; esac
  for r in $(seq "$count"); do
    [ -f "$OUT/$1-$2-$r.json" ] && jq -r "$3" "$OUT/$1-$2-$r.json"
  done
  return 0
}
# med NAME KEY EXPR: median of EXPR over the rounds (empty when every round failed or none ran)
med() {
  rounds "$@" | { grep -vE '^(null|)$' || true; } | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# all NAME KEY EXPR: EXPR of every round, joined by " / " ("-" when the server did not run it)
all() { local s; s=$(rounds "$@" | paste -sd/ | sed 's|/| / |g'); echo "${s:--}"; }
# one NAME FILE-SUFFIX EXPR: EXPR of a single result file (empty when missing or an error)
one() { [ -f "$OUT/$1-$2.json" ] && jq -r "if .error then empty else $3 end" "$OUT/$1-$2.json" || true; }
why_not() { [ -f "$OUT/$1-$2.json" ] && jq -r '.error // empty' "$OUT/$1-$2.json" || true; }

# ratio A B: B/A with two decimals ("n/a" when either is missing or A is zero)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "null" || b == "null" || a == 0) print "n/a"; else printf "%.2f", b / a }'; }
fmt() { awk -v x="$1" -v d="${2:-0}" 'BEGIN { if (x == "" || x == "null") print "-"; else printf "%.*f", d, x }'; }
# verdict VALUE OP LIMIT: "yes"/"**no**" for VALUE OP LIMIT (OP: ge, le, lt), "n/a" without a value,
# nothing for OP "-" (a row without a goal)
verdict() {
  [ "$2" = - ] && return 0
  awk -v x="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (x == "" || x == "n/a") { print "n/a"; exit }
    ok = (op == "ge") ? x >= l : (op == "le") ? x <= l : x < l
    print ok ? "yes" : "**no**" }'
}

# values LABEL DECIMALS KEY EXPR: the start of a table row, the median round of every server and
# the ratios (derp-rs and the A/A column only where they ran); sets W and R (Waystation, its ratio)
values() {
  local d rs aa
  d=$(med derper "$3" "$4"); W=$(med waystation "$3" "$4")
  rs=$(med derprs "$3" "$4"); aa=$(med derper2 "$3" "$4")
  R=$(ratio "$d" "$W")
  printf '| %s | %s | %s | **%s** |' "$1" "$(fmt "$d" "$2")" "$(fmt "$W" "$2")" "$R"
  [ "$HAS_RS" = 1 ] && printf ' %s | %s |' "$(fmt "$rs" "$2")" "$(ratio "$d" "$rs")"
  printf ' %s |' "$([ -n "$aa" ] && ratio "$d" "$aa")"
}
info_row() { values "$@" >"$OUT/.row"; cat "$OUT/.row"; echo; }
# row LABEL DECIMALS KEY EXPR GOAL-TEXT OP LIMIT [absolute]: a goal row; the verdict is on
# Waystation/derper, or on Waystation's own value when "absolute". INVALID (set by the caller)
# replaces the verdict with the reason the row does not count.
row() {
  local verdict_
  values "$1" "$2" "$3" "$4" >"$OUT/.row"
  if [ "${8:-ratio}" = absolute ]; then verdict_=$(verdict "$W" "$6" "$7"); else verdict_=$(verdict "$R" "$6" "$7"); fi
  [ -n "${INVALID:-}" ] && verdict_="**invalid**: $INVALID"
  printf '%s %s | %s |\n' "$(cat "$OUT/.row")" "$5" "$verdict_"
}

# pace_check KEY: why a fixed-rate phase is invalid (a round of derper or Waystation delivered less
# than 95 % of the offered rate: the load generator or the server fell behind), or nothing
pace_check() {
  local name worst
  for name in derper waystation; do
    worst=$(rounds "$name" "$1" 'if .error then empty else .received_packets_per_sec / .offered_packets_per_sec end' | sort -g | head -1)
    [ -n "$worst" ] || continue
    awk -v w="$worst" 'BEGIN { exit !(w < 0.95) }' \
      && printf '%s reached only %.0f %% of the offered rate in a round. ' "$name" "$(awk -v w="$worst" 'BEGIN { print w * 100 }')"
  done
  return 0
}
achieved() { # achieved KEY: "derper X, Waystation Y packets/s" (median achieved rates)
  printf 'derper %s, Waystation %s' "$(fmt "$(med derper "$1" .received_packets_per_sec)")" \
    "$(fmt "$(med waystation "$1" .received_packets_per_sec)")"
}

# memory_row SECURITY COUNT LIMIT-KIB: KiB of RSS per idle connection on a fresh server
memory_row() {
  local sec=$1 n=$2 limit=$3 d w rs r why
  d=$(one derper "memory-$sec-$n" '.bytes_per_connection / 1024')
  w=$(one waystation "memory-$sec-$n" '.bytes_per_connection / 1024')
  rs=$(one derprs "memory-$sec-$n" '.bytes_per_connection / 1024')
  r=$(ratio "$d" "$w")
  why=$(why_not waystation "memory-$sec-$n")
  printf '| RSS per idle connection, %s %s, fresh server, KiB | %s | %s | **%s** |' "$n" "$sec" "$(fmt "$d" 1)" "$(fmt "$w" 1)" "$r"
  [ "$HAS_RS" = 1 ] && printf ' %s | %s |' "$(fmt "$rs" 1)" "$(ratio "$d" "$rs")"
  printf ' | Waystation <= %s KiB | %s |\n' "$limit" "$([ -n "$why" ] && echo "$why" || verdict "$w" le "$limit")"
}

cpu_per_packet='if .error then null else .server_cpu_seconds * 1e6 / .total_received end'
# the load generator's and the server's CPU over the load generator's wall time (1.00 = one core busy)
load_busy='if .error or .load_cpu_seconds == null then null else .load_cpu_seconds / .wall_seconds end'
server_busy='if .error then null else .server_cpu_seconds / .wall_seconds end'
writes_per_frame='if .error or (.sender_socket_writes // 0) == 0 then null else .sender_socket_writes / .total_sent end'
cpu_per_connect='if .error or .completed == 0 then null else .server_cpu_seconds * 1e6 / .completed end'
stun_rate='if .error then null else .valid_answers_per_sec end'
stun_raw='if .error then "failed: \(.error)" else .valid_answers_per_sec|floor end'
# failed_or EXPR: a jq expression showing "failed" for a failed round, else EXPR
failed_or() { printf 'if .error then "failed" else (%s) end' "$1"; }
rate=$(cat "$OUT/latency-rate" 2>/dev/null || true) # absent when SESSIONS left out plain
mod_plain=$(pace_check plain-moderate | sed 's/ $//'); mod_pinned=$(pace_check pinned-moderate | sed 's/ $//')
lat=$(pace_check plain-latency | sed 's/ $//')

# The relay names its Netty transport and TLS engine in its start-up log.
relay_says() {
  cat "$OUT/plain-waystation.log" "$OUT/tls-waystation.log" 2>/dev/null | grep -iE "$1" | head -1 \
    | sed -E 's/^[0-9:., -]+[A-Z]+ +//; s/^\[[^]]*\] +//; s/\|/\\|/g' || true
}
transport=$(relay_says 'epoll|kqueue|io_uring|nio transport|native transport')
tls=$(relay_says 'openssl|boringssl|tls engine|jdk ssl|ssl engine')
# ...and how many event loops serve DERP ("listener derp on ... (plain, DERP yes, 1 event loops)")
loops_in() { grep -ohE '[0-9]+ event loops\)' "$OUT/$1-waystation.log" 2>/dev/null | head -1 | grep -oE '^[0-9]+' || true; }
loops_shared=$(loops_in plain) loops_pinned=$(loops_in pinned)
rs_head=""; rs_sep=""
[ "$HAS_RS" = 1 ] && rs_head=" derp-rs | derp-rs / derper |" rs_sep=" ---: | ---: |"

if [ "$(m .self_check)" = 1 ]; then
  echo "> **Self-check run: the Waystation column is derper too** (A/A; the ratios show this machine's noise)."
  echo
fi
if [ "$(m .quick)" = 1 ]; then
  echo "> **Quick smoke run** (\`--quick\`): every phase ran once, briefly; the numbers mean nothing."
  echo
fi
cat <<EOF
## DERP

One run of \`src/bench/run.sh\` on $(m .date). Every server listens on loopback (127.0.0.1, free
ports) and is driven by the same load generator (\`src/interop/cmd/derpload\`, Tailscale's
\`derphttp\` client), one server at a time: each phase runs against every server in turn,
$(m .rounds) rounds rotating which goes first; tables show the median round. Ratio = server / derper.
*derper #2* is a second, independent derper process measured exactly like the others: derper #2 /
derper is the A/A self-check, the noise of this machine in that row.

- Machine: $(m .nproc) cores (\`nproc\`), $(m .cpu), $(m .mem), Linux $(m .kernel); load average at
  start $(m .load). *Shared* rows: server and load generator share both cores. *Pinned* rows: every
  server started with \`taskset -c $(m .server_cpu)\` (so Go sizes GOMAXPROCS and the JVM its pools
  to one core), every load generator with \`taskset -c $(m .load_cpus)\`: the same single core for each server.
- Versions: derper v1.102.3 (built with \`go build tailscale.com/cmd/derper\` from the module, so
  \`-version\` prints \`$(m .derper)\`: no VCS stamp), Waystation relay at commit \`$(m .commit)\`
  (the last commit touching \`relay/\`), $(m .java), $(m .go)$([ "$HAS_RS" = 1 ] && printf ', derp-rs: `%s`' "$(m .derp_rs)").
- Relay JVM: \`$(m .jvm)\`. Netty transport, from the relay's log: \`${transport:-"(not reported in the log)"}\`;
  TLS engine: \`${tls:-"(not reported in the log)"}\`. DERP event loops, from the same log:
  ${loops_shared:-"(not reported)"} shared, ${loops_pinned:-"(not reported)"} pinned.
- derper runs what \`-dev\` configures, spelled out so that it binds loopback only (fresh key, no
  port-80 helper); with TLS \`-certmode manual\` and the run's test certificate. Waystation runs dev
  mode, or production mode (TLS) with the same certificate. The load generator trusts the test CA.

| metric | derper | Waystation | Waystation / derper |${rs_head} A/A: derper #2 / derper | goal | met |
| --- | ---: | ---: | ---: |${rs_sep} ---: | --- | --- |
$(row "throughput, shared cores, packets/s" 0 plain-throughput .packets_per_sec ">= 2.0x" ge 2.0)
$(row "throughput, pinned, packets/s" 0 pinned-throughput .packets_per_sec ">= 2.0x" ge 2.0)
$(row "TLS throughput, shared cores, packets/s" 0 tls-throughput .packets_per_sec ">= 1.5x" ge 1.5)
$(row "TLS throughput, pinned, packets/s" 0 tls-pinned-throughput .packets_per_sec ">= 1.5x" ge 1.5)
$(row "throughput with batched senders, shared cores, packets/s" 0 plain-throughput-batched .packets_per_sec ">= 2.0x" ge 2.0)
$(row "throughput with batched senders, pinned, packets/s" 0 pinned-throughput-batched .packets_per_sec ">= 2.0x" ge 2.0)
$(row "TLS throughput with batched senders, shared cores, packets/s" 0 tls-throughput-batched .packets_per_sec ">= 1.5x" ge 1.5)
$(row "TLS throughput with batched senders, pinned, packets/s" 0 tls-pinned-throughput-batched .packets_per_sec ">= 1.5x" ge 1.5)
$(row "server CPU per packet at peak, shared, µs" 2 plain-throughput "$cpu_per_packet" "(lower)" - -)
$(row "server CPU per packet at peak, pinned, µs" 2 pinned-throughput "$cpu_per_packet" "(lower)" - -)
$(row "server CPU per packet at peak with batched senders, shared, µs" 2 plain-throughput-batched "$cpu_per_packet" "(lower)" - -)
$(row "server CPU per packet at peak with batched senders, pinned, µs" 2 pinned-throughput-batched "$cpu_per_packet" "(lower)" - -)
$(INVALID=$mod_plain row "server CPU per packet at $(m .moderate_rate) packets/s offered, shared, µs" 2 plain-moderate "$cpu_per_packet" "<= 1.0x" le 1.0)
$(INVALID=$mod_pinned row "server CPU per packet at $(m .moderate_rate) packets/s offered, pinned, µs" 2 pinned-moderate "$cpu_per_packet" "<= 1.0x" le 1.0)
$(row "server CPU per connection set up, plain, shared, µs" 0 plain-connect "$cpu_per_connect" "<= 1.0x" le 1.0)
$(row "server CPU per connection set up, plain, pinned, µs" 0 pinned-connect "$cpu_per_connect" "<= 1.0x" le 1.0)
$(row "server CPU per connection set up, TLS, shared, µs" 0 tls-connect "$cpu_per_connect" "<= 1.0x" le 1.0)
$(row "server CPU per connection set up, TLS, pinned, µs" 0 tls-pinned-connect "$cpu_per_connect" "<= 1.0x" le 1.0)
$(row "server CPU per connection, first $(m .warmup_connects) on a fresh server, plain, shared, µs" 0 plain-connect-fresh "$cpu_per_connect" "<= 1.0x" le 1.0)
$(row "server CPU per connection, first $(m .warmup_connects) on a fresh server, TLS, shared, µs" 0 tls-connect-fresh "$cpu_per_connect" "<= 1.0x" le 1.0)
$(for sec in plain tls; do for n in $(m .idle_sizes); do memory_row "$sec" "$n" "$([ "$sec" = plain ] && echo 10 || echo 16)"; done; done)
$(row "ready after process start, median of $(m .ready_starts) fresh starts, ms" 0 ready .ready_ms "Waystation < 1500 ms" lt 1500 absolute)
$(row "STUN answers/s at capacity, shared" 0 plain-stun "$stun_rate" ">= 1.5x" ge 1.5)
$(row "STUN answers/s at capacity, pinned" 0 pinned-stun "$stun_rate" ">= 1.5x" ge 1.5)
$(INVALID=$lat row "relay latency p99 at $(fmt "$rate") packets/s (half derper's peak), µs" 0 plain-latency .p99_us "<= 1.0x" le 1.0)

Achieved rates (median received packets/s): at $(m .moderate_rate) offered, shared: $(achieved plain-moderate);
pinned: $(achieved pinned-moderate); at the latency rate $(fmt "$rate"): $(achieved plain-latency). A fixed-rate row is
marked invalid when any round of derper or Waystation reached less than 95 % of the offered rate.

Further figures (no goal):

| metric | derper | Waystation | Waystation / derper |${rs_head} A/A: derper #2 / derper |
| --- | ---: | ---: | ---: |${rs_sep} ---: |
$(info_row "throughput, shared, MB/s delivered (payload)" 1 plain-throughput '.bytes_per_sec / 1e6')
$(info_row "overload: open-loop senders, shared, packets/s delivered" 0 plain-overload .packets_per_sec)
$(info_row "pinned throughput, load generator's core busy, one write per frame" 2 pinned-throughput "$load_busy")
$(info_row "pinned throughput, load generator's core busy, batched senders" 2 pinned-throughput-batched "$load_busy")
$(info_row "pinned throughput, server's core busy, one write per frame" 2 pinned-throughput "$server_busy")
$(info_row "pinned throughput, server's core busy, batched senders" 2 pinned-throughput-batched "$server_busy")
$(info_row "batched senders, pinned: socket writes per frame sent" 3 pinned-throughput-batched "$writes_per_frame")
$(info_row "relay latency p50 at the latency rate, µs" 0 plain-latency .p50_us)
$(info_row "server CPU at the latency rate, cores busy" 2 plain-latency "$server_busy")
$(info_row "connections set up per second, plain, shared" 0 plain-connect .connects_per_sec)
$(info_row "connections set up per second, TLS, shared" 0 tls-connect .connects_per_sec)
$(for sec in plain tls; do for n in $(m .idle_sizes); do
  printf '| RSS fresh / with %s %s idle connections, MiB | %s | %s | |' "$n" "$sec" \
    "$(one derper "memory-$sec-$n" '"\(.rss_before_kb / 1024 | floor) / \(.rss_after_kb / 1024 | floor)"')" \
    "$(one waystation "memory-$sec-$n" '"\(.rss_before_kb / 1024 | floor) / \(.rss_after_kb / 1024 | floor)"')"
  [ "$HAS_RS" = 1 ] && printf ' %s | |' "$(one derprs "memory-$sec-$n" '"\(.rss_before_kb / 1024 | floor) / \(.rss_after_kb / 1024 | floor)"')"
  printf ' |\n'
done; done)

How it is measured:
- *Warm-up*: at the start of every session each server gets $(m .warmup_pass) of unmeasured throughput load
  (and STUN load on plain sessions), then $(m .warmup_connects) connections set up: the JVM
  compiles its hot paths (the handshake's too); every server sizes its pools. Those first connections
  are not part of the set-up rows; their server CPU is the "first ... on a fresh server" rows (a fresh
  relay's compiler threads work through most of them).
- *Throughput*: $(m .pairs) sender/receiver pairs, $(m .size)-byte packets, each sender keeps at most
  $(m .window) packets in flight (half the relay's per-destination queue, so a relay that keeps up
  never has to drop); $(m .warmup) warm-up, then $(m .duration) counted at the receivers.
- *Batched senders* (the "with batched senders" rows): the same pairs, window and client; every frame
  is still made by Tailscale's \`derphttp.Client.Send\` after the same handshake and ServerInfo, but
  each sender's TCP connection (TLS runs on top of it, so whole records) holds the frames and hands
  them to the kernel in one write when the sender is about to wait on its window, when 64 KiB are
  held, or after 1 ms$([ "$(m '.batch_read_ahead // "0"')" != 0 ] && printf '; receivers read the socket %s bytes at a time instead of derphttp'"'"'s 4 KiB' "$(m .batch_read_ahead)").
  That changes the load generator's system calls per packet only: the bytes on the wire, the
  handshake and the servers are the same. The per-frame rows stay as Tailscale's client behaves
  (one write and flush per frame); with one core for the load generator they measure it, not the server.
- *Fixed rate* (moderate rate, latency): the same pairs, paced senders with every send's due time fixed
  in advance; the payload carries its send time, the receiver takes the difference (client send call
  to client receive). The latency rate is half of derper's median shared-cores throughput.
- *Server CPU*: user+system time of the server process (\`/proc/<pid>/stat\`) over the whole phase,
  divided by every packet delivered in it (load-generator warm-up included), by the connections set up,
  or by the phase's wall time.
- *Connection set-up*: $(m .connect_conns) connections per round, $(m .connect_dialers) at a time, each
  through TCP connect, TLS handshake (TLS rows), HTTP upgrade, DERP handshake and ServerInfo, then
  closed; spread over $(m .sources) loopback source addresses. The connections-per-second figure is
  the load generator's too (it generates a key and seals a handshake per client), not a server limit.
- *Memory*: for each size and security a freshly started server; $(m .settle) s after readiness its VmRSS
  (\`/proc/<pid>/status\`), then the idle connections (each completed its handshake and got ServerInfo)
  from load-generator processes of at most $(m .loader_conns) connections, each binding $(m .sources)
  source addresses of its own in 127.0.0.0/8; $(m .settle) s after all are up VmRSS again;
  (after - before) / connections. A size that the open-file hard limit ($(m .fd_limit) here) cannot
  hold on the server is reported as not measured (raise it with \`ulimit -Hn\`, systemd
  \`LimitNOFILE\` or \`docker run --ulimit nofile=...\`). Waystation's JVM heap is fixed
  (\`$(m .jvm)\`, no pre-touch).
- *Ready*: $(m .ready_starts) fresh starts per server (plain), alternating; time from just before the
  process is started to the first 2xx answer (polled every 20 ms) of Waystation's \`/q/health/ready\`
  on its management port or derper's \`/generate_204\`.

Raw numbers, every round (round 1 / 2 / ...; round r starts with the r-th server of derper,
Waystation$([ "$HAS_RS" = 1 ] && echo ", derp-rs"), derper #2):

| | derper | Waystation |$([ "$HAS_RS" = 1 ] && echo " derp-rs |") derper #2 |
| --- | ---: | ---: |$([ "$HAS_RS" = 1 ] && echo " ---: |") ---: |
$(raw() { # raw LABEL KEY EXPR
    printf '| %s | %s | %s |' "$1" "$(all derper "$2" "$3")" "$(all waystation "$2" "$3")"
    [ "$HAS_RS" = 1 ] && printf ' %s |' "$(all derprs "$2" "$3")"
    printf ' %s |\n' "$(all derper2 "$2" "$3")"
  }
  tp='if .error then "failed" else .packets_per_sec|floor end'
  cpu='if .error then "failed" else .server_cpu_seconds*100|floor/100 end'
  raw "throughput shared, packets/s" plain-throughput "$tp"
  raw "throughput shared, server CPU s" plain-throughput "$cpu"
  raw "throughput pinned, packets/s" pinned-throughput "$tp"
  raw "throughput pinned, server CPU s" pinned-throughput "$cpu"
  raw "TLS throughput shared, packets/s" tls-throughput "$tp"
  raw "TLS throughput pinned, packets/s" tls-pinned-throughput "$tp"
  lcpu='if .error or .load_cpu_seconds == null then "failed" else "\(.load_cpu_seconds*100|floor/100) in \(.wall_seconds*10|floor/10)" end'
  raw "throughput pinned, load generator CPU s in wall s" pinned-throughput "$lcpu"
  raw "batched senders, throughput shared, packets/s" plain-throughput-batched "$tp"
  raw "batched senders, throughput pinned, packets/s" pinned-throughput-batched "$tp"
  raw "batched senders, throughput pinned, server CPU s" pinned-throughput-batched "$cpu"
  raw "batched senders, throughput pinned, load generator CPU s in wall s" pinned-throughput-batched "$lcpu"
  raw "batched senders, TLS throughput shared, packets/s" tls-throughput-batched "$tp"
  raw "batched senders, TLS throughput pinned, packets/s" tls-pinned-throughput-batched "$tp"
  raw "moderate rate shared, achieved packets/s" plain-moderate "$(failed_or '.received_packets_per_sec|floor')"
  raw "moderate rate shared, server CPU µs/packet" plain-moderate "$(failed_or "$cpu_per_packet*100|floor/100")"
  raw "moderate rate shared, late sends (> 1 ms)" plain-moderate "$(failed_or .late_sends)"
  raw "moderate rate pinned, achieved packets/s" pinned-moderate "$(failed_or '.received_packets_per_sec|floor')"
  raw "moderate rate pinned, server CPU µs/packet" pinned-moderate "$(failed_or "$cpu_per_packet*100|floor/100")"
  raw "latency, achieved packets/s" plain-latency "$(failed_or '.received_packets_per_sec|floor')"
  raw "latency p50, p99, p99.9, µs" plain-latency "$(failed_or '"\(.p50_us|floor), \(.p99_us|floor), \(.p999_us|floor)"')"
  raw "overload, packets/s delivered" plain-overload "$tp"
  raw "connection set-up plain shared, done in s" plain-connect "$(failed_or '"\(.completed) in \(.seconds*10|floor/10)"')"
  raw "connection set-up plain shared, server CPU µs each" plain-connect "$(failed_or "$cpu_per_connect|floor")"
  raw "connection set-up plain pinned, server CPU µs each" pinned-connect "$(failed_or "$cpu_per_connect|floor")"
  raw "connection set-up TLS shared, server CPU µs each" tls-connect "$(failed_or "$cpu_per_connect|floor")"
  raw "connection set-up TLS pinned, server CPU µs each" tls-pinned-connect "$(failed_or "$cpu_per_connect|floor")"
  raw "ready after start, ms" ready "$(failed_or .ready_ms)")

## STUN

Same run, same machine. Load generator \`src/interop/cmd/stunload\` (\`tailscale.com/net/stun\`, the
requests tailscaled's netcheck sends): $(m .stun_workers) UDP sockets for $(m .stun_duration) a round,
$(m .stun_rounds) rounds rotating which server goes first, median round shown. Only answers that parse,
match an outstanding transaction id and map back to the sender's own address count. The tool reads
and writes up to 64 datagrams per system call (\`recvmmsg\`/\`sendmmsg\`); what it still pays per request
is mostly the kernel's loopback path, as the servers do per answer; a request unanswered for 100 ms is given up (counted
as timed out) and replaced, so a lost datagram never shrinks the window. Capacity: each
socket keeps $(m .stun_window) requests in flight, which keeps either server busy; light: $(m .stun_light_window)
in flight, which leaves the servers idle part of the time (mostly a round-trip figure).

| metric | derper | Waystation | Waystation / derper |${rs_head} A/A | goal | met |
| --- | ---: | ---: | ---: |${rs_sep} ---: | --- | --- |
$(row "answers/s, $(m .stun_window) in flight per socket, shared" 0 plain-stun "$stun_rate" ">= 1.5x" ge 1.5)
$(row "answers/s, $(m .stun_window) in flight per socket, pinned" 0 pinned-stun "$stun_rate" ">= 1.5x" ge 1.5)
$(row "server CPU per answer at capacity, shared, µs" 1 plain-stun 'if .error then null else .server_cpu_seconds * 1e6 / .valid_answers end' "(lower)" - -)
$(row "answers/s, $(m .stun_light_window) in flight per socket, shared" 0 plain-stun-light "$stun_rate" "(higher)" - -)

Raw answers/s, every round, at capacity shared: derper $(all derper plain-stun "$stun_raw"); Waystation $(all waystation plain-stun "$stun_raw")$([ "$HAS_RS" = 1 ] && printf '; derp-rs %s' "$(all derprs plain-stun "$stun_raw")").
Pinned: derper $(all derper pinned-stun "$stun_raw"); Waystation $(all waystation pinned-stun "$stun_raw")$([ "$HAS_RS" = 1 ] && printf '; derp-rs %s' "$(all derprs pinned-stun "$stun_raw")").
Invalid, late and timed-out answers over all STUN rounds: derper $(rounds derper plain-stun '(.invalid_answers // 0) + (.late_answers // 0) + (.timeouts // 0)' | awk '{ s += $1 } END { print s + 0 }'), Waystation $(rounds waystation plain-stun '(.invalid_answers // 0) + (.late_answers // 0) + (.timeouts // 0)' | awk '{ s += $1 } END { print s + 0 }').
EOF

# --- cross-node (the mesh session): a pair of each server, senders on node A, receivers on node B ---
mesh_rate=$(cat "$OUT/mesh-latency-rate" 2>/dev/null || true)
mesh_lat=$(pace_check mesh-latency | sed 's/ $//')
mesh_raw() { # mesh_raw NAME: that pair's rounds, throughput and p50, p99
  printf '%s packets/s; %s µs' "$(all "$1" mesh-throughput 'if .error then "failed" else .packets_per_sec|floor end')" \
    "$(all "$1" mesh-latency 'if .error then "failed" else "\(.p50_us|floor), \(.p99_us|floor)" end')"
}
cat <<EOF

## Cross-node (2-node mesh)

Same run, same machine. Each server runs as a two-node region over TLS (the run's test certificate for
127.0.0.1), each node meshed with the other: derper with \`-mesh-with\` and \`-mesh-psk-file\`, Waystation
with \`mesh-with\`, \`mesh-key-file\` and the test CA as \`mesh-ca-file\`. The load generator
(\`derpload -receiver-url\`) connects its $(m .pairs) senders to node A and their receivers to node B, so
every packet crosses the mesh link as a ForwardPacket. Both nodes and the load generator share the
cores; each pair first gets $(cat "$OUT/mesh-warmup-pass" 2>/dev/null || echo "?") of unmeasured cross-node load, then one pair
is under load at a time, $(m .rounds) rounds rotating which goes first, median round shown. The latency
rate is a quarter of the derper pair's median cross-node throughput (at half, with two nodes and the
load generator on the same cores, the paced senders fall behind).

| metric | derper pair | Waystation pair | Waystation / derper | A/A | goal | met |
| --- | ---: | ---: | ---: | ---: | --- | --- |
$(HAS_RS=0 row "cross-node throughput, packets/s (window $(m .window) per pair)" 0 mesh-throughput .packets_per_sec ">= 1.0x" ge 1.0)
$(HAS_RS=0 INVALID=$mesh_lat row "cross-node latency p99 at $(fmt "$mesh_rate") packets/s, µs" 0 mesh-latency .p99_us "<= 1.0x" le 1.0)
$(HAS_RS=0 info_row "cross-node latency p50 at the same rate, µs" 0 mesh-latency .p50_us)

Achieved rates (median received packets/s) at $(fmt "$mesh_rate") offered: $(achieved mesh-latency). The p99 row
is marked invalid when any round of either pair reached less than 95 % of the offered rate (the load
generator or the pair fell behind). Raw rounds (throughput; latency p50, p99): derper $(mesh_raw derper);
Waystation $(mesh_raw waystation).
EOF
