/* links.c: the registration plugin's e-mailed links (see registration.h):
 * a new account's e-mail verification (/verify/:token) and the
 * confirmation of an e-mail address change
 * (/myaccount/email/confirm/:token).
 *
 * Opening a link (GET, or HEAD) changes nothing: it shows a page with one
 * button, whose form POSTs to the same address (the token in the path is
 * the secret; the form carries the site's anti-CSRF token like every form
 * of a visitor who is not logged on). A mail scanner that fetches every
 * link of a message so leaves the account as it was (SECURITY.md, e-mailed
 * codes and links). */
#include "registration.h"

/* ---- a new account's e-mail verification -------------------------------------- */

static const char VERIFY_NOT_VALID[] = "This verification link is not valid. Check that you "
                                       "copied the whole link from the e-mail, or ask for a new "
                                       "one.";

/* A verified address belongs to one account (logon by e-mail names it):
 * said only to whoever holds a link sent to that address. */
static const char ADDRESS_TAKEN[] = "This e-mail address is already the verified address of "
                                    "another Missouri Judiciary Account, and a verified address "
                                    "belongs to one account.";

typedef struct verify_baton {
    const char *hash;
    long long account_id;
    int ok;
    int taken; /* another account has the address verified */
} verify_baton;

/* 1 when an account other than account_id has address verified (its row
 * then locked until the transaction ends). */
static int address_taken(mc_req *mr, mc_db *db, long long account_id, const char *address,
                         apr_status_t *rv)
{
    mc_dbres *res;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT 1 FROM mc_account WHERE verified_email = ? AND id <> ? FOR UPDATE",
                      "si", address, account_id);
    return *rv == APR_SUCCESS && res->nrows > 0;
}

static apr_status_t verify_tx(mc_req *mr, mc_db *db, void *baton)
{
    verify_baton *b = baton;
    mc_dbres *res;
    long long n = 0;
    apr_status_t rv;
    b->ok = b->taken = 0;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT c.id, c.account_id, a.email FROM mc_code c JOIN mc_account a ON a.id "
                     "= c.account_id WHERE c.purpose = 'verify-email' AND c.code_hash = ? AND "
                     "c.used_at IS NULL AND c.expires_at > UTC_TIMESTAMP() FOR UPDATE",
                     "s", b->hash);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    b->account_id = mc_dbres_int(res, 0, 1);
    /* The link stays unused: the account stays pending. */
    if ((b->taken = address_taken(mr, db, b->account_id, mc_dbres_get(res, 0, 2), &rv)) ||
        rv != APR_SUCCESS)
        return rv;
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at IS NULL",
                    "i", mc_dbres_int(res, 0, 0));
    if (rv != APR_SUCCESS || n != 1)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_account SET status = IF(status = 'pending', 'active', status), "
                    "email_verified = 1 WHERE id = ?",
                    "i", b->account_id);
    if (rv == MC_DB_EDUP) /* verified by another account at this very moment */
        b->taken = 1;
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "email-verified", b->account_id, "");
    b->ok = rv == APR_SUCCESS;
    return rv;
}

static int verify_page(mc_req *mr, const char *message, int ok)
{
    mc_vars_set(mr->vars, "message", message);
    if (ok) {
        mc_vars_set(mr->vars, "link_url", mc_logon_path(mr));
        mc_vars_set(mr->vars, "link_label", "Logon");
    }
    else {
        mc_vars_set(mr->vars, "link_url", mc_url(mr, "/verify/resend"));
        mc_vars_set(mr->vars, "link_label", "Resend the verification e-mail");
    }
    return mc_render(mr, HTTP_OK, "signup-message.html",
                     ok ? "E-mail Address Verified" : "E-mail Address Not Verified");
}

/* Why the link whose token hashes to hash cannot verify (it is unknown,
 * used or expired), as verify_page shows it; NULL when it still can. */
