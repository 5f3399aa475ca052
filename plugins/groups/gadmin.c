/* gadmin.c: see groups.h.
 *
 * Every route checks, from the database, that the logged-on account is an
 * active administrator member of an active group (require_admin); the
 * group acted on is always that group, never a parameter. */
#include "groups.h"

#include "apr_lib.h"

#define PAGE_SIZE 25
#define NOTIFY_TTL (24 * 3600) /* seconds: a Notification E-mail's verification link */

/* ---- the administrator's group --------------------------------------------------- */

typedef struct grp_admin {
    mc_grp_member m;
    mc_db *db;
    const char *hash;    /* admin_pin: the new PIN's */
    long long notify_id; /* admin_notify_remove: the address's */
} grp_admin;

/* OK when the account may use the Group Administrator Menu, else the
 * status to answer with. */
static int require_admin(mc_req *mr, grp_admin *ga)
{
    apr_status_t rv;
    int found;
    if (!mr->account)
        return HTTP_FORBIDDEN;
    if ((rv = mc_req_db(mr, &ga->db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_grp_membership(ga->db, mr->r->pool, mr->account->id, &ga->m, &found);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || !ga->m.is_admin || !ga->m.active || !ga->m.group_active)
        return HTTP_FORBIDDEN;
    return OK;
}

static int all_digits(const char *s, size_t max)
{
    size_t n = 0;
    if (!s || !*s)
        return 0;
    for (; *s; s++, n++)
        if (!apr_isdigit(*s) || n >= max)
            return 0;
    return 1;
}

static const char *gid_str(apr_pool_t *p, long long id)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)id);
}

/* ---- Group Administrator Menu ----------------------------------------------------- */

static int admin_menu(mc_req *mr)
{
    grp_admin ga;
    mc_dbres *res;
    apr_status_t rv;
    int st = require_admin(mr, &ga);
    if (st != OK)
        return st;
    rv = mc_db_query(ga.db, mr->r->pool, &res, "SELECT assoc_key FROM mc_group WHERE id = ?", "i",
                     ga.m.group_id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1)
        return HTTP_FORBIDDEN;
    mc_vars_set(mr->vars, "group_name", ga.m.group_name);
    mc_vars_set(mr->vars, "prefs_url", mc_url(mr, "/admin/preferences"));
    mc_vars_set(mr->vars, "members_url", mc_url(mr, "/admin/members"));
    mc_vars_set(mr->vars, "procedure_url", mc_url(mr, "/procedure"));
    mc_vars_set(mr->vars, "assoc_url",
                mc_public_url(mr, apr_pstrcat(mr->r->pool, mr->mount, "/join/",
                                              mc_dbres_get(res, 0, 0), NULL)));
    return mc_render(mr, HTTP_OK, "admin-menu.html", "Group Administrator Menu");
}

/* ---- My Preferences ---------------------------------------------------------------- */

static const mc_label PREF_DONE[] = {
    {"pin", "The Group PIN was changed. Give the new PIN to users who still need to join."},
    {"notify-added", "A verification link was sent to the address. It receives notifications "
                     "once the link has been followed."},
    {"notify-removed", "The Notification E-mail address was removed."},
    {NULL}};

