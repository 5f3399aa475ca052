/* Unit tests for mc_efsetup: document sizes, fees and filing codes. */
#include <check.h>
#include <string.h>

#include "mc_efsetup.h"
#include "unit_fixture.h"

/* A value, the function that reads it, and what that gives: the number,
 * or (why set) a refusal whose sentence holds why. Each is a loop iteration
 * of value_read. */
typedef const char *(*value_reader)(const char *, apr_int64_t *);

#define MB (1024 * 1024)

static const struct {
    value_reader read;
    const char *s;
    apr_int64_t want;
    const char *why;
} values[] = {
    /* document sizes */
    {mc_efsetup_size, "25MB", 25 * MB},
    {mc_efsetup_size, "25 mb", 25 * MB},
    {mc_efsetup_size, "1MB", MB},
    {mc_efsetup_size, "1048576", 1048576},
    {mc_efsetup_size, "1048576B", 1048576},
    {mc_efsetup_size, "2048KB", 2 * MB},
    {mc_efsetup_size, "1GB", 1024 * MB},
    {mc_efsetup_size, "1024MB", 1024 * MB},
    {mc_efsetup_size, "1048575", 0, "at least 1 MB"},
    {mc_efsetup_size, "0", 0, "at least 1 MB"},
    {mc_efsetup_size, "1023KB", 0, "at least 1 MB"},
    {mc_efsetup_size, "1025MB", 0, "at most 1 GB"},
    {mc_efsetup_size, "2GB", 0, "at most 1 GB"},
    {mc_efsetup_size, "99999999999999999999999GB", 0, "at most 1 GB"},
    {mc_efsetup_size, "25TB", 0, "whole number"},
    {mc_efsetup_size, "2.5MB", 0, "whole number"},
    {mc_efsetup_size, "-5MB", 0, "whole number"},
    {mc_efsetup_size, "MB", 0, "whole number"},
    {mc_efsetup_size, "", 0, "whole number"},
    {mc_efsetup_size, "25MB ", 0, "whole number"},
    {mc_efsetup_size, "25  MB", 0, "whole number"},
    {mc_efsetup_size, "1048576 ", 0, "whole number"},
    /* fees */
    {mc_efsetup_fee, "95.00", 9500},
    {mc_efsetup_fee, "95", 9500},
    {mc_efsetup_fee, "95.5", 9550},
    {mc_efsetup_fee, "0.00", 0},
    {mc_efsetup_fee, "0", 0},
    {mc_efsetup_fee, "0.07", 7},
    {mc_efsetup_fee, "100000.00", 10000000},
    {mc_efsetup_fee, "100000.01", 0, "at most 100000.00"},
    {mc_efsetup_fee, "99999999999999999999999", 0, "at most"},
    {mc_efsetup_fee, "-1.00", 0, "negative"},
    {mc_efsetup_fee, "1.234", 0, "two decimals"},
    {mc_efsetup_fee, "1.", 0, "two decimals"},
    {mc_efsetup_fee, ".50", 0, "two decimals"},
    {mc_efsetup_fee, "$95.00", 0, "two decimals"},
    {mc_efsetup_fee, "95,00", 0, "two decimals"},
    {mc_efsetup_fee, "", 0, "two decimals"},
    {mc_efsetup_fee, "1e3", 0, "two decimals"},
};

/* The number and no sentence, or a sentence holding why and the number left
 * alone. */
START_TEST(value_read)
{
    apr_int64_t got = -1;
    const char *s = values[_i].s, *w = values[_i].read(s, &got);

    if (values[_i].why == NULL) {
        ck_assert_msg(w == NULL, "'%s' was refused: %s", s, w ? w : "");
        ck_assert_msg(got == values[_i].want, "'%s' gave %ld", s, (long)got);
        return;
    }
    ck_assert_msg(w != NULL, "'%s' was accepted", s);
    ck_assert_msg(strstr(w, values[_i].why) != NULL, "'%s': '%s' lacks '%s'", s, w, values[_i].why);
    ck_assert_int_eq(got, -1);
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

Suite *suite_efsetup(void)
{
    Suite *s = suite_create("efsetup");
    TCase *tc = MC_TEST_TCASE(s, "values", NULL, NULL, 0, test_code);
    tcase_add_loop_test(tc, value_read, 0, (int)MC_TEST_COUNT(values));
    return s;
}
