#!/usr/bin/env bash
# Writes the relay's AppCDS archive from one whole start: the packaged relay runs once in dev mode on
# ephemeral loopback ports with -XX:ArchiveClassesAtExit, answers one readiness probe, and stops
# gracefully; the JVM then archives every class it loaded (JDK, libraries, the relay, and the
# classes Quarkus generated). A JVM started with -XX:SharedArchiveFile=app-cds.jsa maps them instead
# of loading, parsing and verifying them. Quarkus' own archive covers static initialisation only
# (on JDK 17 it stops before any bean starts), about half the classes a start needs.
#
#   app-cds.sh JAVA APP_DIR [ARCHIVE]
#
# JAVA must be the JVM that runs the relay later (a dynamic archive fits only the JVM build that
# wrote it; another one ignores it and starts without). ARCHIVE defaults to app-cds.jsa, written in
# APP_DIR (target/quarkus-app), next to quarkus-run.jar: the archive records the class path as seen
# from there, so the relay must be started from that directory. Offline, no fixed port, bounded:
# READY_SECONDS for the start (default 120), EXIT_SECONDS for stopping and writing (default 120).
# The training run's output goes to APP_DIR/../app-cds-training.log.
set -euo pipefail

say() { printf '[app-cds] %s\n' "$*" >&2; }
fail() {
  say "ERROR: $*"
  [[ -s "${log:-}" ]] && { say "last lines of $log:"; grep -v 'Skipping .*: ' "$log" | tail -15 >&2; }
  exit 1
}

[[ $# -ge 2 && $# -le 3 ]] || fail "usage: $0 JAVA APP_DIR [ARCHIVE]"
java=$1
app_dir=$2
archive=${3:-app-cds.jsa}
ready_seconds=${READY_SECONDS:-120}
exit_seconds=${EXIT_SECONDS:-120}
[[ -x "$java" ]] || fail "$java is not an executable JVM"
[[ -f "$app_dir/quarkus-run.jar" ]] || fail "$app_dir/quarkus-run.jar not found: run after the Quarkus build"
log="$(cd "$app_dir/.." && pwd)/app-cds-training.log"
# Classes of a signed jar never enter the archive, and the JVM digests the jar at every start.
"$java" "$(dirname "${BASH_SOURCE[0]}")/SignedJars.java" "$app_dir/lib" || fail "signed jars in $app_dir/lib (above)"
readonly PROBE_PATH=/q/health/ready

# ready PORT: true when the management interface answers the readiness probe with 200 (bash's own
# /dev/tcp, so the build needs no HTTP client).
ready() {
  local status=
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$PROBE_PATH" >&3
  IFS= read -r -t 5 status <&3 || true
  exec 3<&- 3>&-
  [[ "$status" == "HTTP/1.1 200"* ]]
}

start=$SECONDS
cd "$app_dir"
rm -f "$archive"
# Port 0 everywhere: the management port is read back from Quarkus' start line. Dev mode: plain DERP
# with a fresh key in memory, nothing written anywhere but the archive and the log.
"$java" -XX:ArchiveClassesAtExit="$archive" \
  -Dwaystation.relay.mode=dev -Dwaystation.relay.host=127.0.0.1 -Dwaystation.relay.port=0 \
  -Dwaystation.stun.bind-addresses=127.0.0.1 -Dwaystation.stun.port=0 \
  -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
  -jar quarkus-run.jar >"$log" 2>&1 &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT

port=
until [[ -n "$port" ]] && ready "$port"; do
  kill -0 "$pid" 2>/dev/null || fail "the relay exited before it was ready"
  (( SECONDS - start < ready_seconds )) || fail "the relay was not ready within $ready_seconds s"
  port=$(sed -n 's|.*Management interface listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -1)
  sleep 0.2
done
ready_after=$((SECONDS - start))

kill -TERM "$pid"
stop=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  (( SECONDS - stop < exit_seconds )) || fail "the relay did not stop within $exit_seconds s of SIGTERM"
  sleep 0.2
done
status=0
wait "$pid" || status=$?
trap - EXIT
# A JVM ended by SIGTERM exits with 143 after its shutdown hooks ran (the archive is written then).
[[ $status == 0 || $status == 143 ]] || fail "the relay exited with status $status"
[[ -s "$archive" ]] || fail "no archive written ($app_dir/$archive)"
say "$app_dir/$archive: $(du -h "$archive" | cut -f1), ready after ${ready_after} s, $((SECONDS - start)) s in all"
