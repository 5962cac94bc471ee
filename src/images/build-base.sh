#!/usr/bin/env bash
# Builds the base image the relay and operator images are layered on, offline: no container
# registry is reachable from the build machines, so the base is made from what the build already
# has, a jlink'ed runtime of the build JDK, the shared libraries it links against (from the build
# machine, as `ldd` reports them), and a minimal /etc (passwd, group, nsswitch.conf) with one
# unprivileged user. There is no shell and no package manager in it.
#
#   build-base.sh OUTPUT.tar
#
# Writes a docker-archive tar (the format `docker save` writes, which Jib's tar:// base and
# `ctr images import` both read). The tar is cached in ${WAYSTATION_CACHE:-~/.cache/waystation}/images,
# keyed by the JDK version and this script's content, and OUTPUT.tar is a copy of it. A lock
# serialises concurrent builds (relay and operator, several checkouts). Progress goes to stderr.
set -euo pipefail

say() { printf '[images] %s\n' "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

[[ $# -eq 1 ]] || fail "usage: $0 OUTPUT.tar"
output="$1"

# The user every Waystation container runs as (numeric, so Kubernetes can check runAsNonRoot).
readonly APP_UID=65532
readonly JAVA_DIR=/opt/java
# What Quarkus, Vert.x/Netty, Fabric8 and the JDK's TLS need at run time; jdk.zipfs lets the
# JVM read the fast-jar, jdk.crypto.* bring EC and PKCS#11 TLS providers.
readonly MODULES=java.base,java.logging,java.naming,java.management,java.net.http,java.xml,java.sql,java.desktop,java.instrument,java.security.jgss,java.scripting,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.unsupported,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.jfr

java_home="${JAVA_HOME:-}"
if [[ -z "$java_home" ]]; then
  command -v java >/dev/null 2>&1 || fail "no JAVA_HOME and no 'java' on PATH"
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
[[ -x "$java_home/bin/jlink" ]] || fail "$java_home/bin/jlink not found: a full JDK (with jlink and jmods) is needed"
[[ -d "$java_home/jmods" ]] || fail "$java_home/jmods not found: install the JDK's jmods (Debian: openjdk-17-jdk-headless)"
for tool in ldd tar sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH"
done

java_version="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
[[ -n "$java_version" ]] || fail "cannot read the version of $java_home/bin/java"
script_hash="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
cache_dir="${WAYSTATION_CACHE:-$HOME/.cache/waystation}/images"
cached="$cache_dir/jre-base-${java_version}-${script_hash}.tar"

copy_out() {
  mkdir -p "$(dirname "$output")"
  cp "$cached" "$output.partial" && mv "$output.partial" "$output"
  say "base image $output (from $cached)"
}

if [[ -s "$cached" ]]; then copy_out; exit 0; fi
mkdir -p "$cache_dir" || fail "cannot create $cache_dir (set WAYSTATION_CACHE to a writable directory)"
exec 9>"$cache_dir/.build.lock"
flock 9
if [[ -s "$cached" ]]; then copy_out; exit 0; fi

start=$SECONDS
work="$(mktemp -d "$cache_dir/.work-XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/etc" "$root/opt" "$root/tmp"
chmod 1777 "$root/tmp"

say "jlink $java_version ($MODULES)"
# --generate-cds-archive: jlink leaves out the JDK's class-data-sharing archive, so without it every
# start loads and verifies the JDK's own classes from the compressed module image (slower start-up).
"$java_home/bin/jlink" --add-modules "$MODULES" --output "$root$JAVA_DIR" --generate-cds-archive \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  || fail "jlink failed (output above)"
# Some JDK builds (Debian's) link cacerts to a system file jlink does not follow: take the content.
if [[ -L "$java_home/lib/security/cacerts" || ! -s "$root$JAVA_DIR/lib/security/cacerts" ]]; then
  cp -L "$java_home/lib/security/cacerts" "$root$JAVA_DIR/lib/security/cacerts" 2>/dev/null \
    || say "no CA bundle in $java_home/lib/security/cacerts: the image trusts only what jlink copied"
fi

# The images are headless: AWT, sound and font natives go, and with them X11, ALSA, FreeType and
# their kin (java.desktop stays for java.beans, which libraries use without drawing anything).
for native in libawt libawt_headless libawt_xawt libfontmanager libjavajpeg libjsound liblcms libmlib_image libsplashscreen; do
  rm -f "$root$JAVA_DIR/lib/$native.so"
done

# Every shared library the runtime's executables and libraries need, at the path the loader looks
# for it, plus what the application's own natives need (Netty's epoll and BoringSSL libraries,
# unpacked to /tmp at run time, link against glibc's libdl, librt and libpthread) and libgcc_s,
# which glibc loads on demand when a thread is cancelled.
libs="$(find "$root$JAVA_DIR" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
  | xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)"
for extra in libgcc_s.so.1 libdl.so.2 librt.so.1 libpthread.so.0 libnss_dns.so.2 libresolv.so.2; do
  # awk reads to the end: leaving early would kill ldconfig with SIGPIPE, which pipefail turns into
  # this script's exit status (141), at random, depending on where the library sits in the list.
  extra_path="$(ldconfig -p 2>/dev/null | awk -v lib="$extra" '!found && $1 == lib && /x86-64/ { print $NF; found = 1 }')"
  [[ -n "$extra_path" ]] || fail "$extra not found (ldconfig -p): it is part of glibc/libgcc on every Debian"
  libs+=$'\n'"$extra_path"
done
while read -r lib; do
  [[ -z "$lib" || "$lib" == "$JAVA_DIR"* || "$lib" == "$root"* ]] && continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done <<< "$libs"
# The loader's usual alias (/lib64 -> the multiarch directory on Debian-like hosts).
[[ -e "$root/lib64/ld-linux-x86-64.so.2" ]] || fail "the dynamic loader was not found by ldd"

cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/nonexistent:/sbin/nologin
nonroot:x:${APP_UID}:${APP_UID}:nonroot:/nonexistent:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
nonroot:x:${APP_UID}:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"

# One layer, reproducible: fixed owner, order and timestamps.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$work/layer.tar" . \
  || fail "cannot pack the root filesystem"
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\",\
\"config\":{\"User\":\"${APP_UID}:${APP_UID}\",\"WorkingDir\":\"/\",\
\"Env\":[\"PATH=${JAVA_DIR}/bin\",\"JAVA_HOME=${JAVA_DIR}\",\"LANG=C.UTF-8\"]},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:${layer_sha}\"]},\
\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"src/images/build-base.sh: jlink ${java_version}\"}]}"
printf '%s' "$config" > "$work/config.json"
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mkdir -p "$work/archive/$layer_sha"
mv "$work/layer.tar" "$work/archive/$layer_sha/layer.tar"
mv "$work/config.json" "$work/archive/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/waystation/jre-base:%s"],"Layers":["%s/layer.tar"]}]' \
  "$config_sha" "${java_version//+/_}" "$layer_sha" > "$work/archive/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/archive" -cf "$work/base.tar" \
  manifest.json "$config_sha.json" "$layer_sha" \
  || fail "cannot pack the image archive"
mv "$work/base.tar" "$cached"
say "built $cached in $((SECONDS - start)) s ($(du -h "$cached" | cut -f1))"
copy_out
