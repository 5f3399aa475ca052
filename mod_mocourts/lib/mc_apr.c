/* mc_apr.c: see mc_apr.h. */
#include "mc_apr.h"

void mc_pool_clear(apr_pool_t **pp)
{
    if (*pp)
        apr_pool_destroy(*pp);
    *pp = NULL;
}
