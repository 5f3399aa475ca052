/* mc_smtp: a small SMTP client on APR sockets: the conversation with the
 * server (the message it sends is built by mc_smtp_message.c). See
 * mc_smtp.h. */
#include "mc_smtp.h"
#include "mc_apr.h"
#include "mc_log.h"
#include "mc_smtp_private.h"

#include <apr_base64.h>
#include <apr_general.h>
#include <apr_lib.h>
#include <apr_network_io.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>

#define MC_SMTP_LINE 1024     /* longest reply line kept (longer ones are cut) */
#define MC_SMTP_MAX_LINES 200 /* reply lines before we give up on a server */

/* ---- the conversation --------------------------------------------------- */

/* Messages on one connection before a fresh one is opened. */
#define MC_SMTP_PER_CONNECTION 1000

struct mc_smtp_session {
    apr_pool_t *pool; /* the session's */
    apr_pool_t *cp;   /* the connection's (socket); NULL when there is none */
    apr_pool_t *p;    /* the current call's: *err and scratch */
    const char *host;
    unsigned port, timeout;
    const char *where; /* "host:port" for messages */
    const char *helo;  /* our name for EHLO */
    apr_socket_t *s;
    int allow_pipelining;
    int pipelining;     /* this connection pipelines (the server offers it) */
    int saw_pipelining; /* the EHLO reply listed PIPELINING */
    int dirty;          /* a transaction began and did not end: RSET first */
    unsigned messages;  /* accepted on this connection */
    const char *down;   /* why the last connection attempt failed, or NULL */
    apr_status_t down_rv;
    unsigned connections;
    char in[4096];
    apr_size_t inlen, inpos;
    apr_time_t deadline;     /* no network wait past it; 0: none */
    int code;                /* of the last reply */
    char text[MC_SMTP_LINE]; /* its last line, printable ASCII only */
};

typedef mc_smtp_session mc_smtp;

static void mc_smtp_drop(mc_smtp *c)
{
    if (c->s)
        apr_socket_close(c->s);
    c->s = NULL;
    mc_pool_clear(&c->cp);
    c->pipelining = 0;
    c->dirty = 0;
}

/* Before a wait on the network: the socket's timeout, cut to what is left
 * before the deadline; APR_TIMEUP when nothing is left. */
static apr_status_t mc_smtp_arm(mc_smtp *c)
{
    apr_interval_time_t t = apr_time_from_sec(c->timeout);
    if (c->deadline) {
        apr_interval_time_t left = c->deadline - apr_time_now();
        if (left <= 0)
            return APR_TIMEUP;
        if (left < t)
            t = left;
    }
    return apr_socket_timeout_set(c->s, t);
}

static apr_status_t mc_smtp_getc(mc_smtp *c, char *ch)
{
    if (c->inpos == c->inlen) {
        apr_size_t n = sizeof(c->in);
        apr_status_t rv = mc_smtp_arm(c);
        if (rv != APR_SUCCESS)
            return rv;
        rv = apr_socket_recv(c->s, c->in, &n);
        if (n == 0)
            return rv != APR_SUCCESS ? rv : APR_EOF;
        c->inlen = n;
        c->inpos = 0;
    }
    *ch = c->in[c->inpos++];
    return APR_SUCCESS;
}

/* Read one reply (all its lines). Sets c->code (0 when malformed) and
 * c->saw_pipelining when a line offers PIPELINING (an EHLO reply). */
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
        if (n >= 14 && strncasecmp(line + 4, "PIPELINING", 10) == 0 &&
            (line[14] == '\0' || line[14] == ' '))
            c->saw_pipelining = 1;
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
        apr_status_t rv = mc_smtp_arm(c);
        if (rv == APR_SUCCESS)
            rv = apr_socket_send(c->s, d, &n);
        if (rv != APR_SUCCESS)
            return rv;
        d += n;
        len -= n;
    }
    return APR_SUCCESS;
}

/* A network error at label: *err says so, the connection is dropped
 * (worth retrying). */
static apr_status_t mc_smtp_neterr(mc_smtp *c, apr_status_t rv, const char *label, const char **err)
{
    char buf[200];
    *err = apr_psprintf(c->p, "SMTP server %s: %s (at %s)", c->where,
                        apr_strerror(rv, buf, sizeof(buf)), label);
    mc_smtp_drop(c);
    return APR_EAGAIN;
}

/* Judge a reply code against [ok_lo, ok_hi]: a 5xx is permanent
 * (APR_EINVAL), anything else retryable (APR_EAGAIN). A 421 means the
 * server is closing the connection: it is dropped. */
