/* ef_common.c: see efiling.h. */
#include "efiling.h"

#include "apr_lib.h"

#include <stdlib.h>

/* The version of the User Agreement an account must have accepted to file:
 * the one the registration plugin shows, which it registers as an httpd
 * provider (a plugin includes no other plugin's header). "" when the
 * registration plugin is not loaded: then no account has accepted it. */
static const char *agreement_version(void)
{
    const char *v = ap_lookup_provider("mocourts-registration", "agreement-version", "0");
    return v ? v : "";
}

static void missing(ef_who *w, const char *sentence)
{
    APR_ARRAY_PUSH(w->missing, const char *) = sentence;
}

apr_status_t ef_who_get(mc_req *mr, mc_db *db, ef_who *w)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mr->account->id;
    mc_dbres *res;
    apr_status_t rv;
    int member_ok;

    memset(w, 0, sizeof(*w));
    w->missing = apr_array_make(p, 4, sizeof(const char *));
    w->attorney = mc_has_role(mr, "attorney");
    rv = mc_db_query(db, p, &res,
                     "SELECT (SELECT COUNT(*) FROM mc_reg_subscription WHERE account_id = ? AND "
                     "application = 'efiling'), (SELECT COUNT(*) FROM mc_reg_agreement WHERE "
                     "account_id = ? AND version = ?)",
                     "iis", id, id, agreement_version());
    if (rv != APR_SUCCESS)
        return rv;
    w->subscribed = mc_dbres_int(res, 0, 0) > 0;
    w->agreement = mc_dbres_int(res, 0, 1) > 0;
    rv = mc_db_query(db, p, &res,
                     "SELECT m.group_id, g.name, g.status = 'active', m.status = 'active', "
                     "m.is_admin FROM mc_group_member m JOIN mc_group g ON g.id = m.group_id "
                     "WHERE m.account_id = ?",
                     "i", id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        w->group_id = mc_dbres_int(res, 0, 0);
        w->group_name = mc_dbres_get(res, 0, 1);
        w->group_active = mc_dbres_int(res, 0, 2) != 0;
        w->member_active = mc_dbres_int(res, 0, 3) != 0;
        w->group_admin = mc_dbres_int(res, 0, 4) != 0;
    }
    member_ok = w->group_id && w->group_active && w->member_active;

    if (!w->subscribed)
        missing(w, "Subscribe to Electronic Case Filing: My Account, My Applications, "
                   "Electronic Case Filing, Subscribe.");
    if (!w->agreement)
        missing(w, "Accept the current User Agreement: My Account, My Applications, Electronic "
                   "Case Filing (the agreement is shown when you subscribe).");
    if (!w->attorney && !member_ok) {
        if (w->group_id && !w->group_active)
            missing(w, apr_pstrcat(p, "Your group ", w->group_name,
                                   " is deactivated; its members cannot file. Contact the "
                                   "court's Security unit.",
                                   NULL));
        else if (w->group_id && !w->member_active)
            missing(w, apr_pstrcat(p, "You have been disabled from the group ", w->group_name,
                                   "; ask your group administrator to activate you.", NULL));
        else
            missing(w, "Verify your MOBAR number under My Account (attorneys), or join your "
                       "law firm's or agency's group with its association URL and Group PIN.");
    }
    w->ok = w->missing->nelts == 0;
    return APR_SUCCESS;
}

static const char ENV_SELECT[] =
    "SELECT e.id, COALESCE(e.number, ''), e.account_id, CONCAT(a.first_name, ' ', a.last_name, "
    "' (', a.username, ')'), COALESCE(e.group_id, 0), COALESCE(e.court_code, ''), "
    "COALESCE(co.name, ''), e.kind, COALESCE(e.case_id, 0), COALESCE(c.number, ''), "
    "COALESCE(e.case_type, ''), e.caption, e.status, e.step, e.fee_cents, e.payment, "
    "e.waiver_reason, e.payment_ref, COALESCE(e.reject_code, ''), COALESCE(e.reject_text, ''), "
    "COALESCE(e.clerk_id, 0), COALESCE(e.copied_from, 0), e.created_at, e.updated_at, "
    "COALESCE(e.submitted_at, ''), COALESCE(e.decided_at, ''), "
    "COALESCE(e.redaction_confirmed_at, '') FROM mc_ef_envelope e "
    "JOIN mc_account a ON a.id = e.account_id LEFT JOIN mc_court co ON co.code = e.court_code "
    "LEFT JOIN mc_case c ON c.id = e.case_id WHERE e.id = ?";

