/* Unit tests of mc_smtp: address checks, refusal of header injection
 * before any connection is made, and sessions (one connection for many
 * messages, PIPELINING, RSET, reconnection) against a tiny SMTP server
 * running in a thread of the test. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "mc_smtp.h"
#include "unit_fixture.h"

START_TEST(email_ok)
{
    static const char *const good[] = {"a@b.cd", "jdoe@example.test",
                                       "first.last+tag@sub.court.mo.gov", "x_y-z@a-b.example"};
    static const char *const bad[] = {
        NULL,       "",         "plain",         "@example.test", "a@",
        "a@b",      "a@@b.cd",  "a@b@c.de",      "a b@c.de",      "a@b.cd\r\nBcc: x@y.zz",
        "a@b.cd\n", "<a@b.cd>", "a@b.cd,c@d.ef", "a@.b.cd",       "a@b.cd.",
        "a@b..cd",  ".a@b.cd",  "a.@b.cd",       "a\"q@b.cd",     "\xc3\xa9@b.cd",
        "a@b.cd;"};
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
    mc_mail m = {
        "noreply@court.test", "Court", "jdoe@example.test", NULL, "Your code", "Body\n", NULL};

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
    m.message_id_domain = NULL;
    static const char *const bad_ids[] = {
        "", "a b", "x>\r\nBcc: v@example.test", "a@b", ".a", "a.", "a..b", "<a>"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        m.message_id_local = bad_ids[i];
        ck_assert_msg(send_to_nowhere(p, &m, &err) == APR_EINVAL, "accepted Message-ID #%zu", i);
    }
    m.message_id_local = "notice.42.1700000000";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EAGAIN);
    static const char *const bad_urls[] = {"https://court.test/stop/1/a\r\nBcc: v@example.test",
                                           "https://court.test/stop/1/a>, <mailto:v@example.test",
                                           "https://court.test/stop 1",
                                           "mailto:v@example.test",
                                           "javascript:alert(1)",
                                           "https://court.test/\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
        m.list_unsubscribe = bad_urls[i];
        ck_assert_msg(send_to_nowhere(p, &m, &err) == APR_EINVAL, "accepted URL #%zu", i);
    }
    m.list_unsubscribe = "https://court.test/casenet/stop/7/abc_-";
    ck_assert_int_eq(send_to_nowhere(p, &m, &err), APR_EAGAIN);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* ---- sessions, against a tiny SMTP server in a thread -------------------- */

typedef struct {
    int lfd, port;
    int pipelining;          /* advertise PIPELINING */
    int close_after;         /* drop a connection after this many messages (0: never) */
    const char *reject_rcpt; /* answered 550 */
    int tempfail_msg;        /* the nth message overall (1-based) gets 451 */
    int connections, messages, max_lines_per_read;
    char log[32768]; /* every command line received, each ending in '\n' */
    size_t loglen;
    volatile int stop;
    pthread_t thread;
} tsrv;

static void tsrv_log(tsrv *s, const char *line, size_t n)
{
    if (s->loglen + n + 2 < sizeof(s->log)) {
        memcpy(s->log + s->loglen, line, n);
        s->loglen += n;
        s->log[s->loglen++] = '\n';
        s->log[s->loglen] = '\0';
    }
}

static void tsrv_say(int fd, const char *text)
{
    ssize_t n = write(fd, text, strlen(text));
    (void)n;
}

