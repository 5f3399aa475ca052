/* envelope.c: see efiling.h. (Being written.) */
#include "efiling.h"

const mc_route ef_envelope_routes[] = {{NULL}};
