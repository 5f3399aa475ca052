/* mc_webhook_send: a delivery round of webhooks with libcurl. See
 * mc_webhook_send.h.
 *
 * Claims are the outbox's: a transaction takes due rows FOR UPDATE SKIP
 * LOCKED and marks them 'sending' with a lease; just before each POST the
 * lease of that one row is renewed (only while the row is still ours), so a
 * slow endpoint never lets another worker take the rows after it while
 * they wait, and no POST outlasts its lease (MC_WEBHOOK_TIMEOUT_SEC is
 * shorter). A worker that dies leaves its rows to be claimed again once the
 * lease has run out; the one in flight may then be sent twice, with the
 * same webhook-id, which a receiver uses to drop the repeat. */
#include "mc_db_retry.h"
#include "mc_webhook_send.h"
#include "mc_log.h"
#include "mc_outbox.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MC_WEBHOOK_LEASE_MIN 15 /* > MC_WEBHOOK_TIMEOUT_SEC with room to record */
#define MC_WEBHOOK_BATCH_MAX 100
#define MC_WEBHOOK_ROUND_LIMIT apr_time_from_sec(60)

#ifndef MC_VERSION
#define MC_VERSION "0"
#endif

apr_status_t mc_webhook_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? APR_SUCCESS : APR_EGENERAL;
}

/* Add to ids (once each, up to max in all) the rows of res's first column. */
static void mc_wh_add_ids(apr_array_header_t *ids, apr_hash_t *seen, const mc_dbres *res, int max)
{
    for (int r = 0; res && r < res->nrows && ids->nelts < max; r++) {
        long long id = mc_dbres_int(res, r, 0);
        if (apr_hash_get(seen, &id, sizeof(id)))
            continue;
        apr_hash_set(seen, apr_pmemdup(ids->pool, &id, sizeof(id)), sizeof(id), "");
        APR_ARRAY_PUSH(ids, long long) = id;
    }
}

/* Claim up to batch rows: first rows left 'sending' by a worker whose lease
 * ran out, then due rows, oldest first; then the other due rows of the
 * endpoints those due rows go to (up to batch more), so one round holds all
 * of an endpoint's due deliveries and an endpoint that does not answer is
 * tried once for all of them, not once for each round a full batch cut
 * them into. *ids: the claimed rows' ids. */
static apr_status_t mc_wh_claim_once(mc_db *db, apr_pool_t *p, const char *name, int lease,
                                     int batch, apr_array_header_t *ids)
{
    mc_dbres *expired = NULL, *due = NULL;
    apr_hash_t *seen = apr_hash_make(p), *endpoints = apr_hash_make(p);
    apr_status_t rv = mc_db_begin(db);
    ids->nelts = 0;
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &expired,
                     "SELECT id FROM mc_webhook_delivery WHERE status = 'sending' AND "
                     "claimed_until < UTC_TIMESTAMP() LIMIT ? FOR UPDATE SKIP LOCKED",
                     "i", (long long)batch);
    if (rv == APR_SUCCESS && expired->nrows < batch)
        rv = mc_db_query(db, p, &due,
                         "SELECT id, endpoint_id FROM mc_webhook_delivery WHERE status IN "
                         "('queued', 'retrying') AND next_attempt_at <= UTC_TIMESTAMP() ORDER BY "
                         "next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
                         "i", (long long)(batch - expired->nrows));
    if (rv == APR_SUCCESS) {
        mc_wh_add_ids(ids, seen, expired, batch);
        mc_wh_add_ids(ids, seen, due, batch);
    }
    for (int r = 0; rv == APR_SUCCESS && due && r < due->nrows && ids->nelts < 2 * batch; r++) {
        const char *ep = mc_dbres_get(due, r, 1);
        mc_dbres *more;
        if (apr_hash_get(endpoints, ep, APR_HASH_KEY_STRING))
            continue;
        apr_hash_set(endpoints, ep, APR_HASH_KEY_STRING, ep);
        /* Through the due index: an endpoint's history can be long. The
         * rows this transaction holds come back too; mc_wh_add_ids skips
         * them. */
        rv = mc_db_query(db, p, &more,
                         "SELECT id FROM mc_webhook_delivery FORCE INDEX (mc_webhook_delivery_due) "
                         "WHERE status IN ('queued', 'retrying') AND next_attempt_at <= "
                         "UTC_TIMESTAMP() AND endpoint_id = ? ORDER BY next_attempt_at, id "
                         "LIMIT ? FOR UPDATE SKIP LOCKED",
                         "ii", mc_dbres_int(due, r, 1), (long long)(2 * batch));
        if (rv == APR_SUCCESS)
            mc_wh_add_ids(ids, seen, more, 2 * batch);
    }
    for (int i = 0; rv == APR_SUCCESS && i < ids->nelts; i++)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_webhook_delivery SET status = 'sending', claimed_by = ?, "
                        "claimed_until = UTC_TIMESTAMP() + INTERVAL ? SECOND WHERE id = ?",
                        "sii", name, (long long)lease, APR_ARRAY_IDX(ids, i, long long));
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS) {
        ids->nelts = 0;
        if (!mc_db_broken(db))
            mc_db_rollback(db);
    }
    return rv;
}

