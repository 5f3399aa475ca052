/* mod_mocourts.c: the module record and the start-up hooks of the core. */
#define MC_MODULE_MAIN
#include "mod_mocourts_private.h"

#include "ap_mpm.h"
#include "http_core.h"
#include "http_main.h"

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_mutex.h"

#include "mc_log.h"
#include "mc_migrate.h"

#include <libxml/parser.h>
#include <stdio.h>

/* The library logs through httpd's error log. */
static server_rec *log_server;

static void log_to_httpd(void *baton, int level, const char *file, int line, const char *fmt,
                         va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof(buf), fmt, ap); /* printf semantics: mc_log is printf-like */
    ap_log_error(file, line, APLOG_MODULE_INDEX, level, 0, log_server, "%s", buf);
}

static int mc_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    return ap_mutex_register(pconf, MC_MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0) == APR_SUCCESS
               ? OK
               : HTTP_INTERNAL_SERVER_ERROR;
}

/* Check the schema: the module refuses to start on a database older than
 * the core and the mounted plugins need. An unreachable database is only a
 * warning: pages answer 503 until it is back. */
static int check_schema(apr_pool_t *ptemp, server_rec *s, mc_srv_conf *c)
{
    mc_db *db;
    const char *err;
    apr_status_t rv;
    int i, cur, need;

    if ((rv = mc_pool_open_own(ptemp, &db, &err)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     MCLOGNO(0101) "database not reachable at start-up (%s); pages will answer "
                                   "503 until it is",
                     err);
        return OK;
    }
    for (i = -1; i < c->mounts->nelts; i++) {
        const char *comp = "core";
        if (i >= 0) {
            const mc_plugin *pl = APR_ARRAY_IDX(c->mounts, i, mc_mount).plugin;
            if (!pl->component || pl->schema_version <= 0)
                continue;
            comp = pl->component;
            need = pl->schema_version;
        }
        else {
            need = mc_migrate_available(ptemp, c->sqldir, "core");
        }
        cur = mc_migrate_current(db, ptemp, comp, &rv);
        if (cur < 0) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                         MCLOGNO(0102) "could not read the schema version of '%s': %s", comp,
                         mc_db_error(db));
            break;
        }
        if (cur < need) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         MCLOGNO(0103) "the database schema of '%s' is at version %d but this "
                                       "server needs version %d: run 'mocourts-admin migrate' "
                                       "first",
                         comp, cur, need);
            mc_db_close(db);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    mc_db_close(db);
    return OK;
}

/* Loaded but not configured: stay out of the way. */
static int configured(const mc_srv_conf *c)
{
    return c && (c->mounts->nelts > 0 || c->db.user || c->base_url);
}

/* Everything the configuration alone decides, checked here so that
 * `apachectl configtest` (httpd -t runs this hook, not post_config) fails on
 * what a start or graceful restart would refuse. Defaults are filled in. */
static int mc_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    const char *err;

    if (!configured(c))
        return OK;
    if ((err = mc_conf_finish(pconf, c))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCLOGNO(0104) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((err = mc_session_check_config(ptemp))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCLOGNO(0304) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((err = mc_delivery_check_config())) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCLOGNO(0804) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((err = mc_render_check_config(ptemp))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCLOGNO(0503) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (!mc_mount_of("logon"))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     MCLOGNO(0106) "the logon plugin is not mounted: add <Location /account> "
                                   "MoCourtsMount logon </Location>");
    return OK;
}

/* What needs more than the configuration: the libraries, shared memory,
 * the delivery worker and the database's schema. */
static int mc_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    apr_status_t rv;

    log_server = s;
    mc_log_set(log_to_httpd, NULL);
    if (!configured(c))
        return OK;
    if (mc_crypto_init() != APR_SUCCESS || mc_db_library_init() != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     MCLOGNO(0105) "libsodium or the MariaDB library failed to start");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    xmlInitParser();
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK; /* the first, trial pass */
    if ((rv = mc_session_post_config(pconf, ptemp, s)) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if ((rv = mc_delivery_post_config(pconf, s)) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    if ((rv = mc_rest_post_config(pconf, s)) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    ap_add_version_component(pconf, "mod_mocourts/" MC_VERSION);
    return check_schema(ptemp, s, c);
}

/* The outbox's carbon-copy rule: every mounted plugin may add addresses
 * (ABI 1.1; a shorter 1.0 descriptor is never read past its end). */
static apr_status_t cc_from_plugins(mc_db *db, long long account_id, char *buf, apr_size_t len)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    char one[1024];
    apr_size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < mounts->nelts; i++) {
        const mc_plugin *pl = APR_ARRAY_IDX(mounts, i, mc_mount).plugin;
        apr_status_t rv;
        if (pl->abi_minor < 1 || !pl->outbox_cc)
            continue;
        one[0] = '\0';
        if ((rv = pl->outbox_cc(db, account_id, one, sizeof(one))) != APR_SUCCESS)
            return rv;
        one[sizeof(one) - 1] = '\0';
        if (*one && used + strlen(one) + 3 < len) {
            used += apr_snprintf(buf + used, len - used, "%s%s", used ? ", " : "", one);
        }
    }
    return APR_SUCCESS;
}

static void mc_child_init(apr_pool_t *pchild, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    int i;
    if (!c || !c->base_url)
        return;
    mc_outbox_set_cc_rule(cc_from_plugins);
    if (mc_pool_child_init(pchild, s) != APR_SUCCESS ||
        mc_session_child_init(pchild, s) != APR_SUCCESS ||
        mc_hash_child_init(pchild, s) != APR_SUCCESS ||
        mc_render_child_init(pchild, s) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     MCLOGNO(0107) "could not set up the process; pages will fail");
        return;
    }
    for (i = 0; i < c->mounts->nelts; i++) {
        const mc_plugin *pl = APR_ARRAY_IDX(c->mounts, i, mc_mount).plugin;
        if (pl->child_init && pl->child_init(pchild, s) != APR_SUCCESS)
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         MCLOGNO(0108) "plugin '%s' failed to start in this process", pl->name);
    }
}

static void mc_register_hooks(apr_pool_t *p)
{
    mc_logon_register(p);
    MC_PLUGIN_REGISTER(p, &mc_api_plugin);
    ap_hook_pre_config(mc_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(mc_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(mc_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(mc_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(mc_dispatch_handler, NULL, NULL, APR_HOOK_MIDDLE);
    mc_authz_register(p);
    mc_unavailable_register(p);
    mc_errors_register(p);
    mc_home_register(p);
    mc_assets_register(p);
}

MC_API AP_DECLARE_MODULE(mocourts) = {STANDARD20_MODULE_STUFF,
                               mc_create_dir_conf,
                               mc_merge_dir_conf,
                               mc_create_srv_conf,
                               NULL,
                               mc_cmds,
                               mc_register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
                               AP_MODULE_FLAG_NONE
#endif
};
