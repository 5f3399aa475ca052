/* Unit tests for mc_form: urlencoded parsing, percent-coding, cookies. */
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <check.h>
#include <string.h>

#include "mc_form.h"
#include "unit_fixture.h"

static apr_status_t parse(const char *s, apr_table_t **t)
{
    *t = apr_table_make(mc_test_pool, 8);
    return mc_form_parse(mc_test_pool, s, strlen(s), *t);
}

static int count_values(apr_table_t *t, const char *name, const char **vals, int max)
{
    const apr_array_header_t *arr = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
    int i, n = 0;

    for (i = 0; i < arr->nelts; i++)
        if (strcmp(e[i].key, name) == 0 && n < max)
            vals[n++] = e[i].val;
    return n;
}

START_TEST(test_basic_decoding)
{
    apr_table_t *t;

    ck_assert_int_eq(parse("a=1&b=hello+world&c=%41%62%2b&d=%C3%A9t%c3%a9", &t), APR_SUCCESS);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_str_eq(apr_table_get(t, "b"), "hello world");
    ck_assert_str_eq(apr_table_get(t, "c"), "Ab+");
    ck_assert_str_eq(apr_table_get(t, "d"), "\xc3\xa9t\xc3\xa9");
    ck_assert_int_eq(parse("first+name=Jo%20Ann&flag&=v&&", &t), APR_SUCCESS);
    ck_assert_str_eq(apr_table_get(t, "first name"), "Jo Ann");
    ck_assert_str_eq(apr_table_get(t, "flag"), "");
    ck_assert_str_eq(apr_table_get(t, ""), "v");
    ck_assert_int_eq(apr_table_elts(t)->nelts, 3);
    ck_assert_int_eq(parse("", &t), APR_SUCCESS);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 0);
    ck_assert_int_eq(parse("a==b=c", &t), APR_SUCCESS);
    ck_assert_str_eq(apr_table_get(t, "a"), "=b=c");
}
END_TEST

START_TEST(test_length_is_respected)
{
    apr_table_t *t = apr_table_make(mc_test_pool, 4);

    /* Only the first 3 bytes count: no NUL terminator needed. */
    ck_assert_int_eq(mc_form_parse(mc_test_pool, "a=1&b=2", 3, t), APR_SUCCESS);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_ptr_null(apr_table_get(t, "b"));
}
END_TEST

START_TEST(test_repeated_names)
{
    apr_table_t *t;
    const char *vals[4];

    ck_assert_int_eq(parse("role=a&x=1&role=b&role=c", &t), APR_SUCCESS);
    ck_assert_int_eq(count_values(t, "role", vals, 4), 3);
    ck_assert_str_eq(vals[0], "a");
    ck_assert_str_eq(vals[1], "b");
    ck_assert_str_eq(vals[2], "c");
}
END_TEST

START_TEST(test_bad_escapes_refused)
{
    static const char *const bad[] = { "a=%4", "a=%", "a=%G1", "a=%1G", "a=x%zz", "%4=1",
                                       "a=1&b=%%41", "a=%-1" };
    apr_table_t *t;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(parse(bad[i], &t) == APR_EINVAL, "%s accepted", bad[i]);
    ck_assert_ptr_null(mc_form_decode(mc_test_pool, "%4", 2, 0));
}
END_TEST

START_TEST(test_nul_refused)
{
    apr_table_t *t = apr_table_make(mc_test_pool, 4);

    ck_assert_int_eq(parse("a=%00", &t), APR_EINVAL);
    ck_assert_int_eq(parse("a%00b=1", &t), APR_EINVAL);
    ck_assert_int_eq(mc_form_parse(mc_test_pool, "a=x\0y", 5, t), APR_EINVAL);
    ck_assert_ptr_null(mc_form_decode(mc_test_pool, "x\0", 2, 1));
}
END_TEST

