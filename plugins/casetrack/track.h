/* track.h: what the account holder's parts of Case.net share (seed 002):
 *   track.c    Track This Case (/track/:number) and the e-mailed Stop
 *              Tracking link (/stop/:id/:token: a page whose button POSTs,
 *              and RFC 8058's one-click POST)
 *   phones.c   the account's phone numbers and their verification codes
 *   mycases.c  Manage My Case: the case folder, notes, Stop Tracking
 *   history.c  the notification history
 *   track_common.c  the helpers below, which those pages share
 * Their one route table is mod_mocourts_casetrack.c's.
 * Log tags MC2300-MC2399. */
#ifndef CT_TRACK_H
#define CT_TRACK_H

#include "casetrack.h"

#include "http_log.h"

#define CT_NOTE_MAX 2000 /* characters of a folder note */

/* ---- handlers ------------------------------------------------------------- */
int ct_track_form(mc_req *mr);
int ct_track_post(mc_req *mr);
int ct_stop_page(mc_req *mr);
int ct_stop_link(mc_req *mr);

int ct_phones_page(mc_req *mr);
int ct_phone_add(mc_req *mr);
int ct_phone_verify(mc_req *mr);
int ct_phone_resend(mc_req *mr);
int ct_phone_remove(mc_req *mr);

int ct_mycases_page(mc_req *mr);
int ct_mycases_add(mc_req *mr);
int ct_mycases_remove_unavailable(mc_req *mr);
int ct_mycase_page(mc_req *mr);
int ct_mycase_note(mc_req *mr);
int ct_mycase_stop(mc_req *mr);
int ct_mycase_remove(mc_req *mr);

int ct_history_page(mc_req *mr);

/* ---- shared helpers (track_common.c) -------------------------------------- */

/* The case named by the route parameter :number as the public may see it,
 * and the request's connection in *db. 1 when found; else 0 with the
 * answer in *rc: not_found(mr) when the number is malformed, unknown or
 * confidential, the database error's page (mc_fail) otherwise. */
int ct_track_case(mc_req *mr, mc_db **db, ct_case *c, int (*not_found)(mc_req *mr), int *rc);
/* The case header's page variables (case_number, caption, court, ...,
 * case_url, mycase_url, mycases_url). */
void ct_case_vars(mc_req *mr, const ct_case *c);

/* Put case_id in the account's folder (nothing when it is there already). */
apr_status_t ct_folder_add(mc_db *db, long long account_id, long long case_id);

/* Stop the account's active tracking of case_id (why: 'account', 'link',
 * ...) and drop its pending digest items. *stopped (may be NULL): 1 when a
 * tracking was active. */
apr_status_t ct_track_stop(mc_db *db, long long account_id, long long case_id, const char *why,
                           int *stopped);

/* An active tracking in the case header's Tracking row (_case-header.html):
 * tracking_active, tracking_channel (the badge: "E-mail") and tracking_rest
 * ("to a@b.example, Daily digest", then "; only Orders and judgments" when
 * alert_types, its filter, is not NULL or ""). */
void ct_tracking_vars(mc_req *mr, const char *channel, const char *recipient, const char *frequency,
                      const char *alert_types);

/* ---- alert filters (sql/casetrack/0008_alert_filters.sql) ------------------ */

/* The kinds of docket entry a tracking may alert for, in MC_CASE_ENTRY_KIND's
 * words, with their labels; CT_ALERT_KINDS of them. */
#define CT_ALERT_KINDS 4
extern const mc_label ct_alert_kinds[CT_ALERT_KINDS + 1];
/* The filter of the kinds whose chosen[i] is set: NULL when all are (no
 * filter), "" when none is (refused by the callers), else the chosen words
 * separated by ',' as mc_track.alert_types holds them. */
const char *ct_alert_types(apr_pool_t *p, const int chosen[CT_ALERT_KINDS]);
/* 1 when the filter alert_types (NULL or "": none) takes kind i. */
int ct_alert_takes(const char *alert_types, int i);
/* "Orders and judgments, Hearings" for a filter; "All docket entries" for NULL. */
const char *ct_alert_words(apr_pool_t *p, const char *alert_types);

/* ---- Manage My Case's notes and the history, for the page and the API ------- */

/* Why note cannot be saved (not valid UTF-8, over CT_NOTE_MAX characters),
 * or NULL. */
const char *ct_note_error(apr_pool_t *p, const char *note);
/* Save the account's note of case_id, putting the case in its folder. */
apr_status_t ct_note_save(mc_db *db, long long account_id, long long case_id, const char *note);
/* The account's notices (of case number; NULL or "": all), newest first:
 * channel, kind, case number, subject, queued at, sent at, status, error. */
apr_status_t ct_history_rows(mc_db *db, apr_pool_t *p, long long account_id, const char *number,
                             long long limit, long long offset, mc_dbres **res);

/* ---- Track This Case, for the page and the API (track.c) ------------------- */

/* A tracking as chosen: how, how often and for which entries. */
typedef struct ct_track_choice {
    const char *method;      /* "email", "sms", "voice" */
    const char *phone;       /* for sms and voice: one of the account's numbers, or "" */
    const char *frequency;   /* "each", "daily" */
    const char *alert_types; /* ct_alert_types: NULL all, else the kinds */
    const char *recipient;   /* set by ct_track_check */
} ct_track_choice;
/* Check a choice for the request's account; NULL when it may be saved
 * (ch->recipient set), else the message and in *field the field it is
 * about ("method", "frequency", "phone", "alert_types"); *rv a database
 * error (then NULL is returned too). */
const char *ct_track_check(mc_req *mr, mc_db *db, ct_track_choice *ch, const char **field,
                           apr_status_t *rv);
/* Track case c (or update its tracking) as ch says, in a transaction, put
 * it in the folder, audited. *gone: the case became confidential meanwhile
 * (then nothing changed and the status is not APR_SUCCESS). */
apr_status_t ct_track_save(mc_req *mr, const ct_case *c, const ct_track_choice *ch, int *gone);

/* "(573) 555-0100" for "+15735550100" (other values unchanged). */
const char *ct_phone_display(apr_pool_t *p, const char *e164);
/* "E-mail", "Text/SMS", "Phone call" for a channel name. */
extern const ct_labels ct_channels;
/* "Each entry as it is docketed" / "Daily digest" for a frequency. */
extern const ct_labels ct_frequencies;

#endif
