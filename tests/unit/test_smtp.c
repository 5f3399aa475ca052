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
#include <stddef.h>
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

/* Port 1 on loopback: nothing listens; a connection attempt answers
 * APR_EAGAIN, a refused header APR_EINVAL. */
static apr_status_t send_to_nowhere(mc_mail *m, const char **err)
{
    return mc_smtp_send(mc_test_pool, "127.0.0.1", 1, 2, m, err);
}

/* One field of a mail that is otherwise fine, and what sending it gives. */
typedef struct mail_case {
    size_t field; /* offsetof(mc_mail, ...) */
    const char *value;
    apr_status_t want;
} mail_case;

#define MAIL_FIELD(f) offsetof(mc_mail, f)

START_TEST(header_injection_refused)
{
    static const mc_mail good = {
        "noreply@court.test", "Court", "jdoe@example.test", NULL, "Your code", "Body\n", NULL};
    static const mail_case cases[] = {
        /* The baseline reaches the network (and fails there, retryable). */
        {MAIL_FIELD(subject), "Your code", APR_EAGAIN},
        {MAIL_FIELD(subject), "Hello\r\nBcc: victim@example.test", APR_EINVAL},
        {MAIL_FIELD(subject), "Hello\nX-Injected: 1", APR_EINVAL},
        {MAIL_FIELD(from_name), "Court\rX: y", APR_EINVAL},
        {MAIL_FIELD(to), "jdoe@example.test\r\nRCPT TO:<x@y.zz>", APR_EINVAL},
        {MAIL_FIELD(cc), "a@b.cd, c@d.ef\nBcc: x@y.zz", APR_EINVAL},
        {MAIL_FIELD(from), "court", APR_EINVAL},
        {MAIL_FIELD(message_id_domain), "court.test\r\n", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "a b", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "x>\r\nBcc: v@example.test", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "a@b", APR_EINVAL},
        {MAIL_FIELD(message_id_local), ".a", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "a.", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "a..b", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "<a>", APR_EINVAL},
        {MAIL_FIELD(message_id_local), "notice.42.1700000000", APR_EAGAIN},
        {MAIL_FIELD(list_unsubscribe), "https://court.test/stop/1/a\r\nBcc: v@example.test",
         APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "https://court.test/stop/1/a>, <mailto:v@example.test",
         APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "https://court.test/stop 1", APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "mailto:v@example.test", APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "javascript:alert(1)", APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "https://court.test/\xc3\xa9", APR_EINVAL},
        {MAIL_FIELD(list_unsubscribe), "https://court.test/casenet/stop/7/abc_-", APR_EAGAIN},
    };
    const char *err = NULL;

    for (size_t i = 0; i < MC_TEST_COUNT(cases); i++) {
        mc_mail m = good;
        *(const char **)((char *)&m + cases[i].field) = cases[i].value;
        ck_assert_msg(send_to_nowhere(&m, &err) == cases[i].want, "case %zu: %s", i,
                      cases[i].value);
    }
}
END_TEST

/* ---- sessions, against a tiny SMTP server in a thread -------------------- */

/* How the test server behaves. */
typedef struct tsrv_opts {
    int pipelining;          /* advertise PIPELINING */
    int close_after;         /* drop a connection after this many messages (0: never) */
    const char *reject_rcpt; /* answered 550 */
    int tempfail_msg;        /* the nth message overall (1-based) gets 451 */
} tsrv_opts;

