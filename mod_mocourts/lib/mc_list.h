/* mc_list: what every list page does the same way (ABI 1.11): its page of
 * rows (the page number clamped, the OFFSET, the Previous/Next links), its
 * sortable columns, its rows copied into page variables, and the escaped
 * LIKE patterns of its search fields. Arithmetic and text only: the caller
 * runs the COUNT(*) and the page's SELECT ... LIMIT ? OFFSET ?.
 *
 *     mc_page pg;
 *     total = mc_dbres_int(res, 0, 0);                  (SELECT COUNT(*) ...)
 *     mc_page_begin(&pg, total, 25, page);               (page as asked)
 *     ... "LIMIT ? OFFSET ?", ..., pg.per_page, pg.offset
 *     mc_page_vars(mr->vars, &pg, apr_pstrcat(p, mc_url(mr, "/x"), "?q=", q, "&page=", NULL));
 */
#ifndef MC_LIST_H
#define MC_LIST_H

#include "mc_api.h"
#include "mc_db.h"
#include "mc_tmpl.h"

#include <apr_pools.h>

/* One page of a list. */
typedef struct mc_page {
    long long total;    /* rows in the whole list */
    long long per_page; /* rows on a page (at least 1) */
    long long pages;    /* pages in all: at least 1, even for no rows */
    long long page;     /* the page shown, 1..pages */
    long long offset;   /* (page - 1) * per_page: the statement's OFFSET */
} mc_page;

/* Fill pg for a list of total rows (a negative total counts as 0), per_page
 * rows a page (less than 1 counts as 1), the page asked for clamped into
 * 1..pages. Returns pg->offset. */
MC_API long long mc_page_begin(mc_page *pg, long long total, long long per_page, long long page);
/* ABI 1.14: page 1 asked for with per_page + 1 rows, so that the count is
 * run only when the list is longer than a page. 1 when res holds the whole
 * list (pg filled for it, no count needed); 0 when that extra row came: res
 * is cut to per_page rows and the caller counts, then mc_page_begin. */
MC_API int mc_page_first(mc_page *pg, mc_dbres *res, long long per_page);
/* ABI 1.15: a list's statements, of what baton says: its count when count
 * is set (limit and offset 0), else a page of rows (LIMIT limit OFFSET
 * offset). */
typedef apr_status_t mc_page_query_fn(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                      long long limit, long long offset, mc_dbres **res);
/* ABI 1.15: page want (1 and up, clamped to the last) of per_page rows
 * into *res and *pg, through query. Page 1 goes as mc_page_first says (the
 * count only when the extra row comes); a later page needs the count first,
 * to clamp. */
MC_API apr_status_t mc_page_query(mc_db *db, apr_pool_t *p, long long want, long long per_page,
                                  mc_page_query_fn *query, const void *baton, mc_page *pg,
                                  mc_dbres **res);
/* Set the variables a list page's template shows: total, page and pages
 * (decimal), and prev_url / next_url = base followed by the page number
 * (set only when that page exists; base ends in "page=", e.g.
 * "/casenet/history?case=&page="). */
MC_API void mc_page_vars(mc_vars *v, const mc_page *pg, const char *base);

/* A sortable column: its query key and its ORDER BY text for each
 * direction (fixed text: the only way a request reaches ORDER BY). A table
 * of them ends with key NULL; the first is the default. */
typedef struct mc_sort_col {
    const char *key;
    const char *asc;
    const char *desc;
} mc_sort_col;

/* The column whose key is want (cols[0] when none is), and in *desc its
 * direction: dir "desc" descending, "asc" ascending, anything else
 * ascending, but descending when the column is cols[0] and first_desc
 * (a list newest first by default). */
MC_API const mc_sort_col *mc_sort_pick(const mc_sort_col *cols, const char *want, const char *dir,
                                       int first_desc, int *desc);
/* The column headers' variables, for each column of cols:
 * sort_<key>_url = base "&sort=<key>&dir=<d>", d "desc" for the chosen
 * column when ascending now (a second click reverses), else "asc";
 * sort_<key>_aria ("ascending"/"descending") and sort_<key>_mark (a space
 * and U+25B2/U+25BC) on the chosen column only, unset on the others. */
MC_API void mc_sort_vars(mc_vars *v, const mc_sort_col *cols, const mc_sort_col *chosen, int desc,
                         const char *base);

/* Row i of res into the variables row: keys[k] names column k (keys ends
 * with NULL; a "" entry skips its column). An SQL NULL unsets the key. */
MC_API void mc_vars_from(mc_vars *row, const mc_dbres *res, int i, const char *const *keys);
/* Every row of res appended to the list list of v (mc_vars_row), each
 * filled by mc_vars_from. */
MC_API void mc_vars_rows(mc_vars *v, const char *list, const mc_dbres *res,
                         const char *const *keys);

/* A LIKE pattern (MariaDB's default escape, backslash) of value with its
 * %, _ and \ escaped: "value%" (a prefix), or "%value%" when contains.
 * NULL counts as "". In p. */
MC_API const char *mc_sql_like(apr_pool_t *p, const char *value, int contains);

#endif
