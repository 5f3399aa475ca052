/* mc_case.c: court-data changes that notify trackers. See mc_case.h.
 *
 * A case may be tracked by a great many accounts (100,000 is a benchmark),
 * so notices are never made one mc_outbox_add at a time: each body is
 * rendered once, with a random marker where the tracker's own Stop
 * Tracking link goes, split at the marker, and one INSERT ... SELECT over
 * mc_track writes every row, putting the link together with CONCAT. The
 * columns and values are those mc_outbox_add writes (status 'queued',
 * next_attempt_at now), so the delivery worker treats them alike.
 *
 * Track This Case alerts are deliberately NOT copied to group
 * administrators: the tracker chose where they go (the address or verified
 * phone in mc_track), and the outbox's carbon-copy rule is for notices
 * about the account itself (seed 000), not for docket alerts an account
 * asked for. So cc is NULL on every row made here.
 *
 * Stop Tracking links: only the SHA-256 of a link's token is stored
 * (mc_track_stop), never the token, so no notice can reuse an earlier
 * notice's token: every e-mail gets one of its own. A fan-out makes its
 * tokens in SQL from a secret of its own (mc_token_new, kept in memory
 * only): token = the first 43 hex digits of SHA-256(secret "/" track id),
 * 172 bits, 43 characters of the base64url alphabet like mc_token_new's
 * (hex rather than base64url: SHA2's own output, where base64url took
 * UNHEX, TO_BASE64 and two REPLACEs a row, most of a 100,000-tracker
 * fan-out's token cost). One statement stores each token's hash, the next
 * writes the same token into each body; the secret is gone with the pool.
 * Knowing one's own token tells nothing of another's (SHA-256 is one-way
 * and the secret never leaves the process). */
#include "mc_case.h"
#include "mc_crypto.h"
#include "mc_log.h"
#include "mc_webhook.h"

#include <apr_general.h>
#include <jansson.h>
#include <apr_strings.h>
#include <string.h>

#define MC_CASE_BATCH 200      /* trackers per digest transaction */
#define MC_CASE_PAIRS 50       /* hearing reminders (hearing, days) per query */
#define MC_CASE_SHORT_TEXT 120 /* characters of an entry's text in an SMS */

/* Columns and values shared by every INSERT ... SELECT into mc_outbox.
 * E-mail goes to the account's address as it is when the notice is queued
 * (mc_track.recipient keeps the address shown when tracking began); texts
 * and calls go to the tracking's verified number. An e-mail's
 * list_unsubscribe is its Stop Tracking link: the delivery sends it as the
 * RFC 8058 List-Unsubscribe header, whose one-click POST the link takes. */
#define OUTBOX_COLS                                                                                \
    "INSERT INTO mc_outbox (account_id, channel, recipient, cc, subject, body, kind, case_ref,"    \
    " status, attempts, queued_at, next_attempt_at, list_unsubscribe) "
/* A recipient from mc_track never carries a line break (the track pages
 * check it; this keeps a bad row from reaching a mail header anyway). */
#define RECIPIENT_SANE " AND INSTR(t.recipient, CHAR(13)) = 0 AND INSTR(t.recipient, CHAR(10)) = 0"
/* A fan-out's Stop Tracking token of tracking t (see the top of this file):
 * one parameter, the fan-out's secret. */
#define STOP_TOKEN "LEFT(SHA2(CONCAT(?, '/', t.id), 256), 43)"
#define STOP_HASH_COLS "INSERT INTO mc_track_stop (track_id, token_hash, created_at) "
/* Hearing reminders go to a tracking t whose alert filter has no kinds or
 * has 'hearings' (sql/casetrack/0008_alert_filters.sql). */
#define HEARING_ALERTS " AND (t.alert_types IS NULL OR FIND_IN_SET('hearings', t.alert_types) > 0)"

/* "YYYY-MM-DD HH:MM:SS" (UTC) of t. */
static const char *mc_case_sqltime(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t x;
    apr_time_exp_gmt(&x, t);
    return apr_psprintf(p, "%04d-%02d-%02d %02d:%02d:%02d", x.tm_year + 1900, x.tm_mon + 1,
                        x.tm_mday, x.tm_hour, x.tm_min, x.tm_sec);
}

/* A marker no rendered text can contain by accident: 16 random bytes as hex
 * between control characters. */
