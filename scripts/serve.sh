#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build the release bundle, serve it.
# PORT=9000 scripts/serve.sh to use another port.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/serve.mjs dist "${PORT:-8080}"
