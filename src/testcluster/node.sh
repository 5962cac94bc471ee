#!/usr/bin/env bash
# A real single-node Kubernetes for the end-to-end tests: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy, CoreDNS and containerd (+ runc and
# the CNI plugins from Debian), all inside a network namespace this script creates. Nothing in it
# has a route out: the namespace has no link to the host network and no default route. The host
# reaches the API server through two socats joined by a unix socket.
#
#   node.sh up     start a fresh node (a stale one from an earlier run is torn down first);
#                  prints the host kubeconfig path on the last line of stdout
#   node.sh down   stop everything, unmount everything, delete the namespace and the node directory
#   node.sh env    print the node's facts as NAME=value lines (namespace, node IP, directories)
#
# Needs root (namespaces, mounts, iptables) and installs the Debian packages it runs when missing.
# Progress goes to stderr, component logs to $WAYSTATION_NODE_DIR/logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# One node per machine; these names and addresses exist only inside the namespace.
netns="${WAYSTATION_NODE_NETNS:-waystation-node}"
node_dir="${WAYSTATION_NODE_DIR:-/var/lib/waystation-node}"
node_name="waystation-node"
node_ip="10.250.0.1"
node_link="node0"
service_cidr="10.96.0.0/16"
kubernetes_service_ip="10.96.0.1"
pod_cidr="10.88.0.0/16"
cluster_domain="cluster.local"
apiserver_port=6443
lock_file="${node_dir}.lock"
packages=(containerd runc containernetworking-plugins iptables conntrack socat curl)
cni_bin_dir="/usr/lib/cni"
start_timeout_seconds=120
# How long `up` waits for a node another live test run still uses (its owner process) to be released.
owner_wait_seconds=1800
# The process the node belongs to: a node whose owner is alive is in use, one whose owner died is stale.
owner="${WAYSTATION_NODE_OWNER:-$PPID}"

pki="$node_dir/pki"
logs="$node_dir/logs"
pids="$node_dir/pids"
run_dir="$node_dir/run"
containerd_socket="$run_dir/containerd.sock"
apiserver_socket="$run_dir/apiserver.sock"
host_kubeconfig="$node_dir/kubeconfig"
inner_kubeconfig="$pki/admin-inner.kubeconfig"

say() { printf '[node] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
in_ns() { nsenter --net="/run/netns/$netns" "$@"; }

# ---------------------------------------------------------------------------------------------
# teardown
# ---------------------------------------------------------------------------------------------

# Kills every process of every pod: all of them sit in the kubelet's kubepods cgroups (also the
# hostNetwork ones, which share our namespace, and the containers runc left when containerd died).
kill_pod_processes() {
  local round pids_left
  for round in 1 2 3 4 5 6 7 8 9 10; do
    pids_left="$(find /sys/fs/cgroup/pids/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u || true)"
    [[ -z "$pids_left" ]] && return 0
    # shellcheck disable=SC2086
    kill -KILL $pids_left 2>/dev/null || true
    sleep 0.3
  done
  say "warning: pod processes still alive after SIGKILL: $pids_left"
}

kill_namespace_processes() {
  local round pids_left
  [[ -e "/run/netns/$netns" ]] || return 0
  pids_left="$(ip netns pids "$netns" 2>/dev/null || true)"
  # shellcheck disable=SC2086
  [[ -n "$pids_left" ]] && kill -TERM $pids_left 2>/dev/null || true
  for round in $(seq 1 50); do
    pids_left="$(ip netns pids "$netns" 2>/dev/null || true)"
    [[ -z "$pids_left" ]] && return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids_left 2>/dev/null || true
  sleep 0.3
}

kill_host_processes() {
  local file pid
  for file in "$pids"/host-*.pid; do
    [[ -f "$file" ]] || continue
    pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
  done
}

# Unmounts what the kubelet, containerd and the CNI left: pod volumes, sandbox shm, container root
# filesystems, pod network namespaces. Deepest first; lazily if still busy.
unmount_leftovers() {
  local mount_point
  awk '{print $2}' /proc/self/mounts \
    | { grep -E "^${node_dir}/|^/run/netns/cni-|^/var/run/netns/cni-" || true; } \
    | sort -r \
    | while read -r mount_point; do
        umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null \
          || say "warning: cannot unmount $mount_point"
      done
  rm -f /run/netns/cni-* 2>/dev/null || true
}

remove_pod_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -d "${hierarchy}kubepods" ]] || continue
    find "${hierarchy}kubepods" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

