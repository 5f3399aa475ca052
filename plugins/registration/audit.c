/* audit.c: the Security unit's audit log viewer (role security), beside its
 * account tools (security.c). GET only: the events of the core's mc_audit
 * found by account (username or id: what happened to it or what it did),
 * event type, days (UTC) and client address, newest first, a page at a
 * time; each event's page; the list of the filter as CSV. The filters are
 * the query string's, kept in every link. Each viewing and each export is
 * itself audited (audit-viewed, audit-exported, with the filter), under the
 * Security user. The statements and the CSV are lib/mc_audit_log.c's,
 * shared with `mocourts-admin audit`. */
#include "registration.h"

#include "mc_audit_log.h"

#include "apr_lib.h"
#include "apr_time.h"
#include "http_log.h"

#define AUDIT_PAGE_SIZE 25
#define AUDIT_EXPORT_CHUNK 500 /* rows read (and sent) at a time */
#define AUDIT_EVENT_MAX 40     /* mc_audit.event */
#define AUDIT_IP_MAX 45        /* mc_audit.client_ip */

/* The filters as typed (kept for the form and the links) and as applied. */
typedef struct audit_q {
    const char *account, *event, *from, *to, *ip;
    mc_audit_filter f;
} audit_q;

/* One of the filters' mistakes: its sentence, linked to field id. */
static void filter_error(mc_req *mr, const char *id, const char *text)
{
    mc_vars *row = mc_vars_row(mr->vars, "errors");
    mc_vars_set(row, "text", text);
    mc_vars_set(row, "href", apr_pstrcat(mr->r->pool, "#", id, NULL));
    mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "bad_", id, NULL), "true");
}

static int day_filter_error(mc_req *mr, const char *id, const char *label, const char *day)
{
    if (!*day || mc_audit_day_ok(day))
        return 0;
    filter_error(mr, id,
                 apr_pstrcat(mr->r->pool, "Enter the ", label,
                             " date as a day of the calendar, year first: 2026-01-31 (not \"", day,
                             "\").", NULL));
    return 1;
}

static int all_of(const char *s, const char *set, int digits)
{
    for (; *s; s++)
        if (!(digits && apr_isdigit(*s)) && !strchr(set, *s))
            return 0;
    return 1;
}

static const char *query_trim(mc_req *mr, const char *name)
{
    const char *v = mc_query(mr, name);
    return v ? mc_text_trim(mr->r->pool, v) : "";
}

/* The filters of the query into q (q->f applied; the typed values kept in
 * q_* for the form). 0 when all are valid; else the mistakes are said
 * (errors), and nothing is listed. A database error in *rv. */
static int audit_filters(mc_req *mr, mc_db *db, audit_q *q, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    static const mc_audit_filter any = MC_AUDIT_FILTER_ANY;
    int bad = 0;

    *rv = APR_SUCCESS;
    q->f = any;
    q->account = query_trim(mr, "account");
    q->event = query_trim(mr, "event");
    q->from = query_trim(mr, "from");
    q->to = query_trim(mr, "to");
    q->ip = query_trim(mr, "ip");
    mc_vars_set(mr->vars, "q_account", q->account);
    mc_vars_set(mr->vars, "q_event", q->event);
    mc_vars_set(mr->vars, "q_from", mc_audit_day_ok(q->from) ? q->from : NULL);
    mc_vars_set(mr->vars, "q_to", mc_audit_day_ok(q->to) ? q->to : NULL);
    mc_vars_set(mr->vars, "q_ip", q->ip);

    /* An id is digits; a username starts with a letter (reg_common.c). */
    if (*q->account && all_of(q->account, "", 1) && strlen(q->account) <= 18) {
        q->f.account_id = apr_atoi64(q->account);
    }
    else if (*q->account) {
        mc_dbres *res;
        if (strlen(q->account) > 30 || !all_of(q->account,
                                               "._-abcdefghijklmnopqrstuvwxyz"
                                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                               1)) {
            bad = 1,
            filter_error(mr, "account", "Enter the account as its username or its number (id).");
        }
        else {
            *rv = mc_db_query(db, p, &res, "SELECT id FROM mc_account WHERE username = ?", "s",
                              q->account);
            if (*rv != APR_SUCCESS)
                return 1;
            if (res->nrows != 1)
                bad = 1, filter_error(mr, "account",
                                      apr_pstrcat(p, "No account has the username \"", q->account,
                                                  "\".", NULL));
            else
                q->f.account_id = mc_dbres_int(res, 0, 0);
        }
    }
    if (strlen(q->event) > AUDIT_EVENT_MAX || !all_of(q->event, "-_.abcdefghijklmnopqrstuvwxyz", 1))
        bad = 1, filter_error(mr, "event", "Choose an event type from the list.");
    else
        q->f.event = q->event;
    bad |= day_filter_error(mr, "from", "From", q->from);
    bad |= day_filter_error(mr, "to", "To", q->to);
    if (*q->from && *q->to && mc_audit_day_ok(q->from) && mc_audit_day_ok(q->to) &&
        strcmp(q->from, q->to) > 0)
        bad = 1, filter_error(mr, "to", "The To date is before the From date.");
    q->f.since = mc_audit_day_ok(q->from) ? q->from : "";
    q->f.to_day = mc_audit_day_ok(q->to) ? q->to : "";
    if (strlen(q->ip) > AUDIT_IP_MAX || !all_of(q->ip, ".:abcdefABCDEF", 1))
        bad = 1, filter_error(mr, "ip",
                              "Enter an IP address, or its beginning (192.0.2. or 2001:db8:), "
                              "in digits, dots and colons.");
    else
        q->f.ip = q->ip;
    return bad;
}

