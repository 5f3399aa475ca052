/* security.c: the Security unit's tools (role security): find accounts by
 * username, e-mail or last name (prefix, not case-sensitive) and status;
 * per account Unlock, Disable, Enable, Resend verification and Turn off
 * two-step verification, each confirmed with "I confirm" and audited with
 * the Security user as actor. */
#include "recovery.h"

#include "apr_lib.h"

#define PAGE_SIZE 25
#define VERIFY_TTL (24 * 3600) /* seconds; SECURITY.md: verification link 24 h */

static const char *status_of(const char *s)
{
    if (s && (!strcmp(s, "active") || !strcmp(s, "pending") || !strcmp(s, "disabled")))
        return s;
    return "";
}

/* An account's status and lock as labelled badges (site.css's mc-status):
 * into v, status_class and locked_class. */
static void badges(mc_vars *v, const char *status, int locked)
{
    if (*status_of(status))
        mc_vars_setf(v, "status_class", "mc-status mc-status--%s", status);
    else
        mc_vars_set(v, "status_class", "mc-status");
    mc_vars_set(v, "locked_class",
                locked ? "mc-status mc-status--locked" : "mc-status mc-status--ok");
}

static const char SQL_WHERE[] =
    " FROM mc_account WHERE (? = '' OR username LIKE ?) AND (? = '' OR email LIKE ?) AND "
    "(? = '' OR last_name LIKE ?) AND (? = '' OR status = ?)";

static int mc_reg_security_search(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *user = mc_text_trim(p, mc_query(mr, "username"));
    const char *email = mc_text_trim(p, mc_query(mr, "email"));
    const char *last = mc_text_trim(p, mc_query(mr, "last_name"));
    const char *status = status_of(mc_query(mr, "status"));
    const char *pg = mc_query(mr, "page"), *like_user, *like_email, *like_last;
    mc_page page;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    mc_vars_set(mr->vars, "action", mc_url(mr, "/security"));
    mc_vars_set(mr->vars, "audit_url", mc_url(mr, "/security/audit"));
    mc_vars_set(mr->vars, "q_username", user);
    mc_vars_set(mr->vars, "q_email", email);
    mc_vars_set(mr->vars, "q_last_name", last);
    mc_vars_set(mr->vars, "q_status", status);
    if (!mc_query(mr, "search"))
        return mc_render(mr, HTTP_OK, "security-search.html", "Security Unit");
    if (strlen(user) > 100 || strlen(email) > 254 || strlen(last) > 100) {
        mc_vars_set(mr->vars, "error", "A search value is too long.");
        return mc_render(mr, HTTP_OK, "security-search.html", "Security Unit");
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    like_user = mc_sql_like(p, user, 0);
    like_email = mc_sql_like(p, email, 0);
    like_last = mc_sql_like(p, last, 0);
    rv = mc_db_query(db, p, &res, apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL), "ssssssss",
                     user, like_user, email, like_email, last, like_last, status, status);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_page_begin(&page, mc_dbres_int(res, 0, 0), PAGE_SIZE, pg ? apr_atoi64(pg) : 1);
    rv = mc_db_query(db, p, &res,
                     apr_pstrcat(p,
                                 "SELECT id, username, first_name, last_name, email, status, "
                                 "email_verified",
                                 SQL_WHERE, " ORDER BY username LIMIT ? OFFSET ?", NULL),
                     "ssssssssii", user, like_user, email, like_email, last, like_last, status,
                     status, page.per_page, page.offset);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {"", "username", "", "", "email", "status", NULL};
        mc_vars *row = mc_vars_row(mr->vars, "accounts");
        long long id = mc_dbres_int(res, i, 0);
        int locked;
        if ((rv = mc_lockout_check(mr, db, id, &locked)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_vars_from(row, res, i, keys);
        mc_vars_set(
            row, "href",
            mc_url(mr, apr_psprintf(p, "/security/account/%" APR_INT64_T_FMT, (apr_int64_t)id)));
        mc_vars_set(row, "name",
                    apr_pstrcat(p, mc_dbres_get(res, i, 2), " ", mc_dbres_get(res, i, 3), NULL));
        mc_vars_set(row, "locked", locked ? "Yes" : "No");
        mc_vars_set(row, "verified", mc_dbres_int(res, i, 6) ? "Yes" : "No");
        badges(row, mc_dbres_get(res, i, 5), locked);
    }
    mc_vars_set(mr->vars, "searched", "1");
    mc_page_vars(
        mr->vars, &page,
        apr_pstrcat(p, mc_url(mr, "/security"), "?search=1&username=", mc_form_encode(p, user),
                    "&email=", mc_form_encode(p, email), "&last_name=", mc_form_encode(p, last),
                    "&status=", status, "&page=", NULL));
    return mc_render(mr, HTTP_OK, "security-search.html", "Security Unit");
}

/* ---- one account ------------------------------------------------------------------ */

typedef struct sec_account {
    long long id;
    const char *username, *email, *first, *last, *status;
    int verified, locked, two_step;
} sec_account;

/* 1 found, 0 not; database errors in *rv. */
static int load_account(mc_req *mr, mc_db **db, sec_account *a, int *rc)
{
    mc_dbres *res = NULL;
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS && (a->id = mc_param_id(mr, "id")))
        rv = mc_db_query(*db, mr->r->pool, &res,
                         "SELECT username, email, first_name, last_name, status, email_verified "
                         "FROM mc_account WHERE id = ?",
                         "i", a->id);
    if (rv == APR_SUCCESS && res && res->nrows == 1) {
        a->username = mc_dbres_get(res, 0, 0);
        a->email = mc_dbres_get(res, 0, 1);
        a->first = mc_dbres_get(res, 0, 2);
        a->last = mc_dbres_get(res, 0, 3);
        a->status = mc_dbres_get(res, 0, 4);
        a->verified = (int)mc_dbres_int(res, 0, 5);
        if ((rv = mc_lockout_check(mr, *db, a->id, &a->locked)) == APR_SUCCESS &&
            (rv = mc_two_step_on(mr, *db, a->id, &a->two_step)) == APR_SUCCESS)
            return 1;
    }
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : HTTP_NOT_FOUND;
    return 0;
}

