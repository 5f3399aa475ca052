/* provision.c: the Security unit's group tools (list and search, create,
 * one group and its actions), the procedure page, and the routes of all
 * of provision.h (efiling_menu.c, prefs.c); see groups.h. */
#include "provision.h"

#include "apr_lib.h"

#define PAGE_SIZE 25

static int username_ok(const char *u)
{
    size_t n = strlen(u), i;
    if (n < 6 || n > 30)
        return 0;
    for (i = 0; i < n; i++)
        if (!apr_isalnum(u[i]) && u[i] != '.' && u[i] != '_' && u[i] != '-')
            return 0;
    return 1;
}

/* ---- the Security unit: list and search ---------------------------------------------- */

static const char *kind_of(const char *s)
{
    if (s && (!strcmp(s, "firm") || !strcmp(s, "agency") || !strcmp(s, "other")))
        return s;
    return "";
}

static const char *gstatus_of(const char *s)
{
    if (s && (!strcmp(s, "active") || !strcmp(s, "inactive")))
        return s;
    return "";
}

static const char SQL_WHERE[] = " FROM mc_group WHERE (? = '' OR name LIKE ?) AND (? = '' OR "
                                "kind = ?) AND (? = '' OR status = ?)";

int mc_grp_security_list(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *name = mc_text_trim(p, mc_query(mr, "name"));
    const char *kind = kind_of(mc_query(mr, "kind"));
    const char *status = gstatus_of(mc_query(mr, "status"));
    const char *pg = mc_query(mr, "page"), *like = mc_sql_like(p, name, 0);
    mc_page page;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    mc_vars_set(mr->vars, "action", mc_url(mr, "/security"));
    mc_vars_set(mr->vars, "new_url", mc_url(mr, "/security/new"));
    mc_vars_set(mr->vars, "q_name", name);
    mc_vars_set(mr->vars, "q_kind", kind);
    mc_vars_set(mr->vars, "q_status", status);
    if (strlen(name) > 200) {
        mc_vars_set(mr->vars, "error", "A search value is too long.");
        return mc_render(mr, HTTP_OK, "provision-list.html", "Groups");
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, p, &res, apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL), "ssssss",
                     name, like, kind, kind, status, status);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_page_begin(&page, mc_dbres_int(res, 0, 0), PAGE_SIZE, pg ? apr_atoi64(pg) : 1);
    rv =
        mc_db_query(db, p, &res,
                    apr_pstrcat(p, "SELECT id, name, kind, status", SQL_WHERE,
                                " ORDER BY name LIMIT ? OFFSET ?", NULL),
                    "ssssssii", name, like, kind, kind, status, status, page.per_page, page.offset);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {"", "name", "kind", "status", NULL};
        mc_vars *row = mc_vars_row(mr->vars, "groups");
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "status_class",
                    strcmp(mc_dbres_get(res, i, 3), "active") ? "mc-status mc-status--inactive"
                                                              : "mc-status mc-status--active");
        mc_vars_set(row, "href",
                    mc_url(mr, apr_pstrcat(p, "/security/", mc_dbres_get(res, i, 0), NULL)));
    }
    mc_page_vars(mr->vars, &page,
                 apr_pstrcat(p, mc_url(mr, "/security"), "?name=", mc_form_encode(p, name),
                             "&kind=", kind, "&status=", status, "&page=", NULL));
    return mc_render(mr, HTTP_OK, "provision-list.html", "Groups");
}

/* ---- the Security unit: create a group ------------------------------------------------- */

static const char *const NEW_FIELDS[] = {
    "name",  "kind",     "address_line1", "address_line2", "city",      "state", "zip",
    "phone", "username", "email",         "first_name",    "last_name", NULL};

static int new_page(mc_req *mr, const char *error)
{
    mc_vars_set(mr->vars, "action", mc_url(mr, "/security/new"));
    mc_vars_set(mr->vars, "list_url", mc_url(mr, "/security"));
    mc_vars_set(mr->vars, "password_rules", mc_password_rules(mr));
    if (error)
        mc_vars_set(mr->vars, "error", error);
    return mc_render(mr, HTTP_OK, "provision-new.html", "Create a group");
}

