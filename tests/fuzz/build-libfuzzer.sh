#!/bin/sh
# Build every tests/fuzz/fuzz_*.c as a libFuzzer binary with ASan and UBSan:
#   tests/fuzz/build-libfuzzer.sh [OUTDIR]     (default: build/fuzz)
# then run one, e.g.:
#   build/fuzz/fuzz_multipart -max_total_time=60 tests/fuzz/corpus/multipart
# The library sources a target needs are compiled into it, instrumented
# (a module's files by its prefix, so that a split file is not left out).
# Without clang there is nothing to do: say so and succeed.
set -eu

cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
    echo "build-libfuzzer.sh: clang is not installed; skipping the libFuzzer build" >&2
    exit 0
fi

OUT=${1:-build/fuzz}
PKGS="libsodium libxml-2.0 apr-1 apr-util-1 zlib"
CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
 -fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE \
 -Imod_mocourts -Imod_mocourts/lib -Iplugins/casetrack/lib -Iplugins/efiling/lib $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lpthread"
LIB="mod_mocourts/lib"

mkdir -p "$OUT"
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    case "$name" in
        fuzz_form|fuzz_cookie) deps="$LIB/mc_form.c" ;;
        fuzz_multipart) deps="$LIB/mc_multipart.c" ;;
        fuzz_route) deps="$LIB/mc_route.c" ;;
        fuzz_tmpl_vars) deps="$(echo $LIB/mc_tmpl*.c) $LIB/mc_log.c" ;;
        fuzz_feed) deps="$(echo plugins/casetrack/lib/mc_feed*.c)" ;;
        fuzz_pdf) deps="$(echo plugins/efiling/lib/mc_pdf*.c)" ;;
        *) deps="$LIB/mc_form.c $LIB/mc_multipart.c $(echo $LIB/mc_tmpl*.c) $LIB/mc_log.c" ;;
    esac
    echo "clang -> $OUT/$name"
    # shellcheck disable=SC2086
    clang $CFLAGS -o "$OUT/$name" "$src" $deps $LIBS
done
echo "built: $(ls "$OUT" | tr '\n' ' ')"
