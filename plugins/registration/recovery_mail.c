/* recovery_mail.c: the mails of Forgot Password, Forgot Username and
 * Resend verification.
 *
 * The pages do the same work whether or not an account matches: they queue
 * the request (one row of mc_reg_recovery, whatever was typed) and answer.
 * The delivery worker's round (the plugin's periodic hook, on whichever node
 * runs it) takes each row, looks the accounts up, makes the reset links or
 * lists the usernames, queues the mails in the outbox (sent in that same
 * round) and deletes the row; a row that names no account (or, for a
 * verification, none waiting for its e-mail verification) is simply
 * deleted. So neither the answer nor its time says whether an account
 * exists (6.3.8): the lookups, the links and the mails happen after it.
 *
 * The worker's rounds leave a heartbeat (mc_reg_worker). Where no worker
 * has run for a minute (MoCourtsDelivery Off on every node, `mocourts-admin
 * deliver` doing the sending), the page does the queue's work itself before
 * it answers: the mails still go, but that answer's time again depends on
 * the accounts found (INSTALL says so).
 *
 * Limits, as before: at most RESET_PER_HOUR reset links per account an
 * hour, USERNAME_MAILS_PER_HOUR username mails per address an hour,
 * MC_REG_VERIFY_PER_HOUR verification links per account an hour, beyond
 * which requests are dropped silently. */
#include "recovery.h"

#define RESET_PER_HOUR 5
#define USERNAME_MAILS_PER_HOUR 3
#define ROWS_PER_ROUND 200
#define WORKER_STALE 60 /* seconds without a round: no worker is running */

/* ---- the mails ------------------------------------------------------------------- */

typedef struct job {
    mc_db *db;
    apr_pool_t *p;
    const char *ident;     /* as typed */
    const char *client_ip; /* of the request */
    const char *link_base; /* the links' address up to the token, of the request */
    const char *logon_url; /* the Logon page's, of the request */
} job;

static apr_status_t audit(job *j, const char *event, long long account_id, const char *detail)
{
    return mc_db_exec(j->db, NULL, NULL,
                      "INSERT INTO mc_audit (at, event, account_id, client_ip, detail) VALUES "
                      "(UTC_TIMESTAMP(), ?, NULLIF(?, 0), ?, ?)",
                      "siss", event, account_id, j->client_ip, detail);
}

/* Forgot Password: a reset link to each active account the identifier names
 * (its username, or the accounts using that e-mail address). */
static apr_status_t send_links(job *j)
{
    apr_pool_t *p = j->p;
    apr_status_t rv;
    mc_dbres *acc;
    int i;
    rv = mc_db_query(j->db, p, &acc,
                     "SELECT id, email, username, status FROM mc_account WHERE username = ?", "s",
                     j->ident);
    if (rv == APR_SUCCESS && acc->nrows == 0 && strchr(j->ident, '@'))
        rv = mc_db_query(j->db, p, &acc,
                         "SELECT id, email, username, status FROM mc_account WHERE email = ? "
                         "ORDER BY id LIMIT 10",
                         "s", j->ident);
    for (i = 0; rv == APR_SUCCESS && i < acc->nrows; i++) {
        long long id = mc_dbres_int(acc, i, 0);
        const char *tok;
        mc_dbres *res;
        mc_vars *v;
        if (strcmp(mc_dbres_get(acc, i, 3), "active"))
            continue;
        /* Lock the account's row: two rounds at once queue up. */
        rv = mc_db_query(j->db, p, &res, "SELECT id FROM mc_account WHERE id = ? FOR UPDATE", "i",
                         id);
        if (rv == APR_SUCCESS)
            rv = mc_db_query(j->db, p, &res,
                             "SELECT COUNT(*) FROM mc_code WHERE account_id = ? AND purpose = "
                             "'reset' AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR",
                             "i", id);
        if (rv != APR_SUCCESS)
            break;
        if (mc_dbres_int(res, 0, 0) >= RESET_PER_HOUR) {
            rv = audit(j, "password-reset-limit", id, "too many reset links this hour");
            continue;
        }
        tok = mc_token_new(p);
        rv = mc_reg_code_new(j->db, p, id, "reset", tok, MC_REG_RESET_TTL, 1, NULL);
        if (rv != APR_SUCCESS)
            break;
        v = mc_vars_make(p, NULL);
        mc_vars_set(v, "username", mc_dbres_get(acc, i, 2));
        mc_vars_set(v, "link", apr_pstrcat(p, j->link_base, tok, NULL));
        rv = mc_reg_mail(j->db, p, id, mc_dbres_get(acc, i, 1), "password-reset-link",
                         "Reset your password", "recovery-reset-link.txt", v);
        if (rv == APR_SUCCESS)
            rv = audit(j, "password-reset-requested", id, "reset link sent");
    }
    return rv;
}

