/* api_clerk.c: the clerk's review through the JSON API, scope clerk (the
 * core also needs the account to hold the role clerk; see api.h). Limited
 * to the clerk's courts exactly as the clerk's pages are (review.c): a
 * court's queue of another court is refused (403), an envelope of another
 * court, or one never submitted, answers 404 as one that does not exist.
 *   GET  /clerk/courts/:court/envelopes   ?status= (submitted, review,
 *                                         accepted, rejected; default the
 *                                         first two) ?cursor= ?limit=
 *   GET  /clerk/envelopes/:id             with parties, documents, history
 *   POST /clerk/envelopes/:id/open        Under Review
 *   POST /clerk/envelopes/:id/accept      documents onto the docket
 *   POST /clerk/envelopes/:id/reject      {"reason", "text"}
 * A decision the status does not allow (decided already, accept before
 * open) is 409 with the pages' sentence; nothing is changed. */
#include "api.h"

/* A page of a court's queue, oldest first, above the cursor's id (0: the
 * first page), from (court_code, status, id) (sql/efiling/0004_api_indexes.sql;
 * tests/integration/test_api_ef_plans.py reads this macro): one status in
 * index order; two (the open queue) their rows alone, sorted (left to itself
 * the optimizer may walk the whole table in id order instead). binds:
 * court, two statuses (the same one twice for one), the cursor, the page's
 * size + 1. */
#define API_QUEUE_PAGE                                                                             \
    "SELECT e.id FROM mc_ef_envelope e FORCE INDEX (mc_ef_envelope_court_id) WHERE e.court_code "  \
    "= ? AND e.number IS NOT NULL AND e.status IN (?, ?) AND e.id > ? ORDER BY e.id LIMIT ?"

/* The queue's filters: the statuses each shows. */
static const struct {
    const char *key, *s1, *s2;
} FILTERS[] = {
    {"", "submitted", "review"},          {"submitted", "submitted", "submitted"},
    {"review", "review", "review"},       {"accepted", "accepted", "accepted"},
    {"rejected", "rejected", "rejected"},
};
#define N_FILTERS (sizeof(FILTERS) / sizeof(FILTERS[0]))

/* 1 when the request's account is a clerk of court code. */
static int clerk_of(const mc_req *mr, const char *code)
{
    return code && *code && mc_has_role_scoped(mr, "clerk", code);
}

static int not_found(mc_req *mr)
{
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                          "There is no envelope with this number in your courts' queues.");
}

static int queue(mc_req *mr)
{
    const char *court = apr_table_get(mr->params, "court"), *status = mc_query(mr, "status");
    long long after;
    int limit, rc;
    size_t f;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv;

    if ((rc = mc_api_page(mr, &after, &limit)) != OK)
        return rc;
    if (!clerk_of(mr, court))
        return mc_api_problem(mr, HTTP_FORBIDDEN, "not-your-court",
                              "You are not a clerk of this court: choose one of your courts.");
    status = status ? status : "";
    for (f = 0; f < N_FILTERS && strcmp(status, FILTERS[f].key); f++)
        ;
    if (f == N_FILTERS)
        return ef_api_invalid(mr, "status",
                              "Status: choose submitted, review, accepted or rejected.");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* Oldest first (the order envelopes arrived): the cursor is the last id. */
    rv = mc_db_query(db, mr->r->pool, &res, API_QUEUE_PAGE, "sssii", court, FILTERS[f].s1,
                     FILTERS[f].s2, after, (long long)limit + 1);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return ef_api_send_envelopes(mr, db, res, limit);
}

/* The route's envelope, submitted once at least, of one of the clerk's
 * courts: -1 with it in *e, else the answer (404). */
static int clerk_envelope(mc_req *mr, mc_db **db, ef_env *e)
{
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    int found = 0;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (id && (rv = ef_env_load(mr, *db, id, 0, e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || !(ef_env_relation(mr, e) & EF_CLERK) || !*e->number ||
        !strcmp(e->status, "draft")) {
        if (found)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                          MCLOGNO(2505) "eFiling API review: account %" APR_INT64_T_FMT
                                        " may not see envelope %" APR_INT64_T_FMT
                                        " (court %s, status %s)",
                          (apr_int64_t)mr->account->id, (apr_int64_t)id, e->court_code, e->status);
        return not_found(mr);
    }
    return -1;
}

static int get_envelope(mc_req *mr)
{
    mc_db *db;
    ef_env e;
    int rc;
    if ((rc = clerk_envelope(mr, &db, &e)) != -1)
        return rc;
    return ef_api_send_envelope(mr, db, &e, HTTP_OK);
}

/* Take decision action on the route's envelope; answer with it. */
static int decide(mc_req *mr, const char *action, const char *reason, const char *text)
{
    ef_decide_req b;
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    int rc, found;
    if ((rc = clerk_envelope(mr, &db, &e)) != -1)
        return rc;
    memset(&b, 0, sizeof(b));
    b.id = e.id;
    b.action = action;
    b.reason = reason;
    b.text = text;
    if ((rv = mc_req_tx(mr, ef_decide, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (b.gone)
        return not_found(mr);
    if (b.refused)
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict", b.refused);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, mr->r,
                  MCLOGNO(2506) "eFiling API review: envelope %s %s by account %" APR_INT64_T_FMT
                                " (token %" APR_INT64_T_FMT ")%s%s",
                  b.e.number, b.e.status, (apr_int64_t)mr->account->id,
                  (apr_int64_t)mc_api_token_id(mr), b.new_case ? ", new case " : "",
                  b.new_case ? b.new_case : "");
    if ((rv = ef_env_load(mr, db, e.id, 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return ef_api_send_envelope(mr, db, &e, HTTP_OK);
}

static int open_envelope(mc_req *mr)
{
    return decide(mr, "open", NULL, NULL);
}

static int accept_envelope(mc_req *mr)
{
    return decide(mr, "accept", NULL, NULL);
}

static int reject_envelope(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *reason, *text, *field, *err;
    mc_db *db;
    ef_env e;
    json_t *in;
    int rc, bad = 0;
    /* Not found before a body is asked for. */
    if ((rc = clerk_envelope(mr, &db, &e)) != -1)
        return rc;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    reason = mc_text_trim(p, ef_api_member(in, "reason", &bad));
    text = mc_text_trim(p, ef_api_member(in, "text", &bad));
    json_decref(in);
    if (bad)
        return ef_api_invalid(mr, "reason", "reason and text are strings.");
    if ((err = ef_reject_check(reason, text, &field)) != NULL)
        return ef_api_invalid(mr, field, err);
    return decide(mr, "reject", reason, text);
}

const mc_route ef_api_clerk_routes[] = {
    {"GET", "/clerk/courts/:court/envelopes", MC_ACCESS_ACCOUNT, "clerk", queue, 0},
    {"GET", "/clerk/envelopes/:id", MC_ACCESS_ACCOUNT, "clerk", get_envelope, 0},
    {"POST", "/clerk/envelopes/:id/open", MC_ACCESS_ACCOUNT, "clerk", open_envelope, 0},
    {"POST", "/clerk/envelopes/:id/accept", MC_ACCESS_ACCOUNT, "clerk", accept_envelope, 0},
    {"POST", "/clerk/envelopes/:id/reject", MC_ACCESS_ACCOUNT, "clerk", reject_envelope, 0},
    {NULL}};
