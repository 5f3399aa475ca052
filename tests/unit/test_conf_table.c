/* Unit tests of mc_conf_table: the simple MoCourts* directives' types,
 * bounds, defaults and sentences, shared by httpd and mocourts-admin. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_strings.h>

#include "mc_conf_table.h"
#include "unit_fixture.h"

static const char *check(const char *name, const char *text, mc_conf_val *v)
{
    const mc_conf_entry *e = mc_conf_entry_of(name);
    ck_assert_msg(e != NULL, "%s is not in the table", name);
    return mc_conf_value(mc_test_pool, e, text, v);
}

static void refused(const char *name, const char *text, const char *why)
{
    mc_conf_val v;
    const char *got = check(name, text, &v);
    ck_assert_msg(got && strstr(got, why), "%s '%s': '%s', not '%s'", name, text,
                  got ? got : "(accepted)", why);
}

START_TEST(lookup)
{
    ck_assert_ptr_nonnull(mc_conf_entry_of("mocourtsdbport")); /* case-insensitive */
    ck_assert_ptr_null(mc_conf_entry_of("MoCourtsNothing"));
    ck_assert_ptr_null(mc_conf_entry_of("MoCourtsBaseURL")); /* rules of its own */
    ck_assert_ptr_null(mc_conf_entry_of(NULL));
    for (const mc_conf_entry *e = mc_conf_table; e->name; e++)
        ck_assert_ptr_eq(mc_conf_entry_of(e->name), e);
}
END_TEST

START_TEST(numbers)
{
    mc_conf_val v;
    ck_assert_ptr_null(check("MoCourtsDBPort", "3307", &v));
    ck_assert_int_eq(v.num, 3307);
    ck_assert_ptr_null(check("MoCourtsDBPort", "65535", &v));
    ck_assert_ptr_null(check("MoCourtsDBPoolMin", "0", &v));
}
END_TEST

START_TEST(durations)
{
    mc_conf_val v;
    ck_assert_ptr_null(check("MoCourtsDBTimeout", "2m", &v));
    ck_assert_int_eq(apr_time_sec(v.dur), 120);
    ck_assert_ptr_null(check("MoCourtsSessionCacheTTL", "0", &v)); /* its minimum is 0 */
    ck_assert_ptr_null(check("MoCourtsDeliveryLease", "1h", &v));
    ck_assert_ptr_null(check("MoCourtsSessionMax", "3650d", &v)); /* no upper bound */
    ck_assert(mc_conf_entry_of("MoCourtsDBTimeout")->seconds);
    ck_assert(!mc_conf_entry_of("MoCourtsSessionIdle")->seconds);
}
END_TEST

