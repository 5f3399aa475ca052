/* api_filing.c: filing through the JSON API, scope filings:write (see
 * api.h), by the wizard's own rules (rules.h):
 *   POST  /envelopes                     a draft with its court and case
 *         {"kind": "new", "court", "case_type", "caption"} or
 *         {"kind": "existing", "court", "case_number"}      201
 *   PUT   /envelopes/:id/case            the court and case changed
 *   PUT   /envelopes/:id/parties         {"parties": [...]}: a new case's
 *                                        parties, all at once
 *   PATCH /envelopes/:id/documents/:doc  {"filing_code", "lead"}
 *   POST  /envelopes/:id/submit          {"payment", "waiver_reason",
 *                                        "redaction_confirmed"} with
 *                                        an Idempotency-Key: one envelope
 *                                        however often it is sent, every
 *                                        copy answered with it
 * A refusal is 422 "invalid-field" naming the field, with the pages'
 * sentence. */
#include "api.h"

/* ---- a new draft; its court and case ------------------------------------------------- */

typedef struct case_tx {
    const char *kind; /* a new draft's; NULL: change draft e's case */
    long long group_id;
    ef_case_in in;
    ef_env e;
    const char *field, *refusal;
} case_tx;

/* The draft (made now, or locked), its case checked and saved; a refusal
 * rolls it all back. */
static apr_status_t case_set_tx(mc_req *mr, mc_db *db, void *baton)
{
    case_tx *t = baton;
    apr_status_t rv;
    long long id = t->e.id;
    int found, court_only;
    t->refusal = NULL;
    if (t->kind && (rv = ef_draft_create(mr, db, t->kind, t->group_id, &id)) != APR_SUCCESS)
        return rv;
    if ((rv = ef_env_load(mr, db, id, 1, &t->e, &found)) != APR_SUCCESS)
        return rv;
    if (!found || strcmp(t->e.status, "draft")) {
        t->refusal = "The envelope is no longer a draft.";
        return APR_EGENERAL;
    }
    if ((rv = ef_case_set(mr, db, &t->e, &t->in, 0, &court_only, &t->field, &t->refusal)) !=
        APR_SUCCESS)
        return rv;
    if (t->refusal)
        return APR_EGENERAL;
    rv = ef_wiz_advance(db, &t->e, !strcmp(t->e.kind, "new") ? "parties" : "documents");
    if (rv == APR_SUCCESS)
        rv = ef_env_load(mr, db, id, 0, &t->e, &found);
    return rv;
}

/* Read the body's court and case into t: -1, or the answer. */
static int case_body(mc_req *mr, case_tx *t, int with_kind)
{
    apr_pool_t *p = mr->r->pool;
    json_t *in;
    int rc, bad = 0;
    const char *kind;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    kind = ef_api_member(in, "kind", &bad);
    t->in.court = mc_text_trim(p, ef_api_member(in, "court", &bad));
    t->in.case_type = mc_text_trim(p, ef_api_member(in, "case_type", &bad));
    t->in.caption = mc_text_trim(p, ef_api_member(in, "caption", &bad));
    t->in.case_number = mc_text_trim(p, ef_api_member(in, "case_number", &bad));
    t->kind = with_kind ? apr_pstrdup(p, kind) : NULL;
    json_decref(in);
    if (bad)
        return mc_api_problem(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field",
                              "Every field is a string.");
    if (with_kind && strcmp(t->kind, "new") && strcmp(t->kind, "existing"))
        return ef_api_invalid(mr, "kind",
                              "Choose New case (\"new\") or File into an existing "
                              "case (\"existing\").");
    return -1;
}

static int create_envelope(mc_req *mr)
{
    case_tx t;
    mc_db *db;
    ef_who w;
    apr_status_t rv;
    int rc, i;
    memset(&t, 0, sizeof(t));
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS || (rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w.ok) {
        const char *why = "This account may not file now:";
        for (i = 0; i < w.missing->nelts; i++)
            why =
                apr_pstrcat(mr->r->pool, why, " ", APR_ARRAY_IDX(w.missing, i, const char *), NULL);
        return mc_api_problem(mr, HTTP_FORBIDDEN, "may-not-file", why);
    }
    if ((rc = case_body(mr, &t, 1)) != -1)
        return rc;
    t.group_id = ef_wiz_group(&w);
    rv = mc_req_tx(mr, case_set_tx, &t);
    if (t.refusal)
        return ef_api_invalid(mr, t.field, t.refusal);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    apr_table_setn(
        mr->r->headers_out, "Location",
        mc_url(mr, apr_psprintf(mr->r->pool, "/envelopes/%" APR_INT64_T_FMT, (apr_int64_t)t.e.id)));
    return ef_api_send_envelope(mr, db, &t.e, HTTP_CREATED);
}

