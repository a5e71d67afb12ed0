#!/usr/bin/env bash
# Runs the end-to-end suite against a built app binary in the real WebKitGTK webview, under Xvfb,
# on a throw-away demo database. Usage: tests/e2e/run.sh /abs/path/to/shotbook-app [FILE.test.mjs …]
# (every test file when none is named).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP="$(realpath "$1")"
shift
FILES="${*:-./*.test.mjs}"
export PATH="$HOME/.local/bin:$HOME/.cargo/bin:$PATH"
TMP="$(mktemp -d)"
# The app may still be writing its shader cache as it exits: retry, never fail the run on it.
trap 'rm -rf "$TMP" 2>/dev/null || { sleep 2; rm -rf "$TMP" 2>/dev/null; } || true' EXIT
# The app inherits its environment from tauri-driver, so everything it needs is exported here.
export XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache" XDG_CONFIG_HOME="$TMP/config"
export SHOTBOOK_DB="$TMP/e2e-demo.sqlite" SHOTBOOK_E2E_APP="$APP"
# The registry server the sync test starts (built next to the app by the test command).
export SHOTBOOK_E2E_SERVER="${SHOTBOOK_E2E_SERVER:-$(dirname "$APP")/shotbook-server}"
# The e2e database is the demo registry, encrypted with the public demo key
# (DEMO_KEY_HEX in crates/store/src/at_rest.rs). One test opens it as a real registry (no
# --demo); this machine has no credential store, so that launch is given the key explicitly, as a
# managed deployment would be. Launches with --demo use the demo key whatever this says.
export SHOTBOOK_DATABASE_KEY=5d1f0c3a9be24e7781c6a3f05b2d94e8c07a6f13e95b48d2a1c37e60f4b8d925
# The demo's embedded mail default writes .eml files next to the database.
export SHOTBOOK_E2E_OUTBOX="$TMP/outbox"
# Answers for the native file dialogs, which WebDriver cannot drive (src-tauri/src/dialog.rs):
# "Save as PDF…" writes here, "Open a PDF…" on Verify a record opens the same file.
export SHOTBOOK_TEST_SAVE_PATH="$TMP/saved-record.pdf" SHOTBOOK_TEST_OPEN_PATH="$TMP/saved-record.pdf"
export SHOTBOOK_TEST_FOLDER="$TMP/batch"
# Free ports, so a second run on the machine (another checkout, a developer) does not collide.
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
export TAURI_DRIVER_PORT="${TAURI_DRIVER_PORT:-$(free_port)}"
export NATIVE_DRIVER_PORT="${NATIVE_DRIVER_PORT:-$(free_port)}"
rm -f "$HERE"/screenshots/*.png

xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$NATIVE_DRIVER_PORT" > "'"$TMP"'/tauri-driver.log" 2>&1 &
  DRIVER=$!
  trap "kill $DRIVER 2>/dev/null || true" EXIT
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT) 2>/dev/null && break; sleep 0.1; done
  cd "'"$HERE"'" && npm test --silent -- '"$FILES"'

' || {
  # Everything that can explain a lost session (an app panic, a web process that died) may be
  # far above the last lines: show those first, then the tail.
  echo "--- tauri-driver log: panics, errors, crashes ---"
  grep -n -i -E "panicked|error|crash|signal|abort|terminated|WebProcess" "$TMP/tauri-driver.log" | grep -v "credential store is not available" | tail -40 || true
  echo "--- tauri-driver log (last lines) ---"; tail -50 "$TMP/tauri-driver.log" || true; exit 1; }
echo "e2e screenshots: $HERE/screenshots"
