/* Unit tests for mc_migrate_components: core first, then by name, each
 * component after those its REQUIRES file names. */
#include <check.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_migrate.h"
#include "unit_fixture.h"

static const char *root;

static void mkcomp(const char *name, const char *requires)
{
    const char *dir = apr_pstrcat(mc_test_pool, root, "/", name, NULL);
    ck_assert_int_eq(apr_dir_make(dir, APR_OS_DEFAULT, mc_test_pool), APR_SUCCESS);
    if (requires) {
        FILE *f = fopen(apr_pstrcat(mc_test_pool, dir, "/REQUIRES", NULL), "w");
        ck_assert_ptr_nonnull(f);
        fputs(requires, f);
        fclose(f);
    }
}

static const char *order(void)
{
    apr_array_header_t *a = mc_migrate_components(mc_test_pool, root);
    const char *s = "";
    for (int i = 0; i < a->nelts; i++)
        s = apr_pstrcat(mc_test_pool, s, i ? " " : "", APR_ARRAY_IDX(a, i, const char *), NULL);
    return s;
}

static void setup(void)
{
    char tmpl[] = "/tmp/mc-migrate-XXXXXX";
    mc_test_pool_setup();
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    root = apr_pstrdup(mc_test_pool, tmpl);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void teardown(void)
{
    nftw(root, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    mc_test_pool_teardown();
}

START_TEST(test_name_order)
{
    mkcomp("registration", NULL);
    mkcomp("core", NULL);
    mkcomp("casetrack", NULL);
    ck_assert_str_eq(order(), "core casetrack registration");
}
END_TEST

START_TEST(test_requires)
{
    mkcomp("core", NULL);
    mkcomp("casetrack", NULL);
    mkcomp("efiling", "# tables we refer to\ncasetrack\ngroups  # mc_group\n\n");
    mkcomp("groups", NULL);
    mkcomp("registration", NULL);
    ck_assert_str_eq(order(), "core casetrack groups efiling registration");
}
END_TEST

START_TEST(test_unknown_and_cycle)
{
    mkcomp("core", NULL);
    mkcomp("aaa", "nowhere"); /* not shipped: ignored */
    mkcomp("bbb", "ccc");
    mkcomp("ccc", "bbb core # no newline at the end"); /* a cycle: name order */
    ck_assert_str_eq(order(), "core aaa bbb ccc");
}
END_TEST

MC_TEST_SUITE(migrate, setup, teardown, 0, test_name_order, test_requires, test_unknown_and_cycle)
