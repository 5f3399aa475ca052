/* signup_resend.c: Resend the Verification E-mail (GET and POST
 * /verify/resend, at most MC_REG_VERIFY_PER_HOUR an hour): the e-mail of
 * signup_verify.c again. See registration.h.
 *
 * Resend does the same work whatever was typed (issue 11 §5): it queues the
 * request (recovery_mail.c) and answers; the delivery worker's round looks
 * the accounts up and makes the links and the mails. */
#include "recovery.h"

static int resend_form(mc_req *mr, const char *ident, const char *error, const char *notice)
{
    mc_vars_set(mr->vars, "action", mc_url(mr, "/verify/resend"));
    mc_vars_set(mr->vars, "ident", ident);
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, "errors", error, "ident");
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
