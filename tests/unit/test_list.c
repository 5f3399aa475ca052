/* Unit tests for mc_list: paging arithmetic and links, sortable columns,
 * rows into page variables, LIKE patterns. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_list.h"
#include "unit_fixture.h"

START_TEST(test_page_arithmetic)
{
    mc_page pg;
    /* No rows: still one (empty) page. */
    ck_assert_int_eq(mc_page_begin(&pg, 0, 25, 1), 0);
    ck_assert_int_eq(pg.pages, 1);
    ck_assert_int_eq(pg.page, 1);
    /* Exactly full pages, and one row more. */
    mc_page_begin(&pg, 50, 25, 1);
    ck_assert_int_eq(pg.pages, 2);
    mc_page_begin(&pg, 51, 25, 1);
    ck_assert_int_eq(pg.pages, 3);
    mc_page_begin(&pg, 1, 25, 1);
    ck_assert_int_eq(pg.pages, 1);
    /* The page asked for, and its OFFSET. */
    ck_assert_int_eq(mc_page_begin(&pg, 51, 25, 2), 25);
    ck_assert_int_eq(pg.page, 2);
    ck_assert_int_eq(pg.offset, 25);
    ck_assert_int_eq(pg.per_page, 25);
    ck_assert_int_eq(pg.total, 51);
    /* Clamped: below 1, past the last page, absurdly far. */
    ck_assert_int_eq(mc_page_begin(&pg, 51, 25, 0), 0);
    ck_assert_int_eq(pg.page, 1);
    ck_assert_int_eq(mc_page_begin(&pg, 51, 25, -7), 0);
    ck_assert_int_eq(mc_page_begin(&pg, 51, 25, 4), 50);
    ck_assert_int_eq(pg.page, 3);
    ck_assert_int_eq(mc_page_begin(&pg, 51, 25, LLONG_MAX), 50);
    ck_assert_int_eq(pg.page, 3);
    /* Nonsense inputs do not divide by zero or overflow. */
    ck_assert_int_eq(mc_page_begin(&pg, -5, 0, 3), 0);
    ck_assert_int_eq(pg.total, 0);
    ck_assert_int_eq(pg.per_page, 1);
    ck_assert_int_eq(pg.pages, 1);
    mc_page_begin(&pg, LLONG_MAX, 25, LLONG_MAX);
    ck_assert_int_eq(pg.pages, LLONG_MAX / 25 + 1);
    ck_assert_int_eq(pg.offset, (LLONG_MAX / 25) * 25);
}
END_TEST

START_TEST(test_page_first)
{
    mc_dbres res = {0};
    mc_page pg;
    /* Fewer rows than a page, or exactly a page: the whole list, no count. */
    res.nrows = 0;
    ck_assert_int_eq(mc_page_first(&pg, &res, 25), 1);
    ck_assert_int_eq(pg.total, 0);
    ck_assert_int_eq(pg.pages, 1);
    res.nrows = 25;
    ck_assert_int_eq(mc_page_first(&pg, &res, 25), 1);
    ck_assert_int_eq(pg.total, 25);
    ck_assert_int_eq(pg.pages, 1);
    ck_assert_int_eq(res.nrows, 25);
    /* The extra row came: cut to a page, and the caller must count. */
    res.nrows = 26;
    pg.total = -1;
    ck_assert_int_eq(mc_page_first(&pg, &res, 25), 0);
    ck_assert_int_eq(res.nrows, 25);
    ck_assert_int_eq(pg.total, -1);
}
END_TEST

/* A list of `total` rows behind mc_page_query: what each statement asked. */
typedef struct fake_list {
    long long total;
    int counts, pages;
    long long limit, offset; /* of the last page statement */
} fake_list;

static apr_status_t fake_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                               long long limit, long long offset, mc_dbres **res)
{
    fake_list *l = (fake_list *)baton;
    mc_dbres *r = apr_pcalloc(p, sizeof(*r));
    (void)db;
    if (count) {
        l->counts++;
        r->nrows = r->ncols = 1;
        r->rows = apr_pcalloc(p, sizeof(char **));
        r->rows[0] = apr_pcalloc(p, sizeof(char *));
        r->rows[0][0] = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)l->total);
    } else {
        l->pages++;
        l->limit = limit;
        l->offset = offset;
        r->nrows = (int)(offset >= l->total ? 0 : l->total - offset < limit ? l->total - offset
                                                                             : limit);
    }
    *res = r;
    return APR_SUCCESS;
}

