#!/bin/bash
# profile.sh PAGE [--quick] [--requests N] [--top N] [--perf [--callgraph]]:
# where one page's time goes (bench/profile.py): a single-process Apache
# (apache2 -X) under valgrind --tool=callgrind for N requests of the page
# (instruction counts: repeatable), or with --perf, perf record of Apache and
# MariaDB under wrk. Uses var/bench-db (the full import of `make bench`)
# unless --quick. --list names the pages. BUILD=dir profiles that build.
set -euo pipefail
cd "$(dirname "$0")/.."
B="${BUILD:-build}"
case "$B" in /*) MC_BUILD_DIR="$B" ;; *) MC_BUILD_DIR="$PWD/$B" ;; esac
export MC_BUILD_DIR
if [ ! -e "$MC_BUILD_DIR/mod_mocourts.so" ]; then
    echo "profile.sh: $MC_BUILD_DIR/mod_mocourts.so does not exist: run make first" >&2
    exit 1
fi
exec "${PYTHON:-/usr/bin/python3}" bench/profile.py "$@"