apr_status_t ef_env_load(mc_req *mr, mc_db *db, long long id, int for_update, ef_env *e, int *found)
{
    mc_dbres *res;
    apr_status_t rv;
    memset(e, 0, sizeof(*e));
    *found = 0;
    /* Lock the envelope's row alone (a FOR UPDATE on the join would also
     * lock the filer's account and the court until the transaction ends). */
    if (for_update && ((rv = mc_db_query(db, mr->r->pool, &res,
                                         "SELECT id FROM mc_ef_envelope WHERE id = ? FOR UPDATE",
                                         "i", id)) != APR_SUCCESS ||
                       !res->nrows))
        return rv;
    if ((rv = mc_db_query(db, mr->r->pool, &res, ENV_SELECT, "i", id)) != APR_SUCCESS ||
        !res->nrows)
        return rv;
    *found = 1;
    e->id = mc_dbres_int(res, 0, 0);
    e->number = mc_dbres_get(res, 0, 1);
    e->account_id = mc_dbres_int(res, 0, 2);
    e->filer = mc_dbres_get(res, 0, 3);
    e->group_id = mc_dbres_int(res, 0, 4);
    e->court_code = mc_dbres_get(res, 0, 5);
    e->court_name = mc_dbres_get(res, 0, 6);
    e->kind = mc_dbres_get(res, 0, 7);
    e->case_id = mc_dbres_int(res, 0, 8);
    e->case_number = mc_dbres_get(res, 0, 9);
    e->case_type = mc_dbres_get(res, 0, 10);
    e->caption = mc_dbres_get(res, 0, 11);
    e->status = mc_dbres_get(res, 0, 12);
    e->step = mc_dbres_get(res, 0, 13);
    e->fee_cents = mc_dbres_int(res, 0, 14);
    e->payment = mc_dbres_get(res, 0, 15);
    e->waiver_reason = mc_dbres_get(res, 0, 16);
    e->payment_ref = mc_dbres_get(res, 0, 17);
    e->reject_code = mc_dbres_get(res, 0, 18);
    e->reject_text = mc_dbres_get(res, 0, 19);
    e->clerk_id = mc_dbres_int(res, 0, 20);
    e->copied_from = mc_dbres_int(res, 0, 21);
    e->created_at = mc_dbres_get(res, 0, 22);
    e->updated_at = mc_dbres_get(res, 0, 23);
    e->submitted_at = mc_dbres_get(res, 0, 24);
    e->decided_at = mc_dbres_get(res, 0, 25);
    e->redaction_confirmed_at = mc_dbres_get(res, 0, 26);
    return APR_SUCCESS;
}

int ef_env_relation(const mc_req *mr, const ef_env *e)
{
    int rel = 0;
    char scope[32];
    if (!mr->account)
        return 0;
    if (mr->account->id == e->account_id)
        rel |= EF_FILER;
    if (e->group_id) {
        apr_snprintf(scope, sizeof(scope), "%" APR_INT64_T_FMT, (apr_int64_t)e->group_id);
        if (mc_has_role_scoped(mr, "group_admin", scope))
            rel |= EF_GROUP_ADMIN;
    }
    if (*e->court_code && mc_has_role_scoped(mr, "clerk", e->court_code))
        rel |= EF_CLERK;
    return rel;
}

/* Each status: its words and its badge's class (site.css: mc-status). */
static const struct {
    const char *status, *label, *badge;
} STATUS_WORDS[] = {{"draft", "Draft", "mc-status mc-status--draft"},
                    {"submitted", "Submitted", "mc-status mc-status--submitted"},
                    {"review", "Under Review", "mc-status mc-status--review"},
                    {"accepted", "Accepted", "mc-status mc-status--accepted"},
                    {"rejected", "Rejected", "mc-status mc-status--rejected"},
                    {"cancelled", "Cancelled", "mc-status mc-status--cancelled"},
                    {NULL, NULL, NULL}};

const char *ef_status_label(const char *status)
{
    int i;
    for (i = 0; STATUS_WORDS[i].status; i++)
        if (!strcmp(STATUS_WORDS[i].status, status))
            return STATUS_WORDS[i].label;
    return status;
}

