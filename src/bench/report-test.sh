#!/usr/bin/env bash
# Plain unit test of report.sh: renders a made-up results folder and checks the verdicts it must
# draw (goal met / not met, a fixed-rate row invalidated by a load generator that fell behind, a
# connection count the open-file limit could not hold, the A/A and derp-rs columns). No servers, no
# timing: runs in a second.   src/bench/report-test.sh
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

meta() { # meta DERP_RS: the run's meta.json
  jq -n --arg derp_rs "$1" '{date: "test", nproc: "2", cpu: "cpu", mem: "1 GiB", kernel: "k", load: "0",
    derper: "1.102.3", java: "java", go: "go", commit: "abc", jvm: "-Xmx128m", pairs: "10", size: "1400",
    duration: "6s", self_check: "0", quick: "0", warmup: "2s", window: "16", settle: "5", rounds: "3",
    warmup_pass: "5s", warmup_connects: "20000", moderate_rate: "20000", connect_conns: "1500", connect_dialers: "4",
    idle_sizes: "10000 100000", loader_conns: "15000", sources: "8", fd_limit: "20000",
    stun_workers: "4", stun_window: "64", stun_light_window: "8", stun_rounds: "3", stun_duration: "6s",
    ready_starts: "5", server_cpu: "0", load_cpus: "1", batch_read_ahead: "65536", derp_rs: $derp_rs}' >"$DIR/meta.json"
}
put() { echo "$3" >"$DIR/$1-$2.json"; } # put NAME SUFFIX JSON
rounds() { # rounds NAME KEY JSON...: one file per round
  local name=$1 key=$2 r=1
  shift 2
  for j in "$@"; do put "$name" "$key-$r" "$j"; r=$((r + 1)); done
}
tp() { echo "{\"packets_per_sec\": $1, \"bytes_per_sec\": $(($1 * 1400)), \"server_cpu_seconds\": $2, \"total_received\": $(($1 * 8)), \"wall_seconds\": 9}"; }
# tpb PACKETS/S SERVER-CPU LOAD-CPU: a batched-senders throughput round (9 s wall, one socket write per 10 frames)
tpb() { echo "{\"packets_per_sec\": $1, \"bytes_per_sec\": $(($1 * 1400)), \"server_cpu_seconds\": $2, \"load_cpu_seconds\": $3, \"total_received\": $(($1 * 8)), \"total_sent\": $(($1 * 8)), \"sender_socket_writes\": $(($1 * 8 / 10)), \"wall_seconds\": 9, \"batch\": true}"; }
paced() { echo "{\"offered_packets_per_sec\": ${OFFERED:-20000}, \"received_packets_per_sec\": $1, \"server_cpu_seconds\": $2, \"total_received\": $(($1 * 8)), \"wall_seconds\": 9, \"p50_us\": 300, \"p99_us\": $3, \"p999_us\": 900, \"late_sends\": 0}"; }

