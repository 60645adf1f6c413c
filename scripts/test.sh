#!/usr/bin/env bash
# Quick start, command 2: install what is missing, then run every check and test:
#   rustfmt, clippy (native and wasm32), browser tests (wasm-pack, headless Chrome),
#   the release build + end-to-end test (Playwright driving Debian's Chromium), native cargo test.
# Runs every step even after a failure; exits non-zero if any failed; ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=never
mkdir -p target/test-logs

scripts/setup.sh || { echo "summary: setup failed"; exit 1; }

passed=0 failed=0 failed_steps=()
run() { # run NAME COMMAND... : runs a step, counts tests from its output
  local name=$1; shift
  local log="target/test-logs/$name.log" start=$SECONDS
  printf '\n\033[1m== %s ==\033[0m %s\n' "$name" "$*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  # cargo / wasm-bindgen-test: "test result: ok. N passed; M failed"; node --test: "# pass N" / "# fail M"
  local p f
  p=$(grep -oE '(test result: [A-Za-z]+\. [0-9]+ passed|^# pass [0-9]+|^ℹ pass [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  f=$(grep -oE '(; [0-9]+ failed;|^# fail [0-9]+|^ℹ fail [0-9]+)' "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ]; then
    failed_steps+=("$name")
    [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))   # a step that failed without counting a test
  fi
  printf '\033[1m-- %s: exit %s, %ss\033[0m\n' "$name" "$rc" $((SECONDS - start))
}

run fmt cargo fmt --check
run clippy-native cargo clippy --all-targets --quiet -- -D warnings
run clippy-wasm32 cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
run browser wasm-pack test --headless --chrome -- --test web
run build scripts/build.sh
run e2e node --test tests/e2e/
run native cargo test --quiet

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]} (logs in target/test-logs/)"
fi
echo "summary: $passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ]