typedef struct {
    tsrv_opts o;
    int lfd, port;
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
                    if (s->o.tempfail_msg == s->messages)
                        tsrv_say(fd, "451 4.3.0 try later\r\n");
                    else
                        tsrv_say(fd, "250 accepted\r\n");
                    if (s->o.close_after && here >= s->o.close_after) {
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
                tsrv_say(fd, s->o.pipelining
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
                else if (s->o.reject_rcpt &&
                         memmem(p, ln, s->o.reject_rcpt, strlen(s->o.reject_rcpt)))
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

/* A socket listening on a free loopback port, *port. */
static int listen_loopback(int *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int lfd;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(lfd, 0);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(listen(lfd, 8), 0);
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
    *port = ntohs(a.sin_port);
    return lfd;
}

static void tsrv_start(tsrv *s, const tsrv_opts *o)
{
    /* As httpd and mocourts-admin: a write to a closed connection is an
     * error to handle, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    memset(s, 0, sizeof(*s));
    s->o = *o;
    s->lfd = listen_loopback(&s->port);
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

/* One message of a conversation and what sending it returns. */
typedef struct smtp_send {
    const char *to; /* NULL: the end of the conversation */
    const char *cc, *message_id_local, *list_unsubscribe;
    apr_status_t want;
    const char *reason[2]; /* when want is not APR_SUCCESS: words in *err */
} smtp_send;

/* A conversation with the test server: its behaviour, the messages sent
 * (over one session, or each by mc_smtp_send when one_shot), then what the
 * server counted (-1: not asserted) and how often lines were in its log. */
typedef struct smtp_script {
    tsrv_opts server;
    int one_shot;
    smtp_send sends[6];
    int connections, messages;
    struct {
        const char *line;
        int n;
    } log[6];
} smtp_script;

#define ANY (-1)

/* Sends sc's messages to a server started in s, asserting what each send
 * returns; returns the session, still open for smtp_end. */
static mc_smtp_session *smtp_play(const smtp_script *sc, tsrv *s)
{
    mc_smtp_session *ss;
    const char *err = NULL;

    tsrv_start(s, &sc->server);
    ss = mc_smtp_session_create(mc_test_pool, "127.0.0.1", (unsigned)s->port, 5);
    for (const smtp_send *x = sc->sends; x->to; x++) {
        mc_mail m = mail_to(x->to);
        apr_status_t rv;
        m.cc = x->cc;
        m.message_id_local = x->message_id_local;
        m.list_unsubscribe = x->list_unsubscribe;
        rv = sc->one_shot ? mc_smtp_send(mc_test_pool, "127.0.0.1", (unsigned)s->port, 5, &m, &err)
                          : mc_smtp_session_send(ss, mc_test_pool, &m, &err);
        ck_assert_msg(rv == x->want, "message %d to %s: %d (%s)", (int)(x - sc->sends), x->to, rv,
                      err ? err : "");
        if (x->want == APR_SUCCESS) {
            ck_assert_ptr_null(err);
            continue;
        }
        ck_assert_ptr_nonnull(err);
        for (int i = 0; i < 2 && x->reason[i]; i++)
            ck_assert_msg(strstr(err, x->reason[i]), "reason: %s", err);
    }
    return ss;
}

/* Closes ss, stops s (its log stays) and asserts what it counted. */
static void smtp_end(const smtp_script *sc, tsrv *s, mc_smtp_session *ss)
{
    mc_smtp_session_close(ss);
    tsrv_stop(s);
    if (sc->connections != ANY)
        ck_assert_int_eq(s->connections, sc->connections);
    if (sc->messages != ANY)
        ck_assert_int_eq(s->messages, sc->messages);
    for (int i = 0; i < 6 && sc->log[i].line; i++)
        ck_assert_msg(count_of(s->log, sc->log[i].line) == sc->log[i].n, "%s: %d, not %d",
                      sc->log[i].line, count_of(s->log, sc->log[i].line), sc->log[i].n);
}

/* smtp_play and smtp_end; returns the closed session. */
static mc_smtp_session *smtp_run(const smtp_script *sc, tsrv *s)
{
    mc_smtp_session *ss = smtp_play(sc, s);
    smtp_end(sc, s, ss);
    return ss;
}

/* clang-format off */
#define FIVE_USERS                                                                                 \
    {"user0@example.test"}, {"user1@example.test"}, {"user2@example.test"},                        \
    {"user3@example.test"}, {"user4@example.test"}
/* clang-format on */

static void session_messages(int pipelining)
{
    smtp_script sc = {.server = {.pipelining = pipelining},
                      .sends = {FIVE_USERS},
                      .connections = 1,
                      .messages = 5,
                      .log = {{"EHLO ", 1},
                              {"MAIL FROM:<noreply@court.test>", 5},
                              {"RCPT TO:<user4@example.test>", 1},
                              {"RSET", 0}, /* a completed transaction needs none */
                              {"QUIT", 1}}};
    tsrv s;
    mc_smtp_session *ss = smtp_play(&sc, &s);

    ck_assert_int_eq(mc_smtp_session_pipelining(ss), pipelining);
    smtp_end(&sc, &s, ss);
    ck_assert_int_eq(mc_smtp_session_connections(ss), 1);
    /* Pipelined: MAIL, RCPT and DATA arrive together; else one at a time. */
    if (pipelining)
        ck_assert_int_ge(s.max_lines_per_read, 3);
    else
        ck_assert_int_eq(s.max_lines_per_read, 1);
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
 * starts with RSET on the same connection; _i: with PIPELINING or not. */
START_TEST(session_rset_after_refused_recipient)
{
    smtp_script sc = {
        .server = {.pipelining = _i, .reject_rcpt = "gone@example.test"},
        .sends = {{"one@example.test"},
                  {"gone@example.test", .want = APR_EINVAL, .reason = {"550", "RCPT TO"}},
                  {"two@example.test"}},
        .connections = 1,
        .messages = 2,
        .log = {{"RSET", 1}}};
    tsrv s;

    smtp_run(&sc, &s);
    const char *rset = strstr(s.log, "RSET"), *two = strstr(s.log, "two@example.test");
    ck_assert_ptr_nonnull(rset);
    ck_assert_ptr_nonnull(two);
    ck_assert_msg(rset < two, "RSET before the next transaction");
}
END_TEST

/* A server that closes a kept connection: the next message goes over a
 * fresh one, and none is lost. */
START_TEST(session_reconnects_after_server_closed)
{
    static const smtp_script sc = {.server = {.pipelining = 1, .close_after = 2},
                                   .sends = {FIVE_USERS},
                                   .connections = 3,
                                   .messages = 5};
    tsrv s;

    ck_assert_int_eq(mc_smtp_session_connections(smtp_run(&sc, &s)), 3);
}
END_TEST

/* Nobody listening: the first send fails (retryable), later ones at once
 * with the same reason, without a new attempt, until the session closes. */
START_TEST(session_server_down)
{
    const char *err = NULL, *first;
    mc_smtp_session *ss = mc_smtp_session_create(mc_test_pool, "127.0.0.1", 1, 2);
    mc_mail m = mail_to("one@example.test");

    ck_assert_int_eq(mc_smtp_session_send(ss, mc_test_pool, &m, &err), APR_EAGAIN);
    ck_assert_ptr_nonnull(err);
    first = err;
    ck_assert_int_eq(mc_smtp_session_send(ss, mc_test_pool, &m, &err), APR_EAGAIN);
    ck_assert_str_eq(err, first);
    ck_assert_int_eq(mc_smtp_session_connections(ss), 0);
    /* A bad message is still refused as such, before any network use. */
    m.subject = "x\r\nBcc: v@example.test";
    ck_assert_int_eq(mc_smtp_session_send(ss, mc_test_pool, &m, &err), APR_EINVAL);
    mc_smtp_session_close(ss);
}
END_TEST

/* A Message-ID given by the caller goes out as is, the same on every
 * message that gives it; none given: a random one each time. */
START_TEST(session_message_id)
{
#define NOTICE_ID "Message-ID: <notice.42.1700000000@court.test>\n"
    static const smtp_script sc = {
        .server = {.pipelining = 1},
        .sends = {{"one@example.test", .message_id_local = "notice.42.1700000000"},
                  {"one@example.test", .message_id_local = "notice.42.1700000000"},
                  {"one@example.test"},
                  {"one@example.test"}},
        .connections = ANY,
        .messages = ANY,
        .log = {{NOTICE_ID, 2}, {"Message-ID: <", 4}}};
    tsrv s;

    smtp_run(&sc, &s);
    const char *a = strstr(s.log, NOTICE_ID);
    a = strstr(a + 1, NOTICE_ID);
    const char *r1 = strstr(a + 1, "Message-ID: <"), *r2 = strstr(r1 + 1, "Message-ID: <");
    ck_assert_ptr_nonnull(r2);
    ck_assert_int_ne(strncmp(r1, r2, (size_t)(strchr(r1, '\n') - r1)), 0);
#undef NOTICE_ID
}
END_TEST

/* A server that accepts the connection and never answers: the deadline
 * ends the send long before the per-step timeout (30 s here). */
START_TEST(session_deadline)
{
    const char *err = NULL;
    int port;
    int lfd = listen_loopback(&port); /* listens, never accepts: no greeting */
    mc_smtp_session *ss = mc_smtp_session_create(mc_test_pool, "127.0.0.1", (unsigned)port, 30);
    mc_mail m = mail_to("one@example.test");
    apr_time_t t0 = apr_time_now();

    mc_smtp_session_set_deadline(ss, t0 + apr_time_from_msec(300));
    ck_assert_int_eq(mc_smtp_session_send(ss, mc_test_pool, &m, &err), APR_EAGAIN);
    apr_interval_time_t took = apr_time_now() - t0;
    ck_assert_msg(took >= apr_time_from_msec(250) && took < apr_time_from_sec(3),
                  "the send took %" APR_TIME_T_FMT " us", took);
    ck_assert_ptr_nonnull(strstr(err, "greeting"));
    /* Past the deadline: no wait at all. */
    mc_smtp_session_close(ss);
    t0 = apr_time_now();
    ck_assert_int_eq(mc_smtp_session_send(ss, mc_test_pool, &m, &err), APR_EAGAIN);
    ck_assert(apr_time_now() - t0 < apr_time_from_msec(200));
    mc_smtp_session_close(ss);
    close(lfd);
}
END_TEST

/* Conversations whose counts and log lines say all (one loop iteration of
 * script_played each):
 * [0] a 4xx at the end of DATA is retryable; the connection goes on;
 * [1] RFC 8058: a message given a one-click URL carries List-Unsubscribe
 *     and List-Unsubscribe-Post; one without carries neither;
 * [2] mc_smtp_send: one connection per message, ended with QUIT. */
static const smtp_script scripts[] = {
    {.server = {.pipelining = 1, .tempfail_msg = 2},
     .sends = {{"one@example.test"},
               {"one@example.test", .want = APR_EAGAIN, .reason = {"451"}},
               {"one@example.test"}},
     .connections = 1,
     .messages = 3,
     .log = {{"RSET", 0}}},
    {.server = {.pipelining = 1},
     .sends = {{"one@example.test", .list_unsubscribe = "https://court.test/casenet/stop/7/abc"},
               {"one@example.test"},
               {"one@example.test", .list_unsubscribe = ""}},
     .connections = ANY,
     .messages = 3,
     .log = {{"List-Unsubscribe: <https://court.test/casenet/stop/7/abc>\n", 1},
             {"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n", 1},
             {"List-Unsubscribe:", 1}, /* the other two: none */
             {"List-Unsubscribe-Post:", 1}}},
    {.server = {.pipelining = 1, .reject_rcpt = "gone@example.test"},
     .one_shot = 1,
     .sends = {{"one@example.test", .cc = "copy@example.test, gone@example.test"},
               {"one@example.test", .cc = "copy@example.test, gone@example.test"}},
     .connections = 2,
     .messages = 2,
     .log = {{"QUIT", 2}, {"RCPT TO:<copy@example.test>", 2}}},
};

START_TEST(script_played)
{
    tsrv s;

    smtp_run(&scripts[_i], &s);
}
END_TEST

Suite *suite_smtp(void)
{
    Suite *s = suite_create("smtp");
    MC_TEST_TCASE(s, "smtp", mc_test_pool_setup, mc_test_pool_teardown, 0, email_ok, email_list_ok,
                  header_injection_refused);
    TCase *ts =
        MC_TEST_TCASE(s, "session", mc_test_pool_setup, mc_test_pool_teardown, 30,
                      session_keeps_connection_pipelined, session_keeps_connection_step_by_step,
                      session_reconnects_after_server_closed, session_server_down,
                      session_message_id, session_deadline);
    tcase_add_loop_test(ts, session_rset_after_refused_recipient, 0, 2);
    tcase_add_loop_test(ts, script_played, 0, (int)MC_TEST_COUNT(scripts));
    return s;
}
