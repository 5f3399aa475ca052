/* Unit tests of mc_conf: the reader of MoCourts* directives for
 * mocourts-admin, and mc_conf_parse_duration. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "mc_conf.h"
#include "unit_fixture.h"

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char *path = apr_pstrcat(mc_test_pool, dir, "/", name, NULL);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    mc_test_pool_setup();
    /* mkdtemp's template ends in six 'X's, filled in here. */
    strcpy(dir, "/tmp/mc_conf_test.123456");
    memset(dir + strlen(dir) - 6, 'X', 6);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    mkdir(apr_pstrcat(mc_test_pool, dir, "/conf.d", NULL), 0700);
}

static void teardown(void)
{
    char *cmd = apr_psprintf(mc_test_pool, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    mc_test_pool_teardown();
}

static mc_conf *read_main(const char *text)
{
    mc_conf *c = NULL;
    const char *err = NULL;
    write_file("main.conf", text);
    apr_status_t rv =
        mc_conf_read(mc_test_pool, apr_pstrcat(mc_test_pool, dir, "/main.conf", NULL), &c, &err);
    ck_assert_msg(rv == APR_SUCCESS, "mc_conf_read: %s", err ? err : "?");
    return c;
}

static const char *arg(const apr_array_header_t *a, int i)
{
    ck_assert_ptr_nonnull(a);
    ck_assert_int_gt(a->nelts, i);
    return APR_ARRAY_IDX(a, i, const char *);
}

START_TEST(quotes_and_comments)
{
    mc_conf *c = read_main("# a comment\n"
                           "   # an indented comment\n"
                           "ServerName example.test\n"
                           "MoCourtsCourtName \"Test \\\"Circuit\\\" Court\"\n"
                           "mocourtsdbuser   court_user\t\n"
                           "MoCourtsSMTP 'mail.example.test' 2525\n"
                           "<IfModule mocourts_module>\n"
                           "  MoCourtsMailFrom noreply@court.test\n"
                           "</IfModule>\n"
                           "MoCourtsLockout 5 30m\r\n");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsCourtName", NULL), "Test \"Circuit\" Court");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsDBUser", NULL), "court_user");
    const apr_array_header_t *smtp = mc_conf_args(c, "MOCOURTSSMTP");
    ck_assert_int_eq(smtp->nelts, 2);
    ck_assert_str_eq(arg(smtp, 0), "mail.example.test");
    ck_assert_str_eq(arg(smtp, 1), "2525");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsMailFrom", NULL), "noreply@court.test");
    ck_assert_str_eq(arg(mc_conf_args(c, "MoCourtsLockout"), 1), "30m");
    ck_assert_ptr_null(mc_conf_args(c, "ServerName")); /* not ours */
    ck_assert_ptr_null(mc_conf_args(c, "MoCourtsNothing"));
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsNothing", "dflt"), "dflt");
}
END_TEST

START_TEST(continuation_and_last_wins)
{
    mc_conf *c = read_main("MoCourtsDBUser first\n"
                           "MoCourtsSMTP \\\n"
                           "    relay.example.test \\\n"
                           "    587\n"
                           "MoCourtsDBUser second\n");
    const apr_array_header_t *smtp = mc_conf_args(c, "MoCourtsSMTP");
    ck_assert_int_eq(smtp->nelts, 2);
    ck_assert_str_eq(arg(smtp, 0), "relay.example.test");
    ck_assert_str_eq(arg(smtp, 1), "587");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsDBUser", NULL), "second");
    const mc_conf_directive *d = mc_conf_find(c, "MoCourtsSMTP");
    ck_assert_int_eq(d->line, 2);
}
END_TEST

START_TEST(include_glob)
{
    write_file("conf.d/10-db.conf", "MoCourtsDBName from_ten\nMoCourtsDBUser ten\n");
    write_file("conf.d/20-db.conf", "MoCourtsDBUser twenty\n");
    write_file("conf.d/skip.txt", "MoCourtsDBUser never\n");
    write_file("pw.secret", "s3cret pass\nsecond line\n");
    mc_conf *c = read_main("MoCourtsDBUser main\n"
                           "Include conf.d/*.conf\n"
                           "IncludeOptional nothing-here/*.conf\n"
                           "MoCourtsDBPasswordFile pw.secret\n");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsDBUser", NULL), "twenty");
    ck_assert_str_eq(mc_conf_str(c, "MoCourtsDBName", NULL), "from_ten");

    mc_dbconf db;
    const char *err = NULL;
    ck_assert_int_eq(mc_conf_dbconf(mc_test_pool, c, &db, &err), APR_SUCCESS);
    ck_assert_str_eq(db.user, "twenty");
    ck_assert_str_eq(db.password, "s3cret pass");
    ck_assert_str_eq(db.host, "localhost");
    ck_assert_int_eq(db.port, 3306);
    ck_assert_int_eq(db.connect_timeout, 3);
    ck_assert_int_eq(db.rw_timeout, 10);
    ck_assert_ptr_null(db.socket);
}
END_TEST

