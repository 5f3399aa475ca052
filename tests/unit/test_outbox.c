/* Unit tests of mc_outbox that need no database: the retry schedule. */
#include <check.h>

#include "mc_outbox.h"

START_TEST(backoff_schedule)
{
    ck_assert_int_eq(mc_outbox_backoff(1), 5);
    ck_assert_int_eq(mc_outbox_backoff(2), 15);
    ck_assert_int_eq(mc_outbox_backoff(3), 60);
    ck_assert_int_eq(mc_outbox_backoff(4), 300);
    ck_assert_int_eq(mc_outbox_backoff(5), 900);
    ck_assert_int_eq(mc_outbox_backoff(6), 3600);
}
END_TEST

START_TEST(backoff_monotonic_and_capped)
{
    int prev = mc_outbox_backoff(0);
    ck_assert_int_ge(prev, 0);
    for (int n = 1; n < 1000; n++) {
        int b = mc_outbox_backoff(n);
        ck_assert_int_ge(b, prev);
        ck_assert_int_le(b, 3600);
        prev = b;
    }
    ck_assert_int_eq(mc_outbox_backoff(1000000), 3600);
    ck_assert_int_ge(mc_outbox_backoff(-3), 0);
}
END_TEST

Suite *suite_outbox(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("backoff");
    tcase_add_test(tc, backoff_schedule);
    tcase_add_test(tc, backoff_monotonic_and_capped);
    suite_add_tcase(s, tc);
    return s;
}
