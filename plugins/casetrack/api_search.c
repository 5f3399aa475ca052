/* api_search.c: the JSON API's Case.net searches and case (scope
 * casenet:read; see api.h). The fields, their checks and the statements
 * are the pages' (search_input.c, ct_search.h's row functions, the case
 * page's sections): a field the page would refuse is 422 with the same
 * sentence, a confidential case is never found. The rows come in the
 * pages' default order; ?cursor and ?limit page them. */
#include "api.h"
#include "ct_search.h"
#include "search_cache.h"

#include "apr_hash.h"

json_t *ct_json_str(const char *s)
{
    return json_string(s ? s : "");
}

int ct_api_send_page(mc_req *mr, json_t *items, int more, long long offset, int limit)
{
    return mc_api_send(mr, HTTP_OK, mc_api_list(mr, items, more ? offset + limit : 0));
}

/* The first mistake of s as 422 problem+json, naming the query field. */
static int refuse(mc_req *mr, const srch *s)
{
    return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field",
                                s->err_field ? s->err_field : "query", s->err_why);
}

/* A search's start: the page of the list (offset *after, *limit rows) and
 * the database. OK, or the answer. */
static int begin(mc_req *mr, mc_db **db, long long *after, int *limit)
{
    int rc = mc_api_page(mr, after, limit);
    apr_status_t rv;
    if (rc != OK)
        return rc;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return OK;
}

/* A yes/no query field (true, false; empty: dflt) into *on. */
static void flag_field(srch *s, const char *name, int dflt, int *on)
{
    const char *v = ct_search_field(s, name, name);
    *on = dflt;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        *on = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "0"))
        *on = 0;
    else if (*v)
        ct_search_error(s, name, apr_pstrcat(s->p, name, ": true or false.", NULL));
}

/* The rows (asked for with one more than limit) as the list answer. */
static int send_rows(mc_req *mr, mc_dbres *res, long long after, int limit,
                     json_t *(*item)(const mc_dbres *res, int i))
{
    json_t *items = json_array();
    int i, more = res->nrows > limit;
    for (i = 0; i < res->nrows && i < limit; i++)
        json_array_append_new(items, item(res, i));
    return ct_api_send_page(mr, items, more, after, limit);
}

/* ---- litigant name ------------------------------------------------------------- */

static json_t *name_item(const mc_dbres *res, int i)
{
    const char *year = mc_dbres_get(res, i, 5);
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "last_name",
        ct_json_str(mc_dbres_get(res, i, 0)), "first_name", ct_json_str(mc_dbres_get(res, i, 1)),
        "middle_name", ct_json_str(mc_dbres_get(res, i, 2)), "kind",
        ct_json_str(mc_dbres_get(res, i, 3)), "role", ct_json_str(mc_dbres_get(res, i, 4)),
        "birth_year", year && *year ? json_integer(atoi(year)) : json_null(), "case_number",
        ct_json_str(mc_dbres_get(res, i, 6)), "caption", ct_json_str(mc_dbres_get(res, i, 7)),
        "court", ct_json_str(mc_dbres_get(res, i, 8)), "filed_on",
        ct_json_str(mc_dbres_get(res, i, 9)));
}

