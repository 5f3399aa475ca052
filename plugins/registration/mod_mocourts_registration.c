/* mod_mocourts_registration.c: the registration plugin's module record and
 * descriptor. Its parts (signup.c, account.c, recovery.c, links.c) each
 * export their routes; they are joined here into the one table the core
 * dispatches (links.c's last).
 *
 *   LoadModule mocourts_registration_module modules/mod_mocourts_registration.so
 *   <Location /registration>
 *       MoCourtsMount registration
 *   </Location>
 */
#include "registration.h"

static const mc_nav nav[] = {{"My Account", "/myaccount", MC_ACCESS_ACCOUNT, NULL},
                             {"Security Unit", "/security", MC_ACCESS_ROLE, "security"},
                             {NULL}};

static const mc_nav logon_links[] = {
    {"Create an account", "/create", MC_ACCESS_ANON, NULL},
    {"Forgot Password", "/forgot-password", MC_ACCESS_ANON, NULL},
    {"Forgot Username", "/forgot-username", MC_ACCESS_ANON, NULL},
    {"Resend the verification e-mail", "/verify/resend", MC_ACCESS_ANON, NULL},
    {NULL}};

static mc_plugin registration = {MC_ABI_MAJOR,
                                 MC_ABI_MINOR,
                                 "registration",
                                 "1.0.0",
                                 NULL, /* joined in register_hooks */
                                 "registration",
                                 3, /* sql/registration/0003_account.sql */
                                 MC_REG_TEMPLATES,
                                 NULL,
                                 nav,
                                 mc_reg_after_logon,
                                 logon_links};

static void register_hooks(apr_pool_t *p)
{
    static const mc_route *const parts[] = {mc_reg_signup_routes, mc_reg_account_routes,
                                            mc_reg_recovery_routes, mc_reg_link_routes, NULL};
    registration.routes = mc_routes_join(p, parts);
    MC_PLUGIN_REGISTER(p, &registration);
}

module AP_MODULE_DECLARE_DATA mocourts_registration_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
