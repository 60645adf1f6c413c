#!/usr/bin/env bash
# Installs what a fresh machine lacks, and nothing more: every step checks first, so a
# second run takes a couple of seconds. Sources: rustup targets, crates.io, Debian, npm.
set -euo pipefail
cd "$(dirname "$0")/.."

# Must equal the wasm-bindgen version in Cargo.lock (Cargo.toml pins it with "=").
WB_VER=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
WASM_PACK_VER=0.15

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  say "installing Debian chromium + chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi

# Real registry clients for tests/real_tools.rs (Debian 12: skopeo 1.9.3, umoci 0.4.7): they read
# the page's OCI layout and docker archive exports.
if ! command -v skopeo >/dev/null || ! command -v umoci >/dev/null; then
  say "installing Debian skopeo + umoci"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends skopeo umoci
fi

have() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! have wasm-bindgen "$WB_VER"; then
  say "cargo install wasm-bindgen-cli $WB_VER (about 3 minutes)"
  # Not --locked: its lock file pins a webpki-roots version crates.io does not serve.
  cargo install wasm-bindgen-cli --version "$WB_VER"
fi
if ! have wasm-pack "$WASM_PACK_VER"; then
  say "cargo install wasm-pack (about 2 minutes)"
  cargo install --locked wasm-pack
fi

# npm: binaryen (wasm-opt 132; Debian's 108 cannot read rustc 1.95 output) and playwright-core
# (drives Debian's chromium; never downloads a browser), axe-core (the stage's accessibility check).
# Exact versions come from package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Dependencies for offline builds later on.
cargo fetch --quiet