static const mc_label DONE_MESSAGES[] = {
    {"unlock", "The account was unlocked."},
    {"disable", "The account was disabled and its sessions ended."},
    {"enable", "The account was enabled."},
    {"resend", "A new verification e-mail was queued."},
    {"two-step-off", "Two-step verification was turned off, the account's sessions ended and "
                     "its holder told by e-mail."},
    {NULL}};

/* One of the page's action forms: POST base/action, its button's text. */
static void action_form(mc_req *mr, const char *base, const char *action, const char *button)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *row = mc_vars_row(mr->vars, "actions");
    mc_vars_set(row, "action", mc_url(mr, apr_pstrcat(p, base, "/", action, NULL)));
    mc_vars_set(row, "confirm_id", apr_pstrcat(p, "confirm_", action, NULL));
    mc_vars_set(row, "confirm_button", button);
}

static int account_page(mc_req *mr, int status, const sec_account *a, const char *error)
{
    apr_pool_t *p = mr->r->pool;
    const char *base = apr_psprintf(p, "/security/account/%" APR_INT64_T_FMT, (apr_int64_t)a->id);
    if (error)
        mc_vars_set(mr->vars, "error", error);
    mc_done_notice(mr, DONE_MESSAGES, error);
    mc_vars_set(mr->vars, "username", a->username);
    mc_vars_set(mr->vars, "name", apr_pstrcat(p, a->first, " ", a->last, NULL));
    mc_vars_set(mr->vars, "email", a->email);
    mc_vars_set(mr->vars, "status", a->status);
    mc_vars_set(mr->vars, "locked", a->locked ? "Yes" : "No");
    mc_vars_set(mr->vars, "verified", a->verified ? "Yes" : "No");
    mc_vars_set(mr->vars, "two_step", a->two_step ? "On" : "Off");
    badges(mr->vars, a->status, a->locked);
    mc_vars_set(mr->vars, "search_url", mc_url(mr, "/security"));
    if (a->locked)
        action_form(mr, base, "unlock", "Unlock");
    if (strcmp(a->status, "disabled") && (!mr->account || mr->account->id != a->id))
        action_form(mr, base, "disable", "Disable");
    if (!strcmp(a->status, "disabled"))
        action_form(mr, base, "enable", "Enable");
    if (!strcmp(a->status, "pending"))
        action_form(mr, base, "resend", "Resend verification");
    if (a->two_step)
        action_form(mr, base, "two-step-off", "Turn off two-step verification");
    return mc_render(mr, status, "security-account.html",
                     apr_pstrcat(p, "Account ", a->username, NULL));
}

static int mc_reg_security_account(mc_req *mr)
{
    sec_account a;
    mc_db *db;
    int rc;
    if (!load_account(mr, &db, &a, &rc))
        return rc;
    return account_page(mr, HTTP_OK, &a, NULL);
}

typedef struct action_baton {
    const char *action;
    sec_account *a;
    const char *refusal; /* the action does not apply (state changed meanwhile) */
} action_baton;

/* The holder lost the app and the recovery codes: off, every session
 * ended (whoever holds the device holds no session of the account), and
 * the holder told, so one who did not ask learns of it. */
static apr_status_t two_step_off(mc_req *mr, mc_db *db, action_baton *b)
{
    apr_pool_t *p = mr->r->pool;
    mc_vars *v = mc_vars_make(p, NULL);
    int on = 0;
    apr_status_t rv = mc_two_step_on(mr, db, b->a->id, &on);
    if (rv != APR_SUCCESS)
        return rv;
    if (!on) {
        b->refusal = "Two-step verification is not on for this account.";
        return APR_EGENERAL;
    }
    mc_vars_set(v, "username", b->a->username);
    if ((rv = mc_two_step_reset(mr, db, b->a->id)) == APR_SUCCESS &&
        (rv = mc_session_end_all(mr, db, b->a->id)) == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, b->a->id, b->a->email, "security-two-step-off",
                             "Two-step verification was turned off", "security-two-step-off.txt",
                             v)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "security-two-step-off", b->a->id,
                      "two-step verification turned off by the Security unit");
    return rv;
}

