#!/usr/bin/env bash
# Provides the `helm` binary the chart test renders kubernetes/helm/waystation with. Debian ships
# no helm package, and the project downloads no prebuilt binaries: it is built from its Go module
# (helm.sh/helm/v3) at the version below, once, and cached in
#
#   ${WAYSTATION_CACHE:-~/.cache/waystation}/helm/<version>/helm
#
# A lock serialises concurrent callers. Prints the binary's path on its last line of stdout;
# progress goes to stderr.
set -euo pipefail

# Helm 3.19 is built on the same Kubernetes libraries (v0.34) as the test cluster.
readonly HELM_VERSION=v3.19.5

say() { printf '[helm] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || fail "the Go toolchain ('go') is not on PATH; it builds helm from its Go module"
command -v flock >/dev/null 2>&1 || fail "'flock' (util-linux) is not on PATH"

dir="${WAYSTATION_CACHE:-$HOME/.cache/waystation}/helm/$HELM_VERSION"
binary="$dir/helm"
if [[ -x "$binary" ]]; then echo "$binary"; exit 0; fi

mkdir -p "$dir" || fail "cannot create $dir (set WAYSTATION_CACHE to a writable directory)"
exec 9>"$dir/.build.lock"
flock 9
if [[ -x "$binary" ]]; then echo "$binary"; exit 0; fi

say "building helm $HELM_VERSION from helm.sh/helm/v3/cmd/helm (first time only; minutes on a small machine)"
start=$SECONDS
staging="$dir/.staging-$$"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"
# Version stamping as Helm's own Makefile does, so `helm version` tells the truth.
if ! CGO_ENABLED=0 GOBIN="$staging" GOFLAGS=-trimpath go install \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"; then
  fail "building helm $HELM_VERSION failed (output above). Modules come from the Go module proxy ('go env GOPROXY')"
fi
mv "$staging/helm" "$binary"
say "built $binary in $((SECONDS - start)) s"
echo "$binary"