START_TEST(strings_flags_paths)
{
    mc_conf_val v;
    ck_assert_ptr_null(check("MoCourtsCourtName", "Test Court", &v));
    ck_assert_str_eq(v.str, "Test Court");
    ck_assert_ptr_null(check("MoCourtsMailFrom", "noreply@court.test", &v));
    ck_assert_ptr_null(check("MoCourtsSessionCookie", "mc_session-1", &v));
    ck_assert_ptr_null(check("MoCourtsDelivery", "off", &v));
    ck_assert_int_eq(v.on, 0);
    ck_assert_ptr_null(check("MoCourtsSessionSecure", "On", &v));
    ck_assert_int_eq(v.on, 1);
    ck_assert_ptr_null(check("MoCourtsTemplates", "/tmp", &v));
    char plain[64];
    snprintf(plain, sizeof(plain), "/tmp/mc_conf_table.%d.txt", (int)getpid());
    FILE *f = fopen(plain, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    chmod(plain, 0644);
    refused("MoCourtsGateway", plain, "is not executable");
    unlink(plain);
    ck_assert_ptr_null(check("MoCourtsGateway", "/bin/sh", &v));
    /* A path the caller resolved: the sentence quotes what was written. */
    const char *why = mc_conf_path_value(mc_test_pool, mc_conf_entry_of("MoCourtsSQLDir"), "sql",
                                         "/nonexistent/sql", &v);
    ck_assert_str_eq(why, "'sql' does not exist");
    ck_assert_str_eq(mc_conf_invalid(mc_test_pool, "MoCourtsDBPort", "why"),
                     "Invalid value for directive 'MoCourtsDBPort': why");
}
END_TEST

/* What each kind of directive refuses, and the sentence saying why. */
START_TEST(refusals)
{
    static const struct {
        const char *name, *text, *why;
    } want[] = {{"MoCourtsDBPort", "0", "0 is outside 1..65535"},
                {"MoCourtsDBPort", "70000", "outside 1..65535"},
                {"MoCourtsDBPort", "abc", "'abc' is not a whole number"},
                {"MoCourtsDBPort", "12x", "not a whole number"},
                {"MoCourtsDBPort", "", "not a whole number"},
                {"MoCourtsDBPoolMax", "0", "outside 1..1000"},
                {"MoCourtsHashConcurrency", "257", "outside 1..256"},
                {"MoCourtsDBTimeout", "soon", "a duration is"},
                {"MoCourtsDBTimeout", "0", "'0' is shorter than 1 s"},
                {"MoCourtsDBConnectTimeout", "2h", "it is longer than 1h"},
                {"MoCourtsDeliveryLease", "2s", "shorter than 3 s"},
                {"MoCourtsDeliveryLease", "3601", "longer than 1h"},
                {"MoCourtsSessionIdle", "0", "shorter than 1 s"},
                {"MoCourtsCourtName", "", "it is empty"},
                {"MoCourtsDBUser", "a\tb", "control character"},
                {"MoCourtsMailFrom", "nobody", "not an e-mail address"},
                {"MoCourtsSessionCookie", "a;b", "only letters, digits"},
                {"MoCourtsDelivery", "yes", "On or Off"},
                {"MoCourtsTemplates", "/nonexistent/mc", "'/nonexistent/mc' does not exist"},
                {"MoCourtsTemplates", "/etc/hostname", "is not a directory"},
                {"MoCourtsDBPasswordFile", "/tmp", "is not a file"}};
    for (size_t i = 0; i < MC_TEST_COUNT(want); i++)
        refused(want[i].name, want[i].text, want[i].why);
}
END_TEST

START_TEST(defaults)
{
    static const struct {
        const char *name, *def;
    } want[] = {{"MoCourtsDBHost", "localhost"},
                {"MoCourtsDBPort", "3306"},
                {"MoCourtsDBName", "mocourts"},
                {"MoCourtsDBPoolMin", "0"},
                {"MoCourtsDBPoolMax", "16"},
                {"MoCourtsDBConnectTimeout", "3s"},
                {"MoCourtsDBFailback", "30s"},
                {"MoCourtsDBTimeout", "10s"},
                {"MoCourtsSessionCookie", "__Host-mocourts"},
                {"MoCourtsSessionIdle", "30m"},
                {"MoCourtsSessionMax", "12h"},
                {"MoCourtsSessionSecure", "On"},
                {"MoCourtsSessionCacheTTL", "1s"},
                {"MoCourtsCourtName", "Missouri Courts"},
                {"MoCourtsTemplates", "/usr/share/mocourts/templates"},
                {"MoCourtsSQLDir", "/usr/share/mocourts/sql"},
                {"MoCourtsHashConcurrency", "4"},
                {"MoCourtsNewDeviceCode", "On"},
                {"MoCourtsHomePage", "On"},
                {"MoCourtsDelivery", "On"},
                {"MoCourtsDeliveryInterval", "5s"},
                {"MoCourtsDeliveryLease", "30s"},
                {"MoCourtsDBUser", NULL},
                {"MoCourtsMailFrom", NULL}};
    for (size_t i = 0; i < MC_TEST_COUNT(want); i++) {
        const mc_conf_entry *e = mc_conf_entry_of(want[i].name);
        ck_assert_ptr_nonnull(e);
        if (!want[i].def) {
            ck_assert_ptr_null(e->def);
            continue;
        }
        ck_assert_str_eq(e->def, want[i].def);
    }
    /* Every default but a path's (installed later) passes its own rules. */
    for (const mc_conf_entry *e = mc_conf_table; e->name; e++) {
        mc_conf_val v;
        if (e->def && e->type != MC_CONF_PATH)
            ck_assert_msg(mc_conf_value(mc_test_pool, e, e->def, &v) == NULL, "%s", e->name);
    }
}
END_TEST

START_TEST(setting)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/mc_conf_table.%d.conf", (int)getpid());
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("MoCourtsSessionIdle 10m\nMoCourtsDeliveryLease 2s\nMoCourtsDBPort 3307\n", f);
    fclose(f);
    mc_conf *c = NULL;
    const char *err = NULL;
    ck_assert_int_eq(mc_conf_read(mc_test_pool, path, &c, &err), APR_SUCCESS);
    unlink(path);
    mc_conf_val v;
    ck_assert_int_eq(mc_conf_setting(mc_test_pool, c, "MoCourtsSessionIdle", &v, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_time_sec(v.dur), 600);
    ck_assert_int_eq(mc_conf_setting(mc_test_pool, c, "MoCourtsSessionMax", &v, &err),
                     APR_SUCCESS); /* the default */
    ck_assert_int_eq(apr_time_sec(v.dur), 12 * 3600);
    ck_assert_int_eq(mc_conf_setting(mc_test_pool, c, "MoCourtsDeliveryLease", &v, &err),
                     APR_EINVAL);
    ck_assert_str_eq(err, "Invalid value for directive 'MoCourtsDeliveryLease': '2s' is "
                          "shorter than 3 s");
    ck_assert_int_eq(mc_conf_setting(mc_test_pool, c, "MoCourtsDBUser", &v, &err), APR_ENOENT);
    ck_assert_int_eq(mc_conf_setting(mc_test_pool, c, "MoCourtsNothing", &v, &err), APR_NOTFOUND);
}
END_TEST

MC_TEST_SUITE(conf_table, mc_test_pool_setup, mc_test_pool_teardown, 0, lookup, numbers, durations,
              strings_flags_paths, refusals, defaults, setting)