static apr_status_t do_action(mc_req *mr, mc_db *db, void *baton)
{
    action_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    b->refusal = NULL;
    rv = mc_db_query(db, p, &res, "SELECT status FROM mc_account WHERE id = ? FOR UPDATE", "i",
                     b->a->id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1) {
        b->refusal = "The account no longer exists.";
        return APR_EGENERAL;
    }
    b->a->status = mc_dbres_get(res, 0, 0);
    if (!strcmp(b->action, "unlock")) {
        if ((rv = mc_lockout_clear(mr, db, b->a->id)) == APR_SUCCESS)
            rv = mc_audit(mr, db, "security-unlock", b->a->id, "unlocked by the Security unit");
        return rv;
    }
    if (!strcmp(b->action, "disable")) {
        if (!strcmp(b->a->status, "disabled")) {
            b->refusal = "The account is already disabled.";
            return APR_EGENERAL;
        }
        if ((rv = mc_db_exec(db, NULL, NULL,
                             "UPDATE mc_account SET status = 'disabled' WHERE id = ?", "i",
                             b->a->id)) == APR_SUCCESS &&
            (rv = mc_session_end_all(mr, db, b->a->id)) == APR_SUCCESS)
            rv = mc_audit(
                mr, db, "security-disable", b->a->id,
                apr_pstrcat(p, "disabled by the Security unit (was ", b->a->status, ")", NULL));
        return rv;
    }
    if (!strcmp(b->action, "enable")) {
        if (strcmp(b->a->status, "disabled")) {
            b->refusal = "Only a disabled account can be enabled.";
            return APR_EGENERAL;
        }
        if ((rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_account SET status = 'active' WHERE id = ?",
                             "i", b->a->id)) == APR_SUCCESS)
            rv = mc_audit(mr, db, "security-enable", b->a->id, "enabled by the Security unit");
        return rv;
    }
    if (!strcmp(b->action, "two-step-off"))
        return two_step_off(mr, db, b);
    /* resend */
    if (strcmp(b->a->status, "pending")) {
        b->refusal = "Only an account waiting for its e-mail verification can be sent a new "
                     "verification e-mail.";
        return APR_EGENERAL;
    }
    {
        const char *tok = mc_token_new(p);
        mc_vars *v = mc_vars_make(p, NULL);
        rv = mc_reg_code_new(db, p, b->a->id, "verify-email", tok, VERIFY_TTL, 1, NULL);
        if (rv != APR_SUCCESS)
            return rv;
        mc_vars_set(v, "username", b->a->username);
        mc_vars_set(v, "link", mc_public_url(mr, apr_pstrcat(p, mr->mount, "/verify/", tok, NULL)));
        rv = mc_email_queue(mr, db, b->a->id, b->a->email, "verify-email",
                            "Verify your e-mail address", "security-verify.txt", v);
        if (rv == APR_SUCCESS)
            rv = mc_audit(mr, db, "security-resend-verify", b->a->id,
                          "verification e-mail resent by the Security unit");
        return rv;
    }
}

static int mc_reg_security_action(mc_req *mr)
{
    const char *action = apr_table_get(mr->params, "action");
    const char *confirm = mc_field(mr, "confirm");
    action_baton b;
    sec_account a;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!action ||
        (strcmp(action, "unlock") && strcmp(action, "disable") && strcmp(action, "enable") &&
         strcmp(action, "resend") && strcmp(action, "two-step-off")))
        return HTTP_NOT_FOUND;
    if (!load_account(mr, &db, &a, &rc))
        return rc;
    if (!confirm || strcmp(confirm, "1"))
        return account_page(mr, HTTP_OK, &a,
                            "Check \"I confirm\" beside the action to carry it out.");
    if (!strcmp(action, "disable") && mr->account && mr->account->id == a.id)
        return account_page(mr, HTTP_OK, &a, "You cannot disable your own account.");
    b.action = action;
    b.a = &a;
    b.refusal = NULL;
    rv = mc_req_tx(mr, do_action, &b);
    if (rv != APR_SUCCESS) {
        if (!b.refusal)
            return mc_fail(mr, rv);
        if (!load_account(mr, &db, &a, &rc))
            return rc;
        return account_page(mr, HTTP_OK, &a, b.refusal);
    }
    return mc_redirect(
        mr, mc_url(mr, apr_psprintf(mr->r->pool, "/security/account/%" APR_INT64_T_FMT "?done=%s",
                                    (apr_int64_t)a.id, action)));
}

const mc_route mc_reg_security_routes[] = {
    {"GET", "/security", MC_ACCESS_ROLE, "security", mc_reg_security_search, 0},
    {"GET", "/security/account/:id", MC_ACCESS_ROLE, "security", mc_reg_security_account, 0},
    {"POST", "/security/account/:id/:action", MC_ACCESS_ROLE, "security", mc_reg_security_action,
     0},
    {NULL}};