static const char *mc_case_marker(apr_pool_t *p)
{
    unsigned char r[16];
    char hex[33];
    int i;
    apr_generate_random_bytes(r, sizeof(r));
    for (i = 0; i < 16; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", r[i]);
    return apr_pstrcat(p, "\001MCSTOP", hex, "\001", NULL);
}

/* Split body at the first marker into *pre and *post. Further markers (a
 * site's template that names the link twice) become the Manage My Case
 * address; a template without one gets the link appended, so every e-mail
 * carries its Stop Tracking link. */
static void mc_case_split(apr_pool_t *p, const mc_case_env *env, const char *body,
                          const char *marker, const char **pre, const char **post)
{
    const char *at = strstr(body, marker);
    size_t ml = strlen(marker);
    if (!at) {
        *pre = apr_pstrcat(p, body, "\nStop Tracking (no logon needed): ", NULL);
        *post = "\n";
        return;
    }
    *pre = apr_pstrmemdup(p, body, at - body);
    const char *rest = at + ml;
    const char *mycases = apr_pstrcat(p, env->casenet_url, "/mycases", NULL);
    char *out = apr_pstrdup(p, "");
    const char *m;
    while ((m = strstr(rest, marker)) != NULL) {
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, rest, m - rest), mycases, NULL);
        rest = m + ml;
    }
    *post = apr_pstrcat(p, out, rest, NULL);
}

static apr_status_t mc_case_text(apr_pool_t *p, const mc_case_env *env, const char *file,
                                 const mc_vars *v, char **out)
{
    const char *err = NULL;
    apr_status_t rv =
        mc_tmpl_text(env->tmpl, p, apr_pstrcat(p, "casetrack/", file, NULL), v, out, &err);
    if (rv != APR_SUCCESS)
        mc_log(MC_LOG_ERR, MC_LOG_MARK, MCLOGNO(2200) "mc_case: cannot render casetrack/%s: %s",
               file, err ? err : "unknown error");
    return rv;
}

/* The texts of a notice from v (the case's and the event's variables, to
 * which case_url, stop_url and mycases_url are added): the e-mail from
 * file, split around its Stop Tracking link (*pre ends with the link's
 * ".../stop/", *post follows its token); and notice-short.txt with
 * summary, for a text message (with the case's link) and for a call
 * (without). */
static apr_status_t mc_case_texts(apr_pool_t *p, const mc_case_env *env, mc_vars *v,
                                  const char *file, const char *case_url, const char *summary,
                                  const char **pre, const char **post, char **sms, char **voice)
{
    const char *marker = mc_case_marker(p);
    char *body;
    apr_status_t rv;
    mc_vars_set(v, "case_url", case_url);
    mc_vars_set(v, "stop_url", marker);
    mc_vars_set(v, "mycases_url", apr_pstrcat(p, env->casenet_url, "/mycases", NULL));
    if ((rv = mc_case_text(p, env, file, v, &body)) != APR_SUCCESS)
        return rv;
    mc_case_split(p, env, body, marker, pre, post);
    *pre = apr_pstrcat(p, *pre, env->casenet_url, "/stop/", NULL);
    mc_vars_set(v, "summary", summary);
    mc_vars_set(v, "link", apr_pstrcat(p, " ", case_url, NULL));
    if ((rv = mc_case_text(p, env, "notice-short.txt", v, sms)) != APR_SUCCESS)
        return rv;
    mc_vars_set(v, "link", ""); /* a call reads no links */
    return mc_case_text(p, env, "notice-short.txt", v, voice);
}

/* At most n characters (UTF-8 aware) of s, with "..." when cut; line
 * breaks become spaces (an SMS is one line). */
static const char *mc_case_clip(apr_pool_t *p, const char *s, int n)
{
    char *o = apr_pstrdup(p, s ? s : "");
    char *c;
    int chars = 0;
    for (c = o; *c; c++)
        if (*c == '\r' || *c == '\n' || *c == '\t')
            *c = ' ';
    for (c = o; *c; c++) {
        if (((unsigned char)*c & 0xC0) != 0x80 && ++chars > n) {
            *c = '\0';
            return apr_pstrcat(p, o, "...", NULL);
        }
    }
    return o;
}

/* A subject is one line and at most 255 characters (mc_outbox_add's rule). */
static int mc_case_subject_ok(const char *s)
{
    return s && !strpbrk(s, "\r\n") && strlen(s) <= 255;
}

/* One 'track-entry' notice per active tracker of case_id with frequency
 * 'each' whose alert filter takes the entry's kind: e-mail body pre +
 * <id>/<token> + post (pre ends with the stop route; the token of the
 * fan-out's secret), sms and voice bodies as given. *made += rows queued. */
