/* review.c: the clerk's review of envelopes (see efiling.h). A clerk's role
 * is scoped by court code ("clerk:22"); the queue lists the envelopes of
 * those courts, and an envelope of any other court answers 404 "Envelope not
 * found" (never telling that it exists).
 *
 * An envelope goes submitted -> review ("Open for review"; the filer can no
 * longer cancel it) -> accepted or rejected (a reject is allowed straight
 * from submitted too). Each change is made in one transaction with the
 * envelope's row locked, so two clerks deciding at once make one decision;
 * the later one is told the envelope was already decided and nothing is
 * changed.
 *
 * Accept: a new case gets its number (court prefix "-" case type and five
 * digits from the sequence "<prefix>-<type>", at least one more than the
 * highest such number in mc_case), its mc_case and mc_party rows; then
 * every document becomes a docket entry through mc_case_docket_add (which
 * queues the case's Track This Case notices in the same transaction) with
 * ref "ef-doc-<document id>", so a repeated accept never makes a second
 * entry. */
#include "rules.h"

static int not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Envelope not found",
                      "There is no envelope with this number in your courts' queues.");
}

static const char *env_path(apr_pool_t *p, long long id, const char *tail)
{
    return apr_psprintf(p, "/clerk/envelopes/%" APR_INT64_T_FMT "%s", (apr_int64_t)id, tail);
}

/* ---- GET /clerk: the queue ------------------------------------------------------- */

/* The queue's filters: which statuses, in which order (a fixed list: the
 * ORDER BY is never built from input): submitted first, or decided newest
 * first (decided). */
static const struct {
    const char *key, *label, *s1, *s2;
    int decided;
} FILTERS[] = {
    {"", "Submitted and Under Review", "submitted", "review", 0},
    {"submitted", "Submitted", "submitted", "submitted", 0},
    {"review", "Under Review", "review", "review", 0},
    {"accepted", "Accepted", "accepted", "accepted", 1},
    {"rejected", "Rejected", "rejected", "rejected", 1},
};
#define N_FILTERS (sizeof(FILTERS) / sizeof(FILTERS[0]))

/* The queue's statements (tests/integration/test_perf_plans.py reads these
 * macros). One status comes in its filter's order from the index
 * (court_code, status, submitted_at) or (court_code, status, decided_at)
 * (sql/efiling/0003_list_indexes.sql). Two statuses (the default filter):
 * each status's first offset + page envelopes from its index, in order,
 * and those (at most twice a page) sorted together, never the whole queue.
 * The count needs no join: every envelope has its account (a foreign key). */
#define QUEUE_SELECT                                                                               \
    "SELECT e.id, e.number, CONCAT(a.first_name, ' ', a.last_name, ' (', a.username, ')'), "       \
    "e.kind, COALESCE(c.number, ''), COALESCE(t.name, e.case_type, ''), (SELECT COUNT(*) FROM "    \
    "mc_ef_document d WHERE d.envelope_id = e.id), e.fee_cents, COALESCE(e.submitted_at, ''), "    \
    "e.status, e.caption"
#define QUEUE_JOIN                                                                                 \
    " JOIN mc_account a ON a.id = e.account_id LEFT JOIN mc_case c ON c.id = e.case_id LEFT "      \
    "JOIN mc_case_type t ON t.code = e.case_type"
#define QUEUE_WHERE " WHERE e.court_code = ? AND e.number IS NOT NULL AND e.status IN (?, ?)"
#define QUEUE_SUBMITTED " ORDER BY e.submitted_at, e.id"
#define QUEUE_DECIDED " ORDER BY e.decided_at DESC, e.id DESC"
#define QUEUE_BRANCH                                                                               \
    "(SELECT e.id FROM mc_ef_envelope e WHERE e.court_code = ? AND e.number IS NOT NULL "          \
    "AND e.status = ?" QUEUE_SUBMITTED " LIMIT ?)"
#define QUEUE_LIMIT " LIMIT ? OFFSET ?"
/* binds: court, status, status, count, offset */
#define QUEUE_PAGE_SUBMITTED                                                                       \
    QUEUE_SELECT " FROM mc_ef_envelope e" QUEUE_JOIN QUEUE_WHERE QUEUE_SUBMITTED QUEUE_LIMIT
#define QUEUE_PAGE_DECIDED                                                                         \
    QUEUE_SELECT " FROM mc_ef_envelope e" QUEUE_JOIN QUEUE_WHERE QUEUE_DECIDED QUEUE_LIMIT