static int prefs_page(mc_req *mr, grp_admin *ga, int status, const char *pin_error,
                      const char *notify_error)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int r;
    mc_done_notice(mr, PREF_DONE, pin_error ? pin_error : notify_error);
    if (pin_error)
        mc_vars_set(mr->vars, "pin_error", pin_error);
    if (notify_error)
        mc_vars_set(mr->vars, "notify_error", notify_error);
    rv = mc_db_query(ga->db, p, &res,
                     "SELECT id, email, verified_at IS NOT NULL FROM mc_group_notify "
                     "WHERE group_id = ? ORDER BY email",
                     "i", ga->m.group_id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (r = 0; r < res->nrows; r++) {
        static const char *const keys[] = {"", "email", NULL};
        mc_vars *row = mc_vars_row(mr->vars, "notify");
        mc_vars_from(row, res, r, keys);
        mc_vars_set(row, "state",
                    mc_dbres_int(res, r, 2) ? "verified" : "waiting for confirmation");
        mc_vars_set(row, "state_class",
                    mc_dbres_int(res, r, 2) ? "mc-status mc-status--ok"
                                            : "mc-status mc-status--pending");
        mc_vars_set(row, "remove_url",
                    mc_url(mr, apr_psprintf(p, "/admin/preferences/notify/%s/remove",
                                            mc_dbres_get(res, r, 0))));
    }
    mc_vars_set(mr->vars, "pin_action", mc_url(mr, "/admin/preferences/pin"));
    mc_vars_set(mr->vars, "notify_action", mc_url(mr, "/admin/preferences/notify"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/admin"));
    return mc_render(mr, status, "admin-preferences.html", "My Preferences");
}

static int admin_prefs(mc_req *mr)
{
    grp_admin ga;
    int st = require_admin(mr, &ga);
    return st != OK ? st : prefs_page(mr, &ga, HTTP_OK, NULL, NULL);
}

/* The new PIN (ga->hash) and its audit, in one transaction. */
static apr_status_t pin_tx(mc_req *mr, mc_db *db, void *baton)
{
    grp_admin *ga = baton;
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "UPDATE mc_group SET pin_hash = ?, pin_changed_at = "
                                 "UTC_TIMESTAMP() WHERE id = ?",
                                 "si", ga->hash, ga->m.group_id);
    if (rv != APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, "group-pin-changed", mr->account->id,
                    apr_pstrcat(mr->r->pool, "Group PIN of group ",
                                gid_str(mr->r->pool, ga->m.group_id), " changed", NULL));
}

static int admin_pin(mc_req *mr)
{
    grp_admin ga;
    const char *pin = mc_field(mr, "pin"), *pin2 = mc_field(mr, "pin2"), *err, *hash;
    apr_status_t rv;
    int st = require_admin(mr, &ga);
    if (st != OK)
        return st;
    if (!pin || !*pin)
        return prefs_page(mr, &ga, HTTP_OK, "Enter the New PIN.", NULL);
    if ((err = mc_grp_check_pin(pin)) != NULL)
        return prefs_page(mr, &ga, HTTP_OK, err, NULL);
    if (!pin2 || strcmp(pin, pin2))
        return prefs_page(mr, &ga, HTTP_OK, "New PIN and Verify PIN do not match.", NULL);
    if ((rv = mc_password_make(mr, pin, &hash)) != APR_SUCCESS) {
        if (rv == APR_EAGAIN)
            return mc_busy(mr);
        return mc_fail(mr, rv);
    }
    ga.hash = hash;
    if ((rv = mc_req_tx(mr, pin_tx, &ga)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/admin/preferences?done=pin"));
}

typedef struct notify_baton {
    grp_admin *ga;
    const char *email;
    const char *refusal;
} notify_baton;

static apr_status_t notify_add_tx(mc_req *mr, mc_db *db, void *baton)
{
    notify_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    const char *tok = mc_token_new(p);
    mc_dbres *res;
    mc_vars *v = mc_vars_make(p, NULL);
    apr_status_t rv;
    /* The form's one-time token first: the same Add sent twice adds the
     * address and mails its link once; the copy is not told it is listed. */
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &res,
                     "SELECT 1 FROM mc_group_notify WHERE group_id = ? AND email = ? FOR UPDATE",
                     "is", b->ga->m.group_id, b->email);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        b->refusal = "That address is already in the list.";
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_group_notify (group_id, email, code_hash, code_expires, "
                    "created_at) VALUES (?, ?, ?, UTC_TIMESTAMP() + INTERVAL ? SECOND, "
                    "UTC_TIMESTAMP())",
                    "issi", b->ga->m.group_id, b->email, mc_sha256_hex(p, tok, strlen(tok)),
                    (long long)NOTIFY_TTL);
    if (rv != APR_SUCCESS)
        return rv;
    mc_vars_set(v, "group_name", b->ga->m.group_name);
    mc_vars_set(v, "court", mc_court_name(mr));
    mc_vars_set(v, "link",
                mc_public_url(mr, apr_pstrcat(p, mr->mount, "/notify/confirm/", tok, NULL)));
    if ((rv = mc_email_queue(mr, db, 0, b->email, "group-notify-verify",
                             "Confirm your Notification E-mail address", "admin-notify-verify.txt",
                             v)) != APR_SUCCESS) {
        if (rv == APR_EINVAL)
            b->refusal = "That e-mail address cannot be used.";
        return rv;
    }
    if ((rv = mc_once_done(mr, db, mc_url(mr, "/admin/preferences?done=notify-added"))) !=
        APR_SUCCESS)
        return rv;
    return mc_audit(
        mr, db, "group-notify-added", mr->account->id,
        apr_pstrcat(p, "Notification E-mail added to group ", gid_str(p, b->ga->m.group_id), NULL));
}

static int admin_notify_add(mc_req *mr)
{
    grp_admin ga;
    notify_baton b;
    const char *email = mc_field(mr, "email");
    apr_status_t rv;
    int st = require_admin(mr, &ga);
    if (st != OK)
        return st;
    email = mc_text_trim(mr->r->pool, email);
    if (!email || !*email || strlen(email) > 254 || !mc_email_ok(email))
        return prefs_page(mr, &ga, HTTP_OK, NULL,
                          "Notification E-mail: enter a valid e-mail address.");
    b.ga = &ga;
    b.email = email;
    b.refusal = NULL;
    rv = mc_req_tx(mr, notify_add_tx, &b);
    if (rv != APR_SUCCESS)
        return b.refusal ? prefs_page(mr, &ga, HTTP_OK, NULL, b.refusal) : mc_once_answer(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/admin/preferences?done=notify-added"));
}

/* The Notification E-mail :id of the administrator's group; 1 found. */
static int load_notify(mc_req *mr, grp_admin *ga, const char **email, apr_status_t *rv)
{
    long long id = mc_param_id(mr, "id");
    mc_dbres *res;
    *rv = APR_SUCCESS;
    if (!id)
        return 0;
    *rv = mc_db_query(ga->db, mr->r->pool, &res,
                      "SELECT email FROM mc_group_notify WHERE id = ? AND group_id = ?", "ii", id,
                      ga->m.group_id);
    if (*rv != APR_SUCCESS || res->nrows != 1)
        return 0;
    *email = mc_dbres_get(res, 0, 0);
    return 1;
}

static int confirm_page(mc_req *mr, const char *question, const char *action, const char *back)
{
    mc_vars_set(mr->vars, "question", question);
    mc_vars_set(mr->vars, "confirm_action", action);
    mc_vars_set(mr->vars, "back_url", back);
    return mc_render(mr, HTTP_OK, "admin-confirm.html", "Please Confirm");
}

/* The address ga->notify_id removed and its audit, in one transaction. */
static apr_status_t notify_remove_tx(mc_req *mr, mc_db *db, void *baton)
{
    grp_admin *ga = baton;
    apr_status_t rv =
        mc_db_exec(db, NULL, NULL, "DELETE FROM mc_group_notify WHERE id = ? AND group_id = ?",
                   "ii", ga->notify_id, ga->m.group_id);
    if (rv != APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, "group-notify-removed", mr->account->id,
                    apr_pstrcat(mr->r->pool, "Notification E-mail removed from group ",
                                gid_str(mr->r->pool, ga->m.group_id), NULL));
}

static int admin_notify_remove(mc_req *mr)
{
    grp_admin ga;
    const char *email;
    apr_status_t rv;
    int st = require_admin(mr, &ga);
    if (st != OK)
        return st;
    if (!load_notify(mr, &ga, &email, &rv))
        return rv != APR_SUCCESS ? mc_fail(mr, rv) : HTTP_NOT_FOUND;
    if (mr->r->method_number != M_POST)
        return confirm_page(
            mr,
            apr_pstrcat(mr->r->pool, "Are you sure you want to remove the Notification E-mail ",
                        email, "?", NULL),
            mc_url(mr, apr_pstrcat(mr->r->pool, "/admin/preferences/notify/",
                                   apr_table_get(mr->params, "id"), "/remove", NULL)),
            mc_url(mr, "/admin/preferences"));
    ga.notify_id = mc_param_id(mr, "id");
    if ((rv = mc_req_tx(mr, notify_remove_tx, &ga)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/admin/preferences?done=notify-removed"));
}

/* GET /notify/confirm/:token (anyone: the link in the e-mail). */
/* The e-mailed link (anyone holding it may confirm, not logged on): opening
 * it changes nothing; its page's one button POSTs (a mail scanner fetching
 * the link confirms no address). */

static int notify_link_not_valid(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Link Not Valid",
                      "This confirmation link is not valid, has expired or was already used.");
}

/* The link's :token and the request's connection; NULL with *rc the
 * answer when the token is malformed or the database fails. */
static const char *notify_token(mc_req *mr, mc_db **db, int *rc)
{
    const char *tok = apr_table_get(mr->params, "token");
    apr_status_t rv;
    if (!tok || !mc_token_syntax_ok(tok))
        *rc = notify_link_not_valid(mr);
    else if ((rv = mc_req_db(mr, db)) != APR_SUCCESS)
        *rc = mc_fail(mr, rv);
    else
        return tok;
    return NULL;
}

static int notify_confirm_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!(tok = notify_token(mr, &db, &rc)))
        return rc;
    rv = mc_db_query(db, p, &res,
                     "SELECT n.email, g.name FROM mc_group_notify n JOIN mc_group g ON g.id = "
                     "n.group_id WHERE n.code_hash = ? AND n.code_expires > UTC_TIMESTAMP() AND "
                     "n.verified_at IS NULL",
                     "s", mc_sha256_hex(p, tok, strlen(tok)));
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1)
        return notify_link_not_valid(mr);
    mc_vars_set(mr->vars, "message",
                apr_pstrcat(p, "Select Confirm to have ", mc_dbres_get(res, 0, 0),
                            " receive the notifications of the group ", mc_dbres_get(res, 0, 1),
                            ".", NULL));
    mc_vars_set(mr->vars, "action", mc_url(mr, apr_pstrcat(p, "/notify/confirm/", tok, NULL)));
    return mc_render(mr, HTTP_OK, "notify-confirm.html", "Confirm the Notification E-mail");
}

static int notify_confirm_post(mc_req *mr)
{
    const char *tok;
    long long n = 0;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!(tok = notify_token(mr, &db, &rc)))
        return rc;
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_group_notify SET verified_at = UTC_TIMESTAMP(), code_hash = NULL, "
                    "code_expires = NULL WHERE code_hash = ? AND code_expires > UTC_TIMESTAMP() "
                    "AND verified_at IS NULL",
                    "s", mc_sha256_hex(mr->r->pool, tok, strlen(tok)));
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (n != 1)
        return notify_link_not_valid(mr);
    return mc_message(mr, HTTP_OK, "Notification E-mail Confirmed",
                      "Thank you. This address will now receive the group's notifications.");
}