int ct_api_search_name(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    ct_name_q q;
    const char *key;
    long long after, total;
    int limit, rc, sounds;
    apr_status_t rv = APR_SUCCESS;
    if ((rc = begin(mr, &db, &after, &limit)) != OK)
        return rc;
    /* "Sounds like" has an order of its own: known first, then begun again. */
    ct_search_api_begin(&s, mr, "/search/name", 0);
    flag_field(&s, "sounds", 0, &sounds);
    ct_search_api_begin(&s, mr, "/search/name", sounds);
    flag_field(&s, "sounds", 0, &q.sounds);
    q.last = ct_search_field(&s, "last", "Last Name or Business Name");
    q.first = ct_search_field(&s, "first", "First Name");
    q.middle = ct_search_field(&s, "middle", "Middle Name");
    q.yfrom = ct_search_year_field(&s, "birth_from", "Year of Birth from");
    q.yto = ct_search_year_field(&s, "birth_to", "Year of Birth to");
    if (q.yfrom && q.yto && atoi(q.yfrom) > atoi(q.yto))
        ct_search_error(&s, "birth_to",
                        "Year of Birth: the \"to\" year is before the \"from\" year. Enter the "
                        "earlier year first.");
    q.type = ct_search_type_field(&s, db, &rv);
    q.ffrom = ct_search_date_field(&s, "filed_from", "Filing Date from", 0);
    q.fto = ct_search_date_field(&s, "filed_to", "Filing Date to", 0);
    ct_search_range_check(&s, q.ffrom, q.fto, "filed_to", "Filing Date");
    q.court = rv == APR_SUCCESS ? ct_search_court_field(&s, db, 0, &rv) : "";
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (strlen(q.last) < 2)
        ct_search_error(&s, "last",
                        *q.last ? "Last Name or Business Name: enter at least 2 letters."
                                : "Enter a last name or business name (at least 2 letters) to "
                                  "search.");
    if (s.bad)
        return refuse(mr, &s);
    /* "Sounds like" sorts its first COUNT_CAP matches: no page past them. */
    if (q.sounds && after >= COUNT_CAP)
        return send_rows(mr, &(mc_dbres){0}, after, limit, name_item);
    /* The pages' per-process cache (search_cache.c), under keys of the
     * API's own: its rows are a cursor's, limit + 1 of them. */
    key = ct_cache_key(&s, "api-rows", 12,
                       (const char *const[]){q.sounds ? "1" : "0", q.last, q.first, q.middle,
                                             q.yfrom, q.yto, q.type, q.ffrom, q.fto, q.court,
                                             apr_psprintf(s.p, "%" APR_INT64_T_FMT,
                                                          (apr_int64_t)after),
                                             apr_itoa(s.p, limit)});
    if (!ct_cache_get(&s, db, key, &res, &total)) {
        if ((rv = ct_search_name_rows(&s, db, &q, limit + 1, after, &res)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        ct_cache_put(&s, key, res, 0);
    }
    return send_rows(mr, res, after, limit, name_item);
}

/* ---- case number and filing date ----------------------------------------------- */

static json_t *case_item(const mc_dbres *res, int i)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o}", "case_number", ct_json_str(mc_dbres_get(res, i, 0)),
        "caption", ct_json_str(mc_dbres_get(res, i, 1)), "court",
        ct_json_str(mc_dbres_get(res, i, 2)), "case_type", ct_json_str(mc_dbres_get(res, i, 3)),
        "filed_on", ct_json_str(mc_dbres_get(res, i, 4)), "status",
        ct_json_str(mc_dbres_get(res, i, 5)));
}

