/* signup.c: see registration.h. */
#include "registration.h"

const mc_route mc_reg_signup_routes[] = {{NULL}};
