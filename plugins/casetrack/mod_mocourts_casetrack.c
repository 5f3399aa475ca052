/* mod_mocourts_casetrack.c: the Case.net plugin's module record, descriptor
 * and directives; its parts' routes are joined here (see casetrack.h), the
 * account holder's parts' table being this file's (it names the handlers
 * of track.c, phones.c, mycases.c, mycases_tags.c and history.c; calendar.c has its own).
 *
 *   LoadModule mocourts_casetrack_module modules/mod_mocourts_casetrack.so
 *   <Location /casenet>
 *       MoCourtsMount casetrack
 *   </Location>
 *   MoCourtsCaseNetSearchLimit 120 10m 50   # per address; then the CAPTCHA
 *   MoCourtsCaseNetDigestTime 22:00         # daily digests, UTC
 *   MoCourtsCaseNetCacheTTL 30s             # search results per process; 0: off
 */
#include "api.h"
#include "casetrack.h"
#include "calendar.h"
#include "search_cache.h"
#include "tags.h"
#include "track.h"

#include "apr_lib.h"

ct_conf ct_config;

static const mc_nav nav[] = {{"Case.net Search", "/", MC_ACCESS_ANON, NULL},
                             {"Manage My Case", "/mycases", MC_ACCESS_ACCOUNT, NULL},
                             {"Notification History", "/history", MC_ACCESS_ACCOUNT, NULL},
                             {"Clerk", "/clerk", MC_ACCESS_ROLE, "clerk"},
                             {NULL}};

static apr_status_t periodic(mc_db *db, apr_pool_t *p, apr_time_t now);

static apr_status_t child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv = ct_codes_child_init(pchild);
    return rv == APR_SUCCESS ? ct_cache_child_init(pchild) : rv;
}

static mc_plugin casetrack = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "casetrack",
    .version = "1.0.0",
    .routes = NULL, /* joined in register_hooks */
    .component = "casetrack",
    .schema_version = 9, /* sql/casetrack/0009_folder_tags.sql */
    .templates = CT_TEMPLATES,
    .nav = nav,
    .child_init = child_init,
    .periodic = periodic,
    .api_routes = ct_api_routes, /* api_track.c: /api/v1/casenet/..., /tracked-cases, ... */
};

/* Every notice e-mail stores its Stop Tracking token's hash (track.c); a
 * link older than this stops working (Manage My Case still stops tracking),
 * so the table holds about this many days of notices. */
#define CT_STOP_LINK_DAYS 90
#define CT_STOP_PURGE_ROWS 20000
#define CT_STR(x) CT_STR_(x)
#define CT_STR_(x) #x

/* Forget Stop Tracking links past CT_STOP_LINK_DAYS, a bounded batch a
 * round (a short transaction per batch), at most once an hour unless a
 * batch was full. */
static apr_status_t purge_stop_links(mc_db *db, apr_time_t now)
{
    static apr_time_t next;
    long long gone = 0;
    apr_status_t rv;
    if (now < next)
        return APR_SUCCESS;
    rv = mc_db_exec(
        db, &gone, NULL,
        "DELETE FROM mc_track_stop WHERE created_at < UTC_TIMESTAMP() - INTERVAL " CT_STR(
            CT_STOP_LINK_DAYS) " DAY LIMIT " CT_STR(CT_STOP_PURGE_ROWS),
        "");
    if (rv == APR_SUCCESS && gone < CT_STOP_PURGE_ROWS)
        next = now + apr_time_from_sec(3600);
    return rv;
}

/* Hearing reminders and daily digests, in the delivery worker's rounds (one
 * thread: the watchdog singleton), at most once a minute: reminders are
 * days apart and digests daily, so a minute late is on time. */
static apr_status_t periodic(mc_db *db, apr_pool_t *p, apr_time_t now)
{
    static apr_time_t next;
    mc_case_env env;
    apr_status_t rv;
    if ((rv = purge_stop_links(db, now)) != APR_SUCCESS)
        return rv;
    if (now < next)
        return APR_SUCCESS;
    env.tmpl = mc_site_templates();
    env.casenet_url = mc_site_url(p, "casetrack", "");
    env.court_name = mc_site_court_name();
    if (!env.tmpl || !env.casenet_url)
        return APR_SUCCESS; /* the child is not ready yet */
    rv = mc_case_tasks(db, p, &env, now, ct_config.digest_minute, NULL);
    if (rv == APR_SUCCESS)
        next = now + apr_time_from_sec(60);
    return rv;
}

/* A number of searches (1 to 1000000) into *out; else why not (after the
 * range, the message says also: more). */
static const char *searches(cmd_parms *cmd, const char *s, const char *more, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 1000000)
        return apr_psprintf(cmd->pool,
                            "Invalid value for directive 'MoCourtsCaseNetSearchLimit': '%s' is "
                            "not a number of searches from 1 to 1000000%s",
                            s, more);
    *out = (int)v;
    return NULL;
}

static const char *set_limit(cmd_parms *cmd, void *dc, const char *n, const char *window,
                             const char *uses)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    if (e)
        return e;
    if (!strcasecmp(n, "off")) {
        if (window)
            return "Invalid value for directive 'MoCourtsCaseNetSearchLimit': 'Off' takes "
                   "nothing after it";
        ct_config.search_limit = 0;
        return NULL;
    }
    if ((e = searches(cmd, n, ", or Off", &ct_config.search_limit)) != NULL)
        return e;
    if (window) {
        const char *why = mc_conf_parse_duration(window, &ct_config.search_window);
        if (why || ct_config.search_window < apr_time_from_sec(1))
            return apr_psprintf(cmd->pool,
                                "Invalid value for directive 'MoCourtsCaseNetSearchLimit': "
                                "'%s': %s",
                                window, why ? why : "the window must be at least 1s");
    }
    if (uses)
        return searches(cmd, uses, "", &ct_config.pass_uses);
    return NULL;
}

