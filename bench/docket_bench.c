/* docket_bench: time one docket entry on a much-tracked case, the way the
 * clerk page adds it: mc_case_docket_add inside a transaction (the entry and
 * one outbox row or digest item per tracker), then the commit.
 *
 *   build/docket_bench MOCOURTS_CONF CASE_NUMBER [CASENET_PATH]
 *
 * Prints one line of JSON: {"queued": N, "entry_id": N, "add_seconds": S,
 * "commit_seconds": S}. Built and run by bench/bench.py (`make bench`);
 * links build/libmc.a. */
#include "mc_case.h"
#include "mc_conf.h"
#include "mc_db.h"
#include "mc_tmpl.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "docket_bench: %s: %s\n", what, why);
    return 1;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    mc_conf *conf;
    mc_dbconf dbconf;
    mc_db *db;
    mc_dbres *res;
    const char *err;
    const char *dirs[3] = {NULL, NULL, NULL};
    const mc_conf_directive *d;
    mc_case_env env;
    int n = 0;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: docket_bench MOCOURTS_CONF CASE_NUMBER [CASENET_PATH]\n");
        return 2;
    }
    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS)
        return fail("APR", "cannot initialise");
    atexit(apr_terminate);
    apr_pool_create(&p, NULL);
    if (mc_conf_read(p, argv[1], &conf, &err) != APR_SUCCESS)
        return fail(argv[1], err);
    if (mc_conf_dbconf(p, conf, &dbconf, &err) != APR_SUCCESS)
        return fail(argv[1], err);
    if (mc_db_open(p, &dbconf, &db, &err) != APR_SUCCESS)
        return fail("database", err);

    /* What `mocourts-admin import` gives mc_case_docket_add. */
    if ((d = mc_conf_find(conf, "MoCourtsTemplatesOverride")) && d->args->nelts)
        dirs[n++] = mc_conf_resolve(p, conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
    if ((d = mc_conf_find(conf, "MoCourtsTemplates")) && d->args->nelts)
        dirs[n++] = mc_conf_resolve(p, conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
    else
        dirs[n++] = "/usr/share/mocourts/templates";
    const char *base = mc_conf_str(conf, "MoCourtsBaseURL", "http://localhost");
    memset(&env, 0, sizeof(env));
    env.tmpl = mc_tmpl_cache_create(p, dirs);
    env.casenet_url = apr_pstrcat(p, base, argc > 3 ? argv[3] : "/casenet", NULL);
    env.court_name = mc_conf_str(conf, "MoCourtsCourtName", "Missouri Courts");
    if (!env.tmpl)
        return fail("templates", "cannot set up the template cache");

    if (mc_db_query(db, p, &res, "SELECT id FROM mc_case WHERE number = ?", "s", argv[2]) !=
            APR_SUCCESS ||
        res->nrows != 1)
        return fail(argv[2], "no such case");

    mc_docket_entry e;
    memset(&e, 0, sizeof(e));
    e.case_id = mc_dbres_int(res, 0, 0);
    e.entry_date = "2026-11-02";
    e.entry_type = "Order";
    e.text = "Motion to continue granted; the hearing is reset (make bench).";
    e.filed_by = "Clerk";
    long long id = 0, queued = 0;
    apr_time_t t0 = apr_time_now();
    apr_status_t rv = mc_db_begin(db);
    if (rv == APR_SUCCESS)
        rv = mc_case_docket_add(db, p, &env, &e, &id, &queued);
    apr_time_t t1 = apr_time_now();
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(db);
    apr_time_t t2 = apr_time_now();
    if (rv != APR_SUCCESS) {
        char buf[120];
        fprintf(stderr, "docket_bench: the docket entry failed: %s (%s)\n",
                apr_strerror(rv, buf, sizeof(buf)), mc_db_error(db));
        return 1;
    }
    printf("{\"queued\": %lld, \"entry_id\": %lld, \"add_seconds\": %.4f, \"commit_seconds\": "
           "%.4f}\n",
           queued, id, (double)(t1 - t0) / APR_USEC_PER_SEC, (double)(t2 - t1) / APR_USEC_PER_SEC);
    mc_db_close(db);
    return 0;
}