down() {
  kill_host_processes
  kill_pod_processes
  kill_namespace_processes
  kill_pod_processes
  unmount_leftovers
  remove_pod_cgroups
  if [[ -e "/run/netns/$netns" ]]; then
    ip netns delete "$netns" || fail "cannot delete the network namespace $netns"
  fi
  rm -rf "$node_dir" "$node_dir.owner"
  if awk '{print $2}' /proc/self/mounts | grep -q "^${node_dir}/"; then
    fail "mounts under $node_dir remain: $(awk '{print $2}' /proc/self/mounts | grep "^${node_dir}/" | head -3 | tr '\n' ' ')"
  fi
}

# ---------------------------------------------------------------------------------------------
# prerequisites
# ---------------------------------------------------------------------------------------------

ensure_packages() {
  local missing=() tool
  for tool in containerd runc ctr socat conntrack iptables curl "$cni_bin_dir/bridge"; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "$tool" ]] || missing+=("$tool")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 \
    || fail "missing ${missing[*]} and no apt-get to install them: install ${packages[*]} by hand"
  say "installing ${packages[*]} (missing: ${missing[*]})"
  # The packaged containerd service is never started here (no systemd); this script runs its own.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}" >"$node_dir.apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$node_dir.apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}" >>"$node_dir.apt.log" 2>&1 \
      || fail "apt-get install ${packages[*]} failed; see $node_dir.apt.log"
  fi
}

# ---------------------------------------------------------------------------------------------
# PKI (one CA signs everything; EC keys are fast to make)
# ---------------------------------------------------------------------------------------------

new_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }

# cert <name> <subject> <extendedKeyUsage> [subjectAltName]
cert() {
  local name="$1" subject="$2" usage="$3" sans="${4:-}"
  new_key "$pki/$name.key"
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n "$sans" ]] && echo "subjectAltName=$sans"
  } >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 7 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null || fail "cannot sign $name"
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}

# kubeconfig <file> <server> <cert name>
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $node_name
  cluster:
    server: $2
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(base64 -w0 "$pki/$3.crt")
    client-key-data: $(base64 -w0 "$pki/$3.key")
contexts:
- name: $node_name
  context:
    cluster: $node_name
    user: $3
current-context: $node_name
EOF
}

make_pki() {
  mkdir -p "$pki"
  new_key "$pki/ca.key"
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=waystation-test-node-ca" -days 7 -out "$pki/ca.crt" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:$node_ip,IP:$kubernetes_service_ip,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$cluster_domain"
  cert admin "/O=system:masters/CN=waystation-admin" clientAuth
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  cert controller-manager "/CN=system:kube-controller-manager" clientAuth
  cert scheduler "/CN=system:kube-scheduler" clientAuth
  cert kube-proxy "/CN=system:kube-proxy" clientAuth
  cert kubelet "/O=system:nodes/CN=system:node:$node_name" clientAuth
  cert kubelet-serving "/CN=$node_name" serverAuth "IP:$node_ip,DNS:$node_name"
  openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$pki/sa.key"
  openssl ec -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  local inner="https://$node_ip:$apiserver_port"
  kubeconfig "$inner_kubeconfig" "$inner" admin
  kubeconfig "$pki/controller-manager.kubeconfig" "$inner" controller-manager
  kubeconfig "$pki/scheduler.kubeconfig" "$inner" scheduler
  kubeconfig "$pki/kube-proxy.kubeconfig" "$inner" kube-proxy
  kubeconfig "$pki/kubelet.kubeconfig" "$inner" kubelet
}

# ---------------------------------------------------------------------------------------------
# configuration files
# ---------------------------------------------------------------------------------------------

write_configs() {
  local pause_image="$1"
  mkdir -p "$node_dir/cni" "$run_dir" "$node_dir/kubelet"
  cat >"$node_dir/containerd.toml" <<EOF
version = 2
root = "$node_dir/containerd"
state = "$run_dir/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$containerd_socket"
[ttrpc]
  address = "$run_dir/containerd-ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$node_dir/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # Root here lacks CAP_SYS_RESOURCE: a negative oom_score_adj for the sandbox would fail every pod.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin_dir"
    conf_dir = "$node_dir/cni"
EOF
  cat >"$node_dir/cni/10-waystation.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "waystation",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}],
               "dataDir": "$node_dir/cni-ipam"}
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  echo "nameserver $node_ip" >"$node_dir/resolv.conf"
  cat >"$node_dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
