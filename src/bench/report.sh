#!/usr/bin/env bash
# Renders one run of src/bench/run.sh (its results folder) as the "DERP" and "STUN" sections of
# BENCHMARKS.md, on stdout.
set -euo pipefail
OUT=$1
m() { jq -r "$1" "$OUT/meta.json"; }
v() { jq -r "$2" "$OUT/$1.json"; }
# rounds NAME-PHASE EXPR: EXPR of every round's result, one line each, in round order
rounds() {
  local r count
  count=$(m .rounds)
  case "$1" in *-stun*) count=$(m '.stun_rounds // .rounds') ;; esac
  for r in $(seq "$count"); do jq -r "$2" "$OUT/$1-$r.json"; done
}
# med NAME-PHASE EXPR: median of EXPR over the rounds (empty when every round failed)
med() {
  rounds "$@" | { grep -v '^null$' || true; } | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# all NAME-PHASE EXPR: EXPR of every round, joined by " / "
all() { rounds "$@" | paste -sd/ | sed 's|/| / |g'; }

# ratio A B: B/A with two decimals ("n/a" when either is missing or A is zero)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "null" || b == "null" || a == 0) print "n/a"; else printf "%.2f", b / a }'; }
fmt() { awk -v x="$1" -v d="${2:-0}" 'BEGIN { if (x == "" || x == "null") print "failed"; else printf "%.*f", d, x }'; }

# row LABEL DERPER WAYSTATION DECIMALS BETTER
row() {
  printf '| %s | %s | %s | **%s** | %s |\n' "$1" "$(fmt "$2" "$4")" "$(fmt "$3" "$4")" "$(ratio "$2" "$3")" "$5"
}

# stun_raw NAME-PHASE: answers/s of every round (or why a round failed), joined by " / "
stun_raw() { all "$1" 'if .error then "failed: \(.error)" else "\(.valid_answers_per_sec|floor)" end'; }
# stun_misses NAME: invalid + late + timed-out answers over every STUN round of both loads
stun_misses() {
  { rounds "$1-stun" '(.invalid_answers // 0) + (.late_answers // 0) + (.timeouts // 0)'
    rounds "$1-stun-light" '(.invalid_answers // 0) + (.late_answers // 0) + (.timeouts // 0)'; } \
    | awk '{ s += $1 } END { print s + 0 }'
}

# For a JVM relay: its live heap per idle connection (after a full GC), which RSS alone hides when
# the fixed heap already had those pages resident.
jvm_heap_row() {
  local kib
  kib=$(v waystation-memory '.heap_bytes_per_connection // empty | . / 1024')
  [ -n "$kib" ] && printf '| JVM live heap per idle connection (after a full GC; part of the RSS above), KiB | n/a | %s | | lower |\n' "$(fmt "$kib" 1)"
  return 0
}

# The relay names its Netty transport and TLS engine in its start-up log.
relay_says() {
  grep -iE "$1" "$OUT/relay.log" | head -1 | sed -E 's/^[0-9:. ]+[A-Z]+ +//; s/^\[[^]]*\] +//; s/\|/\\|/g' || true
}
transport=$(relay_says 'epoll|kqueue|io_uring|nio transport|native transport|transport')
tls=$(relay_says 'openssl|boringssl|tls engine|jdk ssl|ssl engine')

d_tp=$(med derper-throughput .packets_per_sec); w_tp=$(med waystation-throughput .packets_per_sec)
d_bps=$(med derper-throughput '.bytes_per_sec / 1e6'); w_bps=$(med waystation-throughput '.bytes_per_sec / 1e6')
d_ol=$(med derper-overload .packets_per_sec); w_ol=$(med waystation-overload .packets_per_sec)
rate=$(med derper-latency .offered_packets_per_sec)
d_p50=$(med derper-latency .p50_us); w_p50=$(med waystation-latency .p50_us)
d_p99=$(med derper-latency .p99_us); w_p99=$(med waystation-latency .p99_us)
d_mem=$(v derper-memory '.bytes_per_connection / 1024'); w_mem=$(v waystation-memory '.bytes_per_connection / 1024')
d_cpp=$(med derper-throughput '.server_cpu_seconds * 1e6 / .total_received')
w_cpp=$(med waystation-throughput '.server_cpu_seconds * 1e6 / .total_received')
d_cores=$(med derper-latency '.server_cpu_seconds / .wall_seconds')
w_cores=$(med waystation-latency '.server_cpu_seconds / .wall_seconds')
d_stun=$(med derper-stun .valid_answers_per_sec); w_stun=$(med waystation-stun .valid_answers_per_sec)
d_stun_light=$(med derper-stun-light .valid_answers_per_sec); w_stun_light=$(med waystation-stun-light .valid_answers_per_sec)
d_stun_cpr=$(med derper-stun 'if .error then null else .server_cpu_seconds * 1e6 / .valid_answers end')
w_stun_cpr=$(med waystation-stun 'if .error then null else .server_cpu_seconds * 1e6 / .valid_answers end')

if [ "$(m .self_check)" = 1 ]; then
  echo "> **Self-check run: both columns are derper** (A/A; the ratios show this machine's run-to-run noise)."
  echo
fi
cat <<EOF
## DERP

One run of \`src/bench/run.sh\` on $(m .date). derper and Waystation both listen on loopback
(127.0.0.1, free ports) and are driven by the same load generator (\`src/interop/cmd/derpload\`,
Tailscale's \`derphttp\` client, plain HTTP), one server at a time: each phase runs against derper and
Waystation one after the other, $(m .rounds) rounds alternating which goes first; the table shows the
median round. Ratio = Waystation / derper.

- Machine: $(m .nproc) cores (\`nproc\`), $(m .cpu), $(m .mem), Linux $(m .kernel); load average at
  start $(m .load) (the machine is shared with other builds; the load generator runs on the same two
  cores as the server, so a server that needs less CPU leaves more to the load generator). The raw
  rounds below show the spread.
- Versions: derper v1.102.3 (built with \`go build tailscale.com/cmd/derper\` from the module, so
  \`-version\` prints \`$(m .derper)\`: no VCS stamp), Waystation
  relay at commit \`$(m .commit)\` (the last commit touching \`relay/\`), $(m .java), $(m .go).
- Relay JVM: \`$(m .jvm)\` (fixed heap; no pre-touch, so heap pages count in RSS once used).
  Netty transport, from the relay's log: \`${transport:-"(not reported in the log)"}\`.
  TLS engine: ${tls:+"\`$tls\`"}${tls:-"none in use and none reported in the log"} (this benchmark runs plain HTTP, as \`derper -dev\` does).
- derper runs what \`-dev\` configures, spelled out so that it binds loopback only: plain HTTP
  (\`-a 127.0.0.1:<port>\`), fresh key, no port-80 helper (\`-dev\` itself forces \`:3340\` on all interfaces).

| metric | derper | Waystation | ratio | better |
| --- | ---: | ---: | ---: | --- |
$(row "throughput, $(m .pairs) pairs x $(m .size) B, packets/s delivered" "$d_tp" "$w_tp" 0 higher)
$(row "throughput, MB/s delivered (payload)" "$d_bps" "$w_bps" 1 higher)
$(row "overload: open-loop senders, packets/s delivered" "$d_ol" "$w_ol" 0 higher)
$(row "relay latency p50 at $(fmt "$rate") packets/s (half derper's peak), µs" "$d_p50" "$w_p50" 0 lower)
$(row "relay latency p99 at the same rate, µs" "$d_p99" "$w_p99" 0 lower)
$(row "server CPU per delivered packet at peak, µs (user+system)" "$d_cpp" "$w_cpp" 2 lower)
$(row "server CPU at the latency rate, cores busy" "$d_cores" "$w_cores" 2 lower)
$(row "RSS per idle connection at $(v derper-memory .connections) connections, KiB" "$d_mem" "$w_mem" 1 lower)
$(row "RSS with those connections open, MiB (whole process)" "$(v derper-memory '.rss_after_kb / 1024')" "$(v waystation-memory '.rss_after_kb / 1024')" 0 lower)
$(jvm_heap_row)

How it is measured:
- *Warm-up*: before the first round each server gets $(m .warmup_pass) of unmeasured throughput load
  and $(m .warmup_pass) of unmeasured STUN load (the JVM compiles its hot paths; both size their pools).
- *Throughput*: $(m .pairs) sender/receiver pairs, $(m .size)-byte packets, each sender keeps at most
  $(m .window) packets in flight (half the relay's per-destination queue of 32, so a relay that keeps up
  never has to drop); $(m .warmup) warm-up, then $(m .duration) counted at the receivers.
- *Overload*: the same pairs with open-loop senders (no window): the relay drops what its queues cannot
  hold (derper's drop policy); counts what still arrives.
- *Latency*: the same pairs at a fixed total offered rate; the payload carries its send time, the
  receiver takes the difference (client send call to client receive, through the relay).
- *Server CPU*: user+system time of the server process (\`/proc/<pid>/stat\`) over the whole phase,
  divided by every packet delivered in it (warm-up included) or by the phase's wall time.
- *Memory*: after a warm-up round of $(m .warm_conns) idle connections (opened and closed), the server's VmRSS
  (\`/proc/<pid>/status\`) before and $(m .settle) s after opening the idle connections (each completed
  its handshake and got ServerInfo); difference / connections. The JVM's fixed heap is already partly
  resident from the load phases, so its RSS difference shows what the connections add on top; its
  live heap per connection (after a full GC, \`jcmd GC.run\` + \`GC.heap_info\`) is listed too.

Raw numbers, every round (round 1 / 2 / ...; odd rounds ran derper first, even rounds Waystation first):

| | derper | Waystation |
| --- | ---: | ---: |
| throughput, packets/s | $(all derper-throughput '.packets_per_sec|floor') | $(all waystation-throughput '.packets_per_sec|floor') |
| throughput, packets sent-received in the window | $(all derper-throughput '"\(.sent_packets)-\(.received_packets)"') | $(all waystation-throughput '"\(.sent_packets)-\(.received_packets)"') |
| throughput, server CPU s | $(all derper-throughput '.server_cpu_seconds*100|floor/100') | $(all waystation-throughput '.server_cpu_seconds*100|floor/100') |
| overload, packets/s delivered | $(all derper-overload '.packets_per_sec|floor') | $(all waystation-overload '.packets_per_sec|floor') |
| overload, packets sent-received | $(all derper-overload '"\(.sent_packets)-\(.received_packets)"') | $(all waystation-overload '"\(.sent_packets)-\(.received_packets)"') |
| latency p50, µs | $(all derper-latency '.p50_us|floor') | $(all waystation-latency '.p50_us|floor') |
| latency p99, µs | $(all derper-latency '.p99_us|floor') | $(all waystation-latency '.p99_us|floor') |
| latency p99.9, µs | $(all derper-latency '.p999_us|floor') | $(all waystation-latency '.p999_us|floor') |
| latency samples (sent in the window) | $(all derper-latency '.samples') | $(all waystation-latency '.samples') |
| idle: RSS before / after, KiB | $(v derper-memory '"\(.rss_before_kb) / \(.rss_after_kb)"') | $(v waystation-memory '"\(.rss_before_kb) / \(.rss_after_kb)"') |
| idle: connections up, seconds to open them | $(v derper-idle-measured '"\(.connected), \(.open_seconds*10|floor/10)"') | $(v waystation-idle-measured '"\(.connected), \(.open_seconds*10|floor/10)"') |

## STUN

Same run, same machine. Load generator \`src/interop/cmd/stunload\` (\`tailscale.com/net/stun\`, the
requests tailscaled's netcheck sends): $(m .stun_workers) UDP sockets for $(m .stun_duration) a round,
$(m '.stun_rounds // .rounds') rounds alternating which server goes first, median round shown. Only answers that parse,
match an outstanding transaction id and map back to the sender's own address count. Two loads: each
socket keeping $(m .stun_window) requests in flight, which keeps either server busy (the capacity figure), and
$(m '.stun_light_window // "-"') in flight, which leaves both servers idle part of the time (so that figure is mostly the
round trip of load generator and server sharing the cores). CPU per answer is the server's CPU over
the whole round, the load generator's 1 s warm-up included, over the measured answers (both read
about 10 % high).

| metric | derper | Waystation | ratio | better |
| --- | ---: | ---: | ---: | --- |
$(row "binding requests/s answered, $(m .stun_window) in flight per socket" "$d_stun" "$w_stun" 0 higher)
$(row "server CPU per answer, µs (same load)" "$d_stun_cpr" "$w_stun_cpr" 1 lower)
$(row "binding requests/s answered, $(m '.stun_light_window // "-"') in flight per socket" "$d_stun_light" "$w_stun_light" 0 higher)

Raw answers/s, every round, $(m .stun_window) in flight: derper $(stun_raw derper-stun); Waystation $(stun_raw waystation-stun).
$(m '.stun_light_window // "-"') in flight: derper $(stun_raw derper-stun-light); Waystation $(stun_raw waystation-stun-light).
Invalid, late and timed-out answers over all rounds of both loads: derper $(stun_misses derper), Waystation $(stun_misses waystation).
EOF
