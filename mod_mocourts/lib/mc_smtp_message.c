/* mc_smtp_message: what mc_smtp sends: addresses checked, and the message
 * (headers, encoded words, dot-stuffed body) built. See mc_smtp.h and
 * mc_smtp_private.h. */
#include "mc_smtp.h"
#include "mc_smtp_private.h"

#include <apr_base64.h>
#include <apr_general.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>

/* ---- addresses ---------------------------------------------------------- */

int mc_email_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n < 5 || n > 254 || !at || at == s || strchr(at + 1, '@') || at - s > 64)
        return 0;
    for (const char *c = s; *c; c++) {
        unsigned char u = (unsigned char)*c;
        /* No blanks, controls or 8-bit bytes (no SMTPUTF8), nothing that a
         * header would have to quote. */
        if (u <= 0x20 || u >= 0x7f || strchr("<>,;:\"()[]\\", u))
            return 0;
    }
    const char *dom = at + 1;
    size_t dl = strlen(dom);
    if (dl < 3 || !strchr(dom, '.') || dom[0] == '.' || dom[0] == '-' || dom[dl - 1] == '.' ||
        strstr(dom, ".."))
        return 0;
    if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return 0;
    return 1;
}

/* The next item of a comma-separated list: *b and *n give the trimmed item (n may
 * be 0 for an empty one). Returns where to continue, NULL at the end. */
const char *mc_list_next(const char *s, const char **b, size_t *n)
{
    if (!s || !*s)
        return NULL;
    const char *e = strchr(s, ',');
    const char *end = e ? e : s + strlen(s);
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    const char *t = end;
    while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
        t--;
    *b = s;
    *n = (size_t)(t - s);
    return e ? e + 1 : end;
}

int mc_email_list_ok(const char *list)
{
    const char *b;
    size_t n;
    char one[256];
    int count = 0;
    for (const char *s = list; (s = mc_list_next(s, &b, &n)) != NULL;) {
        if (n == 0)
            continue;
        if (n >= sizeof(one) || ++count > MC_SMTP_MAX_CC)
            return 0;
        memcpy(one, b, n);
        one[n] = '\0';
        if (!mc_email_ok(one))
            return 0;
    }
    return 1;
}

int mc_has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* ---- message ------------------------------------------------------------ */

static int mc_is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x7f || ((unsigned char)*s < 0x20 && *s != '\t'))
            return 0;
    return 1;
}

/* RFC 2047 B encoded-words, UTF-8, each at most 75 characters, cut on
 * character boundaries, folded with CRLF SP. */
static void mc_buf_encoded_words(mc_buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    char out[80];
    int first = 1;
    while (i < n) {
        size_t take = n - i > 45 ? 45 : n - i;
        while (take > 1 && i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--;
        apr_base64_encode(out, s + i, (int)take);
        if (!first)
            mc_buf_str(b, "\r\n ");
        mc_buf_str(b, "=?UTF-8?B?");
        mc_buf_str(b, out);
        mc_buf_str(b, "?=");
        first = 0;
        i += take;
    }
}

/* A header "Name: value" with value as text (unstructured or a phrase). */
static void mc_buf_text_header(mc_buf *b, const char *name, const char *value)
{
    mc_buf_str(b, name);
    mc_buf_str(b, ": ");
    if (mc_is_ascii(value) && strlen(value) < 900 && !strstr(value, "=?"))
        mc_buf_str(b, value);
    else
        mc_buf_encoded_words(b, value);
    mc_buf_str(b, "\r\n");
}

static void mc_buf_from(mc_buf *b, const char *name, const char *addr)
{
    mc_buf_str(b, "From: ");
    if (name && *name) {
        if (mc_is_ascii(name) && strlen(name) < 200 && !strstr(name, "=?")) {
            mc_buf_str(b, "\"");
            for (const char *c = name; *c; c++) {
                if (*c == '"' || *c == '\\')
                    mc_buf_add(b, "\\", 1);
                mc_buf_add(b, c, 1);
            }
            mc_buf_str(b, "\"");
        }
        else {
            mc_buf_encoded_words(b, name);
        }
        mc_buf_str(b, " ");
    }
    mc_buf_str(b, "<");
    mc_buf_str(b, addr);
    mc_buf_str(b, ">\r\n");
}

/* Add one physical line of DATA (without its CRLF), dot-stuffed. */
static void mc_buf_data_line(mc_buf *b, const char *d, size_t n)
{
    if (n > 0 && d[0] == '.')
        mc_buf_add(b, ".", 1);
    mc_buf_add(b, d, n);
    mc_buf_str(b, "\r\n");
}

/* The body as SMTP DATA in quoted-printable (RFC 2045 6.7): any length of
 * line and any byte survive unchanged (long lines get soft breaks, never a
 * hard one inside a word), no 8BITMIME needed; CRLF line ends, dot-stuffed,
 * ending with the terminating ".". */
static void mc_buf_body(mc_buf *b, const char *body)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *s = body ? body : "";
    char out[80];
    size_t o;
    while (*s) {
        size_t n = strcspn(s, "\r\n"), i;
        const char *next = s + n;
        if (*next == '\r' && next[1] == '\n')
            next += 2;
        else if (*next)
            next += 1;
        o = 0;
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            char tok[3];
            size_t tl = 1;
            int last = i + 1 == n;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
                tok[0] = (char)c;
            else {
                tok[0] = '=';
                tok[1] = hex[c >> 4];
                tok[2] = hex[c & 15];
                tl = 3;
            }
            /* 76 characters at most, the soft break's '=' included. */
            if (o + tl > (last ? 76 : 75)) {
                out[o++] = '=';
                mc_buf_data_line(b, out, o);
                o = 0;
            }
            memcpy(out + o, tok, tl);
            o += tl;
        }
        mc_buf_data_line(b, out, o);
        s = next;
    }
    mc_buf_str(b, ".\r\n");
}

