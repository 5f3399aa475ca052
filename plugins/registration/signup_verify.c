/* signup_verify.c: the e-mail that verifies a new account's address, sent
 * when the account is made (signup.c) and again on request (GET and POST
 * /verify/resend, at most VERIFY_PER_HOUR an hour). The link it carries is
 * links.c's. See registration.h. */
#include "registration.h"

#define VERIFY_TTL 86400  /* seconds: the e-mailed link lasts 24 h */
#define VERIFY_PER_HOUR 5 /* links sent per account and hour */

apr_status_t mc_reg_verify_send(mc_req *mr, mc_db *db, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token)
{
    apr_pool_t *p = mr->r->pool;
    mc_notice note = {0};
    mc_vars *v;
    apr_status_t rv;

    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_code (account_id, purpose, code_hash, created_at, expires_at) "
                    "VALUES (?, 'verify-email', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? "
                    "SECOND)",
                    "isi", account_id, mc_sha256_hex(p, token, strlen(token)),
                    (long long)VERIFY_TTL);
    if (rv != APR_SUCCESS)
        return rv;
    v = mc_vars_make(p, NULL);
    mc_vars_set(v, "court_name", mc_court_name(mr));
    mc_vars_set(v, "first_name", first_name);
    mc_vars_set(v, "username", username);
    mc_vars_set(v, "link", mc_public_url(mr, apr_pstrcat(p, mr->mount, "/verify/", token, NULL)));
    mc_vars_setf(v, "hours", "%d", VERIFY_TTL / 3600);
    mc_vars_set(v, "resend_link",
                mc_public_url(mr, apr_pstrcat(p, mr->mount, "/verify/resend", NULL)));
    note.account_id = account_id;
    note.channel = MC_CHANNEL_EMAIL;
    note.recipient = email;
    note.subject = "Verify your e-mail address";
    note.kind = "verify-email";
    if (!(note.body = mc_text(mr, "signup-verify.txt", v)))
        return APR_EGENERAL;
    return mc_outbox_add(db, &note, NULL);
}

/* ---- a new verification e-mail on request --------------------------------------- */

static int resend_form(mc_req *mr, const char *ident, const char *error, const char *notice)
{
    mc_vars_set(mr->vars, "action", mc_url(mr, "/verify/resend"));
    mc_vars_set(mr->vars, "ident", ident);
    if (error)
        mc_vars_set(mc_vars_row(mr->vars, "errors"), "text", error);
    mc_vars_set(mr->vars, "notice", notice);
    return mc_render(mr, HTTP_OK, "signup-resend.html", "Resend the Verification E-mail");
}

static int resend_get(mc_req *mr)
{
    return resend_form(mr, "", NULL, NULL);
}

typedef struct resend_baton {
    long long id;
    const char *email, *username, *first_name, *token;
    int sent;
} resend_baton;

static apr_status_t resend_tx(mc_req *mr, mc_db *db, void *baton)
{
    resend_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    b->sent = 0;
    /* Lock the account so two requests at once count each other. */
    rv = mc_db_query(db, p, &res,
                     "SELECT (SELECT COUNT(*) FROM mc_code WHERE account_id = a.id AND purpose = "
                     "'verify-email' AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR) FROM "
                     "mc_account a WHERE a.id = ? AND a.status = 'pending' AND a.email_verified = "
                     "0 FOR UPDATE",
                     "i", b->id);
    if (rv != APR_SUCCESS || res->nrows != 1 || mc_dbres_int(res, 0, 0) >= VERIFY_PER_HOUR)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE account_id = ? AND "
                    "purpose = 'verify-email' AND used_at IS NULL",
                    "i", b->id);
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = mc_reg_verify_send(mr, db, b->id, b->email, b->username, b->first_name, b->token)) ==
        APR_SUCCESS)
        rv = mc_audit(mr, db, "verify-email-resent", b->id, "");
    b->sent = rv == APR_SUCCESS;
    return rv;
}

static int resend_post(mc_req *mr)
{
    const char *ident = mc_reg_trim(mr->r->pool, mc_field(mr, "ident"));
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;
    if (!*ident)
        return resend_form(mr, ident,
                           "Username or e-mail address: enter your username or your "
                           "e-mail address.",
                           NULL);
    if (strlen(ident) > 254)
        return resend_form(mr, "", "Username or e-mail address: at most 254 characters.", NULL);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT id, email, username, first_name FROM mc_account WHERE (username = ? "
                     "OR email = ?) AND status = 'pending' AND email_verified = 0 LIMIT 5",
                     "ss", ident, ident);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        resend_baton b = {0};
        b.id = mc_dbres_int(res, i, 0);
        b.email = mc_dbres_get(res, i, 1);
        b.username = mc_dbres_get(res, i, 2);
        b.first_name = mc_dbres_get(res, i, 3);
        b.token = mc_token_new(mr->r->pool);
        if ((rv = mc_req_tx(mr, resend_tx, &b)) != APR_SUCCESS)
            return mc_fail(mr, rv);
    }
    return resend_form(mr, "", NULL,
                       "If an account with an unverified e-mail address matches, we have sent a "
                       "new link.");
}

const mc_route mc_reg_verify_routes[] = {
    {"GET", "/verify/resend", MC_ACCESS_ANON, NULL, resend_get, 0},
    {"POST", "/verify/resend", MC_ACCESS_ANON, NULL, resend_post, 0},
    {NULL}};