static apr_status_t mc_wh_claim(mc_db *db, apr_pool_t *p, const char *name, int lease, int batch,
                                apr_array_header_t *ids)
{
    apr_status_t rv;
    for (int try = 0; try < 5; try++) {
        rv = mc_wh_claim_once(db, p, name, lease, batch, ids);
        if (rv != MC_DB_EDEADLOCK)
            break;
    }
    return rv;
}

/* The response body is not kept. */
static size_t mc_wh_discard(char *ptr, size_t size, size_t n, void *baton)
{
    return size * n;
}

/* Where a POST may go: an http URL only to a loopback address (a test
 * site's receiver), an https URL only to a public one, never to this
 * network's private, link-local, shared or reserved ranges (a webhook is
 * not a way to reach the court's inside). Checked on the address curl is
 * about to connect to, so a name that resolves elsewhere later (DNS
 * rebinding) is caught too. */
typedef struct {
    int http;    /* the URL is http: (loopback only) */
    int refused; /* an address was refused */
} mc_wh_guard;

static int mc_wh_v4_kind(uint32_t a) /* 1 loopback, 2 private or reserved, 0 public */
{
    if ((a >> 24) == 127)
        return 1;
    if ((a >> 24) == 0 || (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) ||
        (a >> 16) == (192u << 8 | 168) || (a >> 16) == (169u << 8 | 254) ||
        (a >> 22) == (100u << 2 | 1) || (a >> 28) >= 14)
        return 2;
    return 0;
}

static int mc_wh_addr_kind(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return mc_wh_v4_kind(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        if (!memcmp(b, mapped, 12))
            return mc_wh_v4_kind((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
                                 (uint32_t)b[14] << 8 | b[15]);
        if (!memcmp(b, loop, 16))
            return 1;
        if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff ||
            !memcmp(b, loop, 15))
            return 2; /* unique local, link-local, multicast, :: */
        return 0;
    }
    return 2;
}

