/* mc_case: court data changes that cause Track This Case notices, shared by
 * the Case.net plugin (clerk pages, periodic work), the eFiling plugin
 * (accepted documents) and `mocourts-admin import` (the feed). Tables: see
 * sql/casetrack/0001_init.sql. Nothing here depends on httpd.
 *
 * Every function works on the caller's connection and inside the caller's
 * transaction when there is one, so an entry and its notices commit or roll
 * back together. */
#ifndef MC_CASE_H
#define MC_CASE_H
#include "mc_api.h"
#include "mc_db.h"
#include "mc_tmpl.h"
#include "mc_webhook.h"
#include <apr_pools.h>
#include <apr_time.h>
#include <jansson.h>
#include <stdlib.h>

/* What composing a notice needs. Text templates (under tmpl):
 * casetrack/notice-entry.txt, notice-digest.txt, notice-reminder.txt and
 * notice-short.txt (SMS and voice). Their {{keys}}:
 *   all       court, court_of_case, case_number, caption, case_url,
 *             mycases_url
 *   e-mails   stop_url (the notice's own Stop Tracking link,
 *             <casenet_url>/stop/<track id>/<token>, a token for this
 *             e-mail whose SHA-256 goes into mc_track_stop; an entry or a
 *             reminder template without it gets the link appended)
 *   entry     entry_date, entry_type, text, filed_by, filed_by_note
 *   reminder  when ("in 5 days", "tomorrow", "today": calendar days from
 *             the round's date to the hearing's), days (that number),
 *             hearing_date, hearing_time, hearing_type, location, judge
 *   digest    count, count_text ("2 new docket entries"), entries (the
 *             pending entries, one block each)
 *   short     summary, link (" <case_url>" for SMS, "" for a call)
 * Every e-mail body is stored once per recipient: keep the templates short
 * (a docket entry on a case with 100,000 trackers writes 100,000 bodies). */
typedef struct mc_case_env {
    mc_tmpl_cache *tmpl;
    const char *casenet_url; /* public URL of the Case.net mount, no trailing '/' */
    const char *court_name;  /* MoCourtsCourtName */
} mc_case_env;

typedef struct mc_docket_entry {
    long long case_id;
    const char *entry_date; /* YYYY-MM-DD */
    const char *entry_type; /* "Petition Filed", "Order", ... */
    const char *text;
    const char *filed_by; /* may be "" */
    const char *ref;      /* the feed's id, or NULL */
} mc_docket_entry;

/* Add a docket entry, bump the case's last_activity, and queue its notices:
 * for each active tracker of the case (none when it is confidential) whose
 * alert filter takes the entry's kind (MC_CASE_ENTRY_KIND), one outbox row
 * (frequency 'each') or one digest item ('daily'). *entry_id and
 * *queued (notices and digest items made) may be NULL. APR_EINVAL when the
 * entry is incomplete or the case does not exist. */
MC_API apr_status_t mc_case_docket_add(mc_db *db, apr_pool_t *p, const mc_case_env *env,
                                const mc_docket_entry *e, long long *entry_id, long long *queued);


/* Mark a case confidential (or not). Making it confidential stops its
 * trackings (stopped_why 'confidential'), drops their pending digest items
 * and fails its queued, unsent Track This Case notices (kinds track-entry,
 * track-reminder, track-digest; last_error "The case was made
 * confidential.") and drops its undelivered webhooks
 * (mc_webhook_drop_case). Making it public again restarts nothing. The
 * case's parties and hearings carry a copy of the flag, set here too, and
 * the search generation is bumped (MC_CASE_SEARCH_CHANGED). APR_EINVAL when
 * the case does not exist. */
MC_API apr_status_t mc_case_set_confidential(mc_db *db, long long case_id, int on);

/* The statement every writer of what Case.net's public searches find
 * (mc_case, mc_party, mc_hearing, mc_judgment, the courts, case types and
 * judges they show) runs in the same transaction, after its writes: it
 * makes every Apache process's cached search results stale
 * (sql/casetrack/0006_search_generation.sql). */
#define MC_CASE_SEARCH_CHANGED "UPDATE mc_ct_generation SET gen = gen + 1 WHERE id = 1"

/* The kind of a docket entry for alert filters (sql/casetrack/
 * 0008_alert_filters.sql): an SQL expression over the column entry_type of
 * mc_docket, one of 'orders', 'hearings', 'filings', 'other' (the first
 * that matches, in that order; entry_type's collation is case-insensitive,
 * LOWER makes it so for any). Used by the fan-out here and by Case.net's
 * API, so both name an entry's kind alike. */
#define MC_CASE_ENTRY_KIND                                                                         \
    "CASE WHEN LOWER(entry_type) REGEXP 'order|judgment|judgement|decree' THEN 'orders' "          \
    "WHEN LOWER(entry_type) REGEXP 'hearing|trial|conference|continuance|setting|scheduled' "      \
    "THEN 'hearings' WHEN LOWER(entry_type) REGEXP 'filed|petition|motion|answer|memorandum|"      \
    "brief|summons|complaint|response|reply|affidavit|appearance' THEN 'filings' ELSE 'other' END"