START_TEST(test_field_limit)
{
    char *body = "";
    apr_table_t *t;
    int i;

    for (i = 0; i < MC_FORM_MAX_FIELDS; i++)
        body = apr_psprintf(mc_test_pool, "%s%sf%d=%d", body, i ? "&" : "", i, i);
    ck_assert_int_eq(parse(body, &t), APR_SUCCESS);
    ck_assert_int_eq(apr_table_elts(t)->nelts, MC_FORM_MAX_FIELDS);
    body = apr_pstrcat(mc_test_pool, body, "&one=more", NULL);
    ck_assert_int_eq(parse(body, &t), APR_EINVAL);
    /* Empty pieces do not count as fields. */
    body = apr_pstrcat(mc_test_pool, "&&&&&&&&", body + 0, NULL);
    ck_assert_int_eq(parse(apr_pstrndup(mc_test_pool, body, strlen(body) - 9), &t), APR_SUCCESS);
}
END_TEST

START_TEST(test_decode_plus)
{
    ck_assert_str_eq(mc_form_decode(mc_test_pool, "a+b%2B", 6, 0), "a+b+");
    ck_assert_str_eq(mc_form_decode(mc_test_pool, "a+b%2B", 6, 1), "a b+");
}
END_TEST

START_TEST(test_encode)
{
    const char *in = "a b&c=d/\xc3\xa9~-._?#%+";
    const char *enc = mc_form_encode(mc_test_pool, in);

    ck_assert_str_eq(enc, "a%20b%26c%3Dd%2F%C3%A9~-._%3F%23%25%2B");
    ck_assert_str_eq(mc_form_decode(mc_test_pool, enc, strlen(enc), 1), in);
    ck_assert_str_eq(mc_form_encode(mc_test_pool, ""), "");
}
END_TEST

START_TEST(test_cookie_get)
{
    const char *h = "theme=dark; __Host-mc=tok123; q=\"quoted val\"; a=1; a=2; junk; e=";

    ck_assert_str_eq(mc_cookie_get(mc_test_pool, h, "__Host-mc"), "tok123");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, h, "theme"), "dark");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, h, "q"), "quoted val");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, h, "a"), "1"); /* first match */
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, h, "e"), "");
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, h, "junk"));
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, h, "mc"));    /* no suffix match */
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, h, "Theme")); /* names are case-sensitive */
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, h, "absent"));
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, NULL, "a"));
    ck_assert_ptr_null(mc_cookie_get(mc_test_pool, h, ""));
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, "  sid = abc ;x=1", "sid"), "abc");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, "xsid=1;sid=2", "sid"), "2");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, "sid=a=b", "sid"), "a=b");
    ck_assert_str_eq(mc_cookie_get(mc_test_pool, "sid=\"", "sid"), "\"");
}
END_TEST

START_TEST(test_text_helpers)
{
    ck_assert_str_eq(mc_text_trim(mc_test_pool, "  a b \t\n"), "a b");
    ck_assert_str_eq(mc_text_trim(mc_test_pool, NULL), "");
    ck_assert_str_eq(mc_text_trim(mc_test_pool, " \t "), "");
    ck_assert_uint_eq(mc_text_chars("caf\xc3\xa9"), 4);
    ck_assert_uint_eq(mc_text_chars(""), 0);
    ck_assert_int_eq(mc_text_printable("Plain text, caf\xc3\xa9 \xe2\x80\x93 ok", 0), 1);
    ck_assert_int_eq(mc_text_printable("two\nlines\ttab", 1), 1);
    ck_assert_int_eq(mc_text_printable("two\nlines", 0), 0);       /* not multiline */
    ck_assert_int_eq(mc_text_printable("bell\x07", 1), 0);         /* C0 control */
    ck_assert_int_eq(mc_text_printable("del\x7f", 1), 0);
    ck_assert_int_eq(mc_text_printable("c1\xc2\x85", 1), 0);      /* NEL, a C1 control */
    ck_assert_int_eq(mc_text_printable("\xc0\xaf", 1), 0);         /* overlong '/' */
    ck_assert_int_eq(mc_text_printable("\xed\xa0\x80", 1), 0);     /* a surrogate */
    ck_assert_int_eq(mc_text_printable("\xf4\x90\x80\x80", 1), 0); /* past U+10FFFF */
    ck_assert_int_eq(mc_text_printable("cut \xe2\x80", 1), 0);     /* truncated */
}
END_TEST