fixture() {
  echo 15000 >"$DIR/latency-rate"
  for s in plain pinned tls tls-pinned; do
    rounds derper "$s-throughput" "$(tp 50000 4)" "$(tp 52000 4)" "$(tp 51000 4)"
    rounds waystation "$s-throughput" "$(tp 105000 4)" "$(tp 104000 4)" "$(tp 103000 4)" # 2.04x
    rounds derper2 "$s-throughput" "$(tp 49000 4)" "$(tp 53000 4)" "$(tp 50000 4)"
    # batched senders: derper saturates its core (9 s CPU in 9 s), Waystation 2.2x with the server busy
    rounds derper "$s-throughput-batched" "$(tpb 100000 9 4.5)" "$(tpb 98000 9 4.5)" "$(tpb 99000 9 4.5)"
    rounds waystation "$s-throughput-batched" "$(tpb 220000 6.3 8.1)" "$(tpb 218000 6.3 8.1)" "$(tpb 140000 9 6)"
    rounds derper2 "$s-throughput-batched" "$(tpb 101000 9 4.5)" "$(tpb 97000 9 4.5)" "$(tpb 99000 9 4.5)"
    rounds derper "$s-connect" '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 0.9, "seconds": 3}' \
      '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 0.9, "seconds": 3}' \
      '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 0.9, "seconds": 3}'
    rounds waystation "$s-connect" '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 1.8, "seconds": 3}' \
      '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 1.8, "seconds": 3}' \
      '{"completed": 1500, "connects_per_sec": 500, "server_cpu_seconds": 1.8, "seconds": 3}'
    rounds derper "$s-connect-fresh" '{"completed": 20000, "connects_per_sec": 500, "server_cpu_seconds": 12, "seconds": 40}'
    rounds waystation "$s-connect-fresh" '{"completed": 20000, "connects_per_sec": 500, "server_cpu_seconds": 30, "seconds": 40}'
  done
  for s in plain pinned; do
    rounds derper "$s-moderate" "$(paced 19990 1 900)" "$(paced 19990 1 900)" "$(paced 19990 1 900)"
    rounds derper "$s-stun" '{"valid_answers_per_sec": 80000, "valid_answers": 480000, "server_cpu_seconds": 4}' \
      '{"valid_answers_per_sec": 80000, "valid_answers": 480000, "server_cpu_seconds": 4}' '{"error": "no answer"}'
    rounds waystation "$s-stun" '{"valid_answers_per_sec": 130000, "valid_answers": 780000, "server_cpu_seconds": 4}' \
      '{"valid_answers_per_sec": 130000, "valid_answers": 780000, "server_cpu_seconds": 4}' \
      '{"valid_answers_per_sec": 130000, "valid_answers": 780000, "server_cpu_seconds": 4}'
  done
  # Waystation is cheaper per packet, but one pinned round fell behind: the row must not count.
  rounds waystation plain-moderate "$(paced 20000 0.5 800)" "$(paced 20000 0.5 800)" "$(paced 20000 0.5 800)"
  rounds waystation pinned-moderate "$(paced 20000 0.5 800)" "$(paced 15000 0.5 800)" "$(paced 20000 0.5 800)"
  OFFERED=15000
  rounds derper plain-latency "$(paced 14990 1 1000)" "$(paced 14990 1 1000)" "$(paced 14990 1 1000)"
  rounds waystation plain-latency "$(paced 15000 1 500)" "$(paced 15000 1 500)" "$(paced 15000 1 500)"
  unset OFFERED
  for sec in plain tls; do
    put derper "memory-$sec-10000" '{"rss_before_kb": 20000, "rss_after_kb": 370000, "bytes_per_connection": 35840, "connections": 10000}'
    put waystation "memory-$sec-10000" '{"rss_before_kb": 60000, "rss_after_kb": 150000, "bytes_per_connection": 9216, "connections": 10000}'
    put derper "memory-$sec-100000" '{"error": "not measured: open-file hard limit 20000 < 101000"}'
    put waystation "memory-$sec-100000" '{"error": "not measured: open-file hard limit 20000 < 101000"}'
  done
  rounds derper ready '{"ready_ms": 120}' '{"ready_ms": 130}' '{"ready_ms": 110}' '{"ready_ms": 120}' '{"ready_ms": 125}'
  # Cross-node: the Waystation pair is faster, but one of its latency rounds fell behind its rate.
  echo 20000 >"$DIR/mesh-latency-rate"
  rounds derper mesh-throughput "$(tp 40000 4)" "$(tp 41000 4)" "$(tp 39000 4)"
  rounds waystation mesh-throughput "$(tp 48000 4)" "$(tp 50000 4)" "$(tp 49000 4)"
  rounds derper mesh-latency "$(paced 19990 1 2000)" "$(paced 19990 1 2000)" "$(paced 19990 1 2000)"
  rounds waystation mesh-latency "$(paced 20000 1 1000)" "$(paced 18000 1 1000)" "$(paced 20000 1 1000)"
  rounds waystation ready '{"ready_ms": 900}' '{"ready_ms": 1700}' '{"ready_ms": 1000}' '{"ready_ms": 950}' '{"ready_ms": 980}'
}

failures=0
expect() { # expect DESCRIPTION REGEX: a line of the report matches
  if grep -qE -- "$2" "$DIR/report.md"; then echo "ok: $1"; else echo "FAILED: $1 (no line matches: $2)"; failures=$((failures + 1)); fi
}
refuse() { # refuse DESCRIPTION REGEX: no line of the report matches
  if grep -qE -- "$2" "$DIR/report.md"; then echo "FAILED: $1 (a line matches: $2)"; failures=$((failures + 1)); else echo "ok: $1"; fi
}

