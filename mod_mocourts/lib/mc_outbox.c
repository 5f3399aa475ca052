/* mc_outbox: queue notifications, deliver them with claims that several
 * workers can share. See mc_outbox.h. */
#include "mc_db_retry.h"
#include "mc_outbox.h"
#include "mc_form.h"
#include "mc_log.h"
#include "mc_smtp.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <apr_time.h>
#include <signal.h>
#include <string.h>

#define MC_GATEWAY_LIMIT_SEC 30

static const char *const mc_channel_names[] = {"email", "sms", "voice"};

/* '+' then 7..16 digits, or 7..16 digits. */
static int mc_phone_ok(const char *s)
{
    int digits = 0;
    if (!s)
        return 0;
    if (*s == '+')
        s++;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        digits++;
    }
    return digits >= 7 && digits <= 16;
}

static mc_outbox_cc_rule *cc_rule;

void mc_outbox_set_cc_rule(mc_outbox_cc_rule *rule)
{
    cc_rule = rule;
}

apr_status_t mc_outbox_add(mc_db *db, const mc_notice *n, long long *id)
{
    char extra[2048];
    char merged[4096];
    if (!n || !n->body || n->channel < MC_CHANNEL_EMAIL || n->channel > MC_CHANNEL_VOICE)
        return APR_EINVAL;
    if (n->channel == MC_CHANNEL_EMAIL) {
        if (!mc_email_ok(n->recipient) || !mc_email_list_ok(n->cc) ||
            (n->cc && strlen(n->cc) > 60000))
            return APR_EINVAL;
        if (n->subject && (strpbrk(n->subject, "\r\n") || mc_text_chars(n->subject) > 255))
            return APR_EINVAL;
    }
    else if (!mc_phone_ok(n->recipient)) {
        return APR_EINVAL;
    }
    if ((n->kind && strlen(n->kind) > 40) || (n->case_ref && mc_text_chars(n->case_ref) > 40))
        return APR_EINVAL;
    int email = n->channel == MC_CHANNEL_EMAIL;
    const char *cc = email && n->cc && *n->cc ? n->cc : NULL;
    if (email && cc_rule && n->account_id > 0) {
        apr_status_t rv = cc_rule(db, n->account_id, extra, sizeof(extra));
        if (rv != APR_SUCCESS)
            return rv;
        extra[sizeof(extra) - 1] = '\0';
        if (*extra && mc_email_list_ok(extra)) {
            if (cc)
                apr_snprintf(merged, sizeof(merged), "%s, %s", cc, extra);
            else
                apr_cpystrn(merged, extra, sizeof(merged));
            cc = merged;
        }
    }
    return mc_db_exec(db, NULL, id,
                      "INSERT INTO mc_outbox (account_id, channel, recipient, cc, subject, body,"
                      " kind, case_ref, status, attempts, queued_at, next_attempt_at)"
                      " VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, 'queued', 0,"
                      " UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                      "isssssss", n->account_id, mc_channel_names[n->channel], n->recipient, cc,
                      email && n->subject ? n->subject : "", n->body, n->kind ? n->kind : "",
                      n->case_ref);
}

int mc_outbox_backoff(int attempts)
{
    static const int steps[] = {5, 15, 60, 300, 900};
    if (attempts <= 0)
        return 0;
    if (attempts > (int)(sizeof(steps) / sizeof(steps[0])))
        return 3600;
    return steps[attempts - 1];
}

/* ---- the gateway -------------------------------------------------------- */

