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
cargo nextest run --workspace --exclude shotbook-app --locked --no-fail-fast
cargo test --workspace --exclude shotbook-app --doc --locked

step "dependency rule: the core stays free of Tauri, sqlx and IO crates"
if cargo tree -p shotbook-core -e normal --prefix none | grep -E '^(tauri|sqlx|tokio|printpdf) ' ; then
  echo "shotbook-core must not depend on the crates above" >&2; exit 1
fi

step "desktop app build"
cargo build -p shotbook-app --locked

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

step "all green"