/* ---- Group Maintenance ------------------------------------------------------------- */

/* MM/DD/YYYY to YYYY-MM-DD; NULL when not a real date. */
static const char *parse_date(apr_pool_t *p, const char *s)
{
    int m, d, y, i;
    if (strlen(s) != 10 || s[2] != '/' || s[5] != '/')
        return NULL;
    for (i = 0; i < 10; i++)
        if (i != 2 && i != 5 && !apr_isdigit(s[i]))
            return NULL;
    m = atoi(s);
    d = atoi(s + 3);
    y = atoi(s + 6);
    if (y < 1900 || !mc_date_ok(y, m, d))
        return NULL;
    return apr_psprintf(p, "%04d-%02d-%02d", y, m, d);
}

/* The sortable columns (newest first by default), ties broken by account. */
static const mc_sort_col SORTS[] = {
    {"date", "m.status_date ASC, a.id ASC", "m.status_date DESC, a.id DESC"},
    {"username", "a.username ASC, a.id ASC", "a.username DESC, a.id DESC"},
    {"first", "a.first_name ASC, a.id ASC", "a.first_name DESC, a.id DESC"},
    {"last", "a.last_name ASC, a.id ASC", "a.last_name DESC, a.id DESC"},
    {"email", "a.email ASC, a.id ASC", "a.email DESC, a.id DESC"},
    {"status", "m.status ASC, a.id ASC", "m.status DESC, a.id DESC"},
    {NULL}};

