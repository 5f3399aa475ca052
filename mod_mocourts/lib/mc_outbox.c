/* mc_outbox: queue notifications, deliver them with claims that several
 * workers can share. See mc_outbox.h. */
#include "mc_outbox.h"
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

/* Characters (not bytes) of a UTF-8 string. */
static apr_size_t mc_utf8_len(const char *s)
{
    apr_size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

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
        if (n->subject && (strpbrk(n->subject, "\r\n") || mc_utf8_len(n->subject) > 255))
            return APR_EINVAL;
    }
    else if (!mc_phone_ok(n->recipient)) {
        return APR_EINVAL;
    }
    if ((n->kind && strlen(n->kind) > 40) || (n->case_ref && mc_utf8_len(n->case_ref) > 40))
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

apr_status_t mc_gateway_send(apr_pool_t *p, const char *cmd, mc_channel ch, const char *recipient,
                             const char *body, const char **err)
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

    apr_time_t deadline = apr_time_now() + apr_time_from_sec(MC_GATEWAY_LIMIT_SEC);
    /* The parent's end is non-blocking with a timeout: a gateway that
     * never reads cannot hang us. A write error (the gateway exited
     * early) is judged by its exit status below. */
    apr_file_pipe_timeout_set(proc.in, apr_time_from_sec(MC_GATEWAY_LIMIT_SEC));
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
                                MC_GATEWAY_LIMIT_SEC);
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

/* ---- delivery ----------------------------------------------------------- */

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

/* Deliver one claimed row (columns as in the claim query). */
static apr_status_t mc_outbox_send_one(apr_pool_t *p, const mc_delivery_conf *conf,
                                       const mc_dbres *res, int r, const char **err)
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
        return mc_smtp_send(p, conf->smtp_host ? conf->smtp_host : "localhost",
                            conf->smtp_port ? conf->smtp_port : 25,
                            conf->smtp_timeout ? conf->smtp_timeout : 30, &m, err);
    }
    mc_channel ch = channel && strcmp(channel, "voice") == 0 ? MC_CHANNEL_VOICE : MC_CHANNEL_SMS;
    return mc_gateway_send(p, conf->gateway, ch, mc_dbres_get(res, r, 2), body, err);
}

/* Claim up to conf->batch due rows for claim; *res holds
 * id, channel, recipient, cc, subject, body, attempts. */
static apr_status_t mc_outbox_claim(mc_db *db, apr_pool_t *p, const mc_delivery_conf *conf,
                                    const char *claim, mc_dbres **res)
{
    apr_status_t rv = mc_db_begin(db);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_query(
        db, p, res,
        "SELECT id, channel, recipient, cc, subject, body, attempts FROM mc_outbox"
        " WHERE (status IN ('queued','retrying') AND next_attempt_at <= UTC_TIMESTAMP())"
        " OR (status = 'sending' AND claimed_until < UTC_TIMESTAMP())"
        " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
        "i", (long long)(conf->batch > 0 ? conf->batch : 20));
    for (int r = 0; rv == APR_SUCCESS && r < (*res)->nrows; r++)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_outbox SET status = 'sending', claimed_by = ?,"
                        " claimed_until = UTC_TIMESTAMP() + INTERVAL 5 MINUTE WHERE id = ?",
                        "si", claim, mc_dbres_int(*res, r, 0));
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS && !mc_db_broken(db))
        mc_db_rollback(db);
    return rv;
}

apr_status_t mc_outbox_deliver(mc_db *db, apr_pool_t *p, const mc_delivery_conf *conf, int *sent,
                               int *failed)
{
    mc_dbres *res;
    unsigned char rnd[4] = {0};
    int nsent = 0, nfailed = 0;
    apr_status_t rv = APR_SUCCESS;

    if (sent)
        *sent = 0;
    if (failed)
        *failed = 0;
    apr_generate_random_bytes(rnd, sizeof(rnd));
    /* Unique per batch, so an outcome is written only while the claim is ours. */
    const char *claim =
        apr_psprintf(p, "%.80s#%02x%02x%02x%02x", conf->worker ? conf->worker : "worker", rnd[0],
                     rnd[1], rnd[2], rnd[3]);
    if ((rv = mc_outbox_claim(db, p, conf, claim, &res)) != APR_SUCCESS)
        return rv;

    int max_attempts = conf->max_attempts > 0 ? conf->max_attempts : 8;
    for (int r = 0; r < res->nrows && rv == APR_SUCCESS; r++) {
        apr_pool_t *tp;
        const char *err = NULL;
        long long id = mc_dbres_int(res, r, 0);
        int attempts = (int)mc_dbres_int(res, r, 6) + 1;

        apr_pool_create(&tp, p);
        apr_status_t srv = mc_outbox_send_one(tp, conf, res, r, &err);
        if (srv == APR_SUCCESS) {
            nsent++;
            rv = mc_db_exec(db, NULL, NULL,
                            "UPDATE mc_outbox SET status = 'sent', sent_at = UTC_TIMESTAMP(),"
                            " attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL,"
                            " last_error = NULL WHERE id = ? AND claimed_by = ?",
                            "is", id, claim);
        }
        else {
            const char *reason = mc_outbox_reason(tp, err, mc_dbres_get(res, r, 5));
            int final = srv == APR_EINVAL || attempts >= max_attempts;
            nfailed++;
            mc_log(MC_LOG_WARNING, MC_LOG_MARK, "mc_outbox: notice %lld attempt %d %s: %s", id,
                   attempts, final ? "failed for good" : "will be retried", reason);
            if (final)
                rv = mc_db_exec(db, NULL, NULL,
                                "UPDATE mc_outbox SET status = 'failed', attempts = attempts + 1,"
                                " claimed_by = NULL, claimed_until = NULL, last_error = ?"
                                " WHERE id = ? AND claimed_by = ?",
                                "sis", reason, id, claim);
            else
                rv = mc_db_exec(db, NULL, NULL,
                                "UPDATE mc_outbox SET status = 'retrying', attempts = attempts + 1,"
                                " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
                                " claimed_by = NULL, claimed_until = NULL, last_error = ?"
                                " WHERE id = ? AND claimed_by = ?",
                                "isis", (long long)mc_outbox_backoff(attempts), reason, id, claim);
        }
        apr_pool_destroy(tp);
    }
    /* Rows not reached after a database error stay claimed and are taken
     * again when the claim expires. */
    if (sent)
        *sent = nsent;
    if (failed)
        *failed = nfailed;
    return rv;
}
