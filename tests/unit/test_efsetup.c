/* Unit tests for mc_efsetup: document sizes, fees and filing codes. */
#include <check.h>
#include <string.h>

#include "mc_efsetup.h"
#include "unit_fixture.h"

/* A value and what reading it gives: the number, or (why set) a refusal
 * whose sentence holds why. */
typedef struct value_case {
    const char *s;
    apr_int64_t want;
    const char *why;
} value_case;

/* Asserts each case of c[0..n) read by parse: the number and no sentence,
 * or a sentence holding why and the number left alone. */
static void ck_values(const char *(*parse)(const char *, apr_int64_t *), const value_case *c,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        apr_int64_t got = -1;
        const char *w = parse(c[i].s, &got);
        if (c[i].why == NULL) {
            ck_assert_msg(w == NULL, "'%s' was refused: %s", c[i].s, w ? w : "");
            ck_assert_msg(got == c[i].want, "'%s' gave %ld", c[i].s, (long)got);
            continue;
        }
        ck_assert_msg(w != NULL, "'%s' was accepted", c[i].s);
        ck_assert_msg(strstr(w, c[i].why) != NULL, "'%s': '%s' lacks '%s'", c[i].s, w, c[i].why);
        ck_assert_int_eq(got, -1);
    }
}

#define MB (1024 * 1024)

START_TEST(test_size)
{
    static const value_case cases[] = {
        {"25MB", 25 * MB},
        {"25 mb", 25 * MB},
        {"1MB", MB},
        {"1048576", 1048576},
        {"1048576B", 1048576},
        {"2048KB", 2 * MB},
        {"1GB", 1024 * MB},
        {"1024MB", 1024 * MB},
        {"1048575", 0, "at least 1 MB"},
        {"0", 0, "at least 1 MB"},
        {"1023KB", 0, "at least 1 MB"},
        {"1025MB", 0, "at most 1 GB"},
        {"2GB", 0, "at most 1 GB"},
        {"99999999999999999999999GB", 0, "at most 1 GB"},
        {"25TB", 0, "whole number"},
        {"2.5MB", 0, "whole number"},
        {"-5MB", 0, "whole number"},
        {"MB", 0, "whole number"},
        {"", 0, "whole number"},
        {"25MB ", 0, "whole number"},
        {"25  MB", 0, "whole number"},
        {"1048576 ", 0, "whole number"},
    };

    ck_values(mc_efsetup_size, cases, MC_TEST_COUNT(cases));
}
END_TEST

START_TEST(test_fee)
{
    static const value_case cases[] = {
        {"95.00", 9500},
        {"95", 9500},
        {"95.5", 9550},
        {"0.00", 0},
        {"0", 0},
        {"0.07", 7},
        {"100000.00", 10000000},
        {"100000.01", 0, "at most 100000.00"},
        {"99999999999999999999999", 0, "at most"},
        {"-1.00", 0, "negative"},
        {"1.234", 0, "two decimals"},
        {"1.", 0, "two decimals"},
        {".50", 0, "two decimals"},
        {"$95.00", 0, "two decimals"},
        {"95,00", 0, "two decimals"},
        {"", 0, "two decimals"},
        {"1e3", 0, "two decimals"},
    };

    ck_values(mc_efsetup_fee, cases, MC_TEST_COUNT(cases));
}
END_TEST

START_TEST(test_code)
{
    ck_assert(mc_efsetup_code_ok("PET"));
    ck_assert(mc_efsetup_code_ok("EOA-2"));
    ck_assert(mc_efsetup_code_ok("A2345678901234567890"));
    ck_assert(!mc_efsetup_code_ok("A23456789012345678901"));
    ck_assert(!mc_efsetup_code_ok(""));
    ck_assert(!mc_efsetup_code_ok(NULL));
    ck_assert(!mc_efsetup_code_ok("pet"));
    ck_assert(!mc_efsetup_code_ok("-PET"));
    ck_assert(!mc_efsetup_code_ok("P T"));
    ck_assert(!mc_efsetup_code_ok("P'T"));
}
END_TEST

MC_TEST_SUITE(efsetup, NULL, NULL, 0, test_size, test_fee, test_code)