/* binds: court, status, offset + count, court, status, offset + count,
 * count, offset */
#define QUEUE_PAGE_TWO                                                                             \
    QUEUE_SELECT " FROM (" QUEUE_BRANCH " UNION ALL " QUEUE_BRANCH ") q JOIN mc_ef_envelope e "    \
                 "ON e.id = q.id" QUEUE_JOIN QUEUE_SUBMITTED QUEUE_LIMIT
#define QUEUE_COUNT "SELECT COUNT(*) FROM mc_ef_envelope e" QUEUE_WHERE

/* The codes of the clerk's courts ("clerk:<code>" roles), in role order. */
static apr_array_header_t *clerk_courts(mc_req *mr)
{
    apr_array_header_t *out = apr_array_make(mr->r->pool, 4, sizeof(const char *));
    int i;
    for (i = 0; mr->account && i < mr->account->roles->nelts; i++) {
        const char *r = APR_ARRAY_IDX(mr->account->roles, i, const char *);
        if (!strncmp(r, "clerk:", 6) && r[6])
            APR_ARRAY_PUSH(out, const char *) = r + 6;
    }
    return out;
}

/* A court's queue under one filter. */
typedef struct queue_of {
    const char *code;
    size_t f;
} queue_of;

static apr_status_t queue_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                long long n, long long offset, mc_dbres **res)
{
    const queue_of *q = baton;
    const char *code = q->code;
    size_t f = q->f;
    if (count)
        return mc_db_query(db, p, res, QUEUE_COUNT, "sss", code, FILTERS[f].s1, FILTERS[f].s2);
    if (strcmp(FILTERS[f].s1, FILTERS[f].s2))
        return mc_db_query(db, p, res, QUEUE_PAGE_TWO, "ssissiii", code, FILTERS[f].s1,
                           offset + n, code, FILTERS[f].s2, offset + n, n, offset);
    if (FILTERS[f].decided)
        return mc_db_query(db, p, res, QUEUE_PAGE_DECIDED, "sssii", code, FILTERS[f].s1,
                           FILTERS[f].s2, n, offset);
    return mc_db_query(db, p, res, QUEUE_PAGE_SUBMITTED, "sssii", code, FILTERS[f].s1,
                       FILTERS[f].s2, n, offset);
}

/* One court's section of the queue: a page of its envelopes. */
static apr_status_t queue_court(mc_req *mr, mc_db *db, const char *code, size_t f, long long page)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *sec = mc_vars_row(mr->vars, "courts");
    mc_dbres *res;
    mc_page pg = {0, 0, 0, 0, 0};
    queue_of q = {code, f};
    apr_status_t rv;
    int i;

    rv = mc_db_query(db, p, &res, "SELECT name FROM mc_court WHERE code = ?", "s", code);
    if (rv != APR_SUCCESS)
        return rv;
    mc_vars_set(sec, "code", code);
    mc_vars_set(sec, "name", res->nrows ? mc_dbres_get(res, 0, 0) : "(no court with this code)");
    if ((rv = mc_page_query(db, p, page, EF_PAGE_SIZE, queue_query, &q, &pg, &res)) !=
        APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {"",          "number", "filer",     "", "",        "",
                                           "documents", "",       "submitted", "", "caption", NULL};
        mc_vars *row = mc_vars_row(sec, "envelopes");
        int is_new = !strcmp(mc_dbres_get(res, i, 3), "new");
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "href", mc_url(mr, env_path(p, mc_dbres_int(res, i, 0), "")));
        mc_vars_set(row, "case",
                    is_new && !*mc_dbres_get(res, i, 4)
                        ? apr_pstrcat(p, "New case: ", mc_dbres_get(res, i, 5), NULL)
                        : mc_dbres_get(res, i, 4));
        mc_vars_set(row, "fees", ef_money(p, mc_dbres_int(res, i, 7)));
        mc_vars_set(row, "status", ef_status_label(mc_dbres_get(res, i, 9)));
        mc_vars_set(row, "status_class", ef_status_badge(mc_dbres_get(res, i, 9)));
    }
    mc_page_vars(sec, &pg,
                 apr_pstrcat(p, mc_url(mr, "/clerk"), "?status=", FILTERS[f].key,
                             "&court=", mc_form_encode(p, code), "&page=", NULL));
    return APR_SUCCESS;
}

