/* Unit tests for `mocourts-admin import-bar`'s CSV reading (RFC 4180) and
 * row checks; the database part is covered by
 * tests/integration/test_reg_account.py. The admin source is included so
 * its static helpers can be reached (with the progress line it draws). */
#include <check.h>

#include "../../mod_mocourts/admin/import_bar.c"
#include "../../mod_mocourts/admin/progress.c"
#include "unit_fixture.h"

#define FIELD(a, i) APR_ARRAY_IDX((a), (i), const char *)

/* The record at *s (csv_record), in a new array; *s moves past it. */
static apr_array_header_t *next_record(const char **s, const char **why, int *lines)
{
    apr_array_header_t *f = apr_array_make(mc_test_pool, 4, sizeof(const char *));

    csv_record(mc_test_pool, s, f, why, lines);
    return f;
}

/* What one good record must hold: its number of fields and its lines
 * (-1: not asserted), and fields (NULL: not asserted). */
typedef struct csv_want {
    int nelts, lines;
    const char *fields[4];
} csv_want;

/* Reads n records from in, asserting each is good and holds want[i], then
 * that what is left is rest. */
static void ck_records(const char *in, const csv_want *want, size_t n, const char *rest)
{
    for (size_t i = 0; i < n; i++) {
        const char *why;
        int lines;
        apr_array_header_t *f = next_record(&in, &why, &lines);
        ck_assert_ptr_null(why);
        if (want[i].nelts >= 0)
            ck_assert_int_eq(f->nelts, want[i].nelts);
        if (want[i].lines >= 0)
            ck_assert_int_eq(lines, want[i].lines);
        for (int k = 0; k < 4; k++)
            if (want[i].fields[k])
                ck_assert_str_eq(FIELD(f, k), want[i].fields[k]);
    }
    ck_assert_str_eq(in, rest);
}

START_TEST(test_plain_and_quoted)
{
    static const csv_want want[] = {
        {4, -1, {NULL, "Smith", NULL, "active"}},
        {4, -1, {"45", "O'Brien, Jr", "Pat \"PJ\""}},
    };

    ck_records("123,Smith,John,active\n\"45\",\"O'Brien, Jr\",\"Pat \"\"PJ\"\"\",x\r\nnext", want,
               MC_TEST_COUNT(want), "next");
}
END_TEST

START_TEST(test_line_break_in_quotes)
{
    static const csv_want want[] = {{-1, 2, {NULL, "two\nlines"}}};

    ck_records("1,\"two\nlines\",x,y\n2,a,b,c\n", want, MC_TEST_COUNT(want), "2,a,b,c\n");
}
END_TEST

START_TEST(test_malformed)
{
    static const struct {
        const char *line, *why, *rest; /* rest: NULL when not asserted */
    } cases[] = {
        {"1,\"open,x,y\n", "a quoted field is not closed"},
        /* the rest of the bad line skipped */
        {"1,a\"b,c,d\n2,a,b,c", "a quote inside an unquoted field", "2,a,b,c"},
        {"1,\"a\"b,c,d\n", "text after a closing quote"},
    };

    for (size_t i = 0; i < MC_TEST_COUNT(cases); i++) {
        const char *s = cases[i].line, *why;
        int lines;
        next_record(&s, &why, &lines);
        ck_assert_str_eq(why, cases[i].why);
        if (cases[i].rest)
            ck_assert_str_eq(s, cases[i].rest);
    }
}
END_TEST

static const char *check_of(const char *a, const char *b, const char *c, const char *d, int n)
{
    apr_array_header_t *f = apr_array_make(mc_test_pool, 4, sizeof(const char *));
    const char *v[] = {a, b, c, d};
    int i;
    for (i = 0; i < n; i++)
        APR_ARRAY_PUSH(f, const char *) = v[i];
    return check(f);
}

START_TEST(test_checks)
{
    ck_assert_ptr_null(check_of("12345", "Smith", "", "active", 4));
    ck_assert_str_eq(check_of("12a", "Smith", "", "active", 4), "bar_number must be digits only");
    ck_assert_str_eq(check_of("", "Smith", "", "active", 4), "bar_number is empty");
    ck_assert_str_eq(check_of("12345678901", "Smith", "", "active", 4),
                     "bar_number has more than 10 digits");
    ck_assert_str_eq(check_of("1", "", "", "active", 4), "last_name is empty");
    ck_assert_str_eq(check_of("1", "Smith", "", "", 4), "status is empty");
    ck_assert_str_eq(check_of("1", "Smith", "J", "", 3),
                     "expected 4 fields: bar_number,last_name,first_name,status");
}
END_TEST

/* The import reads each field without the white space around it. */
START_TEST(test_fields_trimmed)
{
    static const char *const want[] = {"12", "Smith", "a b", "active"};
    const char *s = "  12 , Smith ,\ta b ,active \r\nnext", *why;
    apr_array_header_t *f = apr_array_make(mc_test_pool, 4, sizeof(const char *));
    int lines;

    read_record(mc_test_pool, &s, f, &why, &lines);
    ck_assert_ptr_null(why);
    ck_assert_int_eq(f->nelts, 4);
    for (int k = 0; k < 4; k++)
        ck_assert_str_eq(FIELD(f, k), want[k]);
    ck_assert_str_eq(s, "next");
}
END_TEST

MC_TEST_SUITE(import_bar, mc_test_pool_setup, mc_test_pool_teardown, 0, test_plain_and_quoted,
              test_line_break_in_quotes, test_malformed, test_checks, test_fields_trimmed)