/* mc_gateway_send with the command killed at deadline. */
static apr_status_t mc_gateway_run(apr_pool_t *p, const char *cmd, mc_channel ch,
                                   const char *recipient, const char *body, apr_time_t deadline,
                                   const char **err)
{
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_status_t rv;
    char buf[120];
    const char *argv[4];

    if (!cmd || !*cmd) {
        *err = "no SMS/voice gateway is configured (MoCourtsGateway)";
        return APR_EINVAL;
    }
    if (ch != MC_CHANNEL_SMS && ch != MC_CHANNEL_VOICE) {
        *err = "the gateway only carries sms and voice";
        return APR_EINVAL;
    }
    if (!mc_phone_ok(recipient)) {
        *err = "the recipient is not a phone number";
        return APR_EINVAL;
    }
    argv[0] = cmd;
    argv[1] = mc_channel_names[ch];
    argv[2] = recipient;
    argv[3] = NULL;
    if ((rv = apr_procattr_create(&attr, p)) != APR_SUCCESS ||
        (rv = apr_procattr_io_set(attr, APR_CHILD_BLOCK, APR_NO_PIPE, APR_NO_PIPE)) !=
            APR_SUCCESS ||
        (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM_PATH)) != APR_SUCCESS ||
        (rv = apr_procattr_error_check_set(attr, 1)) != APR_SUCCESS ||
        (rv = apr_proc_create(&proc, cmd, argv, NULL, attr, p)) != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot start the gateway %s: %s", cmd,
                            apr_strerror(rv, buf, sizeof(buf)));
        return APR_EAGAIN;
    }

    apr_time_t started = apr_time_now();
    /* The parent's end is non-blocking with a timeout: a gateway that
     * never reads cannot hang us. A write error (the gateway exited
     * early) is judged by its exit status below. */
    apr_file_pipe_timeout_set(proc.in, deadline > started ? deadline - started : 1);
    apr_size_t len = strlen(body ? body : "");
    apr_status_t wrv = len ? apr_file_write_full(proc.in, body, len, NULL) : APR_SUCCESS;
    apr_file_close(proc.in);

    int code = 0;
    apr_exit_why_e why = APR_PROC_EXIT;
    for (;;) {
        rv = apr_proc_wait(&proc, &code, &why, APR_NOWAIT);
        if (rv == APR_CHILD_DONE)
            break;
        if (rv != APR_CHILD_NOTDONE) {
            *err =
                apr_psprintf(p, "waiting for the gateway: %s", apr_strerror(rv, buf, sizeof(buf)));
            return APR_EAGAIN;
        }
        if (apr_time_now() >= deadline) {
            apr_proc_kill(&proc, SIGKILL);
            apr_proc_wait(&proc, &code, &why, APR_WAIT);
            *err = apr_psprintf(p, "the gateway did not finish within %d seconds",
                                (int)apr_time_sec(deadline - started + apr_time_from_msec(500)));
            return APR_EAGAIN;
        }
        apr_sleep(apr_time_from_msec(20));
    }
    if (APR_PROC_CHECK_SIGNALED(why)) {
        *err = apr_psprintf(p, "the gateway was killed by signal %d", code);
        return APR_EAGAIN;
    }
    if (code != 0) {
        *err = apr_psprintf(p, "the gateway exited with status %d", code);
        return APR_EAGAIN;
    }
    if (wrv != APR_SUCCESS) {
        *err = apr_psprintf(p, "writing to the gateway: %s", apr_strerror(wrv, buf, sizeof(buf)));
        return APR_EAGAIN;
    }
    return APR_SUCCESS;
}

apr_status_t mc_gateway_send(apr_pool_t *p, const char *cmd, mc_channel ch, const char *recipient,
                             const char *body, const char **err)
{
    return mc_gateway_run(p, cmd, ch, recipient, body,
                          apr_time_now() + apr_time_from_sec(MC_GATEWAY_LIMIT_SEC), err);
}

/* ---- delivery ----------------------------------------------------------- */

/* Each outcome is recorded as soon as it is known, one row by its primary
 * key, so a worker that dies leaves at most the one notice it was sending
 * unrecorded (it goes again, with the same Message-ID, once the claim has
 * expired). Claims are leases: conf->lease seconds, renewed while the
 * worker lives (once a third of the lease has passed), so a dead worker's
 * rows return that soon and a live one never loses its rows to another:
 * no send outlasts the lease (the SMTP session's deadline, the gateway's
 * limit), and a worker that cannot be sure its lease still holds (a
 * renewal that came back too late) stops the round. */
#define MC_OUTBOX_LEASE_DEFAULT 30
#define MC_OUTBOX_LEASE_MIN 3
#define MC_OUTBOX_LEASE_MAX 3600
/* A send ends, failing if it must, this long before the lease could run
 * out (the database's clock may tick a little ahead of ours). */