static apr_status_t mc_smtp_judge(mc_smtp *c, int code, const char *text, const char *label,
                                  int ok_lo, int ok_hi, const char **err)
{
    if (code >= ok_lo && code <= ok_hi)
        return APR_SUCCESS;
    *err = apr_psprintf(c->p, "SMTP server %s answered %s with: %.200s", c->where, label, text);
    if (code == 421)
        mc_smtp_drop(c);
    return code >= 500 ? APR_EINVAL : APR_EAGAIN;
}

/* Send line (CRLF added) unless NULL, read the reply, and check its code
 * is in [ok_lo, ok_hi]. label names the step in *err. */
static apr_status_t mc_smtp_step(mc_smtp *c, const char *line, const char *label, int ok_lo,
                                 int ok_hi, const char **err)
{
    apr_status_t rv = APR_SUCCESS;
    if (line)
        rv = mc_smtp_write(c, apr_pstrcat(c->p, line, "\r\n", NULL), strlen(line) + 2);
    if (rv == APR_SUCCESS)
        rv = mc_smtp_reply(c);
    if (rv != APR_SUCCESS)
        return mc_smtp_neterr(c, rv, label, err);
    return mc_smtp_judge(c, c->code, c->text, label, ok_lo, ok_hi, err);
}

/* Connect, read the greeting, EHLO (HELO for an old server). On failure the
 * connection is gone and *err says why. */
static apr_status_t mc_smtp_open(mc_smtp *c, const char **err)
{
    apr_sockaddr_t *sa;
    char buf[200];
    apr_status_t rv;

    apr_pool_create(&c->cp, c->pool);
    c->inlen = c->inpos = 0;
    c->dirty = 0;
    c->messages = 0;
    c->pipelining = 0;
    rv = apr_sockaddr_info_get(&sa, c->host, APR_UNSPEC, (apr_port_t)c->port, 0, c->cp);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(c->p, "cannot resolve SMTP host %s: %s", c->host,
                            apr_strerror(rv, buf, sizeof(buf)));
        mc_smtp_drop(c);
        return APR_EAGAIN;
    }
    for (; sa; sa = sa->next) {
        rv = apr_socket_create(&c->s, sa->family, SOCK_STREAM, APR_PROTO_TCP, c->cp);
        if (rv != APR_SUCCESS)
            continue;
        rv = mc_smtp_arm(c);
        if (rv == APR_SUCCESS)
            rv = apr_socket_connect(c->s, sa);
        if (rv == APR_SUCCESS)
            break;
        apr_socket_close(c->s);
        c->s = NULL;
    }
    if (!c->s) {
        *err = apr_psprintf(c->p, "cannot connect to SMTP server %s: %s", c->where,
                            apr_strerror(rv, buf, sizeof(buf)));
        mc_smtp_drop(c);
        return APR_EAGAIN;
    }
    /* Small writes (a pipelined group, then the message) go out at once. */
    apr_socket_opt_set(c->s, APR_TCP_NODELAY, 1);
    c->connections++;
    rv = mc_smtp_step(c, NULL, "the greeting", 220, 220, err);
    if (rv == APR_SUCCESS) {
        c->saw_pipelining = 0;
        rv = mc_smtp_step(c, apr_pstrcat(c->p, "EHLO ", c->helo, NULL), "EHLO", 250, 250, err);
        if (rv == APR_SUCCESS)
            c->pipelining = c->allow_pipelining && c->saw_pipelining;
        else if (rv == APR_EINVAL && c->s) /* an old server: try HELO */
            rv = mc_smtp_step(c, apr_pstrcat(c->p, "HELO ", c->helo, NULL), "HELO", 250, 250, err);
    }
    if (rv != APR_SUCCESS && c->s) {
        mc_smtp_write(c, "QUIT\r\n", 6);
        mc_smtp_drop(c);
    }
    return rv;
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

/* One command of a transaction and, once read, its reply. */
typedef struct {
    const char *line; /* without CRLF */
    const char *label;
    int ok_lo, ok_hi;
    int fatal;        /* its failure ends the transaction */
    int answered;     /* a reply was read */
    int code;         /* 0: malformed */
    const char *text; /* its last line (in c->p) */
} mc_smtp_cmd;

static void mc_smtp_cmd_add(mc_smtp_cmd *cmd, int *n, const char *line, const char *label,
                            int ok_lo, int ok_hi, int fatal)
{
    mc_smtp_cmd *x = &cmd[(*n)++];
    memset(x, 0, sizeof(*x));
    x->line = line;
    x->label = label;
    x->ok_lo = ok_lo;
    x->ok_hi = ok_hi;
    x->fatal = fatal;
}

