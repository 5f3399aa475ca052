#!/bin/bash
# bench.sh: `make bench`. One private Apache + MariaDB + SMTP sink for the
# run (bench/bench.py): the protected page against the static file, then
# Case.net (1,000,000 cases, 3,000,000 parties: import rate and peak
# memory, litigant-name search latency and throughput, a docket entry on a
# case tracked by 100,000 accounts and the delivery of its notices); one
# table of every figure at the end. Options go to bench.py (--quick for
# small sizes, --fresh, --duration, --threads, --connections, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk /usr/bin/time; do
    if ! command -v "$tool" >/dev/null; then
        echo "bench.sh: $tool is not installed (run scripts/deps.sh)" >&2
        exit 1
    fi
done
# The docket-entry timer links the library the module is built from.
PKGS="libmariadb libsodium libxml-2.0 apr-1 apr-util-1 zlib"
make -s build/libmc.a build/bench/docket_bench.o
if [ ! build/docket_bench -nt build/bench/docket_bench.o ] || [ ! build/docket_bench -nt build/libmc.a ]; then
    # shellcheck disable=SC2046
    "${CC:-cc}" -o build/docket_bench build/bench/docket_bench.o build/libmc.a \
        $(pkg-config --libs $PKGS)
fi
"${PYTHON:-/usr/bin/python3}" bench/bench.py "$@"
# eFiling: a 100 MB PDF upload (throughput, the Apache child's RSS growth).
exec "${PYTHON:-/usr/bin/python3}" bench/upload.py