static int clerk_queue(mc_req *mr)
{
    const char *status = mc_query(mr, "status"), *court = mc_query(mr, "court");
    apr_array_header_t *courts = clerk_courts(mr);
    long long page;
    size_t f = 0;
    mc_db *db;
    apr_status_t rv;
    int i, shown = 0, code = HTTP_OK;

    if (status && *status) {
        for (f = 1; f < N_FILTERS && strcmp(status, FILTERS[f].key); f++)
            ;
        if (f == N_FILTERS) {
            mc_vars_set(mr->vars, "error",
                        "Status: choose Submitted, Under Review, Accepted or Rejected.");
            code = HTTP_BAD_REQUEST;
            f = 0;
        }
    }
    page = ef_page_asked(mr, &code);
    if (court && *court) {
        for (i = 0; i < courts->nelts && strcasecmp(court, APR_ARRAY_IDX(courts, i, const char *));
             i++)
            ;
        if (i == courts->nelts) {
            mc_vars_set(mr->vars, "error", "Court: choose one of your courts.");
            code = HTTP_BAD_REQUEST;
            court = NULL;
        }
    }
    mc_vars_set(mr->vars, "action", mc_url(mr, "/clerk"));
    mc_vars_set(mr->vars, "q_status", FILTERS[f].key);
    mc_vars_set(mr->vars, "q_court", court && *court ? court : "");
    mc_vars_set(mr->vars, "filter_label", FILTERS[f].label);
    for (i = 0; i < courts->nelts; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "court_options");
        mc_vars_set(row, "code", APR_ARRAY_IDX(courts, i, const char *));
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < courts->nelts; i++) {
        const char *c = APR_ARRAY_IDX(courts, i, const char *);
        if (court && *court && strcasecmp(court, c))
            continue;
        if ((rv = queue_court(mr, db, c, f, court && *court ? page : 1)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        shown++;
    }
    if (!shown)
        mc_vars_set(mr->vars, "no_courts", "1");
    return mc_render(mr, code, "clerk-queue.html", "eFiling Review");
}

/* ---- the envelope ------------------------------------------------------------------ */

/* 1 with the envelope in *e when the route's :id is an envelope (submitted
 * at least once) of one of the clerk's courts; otherwise 0 and *rc is the
 * handler's answer (the 404 "Envelope not found" page has been written, or a
 * database failure). */
static int load_env(mc_req *mr, mc_db **db, ef_env *e, int *rc)
{
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    int found = 0;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (id && (rv = ef_env_load(mr, *db, id, 0, e, &found)) != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (!found || !(ef_env_relation(mr, e) & EF_CLERK) || !*e->number ||
        !strcmp(e->status, "draft")) {
        if (found)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                          MCLOGNO(2500) "eFiling review: %s may not see envelope %" APR_INT64_T_FMT
                                        " (court %s, status %s)",
                          mr->account ? mr->account->username : "-", (apr_int64_t)id, e->court_code,
                          e->status);
        *rc = not_found(mr);
        return 0;
    }
    return 1;
}

static const char *const DONE_NOTES[][2] = {
    {"opened", "The envelope is now Under Review. The filer can no longer cancel it."},
    {"accepted", "The envelope was accepted: its documents are on the case's docket and the "
                 "filer was notified."},
    {"rejected", "The envelope was rejected and the filer was notified."},
};

/* A document's row on the clerk's page, and its warning when it has active
 * content (accepted by a court that flags it). */
static void clerk_document(mc_req *mr, mc_vars *row, const mc_dbres *res, int i, const void *baton)
{
    apr_pool_t *p = mr->r->pool;
    const char *warning = mc_pdf_found_warning(p, (unsigned)mc_dbres_int(res, i, 9));
    mc_vars_set(row, "name", mc_dbres_get(res, i, 2));
    mc_vars_set(row, "href",
                mc_url(mr, apr_pstrcat(p, "/documents/", mc_dbres_get(res, i, 0), NULL)));
    mc_vars_set(row, "docketed", mc_dbres_int(res, i, 8) ? "Docketed" : NULL);
    if (warning) {
        mc_vars *w = mc_vars_row(mr->vars, "active_documents");
        mc_vars_set(row, "active", warning);
        mc_vars_set(w, "name", mc_dbres_get(res, i, 2));
        mc_vars_set(w, "client_name", mc_dbres_get(res, i, 4));
        mc_vars_set(w, "warning", warning);
    }
}

/* The envelope page: header, parties, documents, fees and payment, history
 * and the actions its status allows. */
static int env_page(mc_req *mr, mc_db *db, const ef_env *e, int status, const char *error,
                    const char *notice)
{
    apr_pool_t *p = mr->r->pool;
    const char *done = mc_query(mr, "done"), *sel = mc_field(mr, "reason");
    mc_dbres *res;
    apr_status_t rv;
    long long fees;
    size_t k;

    if (error)
        mc_vars_set(mr->vars, "error", error);
    for (k = 0; !error && !notice && done && k < sizeof(DONE_NOTES) / sizeof(DONE_NOTES[0]); k++)
        if (!strcmp(done, DONE_NOTES[k][0]))
            notice = DONE_NOTES[k][1];
    if (notice)
        mc_vars_set(mr->vars, "notice", notice);
    mc_vars_set(mr->vars, "number", e->number);
    mc_vars_set(mr->vars, "status", ef_status_label(e->status));
    mc_vars_set(mr->vars, "status_class", ef_status_badge(e->status));
    mc_vars_set(mr->vars, "court", apr_pstrcat(p, e->court_name, " (", e->court_code, ")", NULL));
    mc_vars_set(mr->vars, "filer", e->filer);
    mc_vars_set(mr->vars, "submitted", e->submitted_at);
    mc_vars_set(mr->vars, "decided", *e->decided_at ? e->decided_at : NULL);
    mc_vars_set(mr->vars, "queue_url", mc_url(mr, "/clerk"));
    if (!strcmp(e->kind, "new")) {
        mc_vars_set(mr->vars, "is_new", "1");
        rv = mc_db_query(db, p, &res, "SELECT name FROM mc_case_type WHERE code = ?", "s",
                         e->case_type);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_vars_set(mr->vars, "case_type",
                    res->nrows
                        ? apr_pstrcat(p, mc_dbres_get(res, 0, 0), " (", e->case_type, ")", NULL)
                        : e->case_type);
    }
    mc_vars_set(mr->vars, "case_number", *e->case_number ? e->case_number : NULL);
    if (*e->case_number) {
        const char *casenet = mc_site_url(p, "casetrack", "");
        if (casenet)
            mc_vars_set(mr->vars, "case_url",
                        apr_pstrcat(p, casenet, "/case/", e->case_number, NULL));
    }
    rv = mc_db_query(db, p, &res,
                     "SELECT COALESCE(c.caption, e.caption), COALESCE(CONCAT(a.first_name, ' ', "
                     "a.last_name), '') FROM mc_ef_envelope e LEFT JOIN mc_case c ON c.id = "
                     "e.case_id LEFT JOIN mc_account a ON a.id = e.clerk_id WHERE e.id = ?",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "caption", res->nrows ? mc_dbres_get(res, 0, 0) : e->caption);
    if (res->nrows && *mc_dbres_get(res, 0, 1))
        mc_vars_set(mr->vars, "clerk", mc_dbres_get(res, 0, 1));
    if (!strcmp(e->status, "rejected")) {
        mc_vars_set(mr->vars, "reject_code", e->reject_code);
        mc_vars_set(mr->vars, "reject_text", *e->reject_text ? e->reject_text : NULL);
    }

    if ((rv = ef_env_parties(mr, db, e->id)) != APR_SUCCESS ||
        (rv = ef_env_documents(mr, db, e->id, clerk_document, NULL, &fees)) != APR_SUCCESS ||
        (rv = ef_clerk_checks(mr, db, e)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "fee_schedule", ef_money(p, fees));
    mc_vars_set(mr->vars, "fee", ef_money(p, e->fee_cents));
    mc_vars_set(mr->vars, "payment",
                !strcmp(e->payment, "waiver")          ? "Fee waiver"
                : !strcmp(e->payment, "court_account") ? "Court account"
                                                       : "None");
    mc_vars_set(mr->vars, "waiver_reason", *e->waiver_reason ? e->waiver_reason : NULL);
    mc_vars_set(mr->vars, "payment_ref", *e->payment_ref ? e->payment_ref : NULL);

    /* History. */
    if ((rv = ef_env_history(mr, db, e->id, "actor")) != APR_SUCCESS)
        return mc_fail(mr, rv);

    /* The actions the status allows. */
    if (!strcmp(e->status, "submitted"))
        mc_vars_set(mr->vars, "open_action", mc_url(mr, env_path(p, e->id, "/open")));
    if (!strcmp(e->status, "review"))
        mc_vars_set(mr->vars, "accept_action", mc_url(mr, env_path(p, e->id, "/accept")));
    if (!strcmp(e->status, "submitted") || !strcmp(e->status, "review")) {
        mc_vars_set(mr->vars, "reject_action", mc_url(mr, env_path(p, e->id, "/reject")));
        for (k = 0; ef_reject_reasons[k]; k++) {
            mc_vars *row = mc_vars_row(mr->vars, "reasons");
            mc_vars_set(row, "reason", ef_reject_reasons[k]);
            mc_vars_set(row, "selected", sel && !strcmp(sel, ef_reject_reasons[k]) ? "selected" : NULL);
        }
        mc_vars_set(mr->vars, "f_text", mc_field(mr, "text"));
    }
    return mc_render(mr, status, "clerk-envelope.html",
                     apr_pstrcat(p, "Envelope ", e->number, NULL));
}

/* ---- the decisions ------------------------------------------------------------------ */

/* Show the route's envelope (action NULL), or take the decision action
 * ("open", "accept", "reject" with its reason and text) on it, or show it
 * with bad (a sentence on the form, 400) instead; answer. */
static int decide(mc_req *mr, const char *action, const char *reason, const char *text,
                  const char *bad)
{
    ef_decide_req b;
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    int rc;
    if (!load_env(mr, &db, &e, &rc))
        return rc;
    if (!action || bad)
        return env_page(mr, db, &e, bad ? HTTP_BAD_REQUEST : HTTP_OK, bad, NULL);
    memset(&b, 0, sizeof(b));
    b.action = action;
    b.reason = reason;
    b.text = text;
    b.id = e.id;
    if ((rv = mc_req_tx(mr, ef_decide, &b)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r,
                      MCLOGNO(2501) "eFiling review: %s of envelope %s by %s failed: %s", b.action,
                      e.number, mr->account->username, mc_db_strerror(rv));
        return mc_fail(mr, rv);
    }
    if (b.gone)
        return not_found(mr);
    if (b.refused) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2502) "eFiling review: %s of envelope %s by %s refused (status %s)",
                      b.action, e.number, mr->account->username, b.e.status);
        return env_page(mr, db, &b.e, HTTP_CONFLICT, b.refused, NULL);
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, mr->r,
                  MCLOGNO(2503) "eFiling review: envelope %s %s by %s%s%s; %" APR_INT64_T_FMT
                                " docket entr(ies), %" APR_INT64_T_FMT " tracker notice(s)",
                  e.number, b.e.status, mr->account->username, b.new_case ? ", new case " : "",
                  b.new_case ? b.new_case : "", (apr_int64_t)b.docketed, (apr_int64_t)b.queued);
    return mc_redirect(mr, apr_psprintf(mr->r->pool, "clerk/envelopes/%" APR_INT64_T_FMT "?done=%s",
                                        (apr_int64_t)e.id,
                                        !strcmp(b.action, "open") ? "opened" : b.e.status));
}

