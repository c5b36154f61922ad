#!/usr/bin/env bash
# Runs every Stepwise test, in order, and ends with a summary:
#   native tests      cargo test --workspace
#   wasm tests        crates/artifact/tests/wasm.rs in headless Chromium (wasm-bindgen-test-runner)
#   worker tests      tests/opfs.rs: the worker's runtime on real OPFS + SQLite in a dedicated worker
#   sample workshops  scripts/build-samples.sh (every samples/*/workshop.yaml must build)
#   web app build     trunk build --release --offline
#   end-to-end tests  tests/e2e/*.test.mjs in headless Chromium against dist/ on 127.0.0.1, one file at
#                     a time (the app, its library, the worker through its message protocol, and
#                     offline use: service worker, sub-path hosting, installability, updates)
#   benchmark smoke   scripts/bench.sh --quick on this run's builds: every figure line follows the
#                     contract (never a time is checked)
# Exits non-zero if any stage fails. Stages run on after a failure (no `set -e`) so one run shows
# every problem; a stage whose input failed is skipped (and counts as failed).
#
#   scripts/test.sh
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

results=()
failures=0
started_all=$SECONDS
# Every stage's output is also kept here, to count the tests that ran across all runners.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# stage NAME COMMAND...: runs COMMAND, records PASS/FAIL with its duration.
stage() {
  local name="$1"; shift
  local t0=$SECONDS
  printf '\n== %s\n' "$name"
  if "$@" 2>&1 | tee -a "$log"; then
    results+=("PASS  $name ($((SECONDS - t0))s)")
    return 0
  fi
  results+=("FAIL  $name ($((SECONDS - t0))s)")
  failures=$((failures + 1))
  return 1
}
skip() {
  printf '\n== %s: skipped, %s\n' "$1" "$2"
  results+=("SKIP  $1 ($2)")
  failures=$((failures + 1))
}
# Sums "test result: ok. N passed; M failed" (cargo, wasm-bindgen-test) and "# pass N" /
# "# fail N" (node --test) over the whole run.
count_tests() {
  awk '
    /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    /^# pass [0-9]+$/ { p += $3 }
    /^# fail [0-9]+$/ { f += $3 }
    END { printf "tests: %d passed, %d failed\n", p, f }
  ' "$log"
}
summary() {
  printf '\n== summary (%ss)\n' "$((SECONDS - started_all))"
  printf '  %s\n' "${results[@]}"
  if [ "$failures" -eq 0 ]; then
    echo "ALL TESTS PASSED"
  else
    echo "TESTS FAILED: $failures stage(s) failed or were skipped"
  fi
  count_tests
}

wasm_tests() {
  # wasm-bindgen-test-runner drives Chromium through chromedriver with the flags of webdriver.json.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$root/webdriver.json" \
    cargo test -p stepwise-artifact --target wasm32-unknown-unknown --test wasm
}

worker_tests() {
  # Same runner as wasm_tests; the test file configures itself to run in a dedicated worker.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$root/webdriver.json" \
    cargo test --target wasm32-unknown-unknown --features worker --test opfs --test opfs_textforms
}

app_size() {
  local wasm
  for wasm in dist/app-*_bg.wasm dist/worker_bg.wasm; do
    printf '  %-32s %8s bytes, %8s gzipped\n' "$wasm" "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
  done
}

# The benchmark command end to end on the quick data sets, reusing this run's builds (the debug
# binaries `cargo test --workspace` made, dist/ of trunk): each benchmark must run and print only
# figures of the contract. Timings are never asserted on.
bench_smoke() {
  scripts/bench.sh --quick --no-build --no-report --bin-dir target/debug
}

end_to_end() {
  STEPWISE_DIST=dist STEPWISE_EXPECT_SAMPLES=1 STEPWISE_SCREENSHOTS=target/e2e \
    node --test --test-concurrency=1 tests/e2e/*.test.mjs
}

if ! stage "setup (scripts/setup.sh)" scripts/setup.sh; then
  summary
  exit 1
fi
stage "native tests (cargo test --workspace)" cargo test --workspace --no-fail-fast
stage "wasm tests (stepwise-artifact in headless Chromium)" wasm_tests
stage "worker tests (OPFS + SQLite in a dedicated worker)" worker_tests
stage "sample workshops (scripts/build-samples.sh)" scripts/build-samples.sh target/stepwise-samples
if stage "web app build (trunk build --release --offline)" trunk build --release --offline; then
  app_size
  stage "end-to-end tests (node --test tests/e2e)" end_to_end
  stage "benchmark smoke run (scripts/bench.sh --quick)" bench_smoke
else
  skip "end-to-end tests (node --test tests/e2e)" "no app was built"
  skip "benchmark smoke run (scripts/bench.sh --quick)" "no app was built"
fi

summary
[ "$failures" -eq 0 ]
