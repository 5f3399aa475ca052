/* recovery.c: see registration.h. */
#include "registration.h"

const mc_route mc_reg_recovery_routes[] = {{NULL}};
