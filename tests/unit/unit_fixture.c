/* unit_fixture.c: the per-test pool and test-case building of
 * unit_fixture.h. */
#include <apr_general.h>

#include "unit_fixture.h"

apr_pool_t *mc_test_pool;

void mc_test_pool_setup(void)
{
    apr_initialize();
    apr_pool_create(&mc_test_pool, NULL);
}

void mc_test_pool_teardown(void)
{
    apr_pool_destroy(mc_test_pool);
    mc_test_pool = NULL;
    apr_terminate();
}

TCase *mc_test_tcase(Suite *s, const char *name, SFun setup, SFun teardown, double timeout,
                     const TTest *const *tests, size_t n)
{
    TCase *tc = tcase_create(name);

    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    if (timeout > 0)
        tcase_set_timeout(tc, timeout);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return tc;
}
