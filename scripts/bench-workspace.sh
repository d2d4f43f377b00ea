#!/usr/bin/env bash
# Workspace benchmark (server/examples/workspace_load/): a partnership of 200 workspaces, 5,000
# members and about 100,000 posts (one thread of 2,000) is written into a new database; then,
# against the release server, on SQLite and on PostgreSQL, 50 signed-in members read their
# workspace's home and the long thread's first page (whole server-rendered pages) all at once,
# reply all at once, and one shares and downloads files of 20, 20 and 80 MB while the server's
# memory is sampled (uploads up to 100 MB are let in for it).
#   scripts/bench-workspace.sh
# Load goes to 127.0.0.1 only. Prints lines to copy into BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/bench-server.sh"
load="$(load_generator workspace_load)"
export DOCUMENTS_URL="$work/documents"
export MAX_UPLOAD_BYTES=$((100 * 1024 * 1024))

for engine in sqlite postgres; do
  echo "## $engine"
  database "$engine" workspaces
  "$load" --seed | sed 's/^/- /'
  serve
  "$load" --url "$url" --server-pid "$pid" | grep -v '^warm-up' | sed 's/^/- /'
  stop -TERM
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%F)"
