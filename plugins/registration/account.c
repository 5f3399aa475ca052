/* account.c: see registration.h.
 *
 * Missing Information, My Account and its update pages (the e-mail change's
 * link is links.c's; the security questions' page is account_questions.c's;
 * what they share is account_common.c's) and MOBAR verification (seed 000 steps 10-14). My
 * Applications and the User Agreement are applications.c's; Recent activity
 * is activity.c's. */
#include "activity.h"

#define EMAIL_CHANGE_HOURS 24

/* The profile saved (and, for a name, the account's names), audited with
 * what changed. */
typedef struct profile_baton {
    mc_reg_profile *pr;
    const char *first, *last; /* the new names, or NULL */
    const char *what;
} profile_baton;

static apr_status_t profile_tx(mc_req *mr, mc_db *db, void *baton)
{
    profile_baton *b = baton;
    apr_status_t rv = APR_SUCCESS;
    if (b->first)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_account SET first_name = ?, last_name = ? WHERE id = ?", "ssi",
                        b->first, b->last, b->pr->account_id);
    if (rv == APR_SUCCESS && (rv = mc_reg_profile_save(db, b->pr)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "profile-updated", b->pr->account_id, b->what);
    return rv;
}

static int profile_save(mc_req *mr, mc_reg_profile *pr, const char *first, const char *last,
                        const char *what, const char *done)
{
    profile_baton b = {pr, first, last, what};
    return mc_reg_account_save(mr, profile_tx, &b, done);
}

static const char *address_text(apr_pool_t *p, const char *l1, const char *l2, const char *city,
                                const char *state, const char *zip, const char *country)
{
    if (!*l1 && !*city && !*zip)
        return "";
    return apr_psprintf(p, "%s%s%s %s, %s %s %s", l1, *l2 ? " " : "", l2, city, state, zip,
                        country);
}

/* ---- Missing Information ----------------------------------------------------- */

/* A detour after logon: when the account asked for a page (?return=), the
 * page offers the way on to it. */
static int missing_get(mc_req *mr)
{
    const char *ret = mc_safe_return(mr->r->pool, mc_query(mr, "return"));
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv = mc_reg_account_load(mr, &db, &pr);
    apr_array_header_t *m;
    int i;
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    m = mc_reg_profile_missing(mr->r->pool, &pr);
    if (!m->nelts) /* nothing missing (any more) */
        return mc_redirect(mr, ret ? ret : mc_url(mr, "/myaccount"));
    for (i = 0; i < m->nelts; i++)
        mc_vars_set(mc_vars_row(mr->vars, "items"), "label", APR_ARRAY_IDX(m, i, const char *));
    mc_vars_set(mr->vars, "myaccount_url", mc_url(mr, "/myaccount"));
    if (ret)
        mc_vars_set(mr->vars, "return", ret);
    return mc_render(mr, HTTP_OK, "account-missing.html", "Missing Information");
}

/* ---- My Account ---------------------------------------------------------------- */

static const struct {
    const char *key, *text;
} done_texts[] = {{"password", "Your password was changed."},
                  {"name", "Your name was updated."},
                  {"firm", "Your firm or organization name was updated."},
                  {"email-sent",
                   "A confirmation link was sent to your new e-mail address. Your e-mail "
                   "address changes when you follow that link."},
                  {"address", "Your addresses were updated."},
                  {"phones", "Your phone numbers were updated."},
                  {"questions", "Your security questions and answers were updated."},
                  {"mobar", "Your MOBAR number was verified."},
                  {"efiling", "You are subscribed to Electronic Case Filing."},
                  {"publications", "You are subscribed to Supreme Court Publications."},
                  {NULL, NULL}};

static void row(mc_req *mr, const char *label, const char *value, int please, const char *path,
                const char *link)
{
    mc_vars *v = mc_vars_row(mr->vars, "rows");
    mc_vars_set(v, "label", label);
    mc_vars_set(v, "value", please ? "Please Update" : value);
    if (please)
        mc_vars_set(v, "please", "1");
    if (path) {
        mc_vars_set(v, "href", mc_url(mr, path));
        mc_vars_set(v, "link", please ? "Update" : link);
        mc_vars_set(v, "aria",
                    apr_pstrcat(mr->r->pool, please ? "Update " : "Change ", label, NULL));
    }
}

