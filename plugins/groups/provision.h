/* provision.h: the Security unit's group tools and the procedure page
 * (provision.c), the eFiling Menu landing page (efiling_menu.c) and the
 * group user's My Preferences (prefs.c), routes in mc_grp_provision_routes;
 * and association by URL and Group PIN with its CAPTCHA (assoc.c, routes
 * in mc_grp_assoc_routes); see groups.h. */
#ifndef MC_GRP_PROVISION_H
#define MC_GRP_PROVISION_H

#include "groups.h"

int mc_grp_security_list(mc_req *mr);
int mc_grp_security_new_get(mc_req *mr);
int mc_grp_security_new_post(mc_req *mr);
int mc_grp_security_group(mc_req *mr);
int mc_grp_security_action(mc_req *mr);
int mc_grp_procedure(mc_req *mr);
int mc_grp_join_get(mc_req *mr);
int mc_grp_join_post(mc_req *mr);
int mc_grp_captcha_image(mc_req *mr);
int mc_grp_captcha_audio(mc_req *mr);
int mc_grp_efiling(mc_req *mr);
int mc_grp_prefs_get(mc_req *mr);
int mc_grp_prefs_post(mc_req *mr);
int mc_grp_prefs_remove(mc_req *mr);

#endif
