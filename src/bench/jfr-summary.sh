#!/usr/bin/env bash
# Summarises a JFR recording of the relay (run.sh --profile): hottest methods by self time, hottest
# Waystation methods by inclusive time, allocation by class, and GC pauses.
set -euo pipefail
JFR=$1
TOP=${TOP:-25}
command -v jfr >/dev/null || { echo "jfr (JDK tool) not found" >&2; exit 1; }

samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
jfr print --events jdk.ExecutionSample "$JFR" >"$samples"

echo "== CPU samples: top $TOP methods by self time (top frame)"
awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print }' "$samples" \
  | sort | uniq -c | sort -rn | head -"$TOP"

echo
echo "== CPU samples: top $TOP dev.waystation methods by inclusive time"
awk '/stackTrace = \[/ { delete seen; inside = 1; next }
     inside && /^[ \t]*\]/ { inside = 0; next }
     inside && /dev\.waystation\./ { f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f)
                                      if (!(f in seen)) { seen[f] = 1; print f } }' "$samples" \
  | sort | uniq -c | sort -rn | head -"$TOP"

echo
echo "== CPU samples by thread"
awk -F'"' '/sampledThread = / { print $2 }' "$samples" | sed -E 's/-[0-9]+$//' | sort | uniq -c | sort -rn | head -10

echo
echo "== Allocation samples: top $TOP classes (by sampled weight)"
jfr print --events jdk.ObjectAllocationSample "$JFR" \
  | awk '/objectClass = / { cls = $3 } /weight = / { w = $3; unit = $4
           m = (unit ~ /^kB/) ? 1024 : (unit ~ /^MB/) ? 1048576 : (unit ~ /^GB/) ? 1073741824 : 1
           total[cls] += w * m }
         END { for (c in total) printf "%14.0f %s\n", total[c], c }' | sort -rn | head -"$TOP"

echo
echo "== GC"
jfr print --events jdk.GarbageCollection "$JFR" \
  | awk '/name = / { n++ } /sumOfPauses = / { print $3, $4 }' | awk '{ s += ($2 ~ /^ms/) ? $1 : ($2 ~ /^s/) ? $1 * 1000 : $1 / 1000; n++ }
        END { printf "%d collections, %.1f ms total pause\n", n, s }'
