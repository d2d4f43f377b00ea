#!/usr/bin/env bash
# Live workshop benchmark: simulated participants (server/examples/workshop_load/) join a
# workshop over HTTP, open their live sockets, and answer a poll the facilitator opens, with a
# presenter's socket open, against the release server, on SQLite and on PostgreSQL, with 100,
# 1,000 and 5,000 participants; then the restart drill (the server is killed while answers
# arrive and started again: sockets reopen, every acknowledged answer is counted).
#   scripts/bench-workshop.sh [sizes…]     default: 100 1000 5000
# Load goes to 127.0.0.1 only. Prints lines to copy into BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/bench-server.sh"
load="$(load_generator workshop_load)"
sizes=("${@:-100 1000 5000}")
# Each participant holds a socket open at both ends.
ulimit -n "$(ulimit -Hn)"

for engine in sqlite postgres; do
  echo "## $engine"
  for n in ${sizes[*]}; do
    database "$engine" "w$n"
    serve
    "$load" --url "$url" --participants "$n" --server-pid "$pid" | sed 's/^/    /; 1s/^    /- /'
    stop -TERM
  done
done

# The restart drill, on SQLite: SIGKILL while answers arrive, then start again at once.
database sqlite drill
serve
"$load" --url "$url" --participants 300 --think 20 >"$work/drill.txt" 2>&1 &
loader=$!
sleep 8
stop -KILL
down=$(date +%s.%N)
serve
echo "- restart drill (300 participants, killed 8 s into the run, serving again after $(python3 -c "import time; print(f'{time.time() - $down:.2f}')") s):"
wait $loader && echo "    (no loss)" || echo "    (LOSS OR ERRORS, see below)"
sed 's/^/    /' "$work/drill.txt"
stop -TERM

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%F)"
