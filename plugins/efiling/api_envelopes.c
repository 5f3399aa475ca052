/* api_envelopes.c: the account's envelopes in the JSON API, scope
 * filings:read (see api.h):
 *   GET /envelopes                  ?status= ?cursor= ?limit=: newest first
 *   GET /envelopes/:id              with its parties, documents and history
 *   GET /envelopes/:id/documents    documents' metadata and SHA-256
 *   GET /envelopes/:id/fees         the fees (the schedule's for a draft,
 *                                   those charged once submitted)
 * Only the token's own account's envelopes: another's answers 404, as one
 * that does not exist. */
#include "api.h"
#include "payment.h"

/* A page of the account's envelopes, newest first, below the cursor's id
 * (0: the first page), in index order from (account_id, id)
 * (sql/efiling/0004_api_indexes.sql; tests/integration/test_api_ef_plans.py
 * reads this macro; left to itself the optimizer takes the foreign key's
 * (account_id, status, updated_at) and sorts all the account's rows).
 * binds: account, status ("" for any) twice, the cursor twice, the page's
 * size + 1. */
#define API_ENVELOPES_PAGE                                                                         \
    "SELECT e.id FROM mc_ef_envelope e FORCE INDEX (mc_ef_envelope_acct_id) WHERE e.account_id "   \
    "= ? AND (? = '' OR e.status = ?) AND (? = 0 OR e.id < ?) ORDER BY e.id DESC LIMIT ?"

static const char *const STATUSES[] = {"draft",    "submitted", "review", "accepted",
                                       "rejected", "cancelled", NULL};

json_t *ef_api_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *ef_api_time(const char *t)
{
    char buf[32];
    if (!t || strlen(t) < 19)
        return json_null();
    apr_snprintf(buf, sizeof(buf), "%.10sT%.8sZ", t, t + 11);
    return json_string(buf);
}

const char *ef_api_member(json_t *o, const char *name, int *bad)
{
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return "";
    if (!json_is_string(v)) {
        *bad = 1;
        return "";
    }
    return json_string_value(v);
}

int ef_api_env_not_found(mc_req *mr)
{
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                          "There is no such envelope, or it is not yours to see.");
}

int ef_api_invalid(mc_req *mr, const char *field, const char *sentence)
{
    return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", field, sentence);
}

int ef_api_own_envelope(mc_req *mr, mc_db **db, ef_env *e, int write)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    ef_who w;
    int found = 0, i;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (id && (rv = ef_env_load(mr, *db, id, 0, e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || e->account_id != mr->account->id)
        return ef_api_env_not_found(mr);
    if (!write)
        return -1;
    if ((rv = ef_who_get(mr, *db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w.ok) {
        const char *why = "This account may not file now:";
        for (i = 0; i < w.missing->nelts; i++)
            why = apr_pstrcat(p, why, " ", APR_ARRAY_IDX(w.missing, i, const char *), NULL);
        return mc_api_problem(mr, HTTP_FORBIDDEN, "may-not-file", why);
    }
    if (strcmp(e->status, "draft"))
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict",
                              apr_pstrcat(p, "This envelope is ", ef_status_label(e->status),
                                          "; only a draft can be changed.", NULL));
    return -1;
}

/* ---- the JSON of an envelope ------------------------------------------------------- */

static json_t *parties_json(mc_req *mr, mc_db *db, long long env_id, apr_status_t *rv)
{
    json_t *out;
    mc_dbres *res;
    int i;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT id, kind, role, last_name, first_name, middle_name FROM "
                      "mc_ef_party WHERE envelope_id = ? ORDER BY id",
                      "i", env_id);
    if (*rv != APR_SUCCESS)
        return NULL;
    out = json_array();
    for (i = 0; i < res->nrows; i++) {
        int person = !strcmp(mc_dbres_get(res, i, 1), "person");
        json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)mc_dbres_int(res, i, 0), "kind",
                              mc_dbres_get(res, i, 1), "role", mc_dbres_get(res, i, 2));
        if (person) {
            json_object_set_new(o, "last_name", json_string(mc_dbres_get(res, i, 3)));
            json_object_set_new(o, "first_name", json_string(mc_dbres_get(res, i, 4)));
            json_object_set_new(o, "middle_name", ef_api_str(mc_dbres_get(res, i, 5)));
        }
        else
            json_object_set_new(o, "business_name", json_string(mc_dbres_get(res, i, 3)));
        json_array_append_new(out, o);
    }
    return out;
}

/* The masked hits of the redaction check (redact.c) of env_id's documents:
 * an object by document id of arrays of {page, kind, masked}. */