const char *ef_status_badge(const char *status)
{
    int i;
    for (i = 0; STATUS_WORDS[i].status; i++)
        if (!strcmp(STATUS_WORDS[i].status, status))
            return STATUS_WORDS[i].badge;
    return "mc-status";
}

const char *ef_money(apr_pool_t *p, long long cents)
{
    char digits[32], out[48];
    int n, i, o = 0;
    long long whole = cents / 100;
    n = apr_snprintf(digits, sizeof(digits), "%" APR_INT64_T_FMT, (apr_int64_t)whole);
    out[o++] = '$';
    for (i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    apr_snprintf(out + o, sizeof(out) - o, ".%02d", (int)(cents % 100));
    return apr_pstrdup(p, out);
}

long long ef_page_asked(mc_req *mr, int *status)
{
    const char *pg = mc_query(mr, "page");
    if (!pg || !*pg)
        return 1;
    if (strlen(pg) > 9 || strspn(pg, "0123456789") != strlen(pg)) {
        mc_vars_set(mr->vars, "error", "Page: a page number is a whole number.");
        *status = HTTP_BAD_REQUEST;
        return 1;
    }
    return apr_atoi64(pg);
}

const char *ef_size_text(apr_pool_t *p, long long bytes)
{
    if (bytes < 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " bytes", (apr_int64_t)bytes);
    if (bytes < 1024 * 1024)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " KB", (apr_int64_t)((bytes + 1023) / 1024));
    return apr_psprintf(p, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
}

apr_status_t ef_history_add(mc_db *db, long long env_id, const char *status, long long actor_id,
                            const char *note)
{
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_ef_history (envelope_id, at, status, actor_id, note) VALUES "
                      "(?, UTC_TIMESTAMP(), ?, NULLIF(?, 0), ?)",
                      "isis", env_id, status, actor_id, note ? note : "");
}

/* filing.status.changed to the filer's webhook endpoints that take it, in
 * the change's transaction (mc_webhook_emit: nothing when there are none). */
static apr_status_t status_webhook(mc_req *mr, mc_db *db, const ef_env *e, const char *status,
                                   const char *note)
{
    apr_status_t rv;
    char *text;
    json_t *data = json_pack(
        "{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:s}", "envelope_id", (json_int_t)e->id, "number",
        *e->number ? json_string(e->number) : json_null(), "status", status, "status_label",
        ef_status_label(status), "previous_status", e->status, "court_code",
        *e->court_code ? json_string(e->court_code) : json_null(), "case_number",
        *e->case_number ? json_string(e->case_number) : json_null(), "note", note ? note : "");
    if (!data || !(text = json_dumps(data, JSON_COMPACT))) {
        json_decref(data);
        return APR_ENOMEM;
    }
    json_decref(data);
    rv = mc_webhook_emit(db, e->account_id, MC_WEBHOOK_FILING_STATUS,
                         *e->case_number ? e->case_number : NULL, text);
    free(text);
    return rv;
}

