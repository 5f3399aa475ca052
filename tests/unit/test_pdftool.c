/* Unit tests for mc_pdftool (plugins/efiling/lib): a tool run out of
 * process with its output read up to a cap, its exit status, stderr kept
 * out or merged, a run killed at its deadline, and no program but by its
 * absolute path. /bin/sh stands in for the PDF tools. */
#include <check.h>
#include <string.h>

#include "mc_pdftool.h"
#include "unit_fixture.h"

static mc_tool_result run(const char *script, int seconds, apr_size_t out_max, int merge,
                          apr_status_t *rv)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL}, *err = NULL;
    mc_tool_limits lim = {seconds, 256LL * 1024 * 1024, out_max, merge};
    mc_tool_result res;
    *rv = mc_tool_run(mc_test_pool, argv, &lim, &res, &err);
    return res;
}

START_TEST(test_output_and_status)
{
    apr_status_t rv;
    mc_tool_result r = run("echo hello; echo oops >&2; exit 3", 5, 1000, 0, &rv);
    ck_assert_int_eq(rv, APR_SUCCESS);
    ck_assert_str_eq(r.out, "hello\n");
    ck_assert_int_eq(r.exit_code, 3);
    ck_assert(!r.signaled && !r.timed_out && !r.truncated && !mc_tool_ok(&r));
    r = run("echo hello; echo oops >&2", 5, 1000, 1, &rv);
    ck_assert_ptr_nonnull(strstr(r.out, "hello\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "oops\n"));
    ck_assert(mc_tool_ok(&r));
}
END_TEST

START_TEST(test_output_capped)
{
    apr_status_t rv;
    mc_tool_result r = run("while :; do echo 0123456789; done", 5, 100000, 0, &rv);
    ck_assert_int_eq(rv, APR_SUCCESS);
    ck_assert(r.truncated && !mc_tool_ok(&r));
    ck_assert_int_eq((int)r.len, 100000);
    ck_assert(r.signaled);
}
END_TEST

START_TEST(test_killed_at_deadline)
{
    apr_status_t rv;
    mc_tool_result r = run("echo started; exec sleep 30", 1, 1000, 0, &rv);
    ck_assert_int_eq(rv, APR_SUCCESS);
    ck_assert(r.timed_out && r.signaled && !mc_tool_ok(&r));
    ck_assert_str_eq(r.out, "started\n");
    ck_assert(r.took >= apr_time_from_sec(1) && r.took < apr_time_from_sec(5));
}
END_TEST

START_TEST(test_limits_in_the_child)
{
    apr_status_t rv;
    mc_tool_result r = run("ulimit -v; ulimit -t", 5, 1000, 0, &rv);
    ck_assert_str_eq(r.out, "262144\n6\n");
}
END_TEST

START_TEST(test_no_relative_program)
{
    const char *argv[] = {"sh", "-c", "true", NULL}, *err = NULL;
    mc_tool_limits lim = {5, 0, 100, 0};
    mc_tool_result res;
    ck_assert_int_eq(mc_tool_run(mc_test_pool, argv, &lim, &res, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(err);
    argv[0] = "/nonexistent/pdftotext";
    ck_assert_int_ne(mc_tool_run(mc_test_pool, argv, &lim, &res, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "cannot start /nonexistent/pdftotext"));
}
END_TEST

MC_TEST_SUITE(pdftool, mc_test_pool_setup, mc_test_pool_teardown, 30, test_output_and_status,
              test_output_capped, test_killed_at_deadline, test_limits_in_the_child,
              test_no_relative_program)
