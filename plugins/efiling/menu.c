/* menu.c: see efiling.h.
 *
 * GET /          the eFiling Menu (seed 001 step 25), or what is missing
 * GET /filings   My Filings (?status=, ?page=)
 * GET /envelopes/:id  the envelope page with its history
 *
 * Viewing My Filings and an envelope needs no eFiling eligibility (a member
 * disabled from a group still sees what was filed); every action does. A
 * draft is shown to its filer only. */
#include "efiling.h"
#include "payment.h"

#include "apr_lib.h"

static const char *id_str(apr_pool_t *p, long long id)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)id);
}

const char *ef_env_url(mc_req *mr, long long id, const char *tail)
{
    return mc_url(mr, apr_psprintf(mr->r->pool, "/envelopes/%" APR_INT64_T_FMT "%s",
                                   (apr_int64_t)id, tail ? tail : ""));
}

int ef_env_not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Envelope not found",
                      "There is no such envelope, or it is not yours to see.");
}

int ef_who_refuse(mc_req *mr, const ef_who *w, int status)
{
    int i;
    const char *myaccount = mc_site_url(mr->r->pool, "registration", "/myaccount");
    for (i = 0; i < w->missing->nelts; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "missing");
        mc_vars_set(row, "sentence", APR_ARRAY_IDX(w->missing, i, const char *));
    }
    mc_vars_set(mr->vars, "myaccount_url", myaccount);
    mc_vars_set(mr->vars, "group_name", w->group_id ? w->group_name : NULL);
    return mc_render(mr, status, "who.html", "eFiling Menu");
}

static const char *role_label(const char *role)
{
    static const char *const roles[][2] = {{"plaintiff", "Plaintiff"},
                                           {"petitioner", "Petitioner"},
                                           {"defendant", "Defendant"},
                                           {"respondent", "Respondent"},
                                           {"other", "Other"}};
    size_t i;
    for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        if (!strcmp(roles[i][0], role))
            return roles[i][1];
    return role;
}

