/* mc_smtp: a small SMTP client for a relay (RFC 5321: EHLO/HELO, MAIL, RCPT,
 * DATA with dot-stuffing, QUIT). No CR or LF from a caller ever reaches a
 * header: header values are refused if they hold one. */
#ifndef MC_SMTP_H
#define MC_SMTP_H
#include <apr_pools.h>

typedef struct mc_mail {
    const char *from;      /* envelope and From: address */
    const char *from_name; /* display name, may be NULL */
    const char *to;        /* one recipient */
    const char *cc;        /* comma-separated, may be NULL (also RCPT TO each) */
    const char *subject;
    const char *body;              /* text/plain UTF-8; LF or CRLF line ends */
    const char *message_id_domain; /* for Message-ID, may be NULL */
} mc_mail;

/* Deliver one message. timeout in seconds per read/write. On failure *err
 * (in p) says what the server answered or why the connection failed; a 4xx
 * answer or a network error returns APR_EAGAIN (worth retrying), a 5xx
 * returns APR_EINVAL (permanent). */
apr_status_t mc_smtp_send(apr_pool_t *p, const char *host, unsigned port, unsigned timeout,
                          const mc_mail *m, const char **err);
/* 1 when s is a plausible single e-mail address (no spaces, CR, LF, <, >, ',',
 * one '@', a dot in the domain, at most 254 bytes). */
int mc_email_ok(const char *s);
/* 1 when list is NULL, empty, or a comma-separated list of addresses each
 * passing mc_email_ok (blanks around items and empty items are ignored;
 * at most 50 addresses). Allocates nothing. */
int mc_email_list_ok(const char *list);
#endif