#define MC_OUTBOX_LEASE_MARGIN apr_time_from_sec(1)
/* A round stops taking rows after this long and gives the rest back, so
 * that other workers share a long batch. */
#define MC_OUTBOX_ROUND_LIMIT apr_time_from_sec(240)
#define MC_OUTBOX_BATCH_MAX 5000

/* last_error as stored: at most 480 bytes cut on a character boundary,
 * never holding the body. */
static const char *mc_outbox_reason(apr_pool_t *p, const char *err, const char *body)
{
    if (!err || !*err)
        return "delivery failed";
    if (body && strlen(body) >= 4 && strstr(err, body))
        return "delivery failed (the reason quoted the message and was not kept)";
    apr_size_t n = strlen(err);
    if (n <= 480)
        return err;
    n = 480;
    while (n > 0 && ((unsigned char)err[n] & 0xC0) == 0x80)
        n--;
    return apr_pstrmemdup(p, err, n);
}

/* A set of row ids for one statement, as a JSON array that JSON_TABLE
 * turns into rows: joined on the primary key, a statement touches exactly
 * those rows, one index lookup each, however scattered the ids. */
typedef struct {
    char *json; /* "[12,13,15]" */
    apr_size_t len, cap;
    int n;
} mc_idset;

#define MC_IDSET_JOIN                                                                              \
    " mc_outbox o JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"              \
    " ON o.id = j.id "

/* The ids of rows [from, to) of res (column 0), in p. */
static void mc_idset_of(apr_pool_t *p, mc_idset *s, const mc_dbres *res, int from, int to)
{
    s->cap = (apr_size_t)(to - from) * 21 + 3;
    s->json = apr_palloc(p, s->cap);
    s->json[0] = '[';
    s->json[1] = ']';
    s->json[2] = '\0';
    s->len = 1; /* where the next id goes */
    s->n = 0;
    for (int r = from; r < to; r++, s->n++)
        s->len +=
            (apr_size_t)apr_snprintf(s->json + s->len, s->cap - s->len, "%s%" APR_INT64_T_FMT "]",
                                     s->n ? "," : "", (apr_int64_t)mc_dbres_int(res, r, 0)) -
            1;
}

#define MC_OUTBOX_COLUMNS                                                                          \
    "SELECT id, channel, recipient, cc, subject, body, attempts, UNIX_TIMESTAMP(queued_at),"       \
    " list_unsubscribe FROM mc_outbox"
#define MC_OUTBOX_NCOLS 9

/* One round's claim: the rows, and until when they are surely ours. */
typedef struct {
    mc_db *db;
    const char *name;      /* claimed_by: unique per round */
    int lease;             /* seconds */
    mc_dbres *res;         /* the claimed rows (MC_OUTBOX_COLUMNS) */
    apr_time_t renewed;    /* our clock when the lease was last taken */
    apr_time_t held_until; /* renewed + lease: no one else can take them before */
} mc_claim;

/* Claim up to batch rows in one transaction: first rows left 'sending' by
 * a worker whose lease expired, then due rows, oldest first ('queued'
 * before 'retrying'), each through the index on (status, next_attempt_at)
 * so that a claim reads only the rows it takes, however many were sent
 * before. */