static int has_missing(apr_array_header_t *m, const char *label)
{
    int i;
    for (i = 0; i < m->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(m, i, const char *), label))
            return 1;
    return 0;
}

/* My Applications on My Account: each one's name (its subscription's) and
 * label, one row of list "apps" each. */
static const struct {
    const char *name, *label;
} APPS[] = {{"efiling", "Electronic Case Filing"}, {"publications", "Supreme Court Publications"}};

static int myaccount_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    mc_reg_profile pr;
    mc_db *db;
    mc_dbres *res;
    apr_array_header_t *m;
    const char *q[3] = {NULL, NULL, NULL}, *done = mc_query(mr, "updated"), *pending = "";
    int i, subscribed[2] = {0, 0}; /* by APPS */
    apr_status_t rv = mc_reg_account_load(mr, &db, &pr);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    m = mc_reg_profile_missing(p, &pr);
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT slot, question FROM mc_reg_answer WHERE account_id = ?", "i",
                          pr.account_id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        long long slot = mc_dbres_int(res, i, 0), qn = mc_dbres_int(res, i, 1);
        if (slot >= 1 && slot <= 3 && qn >= 0 && qn < mc_reg_question_count)
            q[slot - 1] = mc_reg_questions[qn];
    }
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT s.application, (SELECT COUNT(*) FROM mc_reg_agreement g "
                          "WHERE g.account_id = s.account_id AND g.version = ?) "
                          "FROM mc_reg_subscription s WHERE s.account_id = ?",
                          "si", MC_REG_AGREEMENT_VERSION, pr.account_id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        if (!strcmp(mc_dbres_get(res, i, 0), "efiling"))
            subscribed[0] = mc_dbres_int(res, i, 1) > 0; /* and its agreement accepted */
        else if (!strcmp(mc_dbres_get(res, i, 0), "publications"))
            subscribed[1] = 1;
    }
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT e.new_email FROM mc_reg_email_change e JOIN mc_code c ON c.id = "
                          "e.code_id WHERE e.account_id = ? AND c.used_at IS NULL AND "
                          "c.expires_at > UTC_TIMESTAMP() ORDER BY c.id DESC LIMIT 1",
                          "i", pr.account_id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows == 1)
        pending = apr_pstrcat(p, " (a change to ", mc_dbres_get(res, 0, 0),
                              " is waiting for confirmation)", NULL);
    for (i = 0; done && done_texts[i].key; i++)
        if (!strcmp(done, done_texts[i].key))
            mc_vars_set(mr->vars, "notice", done_texts[i].text);
    /* Seed 002: My Account -> Manage My Case, when Case.net is installed. */
    mc_vars_set(mr->vars, "mycases_url", mc_site_url(p, "casetrack", "/mycases"));
    mc_vars_set(mr->vars, "history_url", mc_site_url(p, "casetrack", "/history"));

    row(mr, "Username", pr.username, 0, NULL, NULL);
    row(mr, "Password", "*****", 0, "/myaccount/password", "update");
    row(mr, "MOBAR Number",
        pr.mobar_number
            ? apr_pstrcat(p, pr.mobar_number, pr.mobar_verified ? " (verified)" : "", NULL)
            : "",
        0, "/myaccount/mobar", "edit");
    row(mr, "First Name", pr.first_name, has_missing(m, "First Name"), "/myaccount/name", "update");
    row(mr, "Middle Name/Initial", pr.middle_name, 0, "/myaccount/name", "update");
    row(mr, "Last Name", pr.last_name, has_missing(m, "Last Name"), "/myaccount/name", "update");
    row(mr, "Suffix", pr.suffix, 0, "/myaccount/name", "update");
    row(mr, "Firm/Organization Name", pr.firm, 0, "/myaccount/firm", "update");
    row(mr, "E-mail Address", *pr.email ? apr_pstrcat(p, pr.email, pending, NULL) : "",
        has_missing(m, "E-mail Address"), "/myaccount/email", "update");
    row(mr, "Mailing Address",
        address_text(p, pr.mail_line1, pr.mail_line2, pr.mail_city, pr.mail_state, pr.mail_zip,
                     pr.mail_country),
        has_missing(m, "Mailing Address"), "/myaccount/address", "update");
    row(mr, "Billing Address",
        address_text(p, pr.bill_line1, pr.bill_line2, pr.bill_city, pr.bill_state, pr.bill_zip,
                     pr.bill_country),
        has_missing(m, "Billing Address"), "/myaccount/address", "update");
    row(mr, "Business Phone", pr.business_phone, has_missing(m, "Business Phone"),
        "/myaccount/phones", "update");
    row(mr, "Cell Phone", pr.cell_phone, 0, "/myaccount/phones", "update");
    for (i = 0; i < 3; i++)
        row(mr, apr_psprintf(p, "Security Question %d", i + 1), q[i] ? q[i] : "", !q[i],
            "/myaccount/questions", "update");

    for (i = 0; i < 2; i++) {
        mc_vars *app = mc_vars_row(mr->vars, "apps");
        mc_vars_set(app, "label", APPS[i].label);
        mc_vars_set(app, "subscribed", subscribed[i] ? "1" : "0");
        mc_vars_set(app, "action",
                    mc_url(mr, apr_pstrcat(p, "/myaccount/subscribe/", APPS[i].name, NULL)));
        mc_vars_set(app, "aria", apr_pstrcat(p, "Subscribe to ", APPS[i].label, NULL));
    }
    mc_vars_set(mr->vars, "tokens_url", mc_site_url(p, "logon", "/api-tokens"));
    mc_vars_set(mr->vars, "webhooks_url", mc_site_url(p, "logon", "/webhooks"));
    mc_vars_set(mr->vars, "activity_url", mc_url(mr, "/myaccount/activity"));
    mc_vars_set(mr->vars, "twostep_url", mc_site_url(p, "logon", "/two-step"));
    return mc_render(mr, HTTP_OK, "account-myaccount.html", "My Account");
}

