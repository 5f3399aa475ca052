/* search.c: Case.net's five public searches (seed 002: "Public searches —
 * litigant name, case number, filing date, scheduled hearings, and judgment
 * index — require no login and no account") and the route table of the
 * public part (the case page is in casepage.c, the rate limit and its
 * CAPTCHA in ratelimit.c, the fields' reading and checks in search_input.c).
 *
 * Each search is a GET form that shows its fields again, a clear sentence
 * (400) for bad input, "N case(s) found", pages of CT_PAGE_SIZE with
 * Previous/Next links that keep the query, and columns sorted through a
 * whitelist of ORDER BY clauses. Every statement joins mc_case and leaves
 * out confidential cases, in the counts as in the rows. Counting stops at
 * COUNT_CAP rows so a broad prefix never scans a whole table; past that the
 * page says so, and the name searches sort, by another column, only the
 * first COUNT_CAP rows in name order (what the pages can reach anyway; for
 * "sounds like", in the sound index's first-name order), so no sort reads
 * more rows than the count did. A submitted search's rows and count may
 * come from the cache of search_cache.c instead (never its page). */
#include "casetrack.h"
#include "ct_search.h"
#include "search_cache.h"

#include "apr_lib.h"

/* ---- the search home ------------------------------------------------------------ */

static int home(mc_req *mr)
{
    static const char *const searches[][3] = {
        {"/search/name", "Litigant Name",
         "Find cases by a party's last name or business name, with first and middle name, year "
         "of birth, case type, filing dates and court to narrow it."},
        {"/search/number", "Case Number",
         "Find a case by its number as it appears on court papers, for example 22SL-CC01234."},
        {"/search/date", "Filing Date", "List the cases filed in a court on a given day."},
        {"/search/hearings", "Scheduled Hearings",
         "See the hearings set in a court between two dates, by judge or location."},
        {"/search/judgments", "Judgment Index",
         "Find judgments by the name of the debtor or the creditor, and whether they are "
         "satisfied."},
    };
    size_t i;
    for (i = 0; i < sizeof(searches) / sizeof(searches[0]); i++) {
        mc_vars *row = mc_vars_row(mr->vars, "searches");
        mc_vars_set(row, "href", mc_url(mr, searches[i][0]));
        mc_vars_set(row, "label", searches[i][1]);
        mc_vars_set(row, "text", searches[i][2]);
    }
    return mc_render(mr, HTTP_OK, "search.html", "Case.net Search");
}

/* ---- 1. litigant name ------------------------------------------------------------ */

static const char NAME_FROM[] = " FROM mc_party p JOIN mc_case c ON c.id = p.case_id WHERE ";
static const char NAME_LIKE[] = "p.last_name LIKE ?";
static const char NAME_SOUNDS[] = "p.last_soundex = SOUNDEX(?)";
static const char NAME_REST[] =
    " AND (? = '' OR p.first_name LIKE ?) AND (? = '' OR p.middle_name LIKE ?) AND (? IS NULL "
    "OR p.birth_year >= ?) AND (? IS NULL OR p.birth_year <= ?) AND (? = '' OR c.case_type = ?) "
    "AND (? IS NULL OR c.filed_on >= ?) AND (? IS NULL OR c.filed_on <= ?) AND (? = '' OR "
    "c.court_code = ?) AND c.confidential = 0 AND p.case_confidential = 0";
/* Without a filter on the case, the count needs only mc_party's name
 * indexes (they hold case_confidential): no look-up of the case per match. */
static const char NAME_PARTY_FROM[] = " FROM mc_party p WHERE ";
static const char NAME_PARTY_REST[] =
    " AND (? = '' OR p.first_name LIKE ?) AND (? = '' OR p.middle_name LIKE ?) AND (? IS NULL "
    "OR p.birth_year >= ?) AND (? IS NULL OR p.birth_year <= ?) AND p.case_confidential = 0";
/* ... and without a year of birth (not in the index: naming the column at
 * all, even as "? IS NULL OR", costs a row read per match). */
static const char NAME_PARTY_REST_NO_YEAR[] =
    " AND (? = '' OR p.first_name LIKE ?) AND (? = '' OR p.middle_name LIKE ?) AND "
    "p.case_confidential = 0";

