/* ct_search.h: what the files of Case.net's public searches share (search.c
 * the searches, search_input.c their fields). Private to the plugin. */
#ifndef MC_CT_SEARCH_H
#define MC_CT_SEARCH_H

#include "casetrack.h"

/* One search request. */
typedef struct srch {
    mc_req *mr;
    apr_pool_t *p;
    const char *path; /* "/search/name" */
    const char *qs;   /* the query's fields, encoded, for paging and sorting links */
    const char *order;
    const char *sort_qs;     /* "&sort=..&dir=.." */
    const char *first_order; /* the default column's ascending order */
    int default_order;       /* the default column, ascending */
    long long page;
    int bad;
    long long total; /* what paging was given: the count, or page one's rows */
    long long gen;   /* the search generation (search_cache.c); 0: not read, -1: none */
    const char *err_field, *err_why; /* the first mistake (the API's answer) */
} srch;

#define COUNT_CAP 500 /* rows counted at most; also the last row reachable */

/* search_common.c: paging, sorting, the statements' shapes, the form page. */
/* Begin a search of the page at path (its form's action). */
void srch_start(srch *s, mc_req *mr, const char *path);
/* 1 when the request carries a search (any query field), not just the form. */
int srch_submitted(const mc_req *mr);
/* The sort from the query (whitelisted; cols[0] is the default) and the
 * page number; header links for each column. */
void srch_pick_sort(srch *s, const mc_sort_col *cols);
/* After counting: clamp the page, set the count sentence and the links.
 * noun: "case(s)". Returns the OFFSET. */
long long srch_paging(srch *s, long long total, const char *noun);
/* The count statement for a FROM ... WHERE: bounded by COUNT_CAP + 1. */
const char *srch_count_sql(apr_pool_t *p, const char *from_where);
/* The LIMIT of page 1's statement when not counted first (one row more). */
long long srch_page_limit(const srch *s, int counted);
/* After page 1's rows: 1 when they are the whole result (paging done). */
int srch_page_one_whole(srch *s, mc_dbres *res, const char *noun);
/* select + from_where + ORDER BY order + LIMIT ? OFFSET ?. */
const char *srch_page_sql(apr_pool_t *p, const char *select, const char *from_where,
                          const char *order);
/* A name search's page statement (see search_common.c). */
const char *srch_name_page_sql(srch *s, const char *select, const char *id_col,
                               const char *inner_from_where, const char *rejoin,
                               const char *outer_from_where);
/* The case page's address. */
const char *srch_case_href(srch *s, const char *number);
/* A cached result (key: ct_cache_key) into *res, paging done: 1; else 0. */
int srch_from_cache(srch *s, mc_db *db, const char *key, mc_dbres **res, const char *noun);
/* The form page: 400 when the input was bad, else 200. */
int srch_show(srch *s, mc_db *db, const char *page, const char *title);
/* The database and the rate limit, for a submitted search. 0: *rc answers. */
int srch_open_search(srch *s, mc_db **db, int *rc);
/* "Yes" for "1", else "No". */
const char *srch_yes_no(const char *v);

/* search_input.c. Each mistake is shown as an error and marks s bad. */
/* Show why as an error, in the summary at the top a link to the field
 * whose id is field (NULL: none), and invalid_<field> "true" (the field's
 * aria-invalid); s is bad. */
void ct_search_error(srch *s, const char *field, const char *why);
/* Keep name=value (when not empty) for the paging and sorting links. */
void ct_search_keep(srch *s, const char *name, const char *value);
/* A text field, trimmed, shown again as q_<name>; kept for the links. */
const char *ct_search_field(srch *s, const char *name, const char *label);
/* A date field (YYYY-MM-DD); NULL when empty or not a real date. */
const char *ct_search_date_field(srch *s, const char *name, const char *label, int required);
/* An error (at field to_field) when both dates are given and to is before from. */
void ct_search_range_check(srch *s, const char *from, const char *to, const char *to_field,
                           const char *label);
/* The Scheduled Hearings range: at most CT_HEARING_MAX_DAYS days from
 * from to to (both checked dates, or NULL), else an error at field "to". */
#define CT_HEARING_MAX_DAYS 31
void ct_search_days_check(srch *s, const char *from, const char *to);
/* The Case Number field (already read as typed): the number in its
 * stored form, or NULL with an error (its form is checked only when the
 * other fields were right). */
const char *ct_search_number_check(srch *s, const char *typed);
/* A year of birth; NULL when empty or bad. */
const char *ct_search_year_field(srch *s, const char *name, const char *label);
/* The court (a code of mc_court) or the case type (of mc_case_type): ""
 * when empty; checked; *rv a database error. */
const char *ct_search_court_field(srch *s, mc_db *db, int required, apr_status_t *rv);
const char *ct_search_type_field(srch *s, mc_db *db, apr_status_t *rv);

/* ---- the searches' rows (search.c), for the pages and the API ------------------ */
/* Each runs a search's page statement in s->order (the pages' sort, or
 * ct_search_api_begin's): limit rows from offset; the inputs checked.
 * Confidential cases are never among them. */
typedef struct ct_name_q {
    int sounds;
    const char *last, *first, *middle, *yfrom, *yto, *type, *ffrom, *fto, *court;
} ct_name_q;
/* last, first, middle, kind, role, birth year or "", number, caption, court, filed on */
apr_status_t ct_search_name_rows(srch *s, mc_db *db, const ct_name_q *q, long long limit,
                                 long long offset, mc_dbres **res);
/* number, caption, court, case type, filed on, status */
apr_status_t ct_search_number_rows(srch *s, mc_db *db, const char *number, const char *court,
                                   long long limit, long long offset, mc_dbres **res);
apr_status_t ct_search_date_rows(srch *s, mc_db *db, const char *court, const char *date,
                                 const char *type, long long limit, long long offset,
                                 mc_dbres **res);
/* "YYYY-MM-DD HH:MM", number, caption, hearing type, location, judge */
apr_status_t ct_search_hearing_rows(srch *s, mc_db *db, const char *court, const char *from,
                                    const char *to, const char *judge, const char *loc,
                                    long long limit, long long offset, mc_dbres **res);
typedef struct ct_judgment_q {
    int creditor; /* search the creditor's name, else the debtor's */
    const char *name, *from, *to, *court;
    long long satisfied; /* -1 any, 0, 1 */
} ct_judgment_q;
/* debtor, creditor, amount, entered on, satisfied, number, caption */
apr_status_t ct_search_judgment_rows(srch *s, mc_db *db, const ct_judgment_q *q, long long limit,
                                     long long offset, mc_dbres **res);
/* An API search's s: path the page's ("/search/name"), in the page's
 * default order; variant: "sounds like" for names, the creditor for
 * judgments. */
void ct_search_api_begin(srch *s, mc_req *mr, const char *path, int variant);

#endif