static const char *verify_refusal(mc_req *mr, mc_db *db, const char *hash, apr_status_t *rv)
{
    mc_dbres *res;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT used_at IS NOT NULL, expires_at > UTC_TIMESTAMP() FROM mc_code "
                      "WHERE purpose = 'verify-email' AND code_hash = ?",
                      "s", hash);
    if (*rv != APR_SUCCESS)
        return NULL;
    if (res->nrows == 0)
        return VERIFY_NOT_VALID;
    if (mc_dbres_int(res, 0, 0))
        return "This verification link was already used or was replaced by a newer one. If "
               "your e-mail address is not verified yet, ask for a new link.";
    if (!mc_dbres_int(res, 0, 1))
        return "This verification link has expired (links are valid for 24 hours). Ask for a "
               "new one.";
    return NULL;
}

/* The link: a page whose one button verifies (nothing is changed here). */
static int verify_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok = apr_table_get(mr->params, "token"), *why;
    mc_db *db;
    apr_status_t rv;
    if (!tok || !mc_token_syntax_ok(tok))
        return verify_page(mr, VERIFY_NOT_VALID, 0);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    why = verify_refusal(mr, db, mc_sha256_hex(p, tok, strlen(tok)), &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (why)
        return verify_page(mr, why, 0);
    mc_vars_set(mr->vars, "message",
                "Select Verify E-mail Address to verify your e-mail address and activate your "
                "Missouri Judiciary Account.");
    mc_vars_set(mr->vars, "button", "Verify E-mail Address");
    mc_vars_set(mr->vars, "action", mc_url(mr, apr_pstrcat(p, "/verify/", tok, NULL)));
    return mc_render(mr, HTTP_OK, "link-confirm.html", "Verify Your E-mail Address");
}

static int verify_post(mc_req *mr)
{
    const char *tok = apr_table_get(mr->params, "token"), *why;
    verify_baton b = {0};
    mc_db *db;
    apr_status_t rv;
    if (!tok || !mc_token_syntax_ok(tok))
        return verify_page(mr, VERIFY_NOT_VALID, 0);
    b.hash = mc_sha256_hex(mr->r->pool, tok, strlen(tok));
    rv = mc_req_tx(mr, verify_tx, &b);
    if (b.taken)
        return verify_page(mr,
                           apr_pstrcat(mr->r->pool, ADDRESS_TAKEN,
                                       " Log on to that account (Forgot Username sends you its "
                                       "username), or create this one again with another e-mail "
                                       "address.",
                                       NULL),
                           0);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (b.ok)
        return verify_page(mr, "Your e-mail address has been verified. You may now log on.", 1);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    why = verify_refusal(mr, db, b.hash, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return verify_page(mr, why ? why : VERIFY_NOT_VALID, 0);
}

/* ---- the confirmation of an e-mail address change ---------------------------- */

static int email_not_valid(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Link not valid",
                      "This link is not valid. Copy the whole link from the e-mail.");
}

static int email_gone(mc_req *mr)
{
    return mc_message(mr, HTTP_GONE, "Link expired or used",
                      "This link has expired or was already used. Your e-mail address was not "
                      "changed; you may ask again under My Account.");
}

typedef struct email_change {
    long long id, account_id; /* the link's code, its account */
    const char *email;        /* the new address */
    int taken, used;          /* why nothing changed */
} email_change;

/* The pending change the route's token names, while it is unused and
 * unexpired: 1 with c's id, account and new address, and the request's
 * connection in *db; else 0 with *rc the answer (the link is not valid,
 * expired or used, or a database error's page). */
