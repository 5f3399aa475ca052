/* signup_verify.c: the e-mail that verifies a new account's address, sent
 * when the account is made (signup.c) and again on request (GET and POST
 * /verify/resend, at most MC_REG_VERIFY_PER_HOUR an hour). The link it
 * carries is links.c's. See registration.h.
 *
 * Resend does the same work whatever was typed (issue 11 §5): it queues the
 * request (recovery_mail.c) and answers; the delivery worker's round looks
 * the accounts up and makes the links and the mails. */
#include "recovery.h"

#define VERIFY_TTL 86400 /* seconds: the e-mailed link lasts 24 h */

apr_status_t mc_reg_verify_mail(mc_db *db, apr_pool_t *p, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token,
                                const char *link_base)
{
    mc_notice note = {0};
    const char *err;
    char *body;
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
    mc_vars_set(v, "court_name", mc_site_court_name());
    mc_vars_set(v, "first_name", first_name);
    mc_vars_set(v, "username", username);
    mc_vars_set(v, "link", apr_pstrcat(p, link_base, token, NULL));
    mc_vars_setf(v, "hours", "%d", VERIFY_TTL / 3600);
    mc_vars_set(v, "resend_link", apr_pstrcat(p, link_base, "resend", NULL));
    rv =
        mc_tmpl_text(mc_site_templates(), p, MC_REG_TEMPLATES "/signup-verify.txt", v, &body, &err);
    if (rv != APR_SUCCESS)
        return rv;
    note.account_id = account_id;
    note.channel = MC_CHANNEL_EMAIL;
    note.recipient = email;
    note.subject = "Verify your e-mail address";
    note.kind = "verify-email";
    note.body = body;
    return mc_outbox_add(db, &note, NULL);
}

apr_status_t mc_reg_verify_send(mc_req *mr, mc_db *db, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token)
{
    return mc_reg_verify_mail(
        db, mr->r->pool, account_id, email, username, first_name, token,
        mc_public_url(mr, apr_pstrcat(mr->r->pool, mr->mount, "/verify/", NULL)));
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

static int resend_post(mc_req *mr)
{
    const char *ident = mc_text_trim(mr->r->pool, mc_field(mr, "ident"));
    mc_db *db;
    apr_status_t rv;
    if (!*ident)
        return resend_form(mr, ident,
                           "Username or e-mail address: enter your username or your "
                           "e-mail address.",
                           NULL);
    if (strlen(ident) > 254)
        return resend_form(mr, "", "Username or e-mail address: at most 254 characters.", NULL);
    /* The same work whether or not an account matches (recovery_mail.c). */
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_reg_recovery_queue(mr, db, "verify", ident)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return resend_form(mr, "", NULL,
                       "If an account with an unverified e-mail address matches, we have sent a "
                       "new link.");
}

const mc_route mc_reg_verify_routes[] = {
    {"GET", "/verify/resend", MC_ACCESS_ANON, NULL, resend_get, 0},
    {"POST", "/verify/resend", MC_ACCESS_ANON, NULL, resend_post, 0},
    {NULL}};
