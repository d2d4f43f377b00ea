#!/usr/bin/env bash
# Builds (release) and runs the platform on http://127.0.0.1:3000 with SQLite in ./data/.
# Extra arguments go to the server, for example: scripts/run.sh demo
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_build_tools
ensure_wasm_opt
cd "$ROOT"
cargo leptos build --release --split
export LEPTOS_SITE_ROOT="$ROOT/target/site"
exec "$CARGO_TARGET_DIR/release/server" "$@"
