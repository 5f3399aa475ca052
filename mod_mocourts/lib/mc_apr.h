/* mc_apr.h: small APR helpers the core's files share. Not part of the ABI:
 * nothing here is MC_API. */
#ifndef MC_APR_H
#define MC_APR_H

#include <apr_pools.h>

/* Destroys *pp when it is set, and forgets it (*pp NULL). */
void mc_pool_clear(apr_pool_t **pp);

#endif
