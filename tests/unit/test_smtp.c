/* Unit tests of mc_smtp: address checks and refusal of header injection
 * before any connection is made. */
#include <check.h>
#include <string.h>

#include <apr_general.h>

#include "mc_smtp.h"

START_TEST(email_ok)
{
    static const char *const good[] = {"a@b.cd", "jdoe@example.test", "first.last+tag@sub.court.mo.gov",
                                       "x_y-z@a-b.example"};
    static const char *const bad[] = {NULL, "", "plain", "@example.test", "a@", "a@b", "a@@b.cd",
                                      "a@b@c.de", "a b@c.de", "a@b.cd\r\nBcc: x@y.zz", "a@b.cd\n",
                                      "<a@b.cd>", "a@b.cd,c@d.ef", "a@.b.cd", "a@b.cd.", "a@b..cd",
                                      ".a@b.cd", "a.@b.cd", "a\"q@b.cd", "\xc3\xa9@b.cd", "a@b.cd;"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        ck_assert_msg(mc_email_ok(good[i]), "refused %s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!mc_email_ok(bad[i]), "accepted bad address #%zu", i);
    char longaddr[300];
    memset(longaddr, 'a', sizeof(longaddr));
    memcpy(longaddr + 250, "@b.cd", 6); /* 255 bytes */
    ck_assert(!mc_email_ok(longaddr));
}
END_TEST

START_TEST(email_list_ok)
{
    ck_assert(mc_email_list_ok(NULL));
    ck_assert(mc_email_list_ok(""));
    ck_assert(mc_email_list_ok("a@b.cd"));
    ck_assert(mc_email_list_ok(" a@b.cd , c@d.ef,"));
    ck_assert(!mc_email_list_ok("a@b.cd, nope"));
    ck_assert(!mc_email_list_ok("a@b.cd\r\nBcc: e@f.gh"));
}
END_TEST

static apr_status_t send_to_nowhere(apr_pool_t *p, mc_mail *m, const char **err)
{
    /* Port 1 on loopback: nothing listens; a connection attempt would
     * answer APR_EAGAIN, a refused header APR_EINVAL. */
    return mc_smtp_send(p, "127.0.0.1", 1, 2, m, err);
}

START_TEST(header_injection_refused)
{
    apr_pool_t *p;
    const char *err = NULL;
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_mail m = {"noreply@court.test", "Court", "jdoe@example.test", NULL,
                 "Your code", "Body\n", NULL};

    /* The baseline reaches the network (and fails there, retryable). */
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EAGAIN);

    m.subject = "Hello\r\nBcc: victim@example.test";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.subject = "Hello\nX-Injected: 1";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.subject = "ok";
    m.from_name = "Court\rX: y";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.from_name = "Court";
    m.to = "jdoe@example.test\r\nRCPT TO:<x@y.zz>";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.to = "jdoe@example.test";
    m.cc = "a@b.cd, c@d.ef\nBcc: x@y.zz";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.cc = NULL;
    m.from = "court";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    m.from = "noreply@court.test";
    m.message_id_domain = "court.test\r\n";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EINVAL);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

Suite *suite_smtp(void)
{
    Suite *s = suite_create("smtp");
    TCase *tc = tcase_create("smtp");
    tcase_add_test(tc, email_ok);
    tcase_add_test(tc, email_list_ok);
    tcase_add_test(tc, header_injection_refused);
    suite_add_tcase(s, tc);
    return s;
}