int mc_grp_security_new_get(mc_req *mr)
{
    return new_page(mr, NULL);
}

typedef struct new_baton {
    const char *f[12];
    const char *pin_hash, *pw_hash, *pin, *password, *assoc_key;
    long long group_id, account_id;
    const char *refusal;
} new_baton;

static apr_status_t new_tx(mc_req *mr, mc_db *db, void *baton)
{
    new_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    mc_account_new acct = {0};
    mc_dbres *res;
    mc_vars *v;
    apr_status_t rv;
    b->refusal = NULL;
    /* The form's one-time token first: the same Create sent twice makes one
     * group, and the copy is sent to its page, not told the name is taken. */
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS ||
        (rv = mc_db_query(db, p, &res, "SELECT 1 FROM mc_group WHERE name = ?", "s", b->f[0])) !=
            APR_SUCCESS)
        return rv;
    if (res->nrows) {
        b->refusal = "Group Name: a group with this name already exists.";
        return APR_EGENERAL;
    }
    if ((rv = mc_db_query(db, p, &res, "SELECT 1 FROM mc_account WHERE username = ?", "s",
                          b->f[8])) != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        b->refusal = "Username: this username is taken. Choose another.";
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, &b->group_id,
                    "INSERT INTO mc_group (name, kind, address_line1, address_line2, city, state, "
                    "zip, phone, status, pin_hash, pin_changed_at, assoc_key, created_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, UTC_TIMESTAMP(), ?, UTC_TIMESTAMP())",
                    "ssssssssss", b->f[0], b->f[1], b->f[2], b->f[3], b->f[4], b->f[5], b->f[6],
                    b->f[7], b->pin_hash, b->assoc_key);
    if (rv != APR_SUCCESS)
        return rv;
    /* A verified address belongs to one account: when another account has
     * this one verified, the administrator logs on by username only. */
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT 1 FROM mc_account WHERE verified_email = ? FOR UPDATE", "s",
                          b->f[9])) != APR_SUCCESS)
        return rv;
    acct.username = b->f[8];
    acct.email = b->f[9];
    acct.password_hash = b->pw_hash;
    acct.email_verified = res->nrows == 0;
    acct.must_change_password = 1;
    acct.first_name = b->f[10];
    acct.last_name = b->f[11];
    rv = mc_account_create(db, &acct, &b->account_id);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
                    "status_date, user_info, joined_at) VALUES (?, ?, 1, 'active', "
                    "UTC_TIMESTAMP(), '', UTC_TIMESTAMP())",
                    "ii", b->account_id, b->group_id);
    if (rv == APR_SUCCESS)
        rv = mc_grp_role_set(db, b->account_id, "group_admin", b->group_id, 1);
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db,
                          apr_psprintf(p, "security/%" APR_INT64_T_FMT "?done=created",
                                       (apr_int64_t)b->group_id));
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "group-created", b->account_id,
                      apr_psprintf(p,
                                   "group %" APR_INT64_T_FMT " created by the Security unit "
                                   "with this account as its administrator",
                                   (apr_int64_t)b->group_id));
    if (rv != APR_SUCCESS)
        return rv;
    v = mc_vars_make(p, NULL);
    mc_vars_set(v, "group_name", b->f[0]);
    mc_vars_set(v, "first_name", b->f[10]);
    mc_vars_set(v, "username", b->f[8]);
    if (mc_grp_password_by_email)
        mc_vars_set(v, "password", b->password);
    else
        mc_vars_set(v, "password_note",
                    "(given to you separately by the Security unit, not by e-mail)");
    mc_vars_set(v, "pin", b->pin);
    mc_vars_set(v, "court", mc_court_name(mr));
    mc_vars_set(v, "logon_url", mc_public_url(mr, mc_logon_path(mr)));
    mc_vars_set(v, "assoc_url",
                mc_public_url(mr, apr_pstrcat(p, mr->mount, "/join/", b->assoc_key, NULL)));
    mc_vars_set(v, "procedure_url",
                mc_public_url(mr, apr_pstrcat(p, mr->mount, "/procedure", NULL)));
    return mc_email_queue(mr, db, b->account_id, b->f[9], "group-admin-created",
                          "Your group administrator account", "provision-admin.txt", v);
}