/* One connection: a line-by-line SMTP state machine. */
static void tsrv_conn(tsrv *s, int fd)
{
    char buf[65536];
    size_t len = 0;
    int in_data = 0, mail = 0, rcpts = 0, here = 0;
    tsrv_say(fd, "220 test ESMTP\r\n");
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        int lines = 0;
        char *p = buf, *nl;
        while ((nl = strstr(p, "\r\n")) != NULL) {
            size_t ln = (size_t)(nl - p);
            if (in_data) {
                if ((ln > 11 && strncasecmp(p, "Message-ID:", 11) == 0) ||
                    (ln > 16 && strncasecmp(p, "List-Unsubscribe", 16) == 0))
                    tsrv_log(s, p, ln);
                if (ln == 1 && p[0] == '.') {
                    in_data = 0;
                    s->messages++;
                    here++;
                    mail = rcpts = 0;
                    if (s->tempfail_msg == s->messages)
                        tsrv_say(fd, "451 4.3.0 try later\r\n");
                    else
                        tsrv_say(fd, "250 accepted\r\n");
                    if (s->close_after && here >= s->close_after) {
                        close(fd);
                        return;
                    }
                }
                p = nl + 2;
                continue;
            }
            lines++;
            tsrv_log(s, p, ln);
            if (strncmp(p, "EHLO", 4) == 0)
                tsrv_say(fd, s->pipelining
                                 ? "250-test\r\n250-SIZE 1000000\r\n250-PIPELINING\r\n250 "
                                   "8BITMIME\r\n"
                                 : "250-test\r\n250 8BITMIME\r\n");
            else if (strncmp(p, "MAIL", 4) == 0) {
                tsrv_say(fd, mail ? "503 nested MAIL\r\n" : "250 ok\r\n");
                mail = 1;
            }
            else if (strncmp(p, "RCPT", 4) == 0) {
                if (!mail)
                    tsrv_say(fd, "503 need MAIL\r\n");
                else if (s->reject_rcpt && memmem(p, ln, s->reject_rcpt, strlen(s->reject_rcpt)))
                    tsrv_say(fd, "550 5.1.1 no such user\r\n");
                else {
                    rcpts++;
                    tsrv_say(fd, "250 ok\r\n");
                }
            }
            else if (strncmp(p, "DATA", 4) == 0) {
                if (!rcpts)
                    tsrv_say(fd, "503 need RCPT\r\n");
                else {
                    in_data = 1;
                    tsrv_say(fd, "354 go ahead\r\n");
                }
            }
            else if (strncmp(p, "RSET", 4) == 0) {
                mail = rcpts = 0;
                tsrv_say(fd, "250 ok\r\n");
            }
            else if (strncmp(p, "QUIT", 4) == 0) {
                tsrv_say(fd, "221 bye\r\n");
                close(fd);
                return;
            }
            else
                tsrv_say(fd, "500 what\r\n");
            p = nl + 2;
        }
        if (lines > s->max_lines_per_read)
            s->max_lines_per_read = lines;
        len -= (size_t)(p - buf);
        memmove(buf, p, len);
    }
    close(fd);
}

static void *tsrv_main(void *arg)
{
    tsrv *s = arg;
    while (!s->stop) {
        struct pollfd pfd = {s->lfd, POLLIN, 0};
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        s->connections++;
        tsrv_conn(s, fd);
    }
    return NULL;
}

static void tsrv_start(tsrv *s)
{
    /* As httpd and mocourts-admin: a write to a closed connection is an
     * error to handle, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->lfd, 0);
    ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(s->lfd, 8), 0);
    ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, tsrv_main, s), 0);
}

static void tsrv_stop(tsrv *s)
{
    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->lfd);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static mc_mail mail_to(const char *to)
{
    mc_mail m = {"noreply@court.test",   "Court", to, NULL, "Docket entry",
                 "A new entry.\n.dot\n", NULL};
    return m;
}

static void session_messages(int pipelining)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = pipelining;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
    for (int i = 0; i < 5; i++) {
        mc_mail m = mail_to(apr_psprintf(p, "user%d@example.test", i));
        ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
        ck_assert_ptr_null(err);
    }
    ck_assert_int_eq(mc_smtp_session_pipelining(ss), pipelining);
    mc_smtp_session_close(ss);
    tsrv_stop(&s);
    ck_assert_int_eq(s.connections, 1);
    ck_assert_int_eq(mc_smtp_session_connections(ss), 1);
    ck_assert_int_eq(s.messages, 5);
    ck_assert_int_eq(count_of(s.log, "EHLO "), 1);
    ck_assert_int_eq(count_of(s.log, "MAIL FROM:<noreply@court.test>"), 5);
    ck_assert_int_eq(count_of(s.log, "RCPT TO:<user4@example.test>"), 1);
    ck_assert_int_eq(count_of(s.log, "RSET"), 0); /* a completed transaction needs none */
    ck_assert_int_eq(count_of(s.log, "QUIT"), 1);
    /* Pipelined: MAIL, RCPT and DATA arrive together; else one at a time. */
    if (pipelining)
        ck_assert_int_ge(s.max_lines_per_read, 3);
    else
        ck_assert_int_eq(s.max_lines_per_read, 1);
    apr_pool_destroy(p);
    apr_terminate();
}

START_TEST(session_keeps_connection_pipelined)
{
    session_messages(1);
}
END_TEST

START_TEST(session_keeps_connection_step_by_step)
{
    session_messages(0);
}
END_TEST

/* A refused recipient fails its message (permanently) and the next one
 * starts with RSET on the same connection. */