static const char SQL_WHERE[] =
    " FROM mc_group_member m JOIN mc_account a ON a.id = m.account_id "
    "WHERE m.group_id = ? AND m.is_admin = 0 "
    "AND (? = '' OR m.status_date >= ?) AND (? = '' OR m.status_date < ? + INTERVAL 1 DAY) "
    "AND (? = '' OR LOWER(a.first_name) LIKE LOWER(?)) "
    "AND (? = '' OR LOWER(a.last_name) LIKE LOWER(?)) AND (? = '' OR m.status = ?)";

/* SQL_WHERE's count without the names' join (issue 13: 2,000 account rows
 * read for nothing; tests/integration/test_perf_plans.py). */
static const char SQL_COUNT_MEMBERS[] =
    "SELECT COUNT(*) FROM mc_group_member m WHERE m.group_id = ? AND m.is_admin = 0 AND (? = '' "
    "OR m.status_date >= ?) AND (? = '' OR m.status_date < ? + INTERVAL 1 DAY) AND (? = '' OR "
    "m.status = ?)";

/* A member's actions (the route's :action) and their notices. */
static const mc_label ACTION_WORDS[] = {
    {"disable", "The user was disabled. They stay in the group but cannot file until "
                "you activate them."},
    {"activate", "The user was activated."},
    {"remove", "The user was removed from the group and notified by e-mail."},
    {NULL}};

