/* fuzz.h: the entry point every fuzz target defines (libFuzzer's), called by
 * libFuzzer or by replay.c over a corpus. */
#ifndef MC_FUZZ_H
#define MC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