static const mc_sort_col name_sort[] = {
    {"name", "p.last_name, p.first_name, p.middle_name, p.id",
     "p.last_name DESC, p.first_name DESC, p.middle_name DESC, p.id DESC"},
    {"role", "p.role, p.last_name, p.id", "p.role DESC, p.last_name DESC, p.id DESC"},
    {"birth", "p.birth_year, p.last_name, p.id", "p.birth_year DESC, p.last_name DESC, p.id DESC"},
    {"case", "c.number, p.id", "c.number DESC, p.id DESC"},
    {"caption", "c.caption, c.number, p.id", "c.caption DESC, c.number DESC, p.id DESC"},
    {"court", "co.name, c.number, p.id", "co.name DESC, c.number DESC, p.id DESC"},
    {"filed", "c.filed_on, c.number, p.id", "c.filed_on DESC, c.number DESC, p.id DESC"},
    {NULL}};

/* The name search's count (at most COUNT_CAP + 1) into *total. */
static apr_status_t name_count(srch *s, mc_db *db, int sounds, const char *last, const char *first,
                               const char *middle, const char *yfrom, const char *yto,
                               const char *type, const char *ffrom, const char *fto,
                               const char *court, const char *fw, long long *total)
{
    mc_dbres *res;
    apr_status_t rv;
    if (!*type && !ffrom && !fto && !*court && !yfrom && !yto)
        rv = mc_db_query(db, s->p, &res,
                         srch_count_sql(s->p, apr_pstrcat(s->p, NAME_PARTY_FROM,
                                                          sounds ? NAME_SOUNDS : NAME_LIKE,
                                                          NAME_PARTY_REST_NO_YEAR, NULL)),
                         "sssss", sounds ? last : mc_sql_like(s->p, last, 0), first,
                         mc_sql_like(s->p, first, 0), middle, mc_sql_like(s->p, middle, 0));
    else if (!*type && !ffrom && !fto && !*court)
        rv = mc_db_query(db, s->p, &res,
                         srch_count_sql(s->p, apr_pstrcat(s->p, NAME_PARTY_FROM,
                                                          sounds ? NAME_SOUNDS : NAME_LIKE,
                                                          NAME_PARTY_REST, NULL)),
                         "sssssssss", sounds ? last : mc_sql_like(s->p, last, 0), first,
                         mc_sql_like(s->p, first, 0), middle, mc_sql_like(s->p, middle, 0), yfrom,
                         yfrom, yto, yto);
    else
        rv = mc_db_query(db, s->p, &res, srch_count_sql(s->p, fw), "sssssssssssssssss",
                         sounds ? last : mc_sql_like(s->p, last, 0), first,
                         mc_sql_like(s->p, first, 0), middle, mc_sql_like(s->p, middle, 0), yfrom,
                         yfrom, yto, yto, type, type, ffrom, ffrom, fto, fto, court, court);
    if (rv == APR_SUCCESS)
        *total = mc_dbres_int(res, 0, 0);
    return rv;
}

apr_status_t ct_search_name_rows(srch *s, mc_db *db, const ct_name_q *q, long long limit,
                                 long long offset, mc_dbres **res)
{
    const char *fw =
        apr_pstrcat(s->p, NAME_FROM, q->sounds ? NAME_SOUNDS : NAME_LIKE, NAME_REST, NULL);
    return mc_db_query(
        db, s->p, res,
        srch_name_page_sql(s,
                           "SELECT p.last_name, p.first_name, p.middle_name, p.kind, "
                           "p.role, COALESCE(p.birth_year, ''), c.number, c.caption, "
                           "co.name, c.filed_on",
                           "p.id", fw,
                           " JOIN mc_party p ON p.id = f.cap_id JOIN mc_case c ON c.id = "
                           "p.case_id JOIN mc_court co ON co.code = c.court_code",
                           apr_pstrcat(s->p,
                                       " FROM mc_party p JOIN mc_case c ON c.id = "
                                       "p.case_id JOIN mc_court co ON co.code = "
                                       "c.court_code WHERE ",
                                       q->sounds ? NAME_SOUNDS : NAME_LIKE, NAME_REST, NULL)),
        "sssssssssssssssssii", q->sounds ? q->last : mc_sql_like(s->p, q->last, 0), q->first,
        mc_sql_like(s->p, q->first, 0), q->middle, mc_sql_like(s->p, q->middle, 0), q->yfrom,
        q->yfrom, q->yto, q->yto, q->type, q->type, q->ffrom, q->ffrom, q->fto, q->fto, q->court,
        q->court, limit, offset);
}

