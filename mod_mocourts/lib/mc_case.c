/* mc_case.c: see mc_case.h. (Being written.) */
#include "mc_case.h"

apr_status_t mc_case_docket_add(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                const mc_docket_entry *e, long long *entry_id, long long *queued)
{
    return APR_ENOTIMPL;
}

apr_status_t mc_case_set_confidential(mc_db *db, long long case_id, int on)
{
    return APR_ENOTIMPL;
}

apr_status_t mc_case_tasks(mc_db *db, apr_pool_t *p, const mc_case_env *env, apr_time_t now,
                           int digest_minute, mc_case_task_counts *n)
{
    return APR_SUCCESS;
}