/* ---- the simple update forms ------------------------------------------------- */

typedef struct fdef {
    const char *name, *label, *type, *ac;
    int keep;       /* put the typed value back on refusal */
    int max;        /* the field's maxlength (its column's size); 0: none */
    const char *im; /* its inputmode, or NULL */
} fdef;

/* The name (and id) of the field of f the sentence error names ("Label:
 * why"; f's labels may end in " *"), NULL when none. */
static const char *error_field(const fdef *f, const char *error)
{
    const char *colon = error ? strstr(error, ": ") : NULL;
    size_t n = colon ? (size_t)(colon - error) : 0;
    int i;
    for (i = 0; n && f[i].name; i++)
        if (!strncmp(f[i].label, error, n) && (!f[i].label[n] || !strcmp(f[i].label + n, " *")))
            return f[i].name;
    return NULL;
}

/* values: one per field (NULL: none). The error is linked to its field. */
static int form_page(mc_req *mr, const char *title, const char *intro, const fdef *f,
                     const char *const *values, const char *error, const char *path,
                     const char *rules)
{
    const char *field = error_field(f, error);
    int i;
    for (i = 0; f[i].name; i++) {
        mc_vars *v = mc_vars_row(mr->vars, "fields");
        if (field && !strcmp(field, f[i].name))
            mc_vars_set(v, "invalid", "true");
        mc_vars_set(v, "name", f[i].name);
        mc_vars_set(v, "label", f[i].label);
        mc_vars_set(v, "type", f[i].type);
        mc_vars_set(v, "ac", f[i].ac);
        mc_vars_set(v, "im", f[i].im);
        if (f[i].max)
            mc_vars_setf(v, "max", "%d", f[i].max);
        if (f[i].keep && values && values[i])
            mc_vars_set(v, "value", values[i]);
    }
    if (intro)
        mc_vars_set(mr->vars, "intro", intro);
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, field);
    if (rules)
        mc_vars_set(mr->vars, "rules", rules);
    mc_vars_set(mr->vars, "action", mc_url(mr, path));
    mc_vars_set(mr->vars, "back", mc_url(mr, "/myaccount"));
    return mc_render(mr, HTTP_OK, "account-form.html", title);
}