static apr_status_t mc_case_fanout_entry(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                         long long case_id, const char *kind, const char *number,
                                         const char *subject, const char *pre, const char *post,
                                         const char *sms, const char *voice, long long *made)
{
    const char *stop = apr_pstrcat(p, env->casenet_url, "/stop/", NULL);
    /* The hashes' statement reads mc_track alone: its foreign key to
     * mc_account (ON DELETE CASCADE) means every tracking has its account,
     * so the join the notices need for the address would drop no row, and
     * cost a lookup a tracker. */
#define EACH_EMAIL                                                                                 \
    " WHERE t.case_id = ? AND t.active = 1 AND t.frequency = 'each' AND t.channel = "              \
    "'email' AND" MC_CASE_ALERTS_FOR RECIPIENT_SANE
    const char *secret = mc_token_new(p);
    long long a = 0, b = 0;
    apr_status_t rv =
        mc_db_exec(db, NULL, NULL,
                   STOP_HASH_COLS "SELECT t.id, SHA2(" STOP_TOKEN
                                  ", 256), UTC_TIMESTAMP() FROM mc_track t" EACH_EMAIL,
                   "sis", secret, case_id, kind);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(
            db, &a, NULL,
            OUTBOX_COLS "SELECT t.account_id, 'email', a.email, NULL, ?, CONCAT(?, "
                        "t.id, '/', " STOP_TOKEN ", ?), 'track-entry', ?, 'queued', 0, "
                        "UTC_TIMESTAMP(), UTC_TIMESTAMP(), CONCAT(?, t.id, '/', " STOP_TOKEN
                        ") FROM mc_track t JOIN mc_account a ON a.id = t.account_id" EACH_EMAIL,
            "sssssssis", subject, pre, secret, post, number, stop, secret, case_id, kind);
#undef EACH_EMAIL
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(
            db, &b, NULL,
            OUTBOX_COLS
            "SELECT t.account_id, t.channel, t.recipient, NULL, '', IF(t.channel = "
            "'voice', ?, ?), 'track-entry', ?, 'queued', 0, UTC_TIMESTAMP(), "
            "UTC_TIMESTAMP(), NULL FROM mc_track t WHERE t.case_id = ? AND t.active = 1 AND "
            "t.frequency = 'each' AND t.channel IN ('sms', 'voice') AND" MC_CASE_ALERTS_FOR
                RECIPIENT_SANE,
            "sssis", voice, sms, number, case_id, kind);
    *made += a + b;
    return rv;
}