static int search_name(mc_req *mr)
{
    /* last, first, middle, kind and role are put together below */
    static const char *const name_keys[] = {
        "", "", "", "", "", "birth_year", "number", "caption", "court", "filed_on", NULL};
    srch s;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv = APR_SUCCESS;
    const char *last, *first, *middle, *yfrom, *yto, *type, *ffrom, *fto, *court, *fw, *key;
    int sounds, rc, i, counted, cached;
    long long total, offset = 0;
    srch_start(&s, mr, "/search/name");
    if (!srch_open_search(&s, &db, &rc))
        return rc;
    last = ct_search_field(&s, "last", "Last Name or Business Name");
    first = ct_search_field(&s, "first", "First Name");
    middle = ct_search_field(&s, "middle", "Middle Name");
    sounds = mc_query(mr, "sounds") && !strcmp(mc_query(mr, "sounds"), "1");
    mc_vars_set(mr->vars, "q_sounds", sounds ? "1" : NULL);
    if (sounds)
        ct_search_keep(&s, "sounds", "1");
    yfrom = ct_search_year_field(&s, "birth_from", "Year of Birth from");
    yto = ct_search_year_field(&s, "birth_to", "Year of Birth to");
    if (yfrom && yto && atoi(yfrom) > atoi(yto))
        ct_search_error(
            &s, "birth_to",
            "Year of Birth: the \"to\" year is before the \"from\" year. Enter the earlier "
            "year first.");
    type = ct_search_type_field(&s, db, &rv);
    ffrom = ct_search_date_field(&s, "filed_from", "Filing Date from", 0);
    fto = ct_search_date_field(&s, "filed_to", "Filing Date to", 0);
    ct_search_range_check(&s, ffrom, fto, "filed_to", "Filing Date");
    court = rv == APR_SUCCESS ? ct_search_court_field(&s, db, 0, &rv) : "";
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    srch_pick_sort(&s, name_sort);
    if (sounds) {
        /* The sound-alike index is in first-name order within one sound:
         * the capped set is taken in that order, then sorted as asked. */
        s.first_order = "p.first_name, p.id";
        s.default_order = 0;
    }
    if (!srch_submitted(mr))
        return srch_show(&s, db, "search-name.html", "Litigant Name Search");
    if (strlen(last) < 2)
        ct_search_error(&s, "last",
                        *last
                            ? "Last Name or Business Name: enter at least 2 letters."
                            : "Enter a last name or business name (at least 2 letters) to search.");
    if (s.bad)
        return srch_show(&s, db, "search-name.html", "Litigant Name Search");
    key = ct_cache_key(&s, "rows", 10,
                       (const char *const[]){sounds ? "1" : "0", last, first, middle, yfrom, yto,
                                             type, ffrom, fto, court});
    cached = srch_from_cache(&s, db, key, &res, "case(s)");
    fw = apr_pstrcat(s.p, NAME_FROM, sounds ? NAME_SOUNDS : NAME_LIKE, NAME_REST, NULL);
    counted = s.page > 1;
    if (!cached && counted) {
        if ((rv = name_count(&s, db, sounds, last, first, middle, yfrom, yto, type, ffrom, fto,
                             court, fw, &total)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        offset = srch_paging(&s, total, "case(s)");
    }
    if (!cached) {
        ct_name_q q = {sounds, last, first, middle, yfrom, yto, type, ffrom, fto, court};
        rv = ct_search_name_rows(&s, db, &q, srch_page_limit(&s, counted), offset, &res);
    }
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!cached && !counted && !srch_page_one_whole(&s, res, "case(s)")) {
        if ((rv = name_count(&s, db, sounds, last, first, middle, yfrom, yto, type, ffrom, fto,
                             court, fw, &total)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        srch_paging(&s, total, "case(s)");
    }
    if (!cached)
        ct_cache_put(&s, key, res, s.total);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "results");
        const char *f = mc_dbres_get(res, i, 1), *m = mc_dbres_get(res, i, 2);
        char *role;
        mc_vars_set(
            row, "name",
            apr_pstrcat(s.p, mc_dbres_get(res, i, 0), *f ? ", " : "", f, *m ? " " : "", m, NULL));
        role = apr_pstrdup(s.p, mc_dbres_get(res, i, 4));
        role[0] = (char)apr_toupper(role[0]); /* "plaintiff" -> "Plaintiff" */
        mc_vars_set(row, "role", role);
        mc_vars_from(row, res, i, name_keys);
        mc_vars_set(row, "href", srch_case_href(&s, mc_dbres_get(res, i, 6)));
    }
    return srch_show(&s, db, "search-name.html", "Litigant Name Search");
}

/* ---- 2. case number --------------------------------------------------------------- */

static const mc_sort_col number_sort[] = {{"case", "c.number", "c.number DESC"}, {NULL}};

/* Cases (number, caption, court, type, filed, status) into "results". */
static void case_rows(srch *s, const mc_dbres *res)
{
    static const char *const keys[] = {"number",   "caption", "court", "case_type",
                                       "filed_on", "status",  NULL};
    int i;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(s->mr->vars, "results");
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "status_class", ct_label(&ct_case_badges, mc_dbres_get(res, i, 5)));
        mc_vars_set(row, "href", srch_case_href(s, mc_dbres_get(res, i, 0)));
    }
}