/* Forgot Username: one mail to the address listing the usernames of the
 * accounts that use it (not disabled). */
static apr_status_t send_usernames(job *j)
{
    apr_pool_t *p = j->p;
    const char *to, *list = "";
    mc_dbres *acc, *res;
    mc_vars *v;
    apr_status_t rv;
    int i;
    rv = mc_db_query(j->db, p, &acc,
                     "SELECT id, username, email FROM mc_account WHERE email = ? AND status <> "
                     "'disabled' ORDER BY id LIMIT 20",
                     "s", j->ident);
    if (rv != APR_SUCCESS || acc->nrows == 0)
        return rv;
    to = mc_dbres_get(acc, 0, 2);
    /* Serialise the rounds for one address (its first account's row). */
    rv = mc_db_query(j->db, p, &res, "SELECT id FROM mc_account WHERE id = ? FOR UPDATE", "i",
                     mc_dbres_int(acc, 0, 0));
    if (rv == APR_SUCCESS)
        rv = mc_db_query(j->db, p, &res,
                         "SELECT COUNT(*) FROM mc_outbox WHERE kind = 'username-reminder' AND "
                         "recipient = ? AND queued_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR",
                         "s", to);
    if (rv != APR_SUCCESS || mc_dbres_int(res, 0, 0) >= USERNAME_MAILS_PER_HOUR)
        return rv; /* over the limit: silently */
    for (i = 0; i < acc->nrows; i++)
        list = apr_pstrcat(p, list, "    ", mc_dbres_get(acc, i, 1), "\n", NULL);
    v = mc_vars_make(p, NULL);
    mc_vars_set(v, "usernames", list);
    mc_vars_set(v, "logon_link", j->logon_url);
    rv = mc_reg_mail(j->db, p, acc->nrows == 1 ? mc_dbres_int(acc, 0, 0) : 0, to,
                     "username-reminder", "Your username", "recovery-username.txt", v);
    for (i = 0; i < acc->nrows && rv == APR_SUCCESS; i++)
        rv = audit(j, "username-reminder", mc_dbres_int(acc, i, 0), "username sent by e-mail");
    return rv;
}

/* Resend verification: a new verification link to each account waiting for
 * its e-mail verification that the identifier names (its username or its
 * address), its older links void. */
static apr_status_t send_verify(job *j)
{
    apr_pool_t *p = j->p;
    apr_status_t rv;
    mc_dbres *acc;
    int i;
    rv = mc_db_query(j->db, p, &acc,
                     "SELECT id, email, username, first_name FROM mc_account WHERE (username = ? "
                     "OR email = ?) AND status = 'pending' AND email_verified = 0 ORDER BY id "
                     "LIMIT 5",
                     "ss", j->ident, j->ident);
    for (i = 0; rv == APR_SUCCESS && i < acc->nrows; i++) {
        long long id = mc_dbres_int(acc, i, 0);
        mc_dbres *res;
        /* Lock the account's row: two rounds at once count each other. */
        rv = mc_db_query(j->db, p, &res,
                         "SELECT (SELECT COUNT(*) FROM mc_code WHERE account_id = a.id AND "
                         "purpose = 'verify-email' AND created_at > UTC_TIMESTAMP() - INTERVAL 1 "
                         "HOUR) FROM mc_account a WHERE a.id = ? AND a.status = 'pending' AND "
                         "a.email_verified = 0 FOR UPDATE",
                         "i", id);
        if (rv != APR_SUCCESS)
            break;
        if (res->nrows != 1 || mc_dbres_int(res, 0, 0) >= MC_REG_VERIFY_PER_HOUR)
            continue;
        rv = mc_db_exec(j->db, NULL, NULL,
                        "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE account_id = ? AND "
                        "purpose = 'verify-email' AND used_at IS NULL",
                        "i", id);
        if (rv == APR_SUCCESS)
            rv = mc_reg_verify_mail(j->db, p, id, mc_dbres_get(acc, i, 1), mc_dbres_get(acc, i, 2),
                                    mc_dbres_get(acc, i, 3), mc_token_new(p), j->link_base);
        if (rv == APR_SUCCESS)
            rv = audit(j, "verify-email-resent", id, "");
    }
    return rv;
}