static int admin_members(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    grp_admin ga;
    const char *from = mc_text_trim(p, mc_query(mr, "from")),
               *to = mc_text_trim(p, mc_query(mr, "to"));
    const char *first = mc_text_trim(p, mc_query(mr, "first_name"));
    const char *last = mc_text_trim(p, mc_query(mr, "last_name"));
    const char *status = mc_query(mr, "status"), *pg = mc_query(mr, "page");
    const char *dfrom = "1900-01-01", *dto = "1900-01-01", *qs;
    const char *error = NULL, *like_first = mc_sql_like(p, first, 0);
    const char *like_last = mc_sql_like(p, last, 0);
    const mc_sort_col *by;
    mc_page page;
    int desc, i;
    mc_dbres *res;
    apr_status_t rv;
    int st = require_admin(mr, &ga);
    if (st != OK)
        return st;
    if (!status || (strcmp(status, "active") && strcmp(status, "disabled")))
        status = "";
    by = mc_sort_pick(SORTS, mc_query(mr, "sort"), mc_query(mr, "dir"), 1, &desc);

    if (!pg)
        mc_done_notice(mr, ACTION_WORDS, NULL);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/admin/members"));
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/admin"));
    mc_vars_set(mr->vars, "q_from", from);
    mc_vars_set(mr->vars, "q_to", to);
    mc_vars_set(mr->vars, "q_first_name", first);
    mc_vars_set(mr->vars, "q_last_name", last);
    mc_vars_set(mr->vars, "q_status", status);
    if (strlen(first) > 100 || strlen(last) > 100)
        error = "A search value is too long.";
    else if (*from && !(dfrom = parse_date(p, from)))
        error = "Status Date From: enter a date as MM/DD/YYYY.";
    else if (*to && !(dto = parse_date(p, to)))
        error = "Status Date To: enter a date as MM/DD/YYYY.";
    else if (*from && *to && strcmp(dfrom, dto) > 0)
        error = "Status Date From: it must not be after Status Date To.";
    if (error) {
        mc_vars_set(mr->vars, "error", error);
        return mc_render(mr, HTTP_OK, "admin-members.html", "Group Maintenance");
    }
    if (*first || *last)
        rv = mc_db_query(ga.db, p, &res, apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL),
                         "issssssssss", ga.m.group_id, from, dfrom, to, dto, first, like_first,
                         last, like_last, status, status);
    else /* no name asked: the members' rows alone (each has its account) */
        rv = mc_db_query(ga.db, p, &res, SQL_COUNT_MEMBERS, "issssss", ga.m.group_id, from, dfrom,
                         to, dto, status, status);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_page_begin(&page, mc_dbres_int(res, 0, 0), PAGE_SIZE,
                  all_digits(pg, 9) ? apr_atoi64(pg) : 1);
    rv = mc_db_query(
        ga.db, p, &res,
        apr_pstrcat(p,
                    "SELECT a.id, DATE_FORMAT(m.status_date, '%m/%d/%Y %h:%i:%s %p'), a.username, "
                    "a.first_name, a.last_name, a.email, m.status",
                    SQL_WHERE, " ORDER BY ", desc ? by->desc : by->asc, " LIMIT ? OFFSET ?", NULL),
        "issssssssssii", ga.m.group_id, from, dfrom, to, dto, first, like_first, last, like_last,
        status, status, page.per_page, page.offset);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        static const char *const keys[] = {"",          "status_date", "username", "first_name",
                                           "last_name", "email",       NULL};
        mc_vars *row = mc_vars_row(mr->vars, "members");
        const char *id = mc_dbres_get(res, i, 0);
        int active = !strcmp(mc_dbres_get(res, i, 6), "active");
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "status", active ? "ACTIVE" : "DISABLED");
        mc_vars_set(row, "status_class", /* a labelled badge (site.css) */
                    active ? "mc-status mc-status--active" : "mc-status mc-status--disabled");
        if (active)
            mc_vars_set(row, "disable_url",
                        mc_url(mr, apr_pstrcat(p, "/admin/members/", id, "/disable", NULL)));
        else
            mc_vars_set(row, "activate_url",
                        mc_url(mr, apr_pstrcat(p, "/admin/members/", id, "/activate", NULL)));
        mc_vars_set(row, "remove_url",
                    mc_url(mr, apr_pstrcat(p, "/admin/members/", id, "/remove", NULL)));
    }
    mc_vars_set(mr->vars, "admin_username", mr->account->username);
    mc_vars_set(mr->vars, "shown", "1");
    qs = apr_pstrcat(p, mc_url(mr, "/admin/members"), "?from=", mc_form_encode(p, from),
                     "&to=", mc_form_encode(p, to), "&first_name=", mc_form_encode(p, first),
                     "&last_name=", mc_form_encode(p, last), "&status=", status, NULL);
    mc_sort_vars(mr->vars, SORTS, by, desc, qs);
    mc_page_vars(
        mr->vars, &page,
        apr_pstrcat(p, qs, "&sort=", by->key, "&dir=", desc ? "desc" : "asc", "&page=", NULL));
    return mc_render(mr, HTTP_OK, "admin-members.html", "Group Maintenance");
}

