/* track.c: see casetrack.h. (Being written.) */
#include "casetrack.h"

const mc_route ct_track_routes[] = {{NULL}};
