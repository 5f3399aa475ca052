/* mod_mocourts_access.c: who may follow a route or see a navigation link:
 * anyone, any account, or an account holding a role (plain or scoped). */
#include "mod_mocourts_private.h"

#include "apr_strings.h"

int mc_access_allowed(const mc_account *a, mc_access access, const char *role)
{
    int i;
    if (access == MC_ACCESS_ANON)
        return 1;
    if (!a)
        return 0;
    if (access == MC_ACCESS_ACCOUNT)
        return 1;
    for (i = 0; i < a->roles->nelts; i++) {
        const char *have = APR_ARRAY_IDX(a->roles, i, const char *);
        size_t n = strlen(role);
        if (!strncmp(have, role, n) && (have[n] == '\0' || have[n] == ':'))
            return 1;
    }
    return 0;
}

int mc_nav_allowed(const mc_account *a, const mc_nav *n)
{
    return mc_access_allowed(a, n->access, n->role);
}

int mc_has_role(const mc_req *mr, const char *role)
{
    return mc_access_allowed(mr->account, MC_ACCESS_ROLE, role);
}

int mc_has_role_scoped(const mc_req *mr, const char *role, const char *scope)
{
    const char *want;
    int i;
    if (!mr->account)
        return 0;
    want = apr_pstrcat(mr->r->pool, role, ":", scope, NULL);
    for (i = 0; i < mr->account->roles->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(mr->account->roles, i, const char *), want))
            return 1;
    return 0;
}