START_TEST(test_page_query)
{
    static const struct {
        long long total, want;
        int counts, pages, rows;
        long long page, limit, offset;
    } cases[] = {
        {0, 1, 0, 1, 0, 1, 26, 0},      /* empty: one statement */
        {25, 1, 0, 1, 25, 1, 26, 0},    /* exactly a page: no count */
        {26, 1, 1, 1, 25, 1, 26, 0},    /* the extra row: counted, rows kept */
        {60, 2, 1, 1, 25, 2, 25, 25},   /* a later page: count first */
        {60, 9, 1, 1, 10, 3, 25, 50},   /* past the end: the last page */
        {0, 5, 1, 1, 0, 1, 25, 0},      /* past the end of nothing */
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fake_list l = {cases[i].total, 0, 0, -1, -1};
        mc_page pg;
        mc_dbres *res = NULL;
        ck_assert_int_eq(mc_page_query(NULL, mc_test_pool, cases[i].want, 25, fake_query, &l, &pg,
                                       &res),
                         APR_SUCCESS);
        ck_assert_msg(l.counts == cases[i].counts && l.pages == cases[i].pages,
                      "case %zu: %d counts, %d pages", i, l.counts, l.pages);
        ck_assert_int_eq(res->nrows, cases[i].rows);
        ck_assert_int_eq(pg.page, cases[i].page);
        ck_assert_int_eq(pg.total, cases[i].total);
        ck_assert_int_eq(l.limit, cases[i].limit);
        ck_assert_int_eq(l.offset, cases[i].offset);
    }
}
END_TEST

START_TEST(test_page_vars)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    mc_page pg;
    mc_page_begin(&pg, 60, 25, 2);
    mc_page_vars(v, &pg, "/m/history?case=&page=");
    ck_assert_str_eq(mc_vars_get(v, "total"), "60");
    ck_assert_str_eq(mc_vars_get(v, "page"), "2");
    ck_assert_str_eq(mc_vars_get(v, "pages"), "3");
    ck_assert_str_eq(mc_vars_get(v, "prev_url"), "/m/history?case=&page=1");
    ck_assert_str_eq(mc_vars_get(v, "next_url"), "/m/history?case=&page=3");

    v = mc_vars_make(mc_test_pool, NULL); /* the first page: no Previous */
    mc_page_begin(&pg, 60, 25, 1);
    mc_page_vars(v, &pg, "x?page=");
    ck_assert_ptr_null(mc_vars_get(v, "prev_url"));
    ck_assert_str_eq(mc_vars_get(v, "next_url"), "x?page=2");

    v = mc_vars_make(mc_test_pool, NULL); /* the only page: neither */
    mc_page_begin(&pg, 0, 25, 9);
    mc_page_vars(v, &pg, "x?page=");
    ck_assert_str_eq(mc_vars_get(v, "total"), "0");
    ck_assert_str_eq(mc_vars_get(v, "pages"), "1");
    ck_assert_ptr_null(mc_vars_get(v, "prev_url"));
    ck_assert_ptr_null(mc_vars_get(v, "next_url"));
}
END_TEST

static const mc_sort_col COLS[] = {
    {"date", "d ASC", "d DESC"}, {"name", "n ASC", "n DESC"}, {NULL}};

START_TEST(test_sort_pick)
{
    int desc = -1;
    ck_assert_ptr_eq(mc_sort_pick(COLS, NULL, NULL, 0, &desc), &COLS[0]);
    ck_assert_int_eq(desc, 0);
    ck_assert_ptr_eq(mc_sort_pick(COLS, "name", "desc", 0, &desc), &COLS[1]);
    ck_assert_int_eq(desc, 1);
    ck_assert_ptr_eq(mc_sort_pick(COLS, "name", "sideways", 0, &desc), &COLS[1]);
    ck_assert_int_eq(desc, 0);
    /* Unknown keys fall back to the first column; never to the request's text. */
    ck_assert_ptr_eq(mc_sort_pick(COLS, "n ASC; DROP", "asc", 0, &desc), &COLS[0]);
    /* Newest first by default, for the first column only, unless asked. */
    mc_sort_pick(COLS, NULL, NULL, 1, &desc);
    ck_assert_int_eq(desc, 1);
    mc_sort_pick(COLS, "date", "asc", 1, &desc);
    ck_assert_int_eq(desc, 0);
    mc_sort_pick(COLS, "name", NULL, 1, &desc);
    ck_assert_int_eq(desc, 0);
}
END_TEST