apr_status_t mc_case_docket_add(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                const mc_docket_entry *e, long long *entry_id, long long *queued)
{
    mc_dbres *res;
    apr_status_t rv;
    long long id = 0, made = 0, digests = 0;
    if (entry_id)
        *entry_id = 0;
    if (queued)
        *queued = 0;
    if (!e || e->case_id <= 0 || !e->entry_date || strlen(e->entry_date) != 10 || !e->entry_type ||
        !*e->entry_type || !e->text || !env || !env->tmpl || !env->casenet_url)
        return APR_EINVAL;

    /* The case row is locked until the caller's commit: entries of one case
     * queue in order, and a concurrent "confidential" waits for them. */
    rv =
        mc_db_query(db, p, &res, "SELECT id FROM mc_case WHERE id = ? FOR UPDATE", "i", e->case_id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return APR_EINVAL;
    rv = mc_db_query(db, p, &res,
                     "SELECT c.number, c.caption, c.confidential, co.name FROM mc_case c "
                     "JOIN mc_court co ON co.code = c.court_code WHERE c.id = ?",
                     "i", e->case_id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return APR_EINVAL;
    const char *number = mc_dbres_get(res, 0, 0);
    const char *caption = mc_dbres_get(res, 0, 1);
    int confidential = mc_dbres_int(res, 0, 2) != 0;
    const char *court_of_case = mc_dbres_get(res, 0, 3);

    rv = mc_db_exec(db, NULL, &id,
                    "INSERT INTO mc_docket (case_id, ref, entry_date, entry_type, text, filed_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())",
                    "isssss", e->case_id, e->ref, e->entry_date, e->entry_type, e->text,
                    e->filed_by ? e->filed_by : "");
    if (rv != APR_SUCCESS)
        return rv;
    if (entry_id)
        *entry_id = id;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_case SET last_activity = UTC_TIMESTAMP() WHERE id = ?", "i",
                    e->case_id);
    if (rv != APR_SUCCESS || confidential)
        return rv; /* a confidential case notifies nobody */
    /* Most cases (an import's millions) have no tracker: nothing to render.
     * A locking read, so a tracking committed since the caller's snapshot
     * counts, as it does for the INSERT ... SELECTs below. */
    rv = mc_db_query(db, p, &res,
                     "SELECT id FROM mc_track WHERE case_id = ? AND active = 1 LIMIT 1 "
                     "LOCK IN SHARE MODE",
                     "i", e->case_id);
    if (rv != APR_SUCCESS || res->nrows == 0)
        return rv;
    /* The entry's kind, which each tracking's alert filter takes or not. */
    rv = mc_db_query(db, p, &res, "SELECT " MC_CASE_ENTRY_KIND " FROM mc_docket WHERE id = ?", "i",
                     id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return APR_EGENERAL;
    const char *kind = mc_dbres_get(res, 0, 0);

    const char *case_url = apr_pstrcat(p, env->casenet_url, "/case/", number, NULL);
    mc_vars *v = mc_vars_make(p, NULL);
    char *sms, *voice;
    const char *pre, *post;
    mc_vars_set(v, "court", env->court_name ? env->court_name : "");
    mc_vars_set(v, "court_of_case", court_of_case);
    mc_vars_set(v, "case_number", number);
    mc_vars_set(v, "caption", caption);
    mc_vars_set(v, "entry_date", e->entry_date);
    mc_vars_set(v, "entry_type", e->entry_type);
    mc_vars_set(v, "text", e->text);
    mc_vars_set(v, "filed_by", e->filed_by ? e->filed_by : "");
    mc_vars_set(v, "filed_by_note",
                e->filed_by && *e->filed_by ? apr_pstrcat(p, " - filed by ", e->filed_by, NULL)
                                            : "");
    rv = mc_case_texts(p, env, v, "notice-entry.txt", case_url,
                       apr_psprintf(p, "new docket entry %s %s: %s", e->entry_date,
                                    mc_case_clip(p, e->entry_type, 60),
                                    mc_case_clip(p, e->text, MC_CASE_SHORT_TEXT)),
                       &pre, &post, &sms, &voice);
    if (rv != APR_SUCCESS)
        return rv;

    const char *subject = apr_pstrcat(p, "Case ", number, ": new docket entry", NULL);
    if (!mc_case_subject_ok(subject))
        return APR_EINVAL;
    rv = mc_case_fanout_entry(db, p, env, e->case_id, kind, number, subject, pre, post, sms, voice,
                              &made);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, &digests, NULL,
                        "INSERT IGNORE INTO mc_track_digest (track_id, docket_id) SELECT t.id, ? "
                        "FROM mc_track t WHERE t.case_id = ? AND t.active = 1 AND "
                        "t.frequency = 'daily' AND" MC_CASE_ALERTS_FOR,
                        "iis", id, e->case_id, kind);
    if (rv == APR_SUCCESS)
        rv = mc_case_webhooks(db, p, e->case_id, kind, MC_WEBHOOK_DOCKET_ENTRY, number,
                              json_pack("{s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s, s:s, s:s}}",
                                        "case_number", number, "caption", caption, "court",
                                        court_of_case, "entry", "id", (json_int_t)id, "date",
                                        e->entry_date, "type", e->entry_type, "kind", kind, "text",
                                        e->text, "filed_by", e->filed_by ? e->filed_by : ""));
    if (rv == APR_SUCCESS && queued)
        *queued = made + digests;
    return rv;
}

apr_status_t mc_case_set_confidential(mc_db *db, long long case_id, int on)
{
    apr_pool_t *p;
    mc_dbres *res;
    apr_status_t rv;
    if (case_id <= 0)
        return APR_EINVAL;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS)
        return APR_ENOMEM;
    rv = mc_db_query(db, p, &res, "SELECT number FROM mc_case WHERE id = ? FOR UPDATE", "i",
                     case_id);
    if (rv == APR_SUCCESS && res->nrows != 1)
        rv = APR_EINVAL;
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_case SET confidential = ?, last_activity = UTC_TIMESTAMP() "
                        "WHERE id = ?",
                        "ii", (long long)(on ? 1 : 0), case_id);
    /* The parties' copy, which the name searches count from, and the
     * hearings' (sql/casetrack/0005), which Scheduled Hearings reads. */
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_party SET case_confidential = ? WHERE case_id = ?", "ii",
                        (long long)(on ? 1 : 0), case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_hearing SET case_confidential = ? WHERE case_id = ?", "ii",
                        (long long)(on ? 1 : 0), case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL, MC_CASE_SEARCH_CHANGED, "");
    /* Making a case public again does not restart the stopped trackings:
     * the trackers were told nothing and choose again. */
    if (rv == APR_SUCCESS && on) {
        const char *number = apr_pstrdup(p, mc_dbres_get(res, 0, 0));
        rv = mc_db_exec(db, NULL, NULL,
                        "DELETE d FROM mc_track_digest d JOIN mc_track t ON t.id = d.track_id "
                        "WHERE t.case_id = ?",
                        "i", case_id);
        if (rv == APR_SUCCESS)
            rv = mc_db_exec(db, NULL, NULL,
                            "UPDATE mc_track SET active = 0, stopped_at = UTC_TIMESTAMP(), "
                            "stopped_why = 'confidential' WHERE case_id = ? AND active = 1",
                            "i", case_id);
        /* Only the trackers' notices: a filer's own eFiling notices about
         * the case still go. Rows being sent right now cannot be stopped. */
        if (rv == APR_SUCCESS)
            rv = mc_db_exec(db, NULL, NULL,
                            "UPDATE mc_outbox SET status = 'failed', claimed_by = NULL, "
                            "claimed_until = NULL, last_error = 'The case was made "
                            "confidential.' WHERE case_ref = ? AND status IN ('queued', "
                            "'retrying') AND kind IN ('track-entry', 'track-reminder', "
                            "'track-digest')",
                            "s", number);
        /* Nor any webhook about it not yet delivered. */
        if (rv == APR_SUCCESS)
            rv = mc_webhook_drop_case(db, number);
    }
    apr_pool_destroy(p);
    return rv;
}