apr_status_t ef_env_show(mc_req *mr, mc_db *db, const ef_env *e)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *v = mr->vars;
    mc_dbres *res;
    apr_status_t rv;
    long long fees = 0;
    int i;

    mc_vars_set(v, "env_id", id_str(p, e->id));
    mc_vars_set(v, "number", *e->number ? e->number : NULL);
    mc_vars_set(v, "status_label", ef_status_label(e->status));
    mc_vars_set(v, "is_draft", !strcmp(e->status, "draft") ? "1" : NULL);
    mc_vars_set(v, "is_new", !strcmp(e->kind, "new") ? "1" : NULL);
    mc_vars_set(v, "kind_label",
                !strcmp(e->kind, "new") ? "New case" : "Filing into an existing case");
    mc_vars_set(v, "court", e->court_name);
    mc_vars_set(v, "court_code", e->court_code);
    mc_vars_set(v, "case_number", *e->case_number ? e->case_number : NULL);
    mc_vars_set(v, "caption", e->caption);
    mc_vars_set(v, "filer", e->filer);
    mc_vars_set(v, "created_at", e->created_at);
    mc_vars_set(v, "updated_at", e->updated_at);
    mc_vars_set(v, "submitted_at", *e->submitted_at ? e->submitted_at : NULL);
    mc_vars_set(v, "decided_at", *e->decided_at ? e->decided_at : NULL);
    mc_vars_set(v, "reject_code", *e->reject_code ? e->reject_code : NULL);
    mc_vars_set(v, "reject_text", *e->reject_text ? e->reject_text : NULL);
    mc_vars_set(v, "rejected", !strcmp(e->status, "rejected") ? "1" : NULL);
    mc_vars_set(v, "env_url", ef_env_url(mr, e->id, NULL));
    if (*e->case_type) {
        rv = mc_db_query(db, p, &res, "SELECT name FROM mc_case_type WHERE code = ?", "s",
                         e->case_type);
        if (rv != APR_SUCCESS)
            return rv;
        mc_vars_set(v, "case_type", res->nrows ? mc_dbres_get(res, 0, 0) : e->case_type);
    }
    if (e->copied_from) {
        rv =
            mc_db_query(db, p, &res, "SELECT COALESCE(number, '') FROM mc_ef_envelope WHERE id = ?",
                        "i", e->copied_from);
        if (rv != APR_SUCCESS)
            return rv;
        if (res->nrows)
            mc_vars_set(v, "copied_from", mc_dbres_get(res, 0, 0));
        mc_vars_set(v, "copied_from_url", ef_env_url(mr, e->copied_from, NULL));
    }

    /* Parties (a new case). */
    rv = mc_db_query(db, p, &res,
                     "SELECT id, kind, role, last_name, first_name, middle_name FROM mc_ef_party "
                     "WHERE envelope_id = ? ORDER BY id",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(v, "parties");
        const char *first = mc_dbres_get(res, i, 4), *middle = mc_dbres_get(res, i, 5);
        const char *name = mc_dbres_get(res, i, 3);
        if (!strcmp(mc_dbres_get(res, i, 1), "person"))
            name = apr_pstrcat(p, name, ", ", first, *middle ? " " : "", middle, NULL);
        mc_vars_set(row, "party_id", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "name", name);
        mc_vars_set(row, "kind",
                    !strcmp(mc_dbres_get(res, i, 1), "person") ? "Person" : "Business");
        mc_vars_set(row, "role", role_label(mc_dbres_get(res, i, 2)));
    }

    /* Documents with their filing codes' fees. */
    rv = mc_db_query(db, p, &res,
                     "SELECT d.id, f.code, f.name, d.is_lead, d.client_name, d.bytes, d.sha256, "
                     "f.fee_cents FROM mc_ef_document d JOIN mc_ef_filing_code f ON f.id = "
                     "d.filing_code_id WHERE d.envelope_id = ? ORDER BY d.is_lead DESC, d.id",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(v, "documents");
        long long fee = mc_dbres_int(res, i, 7);
        fees += fee;
        mc_vars_set(row, "doc_id", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "code", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "code_name", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "lead", mc_dbres_int(res, i, 3) ? "Lead document" : "Attachment");
        mc_vars_set(row, "client_name", mc_dbres_get(res, i, 4));
        mc_vars_set(row, "size", ef_size_text(p, mc_dbres_int(res, i, 5)));
        mc_vars_set(row, "sha256", mc_dbres_get(res, i, 6));
        mc_vars_set(row, "fee", ef_money(p, fee));
        mc_vars_set(row, "doc_url",
                    mc_url(mr, apr_pstrcat(p, "/documents/", mc_dbres_get(res, i, 0), NULL)));
        mc_vars_set(
            row, "remove_url",
            ef_env_url(mr, e->id,
                       apr_pstrcat(p, "/documents/", mc_dbres_get(res, i, 0), "/remove", NULL)));
    }
    /* A submitted envelope keeps the fees it was charged. */
    if (strcmp(e->status, "draft"))
        fees = e->fee_cents;
    mc_vars_set(v, "fee_total", ef_money(p, fees));
    mc_vars_set(v, "fee_due", fees > 0 ? "1" : NULL);
    mc_vars_set(v, "payment_label", ef_payment_label(e->payment));
    mc_vars_set(v, "payment_ref", *e->payment_ref ? e->payment_ref : NULL);
    mc_vars_set(v, "waiver_reason",
                !strcmp(e->payment, "waiver") && *e->waiver_reason ? e->waiver_reason : NULL);
    return APR_SUCCESS;
}

/* ---- the eFiling Menu ---------------------------------------------------------- */

static const char *const MENU_DONE[][2] = {
    {"deleted", "The draft was deleted."},
};

static int menu_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    mc_dbres *res;
    ef_who w;
    apr_status_t rv;
    const char *done = mc_query(mr, "done");
    size_t k;
    int i;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS || (rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w.ok)
        return ef_who_refuse(mr, &w, HTTP_OK);
    for (k = 0; done && k < sizeof(MENU_DONE) / sizeof(MENU_DONE[0]); k++)
        if (!strcmp(done, MENU_DONE[k][0]))
            mc_vars_set(mr->vars, "notice", MENU_DONE[k][1]);

    rv = mc_db_query(db, p, &res,
                     "SELECT e.id, e.kind, COALESCE(co.name, ''), COALESCE(c.number, ''), "
                     "e.caption, e.step, e.updated_at FROM mc_ef_envelope e LEFT JOIN mc_court "
                     "co ON co.code = e.court_code LEFT JOIN mc_case c ON c.id = e.case_id WHERE "
                     "e.account_id = ? AND e.status = 'draft' ORDER BY e.updated_at DESC, e.id "
                     "DESC LIMIT 100",
                     "i", mr->account->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "drafts");
        long long id = mc_dbres_int(res, i, 0);
        const char *court = mc_dbres_get(res, i, 2), *number = mc_dbres_get(res, i, 3);
        mc_vars_set(row, "kind",
                    !strcmp(mc_dbres_get(res, i, 1), "new") ? "New case" : "Existing case");
        mc_vars_set(row, "court", *court ? court : "(court not chosen)");
        mc_vars_set(row, "case", *number ? number : mc_dbres_get(res, i, 4));
        mc_vars_set(row, "updated_at", mc_dbres_get(res, i, 6));
        mc_vars_set(row, "resume_url",
                    ef_env_url(mr, id, apr_pstrcat(p, "/", mc_dbres_get(res, i, 5), NULL)));
        mc_vars_set(row, "delete_action", ef_env_url(mr, id, "/delete"));
    }
    mc_vars_set(mr->vars, "new_action", mc_url(mr, "/new"));
    mc_vars_set(mr->vars, "filings_url", mc_url(mr, "/filings"));
    mc_vars_set(mr->vars, "group_name", w.group_id && w.member_active ? w.group_name : NULL);
    mc_vars_set(mr->vars, "group_admin", w.group_admin && w.member_active ? "1" : NULL);
    return mc_render(mr, HTTP_OK, "menu.html", "eFiling Menu");
}

