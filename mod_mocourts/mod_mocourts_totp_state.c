/* mod_mocourts_totp_state.c: whether an account has two-step verification
 * on, or a role that MoCourtsTwoStepRequired names, and so which stage a
 * logon goes to (mod_mocourts_totp.c has the rest). Below the logon's
 * files: it uses none of them. */
#include "mod_mocourts_totp.h"

#include "apr_strings.h"

/* *on: two-step verification is on; *required: MoCourtsTwoStepRequired
 * names one of the account's roles. */
static apr_status_t totp_state_p(apr_pool_t *p, mc_db *db, long long id, int *on, int *required)
{
    const apr_array_header_t *roles = mc_conf_get()->twostep_roles;
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, p, &res,
        "SELECT (SELECT COUNT(*) FROM mc_totp WHERE account_id = ? AND enabled_at IS NOT NULL), "
        "(SELECT COUNT(*) FROM mc_account_role WHERE account_id = ? AND FIND_IN_SET(role, ?) > 0)",
        "iis", id, id, roles ? apr_array_pstrcat(p, roles, ',') : "");
    if (rv == APR_SUCCESS) {
        *on = mc_dbres_int(res, 0, 0) > 0;
        *required = mc_dbres_int(res, 0, 1) > 0;
    }
    return rv;
}

apr_status_t mc_totp_state(mc_req *mr, mc_db *db, long long id, int *on, int *required)
{
    return totp_state_p(mr->r->pool, db, id, on, required);
}

/* ABI 1.17 */
apr_status_t mc_two_step_on(mc_req *mr, mc_db *db, long long account_id, int *on)
{
    int required = 0;
    return totp_state_p(mr->r->pool, db, account_id, on, &required);
}

/* ABI 1.17 */
apr_status_t mc_two_step_reset(mc_req *mr, mc_db *db, long long account_id)
{
    apr_status_t rv = mc_db_exec(
        db, NULL, NULL, "DELETE FROM mc_totp_recovery WHERE account_id = ?", "i", account_id);
    if (rv == APR_SUCCESS)
        rv =
            mc_db_exec(db, NULL, NULL, "DELETE FROM mc_totp WHERE account_id = ?", "i", account_id);
    return rv;
}

apr_status_t mc_totp_basic_refused(request_rec *r, mc_db *db, long long id, int *refused)
{
    int on = 0, required = 0;
    apr_status_t rv = totp_state_p(r->pool, db, id, &on, &required);
    *refused = on || required;
    return rv;
}

const char *mc_totp_stage(mc_req *mr, mc_db *db, long long id, const char *stage, apr_status_t *rv)
{
    int on = 0, required = 0;
    if ((*rv = mc_totp_state(mr, db, id, &on, &required)) != APR_SUCCESS)
        return NULL;
    if (on)
        return "totp";
    return required && !strcmp(stage, "full") ? "enrol" : stage;
}

const char *mc_stage_path(const char *stage)
{
    if (!strcmp(stage, "password"))
        return "/password";
    if (!strcmp(stage, "totp"))
        return "/two-step-code";
    if (!strcmp(stage, "enrol"))
        return "/two-step";
    return "/device";
}
