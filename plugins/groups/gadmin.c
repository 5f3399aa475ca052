/* gadmin.c: see groups.h. */
#include "groups.h"

const mc_route mc_grp_admin_routes[] = {{NULL}};

apr_status_t mc_grp_outbox_cc(mc_db *db, long long account_id, char *buf, apr_size_t len)
{
    apr_pool_t *p;
    mc_dbres *res;
    apr_status_t rv;
    apr_size_t used = 0;
    int i;
    buf[0] = '\0';
    if ((rv = apr_pool_create(&p, NULL)) != APR_SUCCESS)
        return rv;
    /* The active administrators of the group the account is a user of. */
    rv = mc_db_query(db, p, &res,
                     "SELECT a.email FROM mc_group_member u JOIN mc_group_member m ON "
                     "m.group_id = u.group_id AND m.is_admin = 1 AND m.account_id <> u.account_id "
                     "JOIN mc_account a ON a.id = m.account_id AND a.status = 'active' "
                     "WHERE u.account_id = ? AND u.is_admin = 0 ORDER BY a.id",
                     "i", account_id);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++) {
        const char *e = mc_dbres_get(res, i, 0);
        if (used + strlen(e) + 3 >= len)
            break;
        used += apr_snprintf(buf + used, len - used, "%s%s", used ? ", " : "", e);
    }
    apr_pool_destroy(p);
    return rv;
}

const char *mc_grp_after_logon(mc_req *mr, mc_db *db)
{
    mc_dbres *res;
    if (!mc_has_role(mr, "group_admin"))
        return NULL;
    if (mc_db_query(db, mr->r->pool, &res,
                    "SELECT 1 FROM mc_reg_subscription WHERE account_id = ? AND application = "
                    "'efiling'",
                    "i", mr->account->id) != APR_SUCCESS ||
        res->nrows == 0)
        return NULL;
    return "admin";
}
