/* track.c: Track This Case and the e-mailed Stop Tracking link (seed 002;
 * see track.h).
 *
 * A tracking (mc_track) is one per account and case: the method (e-mail to
 * the account's address, or a text or call to one of its verified phone
 * numbers) and the frequency (each entry, or a daily digest); every notice
 * e-mail carries a Stop Tracking link of its own (mc_track_stop). Tracking
 * a case puts it in the account's folder (Manage My Case). */
#include "track.h"

/* ---- Track This Case -------------------------------------------------------- */

typedef struct track_state {
    int exists, active;
    const char *channel, *recipient, *frequency, *alert_types;
} track_state;

static apr_status_t load_tracking(mc_req *mr, mc_db *db, long long case_id, track_state *t)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT active, channel, recipient, frequency, alert_types FROM "
                                  "mc_track WHERE account_id = ? AND case_id = ?",
                                  "ii", mr->account->id, case_id);
    memset(t, 0, sizeof(*t));
    if (rv != APR_SUCCESS || res->nrows == 0)
        return rv;
    t->exists = 1;
    t->active = (int)mc_dbres_int(res, 0, 0);
    t->channel = mc_dbres_get(res, 0, 1);
    t->recipient = mc_dbres_get(res, 0, 2);
    t->frequency = mc_dbres_get(res, 0, 3);
    t->alert_types = mc_dbres_get(res, 0, 4);
    return APR_SUCCESS;
}

/* How a tracking notifies, in words: "E-mail to a@b.example". */
static const char *method_words(apr_pool_t *p, const char *channel, const char *recipient)
{
    if (!strcmp(channel, "email"))
        return apr_pstrcat(p, "E-mail to ", recipient, NULL);
    return apr_pstrcat(
        p, !strcmp(channel, "sms") ? "Text/SMS message to " : "Automated phone call to ",
        ct_phone_display(p, recipient), NULL);
}

/* The alert filter's checkboxes (alert_<kind>, checked when the filter
 * takes the kind; none for "", none chosen). */
static void alert_vars(mc_req *mr, const char *alert_types)
{
    int i;
    for (i = 0; i < CT_ALERT_KINDS; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "alert_kinds");
        mc_vars_set(row, "name", apr_pstrcat(mr->r->pool, "alert_", ct_alert_kinds[i].word, NULL));
        mc_vars_set(row, "label", ct_alert_kinds[i].text);
        mc_vars_set(row, "checked",
                    (!alert_types || *alert_types) && ct_alert_takes(alert_types, i) ? "1" : "");
    }
}

/* The form, with the choices given (NULL: the tracking's, or the defaults;
 * alerts: the filter's kinds, NULL all). */
static int track_page(mc_req *mr, mc_db *db, int status, const ct_case *c, const char *method,
                      const char *phone, const char *freq, const char *alerts, int alerts_given,
                      const char *error)
{
    apr_pool_t *p = mr->r->pool;
    const char *self = mc_url(mr, apr_pstrcat(p, "/track/", c->number, NULL));
    track_state t;
    mc_dbres *res;
    apr_status_t rv;
    int i;

    if ((rv = load_tracking(mr, db, c->id, &t)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, p, &res,
                     "SELECT number FROM mc_track_phone WHERE account_id = ? AND verified_at IS "
                     "NOT NULL ORDER BY number",
                     "i", mr->account->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!method)
        method = t.exists ? t.channel : "email";
    if (!freq)
        freq = t.exists ? t.frequency : "each";
    if (!alerts_given)
        alerts = t.exists ? t.alert_types : NULL;
    if (!phone && t.exists && strcmp(t.channel, "email"))
        phone = t.recipient;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "phones");
        mc_vars_set(row, "value", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "label", ct_phone_display(p, mc_dbres_get(res, i, 0)));
    }
    ct_case_vars(mr, c);
    if (t.active) {
        ct_tracking_vars(mr, t.channel, t.recipient, t.frequency, t.alert_types);
        mc_vars_set(mr->vars, "tracking_method", method_words(p, t.channel, t.recipient));
        mc_vars_set(mr->vars, "tracking_frequency", ct_label(&ct_frequencies, t.frequency));
        mc_vars_set(mr->vars, "stop_action",
                    mc_url(mr, apr_pstrcat(p, "/mycases/", c->number, "/stop", NULL)));
    }
    else if (t.exists)
        mc_vars_set(mr->vars, "tracking_stopped", "1");
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "action", self);
    mc_vars_set(mr->vars, "email", mr->account->email);
    mc_vars_set(mr->vars, "method", method);
    mc_vars_set(mr->vars, "phone", phone);
    mc_vars_set(mr->vars, "frequency", freq);
    alert_vars(mr, alerts);
    mc_vars_set(mr->vars, "invalid_alerts", alerts_given && alerts && !*alerts ? "true" : NULL);
    mc_vars_set(mr->vars, "phones_url",
                apr_pstrcat(p, mc_url(mr, "/phones"), "?return=", mc_form_encode(p, self), NULL));
    return mc_render(mr, status, "track.html", "Track This Case");
}