/* Password */
static const fdef PW_F[] = {
    {"current_password", "Current Password *", "password", "current-password", 0},
    {"new_password", "New Password *", "password", "new-password", 0},
    {"verify_password", "Verify New Password *", "password", "new-password", 0},
    {NULL}};
#define PW_TITLE "Update Account - Password"

static int password_get(mc_req *mr)
{
    return form_page(mr, PW_TITLE, "Enter your current password, then your new password twice.",
                     PW_F, NULL, NULL, "/myaccount/password", mc_password_rules(mr));
}

static apr_status_t password_tx(mc_req *mr, mc_db *db, void *hash)
{
    mc_vars *v = mc_vars_make(mr->r->pool, NULL);
    apr_status_t rv;
    mc_vars_set(v, "username", mr->account->username);
    if ((rv = mc_account_set_password(db, mr->account->id, hash)) == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, mr->account->id, mr->account->email, "password-changed",
                             "Your password was changed", "account-password-changed.txt", v)) ==
            APR_SUCCESS)
        rv = mc_audit(mr, db, "password-changed", mr->account->id, "My Account");
    return rv;
}

static int password_post(mc_req *mr)
{
    const char *cur = mc_field(mr, "current_password"), *pw = mc_field(mr, "new_password");
    const char *again = mc_field(mr, "verify_password"), *why = NULL, *hash;
    mc_db *db;
    apr_status_t rv;
    int ok, rc;
    if (!cur || !*cur)
        why = "Current Password: enter your current password.";
    else if (!pw || !*pw || !again || !*again)
        why = "New Password: enter your new password twice.";
    else if (strcmp(pw, again))
        why = "Verify New Password: it does not match the new password.";
    else if ((why = mc_password_check(mr, pw, mr->account->username)))
        why = apr_pstrcat(mr->r->pool, "New Password: ", why, NULL);
    if (why)
        return form_page(mr, PW_TITLE, NULL, PW_F, NULL, why, "/myaccount/password",
                         mc_password_rules(mr));
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((ok = mc_reg_account_password_ok(mr, db, cur, "password change", &rc)) < 0)
        return rc;
    if (!ok)
        return form_page(mr, PW_TITLE, NULL, PW_F, NULL,
                         "Current Password: the password you entered is incorrect.",
                         "/myaccount/password", mc_password_rules(mr));
    if (!strcmp(cur, pw))
        return form_page(mr, PW_TITLE, NULL, PW_F, NULL,
                         "New Password: it must be different from your current password.",
                         "/myaccount/password", mc_password_rules(mr));
    if ((rv = mc_password_make(mr, pw, &hash)) != APR_SUCCESS)
        return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    if ((rv = mc_req_tx(mr, password_tx, (void *)hash)) == APR_SUCCESS &&
        (rv = mc_session_rotate(mr)) == APR_SUCCESS)
        rv = mc_session_end_others(mr, db); /* the other browsers must log on again */
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/myaccount?updated=password"));
}

/* The profile's simple forms: name, firm, phones. Each field is shown as
 * its fdef says, kept at off in mc_reg_profile, and checked as a name of
 * at most fdef.max characters or as a phone number, label naming it in the
 * sentence. */
typedef struct pfield {
    const char *label;
    apr_size_t off;
    int required, phone;
} pfield;
#define PF(field) APR_OFFSETOF(mc_reg_profile, field)

