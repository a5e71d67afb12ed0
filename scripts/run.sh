#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts Shotbook on the demo registry.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
step "building the app"
build_app
print_demo_logins
echo '  Try: sign in as TX0001 / tx.provider, Search client, last name Martinez, DOB 03/14/2019.'
echo
step "starting Shotbook (first start creates the demo database; later starts reuse it)"
exec "$APP_BIN" --demo "$@"
