# Sourced by the other scripts: paths and tool locations shared by run, test and CI.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.local/bin:$HOME/.cargo/bin:$PATH"
# Build outputs may live outside the clone (CI keeps one warm target dir across clean clones).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
APP_BIN="$CARGO_TARGET_DIR/debug/shotbook-app"
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
build_ui() { (cd "$ROOT/ui" && npm run --silent build); }
build_app() { build_ui && cargo build -p shotbook-app; }
