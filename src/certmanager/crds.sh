#!/usr/bin/env bash
# Provides cert-manager's own CRDs (cert-manager.io: Certificate, Issuer, ClusterIssuer,
# CertificateRequest), which the tests install on their API servers to prove the operator's
# tls.mode CertManager. They come from cert-manager's Go module (github.com/cert-manager/cert-manager
# on the Go module proxy carries deploy/crds/ in its module zip), at the version below, copied once to
#
#   ${WAYSTATION_CACHE:-~/.cache/waystation}/cert-manager/<version>/crds/
#
# No cert-manager controller runs in the tests: they write the Secret cert-manager would write.
# A lock serialises concurrent callers. Prints the CRD directory on its last line of stdout.
set -euo pipefail

readonly CERT_MANAGER_VERSION=v1.21.2
readonly MODULE=github.com/cert-manager/cert-manager

say() { printf '[cert-manager] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || fail "the Go toolchain ('go') is not on PATH; it downloads cert-manager's module"
command -v flock >/dev/null 2>&1 || fail "'flock' (util-linux) is not on PATH"

dir="${WAYSTATION_CACHE:-$HOME/.cache/waystation}/cert-manager/$CERT_MANAGER_VERSION"
crds="$dir/crds"
if [[ -f "$crds/.complete" ]]; then echo "$crds"; exit 0; fi

mkdir -p "$dir" || fail "cannot create $dir (set WAYSTATION_CACHE to a writable directory)"
exec 9>"$dir/.lock"
flock 9
if [[ -f "$crds/.complete" ]]; then echo "$crds"; exit 0; fi

say "downloading $MODULE@$CERT_MANAGER_VERSION from the Go module proxy (first time only)"
# Outside any module: `go mod download` of an explicit version only fetches and unpacks it.
module_dir=$(cd "$dir" && GOFLAGS=-mod=mod GO111MODULE=on go mod download -json "$MODULE@$CERT_MANAGER_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n "$module_dir" && -d "$module_dir/deploy/crds" ]] \
  || fail "$MODULE@$CERT_MANAGER_VERSION has no deploy/crds (module directory: '${module_dir:-none}')"
staging="$dir/.staging-$$"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging"
cp "$module_dir"/deploy/crds/cert-manager.io_*.yaml "$staging/"
touch "$staging/.complete"
rm -rf "$crds"
mv "$staging" "$crds"
say "cert-manager CRDs in $crds"
echo "$crds"