static const char CASE_SELECT[] =
    "SELECT c.number, c.caption, co.name, t.name, c.filed_on, c.status";
static const char CASE_JOIN[] = " FROM mc_case c JOIN mc_court co ON co.code = c.court_code JOIN "
                                "mc_case_type t ON t.code = c.case_type WHERE ";

static const char NUMBER_WHERE[] =
    "c.number = ? AND (? = '' OR c.court_code = ?) AND c.confidential = 0";

apr_status_t ct_search_number_rows(srch *s, mc_db *db, const char *number, const char *court,
                                   long long limit, long long offset, mc_dbres **res)
{
    return mc_db_query(db, s->p, res,
                       srch_page_sql(s->p, CASE_SELECT,
                                     apr_pstrcat(s->p, CASE_JOIN, NUMBER_WHERE, NULL), s->order),
                       "sssii", number, court, court, limit, offset);
}

static int search_number(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv = APR_SUCCESS;
    const char *typed, *number = NULL, *court, *key;
    int rc;
    long long total, offset;
    srch_start(&s, mr, "/search/number");
    if (!srch_open_search(&s, &db, &rc))
        return rc;
    typed = ct_search_field(&s, "number", "Case Number");
    court = ct_search_court_field(&s, db, 0, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    srch_pick_sort(&s, number_sort);
    if (!srch_submitted(mr))
        return srch_show(&s, db, "search-number.html", "Case Number Search");
    number = ct_search_number_check(&s, typed);
    if (s.bad)
        return srch_show(&s, db, "search-number.html", "Case Number Search");
    key = ct_cache_key(&s, "rows", 2, (const char *const[]){number, court});
    if (srch_from_cache(&s, db, key, &res, "case(s)")) {
        case_rows(&s, res);
        return srch_show(&s, db, "search-number.html", "Case Number Search");
    }
    rv = mc_db_query(db, s.p, &res,
                     srch_count_sql(s.p, apr_pstrcat(s.p, CASE_JOIN, NUMBER_WHERE, NULL)), "sss",
                     number, court, court);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    total = mc_dbres_int(res, 0, 0);
    offset = srch_paging(&s, total, "case(s)");
    rv = ct_search_number_rows(&s, db, number, court, CT_PAGE_SIZE, offset, &res);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    ct_cache_put(&s, key, res, s.total);
    case_rows(&s, res);
    return srch_show(&s, db, "search-number.html", "Case Number Search");
}

/* ---- 3. filing date ----------------------------------------------------------------- */

static const mc_sort_col date_sort[] = {
    {"case", "c.number", "c.number DESC"},
    {"caption", "c.caption, c.number", "c.caption DESC, c.number DESC"},
    {"type", "t.name, c.number", "t.name DESC, c.number DESC"},
    {"status", "c.status, c.number", "c.status DESC, c.number DESC"},
    {NULL}};

static const char DATE_WHERE[] =
    "c.court_code = ? AND c.filed_on = ? AND (? = '' OR c.case_type = ?) AND c.confidential = 0";

apr_status_t ct_search_date_rows(srch *s, mc_db *db, const char *court, const char *date,
                                 const char *type, long long limit, long long offset,
                                 mc_dbres **res)
{
    return mc_db_query(
        db, s->p, res,
        srch_page_sql(s->p, CASE_SELECT, apr_pstrcat(s->p, CASE_JOIN, DATE_WHERE, NULL), s->order),
        "ssssii", court, date, type, type, limit, offset);
}

static int search_date(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res = NULL, *cres;
    apr_status_t rv = APR_SUCCESS;
    const char *court, *date, *type, *fw, *key;
    int rc, counted, cached;
    long long offset = 0;
    srch_start(&s, mr, "/search/date");
    if (!srch_open_search(&s, &db, &rc))
        return rc;
    court = ct_search_court_field(&s, db, srch_submitted(mr), &rv);
    date = rv == APR_SUCCESS ? ct_search_date_field(&s, "date", "Filing Date", srch_submitted(mr))
                             : NULL;
    type = rv == APR_SUCCESS ? ct_search_type_field(&s, db, &rv) : "";
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    srch_pick_sort(&s, date_sort);
    if (!srch_submitted(mr) || s.bad)
        return srch_show(&s, db, "search-date.html", "Filing Date Search");
    fw = apr_pstrcat(s.p, CASE_JOIN, DATE_WHERE, NULL);
    key = ct_cache_key(&s, "rows", 3, (const char *const[]){court, date, type});
    cached = srch_from_cache(&s, db, key, &res, "case(s)");
    /* Page 1: its rows first (one more than a page), then the count only
     * when they are not the whole result. A later page: the count first
     * (it clamps the page), then the rows. */
    for (counted = cached ? 2 : s.page > 1; counted < 2; counted++) {
        if (counted) {
            rv = mc_db_query(db, s.p, &cres, srch_count_sql(s.p, fw), "ssss", court, date, type,
                             type);
            if (rv != APR_SUCCESS)
                return mc_fail(mr, rv);
            offset = srch_paging(&s, mc_dbres_int(cres, 0, 0), "case(s)");
            if (res) /* page 1's rows, fetched already */
                break;
        }
        rv = ct_search_date_rows(&s, db, court, date, type, srch_page_limit(&s, counted), offset,
                                 &res);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (counted || srch_page_one_whole(&s, res, "case(s)"))
            break;
    }
    if (!cached)
        ct_cache_put(&s, key, res, s.total);
    case_rows(&s, res);
    return srch_show(&s, db, "search-date.html", "Filing Date Search");
}

/* ---- 4. scheduled hearings ------------------------------------------------------------ */

static const char HEARING_FROM[] =
    " FROM mc_hearing h LEFT JOIN mc_judge j ON j.id = COALESCE(h.judge_id, h.case_judge_id) "
    "WHERE h.court_code = ? AND h.case_confidential = 0 AND h.hearing_at >= ? AND "
    "h.hearing_at < DATE_ADD(?, INTERVAL 1 DAY) AND (? = '' OR j.name LIKE ?) "
    "AND (? = '' OR h.location LIKE ?)";

/* The page of hearings: the page's ids first, from the index (court_code,
 * case_confidential, hearing_at, case_number, judge_id, case_judge_id,
 * location) alone, the hearing's copies of its case's court, number, flag
 * and judge (sql/casetrack/0005_hearing_case_copies.sql); then only those
 * rows read in full, with their cases. The same rows in the same order
 * as one statement (every order ends in h.id). tests/integration/test_perf_plans.py reads these. */
static const char HEARING_PAGE_IDS[] = "SELECT h.id";
static const char HEARING_PAGE_ROWS[] =
    " LIMIT ? OFFSET ?) p JOIN mc_hearing h ON h.id = p.id JOIN mc_case c ON c.id = h.case_id "
    "LEFT JOIN mc_judge j ON j.id = COALESCE(h.judge_id, h.case_judge_id) ORDER BY ";
static const char HEARING_SELECT[] =
    "SELECT DATE_FORMAT(h.hearing_at, '%Y-%m-%d %H:%i'), c.number, c.caption, h.hearing_type, "
    "h.location, COALESCE(j.name, '') FROM (";

static const mc_sort_col hearing_sort[] = {
    {"when", "h.hearing_at, h.case_number, h.id",
     "h.hearing_at DESC, h.case_number DESC, h.id DESC"},
    {"case", "h.case_number, h.hearing_at, h.id",
     "h.case_number DESC, h.hearing_at DESC, h.id DESC"},
    {"type", "h.hearing_type, h.hearing_at, h.id",
     "h.hearing_type DESC, h.hearing_at DESC, h.id DESC"},
    {"location", "h.location, h.hearing_at, h.id", "h.location DESC, h.hearing_at DESC, h.id DESC"},
    {"judge", "j.name, h.hearing_at, h.id", "j.name DESC, h.hearing_at DESC, h.id DESC"},
    {NULL}};

apr_status_t ct_search_hearing_rows(srch *s, mc_db *db, const char *court, const char *from,
                                    const char *to, const char *judge, const char *loc,
                                    long long limit, long long offset, mc_dbres **res)
{
    return mc_db_query(db, s->p, res,
                       apr_pstrcat(s->p, HEARING_SELECT, HEARING_PAGE_IDS, HEARING_FROM,
                                   " ORDER BY ", s->order, HEARING_PAGE_ROWS, s->order, NULL),
                       "sssssssii", court, from, to, judge, mc_sql_like(s->p, judge, 1), loc,
                       mc_sql_like(s->p, loc, 0), limit, offset);
}

static int search_hearings(mc_req *mr)
{
    static const char *const hearing_keys[] = {"when",     "number", "caption", "hearing_type",
                                               "location", "judge",  NULL};
    srch s;
    mc_db *db;
    mc_dbres *res, *cres;
    apr_status_t rv = APR_SUCCESS;
    const char *court, *from, *to, *judge, *loc, *key;
    int rc, i, counted, cached;
    long long offset = 0;
    srch_start(&s, mr, "/search/hearings");
    if (!srch_open_search(&s, &db, &rc))
        return rc;
    court = ct_search_court_field(&s, db, srch_submitted(mr), &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    from = ct_search_date_field(&s, "from", "Hearing Date from", srch_submitted(mr));
    to = ct_search_date_field(&s, "to", "Hearing Date to", srch_submitted(mr));
    ct_search_range_check(&s, from, to, "to", "Hearing Date");
    ct_search_days_check(&s, from, to);
    judge = ct_search_field(&s, "judge", "Judge");
    loc = ct_search_field(&s, "location", "Location");
    srch_pick_sort(&s, hearing_sort);
    if (*court) { /* the court's judges, offered as the Judge field's choices */
        long long n;
        key = ct_cache_key(&s, "judges", 1, &court);
        if (!ct_cache_get(&s, db, key, &res, &n)) {
            rv = mc_db_query(
                db, s.p, &res,
                "SELECT name FROM mc_judge WHERE court_code = ? ORDER BY name LIMIT 500", "s",
                court);
            if (rv != APR_SUCCESS)
                return mc_fail(mr, rv);
            ct_cache_put(&s, key, res, 0);
        }
        for (i = 0; i < res->nrows; i++)
            mc_vars_set(mc_vars_row(mr->vars, "judges"), "name", mc_dbres_get(res, i, 0));
    }
    if (!srch_submitted(mr) || s.bad)
        return srch_show(&s, db, "search-hearings.html", "Scheduled Hearings Search");
    key = ct_cache_key(&s, "rows", 5, (const char *const[]){court, from, to, judge, loc});
    res = NULL; /* the loop: see search_date */
    cached = srch_from_cache(&s, db, key, &res, "hearing(s)");
    for (counted = cached ? 2 : s.page > 1; counted < 2; counted++) {
        if (counted) {
            rv = mc_db_query(db, s.p, &cres, srch_count_sql(s.p, HEARING_FROM), "sssssss", court,
                             from, to, judge, mc_sql_like(s.p, judge, 1), loc,
                             mc_sql_like(s.p, loc, 0));
            if (rv != APR_SUCCESS)
                return mc_fail(mr, rv);
            offset = srch_paging(&s, mc_dbres_int(cres, 0, 0), "hearing(s)");
            if (res)
                break;
        }
        rv = ct_search_hearing_rows(&s, db, court, from, to, judge, loc,
                                    srch_page_limit(&s, counted), offset, &res);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (counted || srch_page_one_whole(&s, res, "hearing(s)"))
            break;
    }
    if (!cached)
        ct_cache_put(&s, key, res, s.total);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "results");
        mc_vars_from(row, res, i, hearing_keys);
        mc_vars_set(row, "href", srch_case_href(&s, mc_dbres_get(res, i, 1)));
    }
    return srch_show(&s, db, "search-hearings.html", "Scheduled Hearings Search");
}