static const char *mc_rfc5322_date(apr_pool_t *p, apr_time_t t)
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    apr_time_exp_t x;
    apr_time_exp_gmt(&x, t);
    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[x.tm_wday], x.tm_mday,
                        mo[x.tm_mon], x.tm_year + 1900, x.tm_hour, x.tm_min, x.tm_sec);
}

/* A Message-ID: <local@domain>, local random unless given. */
static const char *mc_message_id(apr_pool_t *p, const char *local, const char *domain)
{
    unsigned char r[12];
    if (local)
        return apr_psprintf(p, "<%s@%s>", local, domain);
    char hex[25];
    if (apr_generate_random_bytes(r, sizeof(r)) != APR_SUCCESS)
        memset(r, 0, sizeof(r));
    for (int i = 0; i < 12; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", r[i]);
    return apr_psprintf(p, "<%" APR_TIME_T_FMT ".%s@%s>", apr_time_sec(apr_time_now()), hex,
                        domain);
}

const char *mc_build_message(apr_pool_t *p, const mc_mail *m, apr_size_t *len)
{
    mc_buf b = {p, NULL, 0, 0};
    const char *dom = m->message_id_domain && *m->message_id_domain ? m->message_id_domain
                                                                    : strchr(m->from, '@') + 1;
    mc_buf_str(&b, "Date: ");
    mc_buf_str(&b, mc_rfc5322_date(p, apr_time_now()));
    mc_buf_str(&b, "\r\n");
    mc_buf_from(&b, m->from_name, m->from);
    mc_buf_str(&b, "To: ");
    mc_buf_str(&b, m->to);
    mc_buf_str(&b, "\r\n");
    if (m->cc) {
        const char *it, *sep = "Cc: ";
        size_t n;
        for (const char *s = m->cc; (s = mc_list_next(s, &it, &n)) != NULL;) {
            if (n == 0)
                continue;
            mc_buf_str(&b, sep);
            mc_buf_add(&b, it, n);
            sep = ",\r\n ";
        }
        if (strcmp(sep, "Cc: ") != 0)
            mc_buf_str(&b, "\r\n");
    }
    mc_buf_text_header(&b, "Subject", m->subject ? m->subject : "");
    mc_buf_str(&b, "Message-ID: ");
    mc_buf_str(&b, mc_message_id(p, m->message_id_local, dom));
    if (m->list_unsubscribe && *m->list_unsubscribe) { /* RFC 8058 */
        mc_buf_str(&b, "\r\nList-Unsubscribe: <");
        mc_buf_str(&b, m->list_unsubscribe);
        mc_buf_str(&b, ">\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }
    mc_buf_str(&b, "\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n"
                   "Auto-Submitted: auto-generated\r\n"
                   "\r\n");
    mc_buf_body(&b, m->body);
    *len = b.len;
    return b.d;
}

/* RFC 5322 dot-atom-text of 1..max bytes. */
static int mc_dot_atom_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || s[0] == '.' || s[n - 1] == '.' || strstr(s, ".."))
        return 0;
    for (; *s; s++)
        if (!apr_isalnum(*s) && !strchr(".!#$%&'*+/=?^_`{|}~-", *s))
            return 0;
    return 1;
}

/* 1 when s may go between the angle brackets of List-Unsubscribe: an
 * http(s) URL of printable ASCII without blanks, '<', '>' or ',' (RFC 2369
 * lists several URLs separated by commas). */
static int mc_list_url_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > 900 || (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || strchr("<>,", *s))
            return 0;
    return 1;
}

apr_status_t mc_smtp_check(const mc_mail *m, const char **err)
{
    if (!mc_email_ok(m->from))
        *err = "the sender address (MoCourtsMailFrom) is not a usable e-mail address";
    else if (!mc_email_ok(m->to))
        *err = "the recipient is not a usable e-mail address";
    else if (!mc_email_list_ok(m->cc))
        *err = "a Cc address is not a usable e-mail address";
    else if (mc_has_crlf(m->subject) || mc_has_crlf(m->from_name) ||
             mc_has_crlf(m->message_id_domain))
        *err = "a header value holds a line break";
    else if (m->message_id_domain && strpbrk(m->message_id_domain, " <>@\t"))
        *err = "the Message-ID domain is not a domain";
    else if (m->message_id_local && !mc_dot_atom_ok(m->message_id_local, 100))
        *err = "the Message-ID is not dot-atom text";
    else if (m->list_unsubscribe && *m->list_unsubscribe && !mc_list_url_ok(m->list_unsubscribe))
        *err = "the List-Unsubscribe address is not an http(s) URL";
    else
        return APR_SUCCESS;
    return APR_EINVAL;
}