static const fdef NAME_F[] = {
    {"first_name", "First Name *", "text", "given-name", 1, MC_REG_NAME_MAX},
    {"middle_name", "Middle Name/Initial", "text", "additional-name", 1, MC_REG_NAME_MAX},
    {"last_name", "Last Name *", "text", "family-name", 1, MC_REG_NAME_MAX},
    {"suffix", "Suffix", "text", "honorific-suffix", 1, MC_REG_SUFFIX_MAX},
    {NULL}};
static const pfield NAME_P[] = {{"First Name", PF(first_name), 1, 0},
                                {"Middle Name/Initial", PF(middle_name), 0, 0},
                                {"Last Name", PF(last_name), 1, 0},
                                {"Suffix", PF(suffix), 0, 0}};
static const fdef FIRM_F[] = {
    {"firm", "Firm/Organization Name", "text", "organization", 1, MC_REG_FIRM_MAX}, {NULL}};
static const pfield FIRM_P[] = {{"Firm/Organization Name", PF(firm), 0, 0}};
static const fdef PHONE_F[] = {
    {"business_phone", "Business Phone *", "tel", "work tel", 1, MC_REG_PHONE_MAX},
    {"cell_phone", "Cell Phone", "tel", "mobile tel", 1, MC_REG_PHONE_MAX},
    {NULL}};
static const pfield PHONE_P[] = {{"Business Phone", PF(business_phone), 1, 1},
                                 {"Cell Phone", PF(cell_phone), 0, 1}};

static const fdef MOBAR_F[] = {{"mobar_number", "MOBAR Number *", "text", "off", 1, 10, "numeric"},
                               {NULL}};
static const pfield MOBAR_P[] = {{"MOBAR Number", PF(mobar_number), 1, 0}};

/* Each form: its path (the route's pattern), title, intro (or NULL), what
 * changed (for the audit and ?updated=), fields; names: the account's
 * names change too. The MOBAR number's form is posted to mobar_post. */
static const struct {
    const char *path, *title, *intro, *what;
    const fdef *f;
    const pfield *pf;
    int names;
} PFORMS[] = {
    {"/myaccount/name", "Update Account - Name", NULL, "name", NAME_F, NAME_P, 1},
    {"/myaccount/firm", "Update Account - Firm/Organization Name", NULL, "firm", FIRM_F, FIRM_P, 0},
    {"/myaccount/phones", "Update Account - Phone Numbers", NULL, "phones", PHONE_F, PHONE_P, 0},
    {"/myaccount/mobar", "Update Account - MOBAR Number",
     "Enter your Missouri Bar number. It is checked against the Missouri Bar roster with the "
     "last name of your account; when it matches, your account is an attorney's account.",
     "mobar", MOBAR_F, MOBAR_P, 0},
};
#define PFORM_MOBAR 3
#define PFIELDS_MAX 4

static const char **pfield_at(mc_reg_profile *pr, const pfield *pf)
{
    return (const char **)((char *)pr + pf->off);
}

/* The form of the route (GET or POST). */
static size_t pform_of(const mc_req *mr)
{
    size_t k = 0;
    while (k + 1 < sizeof(PFORMS) / sizeof(PFORMS[0]) && strcmp(PFORMS[k].path, mr->route->pattern))
        k++;
    return k;
}

static int profile_get(mc_req *mr)
{
    size_t k = pform_of(mr);
    const char *vals[PFIELDS_MAX];
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv = mc_reg_account_load(mr, &db, &pr);
    int i;
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; PFORMS[k].f[i].name; i++)
        vals[i] = *pfield_at(&pr, &PFORMS[k].pf[i]);
    return form_page(mr, PFORMS[k].title, PFORMS[k].intro, PFORMS[k].f, vals, NULL, PFORMS[k].path,
                     NULL);
}

