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
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
LISTEN="${SHOTBOOK_LISTEN:-127.0.0.1:8443}"
log() { printf '\033[1;34m[server]\033[0m %s\n' "$*"; }

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Runs a command as the postgres OS user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# Debian's PostgreSQL: installed when missing, its newest cluster started (created when there
# is none), and a `shotbook` login whose password is this machine's development password.
debian_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    log "installing Debian's postgresql"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 \
      --no-install-recommends postgresql
  fi
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1}' | grep -qx "$version"; then
    log "creating PostgreSQL $version cluster main"
    $SUDO pg_createcluster "$version" main
  fi
  local port
  port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $3; exit}')"
  $SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do answers 127.0.0.1 "$port" && break; sleep 1; done
  local password="${SHOTBOOK_DB_PASSWORD:-shotbook-dev}"
  as_postgres psql -q -v ON_ERROR_STOP=1 -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE shotbook LOGIN CREATEDB PASSWORD %L', :'pw')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shotbook') \gexec
SQL
  DATABASE_URL="postgres://shotbook:${password}@127.0.0.1:${port}/shotbook"
}

if [ -n "${DATABASE_URL:-}" ]; then
  log "using DATABASE_URL"
elif answers 127.0.0.1 5432; then
  log "using the PostgreSQL answering on 127.0.0.1:5432"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/shotbook"
else
  debian_postgres
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
