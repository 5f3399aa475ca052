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
                             {"eFiling Menu", "/efiling", MC_ACCESS_ROLE, "group_user"},
                             {"Groups", "/security", MC_ACCESS_ROLE, "security"},
                             {NULL}};

static mc_plugin groups = {MC_ABI_MAJOR,
                           MC_ABI_MINOR,
                           "groups",
                           "1.0.0",
                           NULL, /* joined in register_hooks */
                           "groups",
                           1,
                           MC_GRP_TEMPLATES,
                           NULL,
                           nav,
                           mc_grp_after_logon,
                           NULL,
                           mc_grp_outbox_cc};

static size_t count(const mc_route *r)
{
    size_t n = 0;
    while (r[n].method)
        n++;
    return n;
}

static void register_hooks(apr_pool_t *p)
{
    const mc_route *parts[] = {mc_grp_provision_routes, mc_grp_admin_routes};
    size_t i, n = 0, at = 0;
    mc_route *all;
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        n += count(parts[i]);
    all = apr_pcalloc(p, (n + 1) * sizeof(*all));
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        memcpy(all + at, parts[i], count(parts[i]) * sizeof(*all));
        at += count(parts[i]);
    }
    groups.routes = all;
    MC_PLUGIN_REGISTER(p, &groups);
}

module AP_MODULE_DECLARE_DATA mocourts_groups_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
