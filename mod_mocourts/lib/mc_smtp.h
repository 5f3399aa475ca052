/* mc_smtp: a small SMTP client for a relay (RFC 5321: EHLO/HELO, MAIL, RCPT,
 * DATA with dot-stuffing, QUIT). No CR or LF from a caller ever reaches a
 * header: header values are refused if they hold one. */
#ifndef MC_SMTP_H
#define MC_SMTP_H
#include "mc_api.h"
#include <apr_pools.h>
#include <apr_time.h>

typedef struct mc_mail {
    const char *from;      /* envelope and From: address */
    const char *from_name; /* display name, may be NULL */
    const char *to;        /* one recipient */
    const char *cc;        /* comma-separated, may be NULL (also RCPT TO each) */
    const char *subject;
    const char *body;              /* text/plain UTF-8; LF or CRLF line ends */
    const char *message_id_domain; /* for Message-ID, may be NULL (the From domain) */
    /* The Message-ID's part before '@' (dot-atom text, at most 100 bytes),
     * the same on every attempt of one notice so that a receiver can drop a
     * repeat; NULL: a random one. */
    const char *message_id_local;
    /* RFC 8058 one-click unsubscribe (ABI 1.6), NULL or "" for none: an
     * http(s) URL (printable ASCII, no blank, '<', '>' or ','; at most 900
     * bytes) that acts on a POST of List-Unsubscribe=One-Click. The message
     * then carries List-Unsubscribe: <url> and List-Unsubscribe-Post:
     * List-Unsubscribe=One-Click. (RFC 8058 also wants the URL https and a
     * DKIM signature covering both headers: the site's and relay's part.) */
    const char *list_unsubscribe;
} mc_mail;

/* Deliver one message on a connection of its own. timeout in seconds per read/write. On failure
 * *err (in p) says what the server answered or why the connection failed; a 4xx answer or a network
 * error returns APR_EAGAIN (worth retrying), a 5xx returns APR_EINVAL (permanent). */
MC_API apr_status_t mc_smtp_send(apr_pool_t *p, const char *host, unsigned port, unsigned timeout,
                          const mc_mail *m, const char **err);
/* A session: one connection kept across messages (RFC 5321: a new
 * transaction follows a completed one; RSET after one that failed midway),
 * with the commands of a transaction sent as one group when the server
 * offers PIPELINING (RFC 2920). Nothing connects until the first send; a
 * dropped connection is opened again by the next send, and a send that
 * finds a kept connection closed by the server (idle timeout, 421) retries
 * once on a fresh one. When a connection cannot be opened (server down,
 * refused greeting), later sends fail at once with the same reason until
 * mc_smtp_session_close, so a round does not wait out one timeout per
 * message. Not thread-safe. The session lives in p; destroying
 * p closes the connection without QUIT. */
typedef struct mc_smtp_session mc_smtp_session;
MC_API mc_smtp_session *mc_smtp_session_create(apr_pool_t *p, const char *host, unsigned port,
                                        unsigned timeout);
/* PIPELINING when the server offers it: on (the default) or off. */
MC_API void mc_smtp_session_set_pipelining(mc_smtp_session *s, int on);
/* No wait on the network (connect, read, write) lasts past deadline: the
 * send that reaches it fails with APR_EAGAIN (a timeout) and the
 * connection is dropped. 0 (the default): only the per-step timeout. */
MC_API void mc_smtp_session_set_deadline(mc_smtp_session *s, apr_time_t deadline);
/* Deliver one message over the session; results as mc_smtp_send, *err in
 * tp (scratch for this message; may be destroyed after the call). */
MC_API apr_status_t mc_smtp_session_send(mc_smtp_session *s, apr_pool_t *tp, const mc_mail *m,
                                  const char **err);
/* QUIT and close the connection, if one is open, and forget a failure to
 * connect. The session can send again. */
MC_API void mc_smtp_session_close(mc_smtp_session *s);
/* 1 when the open connection pipelines; connections opened so far. */
MC_API int mc_smtp_session_pipelining(const mc_smtp_session *s);
MC_API unsigned mc_smtp_session_connections(const mc_smtp_session *s);

/* 1 when s is a plausible single e-mail address (no spaces, CR, LF, <, >, ',',
 * one '@', a dot in the domain, at most 254 bytes). */
MC_API int mc_email_ok(const char *s);
/* 1 when list is NULL, empty, or a comma-separated list of addresses each
 * passing mc_email_ok (blanks around items and empty items are ignored;
 * at most 50 addresses). Allocates nothing. */
MC_API int mc_email_list_ok(const char *list);
#endif
