/* history.c: the notification history of the account (issue 5): every
 * notice queued for it (mc_outbox rows with its account_id, and only
 * those), newest first, 25 a page: the case (a link), the channel, when it
 * was queued and sent, the delivery status and the reason of a failure.
 * Filters kept in the URL (GET), each optional: the case (?case=22SL-CC01234),
 * the channel, the status and the days queued (from, to: YYYY-MM-DD, UTC,
 * both included); the paging links keep them. A bad filter is named at the
 * top (a link to its field), shown again as typed and not applied (400). */
#include "track.h"

#include "apr_lib.h"

static const ct_labels STATUSES = {
    "Queued",
    {{"sent", "Sent"}, {"retrying", "Retrying"}, {"failed", "Failed"}, {"sending", "Sending"}}};

/* A delivery status's badge (site.css: .mc-status--KEY). */
static const ct_labels BADGES = {"mc-status mc-status--queued",
                                 {{"sent", "mc-status mc-status--sent"},
                                  {"retrying", "mc-status mc-status--retry"},
                                  {"failed", "mc-status mc-status--failed"},
                                  {"sending", "mc-status mc-status--pending"}}};

/* The filters' choices (the values the lists offer, as mc_outbox stores them). */
static const char *const CHANNELS[] = {"email", "sms", "voice", NULL};
static const char *const STATUS_WORDS[] = {"queued", "sending", "sent", "retrying", "failed", NULL};

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
/* With any filter but the case: the days queued as a range of the same
 * index (from 1000-01-01 to 9999-12-30 when not given), the others each
 * bound twice, '' for any. The index is named: MariaDB plans each
 * execution with its values, and a status alone would pick the delivery
 * queue's index (status, next_attempt_at) and sort every account's rows. */
#define HISTORY_FILTER                                                                             \
    " FORCE INDEX (mc_outbox_account) WHERE account_id = ? AND queued_at >= ? AND queued_at < "    \
    "DATE_ADD(?, INTERVAL 1 DAY) AND "                                                             \
    "(? = '' OR case_ref = ?) AND (? = '' OR channel = ?) AND (? = '' OR status = ?)"
#define HISTORY_ORDER " ORDER BY queued_at DESC, id DESC LIMIT ? OFFSET ?"

typedef struct history_list {
    long long account_id;
    const char *number;  /* "": every case's */
    const char *channel; /* "": any (email, sms, voice) */
    const char *status;  /* "": any */
    const char *from;    /* "": no first day (YYYY-MM-DD) */
    const char *to;      /* "": no last day */
} history_list;

static int filtered(const history_list *h)
{
    return *h->channel || *h->status || *h->from || *h->to;
}

static apr_status_t history_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                  long long limit, long long offset, mc_dbres **res)
{
    const history_list *h = baton;
    const char *from = *h->from ? h->from : "1000-01-01", *to = *h->to ? h->to : "9999-12-30";
    if (filtered(h) && count)
        return mc_db_query(db, p, res, HISTORY_COUNT HISTORY_FILTER, "issssssss", h->account_id,
                           from, to, h->number, h->number, h->channel, h->channel, h->status,
                           h->status);
    if (filtered(h))
        return mc_db_query(db, p, res, HISTORY_SELECT HISTORY_FILTER HISTORY_ORDER, "issssssssii",
                           h->account_id, from, to, h->number, h->number, h->channel, h->channel,
                           h->status, h->status, limit, offset);
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

apr_status_t ct_history_rows(mc_db *db, apr_pool_t *p, long long account_id, const char *number,
                             long long limit, long long offset, mc_dbres **res)
{
    history_list h = {account_id, number ? number : "", "", "", "", ""};
    return history_query(db, p, &h, 0, limit, offset, res);
}

/* A filter's mistake: the sentence at the top, a link to the field. */
static void bad(mc_req *mr, const char *field, const char *why)
{
    mc_vars *e = mc_vars_row(mr->vars, "errors");
    mc_vars_set(e, "text", why);
    mc_vars_set(e, "href", apr_pstrcat(mr->r->pool, "#", field, NULL));
    mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "invalid_", field, NULL), "true");
    mc_vars_set(mr->vars, "bad_filter", "1");
}

/* Query field name trimmed, shown again as typed (q_<name>). */
static const char *typed(mc_req *mr, const char *name)
{
    const char *v = mc_text_trim(mr->r->pool, mc_query(mr, name));
    mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "q_", name, NULL), v);
    return v;
}

