/* Unit tests for mc_db_hosts (issue 15): MoCourtsDBHost's server list, and
 * the order servers are tried in once some have failed. */
#include <apr_strings.h>
#include <check.h>

#include "mc_db_hosts.h"
#include "unit_fixture.h"

START_TEST(test_parse_lists)
{
    mc_dbhost h[MC_DB_HOSTS_MAX];
    const char *err = NULL;
    ck_assert_int_eq(mc_db_hosts_parse(mc_test_pool, "db1", h, &err), 1);
    ck_assert_str_eq(h[0].name, "db1");
    ck_assert_uint_eq(h[0].port, 0);
    ck_assert_int_eq(mc_db_hosts_parse(mc_test_pool, "127.0.0.1:3307, 127.0.0.1:3308 db3:3309", h,
                                       &err), 3);
    ck_assert_str_eq(h[0].name, "127.0.0.1");
    ck_assert_uint_eq(h[0].port, 3307);
    ck_assert_uint_eq(h[1].port, 3308);
    ck_assert_str_eq(h[2].name, "db3");
    ck_assert_uint_eq(h[2].port, 3309);
    ck_assert_int_eq(mc_db_hosts_parse(mc_test_pool, "[::1]:3310,[fe80::2]", h, &err), 2);
    ck_assert_str_eq(h[0].name, "::1");
    ck_assert_uint_eq(h[0].port, 3310);
    ck_assert_str_eq(h[1].name, "fe80::2");
    ck_assert_uint_eq(h[1].port, 0);
    ck_assert_int_eq(mc_db_hosts_parse(mc_test_pool, " , ", h, &err), 0);
    ck_assert_int_eq(mc_db_hosts_parse(mc_test_pool, NULL, h, &err), 0);
}
END_TEST

START_TEST(test_parse_refuses)
{
    static const char *const bad[] = {"db:0", "db:65536", "db:x", "db:", ":3306", "::1",
                                      "[::1", "[]:1", "[::1]x", "a,b,c,d,e,f,g,h,i"};
    mc_dbhost h[MC_DB_HOSTS_MAX];
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *err = NULL;
        ck_assert_msg(mc_db_hosts_parse(mc_test_pool, bad[i], h, &err) == -1, "%s", bad[i]);
        ck_assert_ptr_nonnull(err);
    }
}
END_TEST

START_TEST(test_failed_servers_go_last)
{
    int order[MC_DB_HOSTS_MAX];
    mc_db_hosts_order(3, order);
    ck_assert_int_eq(order[0], 0);
    ck_assert_int_eq(order[1], 1);
    ck_assert_int_eq(order[2], 2);
    mc_db_hosts_mark(0, 0);
    ck_assert(mc_db_hosts_failed(0));
    ck_assert(!mc_db_hosts_failed(1));
    mc_db_hosts_order(3, order);
    ck_assert_int_eq(order[0], 1);
    ck_assert_int_eq(order[1], 2);
    ck_assert_int_eq(order[2], 0);
    mc_db_hosts_mark(1, 0);
    mc_db_hosts_order(3, order);
    ck_assert_int_eq(order[0], 2);
    ck_assert_int_eq(order[1], 0);
    ck_assert_int_eq(order[2], 1);
    /* Back: first again. Out-of-range places are ignored. */
    mc_db_hosts_mark(0, 1);
    mc_db_hosts_mark(1, 1);
    mc_db_hosts_mark(-1, 0);
    mc_db_hosts_mark(MC_DB_HOSTS_MAX, 0);
    ck_assert(!mc_db_hosts_failed(-1));
    mc_db_hosts_order(3, order);
    ck_assert_int_eq(order[0], 0);
    ck_assert_int_eq(order[1], 1);
}
END_TEST

MC_TEST_SUITE(db_hosts, mc_test_pool_setup, mc_test_pool_teardown, 0, test_parse_lists,
              test_parse_refuses, test_failed_servers_go_last)
