/* Unit tests for mc_webhook: secrets, the Standard Webhooks signature,
 * the endpoint URL rule and the backoff. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <sodium.h>
#include <string.h>

#include "mc_crypto.h"
#include "mc_webhook.h"
#include "mc_webhook_send.h"
#include "unit_fixture.h"

static void setup(void)
{
    mc_test_pool_setup();
    ck_assert_int_eq(mc_crypto_init(), APR_SUCCESS);
}

static void teardown(void)
{
    mc_test_pool_teardown();
}

START_TEST(test_secret_shape)
{
    const char *a = mc_webhook_secret_new(mc_test_pool);
    const char *b = mc_webhook_secret_new(mc_test_pool);
    unsigned char raw[64];
    size_t n = 0;
    ck_assert_str_ne(a, b);
    ck_assert(strncmp(a, "whsec_", 6) == 0);
    ck_assert_int_eq(sodium_base642bin(raw, sizeof(raw), a + 6, strlen(a + 6), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    ck_assert_uint_eq(n, 32);
}
END_TEST

/* The example of the Standard Webhooks specification (and of Svix's
 * libraries): this secret, id, timestamp and body sign to this value. */
START_TEST(test_signature_known_answer)
{
    const char *body = "{\"test\": 2432232314}";
    const char *sig = mc_webhook_signature(mc_test_pool, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                           "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                                           strlen(body));
    ck_assert_ptr_nonnull(sig);
    ck_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    ck_assert_ptr_null(mc_webhook_signature(mc_test_pool, "nope", "msg_x", 1, "{}", 2));
}
END_TEST

START_TEST(test_url_rule)
{
    apr_pool_t *p = mc_test_pool;
    ck_assert_ptr_null(mc_webhook_url_refusal(p, "https://example.com/hook"));
    ck_assert_ptr_null(mc_webhook_url_refusal(p, "https://example.com:8443/a?b=c"));
    ck_assert_ptr_null(mc_webhook_url_refusal(p, "http://127.0.0.1:8080/hook"));
    ck_assert_ptr_null(mc_webhook_url_refusal(p, "http://127.1.2.3/hook"));
    ck_assert_ptr_null(mc_webhook_url_refusal(p, "http://[::1]:9000/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "http://example.com/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "http://localhost/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "http://127.0.0.1.example.com/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "http://10.0.0.1/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "ftp://example.com/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "https://user:pw@example.com/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "https://example.com/a b"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, "example.com/hook"));
    ck_assert_ptr_nonnull(mc_webhook_url_refusal(p, ""));
}
END_TEST

START_TEST(test_backoff_and_events)
{
    int total = 0;
    ck_assert_int_eq(mc_webhook_backoff(1), 5);
    ck_assert_int_eq(mc_webhook_backoff(2), 60);
    for (int n = 1; n < 20; n++) {
        ck_assert_int_ge(mc_webhook_backoff(n + 1), mc_webhook_backoff(n));
        total += mc_webhook_backoff(n);
    }
    ck_assert_int_ge(total, 24 * 3600); /* retries reach the 24 hours */
    ck_assert(mc_webhook_event_ok("docket.entry.created"));
    ck_assert(mc_webhook_event_ok("hearing.scheduled"));
    ck_assert(mc_webhook_event_ok("filing.status.changed"));
    ck_assert(!mc_webhook_event_ok("docket.entry"));
    ck_assert(!mc_webhook_event_ok(NULL));
}
END_TEST

MC_TEST_SUITE(webhook, setup, teardown, 30, test_secret_shape, test_signature_known_answer,
              test_url_rule, test_backoff_and_events)