/* ---- 5. judgment index ----------------------------------------------------------------- */

static const char JUDGMENT_FROM[] = " FROM mc_judgment g JOIN mc_case c ON c.id = g.case_id WHERE ";
static const char JUDGMENT_DEBTOR[] = "g.debtor LIKE ?";
static const char JUDGMENT_CREDITOR[] = "g.creditor LIKE ?";
static const char JUDGMENT_REST[] =
    " AND (? IS NULL OR g.entered_on >= ?) AND (? IS NULL OR g.entered_on <= ?) AND (? = '' OR "
    "c.court_code = ?) AND (? = -1 OR g.satisfied = ?) AND c.confidential = 0";

static const mc_sort_col judgment_sort[] = {
    {"name", NULL, NULL}, /* the searched name: set per request */
    {"debtor", "g.debtor, g.entered_on, g.id", "g.debtor DESC, g.entered_on DESC, g.id DESC"},
    {"creditor", "g.creditor, g.entered_on, g.id", "g.creditor DESC, g.entered_on DESC, g.id DESC"},
    {"amount", "g.amount, g.id", "g.amount DESC, g.id DESC"},
    {"entered", "g.entered_on, g.id", "g.entered_on DESC, g.id DESC"},
    {"satisfied", "g.satisfied, g.entered_on, g.id",
     "g.satisfied DESC, g.entered_on DESC, g.id DESC"},
    {"case", "c.number, g.id", "c.number DESC, g.id DESC"},
    {NULL}};