apr_status_t ef_status_set(mc_req *mr, mc_db *db, ef_env *e, const char *status, const char *note)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *v = mc_vars_make(p, NULL);
    mc_dbres *res;
    mc_notice n;
    const char *body, *subject, *url;
    apr_status_t rv;
    int i;

    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_ef_envelope SET status = ?, updated_at = UTC_TIMESTAMP(), "
                    "submitted_at = IF(? = 'submitted', UTC_TIMESTAMP(), submitted_at), "
                    "decided_at = IF(? IN ('accepted', 'rejected'), UTC_TIMESTAMP(), decided_at) "
                    "WHERE id = ?",
                    "sssi", status, status, status, e->id);
    if (rv == APR_SUCCESS)
        rv = ef_history_add(db, e->id, status, mr->account ? mr->account->id : 0, note);
    if (rv == APR_SUCCESS && strcmp(status, "draft"))
        rv = status_webhook(mr, db, e, status, note);
    if (rv != APR_SUCCESS)
        return rv;
    e->status = apr_pstrdup(p, status);
    if (!strcmp(status, "draft"))
        return APR_SUCCESS; /* nothing to tell */

    /* The notice (efiling/status.txt). */
    mc_vars_set(v, "court_name", mc_court_name(mr));
    mc_vars_set(v, "number", *e->number ? e->number : "(not yet numbered)");
    mc_vars_set(v, "status", ef_status_label(status));
    mc_vars_set(v, "court", e->court_name);
    mc_vars_set(v, "case_number", *e->case_number ? e->case_number : "(a new case)");
    mc_vars_set(v, "caption", e->caption);
    mc_vars_set(v, "filer", e->filer);
    mc_vars_set(v, "note", note && *note ? note : "");
    /* The envelope's page (also when the change came through the API). */
    url = mc_site_url(p, "efiling",
                      apr_psprintf(p, "/envelopes/%" APR_INT64_T_FMT, (apr_int64_t)e->id));
    mc_vars_set(v, "url", url ? url : "");
    if (!(body = mc_text(mr, "status.txt", v)))
        return APR_EGENERAL;
    subject = apr_pstrcat(p, "eFiling envelope ", *e->number ? e->number : "",
                          *e->number ? ": " : "", ef_status_label(status), NULL);

    memset(&n, 0, sizeof(n));
    n.channel = MC_CHANNEL_EMAIL;
    n.subject = subject;
    n.body = body;
    n.kind = "efiling-status";
    n.case_ref = *e->case_number ? e->case_number : NULL;
    /* The filer; the outbox's carbon-copy rule adds the group administrator. */
    if ((rv = mc_db_query(db, p, &res, "SELECT email FROM mc_account WHERE id = ?", "i",
                          e->account_id)) != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        n.account_id = e->account_id;
        n.recipient = mc_dbres_get(res, 0, 0);
        if ((rv = mc_outbox_add(db, &n, NULL)) != APR_SUCCESS)
            return rv;
    }
    /* The group's verified Notification E-mail addresses (seed 000). */
    if (!e->group_id)
        return APR_SUCCESS;
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT email FROM mc_group_notify WHERE group_id = ? AND verified_at "
                          "IS NOT NULL ORDER BY id",
                          "i", e->group_id)) != APR_SUCCESS)
        return rv;
    n.account_id = 0;
    for (i = 0; i < res->nrows; i++) {
        n.recipient = mc_dbres_get(res, i, 0);
        if ((rv = mc_outbox_add(db, &n, NULL)) != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

apr_status_t ef_fees(mc_db *db, apr_pool_t *p, long long env_id, long long *cents)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, p, &res,
                                  "SELECT COALESCE(SUM(f.fee_cents), 0) FROM mc_ef_document d JOIN "
                                  "mc_ef_filing_code f ON f.id = d.filing_code_id WHERE "
                                  "d.envelope_id = ?",
                                  "i", env_id);
    *cents = rv == APR_SUCCESS ? mc_dbres_int(res, 0, 0) : 0;
    return rv;
}

apr_status_t ef_court_get(mc_db *db, apr_pool_t *p, const char *code, ef_court *c, int *found)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, p, &res,
                                  "SELECT co.code, co.name, co.case_prefix, s.max_doc_bytes, "
                                  "s.text_pdf_only, s.active_content = 'flag' FROM mc_court co "
                                  "JOIN mc_ef_court s ON s.court_code = co.code WHERE co.code = "
                                  "? AND co.efiling = 1",
                                  "s", code);
    memset(c, 0, sizeof(*c));
    *found = 0;
    if (rv != APR_SUCCESS || !res->nrows)
        return rv;
    *found = 1;
    c->code = mc_dbres_get(res, 0, 0);
    c->name = mc_dbres_get(res, 0, 1);
    c->case_prefix = mc_dbres_get(res, 0, 2);
    c->max_doc_bytes = mc_dbres_int(res, 0, 3);
    c->text_pdf_only = mc_dbres_int(res, 0, 4) != 0;
    c->flag_active = mc_dbres_int(res, 0, 5) != 0;
    return APR_SUCCESS;
}

apr_status_t ef_sequence_take(mc_db *db, apr_pool_t *p, const char *name, long long at_least,
                              long long *value)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, p, &res, "SELECT next_value FROM mc_ef_sequence WHERE name = ? FOR UPDATE", "s", name);
    long long v;
    if (rv != APR_SUCCESS)
        return rv;
    v = res->nrows ? mc_dbres_int(res, 0, 0) : 1;
    if (v < at_least)
        v = at_least;
    *value = v;
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_ef_sequence (name, next_value) VALUES (?, ?) ON DUPLICATE "
                      "KEY UPDATE next_value = VALUES(next_value)",
                      "si", name, v + 1);
}

const char *ef_id_str(apr_pool_t *p, long long id)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)id);
}