static int case_not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Case not found",
                      "Case not found: there is no case with that number that you can see. Check "
                      "the case number (for example 22SL-CC01234) and try again.");
}

int ct_track_form(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    track_state t;

    if (!ct_track_case(mr, &db, &c, case_not_found, &rc))
        return rc;
    if (!mc_query(mr, "done"))
        return track_page(mr, db, HTTP_OK, &c, NULL, NULL, NULL, NULL, 0, NULL);
    if ((rv = load_tracking(mr, db, c.id, &t)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!t.active)
        return track_page(mr, db, HTTP_OK, &c, NULL, NULL, NULL, NULL, 0, NULL);
    ct_case_vars(mr, &c);
    mc_vars_set(mr->vars, "tracking_method", method_words(p, t.channel, t.recipient));
    mc_vars_set(mr->vars, "tracking_frequency", ct_label(&ct_frequencies, t.frequency));
    mc_vars_set(mr->vars, "tracking_alerts", ct_alert_words(p, t.alert_types));
    mc_vars_set(mr->vars, "history_url", mc_url(mr, "/history"));
    return mc_render(mr, HTTP_OK, "track-done.html", "Track This Case");
}

typedef struct track_baton {
    const ct_case *c;
    const ct_track_choice *ch;
    int gone; /* the case became confidential meanwhile */
} track_baton;

static apr_status_t track_tx(mc_req *mr, mc_db *db, void *baton)
{
    track_baton *b = baton;
    const ct_track_choice *ch = b->ch;
    mc_dbres *res;
    /* Read-locks the case, so a clerk marking it confidential (which stops
     * its trackings) waits for this, or this sees it. */
    apr_status_t rv = mc_db_query(
        db, mr->r->pool, &res, "SELECT confidential FROM mc_case WHERE id = ? LOCK IN SHARE MODE",
        "i", b->c->id);
    if (rv != APR_SUCCESS)
        return rv;
    if ((b->gone = res->nrows == 0 || mc_dbres_int(res, 0, 0)))
        return APR_EGENERAL;
    rv = mc_db_exec(
        db, NULL, NULL,
        "INSERT INTO mc_track (account_id, case_id, channel, recipient, frequency, alert_types, "
        "active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY "
        "UPDATE channel = VALUES(channel), recipient = VALUES(recipient), frequency = "
        "VALUES(frequency), alert_types = VALUES(alert_types), active = 1, stopped_at = NULL, "
        "stopped_why = NULL",
        "iissss", mr->account->id, b->c->id, ch->method, ch->recipient, ch->frequency,
        ch->alert_types);
    if (rv == APR_SUCCESS)
        rv = ct_folder_add(db, mr->account->id, b->c->id);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "case-track", mr->account->id,
                      apr_pstrcat(mr->r->pool, "case ", b->c->number, ": ", ch->method, ", ",
                                  ch->frequency, ch->alert_types ? ", only " : "",
                                  ch->alert_types ? ch->alert_types : "", NULL));
    return rv;
}

