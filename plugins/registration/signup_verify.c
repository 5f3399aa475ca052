/* signup_verify.c: the e-mail that verifies a new account's address, sent
 * when the account is made (signup.c) and again on request (signup_resend.c,
 * made by the delivery worker: recovery_mail.c). The link it carries is
 * links.c's. See registration.h. */
#include "registration.h"

#define VERIFY_TTL 86400 /* seconds: the e-mailed link lasts 24 h */

apr_status_t mc_reg_verify_mail(mc_db *db, apr_pool_t *p, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token,
                                const char *link_base)
{
    mc_vars *v;
    apr_status_t rv;

    rv = mc_reg_code_new(db, p, account_id, "verify-email", token, VERIFY_TTL, 0, NULL);
    if (rv != APR_SUCCESS)
        return rv;
    v = mc_vars_make(p, NULL);
    mc_vars_set(v, "first_name", first_name);
    mc_vars_set(v, "username", username);
    mc_vars_set(v, "link", apr_pstrcat(p, link_base, token, NULL));
    mc_vars_setf(v, "hours", "%d", VERIFY_TTL / 3600);
    mc_vars_set(v, "resend_link", apr_pstrcat(p, link_base, "resend", NULL));
    return mc_reg_mail(db, p, account_id, email, "verify-email", "Verify your e-mail address",
                       "signup-verify.txt", v);
}

apr_status_t mc_reg_verify_send(mc_req *mr, mc_db *db, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token)
{
    return mc_reg_verify_mail(
        db, mr->r->pool, account_id, email, username, first_name, token,
        mc_public_url(mr, apr_pstrcat(mr->r->pool, mr->mount, "/verify/", NULL)));
}
