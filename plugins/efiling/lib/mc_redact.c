/* mc_redact: see mc_redact.h. Plain byte scanning (ASCII digits and
 * keywords; any other byte is just not a digit or a letter), one pass per
 * page, no regular expressions, nothing kept but masked hits. */
#include "mc_redact.h"

#include <apr_strings.h>
#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) ((((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z'))
#define IS_ALNUM(c) (IS_DIGIT(c) || IS_ALPHA(c))
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\f' || (c) == '\v')

/* One page of text: [s, e). */
typedef struct page_text {
    const char *s, *e;
    int no;
} page_text;

static void add_hit(apr_pool_t *p, mc_redact *r, int page, const char *kind, const char *masked)
{
    r->total++;
    if (r->hits->nelts < MC_REDACT_MAX_HITS) {
        mc_redact_hit *h = apr_array_push(r->hits);
        h->page = page;
        h->kind = kind;
        h->masked = masked;
    }
}

/* Case-insensitive: does the text at s (before e) start with word w? */
static int starts_with(const char *s, const char *e, const char *w)
{
    for (; *w; s++, w++)
        if (s >= e || (*s | (IS_ALPHA(*s) ? 0x20 : 0)) != *w)
            return 0;
    return 1;
}

/* n digits in a row at s (before e); the count. */
static int digits_at(const char *s, const char *e, int max)
{
    int n = 0;
    while (s + n < e && n <= max && IS_DIGIT(s[n]))
        n++;
    return n;
}

static int num(const char *s, int n)
{
    int v = 0;
    while (n-- > 0)
        v = v * 10 + (*s++ - '0');
    return v;
}

/* ---- Social Security numbers ---------------------------------------------------- */

/* NNN-NN-NNNN at s, a valid area, group and serial, not part of a longer
 * number: its length (11), else 0. */
static int ssn_at(const char *s, const char *e)
{
    int area;
    if (e - s < 11 || digits_at(s, e, 3) != 3 || s[3] != '-' || digits_at(s + 4, e, 2) != 2 ||
        s[6] != '-' || digits_at(s + 7, e, 4) != 4)
        return 0;
    if (s + 11 < e && (IS_ALNUM(s[11]) || (s[11] == '-' && s + 12 < e && IS_DIGIT(s[12]))))
        return 0;
    area = num(s, 3);
    if (area == 0 || area == 666 || area >= 900 || num(s + 4, 2) == 0 || num(s + 7, 4) == 0)
        return 0;
    return 11;
}

/* ---- card and account numbers ----------------------------------------------------- */

static int luhn_ok(const char *d, int n)
{
    int sum = 0, i, dbl = 0, nonzero = 0;
    for (i = n - 1; i >= 0; i--) {
        int v = d[i] - '0';
        nonzero |= v;
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
        dbl = !dbl;
    }
    return nonzero && sum % 10 == 0;
}

/* Digits at s with single spaces or dashes between them: copied into d
 * (at most 20), their count in *nd; the run's length in bytes. */
static int digit_run(const char *s, const char *e, char *d, int *nd)
{
    const char *q = s;
    *nd = 0;
    while (q < e && *nd <= 19) {
        if (IS_DIGIT(*q)) {
            d[(*nd)++] = *q++;
            continue;
        }
        if ((*q == ' ' || *q == '-') && q + 1 < e && IS_DIGIT(q[1]) && q > s && IS_DIGIT(q[-1])) {
            q++;
            continue;
        }
        break;
    }
    return (int)(q - s);
}

static const char *last4(apr_pool_t *p, const char *prefix, const char *d, int n)
{
    return apr_pstrcat(p, prefix, apr_pstrmemdup(p, d + n - 4, 4), NULL);
}

/* One of the keywords (lower case) in the MC_REDACT_NEAR bytes before s. */
static int keyword_before(const char *s, const char *start, const char *const *kw)
{
    const char *q = s - MC_REDACT_NEAR < start ? start : s - MC_REDACT_NEAR;
    for (; q < s; q++) {
        int k;
        if (q > start && IS_ALPHA(q[-1]))
            continue;
        for (k = 0; kw[k]; k++)
            if (starts_with(q, s, kw[k]))
                return 1;
    }
    return 0;
}