/* ---- periodic work -------------------------------------------------------- */

/* How far away a hearing is, in words: "today", "tomorrow", "in N days". */
static const char *mc_case_days_text(apr_pool_t *p, long long away)
{
    if (away <= 0)
        return "today";
    if (away == 1)
        return "tomorrow";
    return apr_psprintf(p, "in %" APR_INT64_T_FMT " days", (apr_int64_t)away);
}

/* The reminders of one hearing for one of days (10 or 2) to every active
 * tracker of its case that has not had it. The hearing row is locked first,
 * so two workers take turns and the second finds nothing left. now_s is the
 * round's time (mc_case_sqltime): the text says how many calendar days from
 * its date to the hearing's, whichever reminder (10 or 2) this is. */
static apr_status_t mc_case_remind(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                   long long hearing_id, long long days, const char *now_s,
                                   long long *made, long long *marked)
{
    mc_dbres *res;
    apr_status_t rv;
    long long a = 0, b = 0, c = 0;
    rv = mc_db_query(db, p, &res, "SELECT id FROM mc_hearing WHERE id = ? FOR UPDATE", "i",
                     hearing_id);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    rv = mc_db_query(db, p, &res,
                     "SELECT h.case_id, DATE_FORMAT(h.hearing_at, '%Y-%m-%d'), "
                     "DATE_FORMAT(h.hearing_at, '%H:%i'), h.hearing_type, h.location, "
                     "COALESCE(j.name, ''), c.number, c.caption, c.confidential, co.name, "
                     "DATEDIFF(h.hearing_at, ?) "
                     "FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id "
                     "JOIN mc_court co ON co.code = c.court_code "
                     "LEFT JOIN mc_judge j ON j.id = h.judge_id WHERE h.id = ?",
                     "si", now_s, hearing_id);
    if (rv != APR_SUCCESS || res->nrows != 1 || mc_dbres_int(res, 0, 8))
        return rv;
    long long case_id = mc_dbres_int(res, 0, 0);
    const char *date = mc_dbres_get(res, 0, 1), *time = mc_dbres_get(res, 0, 2);
    const char *type = mc_dbres_get(res, 0, 3), *location = mc_dbres_get(res, 0, 4);
    const char *judge = mc_dbres_get(res, 0, 5), *number = mc_dbres_get(res, 0, 6);
    long long away = mc_dbres_int(res, 0, 10);
    const char *when = mc_case_days_text(p, away);
    const char *case_url = apr_pstrcat(p, env->casenet_url, "/case/", number, NULL);
    mc_vars *v = mc_vars_make(p, NULL);
    char *sms, *voice;
    const char *pre, *post;

    mc_vars_set(v, "court", env->court_name ? env->court_name : "");
    mc_vars_set(v, "court_of_case", mc_dbres_get(res, 0, 9));
    mc_vars_set(v, "case_number", number);
    mc_vars_set(v, "caption", mc_dbres_get(res, 0, 7));
    mc_vars_set(v, "hearing_date", date);
    mc_vars_set(v, "hearing_time", time);
    mc_vars_set(v, "hearing_type", type);
    mc_vars_set(v, "location", *location ? location : "(not given)");
    mc_vars_set(v, "judge", *judge ? judge : "(not given)");
    mc_vars_setf(v, "days", "%" APR_INT64_T_FMT, (apr_int64_t)(away < 0 ? 0 : away));
    mc_vars_set(v, "when", when);
    /* The hearing type names the hearing ("Trial Setting", "Short Notice
     * Hearing"): no "hearing" after it. */
    rv = mc_case_texts(p, env, v, "notice-reminder.txt", case_url,
                       apr_psprintf(p, "reminder: %s %s (%s at %s%s%s)", mc_case_clip(p, type, 60),
                                    when, date, time, *location ? ", " : "",
                                    mc_case_clip(p, location, 60)),
                       &pre, &post, &sms, &voice);
    if (rv != APR_SUCCESS)
        return rv;
    const char *subject =
        apr_pstrcat(p, "Case ", number, ": hearing reminder, ", date, " ", time, NULL);
    if (!mc_case_subject_ok(subject))
        return APR_EINVAL;

        /* The trackers read by these INSERT ... SELECTs are locked (locking
         * reads), so all of them see the same set. Any frequency. */
#define NOT_REMINDED                                                                               \
    " FROM mc_track t LEFT JOIN mc_track_reminder r ON r.track_id = t.id AND r.hearing_id = ? "    \
    "AND "                                                                                         \
    "r.days_before = ? WHERE t.case_id = ? AND t.active = 1 AND r.track_id IS NULL" HEARING_ALERTS
    const char *secret = mc_token_new(p);
    rv = mc_db_exec(db, NULL, NULL,
                    STOP_HASH_COLS "SELECT t.id, SHA2(" STOP_TOKEN ", 256), "
                                   "UTC_TIMESTAMP()" NOT_REMINDED
                                   " AND t.channel = 'email'" RECIPIENT_SANE,
                    "siii", secret, hearing_id, days, case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, &a, NULL,
                        OUTBOX_COLS "SELECT t.account_id, 'email', (SELECT a.email FROM "
                                    "mc_account a WHERE a.id = t.account_id), NULL, ?, CONCAT(?, "
                                    "t.id, '/', " STOP_TOKEN ", ?), 'track-reminder', ?, "
                                    "'queued', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP(), CONCAT(?, "
                                    "t.id, '/', " STOP_TOKEN ")" NOT_REMINDED
                                    " AND t.channel = 'email'" RECIPIENT_SANE,
                        "sssssssiii", subject, pre, secret, post, number,
                        apr_pstrcat(p, env->casenet_url, "/stop/", NULL), secret, hearing_id, days,
                        case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, &b, NULL,
                        OUTBOX_COLS "SELECT t.account_id, t.channel, t.recipient, NULL, '', "
                                    "IF(t.channel = 'voice', ?, ?), 'track-reminder', ?, 'queued', "
                                    "0, UTC_TIMESTAMP(), UTC_TIMESTAMP(), NULL" NOT_REMINDED
                                    " AND t.channel IN ('sms', 'voice')" RECIPIENT_SANE,
                        "sssiii", voice, sms, number, hearing_id, days, case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, &c, NULL,
                        "INSERT INTO mc_track_reminder (track_id, hearing_id, days_before, "
                        "queued_at) SELECT t.id, ?, ?, UTC_TIMESTAMP()" NOT_REMINDED,
                        "iiiii", hearing_id, days, hearing_id, days, case_id);
#undef NOT_REMINDED
    if (rv == APR_SUCCESS) {
        *made += a + b;
        *marked += c;
    }
    return rv;
}

