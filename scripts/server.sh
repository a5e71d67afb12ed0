#!/usr/bin/env bash
# The registry server's run command: a PostgreSQL (DATABASE_URL's; else the machine's when one
# answers on 127.0.0.1:5432; else Debian's, installed and started here), the `shotbook`
# database, migrations, the demo organizations and users (once), then the server.
#
#   ./scripts/server.sh                       # https://127.0.0.1:8443 (SHOTBOOK_LISTEN)
#   DATABASE_URL=postgres://… ./scripts/server.sh
#
# HTTPS with a development certificate made in memory at each start; only the certificate (the
# public part, for clients to trust) is written, to .dev/registry-certificate.pem. Access tokens
# use SHOTBOOK_TOKEN_KEY when set, else a key made for this start (the environment, never a file).
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

mkdir -p "$ROOT/.dev"
CERT="$ROOT/.dev/registry-certificate.pem"
if [ -z "${SHOTBOOK_TOKEN_KEY:-}" ]; then
  SHOTBOOK_TOKEN_KEY="$("$BIN" new-token-key)"
  export SHOTBOOK_TOKEN_KEY
fi

# Development mail: without a relay of your own, a local SMTP sink (Python's smtpd debugging
# server, loopback only) writes every message the registry sends to .dev/mail.log.
if [ -z "${SHOTBOOK_SMTP_URL:-}" ] && python3 -c 'import smtpd' 2>/dev/null; then
  python3 -W ignore -m smtpd -n -c DebuggingServer 127.0.0.1:2525 >> "$ROOT/.dev/mail.log" 2>&1 &
  SMTP_SINK=$!
  trap 'kill $SMTP_SINK 2>/dev/null || true' EXIT
  export SHOTBOOK_SMTP_URL="smtp://127.0.0.1:2525"
  MAIL_NOTE="Mail (agreement codes, credentials): $ROOT/.dev/mail.log"
else
  MAIL_NOTE="Mail goes to SHOTBOOK_SMTP_URL (unset: it waits in the queue)"
fi

print_demo_logins
cat <<INFO
  Registry server: https://$LISTEN  (self-signed development certificate: $CERT)
    curl --cacert $CERT https://$LISTEN/ready
    curl --cacert $CERT https://$LISTEN/v1/sign-in -H 'content-type: application/json' -d '{"organizationCode":"TX0001","username":"tx.provider","password":"Shotbook-Demo-2026","acceptConfidentiality":true,"device":{"name":"my-pc","publicKey":"<Ed25519 public key, base64url>"}}'
  $MAIL_NOTE
  Metrics (Prometheus): http://127.0.0.1:9464/metrics
  JSON logs on standard output, free of client data.

INFO
step "serving (ctrl-c stops)"
"$BIN" serve --listen "$LISTEN" --dev-certificate "$CERT" --metrics-listen 127.0.0.1:9464
