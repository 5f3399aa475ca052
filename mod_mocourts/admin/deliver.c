/* deliver.c: `mocourts-admin deliver [--once | --loop SECONDS] [--workers W]
 * [--batch N]`: the outbox's notices sent from the shell, once or every
 * SECONDS until a signal, by one process or W in parallel.
 *
 * The rows of the outbox are claimed with FOR UPDATE SKIP LOCKED, so
 * --workers W simply runs W of the single worker's loops in child processes
 * of their own, each with its own connection. A single worker shows a
 * progress line on a terminal (progress.h); W workers, which share it, do
 * not. */
#include "admin.h"
#include "mc_conf_table.h"
#include "mc_outbox.h"
#include "mc_smtp.h"
#include "mc_webhook_send.h"
#include "progress.h"

#include <apr_network_io.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <apr_uri.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t mc_stop;
/* Webhook deliveries (issue 16) go in the same rounds, after the outbox's. */
static mc_webhook_conf mc_wc;

static void mc_on_signal(int sig)
{
    mc_stop = 1;
}

/* Wait seconds, or less when a signal comes. */
static void mc_deliver_pause(long seconds)
{
    for (long i = 0; i < seconds * 10 && !mc_stop; i++)
        apr_sleep(apr_time_from_msec(100));
}

/* Delivery rounds on a's connection: once (until a round finds less than a
 * full batch) or every loop seconds until a signal. quiet: no line for the
 * --once total (a worker process reports to its parent). */
static int mc_deliver_rounds(mc_admin *a, mc_delivery_conf *dc, long loop, int quiet,
                             int *total_sent, int *total_failed)
{
    for (;;) {
        apr_pool_t *tp;
        int sent = 0, failed = 0, wh_sent = 0, wh_failed = 0;
        apr_status_t rv = APR_SUCCESS;
        apr_pool_create(&tp, a->p);
        do { /* full batches: go on at once */
            int s = 0, f = 0;
            apr_pool_clear(tp);
            rv = mc_outbox_deliver(a->db, tp, dc, &s, &f);
            sent += s;
            failed += f;
            mc_progress_update(*total_sent + *total_failed + sent + failed, -1);
            if (s + f < dc->batch)
                break;
        } while (rv == APR_SUCCESS && !mc_stop);
        while (rv == APR_SUCCESS && !mc_stop) { /* webhooks: full batches at once too */
            int s = 0, f = 0;
            apr_pool_clear(tp);
            mc_wc.worker = dc->worker;
            rv = mc_webhook_deliver(a->db, tp, &mc_wc, &s, &f);
            wh_sent += s;
            wh_failed += f;
            if (s + f < mc_wc.batch)
                break;
        }
        apr_pool_destroy(tp);
        *total_sent += sent;
        *total_failed += failed;
        if (rv != APR_SUCCESS && !loop) {
            mc_progress_end();
            return mc_admin_fail("delivery stopped: %s (sent %d, failed %d)", mc_db_error(a->db),
                                 sent, failed);
        }
        if (!loop && !quiet)
            mc_progress_end();
        if ((!loop && !quiet) || (loop && sent + failed > 0)) {
            mc_progress_clear();
            printf("sent %d, failed %d\n", sent, failed);
            fflush(stdout);
        }
        if (wh_sent + wh_failed > 0) {
            mc_progress_clear();
            printf("webhooks: delivered %d, failed %d\n", wh_sent, wh_failed);
            fflush(stdout);
        }
        if (!loop)
            return EXIT_SUCCESS;
        if (rv != APR_SUCCESS) {
            mc_progress_clear();
            fprintf(stderr, "%s: delivery: %s\n", MC_ADMIN_PROG, mc_db_error(a->db));
        }
        mc_deliver_pause(loop);
        if (mc_stop)
            break;
        if (mc_db_broken(a->db)) {
            const char *err;
            mc_db_close(a->db);
            a->db = NULL;
            while (!mc_stop && mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS) {
                mc_progress_clear();
                fprintf(stderr, "%s: %s; retrying\n", MC_ADMIN_PROG, err);
                mc_deliver_pause(loop);
            }
            if (mc_stop)
                break;
        }
    }
    mc_progress_end();
    return EXIT_SUCCESS;
}

/* The delivery settings from the configuration (as the module reads them). */
static int mc_deliver_conf(mc_admin *a, mc_delivery_conf *dc)
{
    memset(dc, 0, sizeof(*dc));
    const apr_array_header_t *smtp = mc_conf_args(a->conf, "MoCourtsSMTP");
    const char *bad;
    dc->smtp_host = smtp && smtp->nelts > 0 ? APR_ARRAY_IDX(smtp, 0, const char *) : "localhost";
    bad = mc_conf_smtp(a->p, dc->smtp_host,
                       smtp && smtp->nelts > 1 ? APR_ARRAY_IDX(smtp, 1, const char *) : NULL,
                       &dc->smtp_port);
    if (bad)
        return mc_admin_fail("%s", mc_conf_invalid(a->p, "MoCourtsSMTP", bad));
    dc->smtp_timeout = 30;
    dc->mail_from = mc_conf_str(a->conf, "MoCourtsMailFrom", NULL);
    if (!dc->mail_from) {
        /* The module's default: noreply@ the host of MoCourtsBaseURL. */
        apr_uri_t u;
        const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
        if (base && apr_uri_parse(a->p, base, &u) == APR_SUCCESS && u.hostname)
            dc->mail_from = apr_psprintf(a->p, "noreply@%s", u.hostname);
    }
    if (!dc->mail_from || !mc_email_ok(dc->mail_from))
        return mc_admin_fail("MoCourtsMailFrom must be set to the court's sender address");
    dc->mail_from_name = mc_conf_str(a->conf, "MoCourtsCourtName", NULL);
    const mc_conf_directive *gw = mc_conf_find(a->conf, "MoCourtsGateway");
    if (gw && gw->args->nelts > 0)
        dc->gateway =
            mc_conf_resolve(a->p, a->conf, gw->file, APR_ARRAY_IDX(gw->args, 0, const char *));
    dc->max_attempts = 8;
    mc_conf_val v;
    const char *why = NULL;
    if (mc_conf_setting(a->p, a->conf, "MoCourtsDeliveryLease", &v, &why) != APR_SUCCESS)
        return mc_admin_fail("%s", why ? why : "MoCourtsDeliveryLease has no value");
    dc->lease = (int)apr_time_sec(v.dur);
    mc_wc.lease = dc->lease;
    mc_wc.batch = 20;
    mc_wc.court_name = dc->mail_from_name;
    const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
    if (base)
        mc_wc.pages_url = apr_pstrcat(a->p, base, "/account/webhooks", NULL);
    if (mc_webhook_global_init() != APR_SUCCESS)
        return mc_admin_fail("cannot start the HTTP client (libcurl) for webhooks");
    return EXIT_SUCCESS;
}

