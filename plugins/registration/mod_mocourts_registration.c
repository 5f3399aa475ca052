/* mod_mocourts_registration.c: the registration plugin's module record and
 * descriptor. Its parts (signup.c, account.c, recovery.c, security.c, audit.c,
 * links.c...) each export their routes; they are joined here into the one
 * table the core dispatches (links.c's last).
 *
 *   LoadModule mocourts_registration_module modules/mod_mocourts_registration.so
 *   <Location /registration>
 *       MoCourtsMount registration
 *   </Location>
 *   MoCourtsSignupLimit 10 1h 3   # sign-up attempts per address; see below
 */
#include "registration.h"

#include "apr_lib.h"

static const mc_nav nav[] = {{"My Account", "/myaccount", MC_ACCESS_ACCOUNT, NULL},
                             {"Security Unit", "/security", MC_ACCESS_ROLE, "security"},
                             {NULL}};

static const mc_nav logon_links[] = {
    {"Create an account", "/create", MC_ACCESS_ANON, NULL},
    {"Forgot Password", "/forgot-password", MC_ACCESS_ANON, NULL},
    {"Forgot Username", "/forgot-username", MC_ACCESS_ANON, NULL},
    {"Resend the verification e-mail", "/verify/resend", MC_ACCESS_ANON, NULL},
    {NULL}};

static mc_plugin registration = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "registration",
    .version = "1.0.0",
    .routes = NULL, /* joined in register_hooks */
    .component = "registration",
    .schema_version = 7, /* sql/registration/0007_audit_indexes.sql */
    .templates = MC_REG_TEMPLATES,
    .nav = nav,
    .after_logon = mc_reg_after_logon,
    .logon_links = logon_links,
    .periodic = mc_reg_recovery_periodic,
};

#define LIMIT_DIRECTIVE "MoCourtsSignupLimit"

mc_reg_conf mc_reg_config;

/* A count of 1 to 1000000, or a reason. */
static const char *parse_count(apr_pool_t *p, const char *arg, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (!apr_isdigit(*arg) || *end || v < 1 || v > 1000000)
        return apr_psprintf(p, "'%s' is not a number from 1 to 1000000", arg);
    *out = (int)v;
    return NULL;
}

/* A window: a number of seconds, or with s, m, h or d (1s to 7d). */
static const char *parse_window(apr_pool_t *p, const char *arg, apr_interval_time_t *out)
{
    char *end;
    long v = strtol(arg, &end, 10), unit;
    if (!apr_isdigit(*arg) || v < 1 || (end[0] && end[1]) || (*end && !strchr("smhd", *end)))
        return apr_psprintf(p, "'%s' is not a window such as 3600, 30m, 1h or 1d", arg);
    unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 1;
    if (v > 7L * 86400 / unit)
        return apr_psprintf(p, "'%s': the window is at most 7d", arg);
    *out = apr_time_from_sec((apr_time_t)v * unit);
    return NULL;
}

static const char *set_limit(cmd_parms *cmd, void *dc, const char *n, const char *window,
                             const char *text)
{
    const char *why = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    mc_reg_conf c = mc_reg_config;
    if (why)
        return why;
    why = parse_count(cmd->pool, n, &c.attempts);
    if (!why && window)
        why = parse_window(cmd->pool, window, &c.window);
    if (!why && text && (why = parse_count(cmd->pool, text, &c.text)) == NULL &&
        c.text > c.attempts)
        why = apr_psprintf(cmd->pool, "the text question's %d attempts exceed the limit's %d",
                           c.text, c.attempts);
    if (!why && !text && c.text > c.attempts)
        c.text = c.attempts;
    if (why)
        return apr_psprintf(cmd->pool, "Invalid value for directive '%s': %s", LIMIT_DIRECTIVE,
                            why);
    mc_reg_config = c;
    return NULL;
}

/* Reset to the defaults before each read of the configuration. */
static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    mc_reg_config.attempts = 10;
    mc_reg_config.window = apr_time_from_sec(3600);
    mc_reg_config.text = 3;
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE123(LIMIT_DIRECTIVE, set_limit, NULL, RSRC_CONF,
                    "Create an account: attempts (credentials submitted) allowed per client "
                    "address, the window (default 1h), and how many of them may answer the "
                    "CAPTCHA's text question instead of the picture or its recording (default "
                    "3). Default 10 1h 3"),
    {NULL}};

static void register_hooks(apr_pool_t *p)
{
    static const mc_route *const parts[] = {
        mc_reg_signup_routes,       mc_reg_verify_routes,   mc_reg_account_routes,
        mc_reg_applications_routes, mc_reg_recovery_routes, mc_reg_security_routes,
        mc_reg_audit_routes,        mc_reg_link_routes,     NULL};
    registration.routes = mc_routes_join(p, parts);
    MC_PLUGIN_REGISTER(p, &registration);
    /* The User Agreement's version, for eFiling's "accepted the current
     * agreement" check (plugins/efiling/ef_common.c asks for it by name). */
    ap_register_provider(p, "mocourts-registration", "agreement-version", "0",
                         MC_REG_AGREEMENT_VERSION);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA MC_API mocourts_registration_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks};