static const char *set_digest(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    if (e)
        return e;
    if (strlen(arg) != 5 || !apr_isdigit(arg[0]) || !apr_isdigit(arg[1]) || arg[2] != ':' ||
        !apr_isdigit(arg[3]) || !apr_isdigit(arg[4]) || atoi(arg) > 23 || atoi(arg + 3) > 59)
        return apr_psprintf(cmd->pool,
                            "Invalid value for directive 'MoCourtsCaseNetDigestTime': '%s' is "
                            "not a time HH:MM (UTC, 00:00 to 23:59)",
                            arg);
    ct_config.digest_minute = atoi(arg) * 60 + atoi(arg + 3);
    return NULL;
}

static const char *set_cache_ttl(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_interval_time_t t;
    if (e)
        return e;
    if (!strcmp(arg, "0")) {
        ct_config.cache_ttl = 0;
        return NULL;
    }
    if ((e = mc_conf_parse_duration(arg, &t)) != NULL || t > apr_time_from_sec(3600))
        return apr_psprintf(cmd->pool,
                            "Invalid value for directive 'MoCourtsCaseNetCacheTTL': '%s': %s", arg,
                            e ? e : "at most 1h");
    ct_config.cache_ttl = t;
    return NULL;
}

/* Reset to the defaults before each read of the configuration. */
static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    ct_config.search_limit = 120;
    ct_config.search_window = apr_time_from_sec(600);
    ct_config.pass_uses = 50;
    ct_config.digest_minute = 22 * 60;
    ct_config.cache_ttl = apr_time_from_sec(30);
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE123("MoCourtsCaseNetSearchLimit", set_limit, NULL, RSRC_CONF,
                    "Anonymous searches allowed per client address: a number, the window "
                    "(default 10m) and the searches a solved CAPTCHA allows (default 50); or "
                    "Off. Default 120 10m 50"),
    AP_INIT_TAKE1("MoCourtsCaseNetDigestTime", set_digest, NULL, RSRC_CONF,
                  "When the daily digests of Track This Case go out, HH:MM UTC (default 22:00)"),
    AP_INIT_TAKE1("MoCourtsCaseNetCacheTTL", set_cache_ttl, NULL, RSRC_CONF,
                  "How long each process keeps a public search's results, checked against "
                  "every write (default 30s, at most 1h); 0 turns the cache off"),
    {NULL}};

/* The account holder's parts (track.h). */
static const mc_route track_routes[] = {
    {"GET", "/track/:number", MC_ACCESS_ACCOUNT, NULL, ct_track_form, 0},
    {"POST", "/track/:number", MC_ACCESS_ACCOUNT, NULL, ct_track_post, 0},
    {"GET", "/stop/:id/:token", MC_ACCESS_ANON, NULL, ct_stop_page, 0},
    {"POST", "/stop/:id/:token", MC_ACCESS_ANON, NULL, ct_stop_link, MC_ROUTE_ONE_CLICK},
    {"GET", "/phones", MC_ACCESS_ACCOUNT, NULL, ct_phones_page, 0},
    {"POST", "/phones", MC_ACCESS_ACCOUNT, NULL, ct_phone_add, 0},
    {"POST", "/phones/:id/verify", MC_ACCESS_ACCOUNT, NULL, ct_phone_verify, 0},
    {"POST", "/phones/:id/resend", MC_ACCESS_ACCOUNT, NULL, ct_phone_resend, 0},
    {"POST", "/phones/:id/remove", MC_ACCESS_ACCOUNT, NULL, ct_phone_remove, 0},
    {"GET", "/mycases", MC_ACCESS_ACCOUNT, NULL, ct_mycases_page, 0},
    /* Anonymous: sent to logon, then to the folder with the number filled in. */
    {"POST", "/mycases/add", MC_ACCESS_ANON, NULL, ct_mycases_add, 0},
    {"POST", "/mycases/remove", MC_ACCESS_ACCOUNT, NULL, ct_mycases_remove_unavailable, 0},
    {"GET", "/mycases/:number", MC_ACCESS_ACCOUNT, NULL, ct_mycase_page, 0},
    {"POST", "/mycases/:number/note", MC_ACCESS_ACCOUNT, NULL, ct_mycase_note, 0},
    {"POST", "/mycases/:number/stop", MC_ACCESS_ACCOUNT, NULL, ct_mycase_stop, 0},
    {"POST", "/mycases/:number/remove", MC_ACCESS_ACCOUNT, NULL, ct_mycase_remove, 0},
    {"POST", "/mycases/:number/tags", MC_ACCESS_ACCOUNT, NULL, ct_mycase_tags, 0},
    {"GET", "/tags", MC_ACCESS_ACCOUNT, NULL, ct_tags_page, 0},
    {"POST", "/tags", MC_ACCESS_ACCOUNT, NULL, ct_tags_create, 0},
    {"POST", "/tags/:id/rename", MC_ACCESS_ACCOUNT, NULL, ct_tags_rename, 0},
    {"POST", "/tags/:id/delete", MC_ACCESS_ACCOUNT, NULL, ct_tags_delete, 0},
    {"GET", "/history", MC_ACCESS_ACCOUNT, NULL, ct_history_page, 0},
    {NULL}};

static void register_hooks(apr_pool_t *p)
{
    static const mc_route *const parts[] = {ct_search_routes, ct_clerk_routes, track_routes,
                                            ct_calendar_routes, NULL};
    casetrack.routes = mc_routes_join(p, parts);
    MC_PLUGIN_REGISTER(p, &casetrack);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA MC_API mocourts_casetrack_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks};