static int put_case(mc_req *mr)
{
    case_tx t;
    mc_db *db;
    apr_status_t rv;
    int rc;
    memset(&t, 0, sizeof(t));
    if ((rc = ef_api_own_envelope(mr, &db, &t.e, 1)) != -1)
        return rc;
    if ((rc = case_body(mr, &t, 0)) != -1)
        return rc;
    rv = mc_req_tx(mr, case_set_tx, &t);
    if (t.refusal)
        return ef_api_invalid(mr, t.field, t.refusal);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return ef_api_send_envelope(mr, db, &t.e, HTTP_OK);
}

/* ---- parties -------------------------------------------------------------------------- */

typedef struct parties_tx {
    ef_party_in *in;
    int n;
    long long env_id;
    int changed; /* the envelope stopped being a draft meanwhile */
} parties_tx;

/* Replace the draft's parties with in (checked), its row locked. */
static apr_status_t set_parties_tx(mc_req *mr, mc_db *db, void *baton)
{
    parties_tx *t = baton;
    apr_status_t rv;
    ef_env e;
    int found, full, i;
    if ((rv = ef_env_load(mr, db, t->env_id, 1, &e, &found)) != APR_SUCCESS)
        return rv;
    if ((t->changed = !found || strcmp(e.status, "draft")))
        return APR_EGENERAL;
    if ((rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_ef_party WHERE envelope_id = ?", "i",
                         e.id)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < t->n; i++)
        if ((rv = ef_party_add(mr, db, e.id, &t->in[i], &full)) != APR_SUCCESS)
            return rv;
    return APR_SUCCESS;
}

static int put_parties(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    json_t *in, *list, *one;
    parties_tx t;
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    size_t i;
    int rc, found;
    if ((rc = ef_api_own_envelope(mr, &db, &e, 1)) != -1)
        return rc;
    if (strcmp(e.kind, "new"))
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict",
                              "An envelope filed into an existing case names no parties: the "
                              "case has them.");
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    list = json_object_get(in, "parties");
    if (!json_is_array(list)) {
        json_decref(in);
        return ef_api_invalid(mr, "parties", "Send the parties as a list.");
    }
    if (json_array_size(list) > EF_PARTIES_MAX) {
        json_decref(in);
        return ef_api_invalid(mr, "parties", "An envelope takes at most 50 parties.");
    }
    memset(&t, 0, sizeof(t));
    t.env_id = e.id;
    t.n = (int)json_array_size(list);
    t.in = apr_pcalloc(p, sizeof(ef_party_in) * (t.n + 1));
    json_array_foreach(list, i, one)
    {
        ef_party_in *pt = &t.in[i];
        const char *field, *refusal;
        int bad = !json_is_object(one);
        pt->kind = apr_pstrdup(p, ef_api_member(one, "kind", &bad));
        pt->role = apr_pstrdup(p, ef_api_member(one, "role", &bad));
        pt->last_name = mc_text_trim(p, ef_api_member(one, "last_name", &bad));
        pt->first_name = mc_text_trim(p, ef_api_member(one, "first_name", &bad));
        pt->middle_name = mc_text_trim(p, ef_api_member(one, "middle_name", &bad));
        pt->business_name = mc_text_trim(p, ef_api_member(one, "business_name", &bad));
        refusal =
            bad ? "A party is an object whose fields are strings." : ef_party_check(pt, &field);
        if (refusal) {
            json_decref(in);
            return ef_api_invalid(mr,
                                  bad ? apr_psprintf(p, "parties[%u]", (unsigned)i)
                                      : apr_psprintf(p, "parties[%u].%s", (unsigned)i, field),
                                  refusal);
        }
    }
    json_decref(in);
    rv = mc_req_tx(mr, set_parties_tx, &t);
    if (t.changed)
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict", "The envelope is no longer a draft.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = ef_wiz_advance(db, &e, "parties")) != APR_SUCCESS ||
        (rv = ef_env_load(mr, db, e.id, 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return ef_api_send_envelope(mr, db, &e, HTTP_OK);
}

/* ---- a document's filing code and lead ---------------------------------------------------- */

typedef struct doc_tx {
    long long env_id, doc_id;
    const char *code; /* "": keep */
    int lead;         /* -1: keep */
    const ef_court *c;
    int found, changed;
    const char *field, *refusal;
} doc_tx;

static apr_status_t doc_set_tx(mc_req *mr, mc_db *db, void *baton)
{
    doc_tx *t = baton;
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    long long code_id;
    ef_env e;
    int found, lead;
    t->found = t->changed = 0;
    t->refusal = NULL;
    if ((rv = ef_env_load(mr, db, t->env_id, 1, &e, &found)) != APR_SUCCESS)
        return rv;
    if ((t->changed = !found || strcmp(e.status, "draft")))
        return APR_EGENERAL;
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT d.is_lead, f.code FROM mc_ef_document d JOIN mc_ef_filing_code "
                          "f ON f.id = d.filing_code_id WHERE d.id = ? AND d.envelope_id = ?",
                          "ii", t->doc_id, e.id)) != APR_SUCCESS)
        return rv;
    if (!(t->found = res->nrows > 0))
        return APR_SUCCESS;
    lead = t->lead >= 0 ? t->lead : (int)mc_dbres_int(res, 0, 0);
    rv = ef_code_check(db, p, t->c, &e, *t->code ? t->code : mc_dbres_get(res, 0, 1), lead,
                       &code_id, &t->field, &t->refusal);
    if (rv != APR_SUCCESS || t->refusal)
        return rv;
    if (lead && (rv = mc_db_exec(db, NULL, NULL,
                                 "UPDATE mc_ef_document SET is_lead = 0 WHERE envelope_id = ? "
                                 "AND id <> ?",
                                 "ii", e.id, t->doc_id)) != APR_SUCCESS)
        return rv;
    if ((rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_ef_document SET is_lead = ?, filing_code_id = ? WHERE id = ?",
                         "iii", (long long)lead, code_id, t->doc_id)) != APR_SUCCESS)
        return rv;
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_envelope SET updated_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                      e.id);
}

