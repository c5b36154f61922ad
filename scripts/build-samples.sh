#!/usr/bin/env bash
# Builds every sample workshop (samples/<name>/workshop.yaml) into a .db with the `stepwise` CLI,
# gzips a copy (<name>.db.gz, what the page's Add button fetches), and writes index.json beside
# them for the web app's "Try the sample workshop" list.
#
#   scripts/build-samples.sh [out-dir=target/stepwise-samples]
#
# Trunk's post_build hook (scripts/trunk-post-build.mjs) copies out-dir to samples/ of the app.
# A sample that cannot be built is listed with the reason; the exit status is then 1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-target/stepwise-samples}"
logs="$out.logs"
rm -rf "$out" "$logs"
mkdir -p "$out" "$logs"

sources=(samples/*/workshop.yaml)
[ -e "${sources[0]}" ] || sources=()
cli=""
cli_error=""
if [ "${#sources[@]}" -gt 0 ]; then
  # Build the CLI once, in release: its output (warnings, errors) goes to the terminal.
  if cargo build -q -p stepwise-cli --release; then
    cli="${CARGO_TARGET_DIR:-target}/release/stepwise"
  else
    cli_error="the stepwise CLI did not compile (cargo build -p stepwise-cli --release)"
  fi
fi

entries=()
failed=0
for source in "${sources[@]}"; do
  [ -e "$source" ] || continue
  name="$(basename "$(dirname "$source")")"
  if [[ ! "$name" =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "  skipped    samples/$name: a sample's folder name may only hold letters, digits, . _ -" >&2
    continue
  fi
  db="$out/$name.db"
  log="$logs/$name.log"
  error=""
  if [ -n "$cli_error" ]; then
    error="$cli_error"
    : >"$log"
  elif ! "$cli" build "samples/$name" -o "$db" >"$log" 2>&1; then
    error="stepwise build failed (log: $log)"
  elif [ ! -s "$db" ] || [ "$(head -c 15 "$db")" != "SQLite format 3" ]; then
    error="stepwise build wrote no SQLite database (log: $log)"
  # The copy the page's Add button fetches: a workshop's free pages and text pack ~8:1, and
  # static hosts rarely compress .db files themselves (the worker unpacks it). Packed as the
  # app's wasm is (crates/pack: libdeflate's highest level, a little tighter than gzip -9).
  elif ! cargo run -q -p stepwise-pack -- "$db" >>"$log" 2>&1; then
    error="stepwise-pack could not gzip it (log: $log)"
  fi
  if [ -z "$error" ]; then
    bytes="$(stat -c %s "$db")"
    entries+=("{\"name\":\"$name\",\"file\":\"samples/$name.db\",\"bytes\":$bytes,\"packed\":\"samples/$name.db.gz\"}")
    echo "  built      samples/$name -> $db ($bytes bytes; $(stat -c %s "$db.gz") gzipped)"
  else
    rm -f "$db" "$db.gz"
    failed=1
    entries+=("{\"name\":\"$name\",\"error\":\"$error\"}")
    echo "  not built  samples/$name: $error" >&2
    tail -n 5 "$log" | sed 's/^/             | /' >&2
  fi
done
[ "${#entries[@]}" -gt 0 ] || echo "  (no samples/*/workshop.yaml to build)"

{
  printf '{"workshops":['
  (IFS=,; printf '%s' "${entries[*]}")
  printf ']}\n'
} >"$out/index.json"
exit "$failed"
