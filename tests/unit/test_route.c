/* Unit tests for mc_route: patterns, parameters, trailing slashes. */
#include <apr_general.h>
#include <apr_tables.h>
#include <check.h>

#include "mc_route.h"
#include "unit_fixture.h"

static apr_table_t *params;

static void setup(void)
{
    mc_test_pool_setup();
    params = apr_table_make(mc_test_pool, 4);
}

static void teardown(void)
{
    mc_test_pool_teardown();
}

static int match(const char *pattern, const char *path)
{
    apr_table_clear(params);
    return mc_route_match(mc_test_pool, pattern, path, params);
}

/* A path matched against a pattern: the answer and, when it matches, the
 * parameters it must set (name, value pairs to a NULL name). */
typedef struct route_case {
    const char *pattern, *path;
    int want;
    const char *params[5];
} route_case;

static void ck_routes(const route_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(match(c[i].pattern, c[i].path) == c[i].want, "%s on %s: not %d", c[i].pattern,
                      c[i].path, c[i].want);
        for (size_t k = 0; k + 1 < MC_TEST_COUNT(c[i].params) && c[i].params[k]; k += 2)
            ck_assert_str_eq(apr_table_get(params, c[i].params[k]), c[i].params[k + 1]);
    }
}

START_TEST(test_literal)
{
    static const route_case cases[] = {
        {"/logon", "/logon", 1},  {"/logon", "/logoff", 0}, {"/logon", "/logo", 0},
        {"/logon", "/logons", 0}, {"/a/b", "/a/b", 1},      {"/a/b", "/a", 0},
        {"/a", "/a/b", 0},        {"/Logon", "/logon", 0}, /* case matters */
    };

    ck_routes(cases, MC_TEST_COUNT(cases));
    ck_assert_int_eq(apr_table_elts(params)->nelts, 0);
}
END_TEST

/* Beyond literals: the root and trailing slashes, then parameters (never
 * empty, never holding a slash). */
START_TEST(test_patterns)
{
    static const route_case cases[] = {
        {"/", "/", 1},
        {"/", "", 1},
        {"/", "/x", 0},
        {"/x", "/x/", 1},
        {"/x", "/x//", 0},
        {"/x/", "/x", 1},
        {"/x", "", 0},
        {"/x", "x", 0},
        {"/case/:id", "/case/22CV-1", 1, {"id", "22CV-1"}},
        {"/case/:id/party/:n", "/case/7/party/3/", 1, {"id", "7", "n", "3"}},
        {"/case/:id", "/case/7/8", 0},
        {"/case/:id/x", "/case/7/y", 0},
        {"/case/:id", "/case/", 0}, /* an empty parameter is refused */
        {"/case/:id", "/case", 0},
        {"/case/:id/x", "/case//x", 0},
        {"/f/:name", "/f/a%2Fb", 1, {"name", "a%2Fb"}}, /* no slash in a parameter: kept as sent */
        {"/f/:name", "/f/a/b", 0},
    };

    ck_routes(cases, MC_TEST_COUNT(cases));
}
END_TEST

MC_TEST_SUITE(route, setup, teardown, 0, test_literal, test_patterns)