/* Send cmd[0..n) and read their replies: in one write when the connection
 * pipelines (RFC 2920; every reply is then read), else one by one,
 * stopping after a fatal command failed. A network error drops the
 * connection and returns APR_EAGAIN with *err set. */
static apr_status_t mc_smtp_exchange(mc_smtp *c, mc_smtp_cmd *cmd, int n, const char **err)
{
    apr_status_t rv;
    if (c->pipelining) {
        mc_buf b = {c->p, NULL, 0, 0};
        for (int i = 0; i < n; i++) {
            mc_buf_str(&b, cmd[i].line);
            mc_buf_str(&b, "\r\n");
        }
        if ((rv = mc_smtp_write(c, b.d, b.len)) != APR_SUCCESS)
            return mc_smtp_neterr(c, rv, cmd[0].label, err);
        for (int i = 0; i < n; i++) {
            if ((rv = mc_smtp_reply(c)) != APR_SUCCESS)
                return mc_smtp_neterr(c, rv, cmd[i].label, err);
            cmd[i].answered = 1;
            cmd[i].code = c->code;
            cmd[i].text = apr_pstrdup(c->p, c->text);
        }
        return APR_SUCCESS;
    }
    for (int i = 0; i < n; i++) {
        rv =
            mc_smtp_write(c, apr_pstrcat(c->p, cmd[i].line, "\r\n", NULL), strlen(cmd[i].line) + 2);
        if (rv == APR_SUCCESS)
            rv = mc_smtp_reply(c);
        if (rv != APR_SUCCESS)
            return mc_smtp_neterr(c, rv, cmd[i].label, err);
        cmd[i].answered = 1;
        cmd[i].code = c->code;
        cmd[i].text = apr_pstrdup(c->p, c->text);
        if (cmd[i].fatal && (c->code < cmd[i].ok_lo || c->code > cmd[i].ok_hi))
            break;
    }
    return APR_SUCCESS;
}

/* One mail transaction on an open connection: [RSET] MAIL, RCPT (To, then
 * each Cc), DATA, the message. *taken is set once the server has been
 * given the message (a failure after that may have delivered it). */
static apr_status_t mc_smtp_transaction(mc_smtp *c, const mc_mail *m, const char **err, int *taken)
{
    mc_smtp_cmd cmd[MC_SMTP_MAX_CC + 4];
    const char *it;
    size_t len;
    int n = 0, i, first_cc, data_at = -1;
    apr_status_t rv;

    *taken = 0;
    if (c->dirty)
        mc_smtp_cmd_add(cmd, &n, "RSET", "RSET", 250, 250, 1);
    /* 7-bit: the body is quoted-printable. */
    mc_smtp_cmd_add(cmd, &n, apr_psprintf(c->p, "MAIL FROM:<%s>", m->from), "MAIL FROM", 250, 250,
                    1);
    mc_smtp_cmd_add(cmd, &n, apr_psprintf(c->p, "RCPT TO:<%s>", m->to), "RCPT TO", 250, 251, 1);
    first_cc = n;
    for (const char *s = m->cc; (s = mc_list_next(s, &it, &len)) != NULL;) {
        if (len == 0 || n >= MC_SMTP_MAX_CC + 3)
            continue;
        mc_smtp_cmd_add(cmd, &n, apr_psprintf(c->p, "RCPT TO:<%.*s>", (int)len, it), "RCPT TO (Cc)",
                        250, 251, 0);
    }
    /* DATA joins the group only when the To recipient is the only one: its
     * refusal then leaves no recipient and DATA is refused too, while with
     * accepted copies DATA would open a message nobody meant to send. */
    if (c->pipelining && n == first_cc) {
        data_at = n;
        mc_smtp_cmd_add(cmd, &n, "DATA", "DATA", 354, 354, 1);
    }
    c->dirty = 1;
    if ((rv = mc_smtp_exchange(c, cmd, n, err)) != APR_SUCCESS)
        return rv;

    rv = APR_SUCCESS;
    for (i = 0; i < n && rv == APR_SUCCESS; i++) {
        const char *why;
        if (i == data_at || !cmd[i].answered)
            break;
        apr_status_t r = mc_smtp_judge(c, cmd[i].code, cmd[i].text, cmd[i].label, cmd[i].ok_lo,
                                       cmd[i].ok_hi, &why);
        if (r == APR_SUCCESS)
            continue;
        if (i >= first_cc && r == APR_EINVAL) { /* a refused copy does not stop the notice */
            mc_log(MC_LOG_WARNING, MC_LOG_MARK, MCLOGNO(2012) "mc_smtp: Cc recipient refused: %s",
                   why);
            continue;
        }
        *err = why;
        rv = r;
        if (strcmp(cmd[i].label, "RSET") == 0 && c->s) { /* a confused server: start again */
            mc_smtp_write(c, "QUIT\r\n", 6);
            mc_smtp_drop(c);
        }
    }
    if (!c->s)
        return rv;
    if (data_at >= 0 && cmd[data_at].answered) {
        if (rv != APR_SUCCESS) {
            if (cmd[data_at].code == 354) { /* end the message nobody should get */
                const char *ignored;
                mc_smtp_step(c, ".", "the message", 250, 250, &ignored);
            }
            return rv;
        }
        rv = mc_smtp_judge(c, cmd[data_at].code, cmd[data_at].text, "DATA", 354, 354, err);
    }
    else if (rv == APR_SUCCESS) {
        rv = mc_smtp_step(c, "DATA", "DATA", 354, 354, err);
    }
    if (rv != APR_SUCCESS)
        return rv;

    apr_size_t mlen;
    const char *msg = mc_build_message(c->p, m, &mlen);
    *taken = 1;
    if ((rv = mc_smtp_write(c, msg, mlen)) != APR_SUCCESS)
        return mc_smtp_neterr(c, rv, "the message", err);
    rv = mc_smtp_step(c, NULL, "the message", 250, 250, err);
    if (c->s)
        c->dirty = 0; /* answered: the transaction is over either way */
    return rv;
}