typedef struct member_baton {
    grp_admin *ga;
    long long id;
    const char *action;
    const char *username, *email, *status;
    const char *refusal;
    int missing;
} member_baton;

/* The non-administrator member :account_id of the administrator's group;
 * 1 found. */
static int load_member(mc_req *mr, mc_db *db, member_baton *b, int lock, apr_status_t *rv)
{
    mc_dbres *res;
    *rv = APR_SUCCESS;
    if (!(b->id = mc_param_id(mr, "account_id")))
        return 0;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      apr_pstrcat(mr->r->pool,
                                  "SELECT a.username, a.email, m.status FROM mc_group_member m "
                                  "JOIN mc_account a ON a.id = m.account_id WHERE "
                                  "m.account_id = ? AND m.group_id = ? AND m.is_admin = 0",
                                  lock ? " FOR UPDATE" : "", NULL),
                      "ii", b->id, b->ga->m.group_id);
    if (*rv != APR_SUCCESS || res->nrows != 1)
        return 0;
    b->username = mc_dbres_get(res, 0, 0);
    b->email = mc_dbres_get(res, 0, 1);
    b->status = mc_dbres_get(res, 0, 2);
    return 1;
}

static apr_status_t member_tx(mc_req *mr, mc_db *db, void *baton)
{
    member_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    apr_status_t rv;
    if (!load_member(mr, db, b, 1, &rv)) {
        if (rv == APR_SUCCESS) {
            b->missing = 1;
            rv = APR_EGENERAL;
        }
        return rv;
    }
    if (!strcmp(b->action, "disable") || !strcmp(b->action, "activate")) {
        const char *to = !strcmp(b->action, "disable") ? "disabled" : "active";
        if (!strcmp(b->status, to)) {
            b->refusal = !strcmp(to, "disabled") ? "That user is already disabled."
                                                 : "That user is already active.";
            return APR_EGENERAL;
        }
        if ((rv = mc_db_exec(db, NULL, NULL,
                             "UPDATE mc_group_member SET status = ?, status_date = "
                             "UTC_TIMESTAMP() WHERE account_id = ? AND group_id = ?",
                             "sii", to, b->id, b->ga->m.group_id)) != APR_SUCCESS)
            return rv;
        return mc_audit(
            mr, db, !strcmp(to, "disabled") ? "group-user-disabled" : "group-user-activated", b->id,
            apr_pstrcat(p, b->username, " ", to, " in group ", gid_str(p, b->ga->m.group_id),
                        " by its administrator", NULL));
    }
    /* remove: the e-mail first, while the user is still in the group, so
     * the carbon-copy rule copies the administrators. */
    {
        mc_vars *v = mc_vars_make(p, NULL);
        mc_vars_set(v, "username", b->username);
        mc_vars_set(v, "group_name", b->ga->m.group_name);
        mc_vars_set(v, "court", mc_court_name(mr));
        if ((rv = mc_email_queue(
                 mr, db, b->id, b->email, "group-removed",
                 apr_pstrcat(p, "You have been removed from the group ", b->ga->m.group_name, NULL),
                 "admin-removed.txt", v)) != APR_SUCCESS)
            return rv;
    }
    if ((rv = mc_db_exec(db, NULL, NULL,
                         "DELETE FROM mc_group_member WHERE account_id = ? AND group_id = ? AND "
                         "is_admin = 0",
                         "ii", b->id, b->ga->m.group_id)) != APR_SUCCESS ||
        (rv = mc_grp_role_set(db, b->id, "group_user", b->ga->m.group_id, 0)) != APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, "group-user-removed", b->id,
                    apr_pstrcat(p, b->username, " removed from group ",
                                gid_str(p, b->ga->m.group_id), " by its administrator", NULL));
}