static const char *const ACCOUNT_WORDS[] = {"account", "acct", "a/c", NULL};

/* ---- dates of birth ------------------------------------------------------------------- */

static const char *const MONTHS[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec", NULL};

/* A month's name at s (three letters at least, more letters allowed, an
 * optional period): its length, else 0. */
static int month_at(const char *s, const char *e)
{
    int k, n;
    for (k = 0; MONTHS[k]; k++)
        if (starts_with(s, e, MONTHS[k]))
            break;
    if (!MONTHS[k])
        return 0;
    for (n = 3; s + n < e && IS_ALPHA(s[n]); n++)
        ;
    if (s + n < e && s[n] == '.')
        n++;
    return n;
}

static int skip_blanks(const char *s, const char *e, int n)
{
    while (s + n < e && (s[n] == ' ' || s[n] == '\t'))
        n++;
    return n;
}

/* A full date at s: its length, with the year's digits in *year and *ny;
 * else 0. */
static int date_at(const char *s, const char *e, const char **year, int *ny)
{
    int a, b, c, n, m;
    if (IS_DIGIT(*s)) {
        a = digits_at(s, e, 4);
        /* 1980-03-14 */
        if (a == 4 && s + 10 <= e && s[4] == '-' && digits_at(s + 5, e, 2) == 2 && s[7] == '-' &&
            digits_at(s + 8, e, 2) == 2 && num(s + 5, 2) >= 1 && num(s + 5, 2) <= 12 &&
            num(s + 8, 2) >= 1 && num(s + 8, 2) <= 31 && (s + 10 == e || !IS_DIGIT(s[10]))) {
            *year = s;
            *ny = 4;
            return 10;
        }
        /* 3/14/1980, 14.03.80, 3-14-1980 */
        if (a >= 1 && a <= 2 && s + a < e && (s[a] == '/' || s[a] == '.' || s[a] == '-')) {
            char sep = s[a];
            b = digits_at(s + a + 1, e, 2);
            if (b >= 1 && b <= 2 && s + a + 1 + b < e && s[a + 1 + b] == sep) {
                const char *y = s + a + 2 + b;
                c = digits_at(y, e, 4);
                if ((c == 2 || c == 4) && (y + c == e || !IS_DIGIT(y[c]))) {
                    int d1 = num(s, a), d2 = num(s + a + 1, b);
                    if (d1 >= 1 && d2 >= 1 && d1 <= 31 && d2 <= 31 && (d1 <= 12 || d2 <= 12)) {
                        *year = y;
                        *ny = c;
                        return (int)(y + c - s);
                    }
                }
            }
        }
        /* 14 March 1980 */
        if (a >= 1 && a <= 2 && (n = skip_blanks(s, e, a)) > a && (m = month_at(s + n, e))) {
            n = skip_blanks(s, e, n + m);
            if (s + n < e && s[n] == ',')
                n = skip_blanks(s, e, n + 1);
            if (digits_at(s + n, e, 4) == 4 && num(s, a) >= 1 && num(s, a) <= 31) {
                *year = s + n;
                *ny = 4;
                return n + 4;
            }
        }
        return 0;
    }
    /* March 14, 1980; Mar. 14th 1980 */
    if ((m = month_at(s, e)) == 0)
        return 0;
    n = skip_blanks(s, e, m);
    a = digits_at(s + n, e, 2);
    if (a < 1 || a > 2 || num(s + n, a) < 1 || num(s + n, a) > 31)
        return 0;
    n += a;
    if (s + n + 1 < e && IS_ALPHA(s[n]) && IS_ALPHA(s[n + 1]))
        n += 2; /* st, nd, rd, th */
    if (s + n < e && s[n] == ',')
        n++;
    n = skip_blanks(s, e, n);
    if (digits_at(s + n, e, 4) != 4)
        return 0;
    *year = s + n;
    *ny = 4;
    return n + 4;
}

static const char *const BIRTH_WORDS[] = {"date of birth", "birth date", "birthdate", "d.o.b",
                                          "dob", "born", NULL};

/* The dates of birth of one page: a full date within MC_REDACT_NEAR bytes
 * after a keyword, each date once. */
static void scan_births(apr_pool_t *p, const page_text *pg, mc_redact *r)
{
    const char *q, *done = pg->s; /* dates before done were counted */
    for (q = pg->s; q < pg->e; q++) {
        const char *w, *end;
        int k, len = 0;
        if (q > pg->s && IS_ALPHA(q[-1]))
            continue;
        for (k = 0; BIRTH_WORDS[k]; k++) {
            len = (int)strlen(BIRTH_WORDS[k]);
            if (starts_with(q, pg->e, BIRTH_WORDS[k]) && (q + len == pg->e || !IS_ALPHA(q[len])))
                break;
        }
        if (!BIRTH_WORDS[k])
            continue;
        end = q + len + MC_REDACT_NEAR > pg->e ? pg->e : q + len + MC_REDACT_NEAR;
        for (w = q + len; w < end; w++) {
            const char *year;
            int ny, n;
            if (w < done || (w > pg->s && IS_ALNUM(w[-1])))
                continue;
            if ((n = date_at(w, pg->e, &year, &ny))) {
                add_hit(p, r, pg->no, "dob",
                        apr_pstrcat(p, "**-**-", apr_pstrmemdup(p, year, ny), NULL));
                done = w + n;
                break;
            }
        }
        q += len - 1;
    }
}

/* ---- a page ------------------------------------------------------------------------------ */

static void scan_numbers(apr_pool_t *p, const page_text *pg, mc_redact *r)
{
    const char *q = pg->s;
    while (q < pg->e) {
        char d[24];
        int n, nd, run;
        if (!IS_DIGIT(*q) || (q > pg->s && IS_ALNUM(q[-1]))) {
            q++;
            continue;
        }
        if ((n = ssn_at(q, pg->e))) {
            add_hit(p, r, pg->no, "ssn",
                    apr_pstrcat(p, "***-**-", apr_pstrmemdup(p, q + 7, 4), NULL));
            q += n;
            continue;
        }
        run = digit_run(q, pg->e, d, &nd);
        if (nd >= 13 && nd <= 19 && (q + run == pg->e || !IS_ALNUM(q[run])) && luhn_ok(d, nd)) {
            add_hit(p, r, pg->no, "card", last4(p, "****", d, nd));
            q += run;
            continue;
        }
        n = digits_at(q, pg->e, 18);
        if (n >= 8 && n <= 17 && (q + n == pg->e || !IS_ALPHA(q[n])) &&
            keyword_before(q, pg->s, ACCOUNT_WORDS))
            add_hit(p, r, pg->no, "account", last4(p, "****", q, n));
        q += n;
    }
}

void mc_redact_scan(apr_pool_t *p, const char *text, apr_size_t len, mc_redact *r)
{
    const char *s = text, *e = text + len;
    page_text pg;
    r->hits = apr_array_make(p, 4, sizeof(mc_redact_hit));
    r->total = r->pages = r->pages_with_text = 0;
    if (!len)
        return;
    pg.no = 0;
    while (s < e) {
        const char *ff = memchr(s, '\f', (apr_size_t)(e - s)), *q;
        pg.s = s;
        pg.e = ff ? ff : e;
        pg.no++;
        for (q = pg.s; q < pg.e && IS_SPACE(*q); q++)
            ;
        if (q < pg.e)
            r->pages_with_text++;
        scan_numbers(p, &pg, r);
        scan_births(p, &pg, r);
        s = ff ? ff + 1 : e;
    }
    r->pages = pg.no;
}

const char *mc_redact_kind_label(const char *kind)
{
    if (!strcmp(kind, "ssn"))
        return "Social Security number";
    if (!strcmp(kind, "dob"))
        return "date of birth";
    if (!strcmp(kind, "card"))
        return "payment card number";
    return "financial account number";
}
