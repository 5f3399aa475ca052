/* mod_mocourts_delivery.c: outbox delivery in a mod_watchdog singleton.
 *
 * Why the watchdog rather than cron: a court that adds our modules gets
 * delivery with no other moving part, and the singleton runs in one child of
 * this node at a time. Several nodes may each run one: rows are claimed with
 * FOR UPDATE SKIP LOCKED (mc_outbox_deliver), so no notice is sent twice.
 * `mocourts-admin deliver` is the same code for sites that set
 * MoCourtsDelivery Off and prefer a timer. The same thread purges expired
 * sessions, codes and lock-out counters every five minutes. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "mod_watchdog.h"

#include "mc_purge.h"
#include "mc_apr.h"
#include "mc_webhook_send.h"

#define WATCHDOG_NAME "mocourts-outbox"
#define PURGE_EVERY apr_time_from_sec(300)
#define ROUND_MAX apr_time_from_sec(10) /* longest run of full batches in one tick */

static APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) * wd_get;
static APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) * wd_register;

typedef struct worker {
    server_rec *s;
    apr_pool_t *pool; /* the watchdog thread's own */
    mc_db *db;
    mc_delivery_conf dc;
    mc_webhook_conf wc;
    apr_time_t next_purge;
} worker;

/* Expired sessions, codes and counters go every few minutes. */
static void purge_tick(worker *w)
{
    mc_purge_counts n;
    long long hooks = 0;
    apr_status_t rv;
    if (apr_time_now() < w->next_purge)
        return;
    w->next_purge = apr_time_now() + PURGE_EVERY;
    rv = mc_purge_expired(w->db, (long long)apr_time_sec(mc_conf_get()->session_idle), &n);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, w->s, MCLOGNO(0805) "housekeeping failed: %s",
                     mc_db_error(w->db));
    else if ((rv = mc_webhook_purge(w->db, &hooks)) != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, w->s,
                     MCLOGNO(0810) "housekeeping of webhook deliveries failed: %s",
                     mc_db_error(w->db));
    else if (hooks)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s,
                     MCLOGNO(0811) "housekeeping: purged %" APR_INT64_T_FMT
                                   " webhook delivery(ies) older than %d days",
                     (apr_int64_t)hooks, MC_WEBHOOK_KEEP_DAYS);
    if (rv == APR_SUCCESS && (n.sessions || n.codes || n.throttle || n.once))
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s,
                     MCLOGNO(0806) "housekeeping: purged %" APR_INT64_T_FMT
                                   " session(s), %" APR_INT64_T_FMT " code(s), %" APR_INT64_T_FMT
                                   " lock-out row(s), %" APR_INT64_T_FMT " form token(s)",
                     (apr_int64_t)n.sessions, (apr_int64_t)n.codes, (apr_int64_t)n.throttle,
                     (apr_int64_t)n.once);
}

/* ABI 1.2: each mounted plugin's periodic work, before the round's sending
 * so what it queues goes out in the same round. */
static void periodic_tick(worker *w, apr_pool_t *pool)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    int i, j;
    for (i = 0; i < mounts->nelts; i++) {
        const mc_plugin *pl = APR_ARRAY_IDX(mounts, i, mc_mount).plugin;
        apr_status_t rv;
        if (pl->abi_minor < 2 || !pl->periodic)
            continue;
        for (j = 0; j < i && APR_ARRAY_IDX(mounts, j, mc_mount).plugin != pl; j++)
            ;
        if (j < i) /* mounted twice: once a round is enough */
            continue;
        if ((rv = pl->periodic(w->db, pool, apr_time_now())) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, rv, w->s,
                         MCLOGNO(0807) "%s: periodic work failed: %s", pl->name,
                         mc_db_error(w->db));
            if (mc_db_broken(w->db))
                return;
        }
    }
}

/* Webhooks (issue 16): full batches go on at once, for a while. */
static void webhook_tick(worker *w, apr_pool_t *pool)
{
    apr_time_t until = apr_time_now() + ROUND_MAX;
    apr_status_t rv;
    int sent = 0, failed = 0;
    for (;;) {
        int s = 0, f = 0;
        apr_pool_t *tp;
        apr_pool_create(&tp, pool);
        rv = mc_webhook_deliver(w->db, tp, &w->wc, &s, &f);
        apr_pool_destroy(tp);
        sent += s;
        failed += f;
        if (rv != APR_SUCCESS || s + f < w->wc.batch || apr_time_now() >= until)
            break;
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, w->s,
                     MCLOGNO(0808) "webhooks: delivery round failed: %s", mc_db_error(w->db));
        if (mc_db_broken(w->db)) {
            mc_db_close(w->db);
            w->db = NULL;
        }
    }
    else if (sent || failed)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s,
                     MCLOGNO(0809) "webhooks: delivered %d, failed %d", sent, failed);
}

