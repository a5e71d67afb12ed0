#!/usr/bin/env bash
# The test command: installs what is missing, then runs every check and every test, including
# the end-to-end suite in the real app. Fails on the first red step.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"

step "rustfmt"
cargo fmt --all --check

step "UI build (embedded into the app)"
build_ui

step "clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (nextest) and doctests"
# The registry server's tests create a PostgreSQL database each (SHOTBOOK_TEST_PG_URL).
if [ -z "${SHOTBOOK_TEST_PG_URL:-}" ]; then
  ensure_postgres
  export SHOTBOOK_TEST_PG_URL="$PG_SERVER_URL/postgres"
fi
cargo nextest run --workspace --exclude shotbook-app --locked --no-fail-fast
cargo test --workspace --exclude shotbook-app --doc --locked

step "dependency rules (cargo tree): each layer links only what it may"
# forbid CRATE REGEX WHY: fails when CRATE's normal (non-dev) dependency tree names a crate
# matching REGEX.
forbid() {
  local crate="$1" pattern="$2" why="$3" found
  found="$(cargo tree -p "$crate" -e normal --prefix none --locked | sed 's/ .*//' | sort -u | grep -E "^($pattern)$" || true)"
  if [ -n "$found" ]; then
    echo "$crate must not depend on: $(echo $found) ($why)" >&2; exit 1
  fi
}
HOSTS='sqlx|sqlx-core|libsqlite3-sys|tauri|specta|keyring|lettre|printpdf|axum'
forbid shotbook-core "tauri|sqlx|tokio|printpdf|shotbook-(protocol|usecases|store|api|synth|print|forecast)" "the core is pure: no IO, no other crate of ours"
forbid shotbook-protocol "$HOSTS|tokio|shotbook-(store|usecases|api|synth)" "the sync contract is serde only"
forbid shotbook-usecases "$HOSTS|tokio|shotbook-(store|api|synth|print)" "use cases are host-free"
forbid shotbook-hl7 "$HOSTS|tokio|shotbook-(store|server-store|usecases|api|synth|print|protocol)" "HL7 v2 messages are pure: parsed and built with no IO, no async, no host"
forbid shotbook-api "tauri|shotbook-synth" "the desktop host is Tauri-free and links no demo generator"
forbid shotbook-server-store "libsqlite3-sys|tauri|specta|keyring|axum|shotbook-(store|api|synth)" "only PostgreSQL: the server's database adapter links no SQLite and no host"
forbid shotbook-server "libsqlite3-sys|tauri|specta|keyring|shotbook-(store|api)" "the registry server links no SQLite and never the desktop host"
forbid shotbook-reports "$HOSTS|tokio|shotbook-(store|usecases|api|synth|print|protocol|server|server-store)" "coverage and school rules are pure: no IO, no host, no async"
forbid shotbook-sync "tauri|specta|keyring|axum|axum-server|lettre|shotbook-(api|server|server-store|synth)" "the sync engine is headless: the replica store, the contract and HTTPS only"
echo "core, protocol, usecases, api, server-store, server, reports and sync keep their dependency rules"

step "desktop app build (and the registry server the sync e2e test runs)"
cargo build -p shotbook-app -p shotbook-server --locked

step "TypeScript bindings are current"
GENERATED="$(mktemp --suffix .ts)"
"$APP_BIN" --export-bindings "$GENERATED"
if ! diff -u "$ROOT/ui/src/lib/api/bindings.ts" "$GENERATED"; then
  echo "ui/src/lib/api/bindings.ts is stale: run scripts/bindings.sh and commit it" >&2; exit 1
fi

step "UI checks: svelte-check, eslint, prettier, vitest"
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test)

step "end-to-end tests in the real app (tauri-driver + WebKitWebDriver under Xvfb)"
"$ROOT/tests/e2e/run.sh" "$APP_BIN"

step "fuzzing: every parser target for a bounded time (scripts/fuzz.sh short)"
# The instrumented build is cached in CARGO_TARGET_DIR like the rest; the run itself is
# targets × SHOTBOOK_FUZZ_SECONDS (default 10 s each). A crash fails the test command and keeps
# the input in fuzz/work/artifacts/.
"$ROOT/scripts/fuzz.sh" short "${SHOTBOOK_FUZZ_SECONDS:-10}"

step "all green"
