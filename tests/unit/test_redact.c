/* Unit tests for mc_redact (plugins/efiling/lib): what the redaction check
 * finds in a document's text, on which page, and how it is masked; what it
 * must not find. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "mc_redact.h"
#include "unit_fixture.h"

static mc_redact scan(const char *text)
{
    mc_redact r;
    mc_redact_scan(mc_test_pool, text, strlen(text), &r);
    return r;
}

static const mc_redact_hit *hit(const mc_redact *r, int i)
{
    ck_assert_int_lt(i, r->hits->nelts);
    return &APR_ARRAY_IDX(r->hits, i, mc_redact_hit);
}

START_TEST(test_ssn_on_its_page)
{
    mc_redact r = scan("Petition\n\fPlaintiff SSN 123-45-6789.\n\f\f");
    ck_assert_int_eq(r.pages, 3);
    ck_assert_int_eq(r.pages_with_text, 2);
    ck_assert_int_eq(r.total, 1);
    ck_assert_int_eq(hit(&r, 0)->page, 2);
    ck_assert_str_eq(hit(&r, 0)->kind, "ssn");
    ck_assert_str_eq(hit(&r, 0)->masked, "***-**-6789");
}
END_TEST

START_TEST(test_not_ssn)
{
    /* areas 000, 666, 9xx; group 00; serial 0000; part of a longer number */
    mc_redact r = scan("000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000 "
                       "1123-45-6789 123-45-67890 123-45-6789-1 A123-45-6789");
    ck_assert_int_eq(r.total, 0);
}
END_TEST

START_TEST(test_dates_of_birth)
{
    mc_redact r = scan("DOB: 03/14/1980\nborn on March 4th, 1975\nDate of Birth 1990-12-01\n"
                       "birth date 14 Mar 2001\nd.o.b. 1.2.99");
    ck_assert_int_eq(r.total, 5);
    ck_assert_str_eq(hit(&r, 0)->masked, "**-**-1980");
    ck_assert_str_eq(hit(&r, 1)->masked, "**-**-1975");
    ck_assert_str_eq(hit(&r, 2)->masked, "**-**-1990");
    ck_assert_str_eq(hit(&r, 3)->masked, "**-**-2001");
    ck_assert_str_eq(hit(&r, 4)->masked, "**-**-99");
    ck_assert_str_eq(hit(&r, 0)->kind, "dob");
}
END_TEST

START_TEST(test_dates_not_of_birth)
{
    /* no keyword; a keyword inside a word; the date too far; a year alone */
    mc_redact r = scan("Filed 03/14/1980. Stubborn 03/14/1980. Dobson 1/2/1990. "
                       "born in the county of St. Louis, Missouri, long ago on 03/14/1980. "
                       "born 1980.");
    ck_assert_int_eq(r.total, 0);
}
END_TEST

START_TEST(test_account_and_card_numbers)
{
    mc_redact r = scan("Account no. 0012345678\fAcct: 12345678901234567\f"
                       "Visa 4111 1111 1111 1111 and 4111-1111-1111-1111");
    ck_assert_int_eq(r.total, 4);
    ck_assert_str_eq(hit(&r, 0)->kind, "account");
    ck_assert_str_eq(hit(&r, 0)->masked, "****5678");
    ck_assert_int_eq(hit(&r, 1)->page, 2);
    ck_assert_str_eq(hit(&r, 1)->masked, "****4567");
    ck_assert_str_eq(hit(&r, 2)->kind, "card");
    ck_assert_str_eq(hit(&r, 2)->masked, "****1111");
    ck_assert_int_eq(hit(&r, 3)->page, 3);
}
END_TEST

START_TEST(test_not_account_or_card)
{
    /* no keyword; too short; too long; a card failing Luhn; zeros */
    mc_redact r = scan("Order 0012345678. Account 1234567. Account 123456789012345678. "
                       "Card 4111 1111 1111 1112. 0000 0000 0000 0000");
    ck_assert_int_eq(r.total, 0);
}
END_TEST

START_TEST(test_hits_capped)
{
    char text[MC_REDACT_MAX_HITS * 2 * 12 + 1], *o = text;
    int i;
    for (i = 0; i < MC_REDACT_MAX_HITS * 2; i++)
        o += sprintf(o, "123-45-%04d ", 1000 + i);
    mc_redact r = scan(text);
    ck_assert_int_eq(r.total, MC_REDACT_MAX_HITS * 2);
    ck_assert_int_eq(r.hits->nelts, MC_REDACT_MAX_HITS);
}
END_TEST

START_TEST(test_empty)
{
    mc_redact r = scan("");
    ck_assert_int_eq(r.pages, 0);
    ck_assert_int_eq(r.total, 0);
    r = scan(" \n\f\t\f");
    ck_assert_int_eq(r.pages, 2);
    ck_assert_int_eq(r.pages_with_text, 0);
    ck_assert_str_eq(mc_redact_kind_label("ssn"), "Social Security number");
    ck_assert_str_eq(mc_redact_kind_label("account"), "financial account number");
}
END_TEST

MC_TEST_SUITE(redact, mc_test_pool_setup, mc_test_pool_teardown, 0, test_ssn_on_its_page,
              test_not_ssn, test_dates_of_birth, test_dates_not_of_birth,
              test_account_and_card_numbers, test_not_account_or_card, test_hits_capped,
              test_empty)