static apr_status_t mc_outbox_claim_once(mc_claim *c, apr_pool_t *p, int batch)
{
    mc_dbres *expired = NULL, *due = NULL;
    apr_time_t t0 = apr_time_now();
    apr_status_t rv = mc_db_begin(c->db);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_query(c->db, p, &expired,
                     MC_OUTBOX_COLUMNS
                     " WHERE status = 'sending' AND claimed_until < UTC_TIMESTAMP()"
                     " LIMIT ? FOR UPDATE SKIP LOCKED",
                     "i", (long long)batch);
    if (rv == APR_SUCCESS && expired->nrows < batch)
        rv = mc_db_query(
            c->db, p, &due,
            MC_OUTBOX_COLUMNS
            " WHERE status IN ('queued','retrying') AND next_attempt_at <= UTC_TIMESTAMP()"
            " ORDER BY status, next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
            "i", (long long)(batch - expired->nrows));
    if (rv == APR_SUCCESS) {
        mc_dbres *all = apr_pcalloc(p, sizeof(*all));
        int n = expired->nrows + (due ? due->nrows : 0);
        all->ncols = MC_OUTBOX_NCOLS;
        all->rows = apr_pcalloc(p, sizeof(*all->rows) * (n ? n : 1));
        all->lens = apr_pcalloc(p, sizeof(*all->lens) * (n ? n : 1));
        for (int r = 0; r < expired->nrows; r++, all->nrows++) {
            all->rows[all->nrows] = expired->rows[r];
            all->lens[all->nrows] = expired->lens[r];
        }
        for (int r = 0; due && r < due->nrows; r++, all->nrows++) {
            all->rows[all->nrows] = due->rows[r];
            all->lens[all->nrows] = due->lens[r];
        }
        c->res = all;
        if (n > 0) {
            mc_idset ids;
            mc_idset_of(p, &ids, all, 0, n);
            rv = mc_db_exec(c->db, NULL, NULL,
                            "UPDATE" MC_IDSET_JOIN "SET o.status = 'sending', o.claimed_by = ?,"
                            " o.claimed_until = UTC_TIMESTAMP() + INTERVAL ? SECOND",
                            "ssi", ids.json, c->name, (long long)c->lease);
        }
    }
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(c->db);
    if (rv != APR_SUCCESS && !mc_db_broken(c->db))
        mc_db_rollback(c->db);
    if (rv == APR_SUCCESS) {
        c->renewed = t0;
        c->held_until = t0 + apr_time_from_sec(c->lease);
    }
    return rv;
}

/* The claim, tried again after a deadlock: workers claiming at once lock
 * index ranges of each other's rows (InnoDB has rolled the loser back). */
static apr_status_t mc_outbox_claim(mc_claim *c, apr_pool_t *p, int batch)
{
    apr_status_t rv;
    for (int try = 0; try < 5; try++) {
        rv = mc_outbox_claim_once(c, p, batch);
        if (rv != MC_DB_EDEADLOCK)
            break;
    }
    return rv;
}

/* Extend the lease of rows [from, n) by another conf lease. *sure is 0
 * when the renewal came back so late that the old lease may have run out
 * first (another worker may have taken some of the rows). */
static apr_status_t mc_outbox_renew(mc_claim *c, apr_pool_t *p, int from, int *sure)
{
    mc_idset ids;
    apr_status_t rv;
    apr_time_t t0 = apr_time_now();
    mc_idset_of(p, &ids, c->res, from, c->res->nrows);
    MC_DB_EXEC_RETRY(rv, c->db, NULL, NULL,
                     "UPDATE" MC_IDSET_JOIN
                     "SET o.claimed_until = UTC_TIMESTAMP() + INTERVAL ? SECOND"
                     " WHERE o.claimed_by = ? AND o.status = 'sending'",
                     "sis", ids.json, (long long)c->lease, c->name);
    *sure = apr_time_now() < c->held_until - MC_OUTBOX_LEASE_MARGIN;
    if (rv == APR_SUCCESS && *sure) {
        c->renewed = t0;
        c->held_until = t0 + apr_time_from_sec(c->lease);
    }
    return rv;
}

/* Deliver row r of the claim before deadline; e-mail goes over *session,
 * opened on first use. */