START_TEST(test_hex_value)
{
    ck_assert_int_eq(mc_hex_value('0'), 0);
    ck_assert_int_eq(mc_hex_value('9'), 9);
    ck_assert_int_eq(mc_hex_value('a'), 10);
    ck_assert_int_eq(mc_hex_value('F'), 15);
    ck_assert_int_eq(mc_hex_value('g'), -1);
    ck_assert_int_eq(mc_hex_value('/'), -1);
    ck_assert_int_eq(mc_hex_value(0xc3), -1);
}
END_TEST

START_TEST(test_utf8_len)
{
    ck_assert_int_eq(mc_utf8_len("a"), 1);
    ck_assert_int_eq(mc_utf8_len("\x07"), 1);             /* a control is one character */
    ck_assert_int_eq(mc_utf8_len(""), 1);                 /* the NUL: the caller stops */
    ck_assert_int_eq(mc_utf8_len("\xc2\x85"), 2);         /* C1: well-formed */
    ck_assert_int_eq(mc_utf8_len("\xc3\xa9x"), 2);
    ck_assert_int_eq(mc_utf8_len("\xe2\x80\x93"), 3);
    ck_assert_int_eq(mc_utf8_len("\xf0\x9f\x98\x80"), 4);
    ck_assert_int_eq(mc_utf8_len("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
    ck_assert_int_eq(mc_utf8_len("\x80"), 0);             /* a stray continuation */
    ck_assert_int_eq(mc_utf8_len("\xc0\xaf"), 0);         /* overlong */
    ck_assert_int_eq(mc_utf8_len("\xe0\x9f\xbf"), 0);     /* overlong */
    ck_assert_int_eq(mc_utf8_len("\xf0\x8f\xbf\xbf"), 0); /* overlong */
    ck_assert_int_eq(mc_utf8_len("\xed\xa0\x80"), 0);     /* a surrogate */
    ck_assert_int_eq(mc_utf8_len("\xf4\x90\x80\x80"), 0); /* past U+10FFFF */
    ck_assert_int_eq(mc_utf8_len("\xf5\x80\x80\x80"), 0);
    ck_assert_int_eq(mc_utf8_len("\xe2\x80"), 0);         /* cut by the NUL */
    ck_assert_int_eq(mc_utf8_len("\xe2\x80x"), 0);
}
END_TEST

START_TEST(test_date_ok)
{
    ck_assert_int_eq(mc_date_ok(2024, 1, 31), 1);
    ck_assert_int_eq(mc_date_ok(2024, 12, 31), 1);
    ck_assert_int_eq(mc_date_ok(2024, 4, 31), 0);
    ck_assert_int_eq(mc_date_ok(2024, 0, 1), 0);
    ck_assert_int_eq(mc_date_ok(2024, 13, 1), 0);
    ck_assert_int_eq(mc_date_ok(2024, 6, 0), 0);
    ck_assert_int_eq(mc_date_ok(2024, 2, 29), 1); /* leap year */
    ck_assert_int_eq(mc_date_ok(2023, 2, 29), 0);
    ck_assert_int_eq(mc_date_ok(1900, 2, 29), 0); /* a century */
    ck_assert_int_eq(mc_date_ok(2000, 2, 29), 1); /* every 400 years */
    ck_assert_int_eq(mc_date_ok(2023, 2, 28), 1);
    ck_assert_int_eq(mc_date_ok(2023, 2, 30), 0);
}
END_TEST

START_TEST(test_label_of)
{
    static const mc_label notes[] = {{"added", "Added."}, {"removed", "Removed."}, {NULL}};
    ck_assert_str_eq(mc_label_of(notes, "added"), "Added.");
    ck_assert_str_eq(mc_label_of(notes, "removed"), "Removed.");
    ck_assert_ptr_null(mc_label_of(notes, "Added"));
    ck_assert_ptr_null(mc_label_of(notes, ""));
    ck_assert_ptr_null(mc_label_of(notes, NULL));
}
END_TEST

MC_TEST_SUITE(form, mc_test_pool_setup, mc_test_pool_teardown, 0, test_basic_decoding,
              test_length_is_respected, test_repeated_names, test_bad_escapes_refused,
              test_nul_refused, test_field_limit, test_decode_plus, test_encode, test_cookie_get,
              test_text_helpers, test_hex_value, test_utf8_len, test_date_ok,
              test_label_of)
