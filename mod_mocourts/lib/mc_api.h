/* mc_api.h: MC_API marks what the core module exports, which is exactly
 * what the plugin ABI (mocourts.h) promises. Everything else in
 * mod_mocourts.so is built with -fvisibility=hidden and cannot be linked
 * against. The exported names are listed in mod_mocourts/abi-1.N.symbols;
 * `make test` (tests/integration/test_abi_symbols.py) fails when the module
 * exports anything else, or when a plugin imports an mc_* name outside it. */
#ifndef MC_API_H
#define MC_API_H

#define MC_API __attribute__((visibility("default")))

#endif