static json_t *redaction_hits_json(mc_req *mr, mc_db *db, long long env_id, apr_status_t *rv)
{
    json_t *out;
    mc_dbres *res;
    int i;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT h.document_id, h.page, h.kind, h.masked FROM mc_ef_redaction_hit h "
                      "JOIN mc_ef_document d ON d.id = h.document_id WHERE d.envelope_id = ? "
                      "ORDER BY h.document_id, h.page, h.id",
                      "i", env_id);
    if (*rv != APR_SUCCESS)
        return NULL;
    out = json_object();
    for (i = 0; i < res->nrows; i++) {
        const char *doc = mc_dbres_get(res, i, 0);
        json_t *list = json_object_get(out, doc);
        if (!list) {
            list = json_array();
            json_object_set_new(out, doc, list);
        }
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s}", "page", (json_int_t)mc_dbres_int(res, i, 1), "kind",
                            mc_dbres_get(res, i, 2), "masked", mc_dbres_get(res, i, 3)));
    }
    return out;
}

json_t *ef_api_documents(mc_req *mr, mc_db *db, long long env_id, apr_status_t *rv)
{
    json_t *out, *hits;
    mc_dbres *res;
    int i;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT d.id, f.code, f.name, d.is_lead, d.client_name, d.bytes, d.sha256, "
                      "f.fee_cents, COALESCE(d.docket_id, 0), d.active_found, d.created_at, "
                      "d.redaction FROM mc_ef_document d JOIN mc_ef_filing_code f ON f.id = "
                      "d.filing_code_id WHERE d.envelope_id = ? ORDER BY d.is_lead DESC, d.id",
                      "i", env_id);
    if (*rv != APR_SUCCESS || !(hits = redaction_hits_json(mr, db, env_id, rv)))
        return NULL;
    out = json_array();
    for (i = 0; i < res->nrows; i++) {
        json_t *h = json_object_get(hits, mc_dbres_get(res, i, 0));
        json_array_append_new(
            out, json_pack("{s:I, s:s, s:s, s:b, s:o, s:I, s:s, s:I, s:b, s:b, s:o, s:s, s:O}",
                           "id", (json_int_t)mc_dbres_int(res, i, 0), "filing_code",
                           mc_dbres_get(res, i, 1), "filing_code_name", mc_dbres_get(res, i, 2),
                           "lead", (int)(mc_dbres_int(res, i, 3) != 0), "filename",
                           ef_api_str(mc_dbres_get(res, i, 4)), "bytes",
                           (json_int_t)mc_dbres_int(res, i, 5), "sha256", mc_dbres_get(res, i, 6),
                           "fee_cents", (json_int_t)mc_dbres_int(res, i, 7), "docketed",
                           (int)(mc_dbres_int(res, i, 8) != 0), "active_content",
                           (int)(mc_dbres_int(res, i, 9) != 0), "uploaded_at",
                           ef_api_time(mc_dbres_get(res, i, 10)), "redaction",
                           mc_dbres_get(res, i, 11), "redaction_hits", h ? h : json_array()));
    }
    json_decref(hits);
    return out;
}

static json_t *history_json(mc_req *mr, mc_db *db, long long env_id, apr_status_t *rv)
{
    json_t *out;
    mc_dbres *res;
    int i;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT h.at, h.status, COALESCE(CONCAT(a.first_name, ' ', a.last_name), "
                      "''), h.note FROM mc_ef_history h LEFT JOIN mc_account a ON a.id = "
                      "h.actor_id WHERE h.envelope_id = ? ORDER BY h.at, h.id",
                      "i", env_id);
    if (*rv != APR_SUCCESS)
        return NULL;
    out = json_array();
    for (i = 0; i < res->nrows; i++)
        json_array_append_new(
            out, json_pack("{s:o, s:s, s:o, s:s}", "at", ef_api_time(mc_dbres_get(res, i, 0)),
                           "status", mc_dbres_get(res, i, 1), "actor",
                           ef_api_str(mc_dbres_get(res, i, 2)), "note", mc_dbres_get(res, i, 3)));
    return out;
}

int ef_api_send_envelopes(mc_req *mr, mc_db *db, const mc_dbres *res, int limit)
{
    json_t *items = json_array();
    apr_status_t rv;
    int i;
    for (i = 0; i < res->nrows && i < limit; i++) {
        ef_env e;
        int found;
        json_t *o;
        if ((rv = ef_env_load(mr, db, mc_dbres_int(res, i, 0), 0, &e, &found)) != APR_SUCCESS ||
            (found && !(o = ef_api_envelope(mr, db, &e, 0, &rv)))) {
            json_decref(items);
            return mc_fail(mr, rv);
        }
        if (found)
            json_array_append_new(items, o);
    }
    return mc_api_send(
        mr, HTTP_OK,
        mc_api_list(mr, items, res->nrows > limit ? mc_dbres_int(res, limit - 1, 0) : 0));
}