static int profile_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    size_t k = pform_of(mr);
    const fdef *f = PFORMS[k].f;
    const pfield *pf = PFORMS[k].pf;
    const char *vals[PFIELDS_MAX], *why = NULL;
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv;
    int i;
    for (i = 0; f[i].name; i++)
        vals[i] = mc_reg_account_field(mr, f[i].name);
    for (i = 0; !why && f[i].name; i++)
        why = pf[i].phone ? mc_reg_check_phone(p, pf[i].label, vals[i], pf[i].required)
                          : mc_reg_check_name(p, pf[i].label, vals[i], pf[i].required, f[i].max);
    if (why)
        return form_page(mr, PFORMS[k].title, NULL, f, vals, why, PFORMS[k].path, NULL);
    if ((rv = mc_reg_account_load(mr, &db, &pr)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; f[i].name; i++)
        *pfield_at(&pr, &pf[i]) = vals[i];
    return profile_save(mr, &pr, PFORMS[k].names ? pr.first_name : NULL,
                        PFORMS[k].names ? pr.last_name : NULL, PFORMS[k].what, PFORMS[k].what);
}

/* E-mail */
static const fdef EMAIL_F[] = {
    {"new_email", "New E-mail Address *", "email", "email", 1, MC_REG_EMAIL_MAX},
    {"verify_email", "Verify New E-mail Address *", "email", "email", 1, MC_REG_EMAIL_MAX},
    {"current_password", "Current Password *", "password", "current-password", 0},
    {NULL}};
#define EMAIL_TITLE "Update Account - E-mail Address"
#define EMAIL_INTRO                                                                                \
    "Enter your new e-mail address twice and your current password. A link is sent to the new "    \
    "address; your e-mail address changes when you follow it."

static int email_get(mc_req *mr)
{
    return form_page(mr, EMAIL_TITLE, EMAIL_INTRO, EMAIL_F, NULL, NULL, "/myaccount/email", NULL);
}

typedef struct email_baton {
    const mc_reg_profile *pr;
    const char *new_email, *tok;
} email_baton;

/* The link to the new address (older ones void), and a word to the old. */
static apr_status_t email_tx(mc_req *mr, mc_db *db, void *baton)
{
    email_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    const char *path = apr_pstrcat(p, "/myaccount/email/confirm/", b->tok, NULL);
    long long code_id = 0;
    mc_vars *v = mc_vars_make(p, NULL);
    apr_status_t rv;
    mc_vars_set(v, "username", b->pr->username);
    mc_vars_set(v, "new_email", b->new_email);
    mc_vars_set(v, "link", mc_public_url(mr, mc_url(mr, path)));
    mc_vars_setf(v, "hours", "%d", EMAIL_CHANGE_HOURS);
    if ((rv = mc_reg_code_new(db, p, b->pr->account_id, "email-change", b->tok,
                              EMAIL_CHANGE_HOURS * 3600, 1, &code_id)) == APR_SUCCESS &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "INSERT INTO mc_reg_email_change (code_id, account_id, new_email) "
                         "VALUES (?, ?, ?)",
                         "iis", code_id, b->pr->account_id, b->new_email)) == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, mr->account->id, b->new_email, "email-change",
                             "Confirm your new e-mail address", "account-email-confirm.txt", v)) ==
            APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, mr->account->id, b->pr->email, "email-change-requested",
                             "A change of your e-mail address was requested",
                             "account-email-requested.txt", v)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "email-change-requested", b->pr->account_id, "");
    return rv;
}

static int email_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *vals[3] = {mc_reg_account_field(mr, "new_email"),
                           mc_reg_account_field(mr, "verify_email"), NULL};
    const char *cur = mc_field(mr, "current_password"), *why;
    email_baton b;
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv;
    int ok, rc;
    if (!(why = mc_reg_check_email(p, "New E-mail Address", vals[0])) && strcmp(vals[0], vals[1]))
        why = "Verify New E-mail Address: it does not match the new e-mail address.";
    if (!why && (!cur || !*cur))
        why = "Current Password: enter your current password.";
    if (why)
        return form_page(mr, EMAIL_TITLE, EMAIL_INTRO, EMAIL_F, vals, why, "/myaccount/email",
                         NULL);
    if ((rv = mc_reg_account_load(mr, &db, &pr)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!strcasecmp(pr.email, vals[0]))
        return form_page(mr, EMAIL_TITLE, EMAIL_INTRO, EMAIL_F, vals,
                         "New E-mail Address: this is already your e-mail address.",
                         "/myaccount/email", NULL);
    if ((ok = mc_reg_account_password_ok(mr, db, cur, "e-mail change", &rc)) < 0)
        return rc;
    if (!ok)
        return form_page(mr, EMAIL_TITLE, EMAIL_INTRO, EMAIL_F, vals,
                         "Current Password: the password you entered is incorrect.",
                         "/myaccount/email", NULL);
    b.pr = &pr;
    b.new_email = vals[0];
    b.tok = mc_token_new(p);
    return mc_reg_account_save(mr, email_tx, &b, "email-sent");
}