START_TEST(test_sort_vars)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    mc_sort_vars(v, COLS, &COLS[1], 0, "/m/s?q=a");
    ck_assert_str_eq(mc_vars_get(v, "sort_date_url"), "/m/s?q=a&sort=date&dir=asc");
    ck_assert_str_eq(mc_vars_get(v, "sort_name_url"), "/m/s?q=a&sort=name&dir=desc");
    ck_assert_ptr_null(mc_vars_get(v, "sort_date_aria"));
    ck_assert_ptr_null(mc_vars_get(v, "sort_date_mark"));
    ck_assert_str_eq(mc_vars_get(v, "sort_name_aria"), "ascending");
    ck_assert_str_eq(mc_vars_get(v, "sort_name_mark"), " \xe2\x96\xb2");
    mc_sort_vars(v, COLS, &COLS[1], 1, "/m/s?q=a");
    ck_assert_str_eq(mc_vars_get(v, "sort_name_url"), "/m/s?q=a&sort=name&dir=asc");
    ck_assert_str_eq(mc_vars_get(v, "sort_name_aria"), "descending");
    ck_assert_str_eq(mc_vars_get(v, "sort_name_mark"), " \xe2\x96\xbc");
}
END_TEST

START_TEST(test_vars_rows)
{
    static const char *const keys[] = {"a", "", "c", NULL};
    char *r0[] = {"1", "skip", "x"}, *r1[] = {"2", "skip", NULL};
    char **rows[] = {r0, r1};
    mc_dbres res = {2, 3, rows, NULL};
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    mc_vars *one = mc_vars_make(mc_test_pool, v);

    mc_vars_rows(v, "list", &res, keys);
    mc_vars_from(one, &res, 1, keys);
    ck_assert_str_eq(mc_vars_get(one, "a"), "2");
    ck_assert_ptr_null(mc_vars_get(one, "c"));    /* SQL NULL: unset */
    ck_assert_ptr_null(mc_vars_get(one, "skip")); /* "" skipped its column */
    ck_assert_ptr_null(mc_vars_get(one, ""));
    /* The list has two rows (rendered through a template below). */
    {
        const char *dirs[] = {NULL, NULL};
        const char *dir = apr_pstrcat(mc_test_pool, P_tmpdir, "/mc_list_XXXXXX", NULL);
        char *d = apr_pstrdup(mc_test_pool, dir), *out;
        const char *err;
        apr_size_t len;
        FILE *f;
        ck_assert_ptr_nonnull(mkdtemp(d));
        dirs[0] = d;
        f = fopen(apr_pstrcat(mc_test_pool, d, "/l.html", NULL), "w");
        ck_assert_ptr_nonnull(f);
        fputs("<html><body><p data-each=\"list\"><b data-text=\"a\"></b>"
              "<i data-text=\"c\"></i></p></body></html>",
              f);
        fclose(f);
        ck_assert_int_eq(mc_tmpl_render(mc_tmpl_cache_create(mc_test_pool, dirs), mc_test_pool,
                                        NULL, "l.html", v, &out, &len, &err),
                         APR_SUCCESS);
        ck_assert_ptr_nonnull(strstr(out, "<b>1</b><i>x</i>"));
        ck_assert_ptr_nonnull(strstr(out, "<b>2</b><i></i>"));
        ck_assert_ptr_null(strstr(out, "skip"));
        remove(apr_pstrcat(mc_test_pool, d, "/l.html", NULL));
        rmdir(d);
    }
}
END_TEST

START_TEST(test_sql_like)
{
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "abc", 0), "abc%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "abc", 1), "%abc%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "", 0), "%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "", 1), "%%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, NULL, 0), "%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "50%_off\\", 0), "50\\%\\_off\\\\%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "%%", 1), "%\\%\\%%");
    ck_assert_str_eq(mc_sql_like(mc_test_pool, "O'Brien", 0), "O'Brien%"); /* bound, not quoted */
}
END_TEST

MC_TEST_SUITE(list, mc_test_pool_setup, mc_test_pool_teardown, 0, test_page_arithmetic,
              test_page_first, test_page_query, test_page_vars, test_sort_pick, test_sort_vars, test_vars_rows, test_sql_like)