static int clerk_envelope(mc_req *mr)
{
    return decide(mr, NULL, NULL, NULL, NULL);
}

static int clerk_open(mc_req *mr)
{
    return decide(mr, "open", NULL, NULL, NULL);
}

static int clerk_accept(mc_req *mr)
{
    return decide(mr, "accept", NULL, NULL, NULL);
}

static int clerk_reject(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *reason = mc_text_trim(p, mc_field(mr, "reason")),
               *text = mc_text_trim(p, mc_field(mr, "text"));
    const char *field, *err = ef_reject_check(reason, text, &field);
    return decide(mr, "reject", reason, text, err);
}

const mc_route ef_review_routes[] = {
    {"GET", "/clerk", MC_ACCESS_ROLE, "clerk", clerk_queue, 0},
    {"GET", "/clerk/envelopes/:id", MC_ACCESS_ROLE, "clerk", clerk_envelope, 0},
    {"POST", "/clerk/envelopes/:id/open", MC_ACCESS_ROLE, "clerk", clerk_open, 0},
    {"POST", "/clerk/envelopes/:id/accept", MC_ACCESS_ROLE, "clerk", clerk_accept, 0},
    {"POST", "/clerk/envelopes/:id/reject", MC_ACCESS_ROLE, "clerk", clerk_reject, 0},
    {NULL}};
