/* account_common.c: what My Account's update pages share (account.c,
 * account_questions.c; see registration.h): the trimmed field, the
 * profile, the notice e-mail, the current password checked under the
 * lock-out and the page when it could not be, and the update's
 * transaction. */
#include "registration.h"

const char *mc_reg_account_field(mc_req *mr, const char *name)
{
    return mc_text_trim(mr->r->pool, mc_field(mr, name));
}

/* Load the logged-on account's profile; the request's connection in *db. */
apr_status_t mc_reg_account_load(mc_req *mr, mc_db **db, mc_reg_profile *pr)
{
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS)
        rv = mc_reg_profile_load(*db, mr->r->pool, mr->account->id, pr);
    return rv;
}

/* The page for a password not checked: busy (503), or the account locked
 * and the visitor logged off. */
static int unchecked(mc_req *mr, mc_lockout_verdict verdict)
{
    if (verdict == MC_LOCKOUT_BUSY)
        return mc_busy(mr);
    return mc_message(mr, HTTP_OK, "Account Locked",
                      apr_pstrcat(mr->r->pool,
                                  "This account is locked because of too many failed attempts, "
                                  "and you have been logged off. Wait ",
                                  mc_lockout_time(mr),
                                  " and try again, or contact the court's Help Desk.", NULL));
}

int mc_reg_account_password_ok(mc_req *mr, mc_db *db, const char *pw, const char *what, int *rc)
{
    long long id = mr->account->id;
    mc_lockout_verdict verdict = MC_LOCKOUT_WRONG;
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT password_hash FROM mc_account WHERE id = ?", "i", id);
    if (rv == APR_SUCCESS && res->nrows == 1 && pw && *pw) {
        /* A stolen session may not try passwords unbounded: each one counts
         * toward the lock-out, as at logon. */
        rv = mc_lockout_verify(mr, db, id, mc_dbres_get(res, 0, 0), pw, &verdict);
        if (rv == APR_SUCCESS && (verdict == MC_LOCKOUT_WRONG || verdict == MC_LOCKOUT_LOCKED_NOW))
            rv = mc_audit(mr, db, "current-password-wrong", id, what);
    }
    if (rv != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return -1;
    }
    if (verdict == MC_LOCKOUT_RIGHT)
        return 1;
    if (verdict == MC_LOCKOUT_WRONG)
        return 0;
    *rc = unchecked(mr, verdict);
    return -1;
}

int mc_reg_account_save(mc_req *mr, apr_status_t (*fn)(mc_req *mr, mc_db *db, void *baton),
                        void *baton, const char *done)
{
    apr_status_t rv = mc_req_tx(mr, fn, baton);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, apr_pstrcat(mr->r->pool, "/myaccount?updated=", done, NULL)));
}
