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

START_TEST(test_literal)
{
    ck_assert_int_eq(match("/logon", "/logon"), 1);
    ck_assert_int_eq(match("/logon", "/logoff"), 0);
    ck_assert_int_eq(match("/logon", "/logo"), 0);
    ck_assert_int_eq(match("/logon", "/logons"), 0);
    ck_assert_int_eq(match("/a/b", "/a/b"), 1);
    ck_assert_int_eq(match("/a/b", "/a"), 0);
    ck_assert_int_eq(match("/a", "/a/b"), 0);
    ck_assert_int_eq(match("/Logon", "/logon"), 0); /* case matters */
    ck_assert_int_eq(apr_table_elts(params)->nelts, 0);
}
END_TEST

START_TEST(test_root_and_trailing_slash)
{
    ck_assert_int_eq(match("/", "/"), 1);
    ck_assert_int_eq(match("/", ""), 1);
    ck_assert_int_eq(match("/", "/x"), 0);
    ck_assert_int_eq(match("/x", "/x/"), 1);
    ck_assert_int_eq(match("/x", "/x//"), 0);
    ck_assert_int_eq(match("/x/", "/x"), 1);
    ck_assert_int_eq(match("/x", ""), 0);
    ck_assert_int_eq(match("/x", "x"), 0);
}
END_TEST

START_TEST(test_parameters)
{
    ck_assert_int_eq(match("/case/:id", "/case/22CV-1"), 1);
    ck_assert_str_eq(apr_table_get(params, "id"), "22CV-1");
    ck_assert_int_eq(match("/case/:id/party/:n", "/case/7/party/3/"), 1);
    ck_assert_str_eq(apr_table_get(params, "id"), "7");
    ck_assert_str_eq(apr_table_get(params, "n"), "3");
    ck_assert_int_eq(match("/case/:id", "/case/7/8"), 0);
    ck_assert_int_eq(match("/case/:id/x", "/case/7/y"), 0);
}
END_TEST

START_TEST(test_empty_parameter_refused)
{
    ck_assert_int_eq(match("/case/:id", "/case/"), 0);
    ck_assert_int_eq(match("/case/:id", "/case"), 0);
    ck_assert_int_eq(match("/case/:id/x", "/case//x"), 0);
}
END_TEST

START_TEST(test_parameter_holds_no_slash)
{
    ck_assert_int_eq(match("/f/:name", "/f/a%2Fb"), 1);
    ck_assert_str_eq(apr_table_get(params, "name"), "a%2Fb"); /* kept as sent */
    ck_assert_int_eq(match("/f/:name", "/f/a/b"), 0);
}
END_TEST

Suite *suite_route(void)
{
    Suite *s = suite_create("route");
    MC_TEST_TCASE(s, "core", setup, teardown, 0, test_literal, test_root_and_trailing_slash,
                  test_parameters, test_empty_parameter_refused, test_parameter_holds_no_slash);
    return s;
}
