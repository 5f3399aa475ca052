/* Unit tests for mc_once: one-time form tokens keyed with a session's
 * anti-CSRF value. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "mc_crypto.h"
#include "mc_once.h"
#include "unit_fixture.h"

static const char *key_a, *key_b;
static const apr_time_t DAY = APR_USEC_PER_SEC * 86400;

static void setup(void)
{
    mc_test_pool_setup();
    ck_assert_int_eq(mc_crypto_init(), APR_SUCCESS);
    key_a = mc_token_new(mc_test_pool);
    key_b = mc_token_new(mc_test_pool);
}

static void teardown(void)
{
    mc_test_pool_teardown();
}

START_TEST(test_made_tokens_verify_once_per_key)
{
    apr_time_t now = apr_time_now();
    const char *t = mc_once_make(mc_test_pool, key_a, now),
               *u = mc_once_make(mc_test_pool, key_a, now);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_le(strlen(t), MC_ONCE_MAX_CHARS);
    ck_assert_str_ne(t, u); /* a fresh nonce each time */
    ck_assert_ptr_null(mc_once_refusal(mc_test_pool, key_a, t, now, DAY));
    ck_assert_ptr_null(mc_once_refusal(mc_test_pool, key_a, u, now + DAY - APR_USEC_PER_SEC, DAY));
    /* Another session's key: made up, whatever its age. */
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_b, t, now, DAY),
                     "form token of another session or made up");
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_b, t, now + 3 * DAY, DAY),
                     "form token of another session or made up");
    ck_assert_ptr_null(mc_once_make(mc_test_pool, NULL, now));
    ck_assert_ptr_null(mc_once_make(mc_test_pool, "short", now));
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, NULL, t, now, DAY),
                     "form token of another session or made up");
}
END_TEST

START_TEST(test_expired_and_future_refused)
{
    apr_time_t now = apr_time_now();
    const char *t = mc_once_make(mc_test_pool, key_a, now);
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, t, now + DAY + 2 * APR_USEC_PER_SEC, DAY),
                     "form token expired");
    /* Another node's clock a little ahead is fine; far ahead is not. */
    ck_assert_ptr_null(mc_once_refusal(mc_test_pool, key_a, t, now - 60 * APR_USEC_PER_SEC, DAY));
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, t, now - 3600 * APR_USEC_PER_SEC, DAY),
                     "form token expired");
}
END_TEST

START_TEST(test_altered_and_malformed_refused)
{
    apr_time_t now = apr_time_now();
    const char *t = mc_once_make(mc_test_pool, key_a, now), *dot = strchr(t, '.');
    char *x;
    size_t n = strlen(t);
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, NULL, now, DAY), "no form token");
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, "", now, DAY), "no form token");
    /* Each part changed: the time (an old token made young), the nonce, the MAC. */
    x = apr_pstrdup(mc_test_pool, t);
    x[dot - t - 1] = x[dot - t - 1] == '9' ? '8' : x[dot - t - 1] + 1;
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, x, now, DAY),
                     "form token of another session or made up");
    x = apr_pstrdup(mc_test_pool, t);
    x[dot - t + 1] = x[dot - t + 1] == 'A' ? 'B' : 'A';
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, x, now, DAY),
                     "form token of another session or made up");
    x = apr_pstrdup(mc_test_pool, t);
    x[n - 1] = x[n - 1] == '0' ? '1' : '0';
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, x, now, DAY),
                     "form token of another session or made up");
    /* Upper-case hex is not what mc_once_make writes. */
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, "1.AAAAAAAAAAAAAAAAAAAAAA.abc", now, DAY),
                     "malformed form token");
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a, key_a, now, DAY), "malformed form token");
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a,
                                     "x1.AAAAAAAAAAAAAAAAAAAAAA."
                                     "0123456789abcdef0123456789abcdef",
                                     now, DAY),
                     "malformed form token");
    ck_assert_str_eq(mc_once_refusal(mc_test_pool, key_a,
                                     "1.AAAAAAAAAAAA+AAAAAAAAA."
                                     "0123456789abcdef0123456789abcdef",
                                     now, DAY),
                     "malformed form token");
    ck_assert_str_eq(
        mc_once_refusal(mc_test_pool, key_a, apr_pstrcat(mc_test_pool, t, t, NULL), now, DAY),
        "malformed form token");
}
END_TEST

MC_TEST_SUITE(once, setup, teardown, 0, test_made_tokens_verify_once_per_key,
              test_expired_and_future_refused, test_altered_and_malformed_refused)