/* ---- the queue ------------------------------------------------------------------- */

/* Take the oldest row and do its work, in one transaction; *done 0 when the
 * queue was empty (or every row is being worked on elsewhere). A row whose
 * work fails is dropped (the error is returned, for the log): asking again
 * makes a new one. */
static apr_status_t run_one(mc_db *db, apr_pool_t *p, int *done)
{
    mc_dbres *res;
    job j;
    long long id;
    apr_status_t rv;
    *done = 0;
    if ((rv = mc_db_begin(db)) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &res,
                     "SELECT id, kind, ident, client_ip, link_base, logon_url FROM "
                     "mc_reg_recovery ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                     "");
    if (rv != APR_SUCCESS || res->nrows == 0) {
        mc_db_rollback(db);
        return rv;
    }
    *done = 1;
    id = mc_dbres_int(res, 0, 0);
    j.db = db;
    j.p = p;
    j.ident = mc_dbres_get(res, 0, 2);
    j.client_ip = mc_dbres_get(res, 0, 3);
    j.link_base = mc_dbres_get(res, 0, 4);
    j.logon_url = mc_dbres_get(res, 0, 5);
    rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_reg_recovery WHERE id = ?", "i", id);
    if (rv == APR_SUCCESS) {
        const char *kind = mc_dbres_get(res, 0, 1);
        rv = !strcmp(kind, "password") ? send_links(&j)
             : !strcmp(kind, "verify") ? send_verify(&j)
                                       : send_usernames(&j);
    }
    if (rv == APR_SUCCESS)
        return mc_db_commit(db);
    mc_db_rollback(db);
    if (rv != MC_DB_EDEADLOCK && !mc_db_broken(db)) /* a deadlock: the next round again */
        mc_db_exec(db, NULL, NULL, "DELETE FROM mc_reg_recovery WHERE id = ?", "i", id);
    return rv;
}

static apr_status_t run_queue(mc_db *db, apr_pool_t *p)
{
    apr_status_t rv = APR_SUCCESS;
    int i, done = 1;
    for (i = 0; i < ROWS_PER_ROUND && done && rv == APR_SUCCESS; i++) {
        apr_pool_t *sub;
        apr_pool_create(&sub, p);
        rv = run_one(db, sub, &done);
        apr_pool_destroy(sub);
    }
    return rv;
}

apr_status_t mc_reg_recovery_periodic(mc_db *db, apr_pool_t *p, apr_time_t now)
{
    apr_status_t rv;
    if (!mc_site_templates())
        return APR_SUCCESS; /* the child is not ready yet */
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_reg_worker (name, seen_at) VALUES ('recovery', "
                    "UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE seen_at = UTC_TIMESTAMP()",
                    "");
    return rv == APR_SUCCESS ? run_queue(db, p) : rv;
}

apr_status_t mc_reg_recovery_queue(mc_req *mr, mc_db *db, const char *kind, const char *ident)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_exec(
        db, NULL, NULL,
        "INSERT INTO mc_reg_recovery (kind, ident, client_ip, link_base, "
        "logon_url, requested_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())",
        "sssss", kind, ident, mr->r->useragent_ip,
        mc_public_url(mr, apr_pstrcat(mr->r->pool, mr->mount,
                                      strcmp(kind, "verify") ? "/reset/" : "/verify/", NULL)),
        mc_public_url(mr, mc_logon_path(mr)));
    if (rv == APR_SUCCESS)
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT COUNT(*) FROM mc_reg_worker WHERE name = 'recovery' AND seen_at "
                         "> UTC_TIMESTAMP() - INTERVAL ? SECOND",
                         "i", (long long)WORKER_STALE);
    if (rv != APR_SUCCESS || mc_dbres_int(res, 0, 0) > 0)
        return rv;
    return run_queue(db, mr->r->pool);
}