static int admin_member_action(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *action = apr_table_get(mr->params, "action");
    grp_admin ga;
    member_baton b;
    apr_status_t rv;
    int st;
    if (!mc_label_of(ACTION_WORDS, action))
        return HTTP_NOT_FOUND;
    if ((st = require_admin(mr, &ga)) != OK)
        return st;
    memset(&b, 0, sizeof(b));
    b.ga = &ga;
    b.action = action;
    if (!load_member(mr, ga.db, &b, 0, &rv))
        return rv != APR_SUCCESS ? mc_fail(mr, rv) : HTTP_NOT_FOUND;
    if (mr->r->method_number != M_POST)
        return confirm_page(
            mr,
            apr_pstrcat(p, "Are you sure you want to ", action, " the user ", b.username,
                        !strcmp(action, "remove") ? " from the group " : " in the group ",
                        ga.m.group_name, "?", NULL),
            mc_url(mr, apr_pstrcat(p, "/admin/members/", apr_table_get(mr->params, "account_id"),
                                   "/", action, NULL)),
            mc_url(mr, "/admin/members"));
    rv = mc_req_tx(mr, member_tx, &b);
    if (rv != APR_SUCCESS) {
        if (b.missing)
            return HTTP_NOT_FOUND;
        if (b.refusal)
            return mc_message(mr, HTTP_CONFLICT, "Group Maintenance", b.refusal);
        return mc_fail(mr, rv);
    }
    return mc_redirect(mr, mc_url(mr, apr_pstrcat(p, "/admin/members?done=", action, NULL)));
}