static curl_socket_t mc_wh_opensocket(void *baton, curlsocktype purpose, struct curl_sockaddr *a)
{
    mc_wh_guard *g = baton;
    int kind = mc_wh_addr_kind(&a->addr);
    if (g->http ? kind != 1 : kind != 0) {
        g->refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

/* POST body to url, signed. *status: the HTTP status (0 when none came
 * back); *err: why it failed (NULL on 2xx). */
static void mc_wh_post(apr_pool_t *p, const char *url, const char *secret, const char *msg_id,
                       const char *body, long *status, const char **err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    long long ts = (long long)apr_time_sec(apr_time_now());
    apr_size_t len = strlen(body);
    const char *sig = mc_webhook_signature(p, secret, msg_id, ts, body, len);
    const char *refusal = mc_webhook_url_refusal(p, url);
    struct curl_slist *h = NULL;
    mc_wh_guard guard = {!strncasecmp(url, "http:", 5), 0};
    CURL *c;
    CURLcode rc;

    *status = 0;
    *err = NULL;
    if (refusal) {
        *err = "the endpoint's URL is not allowed";
        return;
    }
    if (!sig) {
        *err = "the endpoint's secret is not usable";
        return;
    }
    if (!(c = curl_easy_init())) {
        *err = "cannot start an HTTP client";
        return;
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, apr_pstrcat(p, "webhook-id: ", msg_id, NULL));
    h = curl_slist_append(h,
                          apr_psprintf(p, "webhook-timestamp: %" APR_INT64_T_FMT, (apr_int64_t)ts));
    h = curl_slist_append(h, apr_pstrcat(p, "webhook-signature: ", sig, NULL));
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mod_mocourts-webhooks/" MC_VERSION);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MC_WEBHOOK_TIMEOUT_SEC);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never a proxy from the environment */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mc_wh_discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, mc_wh_opensocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        if (*status < 200 || *status > 299)
            *err = apr_psprintf(p, "HTTP %ld", *status);
    }
    else if (guard.refused) {
        *err = guard.http ? "an http endpoint must be a loopback address"
                          : "the endpoint's address is not a public one";
    }
    else {
        *err = apr_psprintf(p, "%.250s", *errbuf ? errbuf : curl_easy_strerror(rc));
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
}

/* The owner of a disabled endpoint hears of it by e-mail. */
static apr_status_t mc_wh_tell_owner(mc_db *db, apr_pool_t *p, const mc_webhook_conf *conf,
                                     long long account_id, const char *url)
{
    mc_dbres *res;
    mc_notice n;
    apr_status_t rv =
        mc_db_query(db, p, &res, "SELECT email FROM mc_account WHERE id = ?", "i", account_id);
    if (rv != APR_SUCCESS || res->nrows != 1 || !mc_dbres_get(res, 0, 0) ||
        !*mc_dbres_get(res, 0, 0))
        return rv;
    memset(&n, 0, sizeof(n));
    n.account_id = account_id;
    n.channel = MC_CHANNEL_EMAIL;
    n.recipient = mc_dbres_get(res, 0, 0);
    n.subject = "Webhook endpoint disabled";
    n.kind = "webhook-disabled";
    n.body = apr_psprintf(
        p,
        "Your webhook endpoint\n\n    %s\n\nhas failed every delivery for %d hours, so %s "
        "stopped sending to it. The deliveries still waiting for it were dropped.\n\n"
        "When the endpoint works again, re-enable it on the Webhooks page of My Account%s%s\n",
        url, MC_WEBHOOK_RETRY_HOURS, conf->court_name ? conf->court_name : "the court",
        conf->pages_url ? ":\n" : ".", conf->pages_url ? conf->pages_url : "");
    rv = mc_outbox_add(db, &n, NULL);
    return rv == APR_EINVAL ? APR_SUCCESS : rv; /* an unusable address: nobody to tell */
}

typedef struct {
    long long id, endpoint_id, account_id;
    const char *msg_id, *payload, *url, *secret;
    int enabled;
} mc_wh_row;

/* Record one attempt's outcome in one transaction: the delivery, the
 * attempt, the endpoint's failing time and, after 24 hours of failing, its
 * disabling (once: the UPDATE that disables it decides). */
static apr_status_t mc_wh_record_once(mc_db *db, apr_pool_t *p, const mc_webhook_conf *conf,
                                      const char *name, const mc_wh_row *w, int attempts,
                                      long status, const char *err, long long ms, int *mine)
{
    long long changed = 0, disabled = 0;
    apr_status_t rv = mc_db_begin(db);
    if (rv != APR_SUCCESS)
        return rv;
    if (!err)
        rv = mc_db_exec(db, &changed, NULL,
                        "UPDATE mc_webhook_delivery SET status = 'delivered', attempts = attempts "
                        "+ 1, delivered_at = UTC_TIMESTAMP(), claimed_by = NULL, claimed_until = "
                        "NULL, last_error = NULL WHERE id = ? AND claimed_by = ?",
                        "is", w->id, name);
    else
        rv = mc_db_exec(
            db, &changed, NULL,
            "UPDATE mc_webhook_delivery SET status = IF(created_at <= UTC_TIMESTAMP() - INTERVAL "
            "? HOUR, 'failed', 'retrying'), next_attempt_at = LEAST(UTC_TIMESTAMP() + INTERVAL ? "
            "SECOND, GREATEST(created_at + INTERVAL ? HOUR, UTC_TIMESTAMP())), attempts = "
            "attempts + 1, claimed_by = NULL, claimed_until = NULL, last_error = ? WHERE id = ? "
            "AND claimed_by = ?",
            "iiisis", (long long)MC_WEBHOOK_RETRY_HOURS,
            (long long)mc_webhook_backoff(attempts + 1), (long long)MC_WEBHOOK_RETRY_HOURS, err,
            w->id, name);
    *mine = changed == 1;
    if (rv == APR_SUCCESS && *mine)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_webhook_attempt (delivery_id, at, http_status, error, "
                        "duration_ms) VALUES (?, UTC_TIMESTAMP(), NULLIF(?, 0), ?, ?)",
                        "iisi", w->id, (long long)status, err, ms);
    if (rv == APR_SUCCESS && *mine && !err)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_webhook_endpoint SET failing_since = NULL WHERE id = ?", "i",
                        w->endpoint_id);
    if (rv == APR_SUCCESS && *mine && err)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_webhook_endpoint SET failing_since = COALESCE(failing_since, "
                        "UTC_TIMESTAMP()) WHERE id = ?",
                        "i", w->endpoint_id);
    if (rv == APR_SUCCESS && *mine && err)
        rv = mc_db_exec(db, &disabled, NULL,
                        "UPDATE mc_webhook_endpoint SET enabled = 0, disabled_at = "
                        "UTC_TIMESTAMP() WHERE id = ? AND enabled = 1 AND failing_since <= "
                        "UTC_TIMESTAMP() - INTERVAL ? HOUR",
                        "ii", w->endpoint_id, (long long)MC_WEBHOOK_RETRY_HOURS);
    if (rv == APR_SUCCESS && disabled == 1)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_webhook_delivery SET status = 'failed', last_error = 'the "
                        "endpoint was disabled', claimed_by = NULL, claimed_until = NULL WHERE "
                        "endpoint_id = ? AND status IN ('queued', 'retrying')",
                        "i", w->endpoint_id);
    if (rv == APR_SUCCESS && disabled == 1)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail) "
                        "VALUES (UTC_TIMESTAMP(), 'webhook-disabled', ?, NULL, '', ?)",
                        "is", w->account_id,
                        apr_psprintf(p,
                                     "webhook endpoint %" APR_INT64_T_FMT
                                     " disabled after %d hours of failed deliveries",
                                     (apr_int64_t)w->endpoint_id, MC_WEBHOOK_RETRY_HOURS));
    if (rv == APR_SUCCESS && disabled == 1)
        rv = mc_wh_tell_owner(db, p, conf, w->account_id, w->url);
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS && !mc_db_broken(db))
        mc_db_rollback(db);
    if (rv == APR_SUCCESS && disabled == 1)
        mc_log(MC_LOG_NOTICE, MC_LOG_MARK,
               MCLOGNO(2061) "mc_webhook: endpoint %" APR_INT64_T_FMT " (account %" APR_INT64_T_FMT
                             ") disabled after %d hours of failed deliveries",
               (apr_int64_t)w->endpoint_id, (apr_int64_t)w->account_id, MC_WEBHOOK_RETRY_HOURS);
    return rv;
}

