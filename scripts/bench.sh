#!/usr/bin/env bash
# Foundation benchmarks: build times, release WASM/JS sizes, start-up to ready, home page
# throughput and p99 latency at 50 connections (wrk), idle memory. Prints a Markdown table.
#   scripts/bench.sh          uses the shared target directory (incremental figures)
#   scripts/bench.sh --cold   builds in a new, empty target directory first (cold figures)
# Load goes to 127.0.0.1 only, for a bounded 10 seconds.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_build_tools
ensure_wasm_opt
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cd "$ROOT"

if [ "${1:-}" = "--cold" ]; then
  CARGO_TARGET_DIR="$(mktemp -d)"
  export CARGO_TARGET_DIR
  trap 'rm -rf "$CARGO_TARGET_DIR"' EXIT
fi

seconds() { local start=$SECONDS; "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; echo $((SECONDS - start)); }
rows=()
row() { rows+=("| $1 | $2 |"); }

row "debug build (\`cargo leptos build --split\`)" "$(seconds cargo leptos build --split) s"
row "release build (\`cargo leptos build --release --split\`)" "$(seconds cargo leptos build --release --split) s"
touch app/src/home.rs
row "debug rebuild after editing a page" "$(seconds cargo leptos build --split) s"
touch app/src/home.rs
row "release rebuild after editing a page" "$(seconds cargo leptos build --release --split) s"

pkg="$ROOT/target/site/pkg"
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
row "release WASM, main (what every page loads)" "$(size "$pkg/clusterpolisee.wasm") B raw, $(gz "$pkg/clusterpolisee.wasm") B gzip -9"
row "release WASM, lazy chunks together" "$(cat "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm | wc -c) B raw in $(ls "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm | wc -l) files"
row "release JS glue" "$(size "$pkg/clusterpolisee.js") B raw, $(gz "$pkg/clusterpolisee.js") B gzip -9"
row "CSS" "$(size "$pkg/clusterpolisee.css") B raw, $(gz "$pkg/clusterpolisee.css") B gzip -9"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DATABASE_URL="sqlite:$work/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$ROOT/target/site" RUST_LOG=warn
"$CARGO_TARGET_DIR/release/server" migrate >/dev/null
start_ns=$(date +%s%N)
"$CARGO_TARGET_DIR/release/server" serve &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
row "start-up to ready (migrated SQLite)" "$(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
sleep 1
row "idle memory (RSS)" "$(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
# The first load of the home page with a cold cache: the HTML and every asset it loads, as a
# browser accepting Brotli gets them, once the server has written its precompressed copies.
until [ -f "$pkg/clusterpolisee.wasm.gz" ] && [ -f "$pkg/clusterpolisee.css.gz" ]; do sleep 0.2; done
wire() { curl -s -H 'accept-encoding: br, gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$1"; }
at="$(curl -s "http://127.0.0.1:$port/" | grep -o '/v/[0-9a-f]*/pkg' | head -1)"
first_load=$(( $(wire /) + $(wire "$at/clusterpolisee.js") + $(wire "$at/clusterpolisee.wasm") + $(wire "$at/clusterpolisee.css") ))
for loader in "$pkg"/__wasm_split*.js; do first_load=$(( first_load + $(wire "$at/$(basename "$loader")") )); done
row "home page first load (HTML + JS + WASM + CSS, Brotli, cold cache)" "$first_load B"
"$CARGO_TARGET_DIR/release/server" demo >/dev/null
out="$(wrk -t2 -c50 -d10s --latency "http://127.0.0.1:$port/")"
rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
row "home page, 50 connections, 10 s (wrk)" "$rps req/s, p50 $p50, p99 $p99 ${errors:+($errors)}"
row "memory after the load (RSS)" "$(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
kill -TERM $pid; wait $pid 2>/dev/null || true

echo
echo "| what | figure |"
echo "|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%F)"
