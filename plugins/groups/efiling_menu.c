/* efiling_menu.c: the eFiling Menu landing page a group member reaches
 * after association (GET /efiling, routes in provision.c); see
 * provision.h. */
#include "provision.h"

int mc_grp_efiling(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_grp_member m;
    mc_db *db;
    apr_status_t rv;
    int found;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_grp_membership(db, p, mr->account->id, &m, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_message(mr, HTTP_FORBIDDEN, "eFiling Menu",
                          "You are not a member of a group. Open your group's association URL "
                          "to join it.");
    mc_vars_set(mr->vars, "group_name", m.group_name);
    if (!m.group_active)
        mc_vars_set(mr->vars, "refusal",
                    apr_pstrcat(p, "The group ", m.group_name,
                                " is deactivated; its members cannot file.", NULL));
    else if (!m.active)
        mc_vars_set(mr->vars, "refusal",
                    apr_pstrcat(p, "You have been disabled from the group ", m.group_name,
                                "; you cannot file until your group administrator activates you.",
                                NULL));
    else
        mc_vars_set(mr->vars, "member_ok", "1");
    mc_vars_set(mr->vars, "member_status", !m.active ? "Disabled" : "Active");
    mc_vars_set(mr->vars, "member_status_class",
                !m.active ? "mc-status mc-status--disabled" : "mc-status mc-status--active");
    mc_vars_set(mr->vars, "role", m.is_admin ? "Group administrator" : "Group user");
    mc_vars_set(mr->vars, "procedure_url", mc_url(mr, "/procedure"));
    if (!m.is_admin)
        mc_vars_set(mr->vars, "prefs_url", mc_url(mr, "/preferences"));
    /* Seed 001 step 26: the eFiling address to save, when it is installed. */
    mc_vars_set(mr->vars, "ecf_url", mc_site_url(p, "efiling", "/"));
    return mc_render(mr, HTTP_OK, "assoc-efiling.html", "eFiling Menu");
}