const mc_route mc_grp_admin_routes[] = {
    {"GET", "/admin", MC_ACCESS_ROLE, "group_admin", admin_menu, 0},
    {"GET", "/admin/preferences", MC_ACCESS_ROLE, "group_admin", admin_prefs, 0},
    {"POST", "/admin/preferences/pin", MC_ACCESS_ROLE, "group_admin", admin_pin, 0},
    {"POST", "/admin/preferences/notify", MC_ACCESS_ROLE, "group_admin", admin_notify_add, 0},
    {"GET", "/admin/preferences/notify/:id/remove", MC_ACCESS_ROLE, "group_admin",
     admin_notify_remove, 0},
    {"POST", "/admin/preferences/notify/:id/remove", MC_ACCESS_ROLE, "group_admin",
     admin_notify_remove, 0},
    {"GET", "/admin/members", MC_ACCESS_ROLE, "group_admin", admin_members, 0},
    {"GET", "/admin/members/:account_id/:action", MC_ACCESS_ROLE, "group_admin",
     admin_member_action, 0},
    {"POST", "/admin/members/:account_id/:action", MC_ACCESS_ROLE, "group_admin",
     admin_member_action, 0},
    {"GET", "/notify/confirm/:token", MC_ACCESS_ANON, NULL, notify_confirm_get, 0},
    {"POST", "/notify/confirm/:token", MC_ACCESS_ANON, NULL, notify_confirm_post, 0},
    {NULL}};

apr_status_t mc_grp_outbox_cc(mc_db *db, long long account_id, char *buf, apr_size_t len)
{
    apr_pool_t *p;
    mc_dbres *res;
    apr_status_t rv;
    apr_size_t used = 0;
    int i;
    buf[0] = '\0';
    if ((rv = apr_pool_create(&p, NULL)) != APR_SUCCESS)
        return rv;
    /* The active administrators of the group the account is a user of. */
    rv = mc_db_query(db, p, &res,
                     "SELECT a.email FROM mc_group_member u JOIN mc_group_member m ON "
                     "m.group_id = u.group_id AND m.is_admin = 1 AND m.account_id <> u.account_id "
                     "JOIN mc_account a ON a.id = m.account_id AND a.status = 'active' "
                     "WHERE u.account_id = ? AND u.is_admin = 0 ORDER BY a.id",
                     "i", account_id);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++) {
        const char *e = mc_dbres_get(res, i, 0);
        if (used + strlen(e) + 3 >= len)
            break;
        used += apr_snprintf(buf + used, len - used, "%s%s", used ? ", " : "", e);
    }
    apr_pool_destroy(p);
    return rv;
}

/* After logon (seed 000 step 15, seed 001 step 25): a group administrator
 * who has subscribed to Electronic Case Filing goes to the Group
 * Administrator Menu, a subscribed group user to the eFiling Menu; a
 * DISABLEd user (or one of a deactivated group) is sent there too, where
 * the page tells them they have been disabled from the group. These are
 * landing pages: a page the account asked for (a return path) wins. */
const char *mc_grp_after_logon(mc_req *mr, mc_db *db)
{
    mc_grp_member m;
    mc_dbres *res;
    int found;
    if (mc_logon_return(mr))
        return NULL;
    if (mc_grp_membership(db, mr->r->pool, mr->account->id, &m, &found) != APR_SUCCESS || !found)
        return NULL;
    if (!m.is_admin && (!m.active || !m.group_active))
        return "efiling";
    if (mc_db_query(db, mr->r->pool, &res,
                    "SELECT 1 FROM mc_reg_subscription WHERE account_id = ? AND application = "
                    "'efiling'",
                    "i", mr->account->id) != APR_SUCCESS ||
        res->nrows == 0)
        return NULL;
    return m.is_admin ? "admin" : "efiling";
}
