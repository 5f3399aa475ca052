/* decide.c: the clerk's decisions on an envelope (see review.c, which
 * describes them, and rules.h): open for review, accept (a new case gets
 * its number; documents become docket entries) and reject with a reason.
 * The clerk's pages (review.c) and the JSON API (api_clerk.c) take them
 * through ef_decide, in one transaction with the envelope's row locked. */
#include "rules.h"

#define TEXT_MAX 2000
#define ENTRY_TYPE_MAX 100 /* mc_docket.entry_type */

/* The reasons a clerk may give for a rejection (stored as written in
 * mc_ef_envelope.reject_code). The last one needs an explanation. */
const char *const ef_reject_reasons[] = {"Wrong court",
                                         "Wrong case number",
                                         "Missing signature",
                                         "Document illegible",
                                         "Wrong filing code",
                                         "Fee not paid",
                                         "Other",
                                         NULL};
#define REASON_OTHER "Other"

/* At most max characters of s (UTF-8 safe). */
static const char *cut(apr_pool_t *p, const char *s, size_t max)
{
    size_t n = 0;
    const char *k;
    for (k = s; *k; k++)
        if (((unsigned char)*k & 0xC0) != 0x80 && n++ == max)
            return apr_pstrmemdup(p, s, k - s);
    return s;
}

const char *ef_reject_check(const char *reason, const char *text, const char **field)
{
    int k, known = 0;
    for (k = 0; ef_reject_reasons[k]; k++)
        known |= !strcmp(reason, ef_reject_reasons[k]);
    *field = "reason";
    if (!*reason)
        return "Reason: choose the reason for the rejection.";
    if (!known)
        return "Reason: choose one of the listed reasons.";
    *field = "text";
    if (!mc_text_printable(text, 1))
        return "Explanation: remove the control characters or characters that are not valid "
               "text.";
    if (mc_text_chars(text) > TEXT_MAX)
        return "Explanation: at most 2000 characters.";
    if (!strcmp(reason, REASON_OTHER) && !*text)
        return "Explanation: say why the envelope is rejected (required when the reason is "
               "Other).";
    return NULL;
}

/* Why the action cannot be taken on an envelope of this status, or NULL. */
static const char *refusal(apr_pool_t *p, const char *action, const char *status)
{
    if (!strcmp(status, "accepted") || !strcmp(status, "rejected") || !strcmp(status, "cancelled"))
        return apr_pstrcat(p, "This envelope was already ", ef_status_label(status),
                           strcmp(status, "cancelled") ? " by the court" : " by the filer",
                           "; nothing was changed.", NULL);
    if (!strcmp(action, "open") && !strcmp(status, "review"))
        return "This envelope is already Under Review; nothing was changed.";
    if (!strcmp(action, "accept") && !strcmp(status, "submitted"))
        return "Open the envelope for review before accepting it; nothing was changed.";
    if (strcmp(status, "submitted") && strcmp(status, "review"))
        return apr_pstrcat(p, "An envelope that is ", ef_status_label(status),
                           " cannot be decided; nothing was changed.", NULL);
    return NULL;
}