int mc_cmd_deliver(mc_admin *a, const mc_args *args)
{
    const mc_admin_cmd *cmd = args->cmd;
    long loop = 0, workers = 1, batch = 500;
    for (int i = 0; i < args->opts->nelts; i++) {
        const mc_opt *o = &APR_ARRAY_IDX(args->opts, i, mc_opt);
        char *end;
        apr_interval_time_t t;
        switch (o->id) {
        case MC_OPT_ONCE:
            loop = 0;
            break;
        case MC_OPT_LOOP:
            if (mc_conf_parse_duration(o->arg, &t) || apr_time_sec(t) < 1)
                return mc_admin_usage(cmd, "--loop takes a number of seconds (1 or more)");
            loop = (long)apr_time_sec(t);
            break;
        case MC_OPT_WORKERS:
            workers = strtol(o->arg, &end, 10);
            if (*end || end == o->arg || workers < 1 || workers > 64)
                return mc_admin_usage(cmd, "--workers takes a number of processes from 1 to 64");
            break;
        case MC_OPT_BATCH:
            batch = strtol(o->arg, &end, 10);
            if (*end || end == o->arg || batch < 1 || batch > 5000)
                return mc_admin_usage(cmd, "--batch takes a number of notices from 1 to 5000");
            break;
        }
    }
    mc_delivery_conf dc;
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_deliver_conf(a, &dc);
    if (rc != EXIT_SUCCESS)
        return rc;
    char host[APRMAXHOSTLEN + 1] = "localhost";
    apr_gethostname(host, sizeof(host), a->p);
    dc.worker = apr_psprintf(a->p, "admin:%s:%ld", host, (long)getpid());
    dc.batch = (int)batch;

    signal(SIGINT, mc_on_signal);
    signal(SIGTERM, mc_on_signal);
    int sent = 0, failed = 0;
    if (workers == 1) {
        rc = mc_admin_connect(a);
        if (rc != EXIT_SUCCESS)
            return rc;
        mc_progress_start("deliver", "notices", -1);
        return mc_deliver_rounds(a, &dc, loop, 0, &sent, &failed);
    }

    /* The parent's waits end on a signal (no SA_RESTART) to pass it on. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = mc_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pid_t pid[64];
    int out[64];
    fflush(stdout);
    fflush(stderr);
    for (long w = 0; w < workers; w++) {
        int fd[2];
        if (pipe(fd) != 0 || (pid[w] = fork()) < 0) {
            for (long k = 0; k < w; k++)
                kill(pid[k], SIGTERM);
            return mc_admin_fail("cannot start delivery worker %ld: %s", w + 1, strerror(errno));
        }
        if (pid[w] == 0) {
            signal(SIGINT, mc_on_signal);
            signal(SIGTERM, mc_on_signal);
            close(fd[0]);
            for (long k = 0; k < w; k++)
                close(out[k]);
            dc.worker = apr_psprintf(a->p, "admin:%s:%ld", host, (long)getpid());
            rc = mc_admin_connect(a);
            if (rc == EXIT_SUCCESS)
                rc = mc_deliver_rounds(a, &dc, loop, !loop, &sent, &failed);
            char line[64];
            int n = snprintf(line, sizeof(line), "%d %d\n", sent, failed);
            if (write(fd[1], line, (size_t)n) != n)
                rc = EXIT_FAILURE;
            fflush(stdout);
            fflush(stderr);
            _exit(rc);
        }
        close(fd[1]);
        out[w] = fd[0];
    }
    rc = EXIT_SUCCESS;
    for (long w = 0; w < workers; w++) {
        int st = 0, s = 0, f = 0;
        char line[64] = "";
        ssize_t n;
        /* Interrupted by a signal: pass it on, then wait on. */
        while ((n = read(out[w], line, sizeof(line) - 1)) < 0 && errno == EINTR)
            if (mc_stop)
                for (long k = w; k < workers; k++)
                    kill(pid[k], SIGTERM);
        close(out[w]);
        if (n > 0) {
            line[n] = '\0';
            if (sscanf(line, "%d %d", &s, &f) == 2) {
                sent += s;
                failed += f;
            }
        }
        while (waitpid(pid[w], &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != EXIT_SUCCESS)
            rc = EXIT_FAILURE;
    }
    if (!loop) {
        printf("sent %d, failed %d (%ld workers)\n", sent, failed, workers);
        fflush(stdout);
    }
    return rc;
}