static apr_status_t mc_case_reminders(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                      apr_time_t now, long long *made)
{
    const char *t0 = mc_case_sqltime(p, now);
    const char *now_s = t0;
    const char *t2 = mc_case_sqltime(p, now + apr_time_from_sec(2 * 86400));
    const char *t10 = mc_case_sqltime(p, now + apr_time_from_sec(10 * 86400));
    int pass;
    /* Due: 10 days before (while the hearing is still more than 2 days
     * away), and 2 days before (while it is still to come), to every active
     * tracker that has not had that reminder. */
    for (pass = 0; pass < 2; pass++) {
        long long days = pass == 0 ? 10 : 2;
        const char *from = pass == 0 ? t2 : t0, *to = pass == 0 ? t10 : t2;
        for (;;) {
            mc_dbres *res;
            long long marked = 0;
            int i;
            apr_status_t rv = mc_db_query(
                db, p, &res,
                "SELECT h.id FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id AND "
                "c.confidential = 0 WHERE h.hearing_at > ? AND h.hearing_at <= ? AND EXISTS "
                "(SELECT 1 FROM mc_track t LEFT JOIN mc_track_reminder r ON r.track_id = t.id "
                "AND r.hearing_id = h.id AND r.days_before = ? WHERE t.case_id = h.case_id AND "
                "t.active = 1 AND r.track_id IS NULL" HEARING_ALERTS
                ") ORDER BY h.hearing_at, h.id LIMIT ?",
                "ssii", from, to, days, (long long)MC_CASE_PAIRS);
            if (rv != APR_SUCCESS)
                return rv;
            for (i = 0; i < res->nrows; i++) {
                apr_pool_t *tp;
                apr_pool_create(&tp, p);
                if ((rv = mc_db_begin(db)) == APR_SUCCESS) {
                    long long n = 0, m = 0;
                    rv = mc_case_remind(db, tp, env, mc_dbres_int(res, i, 0), days, now_s, &n, &m);
                    if (rv == APR_SUCCESS && (rv = mc_db_commit(db)) == APR_SUCCESS) {
                        *made += n;
                        marked += m;
                    }
                    else if (!mc_db_broken(db))
                        mc_db_rollback(db);
                }
                apr_pool_destroy(tp);
                if (rv != APR_SUCCESS)
                    return rv;
            }
            if (res->nrows == 0 || marked == 0)
                break; /* done, or another worker took them meanwhile */
        }
    }
    return APR_SUCCESS;
}

/* One tracker's digest (its row locked by the caller): row ti of t (see
 * mc_case_digests), its pending entries rows [from, to) of d (track id,
 * docket id, date, type, text, filed by). */
