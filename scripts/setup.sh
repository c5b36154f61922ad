#!/usr/bin/env bash
# Installs everything Stepwise needs to build, serve and test, on Debian 12 (bookworm).
# Idempotent: what is present at the right version is left alone. One line per tool.
#
#   scripts/setup.sh
#
# Needs: rustup with the toolchain of rust-toolchain/`rust-version` (rustc 1.95), and root or sudo
# for apt. Never installs Debian's binaryen (too old) and never lets a tool download a browser:
# the tests use /usr/bin/chromium.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
# clang + llvm compile SQLite to wasm32 (sqlite-wasm-rs); chromium + chromium-driver run the browser
# tests; fonts-liberation is a chromium recommendation we skip otherwise (readable screenshots);
# xz-utils packs the first parts of the app's wasm (scripts/trunk-post-build.mjs).
APT_PACKAGES=(clang llvm chromium chromium-driver sqlite3 zip unzip fonts-liberation xz-utils)

say() { printf '  %-10s %s\n' "$1" "$2"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- apt ----------------------------------------------------------------------------------------
installed_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for pkg in "${APT_PACKAGES[@]}"; do installed_pkg "$pkg" || missing+=("$pkg"); done
# Node and npm: any node >= 18 will do (Debian's is 18); keep one that is already there.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for pkg in "${APT_PACKAGES[@]}"; do
  if [[ " ${missing[*]} " == *" $pkg "* ]]; then say installed "$pkg (apt)"; else say present "$pkg (apt)"; fi
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "setup: node $(node --version) is too old; the tests need node 18 or newer" >&2
  exit 1
fi
if [[ " ${missing[*]} " == *" nodejs "* || " ${missing[*]} " == *" npm "* ]]; then
  say installed "node $(node --version), npm $(npm --version) (apt)"
else
  say present "node $(node --version), npm $(npm --version)"
fi

# --- Rust ---------------------------------------------------------------------------------------
if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
  echo "setup: cargo and rustup are needed (https://rustup.rs); install them, then run me again" >&2
  exit 1
fi
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say present "rust target wasm32-unknown-unknown"
else
  rustup target add wasm32-unknown-unknown >/dev/null
  say installed "rust target wasm32-unknown-unknown"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly. No --locked: its lock
# file names a crate version the registry here lacks.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$bindgen_version" ]; then
  echo "setup: found no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $bindgen_version" ] &&
  command -v wasm-bindgen-test-runner >/dev/null; then
  say present "wasm-bindgen-cli $bindgen_version"
else
  echo "  installing wasm-bindgen-cli $bindgen_version (cargo install, a few minutes)…"
  cargo install -q --force wasm-bindgen-cli --version "$bindgen_version"
  say installed "wasm-bindgen-cli $bindgen_version"
fi
if ! grep -q "^wasm_bindgen = \"$bindgen_version\"" Trunk.toml; then
  echo "setup: Trunk.toml [tools] wasm_bindgen must be \"$bindgen_version\" (as in Cargo.lock)" >&2
  exit 1
fi

# trunk 0.21.14 with --locked: 0.22 needs a newer rustc, and without --locked 0.21 does not build.
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  say present "trunk $TRUNK_VERSION"
else
  echo "  installing trunk $TRUNK_VERSION (cargo install, ~10 minutes on 2 cores)…"
  cargo install -q --force trunk --version "$TRUNK_VERSION" --locked
  say installed "trunk $TRUNK_VERSION"
fi

# --- npm ----------------------------------------------------------------------------------------
if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
  say present "wasm-opt (binaryen@$BINARYEN_VERSION)"
else
  sudo_if_needed npm install -g --silent --no-fund --no-audit "binaryen@$BINARYEN_VERSION" >/dev/null
  hash -r
  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
    echo "setup: wasm-opt on PATH is $(command -v wasm-opt) ($(wasm-opt --version 2>&1)), want version $BINARYEN_VERSION;" \
      "remove the other one (Debian's binaryen?)" >&2
    exit 1
  fi
  say installed "wasm-opt (binaryen@$BINARYEN_VERSION)"
fi

# playwright-core for the end-to-end tests (it never downloads a browser by itself), axe-core for
# their accessibility checks, csv-spectrum for the CSV reader's tests, sql.js and sqlite.org's
# wasm build for the query benchmark's references (tests/bench/); CodeMirror and esbuild for the SQL editor's bundle
# (scripts/build-editor.mjs, run by Trunk); xz-decompress, which the app's loaders unpack the
# first parts of its wasm with (copied into dist/ by index.html).
lock_stamp=node_modules/.package-lock.json
npm_ready=yes
for package in playwright-core axe-core csv-spectrum sql.js @sqlite.org/sqlite-wasm esbuild @codemirror/view @codemirror/lang-sql xz-decompress; do
  [ -d "node_modules/$package" ] || npm_ready=no
done
if [ -f "$lock_stamp" ] && [ "$npm_ready" = yes ] && [ ! package-lock.json -nt "$lock_stamp" ]; then
  say present "npm packages (package-lock.json)"
else
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-fund --no-audit
  say installed "npm packages (package-lock.json)"
fi