int mc_grp_security_new_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    new_baton b;
    const char *pw = mc_field(mr, "password"), *pin = mc_field(mr, "pin"), *err = NULL;
    apr_status_t rv;
    int i;
    memset(&b, 0, sizeof(b));
    for (i = 0; NEW_FIELDS[i]; i++) {
        b.f[i] = mc_text_trim(p, mc_field(mr, NEW_FIELDS[i]));
        mc_vars_set(mr->vars, apr_pstrcat(p, "f_", NEW_FIELDS[i], NULL), b.f[i]);
    }
    pw = pw ? pw : "";
    pin = pin ? pin : "";
    if (!*b.f[0] || strlen(b.f[0]) > 200)
        err = "Group Name: enter the group's name (at most 200 characters).";
    else if (!*kind_of(b.f[1]))
        err = "Kind: choose firm, agency or other.";
    else if (strlen(b.f[2]) > 200 || strlen(b.f[3]) > 200 || strlen(b.f[4]) > 100 ||
             strlen(b.f[5]) > 50 || strlen(b.f[6]) > 20 || strlen(b.f[7]) > 30)
        err = "An address or phone value is too long.";
    else if (!username_ok(b.f[8]))
        err = "Username: use 6 to 30 letters, digits, dots, underscores or hyphens.";
    else if (!mc_email_ok(b.f[9]) || strlen(b.f[9]) > 254)
        err = "E-mail: enter a valid e-mail address.";
    else if (!*b.f[10] || !*b.f[11] || strlen(b.f[10]) > 100 || strlen(b.f[11]) > 100)
        err = "First Name and Last Name: enter both (at most 100 characters each).";
    else if ((err = mc_password_check(mr, pw, b.f[8])) != NULL)
        err = apr_pstrcat(p, "Temporary Password: ", err, NULL);
    else
        err = mc_grp_check_pin(pin);
    if (err)
        return new_page(mr, err);
    if ((rv = mc_password_make(mr, pw, &b.pw_hash)) != APR_SUCCESS ||
        (rv = mc_password_make(mr, pin, &b.pin_hash)) != APR_SUCCESS)
        return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    b.password = pw;
    b.pin = pin;
    b.assoc_key = apr_pstrndup(p, mc_token_new(p), 22);
    rv = mc_req_tx(mr, new_tx, &b);
    if (rv != APR_SUCCESS) {
        if (b.refusal)
            return new_page(mr, b.refusal);
        if (rv == MC_DB_EDUP)
            return new_page(mr, "The group name or the username was taken meanwhile. Try again.");
        return mc_once_answer(mr, rv);
    }
    return mc_message(mr, HTTP_OK, "Group created",
                      apr_psprintf(p,
                                   "The group %s was created with %s as its group "
                                   "administrator. The administrator was e-mailed the username, "
                                   "%sthe Group PIN and the group's association URL.%s",
                                   b.f[0], b.f[8],
                                   mc_grp_password_by_email ? "the temporary password, " : "",
                                   mc_grp_password_by_email
                                       ? ""
                                       : " Give the administrator the temporary password "
                                         "separately (MoCourtsGroupPasswordDelivery separate)."));
}

/* ---- the Security unit: one group -------------------------------------------------- */

typedef struct sec_group {
    long long id;
    const char *name, *kind, *status;
} sec_group;

