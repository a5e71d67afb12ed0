#!/usr/bin/env bash
# Regenerates ui/src/lib/api/bindings.ts from the Rust commands (needs a built app: build_app).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$APP_BIN" --export-bindings "$ROOT/ui/src/lib/api/bindings.ts"
echo "wrote ui/src/lib/api/bindings.ts"