static apr_status_t mc_outbox_send_one(apr_pool_t *p, apr_pool_t *tp, const mc_delivery_conf *conf,
                                       mc_smtp_session **session, const mc_dbres *res, int r,
                                       apr_time_t deadline, const char **err)
{
    const char *channel = mc_dbres_get(res, r, 1);
    const char *body = mc_dbres_get(res, r, 5);
    if (channel && strcmp(channel, "email") == 0) {
        mc_mail m;
        memset(&m, 0, sizeof(m));
        m.from = conf->mail_from;
        m.from_name = conf->mail_from_name;
        m.to = mc_dbres_get(res, r, 2);
        m.cc = mc_dbres_get(res, r, 3);
        m.subject = mc_dbres_get(res, r, 4);
        m.body = body;
        /* The same on every attempt: the row, and when it was queued (ids
         * of a database created again start over). */
        m.message_id_local =
            apr_psprintf(tp, "notice.%s.%s", mc_dbres_get(res, r, 0), mc_dbres_get(res, r, 7));
        m.list_unsubscribe = mc_dbres_get(res, r, 8);
        if (!*session)
            *session = mc_smtp_session_create(p, conf->smtp_host ? conf->smtp_host : "localhost",
                                              conf->smtp_port ? conf->smtp_port : 25,
                                              conf->smtp_timeout ? conf->smtp_timeout : 30);
        mc_smtp_session_set_deadline(*session, deadline);
        return mc_smtp_session_send(*session, tp, &m, err);
    }
    mc_channel ch = channel && strcmp(channel, "voice") == 0 ? MC_CHANNEL_VOICE : MC_CHANNEL_SMS;
    apr_time_t limit = apr_time_now() + apr_time_from_sec(MC_GATEWAY_LIMIT_SEC);
    return mc_gateway_run(tp, conf->gateway, ch, mc_dbres_get(res, r, 2), body,
                          deadline < limit ? deadline : limit, err);
}

/* Record the outcome of row r (sent: srv APR_SUCCESS), while the claim is
 * ours. *lost is set when it no longer was. */
static apr_status_t mc_outbox_record(mc_claim *c, apr_pool_t *tp, const mc_delivery_conf *conf,
                                     int r, apr_status_t srv, const char *err, int *lost)
{
    const mc_dbres *res = c->res;
    long long id = mc_dbres_int(res, r, 0), changed = 0;
    int attempts = (int)mc_dbres_int(res, r, 6) + 1;
    int max_attempts = conf->max_attempts > 0 ? conf->max_attempts : 8;
    apr_status_t rv;

    if (srv == APR_SUCCESS) {
        MC_DB_EXEC_RETRY(rv, c->db, &changed, NULL,
                         "UPDATE mc_outbox SET status = 'sent', sent_at = UTC_TIMESTAMP(),"
                         " attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL,"
                         " last_error = NULL WHERE id = ? AND claimed_by = ?",
                         "is", id, c->name);
    }
    else {
        const char *reason = mc_outbox_reason(tp, err, mc_dbres_get(res, r, 5));
        int final = srv == APR_EINVAL || attempts >= max_attempts;
        mc_log(MC_LOG_WARNING, MC_LOG_MARK,
               MCLOGNO(2008) "mc_outbox: notice %lld attempt %d %s: %s", id, attempts,
               final ? "failed for good" : "will be retried", reason);
        if (final)
            MC_DB_EXEC_RETRY(rv, c->db, &changed, NULL,
                             "UPDATE mc_outbox SET status = 'failed', attempts = attempts + 1,"
                             " claimed_by = NULL, claimed_until = NULL, last_error = ?"
                             " WHERE id = ? AND claimed_by = ?",
                             "sis", reason, id, c->name);
        else
            MC_DB_EXEC_RETRY(rv, c->db, &changed, NULL,
                             "UPDATE mc_outbox SET status = 'retrying', attempts = attempts + 1,"
                             " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
                             " claimed_by = NULL, claimed_until = NULL, last_error = ?"
                             " WHERE id = ? AND claimed_by = ?",
                             "isis", (long long)mc_outbox_backoff(attempts), reason, id, c->name);
    }
    if (rv == APR_SUCCESS && changed == 0) {
        mc_log(MC_LOG_WARNING, MC_LOG_MARK,
               MCLOGNO(2009) "mc_outbox: notice %lld was %s after its claim had expired; another "
                             "worker may "
                             "send it again",
               id, srv == APR_SUCCESS ? "sent" : "tried");
        *lost = 1;
    }
    return rv;
}

