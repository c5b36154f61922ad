#!/usr/bin/env bash
# The fuzzing command: runs each cargo-fuzz target of fuzz/ for a set time and prints,
# per target, how many inputs it ran and whether it crashed (docs/robustness.md § Fuzzing). In order:
#   1. cargo-fuzz (cargo install at the pinned version, skipped when present) and a C++ compiler
#      for libFuzzer (clang from apt when there is none)
#   2. the seed corpora into fuzz/corpus/<target>/ from real inputs (the fixtures, samples/, the
#      hostile corpus, the XSS list: crates/artifact/examples/fuzz_seeds.rs, built in
#      fuzz/target/native); what the fuzzer adds there is kept from run to run
#   3. the targets, in fuzz/target (never the main workspace's target/): release, with debug
#      assertions and overflow checks (fuzz/Cargo.toml's profile) and AddressSanitizer, on stable
#      rustc: cargo-fuzz passes nightly flags (-Zsanitizer, sancov), which RUSTC_BOOTSTRAP=1 unlocks
#   4. each target for N seconds, one after the other (one job: the machine is shared); the
#      fuzzer's whole output goes to fuzz/logs/<target>.log
# A crash (panic, broken property, sanitizer report, a 10 s timeout, 2 GB of memory) is written to
# fuzz/artifacts/<target>/ and its path printed; the other targets still run and the command
# exits 1. Replay one with `RUSTC_BOOTSTRAP=1 cargo fuzz run -O TARGET FILE` in fuzz/; once
# the library refuses it clearly, commit it under crates/artifact/tests/fuzz-regressions/TARGET/
# with a FILE.expected (replayed by `cargo test -p stepwise-artifact --test fuzz_regressions`).
#
#   scripts/fuzz.sh [--seconds N] [--sanitizer address|none] [--no-seeds] [TARGET…]
#
#   --seconds N     time per target (default 60)
#   --sanitizer S   address (default) or none (no AddressSanitizer: panics and broken properties only)
#   --no-seeds      leave fuzz/corpus as it is
#   TARGET          open, workshop_zip, project_zip, markdown (default: all four)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(open workshop_zip project_zip markdown)

seconds=60 sanitizer=address seeds=1 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift ;;
    --sanitizer) sanitizer="${2:?--sanitizer needs address or none}"; shift ;;
    --no-seeds) seeds=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see scripts/fuzz.sh --help)" >&2; exit 2 ;;
    *)
      if [[ " ${ALL_TARGETS[*]} " != *" $1 "* ]]; then
        echo "fuzz: no target $1 (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
      fi
      targets+=("$1")
      ;;
  esac
  shift
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz: --seconds must be a whole number" >&2; exit 2; }
case "$sanitizer" in address | none) ;; *) echo "fuzz: --sanitizer is address or none" >&2; exit 2 ;; esac
[ "${#targets[@]}" -gt 0 ] || targets=("${ALL_TARGETS[@]}")

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. tools -------------------------------------------------------------------------------------
if cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz $CARGO_FUZZ_VERSION\$"; then
  echo "fuzz: cargo-fuzz $CARGO_FUZZ_VERSION present"
else
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install, ~2 minutes)…"
  cargo install -q --force cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi
if ! command -v c++ >/dev/null && ! command -v clang++ >/dev/null; then
  echo "fuzz: installing clang (apt) for libFuzzer's C++…"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null
fi

# --- 2. seeds -------------------------------------------------------------------------------------
if [ "$seeds" -eq 1 ]; then
  echo "fuzz: writing the seed corpora…"
  cargo run -q -p stepwise-artifact --example fuzz_seeds --target-dir fuzz/target/native -- fuzz/corpus
fi

# --- 3. build -------------------------------------------------------------------------------------
# The same flags for build and run, or `cargo fuzz run` builds again.
fuzz_flags=(--fuzz-dir fuzz -O --sanitizer "$sanitizer")
export RUSTC_BOOTSTRAP=1
echo "fuzz: building ${targets[*]} (sanitizer: $sanitizer)…"
for t in "${targets[@]}"; do cargo fuzz build "${fuzz_flags[@]}" "$t"; done

# --- 4. run ---------------------------------------------------------------------------------------
mkdir -p fuzz/logs
crashed=()
summary=()
for t in "${targets[@]}"; do
  log="fuzz/logs/$t.log"
  echo "fuzz: $t for ${seconds} s (log: $log)…"
  started=$SECONDS
  if cargo fuzz run "${fuzz_flags[@]}" "$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    status=ok
  else
    status=CRASHED
  fi
  took=$((SECONDS - started))
  # The fuzzing time libFuzzer reports (without a rebuild `cargo fuzz run` may have done).
  fuzzed="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)"
  [ -z "$fuzzed" ] || took=$fuzzed
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  # A crash stops the run before the final stats: take the last status line's count.
  [ -n "$execs" ] || execs="$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#')"
  corpus="$(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l)"
  line="$(printf '%-13s %-8s %10s execs  %5s s  corpus %s' "$t" "$status" "${execs:-?}" "$took" "$corpus")"
  if [ "$status" = CRASHED ]; then
    artifact="$(grep -ao 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/^Test unit written to //')"
    why="$(grep -a -m1 -A1 'panicked at' "$log" | tail -1 | cut -c1-200)"
    [ -n "$why" ] || why="$(grep -a -m1 '^SUMMARY:\|ERROR: libFuzzer' "$log" | cut -c1-200)"
    line="$line  ${artifact:-no crash file (see $log)}"
    crashed+=("$t: ${artifact:-see $log}: $why")
  fi
  echo "  $line"
  summary+=("$line")
done

echo
echo "fuzz: ${seconds} s per target, sanitizer $sanitizer"
printf '  %s\n' "${summary[@]}"
if [ "${#crashed[@]}" -gt 0 ]; then
  echo "fuzz: ${#crashed[@]} target(s) crashed:" >&2
  printf '  %s\n' "${crashed[@]}" >&2
  exit 1
fi