/* One of the list's values, else "" (and the mistake named when not empty). */
static const char *choice(mc_req *mr, const char *name, const char *label,
                          const char *const *values)
{
    const char *v = typed(mr, name);
    int i;
    for (i = 0; *v && values[i]; i++)
        if (!strcmp(v, values[i]))
            return v;
    if (*v)
        bad(mr, name, apr_pstrcat(mr->r->pool, label, ": choose one from the list.", NULL));
    return "";
}

/* A day (YYYY-MM-DD), else "" (and the mistake named when not empty: the
 * text typed quoted in the sentence, not in the date field, which cannot
 * hold it). */
static const char *day(mc_req *mr, const char *name, const char *label)
{
    const char *v = typed(mr, name);
    if (!*v || ct_date_ok(v))
        return v;
    mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "q_", name, NULL), NULL);
    bad(mr, name,
        apr_psprintf(mr->r->pool,
                     "%s: \"%s\" is not a real date. Enter it as YYYY-MM-DD, for example "
                     "2026-01-05.",
                     label, v));
    return "";
}

/* "&name=value" when value is set. */
static const char *keep(apr_pool_t *p, const char *name, const char *value)
{
    return *value ? apr_pstrcat(p, "&", name, "=", mc_form_encode(p, value), NULL) : "";
}

/* The filters applied, in words ("" for none but the case). */
static const char *filter_words(apr_pool_t *p, const history_list *h)
{
    const char *w = "";
    if (*h->channel)
        w = apr_pstrcat(p, w, "; Channel: ", ct_label(&ct_channels, h->channel), NULL);
    if (*h->status)
        w = apr_pstrcat(p, w, "; Status: ", ct_label(&STATUSES, h->status), NULL);
    if (*h->from)
        w = apr_pstrcat(p, w, "; Queued from ", h->from, NULL);
    if (*h->to)
        w = apr_pstrcat(p, w, "; Queued to ", h->to, NULL);
    return *w ? w + 2 : w;
}

int ct_history_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *pg = mc_query(mr, "page"), *want = typed(mr, "case");
    long long page_no = pg ? apr_atoi64(pg) : 1;
    mc_page page = {0, 0, 0, 0, 0};
    history_list h = {mr->account->id, "", "", "", "", ""};
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    if (*want && !ct_case_number_ok(p, want, &h.number)) {
        bad(mr, "case",
            "Enter a case number such as 22SL-CC01234, or leave it empty for every notice.");
        h.number = "";
    }
    h.channel = choice(mr, "channel", "Channel", CHANNELS);
    h.status = choice(mr, "status", "Status", STATUS_WORDS);
    h.from = day(mr, "from", "Queued from");
    h.to = day(mr, "to", "Queued to");
    if (*h.from && *h.to && strcmp(h.from, h.to) > 0) {
        bad(mr, "to",
            apr_psprintf(p,
                         "Queued to: the \"to\" date (%s) is before the \"from\" date (%s). "
                         "Enter the earlier date first.",
                         h.to, h.from));
        h.from = h.to = "";
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_page_query(db, p, page_no, CT_PAGE_SIZE, history_query, &h, &page, &res)) !=
            APR_SUCCESS)
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
        mc_vars_set(row, "status_class", ct_label(&BADGES, status));
        if (!strcmp(status, "failed") || !strcmp(status, "retrying"))
            mc_vars_set(row, "reason", mc_dbres_get(res, i, 7));
    }
    mc_vars_set(mr->vars, "case_filter", *h.number ? h.number : NULL);
    mc_vars_set(mr->vars, "filters", filter_words(p, &h));
    if (*h.number || filtered(&h))
        mc_vars_set(mr->vars, "clear_url", mc_url(mr, "/history"));
    mc_vars_set(mr->vars, "action", mc_url(mr, "/history"));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
    mc_page_vars(mr->vars, &page,
                 apr_pstrcat(p, mc_url(mr, "/history"), "?case=", mc_form_encode(p, h.number),
                             keep(p, "channel", h.channel), keep(p, "status", h.status),
                             keep(p, "from", h.from), keep(p, "to", h.to), "&page=", NULL));
    return mc_render(mr, mc_vars_get(mr->vars, "bad_filter") ? HTTP_BAD_REQUEST : HTTP_OK,
                     "history.html", "Notification History");
}