containerRuntimeEndpoint: unix://$containerd_socket
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$node_ip]
clusterDomain: $cluster_domain
resolvConf: $node_dir/resolv.conf
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
evictionHard: {nodefs.available: "1%", imagefs.available: "1%", memory.available: "100Mi"}
# No registry to pull from: never collect the imported images.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
EOF
  cat >"$node_dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $pki/kube-proxy.kubeconfig}
mode: iptables
hostnameOverride: $node_name
clusterCIDR: $pod_cidr
nodePortAddresses: ["$node_ip/32"]
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# A namespace other than the initial one cannot write nf_conntrack_max: leave the sysctls alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  cat >"$node_dir/Corefile" <<EOF
.:53 {
    bind $node_ip
    errors
    ready 127.0.0.1:18181
    kubernetes $cluster_domain in-addr.arpa ip6.arpa {
        kubeconfig $inner_kubeconfig
    }
    cache 30
}
EOF
}

# ---------------------------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------------------------

# start <name> <command...>: runs in the namespace, detached from this shell, logging to logs/<name>.log
start() {
  local name="$1"; shift
  # 8>&-: the node's processes must not inherit (and so hold) this script's lock.
  setsid nsenter --net="/run/netns/$netns" "$@" >"$logs/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$pids/$name.pid"
}

# wait_for <what> <command...>: polls until the command succeeds, fails after the start timeout
wait_for() {
  local what="$1" deadline=$((SECONDS + start_timeout_seconds)); shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      fail "$what not reached within $start_timeout_seconds s; logs in $logs"
    fi
    sleep 0.2
  done
}

alive() { kill -0 "$(cat "$pids/$1.pid")" 2>/dev/null || fail "$1 exited; last lines of $logs/$1.log: $(tail -5 "$logs/$1.log")"; }

kubectl_inner() { in_ns "$bin/kubectl" --kubeconfig="$inner_kubeconfig" "$@"; }

make_namespace() {
  ip netns add "$netns"
  ip -n "$netns" link set lo up
  # No dummy interfaces here and the kubelet refuses a loopback node IP: the node IP sits on one end
  # of a veth pair whose other end, also inside the namespace, goes nowhere.
  ip -n "$netns" link add "$node_link" type veth peer name "${node_link}peer"
  ip -n "$netns" addr add "$node_ip/32" dev "$node_link"
  ip -n "$netns" link set "$node_link" up
  ip -n "$netns" link set "${node_link}peer" up
  # Without a default route, the node's own processes reach ClusterIPs only with a route to them.
  ip -n "$netns" route add "$service_cidr" dev "$node_link" src "$node_ip"
  in_ns sysctl -qw net.ipv4.ip_forward=1
  in_ns sysctl -qw "net.ipv4.conf.${node_link}peer.forwarding=0"
  in_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
}