START_TEST(session_rset_after_refused_recipient)
{
    for (int pipelining = 0; pipelining < 2; pipelining++) {
        apr_pool_t *p;
        const char *err = NULL;
        tsrv s;
        memset(&s, 0, sizeof(s));
        s.pipelining = pipelining;
        s.reject_rcpt = "gone@example.test";
        tsrv_start(&s);
        apr_initialize();
        apr_pool_create(&p, NULL);
        mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
        mc_mail a = mail_to("one@example.test"), b = mail_to("gone@example.test"),
                c = mail_to("two@example.test");
        ck_assert_int_eq(mc_smtp_session_send(ss, p, &a, &err), APR_SUCCESS);
        ck_assert_int_eq(mc_smtp_session_send(ss, p, &b, &err), APR_EINVAL);
        ck_assert_ptr_nonnull(err);
        ck_assert_msg(strstr(err, "550") && strstr(err, "RCPT TO"), "reason: %s", err);
        ck_assert_int_eq(mc_smtp_session_send(ss, p, &c, &err), APR_SUCCESS);
        mc_smtp_session_close(ss);
        tsrv_stop(&s);
        ck_assert_int_eq(s.connections, 1);
        ck_assert_int_eq(s.messages, 2);
        ck_assert_int_eq(count_of(s.log, "RSET"), 1);
        const char *rset = strstr(s.log, "RSET"), *two = strstr(s.log, "two@example.test");
        ck_assert_ptr_nonnull(rset);
        ck_assert_ptr_nonnull(two);
        ck_assert_msg(rset < two, "RSET before the next transaction");
        apr_pool_destroy(p);
        apr_terminate();
    }
}
END_TEST

/* A 4xx at the end of DATA is retryable; the connection goes on. */
START_TEST(session_temporary_failure_then_more)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = 1;
    s.tempfail_msg = 2;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
    mc_mail m = mail_to("one@example.test");
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EAGAIN);
    ck_assert_msg(strstr(err, "451"), "reason: %s", err);
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    mc_smtp_session_close(ss);
    tsrv_stop(&s);
    ck_assert_int_eq(s.connections, 1);
    ck_assert_int_eq(s.messages, 3);
    ck_assert_int_eq(count_of(s.log, "RSET"), 0);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* A server that closes a kept connection: the next message goes over a
 * fresh one, and none is lost. */
START_TEST(session_reconnects_after_server_closed)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = 1;
    s.close_after = 2;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
    for (int i = 0; i < 5; i++) {
        mc_mail m = mail_to(apr_psprintf(p, "user%d@example.test", i));
        ck_assert_msg(mc_smtp_session_send(ss, p, &m, &err) == APR_SUCCESS, "message %d: %s", i,
                      err);
    }
    mc_smtp_session_close(ss);
    tsrv_stop(&s);
    ck_assert_int_eq(s.messages, 5);
    ck_assert_int_eq(s.connections, 3);
    ck_assert_int_eq(mc_smtp_session_connections(ss), 3);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* Nobody listening: the first send fails (retryable), later ones at once
 * with the same reason, without a new attempt, until the session closes. */
START_TEST(session_server_down)
{
    apr_pool_t *p;
    const char *err = NULL, *first;
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", 1, 2);
    mc_mail m = mail_to("one@example.test");
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EAGAIN);
    ck_assert_ptr_nonnull(err);
    first = err;
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EAGAIN);
    ck_assert_str_eq(err, first);
    ck_assert_int_eq(mc_smtp_session_connections(ss), 0);
    /* A bad message is still refused as such, before any network use. */
    m.subject = "x\r\nBcc: v@example.test";
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EINVAL);
    mc_smtp_session_close(ss);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* A Message-ID given by the caller goes out as is, the same on every
 * message that gives it; none given: a random one each time. */
START_TEST(session_message_id)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = 1;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
    mc_mail m = mail_to("one@example.test");
    m.message_id_local = "notice.42.1700000000";
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    m.message_id_local = NULL;
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    mc_smtp_session_close(ss);
    tsrv_stop(&s);
    ck_assert_int_eq(count_of(s.log, "Message-ID: <notice.42.1700000000@court.test>\n"), 2);
    ck_assert_int_eq(count_of(s.log, "Message-ID: <"), 4);
    const char *a = strstr(s.log, "Message-ID: <notice.42.1700000000@court.test>\n");
    a = strstr(a + 1, "Message-ID: <notice.42.1700000000@court.test>\n");
    const char *r1 = strstr(a + 1, "Message-ID: <"), *r2 = strstr(r1 + 1, "Message-ID: <");
    ck_assert_ptr_nonnull(r2);
    ck_assert_int_ne(strncmp(r1, r2, (size_t)(strchr(r1, '\n') - r1)), 0);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* RFC 8058: a message given a one-click URL carries List-Unsubscribe and
 * List-Unsubscribe-Post; one without carries neither. */
