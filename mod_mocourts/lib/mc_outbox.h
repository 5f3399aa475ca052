/* mc_outbox: notifications written in the same transaction as the event
 * that causes them, delivered later by a worker (the core's watchdog or
 * `mocourts-admin deliver`). One row per recipient and channel. Claims use
 * SELECT ... FOR UPDATE SKIP LOCKED, so several workers (nodes) never send
 * the same row. */
#ifndef MC_OUTBOX_H
#define MC_OUTBOX_H
#include "mc_api.h"
#include "mc_db.h"
#include <apr_pools.h>

typedef enum { MC_CHANNEL_EMAIL = 0, MC_CHANNEL_SMS = 1, MC_CHANNEL_VOICE = 2 } mc_channel;

typedef struct mc_notice {
    long long account_id; /* 0 when not tied to an account */
    mc_channel channel;
    const char *recipient; /* e-mail address or phone number */
    const char *cc;        /* comma-separated e-mail addresses, or NULL */
    const char *subject;   /* e-mail only */
    const char *body;
    const char *kind;     /* short tag, e.g. "device-code", "password-changed" */
    const char *case_ref; /* case number or NULL (Case.net history) */
} mc_notice;

/* Queue n on db (inside the caller's transaction, if any). *id may be NULL.
 * APR_EINVAL when the recipient or a header value is unusable. An e-mail to
 * an account gets, in copy, the addresses the carbon-copy rule adds (see
 * mc_outbox_set_cc_rule). */
MC_API apr_status_t mc_outbox_add(mc_db *db, const mc_notice *n, long long *id);

/* The carbon-copy rule: who receives, in copy, every e-mail sent to an
 * account (e.g. its group administrator, seed 000). The rule writes a
 * comma-separated list of addresses into buf (NUL-terminated, at most len
 * bytes; "" for none) and returns APR_SUCCESS, or a database error, which
 * fails the mc_outbox_add. One rule per process; set it before threads
 * (the core installs one that asks every mounted plugin). */
typedef apr_status_t mc_outbox_cc_rule(mc_db *db, long long account_id, char *buf, apr_size_t len);
MC_API void mc_outbox_set_cc_rule(mc_outbox_cc_rule *rule);

typedef struct mc_delivery_conf {
    const char *smtp_host;
    unsigned smtp_port;
    unsigned smtp_timeout;
    const char *mail_from;
    const char *mail_from_name;
    const char *gateway; /* SMS/voice command, or NULL (such rows then fail) */
    const char *worker;  /* a name for this worker, recorded on claim */
    int max_attempts;    /* after that the row is 'failed' */
    int batch;           /* rows claimed at once (at most 5000; e.g. 500) */
    int lease;           /* seconds a claim lasts unless renewed (0: 30; 3 to 3600) */
} mc_delivery_conf;

/* Claim up to conf->batch due rows, send each, record the outcome
 * ('sent'; 'retrying' with next_attempt_at = now + backoff; 'failed' with
 * the reason). *sent / *failed may be NULL. Errors of the database are
 * returned; errors of a delivery are recorded.
 *
 * One round: one transaction claims the rows (expired claims first, then
 * due rows oldest first, through the index on (status, next_attempt_at));
 * every e-mail of the round goes over one SMTP session (mc_smtp_session:
 * one connection, PIPELINING when offered). Each outcome is recorded as
 * soon as it is known (a sent row once the server has accepted the
 * message), one row by its primary key: a worker killed at any moment
 * leaves at most the one notice in flight to be sent again. Every e-mail
 * carries a Message-ID made of the row (its id and queue time), the same on
 * every attempt, so a receiver can drop the repeat. A row's
 * list_unsubscribe (Track This Case notices, written by mc_case) becomes
 * the RFC 8058 List-Unsubscribe and List-Unsubscribe-Post headers.
 *
 * A claim is a lease of conf->lease seconds, renewed while the round goes
 * on: the rows of a worker that died are claimable again within a lease,
 * and a living worker never loses its rows (no send outlasts its lease).
 * A round that runs past 4 minutes gives the rows it has not reached back
 * to the queue (no attempt counted). Several workers (processes, nodes)
 * may run rounds at once: claims use FOR UPDATE SKIP LOCKED. */
MC_API apr_status_t mc_outbox_deliver(mc_db *db, apr_pool_t *p, const mc_delivery_conf *conf, int *sent,
                               int *failed);
/* The backoff before attempt n+1 after n failed attempts (seconds). */
MC_API int mc_outbox_backoff(int attempts);
/* Run the gateway command: argv = { cmd, "sms"|"voice", recipient }, body on
 * stdin. APR_SUCCESS on exit status 0; *err holds the reason otherwise.
 * The command must finish within 30 seconds (then it is killed, SIGKILL,
 * and the attempt fails). A gateway that exits before reading all of its
 * input fails too. The process must ignore SIGPIPE (httpd and
 * mocourts-admin do). Failures are retryable: APR_EAGAIN, or APR_EINVAL
 * when there is no command or the recipient is not a phone number. */
MC_API apr_status_t mc_gateway_send(apr_pool_t *p, const char *cmd, mc_channel ch, const char *recipient,
                             const char *body, const char **err);
#endif