apr_status_t ct_track_save(mc_req *mr, const ct_case *c, const ct_track_choice *ch, int *gone)
{
    track_baton b = {c, ch, 0};
    apr_status_t rv = mc_req_tx(mr, track_tx, &b);
    *gone = b.gone;
    return rv;
}

const char *ct_track_check(mc_req *mr, mc_db *db, ct_track_choice *ch, const char **field,
                           apr_status_t *rv)
{
    const char *m = ch->method, *f = ch->frequency;
    mc_dbres *res;
    *rv = APR_SUCCESS;
    ch->recipient = NULL;
    *field = "method";
    if (!m || (strcmp(m, "email") && strcmp(m, "sms") && strcmp(m, "voice")))
        return "Choose how to be notified: e-mail, automated phone call or text/SMS message.";
    *field = "frequency";
    if (!f || (strcmp(f, "each") && strcmp(f, "daily")))
        return "Choose how often to be notified: each entry as it is docketed, or a daily digest.";
    *field = "alert_types";
    if (ch->alert_types && !*ch->alert_types)
        return "Choose at least one kind of docket entry to be notified of.";
    if (!strcmp(m, "email")) {
        *field = "method";
        if (!mr->account->email || !*mr->account->email)
            return "Your account has no e-mail address. Add one under My Account, or choose a "
                   "phone number.";
        ch->recipient = mr->account->email;
        return NULL;
    }
    *field = "phone";
    if (!ch->phone || !*ch->phone)
        return "Choose one of your verified phone numbers for calls and texts, or add and verify "
               "a number first.";
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT verified_at IS NOT NULL FROM mc_track_phone WHERE account_id = ? "
                      "AND number = ?",
                      "is", mr->account->id, ch->phone);
    if (*rv != APR_SUCCESS)
        return NULL;
    if (res->nrows == 0)
        return "That phone number is not one of yours. Choose one of your verified phone "
               "numbers, or add and verify a number first.";
    if (!mc_dbres_int(res, 0, 0))
        return "That phone number has not been verified yet. Enter the code we sent to it on the "
               "Phone Numbers page before using it.";
    ch->recipient = ch->phone;
    return NULL;
}

int ct_track_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    ct_track_choice ch;
    const char *why, *field;
    int chosen[CT_ALERT_KINDS], i, gone;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;

    if (!ct_track_case(mr, &db, &c, case_not_found, &rc))
        return rc;
    ch.method = mc_field(mr, "method");
    ch.frequency = mc_field(mr, "frequency");
    ch.phone = mc_text_trim(p, mc_field(mr, "phone"));
    for (i = 0; i < CT_ALERT_KINDS; i++)
        chosen[i] = mc_field(mr, apr_pstrcat(p, "alert_", ct_alert_kinds[i].word, NULL)) != NULL;
    ch.alert_types = ct_alert_types(p, chosen);
    why = ct_track_check(mr, db, &ch, &field, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (why)
        /* A choice that is not one is shown again empty, so is a phone
         * number refused; the others as chosen. */
        return track_page(
            mr, db, HTTP_BAD_REQUEST, &c,
            ch.method && strstr("|email|sms|voice|", apr_pstrcat(p, "|", ch.method, "|", NULL))
                ? ch.method
                : "",
            strcmp(field, "phone") ? ch.phone : "", strcmp(field, "frequency") ? ch.frequency : "",
            ch.alert_types, 1, why);
    if ((rv = ct_track_save(mr, &c, &ch, &gone)) != APR_SUCCESS)
        return gone ? case_not_found(mr) : mc_fail(mr, rv);
    return mc_redirect(mr, apr_pstrcat(p, "track/", c.number, "?done=1", NULL));
}

/* ---- the Stop Tracking link ------------------------------------------------- */

/* Every notice e-mail carries <casenet>/stop/<tracking id>/<token>, a token
 * of its own (mc_case.c) of which only the SHA-256 is stored
 * (mc_track_stop). Opening the link (GET, HEAD) changes nothing: a page
 * asks, and its one button POSTs back to the link, so a mail scanner that
 * fetches every link stops nothing. The same address takes the RFC 8058
 * one-click POST a mail program sends for the notice's List-Unsubscribe
 * header (MC_ROUTE_ONE_CLICK). */