static apr_status_t mc_case_digest_one(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                       const mc_dbres *t, int ti, const mc_dbres *d, int from,
                                       int to, const char *now_s)
{
    long long track_id = mc_dbres_int(t, ti, 0), account_id = mc_dbres_int(t, ti, 1);
    const char *channel = mc_dbres_get(t, ti, 2), *recipient = mc_dbres_get(t, ti, 3);
    const char *token = mc_token_new(p), *number = mc_dbres_get(t, ti, 4);
    const char *case_url = apr_pstrcat(p, env->casenet_url, "/case/", number, NULL);
    int n = to - from, i;
    long long maxid = 0;
    char *entries = apr_pstrdup(p, ""), *body;
    const char *shortlist = "";
    mc_vars *v = mc_vars_make(p, NULL);
    const char *subject = "";
    apr_status_t rv;

    for (i = from; i < to; i++) {
        long long id = mc_dbres_int(d, i, 1);
        const char *filed_by = mc_dbres_get(d, i, 5);
        if (id > maxid)
            maxid = id;
        entries = apr_pstrcat(p, entries, mc_dbres_get(d, i, 2), "  ", mc_dbres_get(d, i, 3),
                              *filed_by ? " (filed by " : "", filed_by, *filed_by ? ")" : "",
                              "\n    ", mc_dbres_get(d, i, 4), "\n\n", NULL);
        shortlist = apr_pstrcat(p, shortlist, i > from ? "; " : "", mc_dbres_get(d, i, 2), " ",
                                mc_case_clip(p, mc_dbres_get(d, i, 3), 40), NULL);
    }
    mc_vars_set(v, "court", env->court_name ? env->court_name : "");
    mc_vars_set(v, "court_of_case", mc_dbres_get(t, ti, 6));
    mc_vars_set(v, "case_number", number);
    mc_vars_set(v, "caption", mc_dbres_get(t, ti, 5));
    mc_vars_setf(v, "count", "%d", n);
    mc_vars_setf(v, "count_text", "%d new docket %s", n, n == 1 ? "entry" : "entries");
    mc_vars_set(v, "entries", entries);
    mc_vars_set(v, "case_url", case_url);
    mc_vars_set(v, "mycases_url", apr_pstrcat(p, env->casenet_url, "/mycases", NULL));
    const char *stop_url = apr_psprintf(p, "%s/stop/%" APR_INT64_T_FMT "/%s", env->casenet_url,
                                        (apr_int64_t)track_id, token);
    mc_vars_set(v, "stop_url", stop_url);
    if (!strcmp(channel, "email")) {
        if ((rv = mc_case_text(p, env, "notice-digest.txt", v, &body)) != APR_SUCCESS)
            return rv;
        subject = apr_psprintf(p, "Case %s: daily digest, %d new docket %s", number, n,
                               n == 1 ? "entry" : "entries");
        if (!mc_case_subject_ok(subject))
            return APR_EINVAL;
    }
    else {
        mc_vars_set(v, "summary",
                    apr_psprintf(p, "%d new docket %s: %s", n, n == 1 ? "entry" : "entries",
                                 mc_case_clip(p, shortlist, 300)));
        mc_vars_set(v, "link", strcmp(channel, "voice") ? apr_pstrcat(p, " ", case_url, NULL) : "");
        if ((rv = mc_case_text(p, env, "notice-short.txt", v, &body)) != APR_SUCCESS)
            return rv;
    }
    /* Not mc_outbox_add: that would copy the group administrator (see the
     * top of this file); the recipient check it would make. */
    if (strpbrk(recipient, "\r\n")) {
        mc_log(MC_LOG_WARNING, MC_LOG_MARK,
               MCLOGNO(2201) "mc_case: tracking %" APR_INT64_T_FMT " has an unusable recipient; "
                             "its digest was dropped",
               (apr_int64_t)track_id);
    }
    else {
        if (!strcmp(channel, "email"))
            rv = mc_db_exec(db, NULL, NULL, STOP_HASH_COLS "VALUES (?, ?, UTC_TIMESTAMP())", "is",
                            track_id, mc_sha256_hex(p, token, strlen(token)));
        else
            rv = APR_SUCCESS;
        if (rv == APR_SUCCESS)
            rv = mc_db_exec(db, NULL, NULL,
                            OUTBOX_COLS "VALUES (?, ?, ?, NULL, ?, ?, 'track-digest', ?, 'queued', "
                                        "0, UTC_TIMESTAMP(), UTC_TIMESTAMP(), ?)",
                            "issssss", account_id, channel, recipient, subject, body, number,
                            strcmp(channel, "email") ? NULL : stop_url);
        if (rv != APR_SUCCESS)
            return rv;
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "DELETE FROM mc_track_digest WHERE track_id = ? AND docket_id <= ?", "ii",
                    track_id, maxid);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_track SET digest_sent_at = ? WHERE id = ?", "si",
                        now_s, track_id);
    return rv;
}