START_TEST(session_list_unsubscribe)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = 1;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", (unsigned)s.port, 5);
    mc_mail m = mail_to("one@example.test");
    m.list_unsubscribe = "https://court.test/casenet/stop/7/abc";
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    m.list_unsubscribe = NULL;
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    m.list_unsubscribe = "";
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_SUCCESS);
    mc_smtp_session_close(ss);
    tsrv_stop(&s);
    ck_assert_int_eq(s.messages, 3);
    ck_assert_int_eq(count_of(s.log, "List-Unsubscribe: <https://court.test/casenet/stop/7/abc>\n"),
                     1);
    ck_assert_int_eq(count_of(s.log, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"), 1);
    ck_assert_int_eq(count_of(s.log, "List-Unsubscribe:"), 1); /* the other two: none */
    ck_assert_int_eq(count_of(s.log, "List-Unsubscribe-Post:"), 1);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* A server that accepts the connection and never answers: the deadline
 * ends the send long before the per-step timeout (30 s here). */
START_TEST(session_deadline)
{
    apr_pool_t *p;
    const char *err = NULL;
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int lfd = socket(AF_INET, SOCK_STREAM, 0); /* listens, never accepts: no greeting */
    ck_assert_int_ge(lfd, 0);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(lfd, 8), 0);
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_smtp_session *ss = mc_smtp_session_create(p, "127.0.0.1", ntohs(a.sin_port), 30);
    mc_mail m = mail_to("one@example.test");
    apr_time_t t0 = apr_time_now();
    mc_smtp_session_set_deadline(ss, t0 + apr_time_from_msec(300));
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EAGAIN);
    apr_interval_time_t took = apr_time_now() - t0;
    ck_assert_msg(took >= apr_time_from_msec(250) && took < apr_time_from_sec(3),
                  "the send took %" APR_TIME_T_FMT " us", took);
    ck_assert_ptr_nonnull(strstr(err, "greeting"));
    /* Past the deadline: no wait at all. */
    mc_smtp_session_close(ss);
    t0 = apr_time_now();
    ck_assert_int_eq(mc_smtp_session_send(ss, p, &m, &err), APR_EAGAIN);
    ck_assert(apr_time_now() - t0 < apr_time_from_msec(200));
    mc_smtp_session_close(ss);
    close(lfd);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

/* mc_smtp_send: one connection per message, ended with QUIT. */
START_TEST(send_one_message)
{
    apr_pool_t *p;
    const char *err = NULL;
    tsrv s;
    memset(&s, 0, sizeof(s));
    s.pipelining = 1;
    tsrv_start(&s);
    apr_initialize();
    apr_pool_create(&p, NULL);
    mc_mail m = mail_to("one@example.test");
    m.cc = "copy@example.test, gone@example.test";
    s.reject_rcpt = "gone@example.test";
    ck_assert_int_eq(mc_smtp_send(p, "127.0.0.1", (unsigned)s.port, 5, &m, &err), APR_SUCCESS);
    ck_assert_int_eq(mc_smtp_send(p, "127.0.0.1", (unsigned)s.port, 5, &m, &err), APR_SUCCESS);
    tsrv_stop(&s);
    ck_assert_int_eq(s.connections, 2);
    ck_assert_int_eq(s.messages, 2);
    ck_assert_int_eq(count_of(s.log, "QUIT"), 2);
    ck_assert_int_eq(count_of(s.log, "RCPT TO:<copy@example.test>"), 2);
    apr_pool_destroy(p);
    apr_terminate();
}
END_TEST

Suite *suite_smtp(void)
{
    Suite *s = suite_create("smtp");
    MC_TEST_TCASE(s, "smtp", NULL, NULL, 0, email_ok, email_list_ok, header_injection_refused);
    MC_TEST_TCASE(s, "session", NULL, NULL, 30, session_keeps_connection_pipelined,
                  session_keeps_connection_step_by_step, session_rset_after_refused_recipient,
                  session_temporary_failure_then_more, session_reconnects_after_server_closed,
                  session_server_down, send_one_message, session_message_id,
                  session_list_unsubscribe, session_deadline);
    return s;
}
