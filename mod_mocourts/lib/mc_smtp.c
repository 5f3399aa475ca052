/* mc_smtp: a small SMTP client on APR sockets. See mc_smtp.h. */
#include "mc_smtp.h"
#include "mc_log.h"

#include <apr_base64.h>
#include <apr_general.h>
#include <apr_lib.h>
#include <apr_network_io.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>

#define MC_SMTP_LINE 1024     /* longest reply line kept (longer ones are cut) */
#define MC_SMTP_MAX_LINES 200 /* reply lines before we give up on a server */
#define MC_SMTP_MAX_CC 50

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
static const char *mc_list_next(const char *s, const char **b, size_t *n)
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

static int mc_has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* ---- message ------------------------------------------------------------ */

typedef struct {
    apr_pool_t *p;
    char *d;
    apr_size_t len, cap;
} mc_buf;

static void mc_buf_add(mc_buf *b, const char *s, apr_size_t n)
{
    if (b->len + n + 1 > b->cap) {
        apr_size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = apr_palloc(b->p, cap);
        if (b->len)
            memcpy(d, b->d, b->len);
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
    b->d[b->len] = '\0';
}

static void mc_buf_str(mc_buf *b, const char *s)
{
    mc_buf_add(b, s, strlen(s));
}

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

static const char *mc_message_id(apr_pool_t *p, const char *domain)
{
    unsigned char r[12];
    char hex[25];
    if (apr_generate_random_bytes(r, sizeof(r)) != APR_SUCCESS)
        memset(r, 0, sizeof(r));
    for (int i = 0; i < 12; i++)
        apr_snprintf(hex + 2 * i, 3, "%02x", r[i]);
    return apr_psprintf(p, "<%" APR_TIME_T_FMT ".%s@%s>", apr_time_sec(apr_time_now()), hex,
                        domain);
}

static const char *mc_build_message(apr_pool_t *p, const mc_mail *m, apr_size_t *len)
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
    mc_buf_str(&b, mc_message_id(p, dom));
    mc_buf_str(&b, "\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n"
                   "Auto-Submitted: auto-generated\r\n"
                   "\r\n");
    mc_buf_body(&b, m->body);
    *len = b.len;
    return b.d;
}

/* ---- the conversation --------------------------------------------------- */

typedef struct {
    apr_pool_t *p;
    apr_socket_t *s;
    const char *where; /* "host:port" for messages */
    char in[4096];
    apr_size_t inlen, inpos;
    int code;                /* of the last reply */
    char text[MC_SMTP_LINE]; /* its last line, printable ASCII only */
} mc_smtp;

static apr_status_t mc_smtp_getc(mc_smtp *c, char *ch)
{
    if (c->inpos == c->inlen) {
        apr_size_t n = sizeof(c->in);
        apr_status_t rv = apr_socket_recv(c->s, c->in, &n);
        if (n == 0)
            return rv != APR_SUCCESS ? rv : APR_EOF;
        c->inlen = n;
        c->inpos = 0;
    }
    *ch = c->in[c->inpos++];
    return APR_SUCCESS;
}

/* Read one reply (all its lines). Sets c->code (0 when malformed). */
static apr_status_t mc_smtp_reply(mc_smtp *c)
{
    char line[MC_SMTP_LINE];
    for (int lines = 0; lines < MC_SMTP_MAX_LINES; lines++) {
        apr_size_t n = 0;
        char ch;
        for (;;) {
            apr_status_t rv = mc_smtp_getc(c, &ch);
            if (rv != APR_SUCCESS)
                return rv;
            if (ch == '\n')
                break;
            if (n < sizeof(line) - 1 && ch != '\r')
                line[n++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
        }
        line[n] = '\0';
        if (n < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
            line[2] < '0' || line[2] > '9' || (n > 3 && line[3] != ' ' && line[3] != '-')) {
            c->code = 0;
            apr_cpystrn(c->text, line, sizeof(c->text));
            return APR_SUCCESS;
        }
        if (n == 3 || line[3] == ' ') {
            c->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
            apr_cpystrn(c->text, line, sizeof(c->text));
            return APR_SUCCESS;
        }
    }
    c->code = 0;
    apr_cpystrn(c->text, "(reply too long)", sizeof(c->text));
    return APR_SUCCESS;
}

static apr_status_t mc_smtp_write(mc_smtp *c, const char *d, apr_size_t len)
{
    while (len > 0) {
        apr_size_t n = len;
        apr_status_t rv = apr_socket_send(c->s, d, &n);
        if (rv != APR_SUCCESS)
            return rv;
        d += n;
        len -= n;
    }
    return APR_SUCCESS;
}

/* Send line (CRLF added) unless NULL, read the reply, and check its code
 * is in [ok_lo, ok_hi]. label names the step in *err. */
static apr_status_t mc_smtp_step(mc_smtp *c, const char *line, const char *label, int ok_lo,
                                 int ok_hi, const char **err)
{
    char buf[600];
    apr_status_t rv = APR_SUCCESS;
    if (line) {
        apr_snprintf(buf, sizeof(buf), "%s\r\n", line);
        rv = mc_smtp_write(c, buf, strlen(buf));
    }
    if (rv == APR_SUCCESS)
        rv = mc_smtp_reply(c);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(c->p, "SMTP server %s: %s (at %s)", c->where,
                            apr_strerror(rv, buf, sizeof(buf)), label);
        return APR_EAGAIN;
    }
    if (c->code >= ok_lo && c->code <= ok_hi)
        return APR_SUCCESS;
    *err = apr_psprintf(c->p, "SMTP server %s answered %s with: %.200s", c->where, label, c->text);
    return c->code >= 500 ? APR_EINVAL : APR_EAGAIN;
}

