/* history.c: the notification history of the account (issue 5): every
 * notice queued for it (mc_outbox rows with its account_id, and only
 * those), newest first, 25 a page: the case (a link), the channel, when it
 * was queued and sent, the delivery status and the reason of a failure.
 * Optionally for one case (?case=22SL-CC01234). */
#include "track.h"

#include "apr_lib.h"

static const ct_labels STATUSES = {
    "Queued",
    {{"sent", "Sent"}, {"retrying", "Retrying"}, {"failed", "Failed"}, {"sending", "Sending"}}};

/* What the notice was about, for a row without a subject. */
static const char *kind_label(apr_pool_t *p, const char *kind)
{
    static const ct_labels known = {NULL,
                                    {{"track-entry", "New docket entry"},
                                     {"track-digest", "Daily digest"},
                                     {"track-reminder", "Hearing reminder"},
                                     {"phone-code", "Phone verification code"}}};
    const char *label = ct_label(&known, kind);
    size_t i;
    char *s;
    if (label)
        return label;
    if (!*kind)
        return "Notice";
    s = apr_pstrdup(p, kind);
    s[0] = (char)apr_toupper(s[0]);
    for (i = 1; s[i]; i++)
        if (s[i] == '-' || s[i] == '_')
            s[i] = ' ';
    return s;
}

static const char *utc(apr_pool_t *p, const char *t)
{
    return t ? apr_pstrcat(p, t, " UTC", NULL) : "";
}

/* The history's statements (tests/integration/test_perf_plans.py reads
 * these macros): every notice of the account newest first, straight from
 * the index (account_id, queued_at), its count from that index alone; or
 * those of one case (HISTORY_CASE, binding the case number too). */
#define HISTORY_SELECT                                                                             \
    "SELECT channel, kind, case_ref, subject, queued_at, sent_at, status, last_error FROM "        \
    "mc_outbox"
#define HISTORY_COUNT "SELECT COUNT(*) FROM mc_outbox"
#define HISTORY_ALL " WHERE account_id = ?"
#define HISTORY_CASE " WHERE account_id = ? AND case_ref = ?"
#define HISTORY_ORDER " ORDER BY queued_at DESC, id DESC LIMIT ? OFFSET ?"

typedef struct history_list {
    long long account_id;
    const char *number; /* "": every case's */
} history_list;

static apr_status_t history_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                  long long limit, long long offset, mc_dbres **res)
{
    const history_list *h = baton;
    if (count)
        return mc_db_query(db, p, res,
                           *h->number ? HISTORY_COUNT HISTORY_CASE : HISTORY_COUNT HISTORY_ALL,
                           *h->number ? "is" : "i", h->account_id, h->number);
    if (*h->number)
        return mc_db_query(db, p, res, HISTORY_SELECT HISTORY_CASE HISTORY_ORDER, "isii",
                           h->account_id, h->number, limit, offset);
    return mc_db_query(db, p, res, HISTORY_SELECT HISTORY_ALL HISTORY_ORDER, "iii", h->account_id,
                       limit, offset);
}

int ct_history_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *pg = mc_query(mr, "page"), *want = mc_text_trim(p, mc_query(mr, "case"));
    const char *number = "";
    long long page_no = pg ? apr_atoi64(pg) : 1;
    mc_page page = {0, 0, 0, 0, 0};
    history_list h;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    if (*want && !ct_case_number_ok(p, want, &number)) {
        mc_vars_set(mr->vars, "error",
                    "Enter a case number such as 22SL-CC01234, or leave it empty for every "
                    "notice.");
        number = "";
    }
    h.account_id = mr->account->id;
    h.number = number;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_page_query(db, p, page_no, CT_PAGE_SIZE, history_query, &h, &page, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "notices");
        const char *ref = mc_dbres_get(res, i, 2), *subject = mc_dbres_get(res, i, 3);
        const char *status = mc_dbres_get(res, i, 6);
        if (ref && *ref) {
            mc_vars_set(row, "case_ref", ref);
            mc_vars_set(row, "case_url", mc_url(mr, apr_pstrcat(p, "/case/", ref, NULL)));
        }
        mc_vars_set(row, "what",
                    subject && *subject ? subject : kind_label(p, mc_dbres_get(res, i, 1)));
        mc_vars_set(row, "channel", ct_label(&ct_channels, mc_dbres_get(res, i, 0)));
        mc_vars_set(row, "queued_at", utc(p, mc_dbres_get(res, i, 4)));
        mc_vars_set(row, "sent_at", utc(p, mc_dbres_get(res, i, 5)));
        mc_vars_set(row, "status", ct_label(&STATUSES, status));
        if (!strcmp(status, "failed") || !strcmp(status, "retrying"))
            mc_vars_set(row, "reason", mc_dbres_get(res, i, 7));
    }
    mc_vars_set(mr->vars, "q_case", want);
    mc_vars_set(mr->vars, "case_filter", *number ? number : NULL);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/history"));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
    mc_page_vars(mr->vars, &page,
                 apr_pstrcat(p, mc_url(mr, "/history"), "?case=", mc_form_encode(p, number),
                             "&page=", NULL));
    return mc_render(mr, *want && !*number ? HTTP_BAD_REQUEST : HTTP_OK, "history.html",
                     "Notification History");
}
