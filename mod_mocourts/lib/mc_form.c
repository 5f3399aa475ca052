/* mc_form.c: urlencoded bodies and query strings, percent-coding, and the
 * Cookie request header. */
#include "mc_form.h"

#include <apr_lib.h>

#include <apr_strings.h>
#include <string.h>

int mc_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The decoded s[0..len) as a NUL-terminated string in p; NULL on a '%' not
 * followed by two hex digits, or on a NUL byte (raw or decoded). */
char *mc_form_decode(apr_pool_t *p, const char *s, apr_size_t len, int plus_space)
{
    char *out = apr_palloc(p, len + 1);
    apr_size_t i, o = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi, lo;
            if (len - i < 3)
                return NULL;
            hi = mc_hex_value((unsigned char)s[i + 1]);
            lo = mc_hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == '\0')
            return NULL;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/* Splits data[0..len) at '&' and adds each name=value (decoded, '+' as a
 * space) to out; empty pieces are skipped and a piece without '=' has the
 * value "". APR_EINVAL on a bad escape, a NUL, or more than
 * MC_FORM_MAX_FIELDS fields; out may then hold the fields before it. */
apr_status_t mc_form_parse(apr_pool_t *p, const char *data, apr_size_t len, apr_table_t *out)
{
    apr_size_t pos = 0;
    int fields = 0;

    if (data == NULL)
        return len == 0 ? APR_SUCCESS : APR_EINVAL;
    while (pos < len) {
        const char *piece = data + pos;
        const char *amp = memchr(piece, '&', len - pos);
        apr_size_t plen = amp ? (apr_size_t)(amp - piece) : len - pos;
        const char *eq;
        char *name, *value;

        pos += plen + 1;
        if (plen == 0)
            continue;
        if (++fields > MC_FORM_MAX_FIELDS)
            return APR_EINVAL;
        eq = memchr(piece, '=', plen);
        if (eq) {
            name = mc_form_decode(p, piece, (apr_size_t)(eq - piece), 1);
            value = mc_form_decode(p, eq + 1, plen - (apr_size_t)(eq - piece) - 1, 1);
        }
        else {
            name = mc_form_decode(p, piece, plen, 1);
            value = "";
        }
        if (name == NULL || value == NULL)
            return APR_EINVAL;
        apr_table_addn(out, name, value);
    }
    return APR_SUCCESS;
}

/* s percent-encoded for a query value: RFC 3986 unreserved characters kept,
 * every other byte as %XX (upper-case hex). In p. */
const char *mc_form_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t n = strlen(s);
    char *out = apr_palloc(p, n * 3 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The value of the first cookie called name (exact, case-sensitive match) in
 * a Cookie header: pairs split at ';', spaces around names and values
 * ignored, one pair of surrounding double quotes removed. In p; NULL when
 * the header or the cookie is absent. Pairs without '=' are skipped. */
const char *mc_cookie_get(apr_pool_t *p, const char *header, const char *name)
{
    const char *s = header;
    apr_size_t nlen;

    if (header == NULL || name == NULL || *name == '\0')
        return NULL;
    nlen = strlen(name);
    while (*s) {
        const char *end = strchr(s, ';');
        const char *pend, *eq, *ns, *ne, *vs, *ve;

        pend = end ? end : s + strlen(s);
        eq = memchr(s, '=', (apr_size_t)(pend - s));
        if (eq) {
            for (ns = s; ns < eq && is_ows(*ns); ns++)
                ;
            for (ne = eq; ne > ns && is_ows(ne[-1]); ne--)
                ;
            if ((apr_size_t)(ne - ns) == nlen && memcmp(ns, name, nlen) == 0) {
                for (vs = eq + 1; vs < pend && is_ows(*vs); vs++)
                    ;
                for (ve = pend; ve > vs && is_ows(ve[-1]); ve--)
                    ;
                if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
                    vs++;
                    ve--;
                }
                return apr_pstrmemdup(p, vs, (apr_size_t)(ve - vs));
            }
        }
        if (!end)
            break;
        s = end + 1;
    }
    return NULL;
}

const char *mc_text_trim(apr_pool_t *p, const char *s)
{
    const char *e;
    if (!s)
        return "";
    while (apr_isspace(*s))
        s++;
    e = s + strlen(s);
    while (e > s && apr_isspace(e[-1]))
        e--;
    return apr_pstrmemdup(p, s, e - s);
}

apr_size_t mc_text_chars(const char *s)
{
    apr_size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

int mc_utf8_len(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    int n, i;
    if (*s < 0x80)
        return 1;
    if (*s >= 0xC2 && *s <= 0xDF)
        n = 2;
    else if (*s >= 0xE0 && *s <= 0xEF)
        n = 3;
    else if (*s >= 0xF0 && *s <= 0xF4)
        n = 4;
    else
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* overlong 3/4-byte forms, surrogates and code points over U+10FFFF */
    if ((*s == 0xE0 && s[1] < 0xA0) || (*s == 0xED && s[1] > 0x9F) ||
        (*s == 0xF0 && s[1] < 0x90) || (*s == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

int mc_text_printable(const char *str, int multiline)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        int n = mc_utf8_len((const char *)s);
        if (!n)
            return 0;
        if (n == 1 && ((*s < 0x20 && !(multiline && (*s == '\n' || *s == '\r' || *s == '\t'))) ||
                       *s == 0x7f))
            return 0;
        /* C1 controls (U+0080..U+009F) */
        if (n == 2 && *s == 0xC2 && s[1] < 0xA0)
            return 0;
        s += n;
    }
    return 1;
}

int mc_date_ok(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return m != 2 || d != 29 || (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

const char *mc_label_of(const mc_label *labels, const char *word)
{
    for (; word && labels->word; labels++)
        if (!strcmp(word, labels->word))
            return labels->text;
    return NULL;
}
