/* mod_mocourts_groups.c: the groups plugin's module record and descriptor;
 * its parts' routes are joined here (see groups.h).
 *
 *   LoadModule mocourts_groups_module modules/mod_mocourts_groups.so
 *   <Location /groups>
 *       MoCourtsMount groups
 *   </Location>
 */
#include "groups.h"

static const mc_nav nav[] = {{"Group Administrator Menu", "/admin", MC_ACCESS_ROLE, "group_admin"},
                             {"My Group", "/efiling", MC_ACCESS_ROLE, "group_user"},
                             {"Groups", "/security", MC_ACCESS_ROLE, "security"},
                             {NULL}};

static mc_plugin groups = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "groups",
    .version = "1.0.0",
    .routes = NULL, /* joined in register_hooks */
    .component = "groups",
    .schema_version = 2, /* sql/groups/0002_pin_captcha.sql */
    .templates = MC_GRP_TEMPLATES,
    .nav = nav,
    .after_logon = mc_grp_after_logon,
    .outbox_cc = mc_grp_outbox_cc,
};

int mc_grp_password_by_email = 1;

static const char *set_delivery(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    if (e)
        return e;
    if (!strcasecmp(arg, "email"))
        mc_grp_password_by_email = 1;
    else if (!strcasecmp(arg, "separate"))
        mc_grp_password_by_email = 0;
    else
        return apr_psprintf(cmd->pool,
                            "Invalid value for directive 'MoCourtsGroupPasswordDelivery': "
                            "'%s' is not email or separate",
                            arg);
    return NULL;
}

/* Reset to the default before each read of the configuration. */
static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    mc_grp_password_by_email = 1;
    return OK;
}

static const command_rec cmds[] = {
    AP_INIT_TAKE1("MoCourtsGroupPasswordDelivery", set_delivery, NULL, RSRC_CONF,
                  "A new group administrator's temporary password: email (in the e-mail, "
                  "the default) or separate (given by the Security unit otherwise)"),
    {NULL}};

static void register_hooks(apr_pool_t *p)
{
    static const mc_route *const parts[] = {mc_grp_provision_routes, mc_grp_assoc_routes,
                                            mc_grp_admin_routes, NULL};
    groups.routes = mc_routes_join(p, parts);
    MC_PLUGIN_REGISTER(p, &groups);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA MC_API mocourts_groups_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, cmds, register_hooks};