/* The new case of envelope e: its number, its mc_case and mc_party rows. */
static apr_status_t make_case(mc_req *mr, mc_db *db, ef_decide_req *b)
{
    apr_pool_t *p = mr->r->pool;
    ef_env *e = &b->e;
    const char *stem, *number;
    mc_dbres *res;
    long long at_least, seq, case_id = 0;
    apr_status_t rv;

    rv = mc_db_query(db, p, &res, "SELECT case_prefix FROM mc_court WHERE code = ?", "s",
                     e->court_code);
    if (rv != APR_SUCCESS)
        return rv;
    if (!res->nrows || !*e->case_type)
        return APR_EINVAL;
    stem = apr_pstrcat(p, mc_dbres_get(res, 0, 0), "-", e->case_type, NULL);
    /* The highest number already used for this prefix and type (the feed's
     * cases and those made here alike). */
    rv = mc_db_query(db, p, &res,
                     "SELECT COALESCE(MAX(CAST(SUBSTRING(number, CHAR_LENGTH(?) + 1) AS "
                     "UNSIGNED)), 0) FROM mc_case WHERE LEFT(number, CHAR_LENGTH(?)) = ? AND "
                     "SUBSTRING(number, CHAR_LENGTH(?) + 1) REGEXP '^[0-9]{1,18}$'",
                     "ssss", stem, stem, stem, stem);
    if (rv != APR_SUCCESS)
        return rv;
    at_least = mc_dbres_int(res, 0, 0) + 1;
    if ((rv = ef_sequence_take(db, p, stem, at_least, &seq)) != APR_SUCCESS)
        return rv;
    number = apr_psprintf(p, "%s%05" APR_INT64_T_FMT, stem, (apr_int64_t)seq);
    rv = mc_db_exec(db, NULL, &case_id,
                    "INSERT INTO mc_case (number, court_code, case_type, caption, filed_on, "
                    "status, confidential, last_activity) VALUES (?, ?, ?, ?, UTC_DATE(), "
                    "'open', 0, UTC_TIMESTAMP())",
                    "ssss", number, e->court_code, e->case_type, e->caption);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name, "
                    "middle_name, case_confidential) SELECT ?, CONCAT('ef-', id), kind, role, "
                    "last_name, first_name, middle_name, 0 FROM mc_ef_party WHERE envelope_id = "
                    "? ORDER BY id",
                    "ii", case_id, e->id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_ef_envelope SET case_id = ? WHERE id = ?", "ii",
                        case_id, e->id);
    if (rv == APR_SUCCESS) /* a new case and parties: Case.net's searches find them */
        rv = mc_db_exec(db, NULL, NULL, MC_CASE_SEARCH_CHANGED, "");
    if (rv != APR_SUCCESS)
        return rv;
    e->case_id = case_id;
    e->case_number = number;
    b->new_case = number;
    return APR_SUCCESS;
}

/* Every document of the envelope that is not yet on the docket becomes a
 * docket entry of e's case. */
