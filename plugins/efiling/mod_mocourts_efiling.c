/* mod_mocourts_efiling.c: the eFiling plugin's module record, descriptor and
 * directives; its parts' routes are joined here (see efiling.h), with the
 * documents' table, which names the handlers of three files, and the JSON
 * API's routes (api.h), answered under the core's "api" mount.
 *
 *   LoadModule mocourts_efiling_module modules/mod_mocourts_efiling.so
 *   MoCourtsEFilingStore /var/lib/mocourts/documents
 *   MoCourtsEFilingTool pdftotext /usr/bin/pdftotext   (the default; pdftoppm, qpdf)
 *   MoCourtsEFilingToolLimits 10 512                   (seconds, megabytes)
 *   <Location /ecf>
 *       MoCourtsMount efiling
 *   </Location>
 */
#include "api.h"

ef_conf ef_config;

static apr_status_t periodic(mc_db *db, apr_pool_t *p, apr_time_t now);

static const mc_nav nav[] = {{"eFiling Menu", "/", MC_ACCESS_ACCOUNT, NULL},
                             {"eFiling Review", "/clerk", MC_ACCESS_ROLE, "clerk"},
                             {"eFiling Courts", "/security/courts", MC_ACCESS_ROLE, "security"},
                             {NULL}};

static mc_plugin efiling = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "efiling",
    .version = "1.0.0",
    .routes = NULL, /* joined in register_hooks */
    .component = "efiling",
    .schema_version = 5, /* sql/efiling/0005_redaction.sql (redaction hits, tool checks) */
    .templates = EF_TEMPLATES,
    .nav = nav,
    .periodic = periodic,
    .api_routes = NULL, /* joined in register_hooks */
};

/* In the delivery worker's rounds (one thread), at most every ten minutes:
 * remove the temporary files a crash left in the document store (an upload
 * in progress keeps touching its file, so an hour is far above any stall the
 * request timeout allows). */
static apr_status_t periodic(mc_db *db, apr_pool_t *p, apr_time_t now)
{
    static apr_time_t next;
    apr_status_t rv;
    int removed = 0;
    if (now < next || !ef_config.store)
        return APR_SUCCESS;
    next = now + apr_time_from_sec(600);
    rv = mc_docstore_sweep(ef_config.store, apr_time_from_sec(3600), &removed);
    if (removed)
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, NULL,
                     MCLOGNO(2620) "removed %d unfinished upload(s) older than an hour from %s",
                     removed, ef_config.store);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, NULL,
                     MCLOGNO(2621) "sweeping the document store %s", ef_config.store);
    return APR_SUCCESS;
}

static const char *set_store(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    apr_finfo_t fi;
    if (e)
        return e;
    arg = ap_server_root_relative(cmd->pool, arg);
    if (!arg || apr_stat(&fi, arg, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS ||
        fi.filetype != APR_DIR)
        return apr_psprintf(cmd->pool,
                            "Invalid value for directive 'MoCourtsEFilingStore': '%s' is not a "
                            "directory (create it, writable by Apache's user only)",
                            arg ? arg : "");
    ef_config.store = arg;
    return NULL;
}

/* MoCourtsEFilingTool pdftotext|pdftoppm|qpdf PATH: where a kept PDF tool
 * is (an absolute path; tests point one at a stand-in). */
static const char *set_tool(cmd_parms *cmd, void *dc, const char *name, const char *path)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char **slot = !strcmp(name, "pdftotext") ? &ef_config.pdftotext
                        : !strcmp(name, "pdftoppm") ? &ef_config.pdftoppm
                        : !strcmp(name, "qpdf")     ? &ef_config.qpdf
                                                    : NULL;
    if (e)
        return e;
    if (!slot)
        return "MoCourtsEFilingTool: the first argument is pdftotext, pdftoppm or qpdf";
    if (path[0] != '/')
        return "MoCourtsEFilingTool: the tool's path must be absolute";
    *slot = apr_pstrdup(cmd->pool, path);
    return NULL;
}

/* MoCourtsEFilingToolLimits SECONDS MEGABYTES: each tool run's wall-clock
 * time and address space. */
static const char *set_tool_limits(cmd_parms *cmd, void *dc, const char *sec, const char *mb)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    int s = atoi(sec), m = atoi(mb);
    if (e)
        return e;
    if (s < 1 || s > 300 || m < 16 || m > 8192)
        return "MoCourtsEFilingToolLimits: SECONDS from 1 to 300 and MEGABYTES from 16 to 8192";
    ef_config.tool_seconds = s;
    ef_config.tool_bytes = (long long)m * 1024 * 1024;
    return NULL;
}

/* Reset before each read of the configuration; the store has no default,
 * the tools are Debian's. */
static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    ef_config.store = NULL;
    ef_config.pdftotext = "/usr/bin/pdftotext";
    ef_config.pdftoppm = "/usr/bin/pdftoppm";
    ef_config.qpdf = "/usr/bin/qpdf";
    ef_config.tool_seconds = 10;
    ef_config.tool_bytes = 512LL * 1024 * 1024;
    return OK;
}

/* Under httpd -t too: a mounted plugin without its store refuses to start. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    if (!ef_config.store && mc_site_url(ptemp, "efiling", "")) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     MCLOGNO(2401) "MoCourtsEFilingStore is not set, but the efiling plugin is "
                                   "mounted (MoCourtsMount efiling): name the directory that "
                                   "keeps filed documents");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE1("MoCourtsEFilingStore", set_store, NULL, RSRC_CONF,
                  "The directory of the filed documents (writable by Apache's user only)"),
    AP_INIT_TAKE2("MoCourtsEFilingTool", set_tool, NULL, RSRC_CONF,
                  "pdftotext, pdftoppm or qpdf and the absolute path of that tool"),
    AP_INIT_TAKE2("MoCourtsEFilingToolLimits", set_tool_limits, NULL, RSRC_CONF,
                  "Each PDF tool run's limits: SECONDS (then killed) and MEGABYTES of memory"),
    {NULL}};

/* A draft's documents: upload.c, documents.c, download.c. */
static const mc_route document_routes[] = {
    {"POST", "/envelopes/:id/documents", MC_ACCESS_ACCOUNT, NULL, ef_doc_upload, MC_ROUTE_RAW_BODY},
    {"POST", "/envelopes/:id/documents/:doc/remove", MC_ACCESS_ACCOUNT, NULL, ef_doc_remove, 0},
    {"POST", "/envelopes/:id/documents/:doc/lead", MC_ACCESS_ACCOUNT, NULL, ef_doc_make_lead, 0},
    {"GET", "/documents/:doc", MC_ACCESS_ACCOUNT, NULL, ef_doc_download, 0},
    {"GET", "/clerk/documents/:doc/pages/:page", MC_ACCESS_ROLE, "clerk", ef_doc_preview, 0},
    {NULL}};

static void register_hooks(apr_pool_t *p)
{
    static const mc_route *const parts[] = {ef_menu_routes,   ef_envelope_routes, document_routes,
                                            ef_review_routes, ef_setup_routes,    NULL};
    static const mc_route *const api_parts[] = {ef_api_envelope_routes, ef_api_filing_routes,
                                                ef_api_upload_routes, ef_api_clerk_routes, NULL};
    efiling.routes = mc_routes_join(p, parts);
    efiling.api_routes = mc_routes_join(p, api_parts);
    MC_PLUGIN_REGISTER(p, &efiling);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA MC_API mocourts_efiling_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks};