up() {
  [[ $EUID -eq 0 ]] || fail "the test node needs root (network namespaces, mounts, iptables)"
  local tool
  for tool in nsenter ip openssl setsid flock; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH"
  done
  say "tearing down any node left from an earlier run"
  down
  echo "$owner" >"$node_dir.owner"
  mkdir -p "$node_dir" "$logs" "$pids" "$run_dir"
  ensure_packages
  bin="$(bash "$here/build.sh" --node | tail -1)" || fail "building the node binaries failed (messages above)"
  local pause_image
  pause_image="$(tar -xOf "$bin/pause.tar" manifest.json | sed -n 's/.*"RepoTags":\["\([^"]*\)".*/\1/p')"
  [[ -n "$pause_image" ]] || fail "$bin/pause.tar names no image tag"
  echo "$pause_image" >"$node_dir/sandbox-image"
  local started=$SECONDS
  make_pki
  write_configs "$pause_image"
  make_namespace

  start etcd "$bin/etcd" --name "$node_name" --data-dir "$node_dir/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$node_name=http://127.0.0.1:2380" --unsafe-no-fsync --log-level warn
  start containerd containerd --config "$node_dir/containerd.toml"
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --advertise-address="$node_ip" --bind-address=0.0.0.0 --secure-port="$apiserver_port" \
    --service-cluster-ip-range="$service_cidr" --allow-privileged=true \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --client-ca-file="$pki/ca.crt" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer="https://kubernetes.default.svc.$cluster_domain" \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key"
  wait_for "containerd" ctr --address "$containerd_socket" version
  ctr --address "$containerd_socket" -n k8s.io images import "$bin/pause.tar" >/dev/null \
    || fail "cannot import the pause image into containerd"
  wait_for "the API server's /readyz" kubectl_inner get --raw /readyz
  alive kube-apiserver
  say "API server ready after $((SECONDS - started)) s"

  # Both exit when started before the API server is ready.
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$pki/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$pki/controller-manager.kubeconfig" --authorization-kubeconfig="$pki/controller-manager.kubeconfig" \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --use-service-account-credentials=true --leader-elect=false --bind-address=127.0.0.1 --secure-port=10257
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig="$pki/scheduler.kubeconfig" \
    --authentication-kubeconfig="$pki/scheduler.kubeconfig" --authorization-kubeconfig="$pki/scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port=10259
  start kubelet "$bin/kubelet" --config="$node_dir/kubelet.yaml" --kubeconfig="$pki/kubelet.kubeconfig" \
    --hostname-override="$node_name" --node-ip="$node_ip" --root-dir="$node_dir/kubelet" --cert-dir="$pki"
  start kube-proxy "$bin/kube-proxy" --config="$node_dir/kube-proxy.yaml"
  start coredns "$bin/coredns" -conf "$node_dir/Corefile"

  # The host's way in: 127.0.0.1:<free port> -> unix socket -> node IP:6443 inside the namespace.
  start apiserver-socket socat "UNIX-LISTEN:$apiserver_socket,fork,unlink-early" "TCP:$node_ip:$apiserver_port"
  wait_for "the API server's unix socket" test -S "$apiserver_socket"
  setsid socat TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr "UNIX-CONNECT:$apiserver_socket" >"$logs/host-socat.log" 2>&1 </dev/null 8>&- &
  echo $! >"$pids/host-socat.pid"
  local host_port="" socat_pid
  socat_pid="$(cat "$pids/host-socat.pid")"
  wait_for "the host port of the API server" bash -c "ss -ltnpH | grep -q 'pid=$socat_pid,'"
  host_port="$(ss -ltnpH | grep "pid=$socat_pid," | awk '{print $4}' | sed 's/.*://' | head -1)"
  kubeconfig "$host_kubeconfig" "https://127.0.0.1:$host_port" admin

  wait_for "node $node_name Ready" kubectl_inner wait --for=condition=Ready "node/$node_name" --timeout=2s
  wait_for "the default ServiceAccount" kubectl_inner get serviceaccount default -n default
  wait_for "CoreDNS ready" in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/18181"
  for tool in kube-controller-manager kube-scheduler kubelet kube-proxy coredns; do alive "$tool"; done
  say "node ready after $((SECONDS - started)) s (kubeconfig $host_kubeconfig, API server at 127.0.0.1:$host_port)"
  echo "$host_kubeconfig"
}

print_env() {
  cat <<EOF
WAYSTATION_NODE_NETNS=$netns
WAYSTATION_NODE_DIR=$node_dir
WAYSTATION_NODE_NAME=$node_name
WAYSTATION_NODE_IP=$node_ip
WAYSTATION_NODE_CONTAINERD_SOCKET=$containerd_socket
WAYSTATION_NODE_KUBECONFIG=$host_kubeconfig
WAYSTATION_NODE_INNER_KUBECONFIG=$inner_kubeconfig
WAYSTATION_NODE_SANDBOX_IMAGE=$(cat "$node_dir/sandbox-image" 2>/dev/null)
EOF
}

command="${1:-}"
case "$command" in
  up|down) ;;
  env) print_env; exit 0 ;;
  *) fail "usage: node.sh up|down|env" ;;
esac
mkdir -p "$(dirname "$node_dir")"
exec 8>"$lock_file"
flock 8
if [[ "$command" == up ]]; then
  # Another suite (another checkout) may be using the node: wait for it rather than tear it down.
  deadline=$((SECONDS + owner_wait_seconds))
  while [[ -f "$node_dir.owner" ]] && current="$(cat "$node_dir.owner")" && [[ "$current" != "$owner" ]] \
      && kill -0 "$current" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "the node is still in use by process $current after ${owner_wait_seconds} s"
    say "the node is in use by process $current (another test run); waiting for it"
    flock -u 8
    sleep 5
    flock 8
  done
fi
"$command"
