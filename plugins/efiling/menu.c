/* menu.c: see efiling.h.
 *
 * GET /          the eFiling Menu (seed 001 step 25), or what is missing
 * GET /filings   My Filings (?status=, ?case=, ?from=, ?to=: the filters; ?page=)
 * GET /envelopes/:id  the envelope page with its history
 *
 * Viewing My Filings and an envelope needs no eFiling eligibility (a member
 * disabled from a group still sees what was filed); every action does. A
 * draft is shown to its filer only. */
#include "efiling.h"

#include "apr_lib.h"

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
    int i, rc;

    if ((rc = ef_who_may_file(mr, &db, &w, HTTP_OK)) != -1)
        return rc;
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

/* My Filings' statements (tests/integration/test_perf_plans.py reads these
 * macros). Its own envelopes: the index (account_id, updated_at) in order
 * (sql/efiling/0003_list_indexes.sql), or (account_id, status, updated_at)
 * for one status. A group administrator's also match the group's (not its
 * drafts); the group id is bound in both (0 in the first, where it is not
 * used: no group has id 0), so both take the same values. FILINGS_FILTER
 * follows either: the case number ("" for any) and the days of creation
 * (from, to: "YYYY-MM-DD", "" for no bound), which narrow the rows the index
 * gives (tests/integration/test_ef_filings_plan.py checks the plan). */
#define FILINGS_SELECT                                                                             \
    "SELECT e.id, COALESCE(e.number, ''), COALESCE(co.name, ''), COALESCE(c.number, ''), "         \
    "e.caption, e.status, e.created_at, COALESCE(e.submitted_at, ''), e.updated_at, "              \
    "CONCAT(a.first_name, ' ', a.last_name), e.account_id FROM mc_ef_envelope e JOIN mc_account "  \
    "a ON a.id = e.account_id LEFT JOIN mc_court co ON co.code = e.court_code LEFT JOIN mc_case "  \
    "c ON c.id = e.case_id"
#define FILINGS_COUNT "SELECT COUNT(*) FROM mc_ef_envelope e"
#define FILINGS_OWN " WHERE e.account_id = ? AND ? = 0 AND (? = '' OR e.status = ?)"
#define FILINGS_GROUP                                                                              \
    " WHERE (e.account_id = ? OR (e.group_id = ? AND e.status <> 'draft')) AND (? = '' OR "        \
    "e.status = ?)"
#define FILINGS_FILTER                                                                             \
    " AND (? = '' OR e.case_id = (SELECT fc.id FROM mc_case fc WHERE fc.number = ?)) AND (? = "    \
    "'' OR e.created_at >= ?) AND (? = '' OR e.created_at < DATE_ADD(?, INTERVAL 1 DAY))"
#define FILINGS_ORDER " ORDER BY e.updated_at DESC, e.id DESC LIMIT ? OFFSET ?"

#define CASE_NUMBER_MAX 20

/* Whose filings, in which status ("" for any), of which case ("" for any),
 * created on which days (from, to: "" for no bound). */
typedef struct filings_of {
    long long account_id, group_id;
    const char *status, *case_number, *from, *to;
} filings_of;

static apr_status_t filings_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                  long long limit, long long offset, mc_dbres **res)
{
    const filings_of *f = baton;
    if (count)
        return mc_db_query(db, p, res,
                           f->group_id ? FILINGS_COUNT FILINGS_GROUP FILINGS_FILTER
                                       : FILINGS_COUNT FILINGS_OWN FILINGS_FILTER,
                           "iissssssss", f->account_id, f->group_id, f->status, f->status,
                           f->case_number, f->case_number, f->from, f->from, f->to, f->to);
    return mc_db_query(db, p, res,
                       f->group_id ? FILINGS_SELECT FILINGS_GROUP FILINGS_FILTER FILINGS_ORDER
                                   : FILINGS_SELECT FILINGS_OWN FILINGS_FILTER FILINGS_ORDER,
                       "iissssssssii", f->account_id, f->group_id, f->status, f->status,
                       f->case_number, f->case_number, f->from, f->from, f->to, f->to, limit,
                       offset);
}

/* A day written YYYY-MM-DD (what <input type="date"> sends), 1000 to 9999. */
static int day_ok(const char *s)
{
    int i;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !apr_isdigit(s[i]))
            return 0;
    return atoi(s) >= 1000 && mc_date_ok(atoi(s), atoi(s + 5), atoi(s + 8));
}

/* One of My Filings' mistakes: its sentence, linked to field id. */
static void filter_error(mc_req *mr, const char *id, const char *text)
{
    mc_vars *row = mc_vars_row(mr->vars, "errors");
    mc_vars_set(row, "text", text);
    mc_vars_set(row, "href", apr_pstrcat(mr->r->pool, "#", id, NULL));
    mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "bad_", id, NULL), "true");
}

/* 1 (and the error said) when day, the Created <which> filter, is given and
 * is no day of the calendar; it is quoted, as a date field cannot hold it. */
static int day_filter_error(mc_req *mr, const char *id, const char *which, const char *day)
{
    if (!*day || day_ok(day))
        return 0;
    filter_error(mr, id,
                 apr_pstrcat(mr->r->pool, "Enter the Created ", which,
                             " date as a day of the calendar, year first: 2026-01-31 (not \"",
                             day, "\").", NULL));
    return 1;
}

/* The filters of the query into f (each as typed into q_*, kept for the
 * form; a day that is not one is quoted in its sentence instead, as a
 * date field cannot hold it): one that is not valid is said and not
 * applied. 0 when all are. */