/* 1 found, 0 not; database errors in *rv. */
static int load_group(mc_req *mr, mc_db **db, sec_group *g, int *rc)
{
    mc_dbres *res = NULL;
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS && (g->id = mc_param_id(mr, "id")))
        rv = mc_db_query(*db, mr->r->pool, &res,
                         "SELECT name, kind, status FROM mc_group WHERE id = ?", "i", g->id);
    if (rv == APR_SUCCESS && res && res->nrows == 1) {
        g->name = mc_dbres_get(res, 0, 0);
        g->kind = mc_dbres_get(res, 0, 1);
        g->status = mc_dbres_get(res, 0, 2);
        return 1;
    }
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : HTTP_NOT_FOUND;
    return 0;
}

static const mc_label GROUP_DONE[] = {
    {"created", "The group was created, and its administrator was e-mailed how to log on."},
    {"add", "The account was made a group administrator of this group."},
    {"replace", "The group administrator was replaced; the previous administrators are now "
                "plain group users."},
    {"deactivate", "The group was deactivated. Its users cannot file; nothing was deleted."},
    {"reactivate", "The group was reactivated."},
    {NULL}};

static int group_page(mc_req *mr, mc_db *db, const sec_group *g, const char *error)
{
    apr_pool_t *p = mr->r->pool;
    const char *base = apr_psprintf(p, "/security/%" APR_INT64_T_FMT, (apr_int64_t)g->id);
    mc_dbres *res;
    apr_status_t rv;
    static const char *const admin_keys[] = {"username", "name", "email", NULL};
    if (error)
        mc_vars_set(mr->vars, "error", error);
    mc_done_notice(mr, GROUP_DONE, error);
    rv = mc_db_query(db, p, &res,
                     "SELECT a.username, CONCAT(a.first_name, ' ', a.last_name), a.email FROM "
                     "mc_group_member m JOIN mc_account a ON a.id = m.account_id WHERE "
                     "m.group_id = ? AND m.is_admin = 1 ORDER BY a.username",
                     "i", g->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_rows(mr->vars, "admins", res, admin_keys);
    rv = mc_db_query(db, p, &res,
                     "SELECT COUNT(*) FROM mc_group_member WHERE group_id = ? AND is_admin = 0",
                     "i", g->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "users", mc_dbres_get(res, 0, 0));
    mc_vars_set(mr->vars, "name", g->name);
    mc_vars_set(mr->vars, "kind", g->kind);
    mc_vars_set(mr->vars, "status", strcmp(g->status, "active") ? "Deactivated" : "Active");
    mc_vars_set(mr->vars, "status_class",
                strcmp(g->status, "active") ? "mc-status mc-status--inactive"
                                            : "mc-status mc-status--active");
    mc_vars_set(mr->vars, "admin_action", mc_url(mr, apr_pstrcat(p, base, "/admin", NULL)));
    if (!strcmp(g->status, "active"))
        mc_vars_set(mr->vars, "deactivate_action",
                    mc_url(mr, apr_pstrcat(p, base, "/deactivate", NULL)));
    else
        mc_vars_set(mr->vars, "reactivate_action",
                    mc_url(mr, apr_pstrcat(p, base, "/reactivate", NULL)));
    mc_vars_set(mr->vars, "list_url", mc_url(mr, "/security"));
    return mc_render(mr, HTTP_OK, "provision-group.html", apr_pstrcat(p, "Group ", g->name, NULL));
}

int mc_grp_security_group(mc_req *mr)
{
    sec_group g;
    mc_db *db;
    int rc;
    if (!load_group(mr, &db, &g, &rc))
        return rc;
    return group_page(mr, db, &g, NULL);
}

typedef struct group_baton {
    const char *action, *username, *mode;
    sec_group *g;
    const char *refusal;
} group_baton;

/* The account becomes the group's administrator (admin) or a plain group
 * user: its roles switched, and its sessions ended so that the next logon
 * sees them. */
static apr_status_t role_switch(mc_req *mr, mc_db *db, long long account_id, long long group_id,
                                int admin)
{
    apr_status_t rv =
        mc_grp_role_set(db, account_id, admin ? "group_user" : "group_admin", group_id, 0);
    if (rv == APR_SUCCESS)
        rv = mc_grp_role_set(db, account_id, admin ? "group_admin" : "group_user", group_id, 1);
    if (rv == APR_SUCCESS)
        rv = mc_session_end_all(mr, db, account_id);
    return rv;
}

static apr_status_t group_admin_tx(mc_req *mr, mc_db *db, group_baton *b)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    long long id;
    int replace = !strcmp(b->mode, "replace"), i;
    rv = mc_db_query(db, p, &res,
                     "SELECT a.id, a.status, m.group_id, m.is_admin FROM mc_account a LEFT JOIN "
                     "mc_group_member m ON m.account_id = a.id WHERE a.username = ? FOR UPDATE",
                     "s", b->username);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1) {
        b->refusal = "Username: no account has this username.";
        return APR_EGENERAL;
    }
    id = mc_dbres_int(res, 0, 0);
    if (strcmp(mc_dbres_get(res, 0, 1), "active")) {
        b->refusal = "This account is not active.";
        return APR_EGENERAL;
    }
    if (mc_dbres_get(res, 0, 2) && *mc_dbres_get(res, 0, 2) &&
        mc_dbres_int(res, 0, 2) != b->g->id) {
        b->refusal = "This account is a member of another group; it must remove that "
                     "association first.";
        return APR_EGENERAL;
    }
    if (mc_dbres_get(res, 0, 3) && mc_dbres_int(res, 0, 3) == 1 && !replace) {
        b->refusal = "This account is already a group administrator of this group.";
        return APR_EGENERAL;
    }
    if (replace) {
        /* The previous administrators become plain group users. */
        mc_dbres *old;
        rv = mc_db_query(db, p, &old,
                         "SELECT account_id FROM mc_group_member WHERE group_id = ? AND "
                         "is_admin = 1 AND account_id <> ? FOR UPDATE",
                         "ii", b->g->id, id);
        for (i = 0; rv == APR_SUCCESS && i < old->nrows; i++) {
            long long o = mc_dbres_int(old, i, 0);
            rv = mc_db_exec(db, NULL, NULL,
                            "UPDATE mc_group_member SET is_admin = 0 WHERE account_id = ?", "i", o);
            if (rv == APR_SUCCESS)
                rv = role_switch(mr, db, o, b->g->id, 0);
            if (rv == APR_SUCCESS)
                rv = mc_audit(mr, db, "group-admin-replaced", o,
                              apr_psprintf(p,
                                           "no longer administrator of group %" APR_INT64_T_FMT
                                           " (now a group user), by the Security unit",
                                           (apr_int64_t)b->g->id));
        }
        if (rv != APR_SUCCESS)
            return rv;
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
                    "status_date, user_info, joined_at) VALUES (?, ?, 1, 'active', "
                    "UTC_TIMESTAMP(), '', UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE is_admin = 1, "
                    "status = 'active', status_date = UTC_TIMESTAMP()",
                    "ii", id, b->g->id);
    if (rv == APR_SUCCESS)
        rv = role_switch(mr, db, id, b->g->id, 1);
    if (rv == APR_SUCCESS)
        rv = mc_audit(
            mr, db, "group-admin-added", id,
            apr_psprintf(p, "made administrator of group %" APR_INT64_T_FMT " by the Security unit",
                         (apr_int64_t)b->g->id));
    return rv;
}