static apr_status_t mc_wh_record(mc_db *db, apr_pool_t *p, const mc_webhook_conf *conf,
                                 const char *name, const mc_wh_row *w, int attempts, long status,
                                 const char *err, long long ms)
{
    apr_status_t rv;
    for (int try = 0; try < 3; try++) {
        int mine = 0;
        rv = mc_wh_record_once(db, p, conf, name, w, attempts, status, err, ms, &mine);
        if (rv != MC_DB_EDEADLOCK) {
            if (rv == APR_SUCCESS && !mine)
                mc_log(MC_LOG_WARNING, MC_LOG_MARK,
                       MCLOGNO(2062) "mc_webhook: delivery %s was tried after its claim had "
                                     "expired or it was withdrawn; not recorded",
                       w->msg_id);
            break;
        }
    }
    return rv;
}

/* Renew the lease of row id and read it; 0 in *ours when it is no longer
 * this round's. (The renewal's affected count cannot tell: a lease renewed
 * in the second it was taken changes nothing; the read checks the claim.) */
static apr_status_t mc_wh_take(mc_db *db, apr_pool_t *p, const char *name, int lease, long long id,
                               mc_wh_row *w, int *attempts, int *ours)
{
    mc_dbres *res;
    apr_status_t rv;
    *ours = 0;
    MC_DB_EXEC_RETRY(rv, db, NULL, NULL,
                     "UPDATE mc_webhook_delivery SET claimed_until = UTC_TIMESTAMP() + INTERVAL ? "
                     "SECOND WHERE id = ? AND claimed_by = ? AND status = 'sending'",
                     "iis", (long long)lease, id, name);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &res,
                     "SELECT d.msg_id, d.payload, d.attempts, e.id, e.account_id, e.url, "
                     "e.secret, e.enabled FROM mc_webhook_delivery d JOIN mc_webhook_endpoint e "
                     "ON e.id = d.endpoint_id WHERE d.id = ? AND d.claimed_by = ? AND d.status = "
                     "'sending' AND d.claimed_until > UTC_TIMESTAMP()",
                     "is", id, name);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    w->id = id;
    w->msg_id = mc_dbres_get(res, 0, 0);
    w->payload = mc_dbres_get(res, 0, 1);
    *attempts = (int)mc_dbres_int(res, 0, 2);
    w->endpoint_id = mc_dbres_int(res, 0, 3);
    w->account_id = mc_dbres_int(res, 0, 4);
    w->url = mc_dbres_get(res, 0, 5);
    w->secret = mc_dbres_get(res, 0, 6);
    w->enabled = (int)mc_dbres_int(res, 0, 7);
    *ours = 1;
    return APR_SUCCESS;
}

