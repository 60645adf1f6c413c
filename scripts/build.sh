#!/usr/bin/env bash
# Builds the release bundle into dist/: the wasm module (engine + JS API + UI), its JS glue,
# index.html and www/. Assumes scripts/setup.sh has run. DIST (default dist) and CARGO_TARGET_DIR
# put the bundle and the build elsewhere, so two builds can run side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"   # npm wasm-opt 132, not Debian's 108

out=${DIST:-dist}
cargo build --release --target wasm32-unknown-unknown --lib --quiet
rm -rf "$out" && mkdir -p "$out/pkg"
wasm-bindgen --target web --out-dir "$out/pkg" --out-name stowage \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/stowage.wasm"
wasm-opt "-O${WASM_OPT_LEVEL:-z}" "$out/pkg/stowage_bg.wasm" -o "$out/pkg/stowage_bg.wasm"
cp index.html "$out/"
cp -r www "$out/www"
raw=$(stat -c %s "$out/pkg/stowage_bg.wasm")
gz=$(gzip -9 -c "$out/pkg/stowage_bg.wasm" | wc -c)
echo "[build] $out/pkg/stowage_bg.wasm: $raw bytes, $gz bytes gzip -9"