apr_status_t mc_outbox_deliver(mc_db *db, apr_pool_t *p, const mc_delivery_conf *conf, int *sent,
                               int *failed)
{
    mc_claim c;
    mc_smtp_session *session = NULL;
    unsigned char rnd[4] = {0};
    int nsent = 0, nfailed = 0, lost = 0, r;
    apr_status_t rv = APR_SUCCESS;
    apr_time_t started = apr_time_now();

    if (sent)
        *sent = 0;
    if (failed)
        *failed = 0;
    apr_generate_random_bytes(rnd, sizeof(rnd));
    memset(&c, 0, sizeof(c));
    c.db = db;
    /* Unique per round, so an outcome is written only while the claim is ours. */
    c.name = apr_psprintf(p, "%.80s#%02x%02x%02x%02x", conf->worker ? conf->worker : "worker",
                          rnd[0], rnd[1], rnd[2], rnd[3]);
    c.lease = conf->lease > 0 ? conf->lease : MC_OUTBOX_LEASE_DEFAULT;
    if (c.lease < MC_OUTBOX_LEASE_MIN)
        c.lease = MC_OUTBOX_LEASE_MIN;
    if (c.lease > MC_OUTBOX_LEASE_MAX)
        c.lease = MC_OUTBOX_LEASE_MAX;
    int batch = conf->batch > 0 ? conf->batch : 20;
    if ((rv = mc_outbox_claim(&c, p, batch > MC_OUTBOX_BATCH_MAX ? MC_OUTBOX_BATCH_MAX : batch)) !=
        APR_SUCCESS)
        return rv;
    if (c.res->nrows == 0)
        return APR_SUCCESS;

    apr_interval_time_t renew_every = apr_time_from_sec(c.lease) / 3;
    for (r = 0; r < c.res->nrows && rv == APR_SUCCESS && !lost; r++) {
        apr_pool_t *tp;
        const char *err = NULL;
        const char *channel = mc_dbres_get(c.res, r, 1);
        int gateway = channel && strcmp(channel, "email") != 0;
        apr_time_t now = apr_time_now();

        if (now - started > MC_OUTBOX_ROUND_LIMIT)
            break;
        apr_pool_create(&tp, p);
        /* The gateway may take most of a lease: a fresh one first. */
        if (now - c.renewed >= renew_every ||
            (gateway && now - c.renewed >= apr_time_from_sec(1))) {
            int sure;
            rv = mc_outbox_renew(&c, tp, r, &sure);
            if (rv == APR_SUCCESS && !sure) {
                mc_log(MC_LOG_WARNING, MC_LOG_MARK,
                       MCLOGNO(2010) "mc_outbox: the claim on %d notices was renewed too late to "
                                     "be sure of "
                                     "it; the round stops",
                       c.res->nrows - r);
                lost = 1;
            }
        }
        if (rv == APR_SUCCESS && !lost) {
            apr_status_t srv = mc_outbox_send_one(p, tp, conf, &session, c.res, r,
                                                  c.held_until - MC_OUTBOX_LEASE_MARGIN, &err);
            if (srv == APR_SUCCESS)
                nsent++;
            else
                nfailed++;
            rv = mc_outbox_record(&c, tp, conf, r, srv, err, &lost);
            if (lost)
                r++; /* recorded or not, it is done with */
        }
        apr_pool_destroy(tp);
        if (lost)
            break;
    }
    if (session)
        mc_smtp_session_close(session);
    if (rv == APR_SUCCESS && r < c.res->nrows) {
        /* Out of time, or the lease in doubt: the rows not reached that
         * are still ours go back, no attempt counted. */
        mc_idset rest;
        mc_idset_of(p, &rest, c.res, r, c.res->nrows);
        if (!lost)
            mc_log(MC_LOG_WARNING, MC_LOG_MARK,
                   MCLOGNO(2011) "mc_outbox: round stopped after %d of %d notices (time limit); "
                                 "the rest go "
                                 "back to the queue",
                   r, c.res->nrows);
        MC_DB_EXEC_RETRY(rv, db, NULL, NULL,
                         "UPDATE" MC_IDSET_JOIN
                         "SET o.status = IF(o.attempts = 0, 'queued', 'retrying'),"
                         " o.claimed_by = NULL, o.claimed_until = NULL"
                         " WHERE o.claimed_by = ? AND o.status = 'sending'",
                         "ss", rest.json, c.name);
    }
    /* After a database error, the row whose outcome was not recorded, and
     * the rows not reached, stay claimed until the lease runs out. */
    if (sent)
        *sent = nsent;
    if (failed)
        *failed = nfailed;
    return rv;
}
