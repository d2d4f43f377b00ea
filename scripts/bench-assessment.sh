#!/usr/bin/env bash
# Policy assessment benchmark: simulated respondents (server/examples/assessment_load/)
# answer a round over HTTP against the release server, on SQLite and on PostgreSQL, at 10, 50
# and 200 at once, without JavaScript (section forms) and as the hydrated page autosaves; the
# comparison (benchmark) page of a round among 100 rounds of 30 respondents; the
# SQL statements one section page runs; and the SIGKILL drill (kill the server in the middle
# of a load of saves, restart it, check that every acknowledged answer is there).
#   scripts/bench-assessment.sh
# Load goes to 127.0.0.1 only. Prints lines to copy into BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/bench-server.sh"
ensure_chromium
ensure_e2e_packages
load="$(load_generator assessment_load)"

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