static apr_status_t docket_documents(mc_req *mr, mc_db *db, ef_decide_req *b,
                                     const mc_case_env *env)
{
    apr_pool_t *p = mr->r->pool;
    ef_env *e = &b->e;
    mc_dbres *res, *who;
    const char *today, *filed_by;
    apr_time_exp_t x;
    apr_status_t rv;
    int i;

    apr_time_exp_gmt(&x, apr_time_now());
    today = apr_psprintf(p, "%04d-%02d-%02d", x.tm_year + 1900, x.tm_mon + 1, x.tm_mday);
    rv = mc_db_query(db, p, &who,
                     "SELECT TRIM(CONCAT(first_name, ' ', last_name)) FROM mc_account WHERE id "
                     "= ?",
                     "i", e->account_id);
    if (rv != APR_SUCCESS)
        return rv;
    filed_by = who->nrows ? cut(p, mc_dbres_get(who, 0, 0), 200) : "";
    rv = mc_db_query(db, p, &res,
                     "SELECT d.id, f.name, COALESCE(d.docket_id, 0) FROM mc_ef_document d JOIN "
                     "mc_ef_filing_code f ON f.id = d.filing_code_id WHERE d.envelope_id = ? "
                     "ORDER BY d.is_lead DESC, d.id FOR UPDATE",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_docket_entry de;
        long long doc = mc_dbres_int(res, i, 0), entry = 0, queued = 0;
        const char *name = mc_dbres_get(res, i, 1);
        if (mc_dbres_int(res, i, 2))
            continue; /* already on the docket */
        memset(&de, 0, sizeof(de));
        de.case_id = e->case_id;
        de.entry_date = today;
        de.entry_type = cut(p, name, ENTRY_TYPE_MAX);
        de.text = apr_pstrcat(p, name, " filed electronically (envelope ", e->number, ").", NULL);
        de.filed_by = filed_by;
        de.ref = apr_psprintf(p, "ef-doc-%" APR_INT64_T_FMT, (apr_int64_t)doc);
        rv = mc_case_docket_add(db, p, env, &de, &entry, &queued);
        if (rv == MC_DB_EDUP) {
            /* Already docketed by an earlier accept: keep that entry. */
            mc_dbres *old;
            rv = mc_db_query(db, p, &old, "SELECT id FROM mc_docket WHERE case_id = ? AND ref = ?",
                             "is", e->case_id, de.ref);
            if (rv != APR_SUCCESS)
                return rv;
            if (!old->nrows)
                return APR_EGENERAL;
            entry = mc_dbres_int(old, 0, 0);
            queued = 0;
        }
        else if (rv != APR_SUCCESS) {
            return rv;
        }
        else {
            b->docketed++;
        }
        b->queued += queued;
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_ef_document SET docket_id = ? WHERE id = ?",
                        "ii", entry, doc);
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

apr_status_t ef_decide(mc_req *mr, mc_db *db, void *baton)
{
    ef_decide_req *b = baton;
    apr_pool_t *p = mr->r->pool;
    ef_env *e = &b->e;
    const char *note, *detail;
    apr_status_t rv;
    int found;

    b->refused = NULL;
    b->gone = 0;
    b->docketed = b->queued = 0;
    b->new_case = NULL;
    if ((rv = ef_env_load(mr, db, b->id, 1, e, &found)) != APR_SUCCESS)
        return rv;
    if (!found || !(ef_env_relation(mr, e) & EF_CLERK) || !*e->number) {
        b->gone = 1;
        return APR_SUCCESS;
    }
    if ((b->refused = refusal(p, b->action, e->status)) != NULL)
        return APR_SUCCESS;

    if (!strcmp(b->action, "open")) {
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_ef_envelope SET clerk_id = ? WHERE id = ?", "ii",
                        mr->account->id, e->id);
        if (rv == APR_SUCCESS)
            rv = ef_status_set(mr, db, e, "review", "Opened for review by the clerk.");
        detail = "opened for review";
    }
    else if (!strcmp(b->action, "reject")) {
        note = apr_pstrcat(p, "Reason: ", b->reason, ".", *b->text ? " " : "", b->text, NULL);
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_ef_envelope SET reject_code = ?, reject_text = ?, clerk_id = "
                        "? WHERE id = ?",
                        "ssii", b->reason, b->text, mr->account->id, e->id);
        if (rv == APR_SUCCESS)
            rv = ef_status_set(mr, db, e, "rejected", cut(p, note, TEXT_MAX));
        e->reject_code = b->reason;
        e->reject_text = b->text;
        detail = apr_pstrcat(p, "rejected: ", b->reason, NULL);
    }
    else {
        mc_case_env env;
        env.tmpl = mc_site_templates();
        env.casenet_url = mc_site_url(p, "casetrack", "");
        env.court_name = mc_court_name(mr);
        if (!env.tmpl || !env.casenet_url) {
            b->refused = "This envelope cannot be accepted: Case.net (the casetrack plugin) is "
                         "not mounted on this site, so its documents cannot be put on a docket. "
                         "Ask the site administrator to mount it; nothing was changed.";
            return APR_SUCCESS;
        }
        rv = APR_SUCCESS;
        if (!e->case_id) {
            if (strcmp(e->kind, "new")) {
                b->refused = "This envelope names no case to file into; reject it instead. "
                             "Nothing was changed.";
                return APR_SUCCESS;
            }
            rv = make_case(mr, db, b);
            if (rv == APR_EINVAL) {
                b->refused = "This envelope's court or case type is not known to Case.net, so "
                             "no case can be created; reject it instead. Nothing was changed.";
                return APR_SUCCESS;
            }
        }
        if (rv == APR_SUCCESS)
            rv = docket_documents(mr, db, b, &env);
        if (rv == APR_SUCCESS)
            rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_ef_envelope SET clerk_id = ? WHERE id = ?",
                            "ii", mr->account->id, e->id);
        note = b->new_case ? apr_pstrcat(p, "Case ", b->new_case, " created.", NULL)
                           : apr_psprintf(p, "Filed in case %s.", e->case_number);
        if (rv == APR_SUCCESS)
            rv = ef_status_set(mr, db, e, "accepted", note);
        detail = apr_psprintf(p,
                              "accepted into case %s%s; %" APR_INT64_T_FMT
                              " docket entr%s, %" APR_INT64_T_FMT " tracker notice(s)",
                              e->case_number, b->new_case ? " (new)" : "", (apr_int64_t)b->docketed,
                              b->docketed == 1 ? "y" : "ies", (apr_int64_t)b->queued);
    }
    if (rv != APR_SUCCESS)
        return rv;
    return mc_audit(
        mr, db, apr_pstrcat(p, "efiling-", b->action, NULL), e->account_id,
        apr_psprintf(p, "envelope %s (court %s): %s", e->number, e->court_code, detail));
}
