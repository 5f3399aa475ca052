/* probe.h: the probe test plugin's parts. */
#ifndef PROBE_H
#define PROBE_H
#include "mocourts.h"

/* probe_api.c: its JSON API routes (ABI 1.16). */
extern const mc_route probe_api_routes[];
#endif
