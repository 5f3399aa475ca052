/* Unit tests for mc_efsetup: document sizes, fees and filing codes. */
#include <check.h>
#include <string.h>

#include "mc_efsetup.h"
#include "unit_fixture.h"

#define SIZE_OK(s, want)                                                                           \
    do {                                                                                           \
        apr_int64_t b_ = -1;                                                                       \
        const char *w_ = mc_efsetup_size((s), &b_);                                                \
        ck_assert_msg(w_ == NULL, "'%s' was refused: %s", (s), w_ ? w_ : "");                      \
        ck_assert_msg(b_ == (apr_int64_t)(want), "'%s' gave %ld", (s), (long)b_);                  \
    } while (0)
#define SIZE_BAD(s, what)                                                                          \
    do {                                                                                           \
        apr_int64_t b_ = -1;                                                                       \
        const char *w_ = mc_efsetup_size((s), &b_);                                                \
        ck_assert_msg(w_ != NULL, "'%s' was accepted", (s));                                       \
        ck_assert_msg(strstr(w_, (what)) != NULL, "'%s': '%s' lacks '%s'", (s), w_, (what));       \
        ck_assert_int_eq(b_, -1);                                                                  \
    } while (0)
#define FEE_OK(s, want)                                                                            \
    do {                                                                                           \
        apr_int64_t c_ = -1;                                                                       \
        const char *w_ = mc_efsetup_fee((s), &c_);                                                 \
        ck_assert_msg(w_ == NULL, "'%s' was refused: %s", (s), w_ ? w_ : "");                      \
        ck_assert_msg(c_ == (apr_int64_t)(want), "'%s' gave %ld", (s), (long)c_);                  \
    } while (0)
#define FEE_BAD(s, what)                                                                           \
    do {                                                                                           \
        apr_int64_t c_ = -1;                                                                       \
        const char *w_ = mc_efsetup_fee((s), &c_);                                                 \
        ck_assert_msg(w_ != NULL, "'%s' was accepted", (s));                                       \
        ck_assert_msg(strstr(w_, (what)) != NULL, "'%s': '%s' lacks '%s'", (s), w_, (what));       \
        ck_assert_int_eq(c_, -1);                                                                  \
    } while (0)

START_TEST(test_size)
{
    SIZE_OK("25MB", 25 * 1024 * 1024);
    SIZE_OK("25 mb", 25 * 1024 * 1024);
    SIZE_OK("1MB", 1024 * 1024);
    SIZE_OK("1048576", 1048576);
    SIZE_OK("1048576B", 1048576);
    SIZE_OK("2048KB", 2 * 1024 * 1024);
    SIZE_OK("1GB", 1024 * 1024 * 1024);
    SIZE_OK("1024MB", 1024 * 1024 * 1024);
    SIZE_BAD("1048575", "at least 1 MB");
    SIZE_BAD("0", "at least 1 MB");
    SIZE_BAD("1023KB", "at least 1 MB");
    SIZE_BAD("1025MB", "at most 1 GB");
    SIZE_BAD("2GB", "at most 1 GB");
    SIZE_BAD("99999999999999999999999GB", "at most 1 GB");
    SIZE_BAD("25TB", "whole number");
    SIZE_BAD("2.5MB", "whole number");
    SIZE_BAD("-5MB", "whole number");
    SIZE_BAD("MB", "whole number");
    SIZE_BAD("", "whole number");
    SIZE_BAD("25MB ", "whole number");
    SIZE_BAD("25  MB", "whole number");
    SIZE_BAD("1048576 ", "whole number");
}
END_TEST

START_TEST(test_fee)
{
    FEE_OK("95.00", 9500);
    FEE_OK("95", 9500);
    FEE_OK("95.5", 9550);
    FEE_OK("0.00", 0);
    FEE_OK("0", 0);
    FEE_OK("0.07", 7);
    FEE_OK("100000.00", 10000000);
    FEE_BAD("100000.01", "at most 100000.00");
    FEE_BAD("99999999999999999999999", "at most");
    FEE_BAD("-1.00", "negative");
    FEE_BAD("1.234", "two decimals");
    FEE_BAD("1.", "two decimals");
    FEE_BAD(".50", "two decimals");
    FEE_BAD("$95.00", "two decimals");
    FEE_BAD("95,00", "two decimals");
    FEE_BAD("", "two decimals");
    FEE_BAD("1e3", "two decimals");
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
    MC_TEST_TCASE(s, "values", NULL, NULL, 0, test_size, test_fee, test_code);
    return s;
}