static int email_change_of(mc_req *mr, mc_db **db, email_change *c, int *rc)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok = apr_table_get(mr->params, "token");
    mc_dbres *res;
    apr_status_t rv;
    memset(c, 0, sizeof(*c));
    if (!tok || !mc_token_syntax_ok(tok)) {
        *rc = email_not_valid(mr);
        return 0;
    }
    if ((rv = mc_req_db(mr, db)) == APR_SUCCESS)
        rv = mc_db_query(*db, p, &res,
                         "SELECT c.id, c.account_id, e.new_email FROM mc_code c JOIN "
                         "mc_reg_email_change e ON e.code_id = c.id WHERE c.code_hash = ? AND "
                         "c.purpose = 'email-change' AND c.used_at IS NULL AND c.expires_at > "
                         "UTC_TIMESTAMP()",
                         "s", mc_sha256_hex(p, tok, strlen(tok)));
    if (rv != APR_SUCCESS || res->nrows != 1) {
        *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : email_gone(mr);
        return 0;
    }
    c->id = mc_dbres_int(res, 0, 0);
    c->account_id = mc_dbres_int(res, 0, 1);
    c->email = mc_dbres_get(res, 0, 2);
    return 1;
}

/* The link: a page whose one button makes the change. */
static int email_confirm_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    email_change c;
    mc_db *db;
    int rc;
    if (!email_change_of(mr, &db, &c, &rc))
        return rc;
    mc_vars_set(mr->vars, "message",
                apr_pstrcat(p, "Select Change E-mail Address to make ", c.email,
                            " the e-mail address of your Missouri Judiciary Account.", NULL));
    mc_vars_set(mr->vars, "button", "Change E-mail Address");
    mc_vars_set(mr->vars, "action",
                mc_url(mr, apr_pstrcat(p, "/myaccount/email/confirm/",
                                       apr_table_get(mr->params, "token"), NULL)));
    return mc_render(mr, HTTP_OK, "link-confirm.html", "Confirm Your New E-mail Address");
}

/* The account's address becomes the new one, unless another account has
 * it verified (taken) or the link was used meanwhile (used): then
 * APR_EGENERAL, and nothing changes. */
static apr_status_t email_change_tx(mc_req *mr, mc_db *db, void *baton)
{
    email_change *c = baton;
    long long affected = 0;
    apr_status_t rv;
    c->taken = c->used = 0;
    if ((c->taken = address_taken(mr, db, c->account_id, c->email, &rv)) || rv != APR_SUCCESS)
        return rv != APR_SUCCESS ? rv : APR_EGENERAL;
    rv = mc_db_exec(db, &affected, NULL,
                    "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at IS NULL",
                    "i", c->id);
    if (rv == APR_SUCCESS && affected != 1) {
        c->used = 1;
        return APR_EGENERAL;
    }
    if (rv == APR_SUCCESS &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_account SET email = ?, email_verified = 1 WHERE id = ?", "si",
                         c->email, c->account_id)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "email-changed", c->account_id, "");
    return rv;
}

static int email_confirm_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    email_change c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!email_change_of(mr, &db, &c, &rc))
        return rc;
    rv = mc_req_tx(mr, email_change_tx, &c);
    if (c.taken || rv == MC_DB_EDUP) /* the address taken meanwhile */
        return mc_message(
            mr, HTTP_CONFLICT, "E-mail address not changed",
            apr_pstrcat(p, ADDRESS_TAKEN, " Your e-mail address was not changed.", NULL));
    if (c.used) /* the link used meanwhile */
        return email_gone(mr);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "E-mail address changed",
                      apr_pstrcat(p, "Your e-mail address is now ", c.email, ".", NULL));
}

/* After the other parts' routes (see mod_mocourts_registration.c): the
 * signup's /verify/resend comes before /verify/:token. */
const mc_route mc_reg_link_routes[] = {
    {"GET", "/verify/:token", MC_ACCESS_ANON, NULL, verify_get, 0},
    {"POST", "/verify/:token", MC_ACCESS_ANON, NULL, verify_post, 0},
    {"GET", "/myaccount/email/confirm/:token", MC_ACCESS_ANON, NULL, email_confirm_get, 0},
    {"POST", "/myaccount/email/confirm/:token", MC_ACCESS_ANON, NULL, email_confirm_post, 0},
    {NULL}};