static int patch_document(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    json_t *in, *lead;
    doc_tx t;
    mc_db *db;
    ef_env e;
    ef_court c;
    apr_status_t rv;
    json_t *docs, *d;
    size_t i;
    int rc, bad = 0, found;
    if ((rc = ef_api_own_envelope(mr, &db, &e, 1)) != -1)
        return rc;
    if ((rv = ef_court_get(db, p, e.court_code, &c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict",
                              *e.court_code ? apr_pstrcat(p, e.court_name,
                                                          " does not accept electronic filings "
                                                          "now.",
                                                          NULL)
                                            : "Choose the court and the case first.");
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    memset(&t, 0, sizeof(t));
    t.env_id = e.id;
    t.doc_id = mc_param_id(mr, "doc");
    t.c = &c;
    t.code = apr_pstrdup(p, ef_api_member(in, "filing_code", &bad));
    lead = json_object_get(in, "lead");
    t.lead = !lead || json_is_null(lead) ? -1 : json_is_true(lead) ? 1 : 0;
    if (lead && !json_is_null(lead) && !json_is_boolean(lead)) {
        json_decref(in);
        return ef_api_invalid(mr, "lead", "lead is true or false.");
    }
    json_decref(in);
    if (bad)
        return ef_api_invalid(mr, "filing_code", "The filing code is a string.");
    rv = mc_req_tx(mr, doc_set_tx, &t);
    if (t.changed)
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict", "The envelope is no longer a draft.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!t.found)
        return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                              "There is no such document in this envelope.");
    if (t.refusal)
        return ef_api_invalid(mr, t.field, t.refusal);
    if (!(docs = ef_api_documents(mr, db, e.id, &rv)))
        return mc_fail(mr, rv);
    json_array_foreach(docs, i, d)
    {
        if (json_integer_value(json_object_get(d, "id")) == t.doc_id) {
            json_incref(d);
            json_decref(docs);
            return mc_api_send(mr, HTTP_OK, d);
        }
    }
    json_decref(docs);
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                          "There is no such document in this envelope.");
}

/* ---- submit ------------------------------------------------------------------------------ */

typedef struct submit_tx {
    ef_submit_req s;
    const char *payment, *reason; /* NULL: keep the draft's */
    const char *prior;            /* a repeat: the envelope the key's first request submitted */
    const char *field, *refusal;
} submit_tx;

/* The key claimed, the payment chosen (when sent), the submit: all in one
 * transaction, so a refusal leaves the key free for the corrected request
 * and ten copies at once make one envelope. */