/* The query string of the filters as typed ("account=...&ip=..."). */
static const char *filter_args(apr_pool_t *p, const audit_q *q)
{
    return apr_pstrcat(p, "account=", mc_form_encode(p, q->account),
                       "&event=", mc_form_encode(p, q->event), "&from=", mc_form_encode(p, q->from),
                       "&to=", mc_form_encode(p, q->to), "&ip=", mc_form_encode(p, q->ip), NULL);
}

/* The filter for the audit's own row: the ones given, "none" when none. */
static const char *filter_said(apr_pool_t *p, const audit_q *q)
{
    const char *s =
        apr_pstrcat(p, *q->account ? " account=" : "", q->account, *q->event ? " event=" : "",
                    q->event, *q->from ? " from=" : "", q->from, *q->to ? " to=" : "", q->to,
                    *q->ip ? " ip=" : "", q->ip, NULL);
    return *s ? s + 1 : "none";
}

/* The form's event types: those present. */
static apr_status_t event_options(mc_req *mr, mc_db *db)
{
    mc_dbres *res;
    apr_status_t rv = mc_audit_log_events(db, mr->r->pool, &res);
    int i;
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        mc_vars_set(mc_vars_row(mr->vars, "events"), "event", mc_dbres_get(res, i, 0));
    return APR_SUCCESS;
}

/* An account of a row (the account or the actor: columns id, username), as
 * its username linked to its Security page, into row's key and key_url. */
static void account_vars(mc_req *mr, mc_vars *row, const mc_dbres *res, int i, int id_col,
                         const char *key)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_dbres_int(res, i, id_col);
    const char *name = mc_dbres_get(res, i, id_col + 1);
    if (!id)
        return;
    mc_vars_set(row, key,
                *name ? name
                      : apr_psprintf(p, "(account %" APR_INT64_T_FMT ", gone)", (apr_int64_t)id));
    if (*name)
        mc_vars_set(
            row, apr_pstrcat(p, key, "_url", NULL),
            mc_url(mr, apr_psprintf(p, "/security/account/%" APR_INT64_T_FMT, (apr_int64_t)id)));
}