START_TEST(include_errors)
{
    mc_conf *c = NULL;
    const char *err = NULL;
    write_file("bad.conf", "Include missing/*.conf\n");
    ck_assert_int_ne(
        mc_conf_read(mc_test_pool, apr_pstrcat(mc_test_pool, dir, "/bad.conf", NULL), &c, &err),
        APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "bad.conf:1"));
    write_file("loop.conf", "Include loop.conf\n");
    ck_assert_int_ne(
        mc_conf_read(mc_test_pool, apr_pstrcat(mc_test_pool, dir, "/loop.conf", NULL), &c, &err),
        APR_SUCCESS);
    write_file("quote.conf", "MoCourtsCourtName \"unterminated\n");
    ck_assert_int_ne(
        mc_conf_read(mc_test_pool, apr_pstrcat(mc_test_pool, dir, "/quote.conf", NULL), &c, &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        mc_conf_read(mc_test_pool, apr_pstrcat(mc_test_pool, dir, "/none.conf", NULL), &c, &err),
        APR_ENOENT);
}
END_TEST

START_TEST(dbconf)
{
    mc_dbconf db;
    const char *err = NULL;
    mc_conf *c = read_main("MoCourtsDBHost db.example.test\nMoCourtsDBPort 3307\n");
    ck_assert_int_ne(mc_conf_dbconf(mc_test_pool, c, &db, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "MoCourtsDBUser"));

    c = read_main("MoCourtsDBUser u\nMoCourtsDBPassword \"p w\"\nMoCourtsDBPort 3307\n"
                  "MoCourtsDBConnectTimeout 5s\nMoCourtsDBTimeout 2m\nMoCourtsDBName court\n"
                  "MoCourtsDBSocket /run/mysqld/mysqld.sock\n");
    ck_assert_int_eq(mc_conf_dbconf(mc_test_pool, c, &db, &err), APR_SUCCESS);
    ck_assert_str_eq(db.password, "p w");
    ck_assert_int_eq(db.port, 3307);
    ck_assert_int_eq(db.connect_timeout, 5);
    ck_assert_int_eq(db.rw_timeout, 120);
    ck_assert_str_eq(db.name, "court");
    ck_assert_str_eq(db.socket, "/run/mysqld/mysqld.sock");

    c = read_main("MoCourtsDBUser u\nMoCourtsDBPort 70000\n");
    ck_assert_int_ne(mc_conf_dbconf(mc_test_pool, c, &db, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "MoCourtsDBPort"));
    c = read_main("MoCourtsDBUser u\nMoCourtsDBTimeout soon\n");
    ck_assert_int_ne(mc_conf_dbconf(mc_test_pool, c, &db, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "MoCourtsDBTimeout"));
}
END_TEST

START_TEST(durations)
{
    static const struct {
        const char *in;
        long long secs;
    } good[] = {{"45", 45},      {"45s", 45},   {"30m", 1800}, {"12h", 43200},
                {"7d", 604800},  {"0", 0},      {"1D", 86400}};
    static const char *const bad[] = {"", "s", "-5", "5x", "5 m", " 5", "5m1", "1.5h",
                                      "99999999999d", "1000000000"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        apr_interval_time_t t = -1;
        const char *why = mc_conf_parse_duration(good[i].in, &t);
        ck_assert_msg(why == NULL, "'%s' refused: %s", good[i].in, why);
        ck_assert_int_eq(apr_time_sec(t), good[i].secs);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_interval_time_t t = 0;
        ck_assert_msg(mc_conf_parse_duration(bad[i], &t) != NULL, "'%s' accepted", bad[i]);
    }
    apr_interval_time_t t;
    ck_assert_ptr_nonnull(mc_conf_parse_duration(NULL, &t));
}
END_TEST

MC_TEST_SUITE(conf, setup, teardown, 0, quotes_and_comments, continuation_and_last_wins,
              include_glob, include_errors, dbconf, durations)
