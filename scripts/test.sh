#!/usr/bin/env bash
# Runs every test: formatting, clippy for both feature sets, unit and integration tests on
# SQLite and PostgreSQL, and Playwright end-to-end tests in Debian's Chromium.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_build_tools
ensure_wasm_opt
ensure_chromium
ensure_e2e_packages
cd "$ROOT"

# The same flags cargo-leptos uses for debug builds, so that tests and clippy share its
# compiled dependencies instead of building them a second time.
LEPTOS_RUSTFLAGS="--cfg erase_components"

say "formatting"
cargo fmt --all --check

say "clippy, server feature set"
RUSTFLAGS="$LEPTOS_RUSTFLAGS" cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
say "clippy, browser feature set"
RUSTFLAGS="$LEPTOS_RUSTFLAGS" cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

say "PostgreSQL"
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -d "$PG_URL" 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  sleep 2
fi
if pg_isready -q -d "$PG_URL" 2>/dev/null; then
  export TEST_POSTGRES_URL="$PG_URL"
  ENGINES="SQLite and PostgreSQL"
  echo "integration tests run on SQLite and on PostgreSQL ($PG_URL)"
elif [ "${CI:-}" = "true" ]; then
  echo "ERROR: PostgreSQL is not reachable at $PG_URL; under CI the suite needs both engines." >&2
  exit 1
else
  unset TEST_POSTGRES_URL
  ENGINES="SQLite ONLY: PostgreSQL was not reachable"
  printf '\n!!!!!!!!\n!!! PostgreSQL is not reachable at %s: integration tests run on SQLite ONLY.\n!!!!!!!!\n\n' "$PG_URL" >&2
fi

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

say "unit and integration tests"
# A hang must fail the run, not eat CI's time.
RUSTFLAGS="$LEPTOS_RUSTFLAGS" timeout 1200 cargo test -p app -p server --features app/ssr --lib --bins --tests 2>&1 | tee -a "$LOG"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

say "end-to-end tests (Playwright, Chromium, JavaScript off and on)"
# --split as in release: lazy routes import their chunks, which only a split build provides.
cargo leptos build --split
(cd end2end && E2E_PORT="$(free_port)" timeout 1500 npx playwright test) 2>&1 | tee -a "$LOG"

say "release smoke test (the build people run: release, wasm-opt, split)"
cargo leptos build --release --split
(cd end2end && E2E_BUILD=release E2E_PORT="$(free_port)" timeout 300 npx playwright test) 2>&1 | tee -a "$LOG"

# One closing line for the whole run: Rust tests and Playwright tests together.
awk -v engines="$ENGINES" '/^test result:/ { passed += $4; failed += $6 }
     /^ +[0-9]+ passed/ { passed += $1 }
     /^ +[0-9]+ failed/ { failed += $1 }
     END { printf "\n%d passed, %d failed (integration tests on %s)\n", passed, failed, engines }' "$LOG"
