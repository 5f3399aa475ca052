/* Unit tests for the audit log's CSV (plugins/registration/lib/mc_audit_log.c):
 * RFC 4180 quoting and the formula guard. */
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "mc_audit_log.h"
#include "unit_fixture.h"

START_TEST(test_csv_cell)
{
    apr_pool_t *p = mc_test_pool;
    ck_assert_str_eq(mc_audit_csv_cell(p, "plain text"), "plain text");
    ck_assert_str_eq(mc_audit_csv_cell(p, ""), "");
    ck_assert_str_eq(mc_audit_csv_cell(p, NULL), "");
    ck_assert_str_eq(mc_audit_csv_cell(p, "2001:db8::1"), "2001:db8::1");
    ck_assert_str_eq(mc_audit_csv_cell(p, "a,b"), "\"a,b\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "say \"hi\""), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "one\ntwo"), "\"one\ntwo\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "one\rtwo"), "\"one\rtwo\"");
    /* The formula guard: a leading = + - @ gets a single quote, inside quotes. */
    ck_assert_str_eq(mc_audit_csv_cell(p, "=1+2"), "\"'=1+2\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "+1"), "\"'+1\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "-1"), "\"'-1\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "@SUM(A1)"), "\"'@SUM(A1)\"");
    ck_assert_str_eq(mc_audit_csv_cell(p, "=HYPERLINK(\"x\",\"y\")"),
                     "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    /* Not at the start: no guard. */
    ck_assert_str_eq(mc_audit_csv_cell(p, "a=b"), "a=b");
    ck_assert_str_eq(mc_audit_csv_cell(p, "logon-failed"), "logon-failed");
}
END_TEST

START_TEST(test_csv_row)
{
    apr_pool_t *p = mc_test_pool;
    char *cells[] = {"7", "2026-01-02 03:04:05", "security-disable", "42", "jdoe", "0",
                     "",  "192.0.2.1",           "=x, \"y\""};
    char **rows[] = {cells};
    mc_dbres res = {0};
    res.nrows = 1;
    res.ncols = MC_AUDIT_NCOLS;
    res.rows = rows;
    ck_assert_str_eq(mc_audit_csv_header(),
                     "id,time_utc,event,account_id,account,actor_id,actor,ip,detail\r\n");
    /* An actor id of 0 (none) is an empty cell. */
    ck_assert_str_eq(mc_audit_csv_row(p, &res, 0),
                     "7,2026-01-02 03:04:05,security-disable,42,jdoe,,,192.0.2.1,"
                     "\"'=x, \"\"y\"\"\"\r\n");
}
END_TEST

START_TEST(test_day_ok)
{
    ck_assert_int_eq(mc_audit_day_ok("2026-01-31"), 1);
    ck_assert_int_eq(mc_audit_day_ok("2024-02-29"), 1);
    ck_assert_int_eq(mc_audit_day_ok("2025-02-29"), 0);
    ck_assert_int_eq(mc_audit_day_ok("2025-13-01"), 0);
    ck_assert_int_eq(mc_audit_day_ok("0999-01-01"), 0);
    ck_assert_int_eq(mc_audit_day_ok("2025-1-01"), 0);
    ck_assert_int_eq(mc_audit_day_ok("2025-01-01 "), 0);
    ck_assert_int_eq(mc_audit_day_ok("2025/01/01"), 0);
    ck_assert_int_eq(mc_audit_day_ok("+025-01-01"), 0);
    ck_assert_int_eq(mc_audit_day_ok(""), 0);
}
END_TEST

MC_TEST_SUITE(audit_log, mc_test_pool_setup, mc_test_pool_teardown, 0, test_csv_cell, test_csv_row,
              test_day_ok)
