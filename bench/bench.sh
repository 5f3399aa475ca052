#!/bin/bash
# bench.sh: `make bench`. wrk on loopback against a page protected by
# mod_mocourts and the same static file unprotected, served by one private
# Apache + MariaDB started for the run (bench/bench.py); prints req/s of
# both and their ratio. Options go to bench.py (--duration, --threads,
# --connections).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    echo "bench.sh: wrk is not installed (run scripts/deps.sh)" >&2
    exit 1
fi
"${PYTHON:-/usr/bin/python3}" bench/bench.py "$@"
# eFiling: a 100 MB PDF upload (throughput, the Apache child's RSS growth).
exec "${PYTHON:-/usr/bin/python3}" bench/upload.py
