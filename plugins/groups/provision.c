/* provision.c: see groups.h. */
#include "groups.h"

const mc_route mc_grp_provision_routes[] = {{NULL}};