static int audit_list(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *pg = mc_query(mr, "page"), *args;
    long long want = 1;
    mc_page page = {0, 0, 0, 0, 0};
    mc_dbres *res;
    mc_db *db;
    audit_q q;
    apr_status_t rv;
    int i, bad;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    bad = audit_filters(mr, db, &q, &rv);
    if (rv != APR_SUCCESS || (rv = event_options(mr, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    args = filter_args(p, &q);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/security/audit"));
    mc_vars_set(mr->vars, "search_url", mc_url(mr, "/security"));
    if (bad)
        return mc_render(mr, HTTP_BAD_REQUEST, "security-audit.html", "Audit Log");
    if (pg && *pg && all_of(pg, "", 1) && strlen(pg) <= 6 && apr_atoi64(pg) >= 1)
        want = apr_atoi64(pg);
    if ((rv = mc_page_query(db, p, want, AUDIT_PAGE_SIZE, mc_audit_log_query, &q.f, &page, &res)) !=
        APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {"id", "at", "event", "",       "",
                                           "",   "",   "ip",    "detail", NULL};
        mc_vars *row = mc_vars_row(mr->vars, "rows");
        mc_vars_from(row, res, i, keys);
        account_vars(mr, row, res, i, MC_AUDIT_COL_ACCOUNT_ID, "account");
        account_vars(mr, row, res, i, MC_AUDIT_COL_ACTOR_ID, "actor");
        mc_vars_set(
            row, "url",
            mc_url(mr, apr_pstrcat(
                           p, "/security/audit/", mc_dbres_get(res, i, 0), "?", args, "&page=",
                           apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)page.page), NULL)));
    }
    mc_page_vars(mr->vars, &page,
                 apr_pstrcat(p, mc_url(mr, "/security/audit"), "?", args, "&page=", NULL));
    mc_vars_set(mr->vars, "export_url",
                apr_pstrcat(p, mc_url(mr, "/security/audit/export"), "?", args, NULL));
    mc_vars_set(mr->vars, "filtered", strcmp(filter_said(p, &q), "none") ? "1" : NULL);
    if ((rv = mc_audit(mr, db, "audit-viewed", mr->account->id,
                       apr_psprintf(p, "audit log page %" APR_INT64_T_FMT "; filter: %s",
                                    (apr_int64_t)page.page, filter_said(p, &q)))) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_render(mr, HTTP_OK, "security-audit.html", "Audit Log");
}

static int audit_event(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_param_id(mr, "id");
    const char *pg = mc_query(mr, "page");
    mc_dbres *res;
    mc_db *db;
    audit_q q;
    apr_status_t rv;
    static const char *const keys[] = {"id", "at", "event", "", "", "", "", "ip", "detail", NULL};

    if (!id)
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_audit_log_get(db, p, id, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1)
        return HTTP_NOT_FOUND;
    mc_vars_from(mr->vars, res, 0, keys);
    account_vars(mr, mr->vars, res, 0, MC_AUDIT_COL_ACCOUNT_ID, "account");
    account_vars(mr, mr->vars, res, 0, MC_AUDIT_COL_ACTOR_ID, "actor");
    /* Back to the list as it was: its filters (checked again there). */
    audit_filters(mr, db, &q, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "list_url",
                apr_pstrcat(p, mc_url(mr, "/security/audit"), "?", filter_args(p, &q),
                            "&page=", pg && all_of(pg, "", 1) && strlen(pg) <= 6 ? pg : "1", NULL));
    if ((rv = mc_audit(mr, db, "audit-viewed", mr->account->id,
                       apr_psprintf(p, "audit event %" APR_INT64_T_FMT, (apr_int64_t)id))) !=
        APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_render(mr, HTTP_OK, "security-audit-event.html",
                     apr_psprintf(p, "Audit Event %" APR_INT64_T_FMT, (apr_int64_t)id));
}

/* GET /security/audit/export: every event of the filter, newest first, as
 * CSV, read and sent AUDIT_EXPORT_CHUNK rows at a time (a keyset: the
 * rows written meanwhile do not shift the parts). */
static int audit_export(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool, *chunk;
    apr_time_exp_t now;
    mc_dbres *res;
    mc_db *db;
    audit_q q;
    apr_status_t rv;
    long long rows = 0;
    char stamp[32];
    apr_size_t len;
    int i;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (audit_filters(mr, db, &q, &rv)) {
        if (rv != APR_SUCCESS || (rv = event_options(mr, db)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_vars_set(mr->vars, "action", mc_url(mr, "/security/audit"));
        mc_vars_set(mr->vars, "search_url", mc_url(mr, "/security"));
        return mc_render(mr, HTTP_BAD_REQUEST, "security-audit.html", "Audit Log");
    }
    apr_pool_create(&chunk, p);
    if ((rv = mc_audit_log_query(db, chunk, &q.f, 0, AUDIT_EXPORT_CHUNK, 0, &res)) != APR_SUCCESS ||
        (rv = mc_audit(mr, db, "audit-exported", mr->account->id,
                       apr_pstrcat(p, "audit log exported as CSV; filter: ", filter_said(p, &q),
                                   NULL))) != APR_SUCCESS)
        return mc_fail(mr, rv);
    apr_time_exp_gmt(&now, apr_time_now());
    apr_strftime(stamp, &len, sizeof(stamp), "%Y%m%d-%H%M%S", &now);
    ap_set_content_type(r, "text/csv; charset=utf-8");
    apr_table_setn(r->headers_out, "Content-Disposition",
                   apr_psprintf(p, "attachment; filename=\"audit-log-%s.csv\"", stamp));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    if (r->header_only)
        return OK;
    ap_rputs(mc_audit_csv_header(), r);
    for (;;) {
        for (i = 0; i < res->nrows; i++)
            ap_rputs(mc_audit_csv_row(chunk, res, i), r);
        rows += res->nrows;
        if (res->nrows < AUDIT_EXPORT_CHUNK)
            break;
        q.f.after_at = apr_pstrdup(p, mc_dbres_get(res, res->nrows - 1, MC_AUDIT_COL_AT));
        q.f.after_id = mc_dbres_int(res, res->nrows - 1, MC_AUDIT_COL_ID);
        apr_pool_clear(chunk);
        if ((rv = mc_audit_log_query(db, chunk, &q.f, 0, AUDIT_EXPORT_CHUNK, 0, &res)) !=
            APR_SUCCESS) {
            /* The status line is gone: a short file, and the log says why. */
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          MCLOGNO(1730) "audit log export stopped after %" APR_INT64_T_FMT
                                        " rows: %s",
                          (apr_int64_t)rows, mc_db_error(db));
            break;
        }
    }
    apr_pool_destroy(chunk);
    return OK;
}

const mc_route mc_reg_audit_routes[] = {
    {"GET", "/security/audit", MC_ACCESS_ROLE, "security", audit_list, 0},
    {"GET", "/security/audit/export", MC_ACCESS_ROLE, "security", audit_export, 0},
    {"GET", "/security/audit/:id", MC_ACCESS_ROLE, "security", audit_event, 0},
    {NULL}};