static apr_status_t group_tx(mc_req *mr, mc_db *db, void *baton)
{
    group_baton *b = baton;
    mc_dbres *res;
    apr_status_t rv;
    int on;
    b->refusal = NULL;
    rv = mc_db_query(db, mr->r->pool, &res, "SELECT status FROM mc_group WHERE id = ? FOR UPDATE",
                     "i", b->g->id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1) {
        b->refusal = "The group no longer exists.";
        return APR_EGENERAL;
    }
    if (!strcmp(b->action, "admin"))
        return group_admin_tx(mr, db, b);
    on = !strcmp(b->action, "reactivate");
    if (!strcmp(mc_dbres_get(res, 0, 0), on ? "active" : "inactive")) {
        b->refusal = on ? "The group is already active." : "The group is already deactivated.";
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_group SET status = ? WHERE id = ?", "si",
                    on ? "active" : "inactive", b->g->id);
    if (rv == APR_SUCCESS)
        rv =
            mc_audit(mr, db, on ? "group-reactivated" : "group-deactivated", 0,
                     apr_psprintf(mr->r->pool, "group %" APR_INT64_T_FMT " %s by the Security unit",
                                  (apr_int64_t)b->g->id, on ? "reactivated" : "deactivated"));
    return rv;
}

int mc_grp_security_action(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *action = apr_table_get(mr->params, "action");
    const char *confirm = mc_field(mr, "confirm");
    group_baton b;
    sec_group g;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!action ||
        (strcmp(action, "admin") && strcmp(action, "deactivate") && strcmp(action, "reactivate")))
        return HTTP_NOT_FOUND;
    if (!load_group(mr, &db, &g, &rc))
        return rc;
    memset(&b, 0, sizeof(b));
    b.action = action;
    b.g = &g;
    b.username = mc_text_trim(p, mc_field(mr, "username"));
    b.mode = mc_field(mr, "mode") && !strcmp(mc_field(mr, "mode"), "replace") ? "replace" : "add";
    mc_vars_set(mr->vars, "f_username", b.username);
    mc_vars_set(mr->vars, "f_mode", b.mode);
    if (!confirm || strcmp(confirm, "1"))
        return group_page(mr, db, &g, "Check \"I confirm\" beside the action to carry it out.");
    if (!strcmp(action, "admin") && (!*b.username || strlen(b.username) > 64))
        return group_page(mr, db, &g, "Username: enter the username of an existing account.");
    rv = mc_req_tx(mr, group_tx, &b);
    if (rv != APR_SUCCESS) {
        if (!b.refusal)
            return mc_fail(mr, rv);
        if (!load_group(mr, &db, &g, &rc))
            return rc;
        return group_page(mr, db, &g, b.refusal);
    }
    return mc_redirect(
        mr, mc_url(mr, apr_psprintf(p, "/security/%" APR_INT64_T_FMT "?done=%s", (apr_int64_t)g.id,
                                    strcmp(action, "admin") ? action : b.mode)));
}

