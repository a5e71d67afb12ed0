#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts Shotbook on the demo registry.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
step "building the app"
build_app
cat <<INFO

  Shotbook demo registry: synthetic data only. Every demo account uses the password
  Shotbook-Demo-2026

    org code  username        role
    TX0001    tx.provider     Full Access Providers (Lone Star Pediatrics, Austin TX)
    TX0001    tx.supervisor   Provider Supervisor
    TXSCH1    tx.school       View Only Non-Providers (Bluebonnet Elementary, Houston TX)
    TXHSR7    tx.region       Modified Access Sub-state (Health Service Region 7)
    TXDSHS    tx.state        Full Access State
    MT0001    mt.readonly     Read Only with Consent (Big Sky Family Medicine, Billings MT)
    MT0001    mt.records      Record Maintenance
    MT0002    mt.vaccines     Vaccine Mgmt (Last Chance Pediatrics, Helena MT)
    MT0001    mt.supervisor   Authorizing Official (requests and ends access for staff)
    MTREG     mt.registry     Registry Staff (access request queue; no client records)
    TX0001    tx.float        Full Access Providers at TX0001 and TX0002 (organization portal)

  Try: sign in as TX0001 / tx.provider, Search client, last name Martinez, DOB 03/14/2019.

INFO
step "starting Shotbook (first start creates the demo database; later starts reuse it)"
exec "$APP_BIN" --demo "$@"
