/* mc_webhook_send: the delivery worker's side of webhooks (the core's
 * watchdog and `mocourts-admin deliver`), and what the My Account pages
 * share with it. Not part of the plugin ABI. */
#ifndef MC_WEBHOOK_SEND_H
#define MC_WEBHOOK_SEND_H
#include "mc_db.h"
#include <apr_pools.h>

#define MC_WEBHOOK_SECRET_PREFIX "whsec_"
#define MC_WEBHOOK_SECRET_BYTES 32
#define MC_WEBHOOK_URL_MAX 2000
#define MC_WEBHOOK_RETRY_HOURS                                                                     \
    24 /* a delivery's retries; an endpoint's failing before it is disabled */
#define MC_WEBHOOK_TIMEOUT_SEC 10 /* one POST, connection included */

/* The events, NULL-terminated, and whether event is one of them. */
extern const char *const mc_webhook_events[];
int mc_webhook_event_ok(const char *event);
/* A new secret: "whsec_" and the base64 of MC_WEBHOOK_SECRET_BYTES random bytes. */
const char *mc_webhook_secret_new(apr_pool_t *p);
/* "v1,<base64 HMAC-SHA256(secret's bytes, msg_id.timestamp.body)>", or NULL
 * when secret is not "whsec_" and the base64 of 24 to 64 bytes. */
const char *mc_webhook_signature(apr_pool_t *p, const char *secret, const char *msg_id,
                                 long long timestamp, const char *body, apr_size_t body_len);
/* NULL when url may be an endpoint (https, or http to 127.0.0.0/8 or ::1
 * written as an address; no user name, password or fragment), else a
 * sentence for the user. */
const char *mc_webhook_url_refusal(apr_pool_t *p, const char *url);
/* Seconds before the attempt after n failed ones. */
int mc_webhook_backoff(int attempts);

typedef struct mc_webhook_conf {
    const char *worker;     /* a name for this worker, recorded on claim */
    int lease;              /* seconds a claim lasts (at least 15 are used) */
    int batch;              /* deliveries claimed at once (1..100; 0: 20) */
    const char *pages_url;  /* the Webhooks page, for the e-mail; may be NULL */
    const char *court_name; /* for the e-mail; may be NULL */
    int round_limit;        /* seconds a round takes new deliveries (0: 60) */
} mc_webhook_conf;

/* One round: claim due deliveries (FOR UPDATE SKIP LOCKED, with a lease, as
 * the outbox does: each is sent by one worker of however many), POST each
 * one signed, log the attempt, and record the outcome: 'delivered' on 2xx,
 * else 'retrying' after mc_webhook_backoff, or 'failed' once it was queued
 * 24 hours ago. An endpoint failing for 24 hours without a success is
 * disabled (its waiting deliveries fail), audited, and its owner e-mailed
 * (mc_outbox). An endpoint that gave no answer (unreachable, timed out)
 * is not tried again in the same round: its other deliveries go back for
 * 5 seconds, no attempt counted, so one dead endpoint cannot hold the
 * round. A round takes every due delivery of each endpoint it takes (up to
 * twice the batch in all), so a full batch does not cut an endpoint's. After conf->round_limit the rest go back too.
 * *sent / *failed: the attempts that succeeded / failed.
 * Database errors are returned. */
apr_status_t mc_webhook_deliver(mc_db *db, apr_pool_t *p, const mc_webhook_conf *conf, int *sent,
                                int *failed);
/* Delete delivered and failed deliveries (with their attempts) last
 * scheduled more than MC_WEBHOOK_KEEP_DAYS ago, at most 5,000 a call;
 * *n: how many. The delivery worker's housekeeping calls it. */
#define MC_WEBHOOK_KEEP_DAYS 30
apr_status_t mc_webhook_purge(mc_db *db, long long *n);
/* curl_global_init: once, before threads. APR_EGENERAL when it fails. */
apr_status_t mc_webhook_global_init(void);
#endif
