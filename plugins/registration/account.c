/* account.c: see registration.h. */
#include "registration.h"

const mc_route mc_reg_account_routes[] = {{NULL}};

/* Missing Information (seed 000 steps 10-11): an account lacking required
 * items goes there after logon. */
const char *mc_reg_after_logon(mc_req *mr, mc_db *db)
{
    mc_reg_profile pr;
    if (mc_reg_profile_load(db, mr->r->pool, mr->account->id, &pr) != APR_SUCCESS)
        return NULL;
    return mc_reg_profile_missing(mr->r->pool, &pr)->nelts ? "missing" : NULL;
}
