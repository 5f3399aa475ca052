/* Check runner: every tests/unit/test_NAME.c defines Suite *suite_NAME(void);
 * the Makefile lists them in build/unit_suites.h. */
#include <check.h>
#include <stdlib.h>

#include "unit_suites.h"

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < sizeof(mc_unit_suites) / sizeof(mc_unit_suites[0]); i++)
        srunner_add_suite(sr, mc_unit_suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
