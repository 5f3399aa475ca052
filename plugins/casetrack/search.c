/* search.c: see casetrack.h. (Being written.) */
#include "casetrack.h"

const mc_route ct_search_routes[] = {{NULL}};
