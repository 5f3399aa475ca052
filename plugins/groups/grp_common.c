/* grp_common.c: see groups.h. */
#include "groups.h"

#include "apr_lib.h"

apr_status_t mc_grp_membership(mc_db *db, apr_pool_t *p, long long account_id, mc_grp_member *m,
                               int *found)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, p, &res,
        "SELECT m.group_id, g.name, g.status = 'active', m.is_admin, m.status = 'active', "
        "m.user_info FROM mc_group_member m JOIN mc_group g ON g.id = m.group_id "
        "WHERE m.account_id = ?",
        "i", account_id);
    memset(m, 0, sizeof(*m));
    *found = 0;
    if (rv != APR_SUCCESS || res->nrows == 0)
        return rv;
    *found = 1;
    m->group_id = mc_dbres_int(res, 0, 0);
    m->group_name = mc_dbres_get(res, 0, 1);
    m->group_active = (int)mc_dbres_int(res, 0, 2);
    m->is_admin = (int)mc_dbres_int(res, 0, 3);
    m->active = (int)mc_dbres_int(res, 0, 4);
    m->user_info = mc_dbres_get(res, 0, 5);
    return APR_SUCCESS;
}

apr_status_t mc_grp_role_set(mc_db *db, long long account_id, const char *role, long long group_id,
                             int on)
{
    char scope[32];
    apr_snprintf(scope, sizeof(scope), "%" APR_INT64_T_FMT, (apr_int64_t)group_id);
    if (on)
        return mc_db_exec(db, NULL, NULL,
                          "INSERT IGNORE INTO mc_account_role (account_id, role, scope, "
                          "granted_at) VALUES (?, ?, ?, UTC_TIMESTAMP())",
                          "iss", account_id, role, scope);
    return mc_db_exec(db, NULL, NULL,
                      "DELETE FROM mc_account_role WHERE account_id = ? AND role = ? AND "
                      "scope = ?",
                      "iss", account_id, role, scope);
}

const char *mc_grp_check_pin(const char *pin)
{
    size_t n = strlen(pin), i;
    int digit = 0;
    if (n < 6 || n > 12)
        return "Group PIN: it must be 6 to 12 characters long.";
    for (i = 0; i < n; i++) {
        if (!apr_isalnum(pin[i]))
            return "Group PIN: use letters and digits only.";
        digit |= apr_isdigit(pin[i]) != 0;
    }
    if (!digit)
        return "Group PIN: include at least one digit.";
    return NULL;
}
