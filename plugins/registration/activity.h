/* activity.h: My Account's Recent activity (activity.c), joined to My
 * Account's routes (account.c). */
#ifndef MC_REG_ACTIVITY_H
#define MC_REG_ACTIVITY_H

#include "registration.h"

/* GET /myaccount/activity: the account's logons (failed ones too),
 * password and e-mail changes of the last 90 days, at most 50, newest
 * first, with "This wasn't me". */
int mc_reg_activity_get(mc_req *mr);
/* POST /myaccount/activity/disown ("This wasn't me"): every session of the
 * account ended, audited ("activity-disowned"), then Forgot Password. */
int mc_reg_activity_disown(mc_req *mr);
/* The browser family of a User-Agent: "Edge", "Chrome", "Firefox",
 * "Safari" or "Other" (static). */
const char *mc_reg_browser_family(const char *ua);

#endif