static int filings_filters(mc_req *mr, filings_of *f)
{
    apr_pool_t *p = mr->r->pool;
    const char *status = mc_query(mr, "status"), *cnum = mc_query(mr, "case");
    const char *from = mc_query(mr, "from"), *to = mc_query(mr, "to");
    size_t k;
    int known = 0, bad = 0;

    status = status ? status : "";
    cnum = cnum ? mc_text_trim(p, cnum) : "";
    from = from ? mc_text_trim(p, from) : "";
    to = to ? mc_text_trim(p, to) : "";
    mc_vars_set(mr->vars, "q_status", status);
    mc_vars_set(mr->vars, "q_case", cnum);
    mc_vars_set(mr->vars, "q_from", day_ok(from) ? from : NULL);
    mc_vars_set(mr->vars, "q_to", day_ok(to) ? to : NULL);
    f->status = f->case_number = f->from = f->to = "";

    for (k = 0; k < sizeof(STATUSES) / sizeof(STATUSES[0]); k++)
        if (!strcmp(status, STATUSES[k]))
            known = 1;
    if (*status && !known)
        bad = 1, filter_error(mr, "status", "Choose a status from the list.");
    else
        f->status = status;
    if (mc_text_chars(cnum) > CASE_NUMBER_MAX || !mc_text_printable(cnum, 0))
        bad = 1, filter_error(mr, "case",
                              "Enter a case number of at most 20 characters, for example "
                              "22SL-CC01234.");
    else
        f->case_number = cnum;
    bad |= day_filter_error(mr, "from", "from", from);
    bad |= day_filter_error(mr, "to", "to", to);
    if (*from && *to && day_ok(from) && day_ok(to) && strcmp(from, to) > 0) {
        bad = 1, filter_error(mr, "to", "The Created to date is before the Created from date.");
        return bad;
    }
    if (!*from || day_ok(from))
        f->from = from;
    if (!*to || day_ok(to))
        f->to = to;
    return bad;
}

static int filings_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    mc_dbres *res;
    ef_who w;
    apr_status_t rv;
    const char *pg = mc_query(mr, "page"), *qs;
    long long want = 1;
    filings_of of;
    mc_page page = {0, 0, 0, 0, 0};
    int i, bad;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS || (rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    bad = filings_filters(mr, &of);
    if (pg) {
        const char *s = pg;
        while (apr_isdigit(*s))
            s++;
        if (*s || !*pg || strlen(pg) > 6 || (want = apr_atoi64(pg)) < 1)
            want = 1;
    }
    /* A group administrator also sees the group's members' filings (not
     * their drafts). */
    of.account_id = mr->account->id;
    of.group_id = w.group_admin && w.member_active ? w.group_id : 0;
    if ((rv = mc_page_query(db, p, want, EF_PAGE_SIZE, filings_query, &of, &page, &res)) !=
        APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {
            "", "", "", "", "caption", "", "created_at", "submitted_at", "updated_at", NULL};
        mc_vars *row = mc_vars_row(mr->vars, "filings");
        const char *number = mc_dbres_get(res, i, 1), *court = mc_dbres_get(res, i, 2);
        const char *cnum = mc_dbres_get(res, i, 3);
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "number", *number ? number : "(draft)");
        mc_vars_set(row, "court", *court ? court : "(court not chosen)");
        mc_vars_set(row, "case", *cnum ? cnum : "(new case)");
        mc_vars_set(row, "status", ef_status_label(mc_dbres_get(res, i, 5)));
        mc_vars_set(row, "status_class", ef_status_badge(mc_dbres_get(res, i, 5)));
        mc_vars_set(row, "filer",
                    mc_dbres_int(res, i, 10) == mr->account->id ? "You" : mc_dbres_get(res, i, 9));
        mc_vars_set(row, "url", ef_env_url(mr, mc_dbres_int(res, i, 0), NULL));
    }
    /* The pages' links keep the filters applied. */
    qs = apr_pstrcat(p, "/filings?status=", of.status, "&case=", mc_form_encode(p, of.case_number),
                     "&from=", of.from, "&to=", of.to, "&page=", NULL);
    mc_page_vars(mr->vars, &page, mc_url(mr, qs));
    mc_vars_set(mr->vars, "filtered",
                *of.status || *of.case_number || *of.from || *of.to ? "1" : NULL);
    mc_vars_set(mr->vars, "group_admin", of.group_id ? "1" : NULL);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/filings"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    return mc_render(mr, bad ? HTTP_BAD_REQUEST : HTTP_OK, "filings.html", "My Filings");
}

/* ---- the envelope page ---------------------------------------------------------- */

static int envelope_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    int rel, filer, rc;

    if (!(rel = ef_env_of_route(mr, &db, &e, &rc)))
        return rc;
    filer = (rel & EF_FILER) != 0;
    if (!filer && !strcmp(e.status, "draft"))
        return ef_env_not_found(mr);
    if ((rv = ef_env_show(mr, db, &e)) != APR_SUCCESS)
        return mc_fail(mr, rv);

    if ((rv = ef_env_history(mr, db, e.id, "who")) != APR_SUCCESS)
        return mc_fail(mr, rv);

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
    mc_vars_set(mr->vars, "crumb_filings_url", mc_url(mr, "/filings"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    return mc_render(mr, HTTP_OK, "envelope.html",
                     *e.number ? apr_pstrcat(p, "Envelope ", e.number, NULL) : "Draft envelope");
}

const mc_route ef_menu_routes[] = {
    {"GET", "/", MC_ACCESS_ACCOUNT, NULL, menu_page, 0},
    {"GET", "/filings", MC_ACCESS_ACCOUNT, NULL, filings_page, 0},
    {"GET", "/envelopes/:id", MC_ACCESS_ACCOUNT, NULL, envelope_page, 0},
    {NULL}};
