/* track_common.c: what the account holder's pages share (track.h): the
 * case a page names, the folder, stopping a tracking, and the labels of a
 * tracking's method, frequency and phone number and of a case's status.
 * Used by Track This Case (track.c), Manage My Case (mycases.c), the phone
 * numbers (phones.c) and the notification history (history.c). */
#include "track.h"

int ct_track_case(mc_req *mr, mc_db **db, ct_case *c, int (*not_found)(mc_req *mr), int *rc)
{
    const char *number;
    int found = 0;
    apr_status_t rv = mc_req_db(mr, db);
    memset(c, 0, sizeof(*c));
    if (rv == APR_SUCCESS &&
        ct_case_number_ok(mr->r->pool, apr_table_get(mr->params, "number"), &number))
        rv = ct_case_find(mr, *db, number, 0, 1, c, &found);
    if (rv == APR_SUCCESS && found)
        return 1;
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : not_found(mr);
    return 0;
}

void ct_case_vars(mc_req *mr, const ct_case *c)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars_set(mr->vars, "case_number", c->number);
    mc_vars_set(mr->vars, "caption", c->caption);
    mc_vars_set(mr->vars, "court", c->court_name);
    mc_vars_set(mr->vars, "case_type", c->case_type_name);
    mc_vars_set(mr->vars, "filed_on", c->filed_on);
    mc_vars_set(mr->vars, "case_status", ct_label(&ct_case_statuses, c->status));
    mc_vars_set(mr->vars, "case_status_class", ct_label(&ct_case_badges, c->status));
    mc_vars_set(mr->vars, "judge", c->judge);
    mc_vars_set(mr->vars, "case_url", mc_url(mr, apr_pstrcat(p, "/case/", c->number, NULL)));
    mc_vars_set(mr->vars, "mycase_url", mc_url(mr, apr_pstrcat(p, "/mycases/", c->number, NULL)));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
}

apr_status_t ct_folder_add(mc_db *db, long long account_id, long long case_id)
{
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_mycase (account_id, case_id, note, added_at) VALUES "
                      "(?, ?, '', UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE account_id = account_id",
                      "ii", account_id, case_id);
}

apr_status_t ct_track_stop(mc_db *db, long long account_id, long long case_id, const char *why,
                           int *stopped)
{
    long long n = 0;
    apr_status_t rv = mc_db_exec(db, &n, NULL,
                                 "UPDATE mc_track SET active = 0, stopped_at = UTC_TIMESTAMP(), "
                                 "stopped_why = ? WHERE account_id = ? AND case_id = ? AND "
                                 "active = 1",
                                 "sii", why, account_id, case_id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "DELETE d FROM mc_track_digest d JOIN mc_track t ON t.id = d.track_id "
                        "WHERE t.account_id = ? AND t.case_id = ? AND t.active = 0",
                        "ii", account_id, case_id);
    if (stopped)
        *stopped = n > 0;
    return rv;
}

const char *ct_phone_display(apr_pool_t *p, const char *e164)
{
    if (!e164 || strlen(e164) != 12 || strncmp(e164, "+1", 2))
        return e164 ? e164 : "";
    return apr_psprintf(p, "(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
}

void ct_tracking_vars(mc_req *mr, const char *channel, const char *recipient, const char *frequency,
                      const char *alert_types)
{
    apr_pool_t *p = mr->r->pool;
    int filtered = alert_types && *alert_types;
    mc_vars_set(mr->vars, "tracking_active", "1");
    mc_vars_set(mr->vars, "tracking_channel", ct_label(&ct_channels, channel));
    mc_vars_set(mr->vars, "tracking_rest",
                apr_pstrcat(p, "to ",
                            strcmp(channel, "email") ? ct_phone_display(p, recipient) : recipient,
                            ", ", ct_label(&ct_frequencies, frequency), filtered ? "; only " : "",
                            filtered ? ct_alert_words(p, alert_types) : "", NULL));
}

const mc_label ct_alert_kinds[CT_ALERT_KINDS + 1] = {
    {"orders", "Orders and judgments"},
    {"hearings", "Hearings set or moved, and hearing reminders"},
    {"filings", "Filings: petitions, motions, answers"},
    {"other", "Other entries"},
    {NULL}};

const char *ct_alert_types(apr_pool_t *p, const int chosen[CT_ALERT_KINDS])
{
    const char *out = "";
    int i, n = 0;
    for (i = 0; i < CT_ALERT_KINDS; i++)
        if (chosen[i]) {
            out = apr_pstrcat(p, out, n++ ? "," : "", ct_alert_kinds[i].word, NULL);
        }
    return n == CT_ALERT_KINDS ? NULL : out;
}

int ct_alert_takes(const char *alert_types, int i)
{
    const char *w = ct_alert_kinds[i].word, *s = alert_types;
    size_t n = strlen(w);
    if (!s || !*s)
        return 1;
    while (s) {
        if (!strncmp(s, w, n) && (s[n] == ',' || s[n] == '\0'))
            return 1;
        if ((s = strchr(s, ',')) != NULL)
            s++;
    }
    return 0;
}

const char *ct_alert_words(apr_pool_t *p, const char *alert_types)
{
    const char *out = "";
    int i, n = 0;
    if (!alert_types || !*alert_types)
        return "All docket entries";
    for (i = 0; i < CT_ALERT_KINDS; i++)
        if (ct_alert_takes(alert_types, i))
            out = apr_pstrcat(p, out, n++ ? ", " : "", ct_alert_kinds[i].text, NULL);
    return out;
}

const ct_labels ct_channels = {"E-mail", {{"sms", "Text/SMS"}, {"voice", "Phone call"}}};

const ct_labels ct_frequencies = {"Each entry as it is docketed", {{"daily", "Daily digest"}}};