/* ---- the procedure page -------------------------------------------------------------- */

int mc_grp_procedure(mc_req *mr)
{
    mc_vars_set(mr->vars, "create_url", "/registration/create");
    mc_vars_set(mr->vars, "logon_url", mc_logon_path(mr));
    mc_vars_set(mr->vars, "join_url", mc_url(mr, "/join"));
    return mc_render(mr, HTTP_OK, "provision-procedure.html", "Procedure for Group Users");
}

#define A MC_ACCESS_ACCOUNT
#define S MC_ACCESS_ROLE, "security"

const mc_route mc_grp_provision_routes[] = {
    {"GET", "/security", S, mc_grp_security_list, 0},
    {"GET", "/security/new", S, mc_grp_security_new_get, 0},
    {"POST", "/security/new", S, mc_grp_security_new_post, 0},
    {"GET", "/security/:id", S, mc_grp_security_group, 0},
    {"POST", "/security/:id/:action", S, mc_grp_security_action, 0},
    {"GET", "/procedure", MC_ACCESS_ANON, NULL, mc_grp_procedure, 0},
    {"GET", "/efiling", A, NULL, mc_grp_efiling, 0},
    {"GET", "/preferences", A, NULL, mc_grp_prefs_get, 0},
    {"POST", "/preferences", A, NULL, mc_grp_prefs_post, 0},
    {"POST", "/preferences/remove", A, NULL, mc_grp_prefs_remove, 0},
    {NULL}};
