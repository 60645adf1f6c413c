#!/usr/bin/env bash
# Builds the release bundle into dist/: the wasm module (engine + JS API + UI), its JS glue,
# index.html and www/. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"   # npm wasm-opt 132, not Debian's 108

cargo build --release --target wasm32-unknown-unknown --lib --quiet
rm -rf dist && mkdir -p dist/pkg
wasm-bindgen --target web --out-dir dist/pkg --out-name stowage \
  target/wasm32-unknown-unknown/release/stowage.wasm
wasm-opt "-O${WASM_OPT_LEVEL:-z}" dist/pkg/stowage_bg.wasm -o dist/pkg/stowage_bg.wasm
cp index.html dist/
cp -r www dist/www
raw=$(stat -c %s dist/pkg/stowage_bg.wasm)
gz=$(gzip -9 -c dist/pkg/stowage_bg.wasm | wc -c)
echo "[build] dist/pkg/stowage_bg.wasm: $raw bytes, $gz bytes gzip -9"
