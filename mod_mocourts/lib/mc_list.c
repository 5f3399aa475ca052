/* mc_list.c: list pages' paging, sorting, rows and LIKE patterns (mc_list.h). */
#include "mc_list.h"

#include <apr_strings.h>
#include <string.h>

long long mc_page_begin(mc_page *pg, long long total, long long per_page, long long page)
{
    pg->total = total < 0 ? 0 : total;
    pg->per_page = per_page < 1 ? 1 : per_page;
    pg->pages = pg->total / pg->per_page + (pg->total % pg->per_page != 0);
    if (pg->pages < 1)
        pg->pages = 1;
    pg->page = page < 1 ? 1 : page > pg->pages ? pg->pages : page;
    pg->offset = (pg->page - 1) * pg->per_page;
    return pg->offset;
}

int mc_page_first(mc_page *pg, mc_dbres *res, long long per_page)
{
    if (res->nrows <= per_page) {
        mc_page_begin(pg, res->nrows, per_page, 1);
        return 1;
    }
    res->nrows = (int)per_page;
    return 0;
}

apr_status_t mc_page_query(mc_db *db, apr_pool_t *p, long long want, long long per_page,
                           mc_page_query_fn *query, const void *baton, mc_page *pg, mc_dbres **res)
{
    mc_dbres *cres;
    apr_status_t rv;
    *res = NULL;
    if (want <= 1) {
        if ((rv = query(db, p, baton, 0, per_page + 1, 0, res)) != APR_SUCCESS)
            return rv;
        if (mc_page_first(pg, *res, per_page))
            return APR_SUCCESS;
    }
    if ((rv = query(db, p, baton, 1, 0, 0, &cres)) != APR_SUCCESS)
        return rv;
    mc_page_begin(pg, mc_dbres_int(cres, 0, 0), per_page, want);
    if (*res) /* page 1's rows, already read */
        return APR_SUCCESS;
    return query(db, p, baton, 0, pg->per_page, pg->offset, res);
}

void mc_page_vars(mc_vars *v, const mc_page *pg, const char *base)
{
    mc_vars_setf(v, "total", "%" APR_INT64_T_FMT, (apr_int64_t)pg->total);
    mc_vars_setf(v, "page", "%" APR_INT64_T_FMT, (apr_int64_t)pg->page);
    mc_vars_setf(v, "pages", "%" APR_INT64_T_FMT, (apr_int64_t)pg->pages);
    if (pg->page > 1)
        mc_vars_setf(v, "prev_url", "%s%" APR_INT64_T_FMT, base, (apr_int64_t)(pg->page - 1));
    if (pg->page < pg->pages)
        mc_vars_setf(v, "next_url", "%s%" APR_INT64_T_FMT, base, (apr_int64_t)(pg->page + 1));
}

const mc_sort_col *mc_sort_pick(const mc_sort_col *cols, const char *want, const char *dir,
                                int first_desc, int *desc)
{
    const mc_sort_col *c, *chosen = cols;
    for (c = cols; want && c->key; c++)
        if (!strcmp(c->key, want)) {
            chosen = c;
            break;
        }
    if (dir && !strcmp(dir, "desc"))
        *desc = 1;
    else if (dir && !strcmp(dir, "asc"))
        *desc = 0;
    else
        *desc = first_desc && chosen == cols;
    return chosen;
}

void mc_sort_vars(mc_vars *v, const mc_sort_col *cols, const mc_sort_col *chosen, int desc,
                  const char *base)
{
    const mc_sort_col *c;
    char key[128];
    for (c = cols; c->key; c++) {
        int on = c == chosen;
        apr_snprintf(key, sizeof(key), "sort_%s_url", c->key);
        mc_vars_setf(v, key, "%s&sort=%s&dir=%s", base, c->key, on && !desc ? "desc" : "asc");
        apr_snprintf(key, sizeof(key), "sort_%s_aria", c->key);
        mc_vars_set(v, key, on ? (desc ? "descending" : "ascending") : NULL);
        apr_snprintf(key, sizeof(key), "sort_%s_mark", c->key);
        mc_vars_set(v, key, on ? (desc ? " \xe2\x96\xbc" : " \xe2\x96\xb2") : NULL);
    }
}

void mc_vars_from(mc_vars *row, const mc_dbres *res, int i, const char *const *keys)
{
    int k;
    for (k = 0; keys[k]; k++)
        if (*keys[k])
            mc_vars_set(row, keys[k], mc_dbres_get(res, i, k));
}

void mc_vars_rows(mc_vars *v, const char *list, const mc_dbres *res, const char *const *keys)
{
    int i;
    for (i = 0; i < res->nrows; i++)
        mc_vars_from(mc_vars_row(v, list), res, i, keys);
}

const char *mc_sql_like(apr_pool_t *p, const char *value, int contains)
{
    const char *s = value ? value : "";
    char *out = apr_palloc(p, 2 * strlen(s) + 3), *o = out;
    if (contains)
        *o++ = '%';
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}