static apr_status_t mc_smtp_connect(mc_smtp *c, const char *host, unsigned port, unsigned timeout,
                                    const char **err)
{
    apr_sockaddr_t *sa;
    char buf[200];
    apr_status_t rv = apr_sockaddr_info_get(&sa, host, APR_UNSPEC, (apr_port_t)port, 0, c->p);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(c->p, "cannot resolve SMTP host %s: %s", host,
                            apr_strerror(rv, buf, sizeof(buf)));
        return APR_EAGAIN;
    }
    for (; sa; sa = sa->next) {
        rv = apr_socket_create(&c->s, sa->family, SOCK_STREAM, APR_PROTO_TCP, c->p);
        if (rv != APR_SUCCESS)
            continue;
        apr_socket_timeout_set(c->s, apr_time_from_sec(timeout ? timeout : 30));
        rv = apr_socket_connect(c->s, sa);
        if (rv == APR_SUCCESS)
            return APR_SUCCESS;
        apr_socket_close(c->s);
        c->s = NULL;
    }
    *err = apr_psprintf(c->p, "cannot connect to SMTP server %s: %s", c->where,
                        apr_strerror(rv, buf, sizeof(buf)));
    return APR_EAGAIN;
}

/* Our name for EHLO: the host name when it is a plain DNS name. */
static const char *mc_smtp_helo_name(apr_pool_t *p)
{
    char name[APRMAXHOSTLEN + 1];
    if (apr_gethostname(name, sizeof(name), p) != APR_SUCCESS || !*name)
        return "localhost";
    for (const char *c = name; *c; c++)
        if (!apr_isalnum(*c) && *c != '.' && *c != '-')
            return "localhost";
    return apr_pstrdup(p, name);
}

static apr_status_t mc_smtp_check(const mc_mail *m, const char **err)
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
    else
        return APR_SUCCESS;
    return APR_EINVAL;
}

apr_status_t mc_smtp_send(apr_pool_t *p, const char *host, unsigned port, unsigned timeout,
                          const mc_mail *m, const char **err)
{
    mc_smtp c;
    apr_size_t len;
    const char *it;
    size_t n;
    apr_status_t rv = mc_smtp_check(m, err);
    if (rv != APR_SUCCESS)
        return rv;
    memset(&c, 0, sizeof(c));
    c.p = p;
    port = port ? port : 25;
    c.where = apr_psprintf(p, "%s:%u", host, port);
    if ((rv = mc_smtp_connect(&c, host, port, timeout, err)) != APR_SUCCESS)
        return rv;

    const char *helo = mc_smtp_helo_name(p);
    rv = mc_smtp_step(&c, NULL, "the greeting", 220, 220, err);
    if (rv == APR_SUCCESS) {
        rv = mc_smtp_step(&c, apr_pstrcat(p, "EHLO ", helo, NULL), "EHLO", 250, 250, err);
        if (rv == APR_EINVAL) /* an old server: try HELO */
            rv = mc_smtp_step(&c, apr_pstrcat(p, "HELO ", helo, NULL), "HELO", 250, 250, err);
    }
    if (rv == APR_SUCCESS)
        rv = mc_smtp_step(&c, apr_psprintf(p, "MAIL FROM:<%s>", m->from), /* 7-bit: QP body */
                          "MAIL FROM", 250, 250, err);
    if (rv == APR_SUCCESS)
        rv = mc_smtp_step(&c, apr_psprintf(p, "RCPT TO:<%s>", m->to), "RCPT TO", 250, 251, err);
    for (const char *s = m->cc; rv == APR_SUCCESS && (s = mc_list_next(s, &it, &n)) != NULL;) {
        if (n == 0)
            continue;
        const char *addr = apr_pstrmemdup(p, it, n);
        const char *why;
        rv =
            mc_smtp_step(&c, apr_psprintf(p, "RCPT TO:<%s>", addr), "RCPT TO (Cc)", 250, 251, &why);
        if (rv == APR_EINVAL) { /* a refused copy does not stop the notice */
            mc_log(MC_LOG_WARNING, MC_LOG_MARK, "mc_smtp: Cc recipient refused: %s", why);
            rv = APR_SUCCESS;
        }
        else if (rv != APR_SUCCESS) {
            *err = why;
        }
    }
    if (rv == APR_SUCCESS)
        rv = mc_smtp_step(&c, "DATA", "DATA", 354, 354, err);
    if (rv == APR_SUCCESS) {
        const char *msg = mc_build_message(p, m, &len);
        rv = mc_smtp_write(&c, msg, len);
        if (rv != APR_SUCCESS) {
            char buf[120];
            *err = apr_psprintf(p, "SMTP server %s: %s (at the message)", c.where,
                                apr_strerror(rv, buf, sizeof(buf)));
            rv = APR_EAGAIN;
        }
        else {
            rv = mc_smtp_step(&c, NULL, "the message", 250, 250, err);
        }
    }
    if (rv == APR_SUCCESS) {
        const char *ignored;
        mc_smtp_step(&c, "QUIT", "QUIT", 221, 221, &ignored);
    }
    else {
        mc_smtp_write(&c, "QUIT\r\n", 6);
    }
    apr_socket_close(c.s);
    if (rv == APR_SUCCESS)
        *err = NULL;
    return rv;
}