mc_smtp_session *mc_smtp_session_create(apr_pool_t *p, const char *host, unsigned port,
                                        unsigned timeout)
{
    mc_smtp_session *c = apr_pcalloc(p, sizeof(*c));
    c->pool = p;
    c->p = p;
    c->host = apr_pstrdup(p, host && *host ? host : "localhost");
    c->port = port ? port : 25;
    c->timeout = timeout ? timeout : 30;
    c->where = apr_psprintf(p, "%s:%u", c->host, c->port);
    c->helo = mc_smtp_helo_name(p);
    c->allow_pipelining = 1;
    return c;
}

void mc_smtp_session_set_pipelining(mc_smtp_session *s, int on)
{
    s->allow_pipelining = on;
}

void mc_smtp_session_set_deadline(mc_smtp_session *s, apr_time_t deadline)
{
    s->deadline = deadline;
}

apr_status_t mc_smtp_session_send(mc_smtp_session *c, apr_pool_t *p, const mc_mail *m,
                                  const char **err)
{
    apr_status_t rv = mc_smtp_check(m, err);
    if (rv != APR_SUCCESS)
        return rv;
    c->p = p;
    for (int attempt = 0;; attempt++) {
        int fresh = 0, taken = 0;
        if (c->s && c->messages >= MC_SMTP_PER_CONNECTION)
            mc_smtp_session_close(c);
        c->p = p;
        if (!c->s) {
            if (c->down) { /* not again before mc_smtp_session_close */
                *err = apr_pstrdup(p, c->down);
                return c->down_rv;
            }
            if ((rv = mc_smtp_open(c, err)) != APR_SUCCESS) {
                c->p = c->pool;
                c->down = apr_pstrdup(c->pool, *err);
                c->down_rv = rv;
                return rv;
            }
            fresh = 1;
        }
        rv = mc_smtp_transaction(c, m, err, &taken);
        c->p = c->pool;
        if (rv == APR_SUCCESS) {
            c->messages++;
            *err = NULL;
            return rv;
        }
        /* A kept connection the server has since closed (an idle timeout, a
         * 421): once more on a new one, if the message was not handed over. */
        if (!c->s && !fresh && !taken && attempt == 0)
            continue;
        return rv;
    }
}

void mc_smtp_session_close(mc_smtp_session *c)
{
    if (c->s) {
        const char *ignored;
        apr_pool_t *keep = c->p;
        c->p = c->cp;
        mc_smtp_step(c, "QUIT", "QUIT", 221, 221, &ignored);
        c->p = keep;
    }
    mc_smtp_drop(c);
    c->down = NULL;
}

int mc_smtp_session_pipelining(const mc_smtp_session *s)
{
    return s->pipelining;
}

unsigned mc_smtp_session_connections(const mc_smtp_session *s)
{
    return s->connections;
}

apr_status_t mc_smtp_send(apr_pool_t *p, const char *host, unsigned port, unsigned timeout,
                          const mc_mail *m, const char **err)
{
    apr_status_t rv = mc_smtp_check(m, err);
    if (rv != APR_SUCCESS)
        return rv;
    mc_smtp_session *c = mc_smtp_session_create(p, host, port, timeout);
    rv = mc_smtp_session_send(c, p, m, err);
    mc_smtp_session_close(c);
    return rv;
}
