# Sourced by the other scripts: paths and tool locations shared by run, test and CI.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.local/bin:$HOME/.cargo/bin:$PATH"
# Build outputs may live outside the clone (CI keeps one warm target dir across clean clones).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
APP_BIN="$CARGO_TARGET_DIR/debug/shotbook-app"
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
build_ui() { (cd "$ROOT/ui" && npm run --silent build); }
build_app() { build_ui && cargo build -p shotbook-app; }
# The demo registry's logins (the desktop demo and the registry server's seed-demo share them).
print_demo_logins() {
cat <<'LOGINS'

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

LOGINS
}
