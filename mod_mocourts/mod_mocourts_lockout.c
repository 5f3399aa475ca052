/* mod_mocourts_lockout.c: the lock-out (MoCourtsLockout N DURATION).
 *
 * Failures count per subject: an account, or a typed name that no account
 * has (so unknown names lock like real ones), in mc_logon_throttle: the
 * database is the truth, so every node counts together.
 *
 * A password, or an e-mailed code, is checked only once its attempt holds
 * a place (mc_attempt_take): one UPDATE takes it while failures + pending
 * stays below N. The attempts being checked hold places, so however many
 * arrive at once, on however many nodes, at most N wrong ones are checked
 * in a window. An attempt that finds every place held waits (the others may
 * prove right and give theirs back) until one is free or the subject is
 * locked. A wrong attempt turns its place into a failure (mc_attempt_failed)
 * and the N-th locks the subject for DURATION; a right one, or one that was
 * not checked, gives its place back (mc_attempt_release). The count is not
 * cleared by a success: a success at the end of a burst would otherwise
 * free N new places for the guesses still waiting. A window ends DURATION
 * after it began (its first attempt), or when its lock ends; the Security
 * unit's unlock and a password reset clear it (mc_lockout_clear).
 *
 * An attempt that died while it held a place (a killed child) holds it
 * until the window ends.
 *
 * Plugins check their secrets that count toward the lock-out (security
 * answers, the current password on My Account's update pages) the same
 * way, through mc_lockout_verify (ABI 1.12). */
#include "mod_mocourts_private.h"

#include "apr_strings.h"

/* How long an attempt waits for a place held by attempts being checked
 * (as long as a password hash may wait for a hashing slot). */
#define TAKE_WAIT apr_time_from_sec(10)
#define NAP_FIRST apr_time_from_msec(10)
#define NAP_MAX apr_time_from_msec(100)

const char *mc_lockout_subject(apr_pool_t *p, long long account_id, const char *name)
{
    char *s = account_id ? apr_psprintf(p, "account:%" APR_INT64_T_FMT, (apr_int64_t)account_id)
                         : apr_pstrcat(p, "name:", name, NULL);
    if (!account_id)
        ap_str_tolower(s);
    return mc_sha256_hex(p, s, strlen(s));
}

static long long window_secs(void)
{
    return (long long)apr_time_sec(mc_conf_get()->lockout_time);
}

/* Forget the subject's window when its lock, or the window, has ended;
 * *gone (may be NULL) 1 when it did. */
static apr_status_t expire(mc_db *db, const char *subject, long long *gone)
{
    return mc_db_exec(db, gone, NULL,
                      "DELETE FROM mc_logon_throttle WHERE subject = ? AND (locked_until <= "
                      "UTC_TIMESTAMP() OR (locked_until IS NULL AND first_failure <= "
                      "UTC_TIMESTAMP() - INTERVAL ? SECOND))",
                      "si", subject, window_secs());
}

/* Lock the subject once it has N failures; *locked_now when this call did. */
static apr_status_t lock_if_due(mc_db *db, const char *subject, int *locked_now)
{
    long long n = 0;
    apr_status_t rv =
        mc_db_exec(db, &n, NULL,
                   "UPDATE mc_logon_throttle SET locked_until = UTC_TIMESTAMP() + "
                   "INTERVAL ? SECOND WHERE subject = ? AND failures >= ? AND "
                   "locked_until IS NULL",
                   "isi", window_secs(), subject, (long long)mc_conf_get()->lockout_failures);
    if (locked_now)
        *locked_now = rv == APR_SUCCESS && n == 1;
    return rv;
}

apr_status_t mc_attempt_take(mc_db *db, apr_pool_t *p, const char *subject, mc_attempt *out)
{
    apr_time_t until = apr_time_now() + TAKE_WAIT;
    apr_interval_time_t nap = NAP_FIRST;
    for (;;) {
        mc_dbres *res;
        long long n = 0;
        /* Most attempts find no window open: one statement opens it. */
        apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                     "INSERT INTO mc_logon_throttle (subject, failures, pending, "
                                     "first_failure) VALUES (?, 0, 1, UTC_TIMESTAMP())",
                                     "s", subject);
        if (rv == APR_SUCCESS) {
            *out = MC_ATTEMPT_GO;
            return APR_SUCCESS;
        }
        if (rv != MC_DB_EDUP)
            return rv;
        if ((rv = expire(db, subject, &n)) != APR_SUCCESS)
            return rv;
        if (n) /* it had ended: open a new one */
            continue;
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_logon_throttle SET pending = pending + 1 WHERE subject = ? AND "
                        "locked_until IS NULL AND failures + pending < ?",
                        "si", subject, (long long)mc_conf_get()->lockout_failures);
        if (rv != APR_SUCCESS)
            return rv;
        if (n == 1) {
            *out = MC_ATTEMPT_GO;
            return APR_SUCCESS;
        }
        rv = mc_db_query(db, p, &res,
                         "SELECT locked_until IS NOT NULL FROM mc_logon_throttle WHERE subject = ?",
                         "s", subject);
        if (rv != APR_SUCCESS)
            return rv;
        if (res->nrows == 1 && mc_dbres_int(res, 0, 0)) {
            *out = MC_ATTEMPT_LOCKED;
            return APR_SUCCESS;
        }
        /* Every place is held by an attempt being checked right now. */
        if (apr_time_now() + nap >= until) {
            *out = MC_ATTEMPT_BUSY;
            return APR_SUCCESS;
        }
        apr_sleep(nap);
        nap = nap * 2 > NAP_MAX ? NAP_MAX : nap * 2;
    }
}