apr_status_t ct_search_judgment_rows(srch *s, mc_db *db, const ct_judgment_q *q, long long limit,
                                     long long offset, mc_dbres **res)
{
    const char *fw =
        apr_pstrcat(s->p, JUDGMENT_FROM, q->creditor ? JUDGMENT_CREDITOR : JUDGMENT_DEBTOR,
                    JUDGMENT_REST, NULL);
    return mc_db_query(db, s->p, res,
                       srch_name_page_sql(s,
                                          "SELECT g.debtor, g.creditor, g.amount, g.entered_on, "
                                          "g.satisfied, c.number, c.caption",
                                          "g.id", fw,
                                          " JOIN mc_judgment g ON g.id = f.cap_id JOIN mc_case c "
                                          "ON c.id = g.case_id",
                                          fw),
                       "sssssssiiii", mc_sql_like(s->p, q->name, 0), q->from, q->from, q->to, q->to,
                       q->court, q->court, q->satisfied, q->satisfied, limit, offset);
}

static int search_judgments(mc_req *mr)
{
    /* amount and satisfied are shown in words below */
    static const char *const judgment_keys[] = {"debtor", "creditor", "",        "entered_on",
                                                "",       "number",   "caption", NULL};
    srch s;
    mc_db *db;
    mc_dbres *res = NULL, *cres;
    apr_status_t rv = APR_SUCCESS;
    const char *name, *party, *from, *to, *court, *sat, *fw, *key;
    mc_sort_col cols[sizeof(judgment_sort) / sizeof(judgment_sort[0])];
    long long satisfied = -1, offset = 0;
    int creditor, rc, i, counted, cached;
    srch_start(&s, mr, "/search/judgments");
    if (!srch_open_search(&s, &db, &rc))
        return rc;
    name = ct_search_field(&s, "name", "Name");
    party = ct_search_field(&s, "party", "Search by");
    creditor = !strcmp(party, "creditor");
    if (*party && !creditor && strcmp(party, "debtor"))
        ct_search_error(&s, "party_debtor", "Search by: choose Debtor or Creditor.");
    mc_vars_set(mr->vars, "q_party", creditor ? "creditor" : "debtor");
    from = ct_search_date_field(&s, "from", "Date Entered from", 0);
    to = ct_search_date_field(&s, "to", "Date Entered to", 0);
    ct_search_range_check(&s, from, to, "to", "Date Entered");
    court = ct_search_court_field(&s, db, 0, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    sat = ct_search_field(&s, "satisfied", "Satisfied");
    if (!strcmp(sat, "yes"))
        satisfied = 1;
    else if (!strcmp(sat, "no"))
        satisfied = 0;
    else if (*sat && strcmp(sat, "any"))
        ct_search_error(&s, "satisfied", "Satisfied: choose Any, Yes or No.");
    memcpy(cols, judgment_sort, sizeof(cols));
    cols[0] = creditor ? judgment_sort[2] : judgment_sort[1];
    cols[0].key = "name";
    srch_pick_sort(&s, cols);
    if (!srch_submitted(mr))
        return srch_show(&s, db, "search-judgments.html", "Judgment Index Search");
    if (strlen(name) < 2)
        ct_search_error(
            &s, "name",
            *name ? "Name: enter at least 2 letters."
                  : "Enter a debtor's or creditor's name (at least 2 letters) to search.");
    if (s.bad)
        return srch_show(&s, db, "search-judgments.html", "Judgment Index Search");
    fw = apr_pstrcat(s.p, JUDGMENT_FROM, creditor ? JUDGMENT_CREDITOR : JUDGMENT_DEBTOR,
                     JUDGMENT_REST, NULL);
    key = ct_cache_key(&s, "rows", 6,
                       (const char *const[]){creditor ? "c" : "d", name, from, to, court, sat});
    cached = srch_from_cache(&s, db, key, &res, "judgment(s)");
    for (counted = cached ? 2 : s.page > 1; counted < 2; counted++) { /* see search_date */
        if (counted) {
            rv = mc_db_query(db, s.p, &cres, srch_count_sql(s.p, fw), "sssssssii",
                             mc_sql_like(s.p, name, 0), from, from, to, to, court, court, satisfied,
                             satisfied);
            if (rv != APR_SUCCESS)
                return mc_fail(mr, rv);
            offset = srch_paging(&s, mc_dbres_int(cres, 0, 0), "judgment(s)");
            if (res)
                break;
        }
        ct_judgment_q q = {creditor, name, from, to, court, satisfied};
        rv = ct_search_judgment_rows(&s, db, &q, srch_page_limit(&s, counted), offset, &res);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (counted || srch_page_one_whole(&s, res, "judgment(s)"))
            break;
    }
    if (!cached)
        ct_cache_put(&s, key, res, s.total);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "results");
        mc_vars_from(row, res, i, judgment_keys);
        mc_vars_set(row, "amount", apr_pstrcat(s.p, "$", mc_dbres_get(res, i, 2), NULL));
        mc_vars_set(row, "satisfied", srch_yes_no(mc_dbres_get(res, i, 4)));
        mc_vars_set(row, "href", srch_case_href(&s, mc_dbres_get(res, i, 5)));
    }
    return srch_show(&s, db, "search-judgments.html", "Judgment Index Search");
}