static apr_status_t deliver_tick(int state, void *data, apr_pool_t *pool)
{
    worker *w = data;
    mc_srv_conf *c = mc_conf_get();
    const char *err;
    apr_status_t rv;
    int sent = 0, failed = 0;

    if (state == AP_WATCHDOG_STATE_STARTING) {
        apr_pool_create(&w->pool, NULL);
        w->dc.smtp_host = c->smtp_host;
        w->dc.smtp_port = c->smtp_port;
        w->dc.smtp_timeout = 30;
        w->dc.mail_from = c->mail_from;
        w->dc.mail_from_name = c->court_name;
        w->dc.gateway = c->gateway;
        w->dc.worker = apr_psprintf(w->pool, "%s:%" APR_PID_T_FMT, w->s->server_hostname, getpid());
        w->dc.max_attempts = 8;
        w->dc.batch = 500;
        w->dc.lease = (int)apr_time_sec(c->delivery_lease);
        w->wc.worker = w->dc.worker;
        w->wc.lease = w->dc.lease;
        w->wc.batch = 20;
        w->wc.pages_url = mc_site_url(w->pool, "logon", "/webhooks");
        w->wc.court_name = c->court_name;
        w->wc.round_limit = (int)apr_time_sec(ROUND_MAX); /* the outbox waits meanwhile */
        return APR_SUCCESS;
    }
    if (state == AP_WATCHDOG_STATE_STOPPING) {
        mc_db_close(w->db);
        w->db = NULL;
        mc_pool_clear(&w->pool);
        return APR_SUCCESS;
    }
    if (!w->db) {
        if (mc_pool_open_own(w->pool, &w->db, &err) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, w->s,
                         MCLOGNO(0801) "outbox: database not reachable: %s", err);
            w->db = NULL;
            return APR_SUCCESS;
        }
    }
    purge_tick(w);
    periodic_tick(w, pool);
    /* Full batches go on at once, for a while: a docket entry on a much
     * tracked case queues many thousand notices. */
    apr_time_t until = apr_time_now() + ROUND_MAX;
    for (;;) {
        int s = 0, f = 0;
        apr_pool_t *tp;
        apr_pool_create(&tp, pool);
        rv = mc_outbox_deliver(w->db, tp, &w->dc, &s, &f);
        apr_pool_destroy(tp);
        sent += s;
        failed += f;
        if (rv != APR_SUCCESS || s + f < w->dc.batch || apr_time_now() >= until)
            break;
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, w->s,
                     MCLOGNO(0802) "outbox: delivery round failed: %s", mc_db_error(w->db));
        if (mc_db_broken(w->db)) {
            mc_db_close(w->db);
            w->db = NULL;
        }
    }
    else if (sent || failed)
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, w->s, MCLOGNO(0803) "outbox: sent %d, failed %d",
                     sent, failed);
    if (w->db)
        webhook_tick(w, pool);
    return APR_SUCCESS;
}

const char *mc_delivery_check_config(void)
{
    if (mc_conf_get()->delivery && (!APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance) ||
                                    !APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback)))
        return "Invalid value for directive 'MoCourtsDelivery': On needs mod_watchdog; load "
               "it, or set MoCourtsDelivery Off and run 'mocourts-admin deliver'";
    return NULL;
}

apr_status_t mc_delivery_post_config(apr_pool_t *pconf, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    ap_watchdog_t *wd;
    worker *w;
    apr_status_t rv;

    if (mc_webhook_global_init() != APR_SUCCESS)
        return APR_EGENERAL;
    if (!c->delivery)
        return APR_SUCCESS;
    wd_get = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    wd_register = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!wd_get || !wd_register)
        return APR_EGENERAL; /* refused in check_config */
    if ((rv = wd_get(&wd, WATCHDOG_NAME, 0, 1, pconf)) != APR_SUCCESS)
        return rv;
    w = apr_pcalloc(pconf, sizeof(*w));
    w->s = s;
    return wd_register(wd, c->delivery_interval, w, deliver_tick);
}
