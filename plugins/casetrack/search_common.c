/* search_common.c: what Case.net's five searches share (search.c): the
 * request's start, paging and sorting, the count and page statements'
 * shapes, the cache, the form page. See ct_search.h. */
#include "casetrack.h"
#include "ct_search.h"
#include "search_cache.h"

#include "apr_lib.h"

#define SEARCH_TITLE "Case.net" /* pages' title prefix */

/* ---- paging and sorting --------------------------------------------------------- */

void srch_start(srch *s, mc_req *mr, const char *path)
{
    memset(s, 0, sizeof(*s));
    s->mr = mr;
    s->p = mr->r->pool;
    s->path = path;
    s->qs = "";
    mc_vars_set(mr->vars, "action", mc_url(mr, path));
    mc_vars_set(mr->vars, "search_home", mc_url(mr, "/"));
}

/* 1 when the request carries a search (any query field), not just the form. */
int srch_submitted(const mc_req *mr)
{
    return mr->query && !apr_is_empty_table(mr->query);
}

/* The sort from the query (whitelisted; cols[0] is the default) and the
 * page number; header links for each column. */
void srch_pick_sort(srch *s, const mc_sort_col *cols)
{
    const char *pg = mc_query(s->mr, "page");
    int desc;
    const mc_sort_col *chosen =
        mc_sort_pick(cols, mc_query(s->mr, "sort"), mc_query(s->mr, "dir"), 0, &desc);
    long long page = 1;
    s->order = desc ? chosen->desc : chosen->asc;
    s->first_order = cols->asc;
    s->default_order = chosen == cols && !desc;
    s->sort_qs = apr_pstrcat(s->p, "&sort=", chosen->key, "&dir=", desc ? "desc" : "asc", NULL);
    mc_vars_set(s->mr->vars, "q_sort", chosen->key);
    mc_vars_set(s->mr->vars, "q_dir", desc ? "desc" : "asc");
    mc_sort_vars(s->mr->vars, cols, chosen, desc,
                 apr_pstrcat(s->p, mc_url(s->mr, s->path), "?", s->qs + (*s->qs == '&'), NULL));
    if (pg) {
        const char *d = pg;
        while (apr_isdigit(*d))
            d++;
        page = *pg && !*d && strlen(pg) < 7 ? apr_atoi64(pg) : 1;
    }
    s->page = page < 1 ? 1 : page;
}

/* After counting: clamp the page, set the count sentence and the links.
 * noun: "case(s)". Returns the OFFSET. */
long long srch_paging(srch *s, long long total, const char *noun)
{
    mc_page pg; /* past COUNT_CAP: the whole pages it holds */
    s->total = total;
    mc_page_begin(&pg, total > COUNT_CAP ? COUNT_CAP / CT_PAGE_SIZE * CT_PAGE_SIZE : total,
                  CT_PAGE_SIZE, s->page);
    s->page = pg.page;
    mc_vars_set(s->mr->vars, "searched", "1");
    if (total > COUNT_CAP)
        mc_vars_set(s->mr->vars, "total_text",
                    apr_psprintf(s->p,
                                 "More than %d %s found. Only the first %d are shown: add letters "
                                 "or filters to narrow the search.",
                                 COUNT_CAP, noun, COUNT_CAP));
    else
        mc_vars_set(s->mr->vars, "total_text",
                    apr_psprintf(s->p, "%" APR_INT64_T_FMT " %s found.", (apr_int64_t)total, noun));
    mc_page_vars(s->mr->vars, &pg,
                 apr_pstrcat(s->p, mc_url(s->mr, s->path), "?", s->qs + (*s->qs == '&'), s->sort_qs,
                             "&page=", NULL));
    return pg.offset;
}

/* The count statement for a FROM ... WHERE: bounded by COUNT_CAP + 1. */
const char *srch_count_sql(apr_pool_t *p, const char *from_where)
{
    return apr_psprintf(p, "SELECT COUNT(*) FROM (SELECT 1%s LIMIT %d) t", from_where,
                        COUNT_CAP + 1);
}

