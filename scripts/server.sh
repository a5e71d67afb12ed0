#!/usr/bin/env bash
# The registry server's run command: a PostgreSQL (DATABASE_URL's; else the machine's when one
# answers on 127.0.0.1:5432; else Debian's, installed and started here), the `shotbook`
# database, migrations, the demo organizations and users (once), then the server.
#
#   ./scripts/server.sh                       # listens on 127.0.0.1:8443 (SHOTBOOK_LISTEN)
#   DATABASE_URL=postgres://… ./scripts/server.sh
#
# Plain HTTP on loopback for now; HTTPS (rustls) comes with the desktop-facing API.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
LISTEN="${SHOTBOOK_LISTEN:-127.0.0.1:8443}"

if [ -n "${DATABASE_URL:-}" ]; then
  step "using DATABASE_URL"
else
  ensure_postgres
  DATABASE_URL="$PG_SERVER_URL/shotbook"
fi
export DATABASE_URL

step "building the registry server"
cargo build -p shotbook-server
BIN="$CARGO_TARGET_DIR/debug/shotbook-server"

step "migrating (the shotbook database is created when missing) and seeding the demo"
"$BIN" migrate --create-database
"$BIN" seed-demo

print_demo_logins
cat <<INFO
  Registry server: http://$LISTEN  (GET /health, GET /ready; JSON logs on standard output)

INFO
step "serving (ctrl-c stops)"
exec "$BIN" serve --listen "$LISTEN"
