#!/usr/bin/env bash
# Starts the desktop app as a workstation of the registry server that scripts/server.sh runs:
# sign-in goes to the registry (demo users, password Shotbook-Demo-2026), and a database of its
# own (.dev/workstation-NAME.sqlite, encrypted) becomes the replica of the user's organization.
#
#   ./scripts/server.sh            # in one terminal
#   ./scripts/workstation.sh       # in another (NAME defaults to front-desk; run a second one
#                                  # with another NAME to see a dose reach it)
#
# The registry's address is SHOTBOOK_REGISTRY (default https://127.0.0.1:8443) and the
# certificate to trust is the development one server.sh wrote. The database key comes from the
# operating system's credential store, or SHOTBOOK_DATABASE_KEY on a machine without one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
NAME="${1:-front-desk}"
REGISTRY="${SHOTBOOK_REGISTRY:-https://127.0.0.1:8443}"
CERT="$ROOT/.dev/registry-certificate.pem"
"$ROOT/scripts/setup.sh"
step "building the app"
build_app
if [ ! -f "$CERT" ]; then
  echo "No $CERT: start the registry first with ./scripts/server.sh" >&2
  exit 1
fi
mkdir -p "$ROOT/.dev"
step "starting Shotbook as workstation $NAME of $REGISTRY"
HOSTNAME="$NAME" exec "$APP_BIN" --db "$ROOT/.dev/workstation-$NAME.sqlite" \
  --registry "$REGISTRY" --registry-certificate "$CERT"