/* A tracking t (mc_track) alerts for an entry of kind ? (one parameter):
 * no filter, or the kind chosen. */
#define MC_CASE_ALERTS_FOR " (t.alert_types IS NULL OR FIND_IN_SET(?, t.alert_types) > 0)"

/* Webhooks (mc_webhook.h): mc_case_docket_add also emits
 * docket.entry.created ({"case_number", "caption", "court", "entry": {"id",
 * "date", "type", "kind", "text", "filed_by"}}) to each account whose
 * tracking's filter takes the entry; a hearing added to a case
 * (mc_case_hearing_added: `mocourts-admin import`, the clerk's hearing form)
 * emits hearing.scheduled ({"case_number", "caption", "court", "hearing":
 * {"id", "at", "type", "location", "judge"}}) to each account tracking it
 * with a filter that has hearings; both nothing for a confidential case, in
 * the caller's transaction. Inline, so the library and a plugin share them
 * through the ABI's own functions (mc_db_query, mc_webhook_emit) without a
 * symbol of their own. */
/* Webhooks (mc_webhook.h): event, with data (stolen), to each account
 * that tracks case_id (active) with a filter that takes kind and has an
 * enabled endpoint subscribed to event; in the caller's transaction. */
static inline apr_status_t mc_case_webhooks(mc_db *db, apr_pool_t *p, long long case_id,
                                            const char *kind, const char *event, const char *number,
                                            json_t *data)
{
    mc_dbres *res;
    char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
    apr_status_t rv = text ? APR_SUCCESS : APR_ENOMEM;
    int i;
    json_decref(data);
    if (rv == APR_SUCCESS)
        rv = mc_db_query(db, p, &res,
                         "SELECT t.account_id FROM mc_track t WHERE t.case_id = ? AND t.active = 1 "
                         "AND" MC_CASE_ALERTS_FOR " AND EXISTS (SELECT 1 FROM "
                         "mc_webhook_endpoint w WHERE w.account_id = t.account_id AND "
                         "w.enabled = 1 AND FIND_IN_SET(?, w.events) > 0)",
                         "iss", case_id, kind, event);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++)
        rv = mc_webhook_emit(db, mc_dbres_int(res, i, 0), event, number, text);
    free(text);
    return rv;
}

/* hearing.scheduled of hearing_id to its case's trackers' webhooks. */
static inline apr_status_t mc_case_hearing_added(mc_db *db, apr_pool_t *p, long long hearing_id)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, p, &res,
        "SELECT h.case_id, c.number, c.caption, co.name, DATE_FORMAT(h.hearing_at, "
        "'%Y-%m-%dT%H:%i'), h.hearing_type, h.location, COALESCE(j.name, ''), c.confidential "
        "FROM mc_hearing h JOIN mc_case c ON c.id = h.case_id JOIN mc_court co ON co.code = "
        "c.court_code LEFT JOIN mc_judge j ON j.id = h.judge_id WHERE h.id = ?",
        "i", hearing_id);
    if (rv != APR_SUCCESS || res->nrows != 1 || mc_dbres_int(res, 0, 8))
        return rv; /* a confidential case tells nobody */
    const char *number = mc_dbres_get(res, 0, 1);
    return mc_case_webhooks(db, p, mc_dbres_int(res, 0, 0), "hearings", MC_WEBHOOK_HEARING, number,
                            json_pack("{s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s, s:s}}", "case_number",
                                      number, "caption", mc_dbres_get(res, 0, 2), "court",
                                      mc_dbres_get(res, 0, 3), "hearing", "id",
                                      (json_int_t)hearing_id, "at", mc_dbres_get(res, 0, 4), "type",
                                      mc_dbres_get(res, 0, 5), "location", mc_dbres_get(res, 0, 6),
                                      "judge", mc_dbres_get(res, 0, 7)));
}

typedef struct mc_case_task_counts {
    long long reminders; /* hearing reminders queued */
    long long digests;   /* daily digests queued */
} mc_case_task_counts;

/* Periodic work as of now: hearing reminders 10 and 2 days before each
 * scheduled hearing of a tracked, non-confidential case (each at most once;
 * to the trackers whose alert filter has no kinds or has 'hearings'),
 * and the daily digest of every 'daily' tracker with pending items, once a
 * day from digest_minute (minutes after midnight UTC) on. n may be NULL.
 * Runs its own transactions (so call it outside one); safe when several
 * workers run it at once (row locks and mc_track_reminder's key). hearing_at
 * is compared with now as it is stored (the court's local time as given),
 * so a reminder may go some hours early or late. Track This Case notices are
 * never copied to group administrators (the tracker chose the recipient). */
MC_API apr_status_t mc_case_tasks(mc_db *db, apr_pool_t *p, const mc_case_env *env, apr_time_t now,
                           int digest_minute, mc_case_task_counts *n);
#endif
