/* Unit tests of mc_outbox that need no database: the retry schedule and
 * the SMS/voice gateway command. (Claims, bulk outcomes and workers are
 * tested against MariaDB in tests/integration/test_delivery_batch.py.) */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "mc_outbox.h"
#include "unit_fixture.h"

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

/* A gateway script in a temporary file: it keeps argv and stdin beside it. */
static const char *gateway_script(apr_pool_t *p, const char *dir, int status)
{
    const char *path = apr_pstrcat(p, dir, "/gw.sh", NULL);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "#!/bin/sh\nprintf '%%s %%s' \"$1\" \"$2\" > '%s/args'\ncat > '%s/body'\nexit %d\n",
            dir, dir, status);
    fclose(f);
    ck_assert_int_eq(chmod(path, 0700), 0);
    return path;
}

static char *slurp(apr_pool_t *p, const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return apr_pstrdup(p, buf);
}

START_TEST(gateway_command)
{
    apr_pool_t *p;
    const char *err = NULL;
    char dir[] = "/tmp/mc-gw-XXXXXX";
    signal(SIGPIPE, SIG_IGN);
    apr_initialize();
    apr_pool_create(&p, NULL);
    ck_assert_ptr_nonnull(mkdtemp(dir));

    const char *ok = gateway_script(p, dir, 0);
    ck_assert_int_eq(
        mc_gateway_send(p, ok, MC_CHANNEL_SMS, "+15735550100", "Case 22SL: entry\n", &err),
        APR_SUCCESS);
    ck_assert_str_eq(slurp(p, apr_pstrcat(p, dir, "/args", NULL)), "sms +15735550100");
    ck_assert_str_eq(slurp(p, apr_pstrcat(p, dir, "/body", NULL)), "Case 22SL: entry\n");
    ck_assert_int_eq(mc_gateway_send(p, ok, MC_CHANNEL_VOICE, "5735550100", "Hearing moved", &err),
                     APR_SUCCESS);
    ck_assert_str_eq(slurp(p, apr_pstrcat(p, dir, "/args", NULL)), "voice 5735550100");

    /* A failing gateway is retryable and says why. */
    const char *bad = gateway_script(p, dir, 3);
    ck_assert_int_eq(mc_gateway_send(p, bad, MC_CHANNEL_SMS, "+15735550100", "x", &err),
                     APR_EAGAIN);
    ck_assert_msg(strstr(err, "status 3"), "reason: %s", err);

    /* Nothing to run, or not a phone number: refused before running. */
    ck_assert_int_eq(mc_gateway_send(p, NULL, MC_CHANNEL_SMS, "+15735550100", "x", &err),
                     APR_EINVAL);
    ck_assert_int_eq(mc_gateway_send(p, ok, MC_CHANNEL_SMS, "555-0100; rm -rf /", "x", &err),
                     APR_EINVAL);
    ck_assert_int_eq(mc_gateway_send(p, ok, MC_CHANNEL_EMAIL, "+15735550100", "x", &err),
                     APR_EINVAL);

    unlink(apr_pstrcat(p, dir, "/gw.sh", NULL));
    unlink(apr_pstrcat(p, dir, "/args", NULL));
    unlink(apr_pstrcat(p, dir, "/body", NULL));
    rmdir(dir);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

Suite *suite_outbox(void)
{
    Suite *s = suite_create("outbox");
    MC_TEST_TCASE(s, "backoff", NULL, NULL, 0, backoff_schedule, backoff_monotonic_and_capped);
    MC_TEST_TCASE(s, "gateway", NULL, NULL, 30, gateway_command);
    return s;
}
