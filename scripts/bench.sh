#!/usr/bin/env bash
# The benchmark command: measures every figure of docs/performance.md against its
# reference in the same run, and renders the table there. Benchmarks print figures; nothing here
# fails on a time. In order:
#   1. scripts/setup.sh, `cargo build --release` of stepwise and stepwise-bench, and
#      `trunk build --release --offline` (dist/)                        (skipped with --no-build)
#   2. the data sets into target/bench/data/ (stepwise-bench gen; made once, then reused)
#   3. the native figures (stepwise-bench native): first-visit size, project export/rebuild
#   4. every tests/bench/*.bench.mjs as
#      `node FILE --dist dist --data target/bench/data --cli BIN_DIR/stepwise [--quick]` (the browser
#      figures: load, worker round trip and check, query against sql.js, export in the worker)
#   5. target/bench/results.jsonl (one JSON line per figure; results-quick.jsonl for --quick),
#      a summary table, and (unless
#      --no-report or --quick) the "Figures" table and "Running the benchmarks" section of
#      docs/performance.md, rendered by scripts/bench-report.mjs
# Every line a benchmark prints on stdout must be a figure with the contract's keys; a benchmark
# that fails or prints anything else is reported, the others still run, and the command exits 1.
#
#   scripts/bench.sh [--quick] [--only REGEX] [--no-report] [--no-build] [--bin-dir DIR] [--runs N]
#
#   --quick       rows-10k.db and a 20-step workshop only, one run per figure (a smoke run)
#   --only REGEX  only the native groups and bench files whose name matches (e.g. 'project_1m|query');
#                 their figures replace the same benchmarks' lines in results.jsonl, others are kept
#   --no-report   leave docs/performance.md alone
#   --no-build    use the binaries in --bin-dir (default target/release) and dist/ as they are
#                 (scripts/test.sh passes `--no-build --bin-dir target/debug` after its own builds)
#   --runs N      runs per native figure (default 3; medians are reported)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

quick=0 only='' report=1 build=1 bin_dir=target/release runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) only="${2:?--only needs a regular expression}"; shift ;;
    --no-report) report=0 ;;
    --no-build) build=0 ;;
    --bin-dir) bin_dir="${2:?--bin-dir needs a folder}"; shift ;;
    --runs) runs="${2:?--runs needs a number}"; shift ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see scripts/bench.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" -eq 1 ]; then
  report=0
  [ "$runs" = 3 ] && runs=1
fi

out=target/bench
data=$out/data
results=$out/results.jsonl
# A smoke run keeps its figures apart: merged with a full run's (--only), they would replace
# the full figures of the same benchmarks with the quick data sets' ones.
[ "$quick" -eq 1 ] && results=$out/results-quick.jsonl
mkdir -p "$out/logs"
problems=()
started=$SECONDS

# selected NAME: whether --only lets NAME run.
selected() { [ -z "$only" ] || [[ "$1" =~ $only ]]; }

if [ "$build" -eq 1 ]; then
  printf '== setup\n'
  scripts/setup.sh || { echo "bench: scripts/setup.sh failed" >&2; exit 1; }
  printf '== build (release)\n'
  cargo build --release -p stepwise-cli -p stepwise-bench || { echo "bench: cargo build failed" >&2; exit 1; }
  trunk build --release --offline || { echo "bench: trunk build failed" >&2; exit 1; }
fi
cli="$bin_dir/stepwise"
bench="$bin_dir/stepwise-bench"
for bin in "$cli" "$bench"; do
  [ -x "$bin" ] || { echo "bench: $bin is missing; run without --no-build, or build it" >&2; exit 1; }
done
[ -f dist/index.html ] || { echo "bench: dist/ has no index.html; run without --no-build" >&2; exit 1; }

printf '== data sets (%s)\n' "$data"
gen_args=(gen --out "$data")
[ "$quick" -eq 1 ] && gen_args+=(--quick)
"$bench" "${gen_args[@]}" || { echo "bench: making the data sets failed" >&2; exit 1; }

# Machine facts of this run, for the report.
chromium_version="$( (chromium --version || /usr/bin/chromium --version) 2>/dev/null | head -1)"
node -e '
  const [date, nproc, cpu, chromium, commit, quick] = process.argv.slice(1);
  console.log(JSON.stringify({ date, nproc: Number(nproc), cpu, chromium, commit, quick: quick === "1" }));
' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" \
  "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" "${chromium_version:-unknown}" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$quick" > "$out/machine.json"

# Lines of this run, collected per benchmark; checked by bench-report.mjs as they come.
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT
sources=()

# collect NAME FILE: checks FILE's lines and keeps them (tagged with NAME) for results.jsonl.
collect() {
  if ! node scripts/bench-report.mjs check "$1" < "$2" > "$run_dir/$1.jsonl"; then
    problems+=("$1: printed lines that are not figures of the contract (see above)")
  fi
  sources+=("$1")
}

printf '== native figures\n'
# One run of stepwise-bench per group, its figures tagged with the group (native-GROUP): with
# --only, a group run again replaces its own lines and keeps the other groups'.
for group in $("$bench" native --list); do
  # A quick run measures the quick data sets only; a full run the full ones.
  if [ "$quick" -eq 1 ]; then
    [[ "$group" =~ ^(first_visit|project_10k|workshop_quick)$ ]] || continue
  else
    [ "$group" = workshop_quick ] && continue
  fi
  selected "$group" || continue
  if ! "$bench" native --dist dist --data "$data" --cli "$cli" --work "$out/work" --runs "$runs" --group "$group" \
    > "$run_dir/native-$group.out" 2> >(tee "$out/logs/native-$group.log" >&2); then
    problems+=("native-$group: stepwise-bench native failed (see $out/logs/native-$group.log)")
  fi
  collect "native-$group" "$run_dir/native-$group.out"
done

shopt -s nullglob
for file in tests/bench/*.bench.mjs; do
  name="$(basename "$file" .bench.mjs)"
  selected "$name" || continue
  printf '== %s\n' "$file"
  # What earlier benchmarks wrote (the exports alone write ~500 MB) reaches the disk before
  # this one starts, not during its clock.
  sync
  args=(--dist dist --data "$data" --cli "$cli")
  [ "$quick" -eq 1 ] && args+=(--quick)
  if ! node "$file" "${args[@]}" > "$run_dir/$name.out" 2> >(tee "$out/logs/$name.log" >&2); then
    problems+=("$name: $file failed (see $out/logs/$name.log)")
  fi
  collect "$name" "$run_dir/$name.out"
done

# results.jsonl: this run's lines; with --only, also the earlier lines of benchmarks not re-run.
new="$run_dir/all.jsonl"
: > "$new"
for s in "${sources[@]}"; do cat "$run_dir/$s.jsonl" >> "$new"; done
if [ -n "$only" ] && [ -f "$results" ]; then
  node scripts/bench-report.mjs merge "$results" "${sources[@]}" < "$new" > "$run_dir/merged.jsonl" &&
    mv "$run_dir/merged.jsonl" "$results"
else
  cp "$new" "$results"
fi

printf '\n== figures (%s, %ss)\n' "$results" "$((SECONDS - started))"
node scripts/bench-report.mjs summary "$results" "$out/machine.json"
if [ "$report" -eq 1 ]; then
  node scripts/bench-report.mjs render "$results" "$out/machine.json" docs/performance.md &&
    echo "rendered the table of docs/performance.md"
fi
if [ "${#problems[@]}" -gt 0 ]; then
  printf '\nBENCH PROBLEMS:\n'
  printf '  %s\n' "${problems[@]}"
  exit 1
fi