apr_status_t mc_webhook_purge(mc_db *db, long long *n)
{
    /* Through the index on (status, next_attempt_at): a finished row's
     * next_attempt_at is its last attempt's schedule. */
    return mc_db_exec(db, n, NULL,
                      "DELETE FROM mc_webhook_delivery WHERE status IN ('delivered', 'failed') "
                      "AND next_attempt_at < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 5000",
                      "i", (long long)MC_WEBHOOK_KEEP_DAYS);
}

apr_status_t mc_webhook_deliver(mc_db *db, apr_pool_t *p, const mc_webhook_conf *conf, int *sent,
                                int *failed)
{
    unsigned char rnd[4];
    apr_array_header_t *ids = apr_array_make(p, 32, sizeof(long long));
    apr_time_t started = apr_time_now();
    apr_interval_time_t limit =
        conf->round_limit > 0 ? apr_time_from_sec(conf->round_limit) : MC_WEBHOOK_ROUND_LIMIT;
    apr_hash_t *dead = apr_hash_make(p); /* endpoints that gave no answer this round */
    int lease = conf->lease > MC_WEBHOOK_LEASE_MIN ? conf->lease : MC_WEBHOOK_LEASE_MIN;
    int batch = conf->batch > 0 ? conf->batch : 20;
    int i, nsent = 0, nfailed = 0;
    apr_status_t rv;

    if (sent)
        *sent = 0;
    if (failed)
        *failed = 0;
    if (batch > MC_WEBHOOK_BATCH_MAX)
        batch = MC_WEBHOOK_BATCH_MAX;
    apr_generate_random_bytes(rnd, sizeof(rnd));
    const char *name =
        apr_psprintf(p, "%.80s#%02x%02x%02x%02x", conf->worker ? conf->worker : "worker", rnd[0],
                     rnd[1], rnd[2], rnd[3]);
    if ((rv = mc_wh_claim(db, p, name, lease, batch, ids)) != APR_SUCCESS || ids->nelts == 0)
        return rv;
    for (i = 0; i < ids->nelts && rv == APR_SUCCESS; i++) {
        apr_pool_t *tp;
        mc_wh_row w;
        int attempts = 0, ours = 0;
        long status = 0;
        const char *err = NULL;

        if (apr_time_now() - started > limit)
            break;
        apr_pool_create(&tp, p);
        memset(&w, 0, sizeof(w));
        rv =
            mc_wh_take(db, tp, name, lease, APR_ARRAY_IDX(ids, i, long long), &w, &attempts, &ours);
        if (rv == APR_SUCCESS && ours && !w.enabled) {
            /* Disabled since it was queued: not sent, not an attempt. */
            MC_DB_EXEC_RETRY(
                rv, db, NULL, NULL,
                "UPDATE mc_webhook_delivery SET status = 'failed', last_error = 'the "
                "endpoint is disabled', claimed_by = NULL, claimed_until = NULL WHERE id "
                "= ? AND claimed_by = ?",
                "is", w.id, name);
        }
        else if (rv == APR_SUCCESS && ours &&
                 apr_hash_get(dead, &w.endpoint_id, sizeof(w.endpoint_id))) {
            MC_DB_EXEC_RETRY(
                rv, db, NULL, NULL,
                "UPDATE mc_webhook_delivery SET status = IF(attempts = 0, 'queued', "
                "'retrying'), next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                "iis", (long long)mc_webhook_backoff(1), w.id, name);
        }
        else if (rv == APR_SUCCESS && ours) {
            apr_time_t t0 = apr_time_now();
            mc_wh_post(tp, w.url, w.secret, w.msg_id, w.payload, &status, &err);
            long long ms = (long long)apr_time_as_msec(apr_time_now() - t0);
            if (err)
                nfailed++;
            else
                nsent++;
            rv = mc_wh_record(db, tp, conf, name, &w, attempts, status, err, ms);
            if (err && !status) {
                long long *key = apr_pmemdup(p, &w.endpoint_id, sizeof(w.endpoint_id));
                apr_hash_set(dead, key, sizeof(*key), key);
            }
        }
        apr_pool_destroy(tp);
    }
    /* Out of time: the rows not reached go back, no attempt counted. */
    for (; rv == APR_SUCCESS && i < ids->nelts; i++)
        MC_DB_EXEC_RETRY(rv, db, NULL, NULL,
                         "UPDATE mc_webhook_delivery SET status = IF(attempts = 0, 'queued', "
                         "'retrying'), claimed_by = NULL, claimed_until = NULL WHERE id = ? AND "
                         "claimed_by = ? AND status = 'sending'",
                         "is", APR_ARRAY_IDX(ids, i, long long), name);
    if (sent)
        *sent = nsent;
    if (failed)
        *failed = nfailed;
    return rv;
}
