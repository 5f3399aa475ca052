/* prefs.c: the group user's My Preferences: the membership shown, and
 * leaving the group (routes in provision.c); see provision.h. */
#include "provision.h"

/* The member pages' common part: 1 with the account's membership in *m
 * and the request's connection in *db; else 0 with *status the answer (a
 * 403 page when the account is not a plain member, or a database error's). */
static int prefs_member(mc_req *mr, mc_db **db, mc_grp_member *m, int *status)
{
    int found = 0;
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS)
        rv = mc_grp_membership(*db, mr->r->pool, mr->account->id, m, &found);
    if (rv != APR_SUCCESS) {
        *status = mc_fail(mr, rv);
        return 0;
    }
    if (!found || m->is_admin) {
        *status = mc_message(mr, HTTP_FORBIDDEN, "My Preferences",
                             found ? "Group administrators keep their preferences in the Group "
                                     "Administrator Menu."
                                   : "You are not a member of a group.");
        return 0;
    }
    return 1;
}

static int prefs_page(mc_req *mr, mc_db *db, const mc_grp_member *m, const char *error, int keep)
{
    mc_dbres *res;
    apr_status_t rv;
    if (error)
        mc_vars_set(mr->vars, "error", error);
    if (!error && mc_query(mr, "saved"))
        mc_vars_set(mr->vars, "notice", "Your preferences were saved.");
    if (!keep) {
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT default_court, default_email FROM mc_group_prefs WHERE "
                         "account_id = ?",
                         "i", mr->account->id);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (res->nrows) {
            mc_vars_set(mr->vars, "f_court", mc_dbres_get(res, 0, 0));
            mc_vars_set(mr->vars, "f_email", mc_dbres_get(res, 0, 1));
        }
    }
    mc_vars_set(mr->vars, "group_name", m->group_name);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/preferences"));
    mc_vars_set(mr->vars, "remove_action", mc_url(mr, "/preferences/remove"));
    mc_vars_set(mr->vars, "efiling_url", mc_url(mr, "/efiling"));
    return mc_render(mr, HTTP_OK, "prefs-user.html", "My Preferences");
}

int mc_grp_prefs_get(mc_req *mr)
{
    mc_grp_member m;
    mc_db *db;
    int st;
    if (!prefs_member(mr, &db, &m, &st))
        return st;
    return prefs_page(mr, db, &m, NULL, 0);
}

int mc_grp_prefs_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *court = mc_text_trim(p, mc_field(mr, "default_court"));
    const char *email = mc_text_trim(p, mc_field(mr, "default_email"));
    mc_grp_member m;
    mc_db *db;
    apr_status_t rv;
    int st;
    if (!prefs_member(mr, &db, &m, &st))
        return st;
    mc_vars_set(mr->vars, "f_court", court);
    mc_vars_set(mr->vars, "f_email", email);
    if (strlen(court) > 100)
        return prefs_page(mr, db, &m, "Default Court: at most 100 characters.", 1);
    if (*email && (!mc_email_ok(email) || strlen(email) > 254))
        return prefs_page(mr, db, &m, "Default Notification E-mail: enter a valid e-mail address.",
                          1);
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_group_prefs (account_id, default_court, default_email) VALUES "
                    "(?, ?, ?) ON DUPLICATE KEY UPDATE default_court = VALUES(default_court), "
                    "default_email = VALUES(default_email)",
                    "iss", mr->account->id, court, email);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/preferences?saved=1"));
}

typedef struct remove_baton {
    mc_grp_member *m;
    const char *refusal;
} remove_baton;

static apr_status_t remove_tx(mc_req *mr, mc_db *db, void *baton)
{
    remove_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    const mc_account *a = mr->account;
    mc_dbres *res;
    apr_status_t rv;
    long long n = 0;
    int i;
    rv = mc_db_exec(db, &n, NULL,
                    "DELETE FROM mc_group_member WHERE account_id = ? AND group_id = ? AND "
                    "is_admin = 0",
                    "ii", a->id, b->m->group_id);
    if (rv != APR_SUCCESS)
        return rv;
    if (n != 1) {
        b->refusal = "You are no longer a member of this group.";
        return APR_EGENERAL;
    }
    if ((rv = mc_grp_role_set(db, a->id, "group_user", b->m->group_id, 0)) != APR_SUCCESS ||
        (rv = mc_audit(mr, db, "group-left", a->id,
                       apr_psprintf(p, "removed the association to group %" APR_INT64_T_FMT,
                                    (apr_int64_t)b->m->group_id))) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &res,
                     "SELECT a.id, a.email, a.first_name FROM mc_group_member m JOIN mc_account "
                     "a ON a.id = m.account_id AND a.status = 'active' WHERE m.group_id = ? AND "
                     "m.is_admin = 1 ORDER BY a.id",
                     "i", b->m->group_id);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++) {
        mc_vars *v = mc_vars_make(p, NULL);
        mc_vars_set(v, "first_name", mc_dbres_get(res, i, 2));
        mc_vars_set(v, "user",
                    apr_pstrcat(p, a->first_name, " ", a->last_name, " (", a->username, ")", NULL));
        mc_vars_set(v, "group_name", b->m->group_name);
        rv = mc_email_queue(
            mr, db, mc_dbres_int(res, i, 0), mc_dbres_get(res, i, 1), "group-user-left",
            apr_pstrcat(p, a->username, " removed their association to your group", NULL),
            "prefs-removed.txt", v);
    }
    return rv;
}

int mc_grp_prefs_remove(mc_req *mr)
{
    const char *confirm = mc_field(mr, "confirm");
    mc_grp_member m;
    remove_baton b;
    mc_db *db;
    apr_status_t rv;
    int st;
    if (!prefs_member(mr, &db, &m, &st))
        return st;
    if (!confirm || strcmp(confirm, "1"))
        return prefs_page(
            mr, db, &m, "Check \"I confirm\" to remove your association to your current group.", 0);
    b.m = &m;
    b.refusal = NULL;
    rv = mc_req_tx(mr, remove_tx, &b);
    if (rv != APR_SUCCESS)
        return b.refusal ? mc_message(mr, HTTP_OK, "My Preferences", b.refusal) : mc_fail(mr, rv);
    if ((rv = mc_session_rotate(mr)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "Association removed",
                      apr_pstrcat(mr->r->pool, "You removed your association to the group ",
                                  m.group_name,
                                  ". Its administrators were told. You can join another group "
                                  "with its association URL and Group PIN.",
                                  NULL));
}