/* ---- the API's order (api_search.c) ------------------------------------------------------- */

void ct_search_api_begin(srch *s, mc_req *mr, const char *path, int variant)
{
    memset(s, 0, sizeof(*s));
    s->mr = mr;
    s->p = mr->r->pool;
    s->path = path;
    s->qs = "";
    s->default_order = 1;
    if (!strcmp(path, "/search/name")) {
        s->order = s->first_order = name_sort[0].asc;
        if (variant) { /* sounds like: see search_name */
            s->first_order = "p.first_name, p.id";
            s->default_order = 0;
        }
    }
    else if (!strcmp(path, "/search/hearings"))
        s->order = s->first_order = hearing_sort[0].asc;
    else if (!strcmp(path, "/search/judgments"))
        s->order = s->first_order = judgment_sort[variant ? 2 : 1].asc;
    else
        s->order = s->first_order = number_sort[0].asc;
}

/* ---- routes ------------------------------------------------------------------------------ */

const mc_route ct_search_routes[] = {
    {"GET", "/", MC_ACCESS_ANON, NULL, home, 0},
    {"GET", "/search/name", MC_ACCESS_ANON, NULL, search_name, 0},
    {"GET", "/search/number", MC_ACCESS_ANON, NULL, search_number, 0},
    {"GET", "/search/date", MC_ACCESS_ANON, NULL, search_date, 0},
    {"GET", "/search/hearings", MC_ACCESS_ANON, NULL, search_hearings, 0},
    {"GET", "/search/judgments", MC_ACCESS_ANON, NULL, search_judgments, 0},
    {"GET", "/case/:number", MC_ACCESS_ANON, NULL, ct_case_page, 0},
    {"GET", "/captcha", MC_ACCESS_ANON, NULL, ct_captcha_get, 0},
    {"GET", "/captcha/image", MC_ACCESS_ANON, NULL, ct_captcha_image, 0},
    {"POST", "/captcha", MC_ACCESS_ANON, NULL, ct_captcha_post, 0},
    {NULL}};
