#!/usr/bin/env bash
# Serves the Stepwise web app on http://127.0.0.1:8080 with the sample workshops built from
# samples/ and ready to download from the page. Rebuilds when the sources change.
#
#   scripts/serve.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

echo "== setup"
scripts/setup.sh

echo "== sample workshops"
if ! scripts/build-samples.sh target/stepwise-samples; then
  echo "  Some sample workshops could not be built (see above); the app is served without them."
fi

echo "== serving the app on http://127.0.0.1:8080 (Ctrl-C stops)"
exec trunk serve --offline --address 127.0.0.1 --port 8080