meta ""
fixture
"$BENCH/report.sh" "$DIR" >"$DIR/report.md" 2>"$DIR/report.err"
expect "throughput 2.04x meets >= 2.0x, A/A column 0.98" '^\| throughput, shared cores, packets/s \| 51000 \| 104000 \| \*\*2\.04\*\* \| 0\.98 \| >= 2\.0x \| yes \|$'
expect "TLS pinned throughput meets >= 1.5x" '^\| TLS throughput, pinned, packets/s .*\| >= 1\.5x \| yes \|$'
expect "connection set-up at 2x derper's CPU misses <= 1.0x" '^\| server CPU per connection set up, TLS, pinned, µs \| 600 \| 1200 \| \*\*2\.00\*\* .*\| \*\*no\*\* \|$'
expect "moderate rate on shared cores counts (every round reached its rate)" '^\| server CPU per packet at 20000 packets/s offered, shared.*\*\*0\.50\*\* .*\| yes \|$'
expect "a round at 75 % of the offered rate invalidates the pinned row" '^\| server CPU per packet at 20000 packets/s offered, pinned.*\*\*invalid\*\*: waystation reached only 75 %'
expect "a fresh server's first connections have their own row" '^\| server CPU per connection, first 20000 on a fresh server, plain, shared, µs \| 600 \| 1500 \| \*\*2\.50\*\* .*\| \*\*no\*\* \|$'
expect "memory 9 KiB meets <= 10 KiB plain" '^\| RSS per idle connection, 10000 plain, fresh server, KiB \| 35\.0 \| 9\.0 \| .*\| yes \|$'
expect "100k not measured, with the reason" '^\| RSS per idle connection, 100000 tls, .*not measured: open-file hard limit 20000 < 101000 \|$'
expect "ready median 980 ms meets < 1500 ms" '^\| ready after process start, median of 5 fresh starts, ms \| 120 \| 980 \| .*\| yes \|$'
expect "STUN median skips the failed derper round" '^\| STUN answers/s at capacity, shared \| 80000 \| 130000 \| \*\*1\.62\*\* .*\| yes \|$'
expect "p99 at the latency rate counts" '^\| relay latency p99 at 15000 packets/s .*\*\*0\.50\*\* .*\| yes \|$'
expect "cross-node throughput ratio 1.23 meets >= 1.0x" '^\| cross-node throughput, packets/s \(window 16 per pair\) \| 40000 \| 49000 \| \*\*1\.23\*\* .*\| yes \|$'
expect "a cross-node round at 90 % of its rate invalidates the p99 row" '^\| cross-node latency p99 at 20000 packets/s, µs \| 2000 \| 1000 \| \*\*0\.50\*\* .*\*\*invalid\*\*: waystation reached only 90 %'
expect "batched pinned throughput 2.20x meets >= 2.0x, with its A/A column" '^\| throughput with batched senders, pinned, packets/s \| 99000 \| 218000 \| \*\*2\.20\*\* \| 1\.00 \| >= 2\.0x \| yes \|$'
expect "batched TLS rows keep TLS's goal" '^\| TLS throughput with batched senders, shared cores, packets/s .*\| >= 1\.5x \| yes \|$'
expect "the per-frame pinned row stays as it was next to the batched one" '^\| throughput, pinned, packets/s \| 51000 \| 104000 \| \*\*2\.04\*\* \| 0\.98 \| >= 2\.0x \| yes \|$'
expect "server CPU per packet with batched senders (median round of each)" '^\| server CPU per packet at peak with batched senders, pinned, µs \| 11\.36 \| 3\.61 \| \*\*0\.32\*\* \|'
expect "load generator's core busy, batched" "^\\| pinned throughput, load generator's core busy, batched senders \\| 0\\.50 \\| 0\\.90 \\|"
expect "server's core busy, batched: derper saturated" "^\\| pinned throughput, server's core busy, batched senders \\| 1\\.00 \\| 0\\.70 \\|"
expect "load generator's core unknown for results without load_cpu_seconds" "^\\| pinned throughput, load generator's core busy, one write per frame \\| - \\| - \\| \\*\\*n/a\\*\\* \\|"
expect "socket writes per frame" '^\| batched senders, pinned: socket writes per frame sent \| 0\.100 \| 0\.100 \|'
expect "how batching is measured, with the receivers' read size" 'receivers read the socket 65536 bytes at a time'
expect "raw rounds of batched senders" '^\| batched senders, throughput pinned, load generator CPU s in wall s \| 4\.5 in 9 / 4\.5 in 9 / 4\.5 in 9 \| 8\.1 in 9 / 8\.1 in 9 / 6 in 9 \|'
refuse "no derp-rs column without DERP_RS_BIN" 'derp-rs'
expect "a failed STUN round shows why in the raw numbers" 'derper 80000 / 80000 / failed: no answer; Waystation 130000 / 130000 / 130000'

meta "derp-rs 0.1 (/x/derp-rs)"
rounds derprs plain-throughput "$(tp 80000 4)" "$(tp 80000 4)" "$(tp 80000 4)"
"$BENCH/report.sh" "$DIR" >"$DIR/report.md"
expect "no derp-rs column in the cross-node table" '^\| cross-node throughput, packets/s \(window 16 per pair\) \| 40000 \| 49000 \| \*\*1\.23\*\* \|  \| >= 1\.0x'
expect "derp-rs column and ratio with DERP_RS_BIN" '^\| throughput, shared cores, packets/s \| 51000 \| 104000 \| \*\*2\.04\*\* \| 80000 \| 1\.57 \| 0\.98 \| >= 2\.0x \| yes \|$'

if [ -s "$DIR/report.err" ]; then echo "FAILED: report.sh wrote errors: $(head -3 "$DIR/report.err")"; failures=$((failures + 1)); fi
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
