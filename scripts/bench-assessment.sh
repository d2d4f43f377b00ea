#!/usr/bin/env bash
# Policy assessment benchmark: simulated respondents (server/examples/assessment_load/)
# answer a round over HTTP against the release server, on SQLite and on PostgreSQL, at 10, 50
# and 200 at once, without JavaScript (section forms) and as the hydrated page autosaves; the
# comparison (benchmark) page of a round among 100 rounds of 30 respondents; the
# SQL statements one section page runs; and the SIGKILL drill (kill the server in the middle
# of a load of saves, restart it, check that every acknowledged answer is there).
#   scripts/bench-assessment.sh
# Load goes to 127.0.0.1 only. Prints lines to copy into BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_build_tools
ensure_wasm_opt
ensure_chromium
ensure_e2e_packages
cd "$ROOT"

cargo leptos build --release --split >/dev/null 2>&1 || { echo "release build failed" >&2; exit 1; }
# The flags cargo-leptos builds the release server with, so that the example shares its build.
RUSTFLAGS="--cfg erase_components" cargo build --release -p server --example assessment_load 2>&1 | tail -1
load="$CARGO_TARGET_DIR/release/examples/assessment_load"
server="$CARGO_TARGET_DIR/release/server"

work="$(mktemp -d)"
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$1" "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=""
}
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
# Every simulated respondent comes from 127.0.0.1: the per-address limit must let them all in.
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

for engine in sqlite postgres; do
  database "$engine" load
  serve
  echo "## $engine"
  for at_once in 10 50 200; do
    echo "- without JavaScript: $("$load" --url "$url" --concurrency $at_once --respondents $((at_once * 4)) | tr '\n' ' ')"
  done
  echo "- autosave: $("$load" --url "$url" --concurrency 200 --respondents 200 --autosave | tr '\n' ' ')"
  stop -TERM
  # The benchmark page: a round compared with 99 others, each of 30 submitted responses.
  database "$engine" compare
  serve
  echo "- comparison: $("$load" --url "$url" --rounds 100 --respondents 30 --concurrency 30 | tr '\n' ' ')"
  stop -TERM
done

# The SQL statements of one section page view, counted from sqlx's own statement log.
database sqlite queries
: >"$work/server.log"
RUST_LOG="warn,sqlx::query=debug" serve
key="$("$load" --url "$url" --print-key)"
if [ -n "$key" ]; then
  curl -s -o /dev/null "$url/respond/$key/2"
  sleep 0.5
  before=$(grep -c 'sqlx::query' "$work/server.log")
  curl -s -o /dev/null "$url/respond/$key/2"
  sleep 0.5
  after=$(grep -c 'sqlx::query' "$work/server.log")
  echo "- SQL statements for one section page view (section 2, SQLite): $((after - before))"
  echo "- first load of a section page, empty cache (HTML, JS, WASM, CSS as Chromium receives them): $(node scripts/first-load.mjs "$url/respond/$key/2")"
  echo "- first load of the home page, the same way: $(node scripts/first-load.mjs "$url/")"
fi
stop -TERM

# The SIGKILL drill, on SQLite: kill -9 in the middle of the load, restart, verify.
export RUST_LOG=warn
database sqlite drill
serve
"$load" --url "$url" --concurrency 50 --respondents 100000 --acked "$work/acked.json" >"$work/drill.txt" 2>&1 &
loader=$!
sleep 4
stop -KILL
wait $loader || true
serve
echo "- SIGKILL drill: $(tail -1 "$work/drill.txt" | cut -c1-120 | tr '\n' ' ') … after restart: $("$load" --url "$url" --verify "$work/acked.json")"
stop -TERM

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%F)"