static int link_not_valid(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Stop Tracking", "This link is not valid.");
}

typedef struct stop_link {
    long long id, account_id, case_id;
    const char *number;
    int confidential, active;
} stop_link;

/* The tracking the link names, and the request's connection in *db: 1
 * with *l when the token is one of its notices'; else 0 with the answer in
 * *rc (the link is not valid, or the database error's page). */
static int stop_link_of(mc_req *mr, mc_db **db, stop_link *l, int *rc)
{
    apr_pool_t *p = mr->r->pool;
    const char *token = apr_table_get(mr->params, "token");
    mc_dbres *res;
    apr_status_t rv = mc_req_db(mr, db);
    memset(l, 0, sizeof(*l));
    l->id = mc_param_id(mr, "id");
    if (rv == APR_SUCCESS && l->id && token && mc_token_syntax_ok(token)) {
        rv = mc_db_query(*db, p, &res,
                         "SELECT t.account_id, t.case_id, c.number, c.confidential, t.active "
                         "FROM mc_track_stop s JOIN mc_track t ON t.id = s.track_id JOIN mc_case "
                         "c ON c.id = t.case_id WHERE s.track_id = ? AND s.token_hash = ?",
                         "is", l->id, mc_sha256_hex(p, token, strlen(token)));
        if (rv == APR_SUCCESS && res->nrows == 1) {
            l->account_id = mc_dbres_int(res, 0, 0);
            l->case_id = mc_dbres_int(res, 0, 1);
            l->number = mc_dbres_get(res, 0, 2);
            l->confidential = mc_dbres_int(res, 0, 3) != 0;
            l->active = mc_dbres_int(res, 0, 4) != 0;
            return 1;
        }
        if (rv == APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                          MCLOGNO(2300) "Case.net: a Stop Tracking link was refused");
    }
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : link_not_valid(mr);
    return 0;
}

/* "Tracking stopped for case ...", with a way back for a public case. */
static int stopped_page(mc_req *mr, const stop_link *l)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars_set(mr->vars, "case_number", l->number);
    if (!l->confidential)
        mc_vars_set(mr->vars, "track_url", mc_url(mr, apr_pstrcat(p, "/track/", l->number, NULL)));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
    return mc_render(mr, HTTP_OK, "stop.html", "Tracking stopped");
}

/* GET (and HEAD): the question, or that it is stopped already. */
int ct_stop_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    stop_link l;
    mc_db *db;
    int rc;
    if (!stop_link_of(mr, &db, &l, &rc))
        return rc;
    if (!l.active)
        return stopped_page(mr, &l);
    mc_vars_set(mr->vars, "case_number", l.number);
    mc_vars_set(mr->vars, "action",
                mc_url(mr, apr_psprintf(p, "/stop/%" APR_INT64_T_FMT "/%s", (apr_int64_t)l.id,
                                        apr_table_get(mr->params, "token"))));
    return mc_render(mr, HTTP_OK, "stop-confirm.html", "Stop Tracking");
}

static apr_status_t stop_tx(mc_req *mr, mc_db *db, void *baton)
{
    stop_link *l = baton;
    int stopped;
    apr_status_t rv = ct_track_stop(db, l->account_id, l->case_id, "link", &stopped);
    if (rv == APR_SUCCESS && stopped)
        rv = mc_audit(mr, db, "case-track-stop", l->account_id,
                      apr_psprintf(mr->r->pool,
                                   "tracking %" APR_INT64_T_FMT " stopped by the e-mailed link%s",
                                   (apr_int64_t)l->id,
                                   mc_field(mr, "List-Unsubscribe") ? " (one-click)" : ""));
    return rv;
}

/* POST: the page's button, or a mail program's one-click unsubscribe. */
int ct_stop_link(mc_req *mr)
{
    stop_link l;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!stop_link_of(mr, &db, &l, &rc))
        return rc;
    if ((rv = mc_req_tx(mr, stop_tx, &l)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return stopped_page(mr, &l);
}
