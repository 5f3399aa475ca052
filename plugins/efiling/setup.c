/* setup.c: see efiling.h. (Being written.) */
#include "efiling.h"

const mc_route ef_setup_routes[] = {{NULL}};
