#!/usr/bin/env bash
# Installs everything Shotbook needs to build, run and test, and nothing twice.
# Idempotent: a second run on a prepared machine takes a few seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# 1. Debian packages: Tauri's WebKitGTK prerequisites, plus Xvfb and WebKitWebDriver for e2e
#    poppler-utils (pdftotext/pdftoppm: the record tests read the PDFs), zbar-tools (zbarimg
#    decodes the record's QR code in tests) and cups-client (lp/lpstat: printing).
APT_PACKAGES=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev libssl-dev build-essential pkg-config file curl
  xvfb xauth webkit2gtk-driver x11-apps imagemagick fonts-dejavu-core
  poppler-utils zbar-tools cups-client)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 \
    --no-install-recommends "${missing[@]}"
fi

# 2. Cargo tools: tauri-driver (WebDriver bridge for the real webview).
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver 2.x"
  cargo install tauri-driver --locked --version '^2' --root "$HOME/.local"
fi
command -v cargo-nextest >/dev/null 2>&1 || { log "installing cargo-nextest"; cargo install cargo-nextest --locked; }

# 3. npm packages for the UI and the e2e suite (reinstalled only when the lock file changed).
install_npm() {
  local dir="$1"
  local stamp="$dir/node_modules/.shotbook-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
install_npm "$ROOT/ui"
install_npm "$ROOT/tests/e2e"
log "ready"
