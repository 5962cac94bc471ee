#!/usr/bin/env bash
# Builds derp-rs (github.com/jaisonZheng/derp-rs, a Rust DERP server; binary derper-rs) for the
# benchmark's optional third column, and prints the path of the binary:
#
#   DERP_RS_BIN=$(src/bench/derp-rs.sh /path/to/derp-rs-checkout) src/bench/run.sh
#
# derp-rs is not on crates.io, so the checkout is the caller's (git clone of that repository). The
# build is `cargo build --release --locked` (the checkout's own Cargo.lock) with its output under
# ~/.cache/waystation/derp-rs (DERP_RS_TARGET overrides), never inside this repository. Cargo's
# progress goes to stderr; stdout is only the path, so the command fits in $(...).
set -euo pipefail

die() { echo "derp-rs.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 /path/to/derp-rs-checkout"
CHECKOUT=$(cd "$1" 2>/dev/null && pwd) || die "no such directory: $1"
[ -f "$CHECKOUT/Cargo.toml" ] && [ -f "$CHECKOUT/Cargo.lock" ] \
  || die "$CHECKOUT is not a derp-rs checkout (Cargo.toml and Cargo.lock expected)"
grep -q '^name = "derper-rs"' "$CHECKOUT/Cargo.toml" \
  || die "$CHECKOUT/Cargo.toml declares no derper-rs binary: is it github.com/jaisonZheng/derp-rs?"
PATH="$PATH:$HOME/.cargo/bin"
command -v cargo >/dev/null || die "cargo not found (install Rust with rustup, or put cargo on PATH)"

TARGET=${DERP_RS_TARGET:-"$HOME/.cache/waystation/derp-rs/target"}
mkdir -p "$TARGET"
echo "derp-rs.sh: cargo build --release --locked in $CHECKOUT (target $TARGET)" >&2
(cd "$CHECKOUT" && CARGO_TARGET_DIR="$TARGET" cargo build --release --locked --bin derper-rs >&2) \
  || die "cargo build failed in $CHECKOUT"
BIN="$TARGET/release/derper-rs"
[ -x "$BIN" ] || die "the build reported success but $BIN is missing"
echo "$BIN"
