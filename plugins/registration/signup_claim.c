/* signup_claim.c: the last sign-up step's claim on its registration, so
 * that a double submit (a double click, a retry) hashes the answers once.
 *
 * The last step hashes three answers, slowly and under the hash cap, before
 * its transaction (signup.c's create_tx). Ten copies of it must neither hash
 * thirty times nor wait behind those hashes: the first claims the
 * registration before hashing (a "creating" field holding the claim's
 * expiry, unique by the field table's key); a copy hashes nothing and waits,
 * briefly, for the first's outcome. create_tx still guarantees one account;
 * the claim saves the work. A claim left by a process that died lapses after
 * CLAIM_TTL. See registration.h. */
#include "registration.h"

#include "http_log.h"

#define CLAIM_TTL 60        /* seconds */
#define DUPLICATE_WAIT 1500 /* ms a copy waits for the first's outcome */
#define DUPLICATE_POLL 50   /* ms between its looks */

/* *won: this request now holds the claim on registration id (else another
 * does, or the registration is gone). */
static apr_status_t claim_try(mc_db *db, long long id, int *won)
{
    long long n = 0;
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "DELETE FROM mc_reg_pending_field WHERE pending_id = ? AND name "
                                 "= 'creating' AND CAST(value AS DATETIME) < UTC_TIMESTAMP()",
                                 "i", id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, &n, NULL,
                        "INSERT IGNORE INTO mc_reg_pending_field (pending_id, name, value) SELECT "
                        "id, 'creating', UTC_TIMESTAMP() + INTERVAL ? SECOND FROM mc_reg_pending "
                        "WHERE id = ?",
                        "ii", (long long)CLAIM_TTL, id);
    *won = rv == APR_SUCCESS && n == 1;
    return rv;
}

apr_status_t mc_reg_claim(mc_req *mr, mc_db *db, long long pending_id, int *outcome)
{
    apr_time_t until = apr_time_now() + apr_time_from_msec(DUPLICATE_WAIT);
    mc_dbres *res;
    apr_status_t rv;
    int won, waited = 0;
    for (;;) {
        if ((rv = claim_try(db, pending_id, &won)) != APR_SUCCESS)
            return rv;
        if (won) {
            *outcome = MC_REG_CLAIMED;
            return APR_SUCCESS;
        }
        rv = mc_db_query(db, mr->r->pool, &res, "SELECT 1 FROM mc_reg_pending WHERE id = ?", "i",
                         pending_id);
        if (rv != APR_SUCCESS)
            return rv;
        if (res->nrows == 0) {
            *outcome = MC_REG_GONE;
            return APR_SUCCESS;
        }
        if (apr_time_now() >= until) {
            *outcome = MC_REG_BUSY;
            return APR_SUCCESS;
        }
        if (!waited)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                          MCLOGNO(1720) "Create an account: the last step came again while an "
                                        "earlier copy is making the account; waiting for it, "
                                        "not hashing");
        waited = 1;
        apr_sleep(apr_time_from_msec(DUPLICATE_POLL));
    }
}

void mc_reg_claim_release(mc_req *mr, mc_db *db, long long pending_id)
{
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "DELETE FROM mc_reg_pending_field WHERE pending_id = ? AND name "
                                 "= 'creating'",
                                 "i", pending_id);
    if (rv != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, mr->r,
                      MCLOGNO(1721) "Create an account: a registration's claim could not be "
                                    "released; it lapses in %d seconds",
                      CLAIM_TTL);
}
