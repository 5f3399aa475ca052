#!/bin/bash
# bench.sh: `make bench`. One private Apache + MariaDB + SMTP sink for the
# run (bench/bench.py): the protected page against the static file, then
# Case.net (1,000,000 cases, 3,000,000 parties: import rate and peak
# memory, a docket entry on a case tracked by 100,000 accounts and the
# delivery of its notices), every kind of dynamic page at 16 connections as a
# ratio to the static file with its CPU time per request (bench/pages.py);
# the tables of every figure at the end. Options go to bench.py (--quick for
# small sizes, --fresh, --duration, --threads, --connections, --pages,
# ...). BUILD=dir (as `make bench BUILD=dir` passes it) measures that build
# instead of build/.
set -euo pipefail
cd "$(dirname "$0")/.."
B="${BUILD:-build}"
case "$B" in /*) MC_BUILD_DIR="$B" ;; *) MC_BUILD_DIR="$PWD/$B" ;; esac
export MC_BUILD_DIR
for tool in wrk /usr/bin/time; do
    if ! command -v "$tool" >/dev/null; then
        echo "bench.sh: $tool is not installed (run scripts/deps.sh)" >&2
        exit 1
    fi
done
# The docket-entry timer links the library the module is built from.
PKGS="libmariadb libsodium libxml-2.0 apr-1 apr-util-1 zlib jansson libcurl"
make -s BUILD="$B" "$B/libmc.a" "$B/bench/docket_bench.o"
if [ ! "$B/docket_bench" -nt "$B/bench/docket_bench.o" ] || [ ! "$B/docket_bench" -nt "$B/libmc.a" ]; then
    # shellcheck disable=SC2046
    "${CC:-cc}" -o "$B/docket_bench" "$B/bench/docket_bench.o" "$B/libmc.a" \
        $(pkg-config --libs $PKGS)
fi
"${PYTHON:-/usr/bin/python3}" bench/bench.py "$@"
# eFiling: a 100 MB PDF upload (throughput, the Apache child's RSS growth;
# --quick: 20 MB).
UPLOAD_ARGS=()
CLUSTER=1
for a in "$@"; do
    [ "$a" = --quick ] && UPLOAD_ARGS=(--quick)
    [ "$a" = --no-cluster ] && CLUSTER=0
done
"${PYTHON:-/usr/bin/python3}" bench/upload.py "${UPLOAD_ARGS[@]}"
# Issue 15: one and two Apache nodes on a 3-node Galera cluster (--no-cluster
# leaves it out).
if [ "$CLUSTER" = 1 ]; then
    exec "${PYTHON:-/usr/bin/python3}" bench/cluster.py
fi
