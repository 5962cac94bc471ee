#!/usr/bin/env bash
# Provides a real kube-apiserver, etcd and kubectl for io.fabric8:kube-api-test, built from their
# Go modules (no registry here ships kube-apiserver, and kube-api-test's download hosts are not
# reachable). The binaries land where kube-api-test looks for them:
#
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl}
#
# Idempotent: binaries already present are kept; only missing ones are built. A build goes to a
# staging directory first and is moved into place whole, so kube-api-test never sees half a set,
# and a lock serialises concurrent callers (several checkouts may run their suites at once).
# Prints the version directory on its last line of stdout; progress goes to stderr.
#
# `build.sh --node` also builds what the single-node cluster of node.sh runs, into the same directory:
# kubelet, kube-controller-manager, kube-scheduler, kube-proxy (same Kubernetes module version),
# a slim CoreDNS (coredns/) and the pod sandbox image pause.tar (pause/). Each is moved into place
# as its own file once built, so an API server running from the directory is never disturbed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base_dir="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"

say() { printf '[testcluster] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

command -v go >/dev/null 2>&1 || fail "the Go toolchain ('go') is not on PATH; it builds kube-apiserver, etcd and kubectl from their Go modules"
command -v flock >/dev/null 2>&1 || fail "'flock' (util-linux) is not on PATH"

# The versions live in the two go.mod files, nowhere else.
kube_version="$(go -C "$here/kube" list -m -f '{{.Version}}' k8s.io/kubernetes)" \
  || fail "cannot read the k8s.io/kubernetes version from $here/kube/go.mod"
etcd_version="$(go -C "$here/etcd" list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)" \
  || fail "cannot read the etcd version from $here/etcd/go.mod"
version="${kube_version#v}"
# The sandbox image every pod of node.sh starts with; node.sh reads the same name from here.
pause_image="waystation.test/pause:1"
target="$base_dir/k8s/${version}-linux-amd64"
binaries=(kube-apiserver etcd kubectl)
node_files=(kubelet kube-controller-manager kube-scheduler kube-proxy coredns pause.tar)
with_node=false
case "${1:-}" in
  "") ;;
  --node) with_node=true ;;
  *) fail "unknown argument '$1' (usage: build.sh [--node])" ;;
esac

complete() {
  local b
  for b in "${binaries[@]}"; do [[ -x "$target/$b" ]] || return 1; done
  if $with_node; then
    for b in "${node_files[@]}"; do [[ -f "$target/$b" ]] || return 1; done
  fi
}

if complete; then
  say "kube-apiserver/kubectl $kube_version and etcd $etcd_version present in $target$($with_node && echo ', with the node parts')"
  echo "$target"
  exit 0
fi

mkdir -p "$base_dir/k8s" || fail "cannot create $base_dir/k8s (set KUBE_API_TEST_DIR to a writable directory)"
exec 9>"$base_dir/.waystation-build.lock"
say "waiting for the build lock $base_dir/.waystation-build.lock"
flock 9
if complete; then # another process built them while we waited
  say "built meanwhile by another process: $target"
  echo "$target"
  exit 0
fi

staging="$base_dir/.staging-${version}-$$"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
if [[ -d "$target" ]]; then cp -a "$target/." "$staging/"; fi

# Same version stamping as Kubernetes' release builds (hack/lib/version.sh), so that
# `kubectl version` and the API server's /version report the real version, not v0.0.0.
minor="${version#*.}"; minor="${minor%%.*}"
major="${version%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean"
done

build() { # name module-dir package ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" start
  if [[ -x "$staging/$name" ]]; then
    say "$name already present"
    return
  fi
  say "building $name from $pkg (first time only; takes minutes on a small machine)"
  start=$SECONDS
  if ! CGO_ENABLED=0 go -C "$dir" build -trimpath -ldflags "$ldflags" -o "$staging/$name" "$pkg"; then
    fail "building $name from $pkg failed (output above). Modules come from the Go module proxy ('go env GOPROXY')"
  fi
  say "built $name in $((SECONDS - start)) s ($(du -h "$staging/$name" | cut -f1))"
}

say "target: $target"
build kube-apiserver "$here/kube" k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build kubectl "$here/kube" k8s.io/kubernetes/cmd/kubectl "$kube_ldflags"
build etcd "$here/etcd" . "-s -w"

"$staging/kube-apiserver" --version >&2 || fail "the built kube-apiserver does not run"
"$staging/kubectl" version --client >&2 || fail "the built kubectl does not run"
"$staging/etcd" --version >&2 || fail "the built etcd does not run"

if [[ ! -x "$target/kube-apiserver" || ! -x "$target/etcd" || ! -x "$target/kubectl" ]]; then
  rm -rf "$target"
  mkdir -p "$staging.set"
  for b in "${binaries[@]}"; do mv "$staging/$b" "$staging.set/$b"; done
  mv "$staging.set" "$target"
fi

if $with_node; then
  for b in kubelet kube-controller-manager kube-scheduler kube-proxy; do
    build "$b" "$here/kube" "k8s.io/kubernetes/cmd/$b" "$kube_ldflags"
  done
  build coredns "$here/coredns" . "-s -w"
  build pause "$here/pause" . "-s -w"
  if [[ ! -f "$staging/pause.tar" ]]; then
    go -C "$here/pause" run ./pack -binary "$staging/pause" -tag "$pause_image" -out "$staging/pause.tar" \
      || fail "packing the pause image failed (output above)"
  fi
  "$staging/kubelet" --version >&2 || fail "the built kubelet does not run"
  for b in "${node_files[@]}"; do
    [[ -f "$target/$b" ]] || mv "$staging/$b" "$target/$b"
  done
fi

rm -rf "$staging"
trap - EXIT
say "ready: $target"
echo "$target"
