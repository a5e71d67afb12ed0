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

# PostgreSQL for the registry server and its tests. `ensure_postgres` sets PG_SERVER_URL (no
# database part): the machine's server when one answers on 127.0.0.1:5432 (as `postgres`,
# trusted on loopback), else Debian's, installed and started by debian_postgres.
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Runs a command as the postgres OS user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# Debian's PostgreSQL: installed when missing, its newest cluster started (created when there
# is none), and a `shotbook` login (CREATEDB) that this cluster trusts on loopback only, as the
# build machines' own PostgreSQL trusts `postgres`: a development cluster, so no password is
# made up and written down anywhere.
debian_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    step "installing Debian's postgresql"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 \
      --no-install-recommends postgresql
  fi
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1}' | grep -qx "$version"; then
    step "creating PostgreSQL $version cluster main"
    $SUDO pg_createcluster "$version" main
  fi
  local port hba="/etc/postgresql/$version/main/pg_hba.conf"
  port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $3; exit}')"
  local rule="host all shotbook 127.0.0.1/32 trust"
  if ! $SUDO grep -qxF "$rule" "$hba"; then
    # First match wins in pg_hba.conf: the rule goes on top.
    $SUDO sed -i "1i $rule" "$hba"
  fi
  $SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
  $SUDO pg_ctlcluster "$version" main reload 2>/dev/null || true
  for _ in $(seq 1 30); do answers 127.0.0.1 "$port" && break; sleep 1; done
  as_postgres psql -q -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE shotbook LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shotbook') \gexec
SQL
  PG_SERVER_URL="postgres://shotbook@127.0.0.1:${port}"
}

ensure_postgres() {
  if answers 127.0.0.1 5432; then
    PG_SERVER_URL="postgres://postgres@127.0.0.1:5432"
  else
    debian_postgres
  fi
}