/* ---- My Filings ------------------------------------------------------------------- */

static const char *const STATUSES[] = {"draft",    "submitted", "review",
                                       "accepted", "rejected",  "cancelled"};

static int filings_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    mc_dbres *res;
    ef_who w;
    apr_status_t rv;
    const char *status = mc_query(mr, "status"), *pg = mc_query(mr, "page");
    long long gid = 0, total, page = 1, pages;
    size_t k;
    int i, known = 0;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS || (rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!status)
        status = "";
    for (k = 0; k < sizeof(STATUSES) / sizeof(STATUSES[0]); k++)
        if (!strcmp(status, STATUSES[k]))
            known = 1;
    if (*status && !known) {
        mc_vars_set(mr->vars, "error", "Choose a status from the list.");
        status = "";
    }
    if (pg) {
        const char *s = pg;
        while (apr_isdigit(*s))
            s++;
        if (*s || !*pg || strlen(pg) > 6 || (page = apr_atoi64(pg)) < 1)
            page = 1;
    }
    /* A group administrator also sees the group's members' filings (not
     * their drafts). */
    if (w.group_admin && w.member_active)
        gid = w.group_id;
    rv = mc_db_query(db, p, &res,
                     "SELECT COUNT(*) FROM mc_ef_envelope e WHERE (e.account_id = ? OR (e.group_id "
                     "= ? AND e.status <> 'draft')) AND (? = '' OR e.status = ?)",
                     "iiss", mr->account->id, gid, status, status);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    total = mc_dbres_int(res, 0, 0);
    pages = total ? (total + EF_PAGE_SIZE - 1) / EF_PAGE_SIZE : 1;
    if (page > pages)
        page = pages;
    rv = mc_db_query(
        db, p, &res,
        "SELECT e.id, COALESCE(e.number, ''), COALESCE(co.name, ''), COALESCE(c.number, ''), "
        "e.caption, e.status, e.created_at, COALESCE(e.submitted_at, ''), e.updated_at, "
        "CONCAT(a.first_name, ' ', a.last_name), e.account_id FROM mc_ef_envelope e JOIN "
        "mc_account a ON a.id = e.account_id LEFT JOIN mc_court co ON co.code = e.court_code "
        "LEFT JOIN mc_case c ON c.id = e.case_id WHERE (e.account_id = ? OR (e.group_id = ? AND "
        "e.status <> 'draft')) AND (? = '' OR e.status = ?) ORDER BY e.updated_at DESC, e.id "
        "DESC LIMIT ? OFFSET ?",
        "iissii", mr->account->id, gid, status, status, (long long)EF_PAGE_SIZE,
        (page - 1) * EF_PAGE_SIZE);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "filings");
        const char *number = mc_dbres_get(res, i, 1), *court = mc_dbres_get(res, i, 2);
        const char *cnum = mc_dbres_get(res, i, 3);
        mc_vars_set(row, "number", *number ? number : "(draft)");
        mc_vars_set(row, "court", *court ? court : "(court not chosen)");
        mc_vars_set(row, "case", *cnum ? cnum : "(new case)");
        mc_vars_set(row, "caption", mc_dbres_get(res, i, 4));
        mc_vars_set(row, "status", ef_status_label(mc_dbres_get(res, i, 5)));
        mc_vars_set(row, "created_at", mc_dbres_get(res, i, 6));
        mc_vars_set(row, "submitted_at", mc_dbres_get(res, i, 7));
        mc_vars_set(row, "updated_at", mc_dbres_get(res, i, 8));
        mc_vars_set(row, "filer",
                    mc_dbres_int(res, i, 10) == mr->account->id ? "You" : mc_dbres_get(res, i, 9));
        mc_vars_set(row, "url", ef_env_url(mr, mc_dbres_int(res, i, 0), NULL));
    }
    mc_vars_set(mr->vars, "q_status", status);
    mc_vars_set(mr->vars, "total", id_str(p, total));
    mc_vars_set(mr->vars, "page", id_str(p, page));
    mc_vars_set(mr->vars, "pages", id_str(p, pages));
    mc_vars_set(mr->vars, "group_admin", gid ? "1" : NULL);
    if (page > 1)
        mc_vars_set(mr->vars, "prev_url",
                    mc_url(mr, apr_psprintf(p, "/filings?status=%s&page=%" APR_INT64_T_FMT, status,
                                            (apr_int64_t)(page - 1))));
    if (page < pages)
        mc_vars_set(mr->vars, "next_url",
                    mc_url(mr, apr_psprintf(p, "/filings?status=%s&page=%" APR_INT64_T_FMT, status,
                                            (apr_int64_t)(page + 1))));
    mc_vars_set(mr->vars, "action", mc_url(mr, "/filings"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    return mc_render(mr, HTTP_OK, "filings.html", "My Filings");
}

/* ---- the envelope page ---------------------------------------------------------- */

static int envelope_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_param_id(mr, "id");
    mc_db *db;
    mc_dbres *res;
    ef_env e;
    apr_status_t rv;
    int found, rel, i, filer;

    if (!id)
        return ef_env_not_found(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ef_env_load(mr, db, id, 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return ef_env_not_found(mr);
    rel = ef_env_relation(mr, &e);
    filer = (rel & EF_FILER) != 0;
    if (!rel || (!filer && !strcmp(e.status, "draft")))
        return ef_env_not_found(mr);
    if ((rv = ef_env_show(mr, db, &e)) != APR_SUCCESS)
        return mc_fail(mr, rv);

    rv = mc_db_query(db, p, &res,
                     "SELECT h.at, h.status, COALESCE(CONCAT(a.first_name, ' ', a.last_name), "
                     "''), h.note FROM mc_ef_history h LEFT JOIN mc_account a ON a.id = "
                     "h.actor_id WHERE h.envelope_id = ? ORDER BY h.at, h.id",
                     "i", e.id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "history");
        mc_vars_set(row, "at", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "status", ef_status_label(mc_dbres_get(res, i, 1)));
        mc_vars_set(row, "who", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "note", mc_dbres_get(res, i, 3));
    }

    /* The actions this viewer may take now. */
    if (filer && !strcmp(e.status, "draft")) {
        mc_vars_set(mr->vars, "resume_url",
                    ef_env_url(mr, e.id, apr_pstrcat(p, "/", ef_env_resume_step(&e), NULL)));
        mc_vars_set(mr->vars, "delete_action", ef_env_url(mr, e.id, "/delete"));
    }
    if (filer && !strcmp(e.status, "submitted"))
        mc_vars_set(mr->vars, "cancel_action", ef_env_url(mr, e.id, "/cancel"));
    if (filer && !strcmp(e.status, "rejected"))
        mc_vars_set(mr->vars, "copy_action", ef_env_url(mr, e.id, "/copy"));
    if ((rel & EF_CLERK) && strcmp(e.status, "draft"))
        mc_vars_set(
            mr->vars, "clerk_url",
            mc_url(mr, apr_psprintf(p, "/clerk/envelopes/%" APR_INT64_T_FMT, (apr_int64_t)e.id)));
    if (*e.number && (filer || (rel & EF_GROUP_ADMIN)))
        mc_vars_set(mr->vars, "receipt_url", ef_env_url(mr, e.id, "/receipt"));
    if (mc_query(mr, "cancelled"))
        mc_vars_set(mr->vars, "notice", "The envelope was cancelled.");
    mc_vars_set(mr->vars, "filings_url", mc_url(mr, "/filings"));
    return mc_render(mr, HTTP_OK, "envelope.html",
                     *e.number ? apr_pstrcat(p, "Envelope ", e.number, NULL) : "Draft envelope");
}

const mc_route ef_menu_routes[] = {
    {"GET", "/", MC_ACCESS_ACCOUNT, NULL, menu_page, 0},
    {"GET", "/filings", MC_ACCESS_ACCOUNT, NULL, filings_page, 0},
    {"GET", "/envelopes/:id", MC_ACCESS_ACCOUNT, NULL, envelope_page, 0},
    {NULL}};