/* ---- addresses ------------------------------------------------------------------ */

static const char *const ADDR_KEYS[] = {"line1", "line2", "city", "state", "zip", "country"};
#define ADDR_TITLE "Update Account - Addresses"

/* error: about the field whose id is field (or NULL). */
static int address_page(mc_req *mr, const char *const *mail, const char *const *bill, int same,
                        const char *error, const char *field)
{
    int i;
    for (i = 0; i < 6; i++) {
        mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "mail_", ADDR_KEYS[i], NULL), mail[i]);
        mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "bill_", ADDR_KEYS[i], NULL), bill[i]);
    }
    mc_vars_set(mr->vars, "same", same ? "1" : "0");
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, field);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/myaccount/address"));
    mc_vars_set(mr->vars, "back", mc_url(mr, "/myaccount"));
    return mc_render(mr, HTTP_OK, "account-address.html", ADDR_TITLE);
}

static int address_get(mc_req *mr)
{
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv = mc_reg_account_load(mr, &db, &pr);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    {
        const char *mail[6] = {pr.mail_line1, pr.mail_line2, pr.mail_city,
                               pr.mail_state, pr.mail_zip,   pr.mail_country};
        const char *bill[6] = {pr.bill_line1, pr.bill_line2, pr.bill_city,
                               pr.bill_state, pr.bill_zip,   pr.bill_country};
        return address_page(mr, mail, bill, 0, NULL, NULL);
    }
}

static int address_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *mail[6], *bill[6], *why, *part = NULL, *field = NULL;
    int i, same = mc_field(mr, "same") != NULL;
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv;
    for (i = 0; i < 6; i++) {
        mail[i] = mc_reg_account_field(mr, apr_pstrcat(p, "mail_", ADDR_KEYS[i], NULL));
        bill[i] =
            same ? mail[i] : mc_reg_account_field(mr, apr_pstrcat(p, "bill_", ADDR_KEYS[i], NULL));
    }
    if (!*mail[5])
        mail[5] = "United States";
    if (!*bill[5])
        bill[5] = "United States";
    if ((why = mc_reg_check_address(p, "Mailing Address", mail[0], mail[1], mail[2], mail[3],
                                    mail[4], mail[5], &part)))
        field = apr_pstrcat(p, "mail_", part, NULL);
    else if ((why = mc_reg_check_address(p, "Billing Address", bill[0], bill[1], bill[2], bill[3],
                                         bill[4], bill[5], &part)))
        field = apr_pstrcat(p, same ? "mail_" : "bill_", part, NULL);
    if (why)
        return address_page(mr, mail, bill, same, why, part ? field : NULL);
    if ((rv = mc_reg_account_load(mr, &db, &pr)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    pr.mail_line1 = mail[0], pr.mail_line2 = mail[1], pr.mail_city = mail[2];
    pr.mail_state = mail[3], pr.mail_zip = mail[4], pr.mail_country = mail[5];
    pr.bill_line1 = bill[0], pr.bill_line2 = bill[1], pr.bill_city = bill[2];
    pr.bill_state = bill[3], pr.bill_zip = bill[4], pr.bill_country = bill[5];
    return profile_save(mr, &pr, NULL, NULL, "addresses", "address");
}

/* ---- MOBAR number (its form is PFORMS[PFORM_MOBAR]) -------------------------------- */

typedef struct mobar_baton {
    mc_reg_profile *pr;
    const char *num;
} mobar_baton;

/* The verified number on the profile, and the attorney's role. */
static apr_status_t mobar_tx(mc_req *mr, mc_db *db, void *baton)
{
    mobar_baton *b = baton;
    long long id = b->pr->account_id;
    apr_status_t rv;
    if ((rv = mc_reg_profile_save(db, b->pr)) == APR_SUCCESS &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_reg_profile SET mobar_number = ?, mobar_verified_at = "
                         "UTC_TIMESTAMP() WHERE account_id = ?",
                         "si", b->num, id)) == APR_SUCCESS &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "INSERT IGNORE INTO mc_account_role (account_id, role, scope) VALUES "
                         "(?, 'attorney', '')",
                         "i", id)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "mobar-verified", id, b->num);
    return rv;
}

