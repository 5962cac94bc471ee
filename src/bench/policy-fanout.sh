#!/usr/bin/env bash
# Policy fan-out benchmark phase: how long a Device-scope policy change takes to reach every
# connected client, for 10k, 50k and 100k clients (simulated in-process: the relay's own policy
# binding, debounce and listener thread, without sockets; see ClientFanOut's javadoc for why).
#
#   src/bench/policy-fanout.sh [results-dir] [client counts...]
#
# Prints one JSON line per count and writes them to <results-dir>/policy-fanout.jsonl.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT=${1:-"$ROOT/src/bench/target/policy-fanout-$(date -u +%Y%m%dT%H%M%SZ)"}
shift || true
mkdir -p "$OUT"
cd "$ROOT"
./mvnw -B -q -pl policy-crd test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >"$OUT/policy-fanout-build.log" 2>&1
CP="policy-crd/target/test-classes:policy-crd/target/classes:$(cat policy-crd/target/bench.cp)"
# The relay's heap setting in the main benchmark, so 100k bound clients are measured in the same room.
java -Xms256m -Xmx256m -XX:+UseG1GC -cp "$CP" dev.waystation.policy.bench.ClientFanOut "$@" \
  | tee "$OUT/policy-fanout.jsonl"