int ct_api_search_number(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    const char *typed, *number = NULL, *court;
    long long after;
    int limit, rc;
    apr_status_t rv = APR_SUCCESS;
    if ((rc = begin(mr, &db, &after, &limit)) != OK)
        return rc;
    ct_search_api_begin(&s, mr, "/search/number", 0);
    typed = ct_search_field(&s, "number", "Case Number");
    court = ct_search_court_field(&s, db, 0, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    number = ct_search_number_check(&s, typed);
    if (s.bad)
        return refuse(mr, &s);
    if ((rv = ct_search_number_rows(&s, db, number, court, limit + 1, after, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return send_rows(mr, res, after, limit, case_item);
}

int ct_api_search_date(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    const char *court, *date = NULL, *type = "";
    long long after;
    int limit, rc;
    apr_status_t rv = APR_SUCCESS;
    if ((rc = begin(mr, &db, &after, &limit)) != OK)
        return rc;
    ct_search_api_begin(&s, mr, "/search/date", 0);
    court = ct_search_court_field(&s, db, 1, &rv);
    if (rv == APR_SUCCESS)
        date = ct_search_date_field(&s, "date", "Filing Date", 1);
    if (rv == APR_SUCCESS)
        type = ct_search_type_field(&s, db, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (s.bad)
        return refuse(mr, &s);
    if ((rv = ct_search_date_rows(&s, db, court, date, type, limit + 1, after, &res)) !=
        APR_SUCCESS)
        return mc_fail(mr, rv);
    return send_rows(mr, res, after, limit, case_item);
}

/* ---- scheduled hearings --------------------------------------------------------- */

static json_t *hearing_item(const mc_dbres *res, int i)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o}", "at", ct_json_str(mc_dbres_get(res, i, 0)), "case_number",
        ct_json_str(mc_dbres_get(res, i, 1)), "caption", ct_json_str(mc_dbres_get(res, i, 2)),
        "hearing_type", ct_json_str(mc_dbres_get(res, i, 3)), "location",
        ct_json_str(mc_dbres_get(res, i, 4)), "judge", ct_json_str(mc_dbres_get(res, i, 5)));
}

int ct_api_search_hearings(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    const char *court, *from, *to, *judge, *loc;
    long long after;
    int limit, rc;
    apr_status_t rv = APR_SUCCESS;
    if ((rc = begin(mr, &db, &after, &limit)) != OK)
        return rc;
    ct_search_api_begin(&s, mr, "/search/hearings", 0);
    court = ct_search_court_field(&s, db, 1, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    from = ct_search_date_field(&s, "from", "Hearing Date from", 1);
    to = ct_search_date_field(&s, "to", "Hearing Date to", 1);
    ct_search_range_check(&s, from, to, "to", "Hearing Date");
    ct_search_days_check(&s, from, to);
    judge = ct_search_field(&s, "judge", "Judge");
    loc = ct_search_field(&s, "location", "Location");
    if (s.bad)
        return refuse(mr, &s);
    if ((rv = ct_search_hearing_rows(&s, db, court, from, to, judge, loc, limit + 1, after,
                                     &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return send_rows(mr, res, after, limit, hearing_item);
}

/* ---- judgment index -------------------------------------------------------------- */

static json_t *judgment_item(const mc_dbres *res, int i)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:b, s:o, s:o}", "debtor", ct_json_str(mc_dbres_get(res, i, 0)),
        "creditor", ct_json_str(mc_dbres_get(res, i, 1)), "amount",
        ct_json_str(mc_dbres_get(res, i, 2)), "entered_on", ct_json_str(mc_dbres_get(res, i, 3)),
        "satisfied", (int)mc_dbres_int(res, i, 4), "case_number",
        ct_json_str(mc_dbres_get(res, i, 5)), "caption", ct_json_str(mc_dbres_get(res, i, 6)));
}

int ct_api_search_judgments(mc_req *mr)
{
    srch s;
    mc_db *db;
    mc_dbres *res;
    ct_judgment_q q;
    const char *party, *sat;
    long long after;
    int limit, rc;
    apr_status_t rv = APR_SUCCESS;
    if ((rc = begin(mr, &db, &after, &limit)) != OK)
        return rc;
    party = mc_query(mr, "party") ? mc_query(mr, "party") : "";
    q.creditor = !strcmp(party, "creditor");
    ct_search_api_begin(&s, mr, "/search/judgments", q.creditor); /* its order: the name's */
    if (*party && !q.creditor && strcmp(party, "debtor"))
        ct_search_error(&s, "party", "Search by: choose debtor or creditor.");
    q.name = ct_search_field(&s, "name", "Name");
    q.from = ct_search_date_field(&s, "from", "Date Entered from", 0);
    q.to = ct_search_date_field(&s, "to", "Date Entered to", 0);
    ct_search_range_check(&s, q.from, q.to, "to", "Date Entered");
    q.court = ct_search_court_field(&s, db, 0, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    sat = ct_search_field(&s, "satisfied", "Satisfied");
    q.satisfied = !strcmp(sat, "yes") ? 1 : !strcmp(sat, "no") ? 0 : -1;
    if (*sat && strcmp(sat, "yes") && strcmp(sat, "no") && strcmp(sat, "any"))
        ct_search_error(&s, "satisfied", "Satisfied: choose any, yes or no.");
    if (strlen(q.name) < 2)
        ct_search_error(&s, "name",
                        *q.name ? "Name: enter at least 2 letters."
                                : "Enter a debtor's or creditor's name (at least 2 letters) to "
                                  "search.");
    if (s.bad)
        return refuse(mr, &s);
    if ((rv = ct_search_judgment_rows(&s, db, &q, limit + 1, after, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return send_rows(mr, res, after, limit, judgment_item);
}

/* ---- one case ---------------------------------------------------------------------- */

/* The rows of section sec as objects with keys (NULL-ended; a key starting
 * with '#' is a whole number, '?' a yes/no from "Yes", '$' an amount
 * without its '$', '-' skipped). */
static json_t *section_json(const mc_dbres *res, const char *const *keys)
{
    json_t *a = json_array();
    int i, k;
    for (i = 0; i < res->nrows; i++) {
        json_t *o = json_object();
        for (k = 0; keys[k]; k++) {
            const char *v = mc_dbres_get(res, i, k), *key = keys[k] + 1;
            switch (keys[k][0]) {
            case '#':
                json_object_set_new(o, key, v && *v ? json_integer(apr_atoi64(v)) : json_null());
                break;
            case '?':
                json_object_set_new(o, key, json_boolean(v && !strcmp(v, "Yes")));
                break;
            case '$':
                json_object_set_new(o, key, ct_json_str(v && *v == '$' ? v + 1 : v));
                break;
            case '-':
                break;
            default:
                json_object_set_new(o, keys[k], ct_json_str(v));
            }
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* Each entry of docket (objects with "id") gets its "kind", as the alert
 * filters name it (MC_CASE_ENTRY_KIND). */
static apr_status_t docket_kinds(mc_db *db, apr_pool_t *p, long long case_id, json_t *docket)
{
    mc_dbres *res;
    apr_hash_t *kinds = apr_hash_make(p);
    json_t *e;
    size_t k;
    int i;
    apr_status_t rv = mc_db_query(
        db, p, &res, "SELECT id, " MC_CASE_ENTRY_KIND " FROM mc_docket WHERE case_id = ?", "i",
        case_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        apr_hash_set(kinds, mc_dbres_get(res, i, 0), APR_HASH_KEY_STRING, mc_dbres_get(res, i, 1));
    json_array_foreach(docket, k, e)
    {
        const char *kind =
            apr_hash_get(kinds,
                         apr_psprintf(p, "%" APR_INT64_T_FMT,
                                      (apr_int64_t)json_integer_value(json_object_get(e, "id"))),
                         APR_HASH_KEY_STRING);
        json_object_set_new(e, "kind", ct_json_str(kind ? kind : "other"));
    }
    return APR_SUCCESS;
}

int ct_api_case(mc_req *mr)
{
    static const char *const keys[CT_SECS][8] = {
        {"name", "role", "city", "#birth_year", NULL},
        {"name", "bar_number", "firm", "for_party", NULL},
        {"date", "type", "text", "filed_by", "#id", NULL},
        {"at", "hearing_type", "location", "judge", NULL},
        {"debtor", "creditor", "$amount", "entered_on", "?satisfied", NULL}};
    static const char *const names[CT_SECS] = {"parties", "attorneys", "docket", "hearings",
                                               "judgments"};
    apr_pool_t *p = mr->r->pool;
    const char *typed = apr_table_get(mr->params, "number"), *number;
    ct_case c;
    mc_db *db;
    mc_dbres *res;
    json_t *o;
    apr_status_t rv;
    int found = 0, i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (typed && ct_case_number_ok(p, typed, &number) &&
        (rv = ct_case_find(mr, db, number, 0, 1, &c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                              "There is no case with that number that you can see.");
    o = json_pack("{s:o, s:o, s:{s:o, s:o}, s:{s:o, s:o}, s:o, s:o, s:o, s:o}", "case_number",
                  ct_json_str(c.number), "caption", ct_json_str(c.caption), "court", "code",
                  ct_json_str(c.court_code), "name", ct_json_str(c.court_name), "case_type", "code",
                  ct_json_str(c.case_type), "name", ct_json_str(c.case_type_name), "filed_on",
                  ct_json_str(c.filed_on), "status", ct_json_str(c.status), "judge",
                  *c.judge ? json_string(c.judge) : json_null(), "last_activity",
                  ct_json_str(c.last_activity));
    for (i = 0; i < CT_SECS; i++) {
        if ((rv = ct_section_rows(db, p, c.id, &ct_case_sections[i], &res)) != APR_SUCCESS) {
            json_decref(o);
            return mc_fail(mr, rv);
        }
        json_object_set_new(o, names[i], section_json(res, keys[i]));
    }
    if ((rv = docket_kinds(db, p, c.id, json_object_get(o, "docket"))) != APR_SUCCESS) {
        json_decref(o);
        return mc_fail(mr, rv);
    }
    return mc_api_send(mr, HTTP_OK, o);
}