/* One more failure for subject, whether or not it held a place. */
static apr_status_t add_failure(mc_db *db, const char *subject, int held, int *locked_now)
{
    long long n = 0;
    apr_status_t rv = APR_SUCCESS;
    if (held)
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_logon_throttle SET failures = failures + 1, pending = "
                        "GREATEST(pending - 1, 0) WHERE subject = ?",
                        "s", subject);
    /* No row (none held, or the window ended meanwhile): count it in a new
     * window, or in the current one. */
    if (rv == APR_SUCCESS && n == 0 && (rv = expire(db, subject, NULL)) == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_logon_throttle (subject, failures, pending, first_failure) "
                        "VALUES (?, 1, 0, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE failures = "
                        "failures + 1",
                        "s", subject);
    if (rv == APR_SUCCESS)
        rv = lock_if_due(db, subject, locked_now);
    return rv;
}

apr_status_t mc_attempt_failed(mc_db *db, const char *subject, int *locked_now)
{
    return add_failure(db, subject, 1, locked_now);
}

apr_status_t mc_attempt_release(mc_db *db, const char *subject)
{
    long long n = 0;
    /* A window with no failure in it is not worth keeping. */
    apr_status_t rv = mc_db_exec(db, &n, NULL,
                                 "DELETE FROM mc_logon_throttle WHERE subject = ? AND failures = 0 "
                                 "AND pending <= 1 AND locked_until IS NULL",
                                 "s", subject);
    if (rv == APR_SUCCESS && n == 0)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_logon_throttle SET pending = GREATEST(pending - 1, 0) WHERE "
                        "subject = ?",
                        "s", subject);
    return rv;
}

/* ---- the plugins' part (mocourts.h, ABI 1.1) --------------------------------- */

apr_status_t mc_lockout_count(mc_req *mr, mc_db *db, long long account_id, int *locked)
{
    const char *subject = mc_lockout_subject(mr->r->pool, account_id, NULL);
    apr_status_t rv;
    int now = 0;
    if ((rv = mc_lockout_check(mr, db, account_id, locked)) != APR_SUCCESS || *locked)
        return rv;
    if ((rv = add_failure(db, subject, 0, &now)) == APR_SUCCESS && now) {
        *locked = 1;
        rv = mc_audit(mr, db, "lockout", account_id, "too many failed answers");
    }
    return rv;
}

apr_status_t mc_lockout_check(mc_req *mr, mc_db *db, long long account_id, int *locked)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT 1 FROM mc_logon_throttle WHERE subject = ? AND "
                                  "locked_until > UTC_TIMESTAMP()",
                                  "s", mc_lockout_subject(mr->r->pool, account_id, NULL));
    *locked = rv == APR_SUCCESS && res->nrows > 0;
    return rv;
}

apr_status_t mc_lockout_clear(mc_req *mr, mc_db *db, long long account_id)
{
    return mc_db_exec(db, NULL, NULL, "DELETE FROM mc_logon_throttle WHERE subject = ?", "s",
                      mc_lockout_subject(mr->r->pool, account_id, NULL));
}

apr_status_t mc_lockout_verify(mc_req *mr, mc_db *db, long long account_id, const char *hash,
                               const char *secret, mc_lockout_verdict *out)
{
    const char *subject = mc_lockout_subject(mr->r->pool, account_id, NULL);
    mc_attempt at;
    apr_status_t rv;
    int ok, locked_now = 0;
    if ((rv = mc_attempt_take(db, mr->r->pool, subject, &at)) != APR_SUCCESS)
        return rv;
    if (at == MC_ATTEMPT_BUSY) {
        *out = MC_LOCKOUT_BUSY;
        return APR_SUCCESS;
    }
    if (at == MC_ATTEMPT_GO) {
        if (hash && secret && strlen(secret) <= MC_PASSWORD_MAX_BYTES)
            ok = mc_verify_password(hash, secret);
        else {
            mc_verify_dummy(secret ? secret : "");
            ok = 0;
        }
        if (ok != 0) {
            if ((rv = mc_attempt_release(db, subject)) != APR_SUCCESS)
                return rv;
            *out = ok > 0 ? MC_LOCKOUT_RIGHT : MC_LOCKOUT_BUSY;
            return APR_SUCCESS;
        }
        if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS)
            return rv;
        if (!locked_now) {
            *out = MC_LOCKOUT_WRONG;
            return APR_SUCCESS;
        }
        if ((rv = mc_audit(mr, db, "lockout", account_id, "too many failed attempts")) !=
            APR_SUCCESS)
            return rv;
    }
    *out = locked_now ? MC_LOCKOUT_LOCKED_NOW : MC_LOCKOUT_LOCKED;
    /* A session may not go on guessing where a logon would be refused. */
    if (mr->account && mr->account->id == account_id) {
        rv = mc_session_end(mr->r, db);
        mr->account = NULL;
    }
    return rv;
}
