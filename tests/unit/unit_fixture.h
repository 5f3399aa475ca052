/* unit_fixture.h: what the unit-test files share: a pool per test and the
 * building of a suite's test cases from a list. */
#ifndef MC_UNIT_FIXTURE_H
#define MC_UNIT_FIXTURE_H

#include <apr_pools.h>
#include <check.h>

/* The running test's pool, made by mc_test_pool_setup (after
 * apr_initialize) and destroyed by mc_test_pool_teardown (then
 * apr_terminate). A suite whose tests need more calls these from its own
 * setup and teardown. */
extern apr_pool_t *mc_test_pool;
void mc_test_pool_setup(void);
void mc_test_pool_teardown(void);

/* Adds to s a test case called name holding tests[0..n), in that order,
 * each run between setup and teardown when they are given (as checked
 * fixtures: in the test's own process), with timeout seconds when
 * timeout > 0 (else Check's default). Returns it, for loop tests. */
TCase *mc_test_tcase(Suite *s, const char *name, SFun setup, SFun teardown, double timeout,
                     const TTest *const *tests, size_t n);

/* mc_test_tcase with the tests listed in place:
 * MC_TEST_TCASE(s, "core", setup, teardown, 0, test_a, test_b); */
#define MC_TEST_TCASE(s, name, setup, teardown, timeout, ...)                                      \
    mc_test_tcase((s), (name), (setup), (teardown), (timeout),                                     \
                  (const TTest *const[]){__VA_ARGS__},                                             \
                  sizeof((const TTest *const[]){__VA_ARGS__}) / sizeof(const TTest *))

/* Defines Suite *suite_NAME(void) (declared for every test_NAME.c by the
 * Makefile): the suite NAME of one test case, also called NAME, made by
 * MC_TEST_TCASE from the rest:
 * MC_TEST_SUITE(route, setup, teardown, 0, test_literal, test_parameters) */
#define MC_TEST_SUITE(name, setup, teardown, timeout, ...)                                         \
    Suite *suite_##name(void)                                                                      \
    {                                                                                              \
        Suite *s = suite_create(#name);                                                            \
        MC_TEST_TCASE(s, #name, setup, teardown, timeout, __VA_ARGS__);                            \
        return s;                                                                                  \
    }

/* Elements in the array a. */
#define MC_TEST_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
