/* applications.c: My Applications on My Account (subscribing to Electronic
 * Case Filing and to publications) and the User Agreement that eFiling needs
 * first (seed 001 steps 23-24). See registration.h. */
#include "registration.h"

static int agreed(mc_req *mr, mc_db *db, apr_status_t *rv)
{
    mc_dbres *res;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT 1 FROM mc_reg_agreement WHERE account_id = ? AND version = ?", "is",
                      mr->account->id, MC_REG_AGREEMENT_VERSION);
    return *rv == APR_SUCCESS && res->nrows > 0;
}

/* ---- My Applications and the User Agreement ---------------------------------- */

static int steps_page(mc_req *mr)
{
    mc_vars_set(mr->vars, "mobar_url", mc_url(mr, "/myaccount/mobar"));
    mc_vars_set(mr->vars, "myaccount_url", mc_url(mr, "/myaccount"));
    return mc_render(mr, HTTP_OK, "account-steps.html", "Additional steps required");
}

/* Who may subscribe to Electronic Case Filing: an attorney with a verified
 * MOBAR number, or a member of a group (the groups plugin keeps the roles
 * group_admin / group_user in step with its memberships). 1 when the
 * account may, with the request's connection in *db; else 0 with *rc the
 * answer: the steps still required, or a database error's page. */
static int may_file(mc_req *mr, mc_db **db, int *rc)
{
    mc_dbres *res;
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS)
        rv = mc_db_query(*db, mr->r->pool, &res,
                         "SELECT 1 FROM mc_account_role r LEFT JOIN mc_reg_profile p ON "
                         "p.account_id = r.account_id WHERE r.account_id = ? AND ((r.role = "
                         "'attorney' AND p.mobar_verified_at IS NOT NULL) OR r.role IN "
                         "('group_admin', 'group_user'))",
                         "i", mr->account->id);
    if (rv == APR_SUCCESS && res->nrows > 0)
        return 1;
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : steps_page(mr);
    return 0;
}

/* The account subscribed to application ("efiling" or "publications"). */
static apr_status_t subscribe_tx(mc_req *mr, mc_db *db, void *application)
{
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "INSERT IGNORE INTO mc_reg_subscription (account_id, application, "
                                 "subscribed_at) VALUES (?, ?, UTC_TIMESTAMP())",
                                 "is", mr->account->id, (const char *)application);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "subscribed", mr->account->id, application);
    return rv;
}

static int subscribe_efiling(mc_req *mr)
{
    mc_db *db;
    apr_status_t rv;
    int ok, rc;
    if (!may_file(mr, &db, &rc))
        return rc;
    ok = agreed(mr, db, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!ok)
        return mc_redirect(mr, mc_url(mr, "/agreement"));
    return mc_reg_account_save(mr, subscribe_tx, (void *)"efiling", "efiling");
}

static int subscribe_publications(mc_req *mr)
{
    return mc_reg_account_save(mr, subscribe_tx, (void *)"publications", "publications");
}

static int agreement_page(mc_req *mr, const char *error)
{
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, "acknowledge");
    mc_vars_set(mr->vars, "agreement_version", MC_REG_AGREEMENT_VERSION);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/agreement"));
    {
        const char *ret = mc_field(mr, "return") ? mc_field(mr, "return") : mc_query(mr, "return");
        if ((ret = mc_safe_return(mr->r->pool, ret)))
            mc_vars_set(mr->vars, "return", ret);
    }
    mc_vars_set(mr->vars, "back", mc_url(mr, "/myaccount"));
    return mc_render(mr, HTTP_OK, "account-agreement.html", "User Agreement");
}

static int agreement_get(mc_req *mr)
{
    mc_db *db;
    int rc;
    if (!may_file(mr, &db, &rc))
        return rc;
    return agreement_page(mr, NULL);
}

/* The agreement accepted (again: its time and address renewed), which
 * subscribes to eFiling. */
static apr_status_t agreement_tx(mc_req *mr, mc_db *db, void *baton)
{
    apr_status_t rv;
    if ((rv = mc_db_exec(db, NULL, NULL,
                         "INSERT INTO mc_reg_agreement (account_id, version, accepted_at, "
                         "client_ip) VALUES (?, ?, UTC_TIMESTAMP(), ?) ON DUPLICATE KEY UPDATE "
                         "accepted_at = VALUES(accepted_at), client_ip = VALUES(client_ip)",
                         "iss", mr->account->id, MC_REG_AGREEMENT_VERSION,
                         mc_client_ip(mr))) == APR_SUCCESS &&
        (rv = mc_audit(mr, db, "agreement-accepted", mr->account->id, MC_REG_AGREEMENT_VERSION)) ==
            APR_SUCCESS)
        rv = subscribe_tx(mr, db, (void *)"efiling");
    return rv;
}

static int agreement_post(mc_req *mr)
{
    const char *ack = mc_field(mr, "acknowledge"), *next;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!may_file(mr, &db, &rc))
        return rc;
    if (!ack || strcmp(ack, "1"))
        return agreement_page(mr, "Check \"I acknowledge\" to accept the User Agreement, then "
                                  "click Continue.");
    if ((rv = mc_req_tx(mr, agreement_tx, NULL)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* Seed 000 step 15: registration is complete. On to the page the
     * account asked for, else where a logon now sends it (a group
     * administrator: the Group Administrator Menu), else My Account. */
    next = mc_safe_return(mr->r->pool, mc_field(mr, "return"));
    if (!next)
        next = mc_after_logon(mr, db);
    return mc_redirect(mr, next ? next : mc_url(mr, "/myaccount?updated=efiling"));
}

#define A MC_ACCESS_ACCOUNT
const mc_route mc_reg_applications_routes[] = {
    {"POST", "/myaccount/subscribe/efiling", A, NULL, subscribe_efiling, 0},
    {"POST", "/myaccount/subscribe/publications", A, NULL, subscribe_publications, 0},
    {"GET", "/agreement", A, NULL, agreement_get, 0},
    {"POST", "/agreement", A, NULL, agreement_post, 0},
    {NULL}};
#undef A
