/* groups.h: what the groups plugin's files share.
 *
 *   provision.c  the Security unit's tools (create a group with its
 *                administrator, list/search, add or replace an
 *                administrator, deactivate), the public "Procedure for Group
 *                Users" page, the eFiling Menu (seed 001 steps 25-26) and the
 *                group user's My Preferences (eFiling defaults, remove the
 *                association)
 *   assoc.c      association by URL and Group PIN ("Group User
 *                Authentication", seed 001 steps 16-22): wrong PINs
 *                throttled per account and per client address; a group with
 *                many asks for the CAPTCHA instead of locking its members out
 *   gadmin.c     the Group Administrator Menu: My Preferences (Group PIN,
 *                Notification E-mail) and Group Maintenance (search,
 *                DISABLE / ACTIVATE / REMOVE), and the carbon-copy rule
 *   grp_common.c membership look-ups shared by both
 * Roles: 'group_admin' and 'group_user', scoped by the group id, kept in
 * step with mc_group_member (the truth for status). */
#ifndef MC_GROUPS_H
#define MC_GROUPS_H

#include "mocourts.h"

#include "apr_strings.h"
#include "http_protocol.h"

#define MC_GRP_TEMPLATES "groups"

extern const mc_route mc_grp_provision_routes[];
extern const mc_route mc_grp_assoc_routes[];
/* MoCourtsGroupPasswordDelivery email|separate (default email): whether a
 * new group administrator's temporary password is in the e-mail. */
extern int mc_grp_password_by_email;
extern const mc_route mc_grp_admin_routes[];
/* gadmin.c: the outbox's carbon-copy rule (mc_plugin.outbox_cc): the
 * administrators of the account's group, when the account is a group user. */
apr_status_t mc_grp_outbox_cc(mc_db *db, long long account_id, char *buf, apr_size_t len);
/* gadmin.c: a group administrator who has subscribed to Electronic Case
 * Filing lands on the Group Administrator Menu after logon (seed 000 step 15). */
const char *mc_grp_after_logon(mc_req *mr, mc_db *db);

/* ---- grp_common.c ---------------------------------------------------------- */

typedef struct mc_grp_member {
    long long group_id;
    const char *group_name;
    int group_active; /* the group is not deactivated */
    int is_admin;
    int active; /* the member is not DISABLEd */
    const char *user_info;
} mc_grp_member;

/* The account's membership; *found 0 when it is in no group. */
apr_status_t mc_grp_membership(mc_db *db, apr_pool_t *p, long long account_id, mc_grp_member *m,
                               int *found);
/* Grant or revoke the account's group role (role "group_admin" or
 * "group_user", scope the group id). */
apr_status_t mc_grp_role_set(mc_db *db, long long account_id, const char *role, long long group_id,
                             int on);
/* A Group PIN's rules: 6 to 12 characters, letters and digits, at least one
 * digit. NULL when acceptable, else a sentence. */
const char *mc_grp_check_pin(const char *pin);

#endif
