/* envpage.c: the pieces every envelope page shares (efiling.h): its URL,
 * "not found", the envelope the route names, the "what is missing" page,
 * and the envelope's own variables.
 * The menu (menu.c), the wizard (wizard.c), the envelope's actions
 * (envelope.c) and its documents (upload.c) use them. */
#include "efiling.h"
#include "payment.h"

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

int ef_env_of_route(mc_req *mr, mc_db **db, ef_env *e, int *rc)
{
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    int found = 0, rel;
    if (id && ((rv = mc_req_db(mr, db)) != APR_SUCCESS ||
               (rv = ef_env_load(mr, *db, id, 0, e, &found)) != APR_SUCCESS)) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (!found || !(rel = ef_env_relation(mr, e))) {
        *rc = ef_env_not_found(mr);
        return 0;
    }
    return rel;
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

int ef_who_may_file(mc_req *mr, mc_db **db, ef_who *w, int status)
{
    apr_status_t rv;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS || (rv = ef_who_get(mr, *db, w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w->ok)
        return ef_who_refuse(mr, w, status);
    return -1;
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

apr_status_t ef_env_parties(mc_req *mr, mc_db *db, long long env_id)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    rv = mc_db_query(db, p, &res,
                     "SELECT id, kind, role, last_name, first_name, middle_name FROM mc_ef_party "
                     "WHERE envelope_id = ? ORDER BY id",
                     "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "parties");
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
    return APR_SUCCESS;
}

apr_status_t ef_env_documents(mc_req *mr, mc_db *db, long long env_id, ef_doc_row_fn each,
                              const void *baton, long long *fees)
{
    static const char *const keys[] = {"", "code", "", "", "client_name", "", "sha256", NULL};
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    *fees = 0;
    rv = mc_db_query(db, p, &res,
                     "SELECT d.id, f.code, f.name, d.is_lead, d.client_name, d.bytes, d.sha256, "
                     "f.fee_cents, COALESCE(d.docket_id, 0), d.active_found FROM mc_ef_document "
                     "d JOIN mc_ef_filing_code f ON f.id = d.filing_code_id WHERE d.envelope_id "
                     "= ? ORDER BY d.is_lead DESC, d.id",
                     "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "documents");
        long long fee = mc_dbres_int(res, i, 7);
        *fees += fee;
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "lead", mc_dbres_int(res, i, 3) ? "Lead document" : "Attachment");
        mc_vars_set(row, "size", ef_size_text(p, mc_dbres_int(res, i, 5)));
        mc_vars_set(row, "fee", ef_money(p, fee));
        each(mr, row, res, i, baton);
    }
    return APR_SUCCESS;
}

/* A document's row on the filer's pages. */
static void filer_document(mc_req *mr, mc_vars *row, const mc_dbres *res, int i, const void *baton)
{
    apr_pool_t *p = mr->r->pool;
    const ef_env *e = baton;
    const char *id = mc_dbres_get(res, i, 0);
    mc_vars_set(row, "doc_id", id);
    mc_vars_set(row, "code_name", mc_dbres_get(res, i, 2));
    mc_vars_set(row, "doc_url", mc_url(mr, apr_pstrcat(p, "/documents/", id, NULL)));
    mc_vars_set(row, "remove_url",
                ef_env_url(mr, e->id, apr_pstrcat(p, "/documents/", id, "/remove", NULL)));
}

apr_status_t ef_env_show(mc_req *mr, mc_db *db, const ef_env *e)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *v = mr->vars;
    mc_dbres *res;
    apr_status_t rv;
    long long fees;

    mc_vars_set(v, "env_id", ef_id_str(p, e->id));
    mc_vars_set(v, "number", *e->number ? e->number : NULL);
    mc_vars_set(v, "status_label", ef_status_label(e->status));
    mc_vars_set(v, "status_class", ef_status_badge(e->status));
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

    if ((rv = ef_env_parties(mr, db, e->id)) != APR_SUCCESS ||
        (rv = ef_env_documents(mr, db, e->id, filer_document, e, &fees)) != APR_SUCCESS)
        return rv;
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

apr_status_t ef_env_history(mc_req *mr, mc_db *db, long long id, const char *who_key)
{
    const char *const keys[] = {"at", "", who_key, "note", NULL};
    mc_dbres *res;
    apr_status_t rv;
    int i;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT h.at, h.status, COALESCE(CONCAT(a.first_name, ' ', a.last_name), "
                     "''), h.note FROM mc_ef_history h LEFT JOIN mc_account a ON a.id = "
                     "h.actor_id WHERE h.envelope_id = ? ORDER BY h.at, h.id",
                     "i", id);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "history");
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "status", ef_status_label(mc_dbres_get(res, i, 1)));
        mc_vars_set(row, "status_class", ef_status_badge(mc_dbres_get(res, i, 1)));
    }
    return rv;
}