json_t *ef_api_envelope(mc_req *mr, mc_db *db, const ef_env *e, int full, apr_status_t *rv)
{
    long long fees = e->fee_cents;
    json_t *o, *parts[3];
    *rv = APR_SUCCESS;
    if (!strcmp(e->status, "draft") &&
        (*rv = ef_fees(db, mr->r->pool, e->id, &fees)) != APR_SUCCESS)
        return NULL;
    o = json_pack(
        "{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:I, s:s, s:o, s:o, "
        "s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)e->id, "number", ef_api_str(e->number), "status", e->status,
        "status_label", ef_status_label(e->status), "kind", e->kind, "court_code",
        ef_api_str(e->court_code), "court_name", ef_api_str(e->court_name), "case_number",
        ef_api_str(e->case_number), "case_type", ef_api_str(e->case_type), "caption", e->caption,
        "filer", e->filer, "fee_cents", (json_int_t)fees, "payment", e->payment, "waiver_reason",
        ef_api_str(!strcmp(e->payment, "waiver") ? e->waiver_reason : ""), "payment_ref",
        ef_api_str(e->payment_ref), "reject_reason", ef_api_str(e->reject_code), "reject_text",
        ef_api_str(e->reject_text), "created_at", ef_api_time(e->created_at), "submitted_at",
        ef_api_time(e->submitted_at), "decided_at", ef_api_time(e->decided_at));
    json_object_set_new(o, "updated_at", ef_api_time(e->updated_at));
    json_object_set_new(o, "redaction_confirmed_at", ef_api_time(e->redaction_confirmed_at));
    if (!full)
        return o;
    if (!(parts[0] = parties_json(mr, db, e->id, rv)) ||
        !(parts[1] = ef_api_documents(mr, db, e->id, rv)) ||
        !(parts[2] = history_json(mr, db, e->id, rv))) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "parties", parts[0]);
    json_object_set_new(o, "documents", parts[1]);
    json_object_set_new(o, "history", parts[2]);
    return o;
}

int ef_api_send_envelope(mc_req *mr, mc_db *db, const ef_env *e, int status)
{
    apr_status_t rv;
    json_t *o = ef_api_envelope(mr, db, e, 1, &rv);
    if (!o)
        return mc_fail(mr, rv);
    return mc_api_send(mr, status, o);
}

/* ---- the handlers -------------------------------------------------------------------- */

static int list_envelopes(mc_req *mr)
{
    const char *status = mc_query(mr, "status");
    long long after;
    int limit, rc, i, known = 0;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv;

    if ((rc = mc_api_page(mr, &after, &limit)) != OK)
        return rc;
    status = status ? status : "";
    for (i = 0; STATUSES[i]; i++)
        known |= !strcmp(status, STATUSES[i]);
    if (*status && !known)
        return ef_api_invalid(mr, "status",
                              "Choose a status: draft, submitted, review, accepted, rejected or "
                              "cancelled.");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* Newest first: the cursor is the last id given. One row more than the
     * page says whether there is a next one. */
    rv = mc_db_query(db, mr->r->pool, &res, API_ENVELOPES_PAGE, "issiii", mr->account->id, status,
                     status, after, after, (long long)limit + 1);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return ef_api_send_envelopes(mr, db, res, limit);
}

static int get_envelope(mc_req *mr)
{
    mc_db *db;
    ef_env e;
    int rc;
    if ((rc = ef_api_own_envelope(mr, &db, &e, 0)) != -1)
        return rc;
    return ef_api_send_envelope(mr, db, &e, HTTP_OK);
}

static int get_documents(mc_req *mr)
{
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    json_t *docs;
    int rc;
    if ((rc = ef_api_own_envelope(mr, &db, &e, 0)) != -1)
        return rc;
    if (!(docs = ef_api_documents(mr, db, e.id, &rv)))
        return mc_fail(mr, rv);
    return mc_api_send(mr, HTTP_OK, json_pack("{s:o}", "items", docs));
}

static int get_fees(mc_req *mr)
{
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    json_t *docs, *choices, *d;
    long long total = 0;
    size_t i;
    int rc, k, draft;
    if ((rc = ef_api_own_envelope(mr, &db, &e, 0)) != -1)
        return rc;
    if (!(docs = ef_api_documents(mr, db, e.id, &rv)))
        return mc_fail(mr, rv);
    json_array_foreach(docs, i, d)
    {
        total += (long long)json_integer_value(json_object_get(d, "fee_cents"));
    }
    choices = json_array();
    for (k = 0; ef_payment_providers[k]; k++)
        json_array_append_new(choices,
                              json_pack("{s:s, s:s}", "name", ef_payment_providers[k]->name,
                                        "label", ef_payment_providers[k]->label));
    draft = !strcmp(e.status, "draft");
    return mc_api_send(mr, HTTP_OK,
                       json_pack("{s:I, s:s, s:b, s:o, s:s, s:o}", "total_cents",
                                 (json_int_t)(draft ? total : e.fee_cents), "total",
                                 ef_money(mr->r->pool, draft ? total : e.fee_cents), "charged",
                                 !draft, "documents", docs, "payment", e.payment, "payment_choices",
                                 choices));
}

const mc_route ef_api_envelope_routes[] = {
    {"GET", "/envelopes", MC_ACCESS_ACCOUNT, "filings:read", list_envelopes, 0},
    {"GET", "/envelopes/:id", MC_ACCESS_ACCOUNT, "filings:read", get_envelope, 0},
    {"GET", "/envelopes/:id/documents", MC_ACCESS_ACCOUNT, "filings:read", get_documents, 0},
    {"GET", "/envelopes/:id/fees", MC_ACCESS_ACCOUNT, "filings:read", get_fees, 0},
    {NULL}};