static apr_status_t mc_case_digests(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                    apr_time_t now, int digest_minute, long long *made)
{
    apr_time_exp_t x;
    apr_time_t day;
    apr_status_t rv;
    apr_time_exp_gmt(&x, now);
    day = now - apr_time_from_sec((apr_time_t)x.tm_hour * 3600 + x.tm_min * 60 + x.tm_sec) -
          x.tm_usec;
    apr_time_t due = day + apr_time_from_sec((apr_time_t)digest_minute * 60);
    if (digest_minute < 0 || digest_minute >= 24 * 60 || now < due)
        return APR_SUCCESS;
    const char *due_s = mc_case_sqltime(p, due), *now_s = mc_case_sqltime(p, now);

    for (;;) {
        mc_dbres *t, *d, *lk;
        apr_pool_t *tp;
        int i, j, done = 0;
        apr_pool_create(&tp, p);
        /* The trackers due, found from the pending items (few, unlike the
         * trackers), read outside the transaction so the locking reads
         * below see the newest rows. Items of a stopped tracking are never
         * sent (the stop paths delete them). */
        rv = mc_db_query(
            db, tp, &t,
            "SELECT t.id, t.account_id, t.channel, IF(t.channel = 'email', (SELECT a.email FROM "
            "mc_account a WHERE a.id = t.account_id), t.recipient), c.number, "
            "c.caption, co.name FROM (SELECT DISTINCT track_id FROM mc_track_digest) g "
            "JOIN mc_track t ON t.id = g.track_id JOIN mc_case c ON c.id = t.case_id AND "
            "c.confidential = 0 JOIN mc_court co ON co.code = c.court_code "
            "WHERE t.active = 1 AND (t.digest_sent_at IS NULL OR t.digest_sent_at < ?) "
            "ORDER BY t.id LIMIT ?",
            "si", due_s, (long long)MC_CASE_BATCH);
        if (rv != APR_SUCCESS || t->nrows == 0) {
            apr_pool_destroy(tp);
            return rv;
        }
        if ((rv = mc_db_begin(db)) != APR_SUCCESS) {
            apr_pool_destroy(tp);
            return rv;
        }
        /* Each tracker locked, still due; one another worker holds is
         * skipped (that worker is making its digest). */
        char *mine = apr_pcalloc(tp, t->nrows);
        for (i = 0; rv == APR_SUCCESS && i < t->nrows; i++) {
            rv = mc_db_query(db, tp, &lk,
                             "SELECT id FROM mc_track WHERE id = ? AND active = 1 AND "
                             "(digest_sent_at IS NULL OR digest_sent_at < ?) "
                             "FOR UPDATE SKIP LOCKED",
                             "is", mc_dbres_int(t, i, 0), due_s);
            if (rv == APR_SUCCESS)
                mine[i] = lk->nrows == 1;
        }
        if (rv == APR_SUCCESS)
            rv = mc_db_query(db, tp, &d,
                             "SELECT g.track_id, k.id, k.entry_date, k.entry_type, k.text, "
                             "k.filed_by FROM mc_track_digest g JOIN mc_docket k ON k.id = "
                             "g.docket_id WHERE g.track_id BETWEEN ? AND ? "
                             "ORDER BY g.track_id, k.entry_date, k.id LOCK IN SHARE MODE",
                             "ii", mc_dbres_int(t, 0, 0), mc_dbres_int(t, t->nrows - 1, 0));
        for (i = 0, j = 0; rv == APR_SUCCESS && i < t->nrows; i++) {
            long long tid = mc_dbres_int(t, i, 0);
            int from;
            while (j < d->nrows && mc_dbres_int(d, j, 0) < tid)
                j++;
            from = j;
            while (j < d->nrows && mc_dbres_int(d, j, 0) == tid)
                j++;
            if (!mine[i] || j == from)
                continue;
            rv = mc_case_digest_one(db, tp, env, t, i, d, from, j, now_s);
            if (rv == APR_SUCCESS)
                done++;
        }
        if (rv == APR_SUCCESS)
            rv = mc_db_commit(db);
        if (rv != APR_SUCCESS) {
            if (!mc_db_broken(db))
                mc_db_rollback(db);
            apr_pool_destroy(tp);
            return rv;
        }
        apr_pool_destroy(tp);
        *made += done;
        if (done == 0)
            return APR_SUCCESS;
    }
}

apr_status_t mc_case_tasks(mc_db *db, apr_pool_t *p, const mc_case_env *env, apr_time_t now,
                           int digest_minute, mc_case_task_counts *n)
{
    long long reminders = 0, digests = 0;
    apr_pool_t *sp;
    apr_status_t rv;
    if (n)
        n->reminders = n->digests = 0;
    if (!env || !env->tmpl || !env->casenet_url)
        return APR_EINVAL;
    if ((rv = apr_pool_create(&sp, p)) != APR_SUCCESS)
        return rv;
    rv = mc_case_reminders(db, sp, env, now, &reminders);
    if (rv == APR_SUCCESS)
        rv = mc_case_digests(db, sp, env, now, digest_minute, &digests);
    apr_pool_destroy(sp);
    if (n) {
        n->reminders = reminders;
        n->digests = digests;
    }
    return rv;
}