/* Page 1 (not counted first: counted is 0) is asked for with one row more
 * than a page: when that row does not come, the rows are the whole result
 * and no count is needed (issue 13 §4). The LIMIT of the page statement. */
long long srch_page_limit(const srch *s, int counted)
{
    return counted ? CT_PAGE_SIZE : CT_PAGE_SIZE + 1;
}

/* After page 1's rows (res, asked for with page_limit): 1 when they are the
 * whole result (paging done, total counted from them); else 0, the extra
 * row dropped, and the count is to be asked for. */
int srch_page_one_whole(srch *s, mc_dbres *res, const char *noun)
{
    if (res->nrows > CT_PAGE_SIZE) {
        res->nrows = CT_PAGE_SIZE;
        return 0;
    }
    srch_paging(s, res->nrows, noun);
    return 1;
}

const char *srch_page_sql(apr_pool_t *p, const char *select, const char *from_where,
                          const char *order)
{
    return apr_pstrcat(p, select, from_where, " ORDER BY ", order, " LIMIT ? OFFSET ?", NULL);
}

/* The page statement of a name search: in the default order straight from
 * the name index (it stops after the page); in another order, that order
 * over the first COUNT_CAP rows in name order, joined back by id (the
 * derived table's column cap_id) through rejoin. */
const char *srch_name_page_sql(srch *s, const char *select, const char *id_col,
                               const char *inner_from_where, const char *rejoin,
                               const char *outer_from_where)
{
    if (s->default_order)
        return srch_page_sql(s->p, select, outer_from_where, s->order);
    return apr_psprintf(s->p,
                        "%s FROM (SELECT %s AS cap_id%s ORDER BY %s LIMIT %d) f%s ORDER BY "
                        "%s LIMIT ? OFFSET ?",
                        select, id_col, inner_from_where, s->first_order, COUNT_CAP, rejoin,
                        s->order);
}

const char *srch_case_href(srch *s, const char *number)
{
    return mc_url(s->mr, apr_pstrcat(s->p, "/case/", number, NULL));
}

/* A cached result (key: ct_cache_key) into *res, paging done: 1; else 0. */
int srch_from_cache(srch *s, mc_db *db, const char *key, mc_dbres **res, const char *noun)
{
    long long total;
    if (!ct_cache_get(s, db, key, res, &total))
        return 0;
    srch_paging(s, total, noun);
    return 1;
}

/* The form page: 400 when the input was bad, else 200. Court and case-type
 * lists are filled here. */
int srch_show(srch *s, mc_db *db, const char *page, const char *title)
{
    apr_status_t rv;
    if ((rv = ct_code_list(s->mr, db, CT_CODES_COURTS, "courts",
                           mc_vars_get(s->mr->vars, "q_court"))) != APR_SUCCESS ||
        (rv = ct_code_list(s->mr, db, CT_CODES_CASE_TYPES, "case_types",
                           mc_vars_get(s->mr->vars, "q_case_type"))) != APR_SUCCESS)
        return mc_fail(s->mr, rv);
    return mc_render(s->mr, s->bad ? HTTP_BAD_REQUEST : HTTP_OK, page,
                     apr_pstrcat(s->p, SEARCH_TITLE, ": ", title, NULL));
}

/* The database and the rate limit, for a submitted search. 0: *rc answers. */
int srch_open_search(srch *s, mc_db **db, int *rc)
{
    apr_status_t rv = mc_req_db(s->mr, db);
    if (rv != APR_SUCCESS) {
        *rc = mc_fail(s->mr, rv);
        return 0;
    }
    return !srch_submitted(s->mr) || ct_rate_allow(s->mr, *db, rc);
}

const char *srch_yes_no(const char *v)
{
    return v && !strcmp(v, "1") ? "Yes" : "No";
}