static apr_status_t submit_api_tx(mc_req *mr, mc_db *db, void *baton)
{
    submit_tx *t = baton;
    apr_status_t rv;
    ef_env e;
    int found;
    t->prior = NULL;
    t->refusal = NULL;
    if ((rv = mc_api_idem_claim(mr, db, &t->prior)) == MC_ONCE_REPEAT)
        return APR_SUCCESS;
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = ef_env_load(mr, db, t->s.id, 1, &e, &found)) != APR_SUCCESS)
        return rv;
    if (found && !strcmp(e.status, "draft") && t->payment) {
        if ((rv = ef_payment_choose(mr, db, &e, t->payment, t->reason, &t->field, &t->refusal)) !=
            APR_SUCCESS)
            return rv;
        if (t->refusal)
            return APR_EGENERAL;
    }
    if ((rv = ef_submit(mr, db, &t->s)) != APR_SUCCESS)
        return rv;
    if (t->s.not_found || t->s.incomplete || t->s.redaction)
        return APR_EGENERAL;
    return mc_api_idem_done(mr, db, ef_id_str(mr->r->pool, t->s.id));
}

static int submit(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    json_t *in, *confirmed;
    submit_tx t;
    mc_db *db;
    ef_env e;
    ef_who w;
    apr_status_t rv;
    int rc, bad = 0, found, bad_confirm;
    const char *pay, *reason;
    /* A submitted envelope is answered too (a retry with a new key). */
    if ((rc = ef_api_own_envelope(mr, &db, &e, 0)) != -1)
        return rc;
    if ((rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w.ok && !strcmp(e.status, "draft"))
        return ef_api_own_envelope(mr, &db, &e, 1); /* 403, saying what is missing */
    if (!apr_table_get(mr->r->headers_in, "Content-Length") &&
        !apr_table_get(mr->r->headers_in, "Transfer-Encoding"))
        in = json_object();
    else if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    memset(&t, 0, sizeof(t));
    pay = ef_api_member(in, "payment", &bad);
    reason = ef_api_member(in, "waiver_reason", &bad);
    t.payment = json_object_get(in, "payment") ? apr_pstrdup(p, pay) : NULL;
    t.reason = apr_pstrdup(p, reason);
    confirmed = json_object_get(in, "redaction_confirmed");
    t.s.redaction_confirmed = json_is_true(confirmed);
    bad_confirm = confirmed && !json_is_boolean(confirmed);
    json_decref(in);
    if (bad)
        return ef_api_invalid(mr, "payment", "payment and waiver_reason are strings.");
    if (bad_confirm)
        return ef_api_invalid(mr, "redaction_confirmed", "redaction_confirmed is true or false.");
    t.s.id = e.id;
    t.s.who = &w;
    rv = mc_req_tx(mr, submit_api_tx, &t);
    if (rv == MC_ONCE_REFUSED)
        return mc_api_problem(mr, HTTP_PRECONDITION_REQUIRED, "idempotency-key-required",
                              "Send an Idempotency-Key header (at most 255 characters) with a "
                              "submit: the same key sent again gets the same envelope.");
    if (t.refusal)
        return ef_api_invalid(mr, t.field, t.refusal);
    if (t.s.not_found)
        return ef_api_env_not_found(mr);
    if (t.s.redaction)
        return ef_api_invalid(mr, "redaction_confirmed",
                              apr_pstrcat(p, t.s.redaction,
                                          " Through the API: look at each document's "
                                          "redaction_hits, then send \"redaction_confirmed\": "
                                          "true.",
                                          NULL));
    if (t.s.incomplete)
        return mc_api_problem(
            mr, HTTP_UNPROCESSABLE_ENTITY, "incomplete",
            apr_pstrcat(p, "This envelope cannot be submitted yet: ", t.s.incomplete, NULL));
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (t.prior && *t.prior && apr_atoi64(t.prior) != e.id)
        return ef_api_env_not_found(mr); /* cannot happen: the key is per path */
    if ((rv = ef_env_load(mr, db, e.id, 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (t.s.submitted)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2412) "envelope %s submitted through the API (token "
                                    "%" APR_INT64_T_FMT ")",
                      e.number, (apr_int64_t)mc_api_token_id(mr));
    return ef_api_send_envelope(mr, db, &e, HTTP_OK);
}

const mc_route ef_api_filing_routes[] = {
    {"POST", "/envelopes", MC_ACCESS_ACCOUNT, "filings:write", create_envelope, 0},
    {"PUT", "/envelopes/:id/case", MC_ACCESS_ACCOUNT, "filings:write", put_case, 0},
    {"PUT", "/envelopes/:id/parties", MC_ACCESS_ACCOUNT, "filings:write", put_parties, 0},
    {"PATCH", "/envelopes/:id/documents/:doc", MC_ACCESS_ACCOUNT, "filings:write", patch_document,
     0},
    {"POST", "/envelopes/:id/submit", MC_ACCESS_ACCOUNT, "filings:write", submit, 0},
    {NULL}};
