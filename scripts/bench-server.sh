# Sourced by the benchmarks that load the release server: a port, a start that waits for the
# precompressed assets, databases named for their part of the run, and clean-up. Load goes to
# 127.0.0.1 only.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_build_tools
ensure_wasm_opt
cd "$ROOT"

cargo leptos build --release --split >/dev/null 2>&1 || { echo "release build failed" >&2; exit 1; }
server="$CARGO_TARGET_DIR/release/server"

# Builds a load generator (server/examples/NAME) with the flags cargo-leptos builds the release
# server with, so that it shares its build; prints its path.
load_generator() {
  RUSTFLAGS="--cfg erase_components" cargo build --release -p server --example "$1" 2>&1 | tail -1 >&2
  echo "$CARGO_TARGET_DIR/release/examples/$1"
}

work="$(mktemp -d)"
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$1" "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=""
}
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
# Every simulated person comes from 127.0.0.1: the per-address limit must let them all in.
export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$ROOT/target/site" \
  ATTEMPTS_PER_ADDRESS_PER_MINUTE=1000000 RUST_LOG="${RUST_LOG:-warn}"

serve() {
  "$server" serve >>"$work/server.log" 2>&1 &
  pid=$!
  until curl -fs "$url/healthz" >/dev/null; do sleep 0.01; done
}

# The first start after a build writes the Brotli and gzip copies of the new assets, at
# Brotli's highest quality, on one of the two cores for a while: measuring during that measures
# the compressor too. One start that waits for the copies (at most five minutes), before any load.
precompressed() {
  DATABASE_URL="sqlite:$work/precompress.db" RUST_LOG=info "$server" serve >"$work/precompress.log" 2>&1 &
  local warm=$!
  for _ in $(seq 600); do
    grep -q "assets precompressed" "$work/precompress.log" && break
    sleep 0.5
  done
  kill "$warm" 2>/dev/null || true
  wait "$warm" 2>/dev/null || true
}
precompressed

# A new, migrated database on an engine, named for its part of the run: DATABASE_URL names it.
pg_dbs=()
database() {
  if [ "$1" = sqlite ]; then
    export DATABASE_URL="sqlite:$work/$2.db"
  else
    local db="clusterpolisee_bench_$2_$$"
    psql -h 127.0.0.1 -U postgres -qc "create database $db" postgres
    pg_dbs+=("$db")
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
  fi
  "$server" migrate >/dev/null
}
trap 'stop -TERM; rm -rf "$work"; for db in "${pg_dbs[@]}"; do psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" postgres; done' EXIT
