/* Unit tests of mc_captcha_typed: the phrase as typed, ready to compare
 * with the one drawn (the spoken one is test_captcha_audio.c's). */
#include <check.h>
#include <string.h>

#include "mc_captcha.h"
#include "unit_fixture.h"

START_TEST(test_typed_phrase)
{
    static const char *const cases[][2] = {
        {"KM3ZW9", "KM3ZW9"},
        {"km3zw9", "KM3ZW9"},
        {" k m 3\tz w9 ", "KM3ZW9"},
        {"\r\nKm3\n", "KM3"},
        {"", ""},
        {"   ", ""},
        {"ab-c!", "AB-C!"}, /* anything else is left for the comparison to refuse */
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_str_eq(mc_captcha_typed(mc_test_pool, cases[i][0]), cases[i][1]);
    ck_assert_str_eq(mc_captcha_typed(mc_test_pool, NULL), "");
}
END_TEST

MC_TEST_SUITE(captcha, mc_test_pool_setup, mc_test_pool_teardown, 0, test_typed_phrase)