static int mobar_post(mc_req *mr)
{
    const char *num = mc_reg_account_field(mr, "mobar_number"), *why;
    mobar_baton b;
    mc_reg_profile pr;
    mc_db *db;
    apr_status_t rv = mc_reg_account_load(mr, &db, &pr);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!*pr.last_name)
        why = "MOBAR Number: enter your last name under My Account first; it is checked with "
              "the number.";
    else
        why = mc_reg_mobar_check(db, mr->r->pool, num, pr.last_name, pr.account_id, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (why) {
        mc_audit(mr, db, "mobar-refused", pr.account_id, why);
        return form_page(mr, PFORMS[PFORM_MOBAR].title, PFORMS[PFORM_MOBAR].intro, MOBAR_F, &num,
                         why, PFORMS[PFORM_MOBAR].path, NULL);
    }
    b.pr = &pr;
    b.num = num;
    if ((rv = mc_req_tx(mr, mobar_tx, &b)) == APR_SUCCESS)
        rv = mc_session_rotate(mr); /* a new role */
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, "/myaccount?updated=mobar"));
}

#define A MC_ACCESS_ACCOUNT
const mc_route mc_reg_account_routes[] = {
    {"GET", "/missing", A, NULL, missing_get, 0},
    {"GET", "/myaccount", A, NULL, myaccount_get, 0},
    {"GET", "/myaccount/password", A, NULL, password_get, 0},
    {"POST", "/myaccount/password", A, NULL, password_post, 0},
    {"GET", "/myaccount/name", A, NULL, profile_get, 0},
    {"POST", "/myaccount/name", A, NULL, profile_post, 0},
    {"GET", "/myaccount/firm", A, NULL, profile_get, 0},
    {"POST", "/myaccount/firm", A, NULL, profile_post, 0},
    {"GET", "/myaccount/email", A, NULL, email_get, 0},
    {"POST", "/myaccount/email", A, NULL, email_post, 0},
    {"GET", "/myaccount/address", A, NULL, address_get, 0},
    {"POST", "/myaccount/address", A, NULL, address_post, 0},
    {"GET", "/myaccount/phones", A, NULL, profile_get, 0},
    {"POST", "/myaccount/phones", A, NULL, profile_post, 0},
    {"GET", "/myaccount/questions", A, NULL, mc_reg_account_questions_get, 0},
    {"POST", "/myaccount/questions", A, NULL, mc_reg_account_questions_post, 0},
    {"GET", "/myaccount/mobar", A, NULL, profile_get, 0},
    {"POST", "/myaccount/mobar", A, NULL, mobar_post, 0},
    {"GET", "/myaccount/activity", A, NULL, mc_reg_activity_get, 0},
    {"POST", "/myaccount/activity/disown", A, NULL, mc_reg_activity_disown, 0},
    {NULL}};
#undef A

/* Missing Information (seed 000 steps 10-11): an account lacking required
 * items goes there after logon. */
const char *mc_reg_after_logon(mc_req *mr, mc_db *db)
{
    mc_reg_profile pr;
    if (mc_reg_profile_load(db, mr->r->pool, mr->account->id, &pr) != APR_SUCCESS)
        return NULL;
    return mc_reg_profile_missing(mr->r->pool, &pr)->nelts ? "missing" : NULL;
}
