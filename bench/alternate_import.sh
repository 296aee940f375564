#!/bin/bash
# The import of the same 1M-row CSV, alternately by an earlier version of the code and by this
# checkout, so that both see the same machine load: bench/bench_import.py per side and round.
#
#   git worktree add /tmp/wt-before <commit>
#   bench/alternate_import.sh /tmp/wt-before 3                      # SQLite
#   bench/alternate_import.sh /tmp/wt-before 2 postgresql+psycopg://root@127.0.0.1:5432/bench_import
#
# For PostgreSQL the database named in the URL is dropped and created before each run (psql, as root
# on 127.0.0.1). The CSV is /tmp/bench-import-1m.csv (written by bench_import.py on first use).
set -euo pipefail
before=$1
rounds=${2:-3}
store=${3:-}
here=$(cd "$(dirname "$0")/.." && pwd)
python=$here/.venv/bin/python
for round in $(seq 1 "$rounds"); do
  for side in before now; do
    if [ "$side" = before ]; then dir=$before; else dir=$here; fi
    args=(--rows 1000000 --csv /tmp/bench-import-1m.csv)
    if [ -n "$store" ]; then
      database=${store##*/}
      psql -q -h 127.0.0.1 -U root -d test -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
        -c "CREATE DATABASE $database" >/dev/null
      args+=(--store "$store")
    fi
    echo "== round $round, $side ($(uptime | sed 's/.*load/load/'))"
    # PYTHONPATH first: the worktree's packages, not the editable install of this checkout.
    (cd "$dir" && PYTHONPATH=$dir "$python" bench/bench_import.py "${args[@]}" | grep -E '^(time|rows)')
  done
done
