/* signup.c: "Create an account" (seed 001 steps 2-15) and the e-mail that
 * verifies a new account's address (sent again on request; the link is
 * links.c's). See registration.h.
 *
 * The wizard's state lives server-side in a pending registration
 * (signup_pending.c, signup.h) found by a cookie of its own. The password
 * is kept only as its hash. The last step makes the account, its profile,
 * answers, role, verification code and e-mail in one transaction that also
 * consumes the pending registration, so nothing
 * half-made becomes an account and a double submit makes one; the
 * registration is claimed before its answers are hashed (signup_claim.c), so
 * a double submit also hashes once. */
#include "registration.h"
#include "signup.h"

enum { STEP_MOBAR = 1, STEP_CREDENTIALS, STEP_NAME, STEP_ADDRESS, STEP_QUESTIONS };
static const char *const step_paths[] = {NULL,           "/create",         "/create/credentials",
                                         "/create/name", "/create/address", "/create/questions"};

static const char MSG_TAKEN[] = "Username: this username is already taken.";
static const char ANSWER_RULES[] =
    "Answers must be at least 3 characters in length. Answers may not contain part of the "
    "question and should be submitted in English. The same answer should not be provided for "
    "more than one question.";

/* ---- small helpers ---------------------------------------------------------- */

static const char *in(mc_req *mr, const char *name)
{
    return mc_text_trim(mr->r->pool, mc_field(mr, name));
}

static const char *saved(const mc_reg_pend *pd, const char *name)
{
    const char *v = pd ? apr_table_get(pd->f, name) : NULL;
    return v ? v : "";
}

/* A refusal's sentence, and the id of the input it is about (NULL: found
 * by the sentence's label in STEP_INPUTS when shown). */
typedef struct reg_err {
    const char *text, *field;
} reg_err;

static void add_field_error(apr_array_header_t *errs, const char *why, const char *field)
{
    if (why) {
        reg_err *e = apr_array_push(errs);
        e->text = why;
        e->field = field;
    }
}

static void add_error(apr_array_header_t *errs, const char *why)
{
    add_field_error(errs, why, NULL);
}

/* Each step's inputs by the label its sentences name (mc_reg_error_field);
 * the questions' slots are q, a and v followed by the slot's number. */
static const char *const STEP_INPUTS[][16] = {
    [STEP_MOBAR] = {"MOBAR Number", "mobar", NULL},
    [STEP_CREDENTIALS] = {"Username", "username", "Password", "password", "Verify Password",
                          "verify_password", MC_CAPTCHA_LABEL, "captcha", NULL},
    [STEP_NAME] = {"First Name", "first_name", "Middle Name/Initial", "middle_name", "Last Name",
                   "last_name", "Suffix", "suffix", "E-mail Address", "email",
                   "Verify E-mail Address", "email2", "MOBAR Number", "last_name", NULL},
    [STEP_ADDRESS] = {"Business Phone", "business_phone", "Cell Phone", "cell_phone", NULL},
    [STEP_QUESTIONS] = {NULL}};

/* The errors summarised above the form of step, each linked to its input
 * (core/_errors.html). */
static void show_errors(mc_req *mr, int step, const apr_array_header_t *errs)
{
    static const char *const slots[] = {"q", "a", "v"};
    int i;
    for (i = 0; errs && i < errs->nelts; i++) {
        const reg_err *e = &APR_ARRAY_IDX(errs, i, reg_err);
        const char *field = e->field ? e->field : mc_reg_error_field(e->text, STEP_INPUTS[step]);
        if (!field && step == STEP_QUESTIONS)
            field = mc_reg_slot_error_field(mr->r->pool, e->text, slots);
        mc_reg_field_error(mr->r->pool, mr->vars, "errors", e->text, field);
    }
}

/* Where someone asking for step goes instead when an earlier step is not
 * done yet; NULL when step may be shown. */
static const char *gate(mc_req *mr, const mc_reg_pend *pd, int step)
{
    int done = pd ? pd->step : 0;
    if (step <= done + 1)
        return NULL;
    return mc_url(mr, step_paths[done + 1]);
}

/* Fill the page's fields: from the form when refused (what was typed),
 * else from the pending registration. */
static void fill(mc_req *mr, const mc_reg_pend *pd, const char *const *names, int from_form)
{
    for (; *names; names++)
        mc_vars_set(mr->vars, *names, from_form ? in(mr, *names) : saved(pd, *names));
}

static void common_vars(mc_req *mr, int step)
{
    static const char *const labels[] = {"MOBAR Number",       "Username and Password",
                                         "Name and E-mail",    "Addresses and Phones",
                                         "Security Questions", NULL};
    mc_reg_steps(mr->vars, labels, step);
    mc_vars_set(mr->vars, "action", mc_url(mr, step_paths[step]));
    if (step > STEP_MOBAR)
        mc_vars_set(mr->vars, "back_url", mc_url(mr, step_paths[step - 1]));
    mc_vars_setf(mr->vars, "step", "%d", step);
}

/* ---- GET / ------------------------------------------------------------------ */

/* The request's connection in *db, and the registration its cookie names
 * in *pd (NULL when none). */
static apr_status_t pending_open(mc_req *mr, mc_db **db, mc_reg_pend **pd)
{
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS)
        rv = mc_reg_pending_load(mr, *db, pd);
    return rv;
}

/* Open a gated step: the pending registration is loaded and the step may be
 * shown. Returns 1 with *db and *pd set; else 0 with *rc the response to
 * give (a failure page, or a redirect to the first unfinished step). */
static int step_open(mc_req *mr, int step, mc_db **db, mc_reg_pend **pd, int *rc)
{
    const char *to;
    apr_status_t rv;
    if ((rv = pending_open(mr, db, pd)) != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if ((to = gate(mr, *pd, step))) {
        *rc = mc_redirect(mr, to);
        return 0;
    }
    return 1;
}

/* Step saved with its fields (names, values: n of each): on to the next
 * step's page. */
static int step_saved(mc_req *mr, mc_reg_pend *pd, int step, const char *const *names,
                      const char *const *values, int n)
{
    apr_status_t rv = mc_reg_pending_save(mr, pd, step, names, values, n);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, step_paths[step + 1]));
}

static int root_get(mc_req *mr)
{
    return mc_redirect(mr, mc_logon_path(mr));
}

/* A page of the wizard with a sentence and one link (signup-message.html). */
static int message_page(mc_req *mr, const char *message, const char *link_url,
                        const char *link_label)
{
    mc_vars_set(mr->vars, "message", message);
    mc_vars_set(mr->vars, "link_url", link_url);
    mc_vars_set(mr->vars, "link_label", link_label);
    return mc_render(mr, HTTP_OK, "signup-message.html", "Create an account");
}

/* ---- the steps made of fields kept as typed: a, c, d -------------------------- */

static const char *const mobar_fields[] = {"mobar", "no_mobar", NULL};
static const char *const name_fields[] = {"first_name", "middle_name", "last_name", "suffix",
                                          "email",      "email2",      NULL};
static const char *const address_fields[] = {
    "mail_line1",   "mail_line2",     "mail_city",  "mail_state", "mail_zip",   "mail_country",
    "bill_same",    "bill_line1",     "bill_line2", "bill_city",  "bill_state", "bill_zip",
    "bill_country", "business_phone", "cell_phone", NULL};
#define ADDRESS_N 15

/* Each such step's fields and page (by step number). */
static const struct {
    const char *const *fields;
    const char *page;
} FIELD_STEPS[] = {[STEP_MOBAR] = {mobar_fields, "signup-mobar.html"},
                   [STEP_NAME] = {name_fields, "signup-name.html"},
                   [STEP_ADDRESS] = {address_fields, "signup-address.html"}};

/* signup-address.html's two fieldsets, one row of list "addresses" each:
 * its legend and, per part KEY of the address, the field's name (KEY_name:
 * mail_KEY or bill_KEY), value (KEY; an empty country: United States),
 * autocomplete (KEY_ac) and aria-invalid (KEY_invalid: the field's
 * FIELD_invalid, show_errors first).
 * The billing row carries the "same as mailing" box (same_box). */
static void address_rows(mc_req *mr)
{
    static const char *const legends[] = {"Mailing Address", "Billing Address"};
    static const char *const prefixes[] = {"mail_", "bill_"};
    static const char *const keys[] = {"line1", "line2", "city", "state", "zip", "country"};
    static const char *const tokens[] = {"address-line1",  "address-line2", "address-level2",
                                         "address-level1", "postal-code",   "country-name"};
    apr_pool_t *p = mr->r->pool;
    int a, k;
    for (a = 0; a < 2; a++) {
        mc_vars *row = mc_vars_row(mr->vars, "addresses");
        mc_vars_set(row, "legend", legends[a]);
        mc_vars_set(row, "same_box", a ? "1" : NULL);
        for (k = 0; k < 6; k++) {
            const char *name = apr_pstrcat(p, prefixes[a], keys[k], NULL);
            const char *value = mc_vars_get(mr->vars, name);
            if (k == 5 && (!value || !*value))
                value = "United States";
            mc_vars_set(row, apr_pstrcat(p, keys[k], "_name", NULL), name);
            mc_vars_set(row, keys[k], value);
            mc_vars_set(row, apr_pstrcat(p, keys[k], "_ac", NULL),
                        apr_pstrcat(p, a ? "billing " : "", tokens[k], NULL));
            mc_vars_set(row, apr_pstrcat(p, keys[k], "_invalid", NULL),
                        mc_vars_get(mr->vars, apr_pstrcat(p, name, "_invalid", NULL)));
        }
    }
}

/* The form of step (STEP_MOBAR, STEP_NAME or STEP_ADDRESS): refused (errs)
 * with what was typed, else with what the registration holds. */
static int fields_form(mc_req *mr, int step, const mc_reg_pend *pd, const apr_array_header_t *errs)
{
    common_vars(mr, step);
    fill(mr, pd, FIELD_STEPS[step].fields, errs != NULL);
    if (step == STEP_NAME && *saved(pd, "mobar"))
        mc_vars_set(mr->vars, "mobar_given", "1");
    show_errors(mr, step, errs);
    if (step == STEP_ADDRESS)
        address_rows(mr);
    return mc_render(mr, HTTP_OK, FIELD_STEPS[step].page, "Create an account");
}

/* GET of such a step: the one whose path the route is. */
static int fields_get(mc_req *mr)
{
    int rc, step = STEP_MOBAR;
    mc_reg_pend *pd;
    mc_db *db;
    while (step < STEP_ADDRESS && strcmp(step_paths[step], mr->route->pattern))
        step++;
    if (!step_open(mr, step, &db, &pd, &rc))
        return rc;
    return fields_form(mr, step, pd, NULL);
}

/* ---- step a: the MOBAR choice ------------------------------------------------ */

static int mobar_post(mc_req *mr)
{
    apr_array_header_t *errs = apr_array_make(mr->r->pool, 4, sizeof(reg_err));
    const char *mobar = in(mr, "mobar"), *none = *in(mr, "no_mobar") ? "1" : "";
    const char *values[2];
    mc_reg_pend *pd;
    mc_db *db;
    apr_status_t rv;
    int changed, rc;
    if (!step_open(mr, STEP_MOBAR, &db, &pd, &rc))
        return rc;
    if (!*mobar && !*none)
        add_error(errs, "MOBAR Number: enter your MOBAR number, or check \"I do not have a "
                        "MOBAR number\".");
    else if (*mobar && *none)
        add_error(errs, "MOBAR Number: enter a MOBAR number or check \"I do not have a MOBAR "
                        "number\", not both.");
    else if (*mobar)
        add_error(errs, mc_reg_mobar_syntax(mobar));
    if (errs->nelts)
        return fields_form(mr, STEP_MOBAR, pd, errs);
    if (!pd && (rv = mc_reg_pending_create(mr, db, &pd)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* Another MOBAR number must be verified again (with the last name, in
     * step c): the steps after this one are to be confirmed again. */
    changed = pd->step >= STEP_MOBAR && strcmp(saved(pd, "mobar"), mobar);
    values[0] = mobar;
    values[1] = none;
    if ((rv = mc_reg_pending_save(mr, pd, STEP_MOBAR, mobar_fields, values, 2)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (changed && ((rv = mc_reg_pending_put(db, pd, "mobar_verified", "")) != APR_SUCCESS ||
                    (rv = mc_db_exec(db, NULL, NULL,
                                     "UPDATE mc_reg_pending SET step = LEAST(step, ?) WHERE id = ?",
                                     "ii", (long long)STEP_CREDENTIALS, pd->id)) != APR_SUCCESS))
        return mc_fail(mr, rv);
    return mc_redirect(mr, mc_url(mr, step_paths[STEP_CREDENTIALS]));
}

/* ---- step b: username, password and the CAPTCHA ------------------------------ */

/* The CAPTCHA (its picture, recording and maybe question) is
 * signup_captcha.c's, with the limit on attempts per client address. */
static int credentials_form(mc_req *mr, mc_db *db, mc_reg_pend *pd, int status,
                            const apr_array_header_t *errs, const char *username)
{
    apr_status_t rv;
    common_vars(mr, STEP_CREDENTIALS);
    mc_vars_set(mr->vars, "username", username ? username : saved(pd, "username"));
    if (*saved(pd, "password_hash"))
        mc_vars_set(mr->vars, "password_saved", "1");
    mc_vars_set(mr->vars, "username_rules", mc_reg_username_rules());
    mc_vars_set(mr->vars, "password_rules", mc_password_rules(mr));
    show_errors(mr, STEP_CREDENTIALS, errs);
    if ((rv = mc_reg_captcha_vars(mr, db, pd->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_render(mr, status, "signup-credentials.html", "Create an account");
}

static int credentials_get(mc_req *mr)
{
    int rc;
    mc_reg_pend *pd;
    mc_db *db;
    if (!step_open(mr, STEP_CREDENTIALS, &db, &pd, &rc))
        return rc;
    return credentials_form(mr, db, pd, HTTP_OK, NULL, NULL);
}

/* The picture, and the same phrase spoken (for a registration in progress). */
static int captcha_get(mc_req *mr)
{
    int audio = !strcmp(mr->route->pattern, "/create/captcha/audio");
    mc_reg_pend *pd;
    mc_db *db;
    apr_status_t rv;
    if ((rv = pending_open(mr, &db, &pd)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!pd)
        return HTTP_NOT_FOUND;
    return audio ? mc_reg_captcha_audio(mr, db, pd->id) : mc_reg_captcha_image(mr, db, pd->id);
}

static int too_many_tries(mc_req *mr, mc_db *db, mc_reg_pend *pd)
{
    apr_status_t rv = mc_reg_pending_drop(mr, db, pd);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return message_page(mr,
                        "Too many wrong answers were given to the CAPTCHA. For your security, "
                        "this registration was discarded. Please start again.",
                        mc_url(mr, "/create"), "Create an account");
}

static apr_status_t username_taken(mc_req *mr, mc_db *db, const char *username, int *taken)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT 1 FROM mc_account WHERE username = ?", "s", username);
    *taken = rv == APR_SUCCESS && res->nrows > 0;
    return rv;
}

static const char *prefixed(apr_pool_t *p, const char *label, const char *why)
{
    return why ? apr_pstrcat(p, label, ": ", why, NULL) : NULL;
}

/* Whether a username is taken is said only to a client that has passed
 * the CAPTCHA, within its address's limit on attempts: the page would
 * otherwise tell anyone which usernames exist. */
static int credentials_post(mc_req *mr)
{
    int rc;
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errs = apr_array_make(p, 4, sizeof(reg_err));
    const char *username = in(mr, "username");
    const char *pw = mc_field(mr, "password"), *again = mc_field(mr, "verify_password");
    const char *why, *bad_name, *hash = NULL;
    const char *names[] = {"username", "password_hash"}, *values[2];
    long long left;
    mc_reg_pend *pd;
    mc_db *db;
    apr_status_t rv;
    int taken, drop, keep, over, text_ok;

    pw = pw ? pw : "";
    again = again ? again : "";
    if (!step_open(mr, STEP_CREDENTIALS, &db, &pd, &rc))
        return rc;
    if ((rv = mc_reg_attempt(mr, db, &over, &text_ok, &left)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (over) {
        add_error(errs, mc_reg_attempt_refusal(mr, left));
        return credentials_form(mr, db, pd, HTTP_TOO_MANY_REQUESTS, errs, username);
    }
    add_error(errs, bad_name = mc_reg_check_username(p, username));
    /* A saved password stays when both fields are left blank and the
     * username is the one it was checked with. */
    keep =
        !*pw && !*again && *saved(pd, "password_hash") && !strcmp(saved(pd, "username"), username);
    if (!keep) {
        if (!*pw)
            add_error(errs, *saved(pd, "password_hash")
                                ? "Password: enter the password again (the username changed)."
                                : "Password: enter a password.");
        else if (strcmp(pw, again))
            add_error(errs, "Verify Password: the passwords do not match.");
        else
            add_error(errs, prefixed(p, "Password", mc_password_check(mr, pw, username)));
    }
    why = mc_reg_captcha_check(mr, db, pd->id, text_ok, &drop, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (drop)
        return too_many_tries(mr, db, pd);
    add_error(errs, why);
    if (!why && !bad_name) {
        if ((rv = username_taken(mr, db, username, &taken)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (taken)
            add_error(errs, MSG_TAKEN);
    }
    if (errs->nelts)
        return credentials_form(mr, db, pd, HTTP_OK, errs, username);
    if (keep)
        hash = saved(pd, "password_hash");
    else if ((rv = mc_password_make(mr, pw, &hash)) != APR_SUCCESS)
        return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    values[0] = username;
    values[1] = hash;
    return step_saved(mr, pd, STEP_CREDENTIALS, names, values, 2);
}

/* ---- step c: names and e-mail ------------------------------------------------ */

static int name_post(mc_req *mr)
{
    int rc;
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errs = apr_array_make(p, 4, sizeof(reg_err));
    const char *names[] = {"first_name", "middle_name", "last_name",     "suffix",
                           "email",      "email2",      "mobar_verified"};
    const char *values[7], *why;
    mc_reg_pend *pd;
    mc_db *db;
    apr_status_t rv;
    int i;

    if (!step_open(mr, STEP_NAME, &db, &pd, &rc))
        return rc;
    for (i = 0; i < 6; i++)
        values[i] = in(mr, names[i]);
    values[6] = "";
    add_error(errs, mc_reg_check_name(p, "First Name", values[0], 1, MC_REG_NAME_MAX));
    add_error(errs, mc_reg_check_name(p, "Middle Name/Initial", values[1], 0, MC_REG_NAME_MAX));
    add_error(errs, mc_reg_check_name(p, "Last Name", values[2], 1, MC_REG_NAME_MAX));
    add_error(errs, mc_reg_check_name(p, "Suffix", values[3], 0, MC_REG_SUFFIX_MAX));
    why = mc_reg_check_email(p, "E-mail Address", values[4]);
    add_error(errs, why);
    if (!why && strcasecmp(values[4], values[5]))
        add_error(errs, "Verify E-mail Address: the e-mail addresses do not match.");
    if (!errs->nelts && *saved(pd, "mobar")) {
        why = mc_reg_mobar_check(db, p, saved(pd, "mobar"), values[2], 0, &rv);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (why)
            add_error(errs, why);
        else
            values[6] = "1";
    }
    if (errs->nelts)
        return fields_form(mr, STEP_NAME, pd, errs);
    return step_saved(mr, pd, STEP_NAME, names, values, 7);
}

/* ---- step d: addresses and phones -------------------------------------------- */

static int address_post(mc_req *mr)
{
    int rc;
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errs = apr_array_make(p, 4, sizeof(reg_err));
    const char *v[ADDRESS_N], *why, *part;
    mc_reg_pend *pd;
    mc_db *db;
    int i;

    if (!step_open(mr, STEP_ADDRESS, &db, &pd, &rc))
        return rc;
    for (i = 0; i < ADDRESS_N; i++)
        v[i] = in(mr, address_fields[i]);
    if (!*v[5])
        v[5] = "United States";
    if (*v[6]) { /* billing: same as mailing */
        v[6] = "1";
        for (i = 0; i < 6; i++)
            v[7 + i] = v[i];
    }
    else if (!*v[12])
        v[12] = "United States";
    why = mc_reg_check_address(p, "Mailing Address", v[0], v[1], v[2], v[3], v[4], v[5], &part);
    add_field_error(errs, why, part ? apr_pstrcat(p, "mail_", part, NULL) : NULL);
    if (!*v[6]) {
        why = mc_reg_check_address(p, "Billing Address", v[7], v[8], v[9], v[10], v[11], v[12],
                                   &part);
        add_field_error(errs, why, part ? apr_pstrcat(p, "bill_", part, NULL) : NULL);
    }
    add_error(errs, mc_reg_check_phone(p, "Business Phone", v[13], 1));
    add_error(errs, mc_reg_check_phone(p, "Cell Phone", v[14], 0));
    if (errs->nelts)
        return fields_form(mr, STEP_ADDRESS, pd, errs);
    return step_saved(mr, pd, STEP_ADDRESS, address_fields, v, ADDRESS_N);
}

/* ---- step e: security questions, and the account ----------------------------- */

static int questions_form(mc_req *mr, const int *q, const char *const *a, const char *const *v,
                          const apr_array_header_t *errs)
{
    common_vars(mr, STEP_QUESTIONS);
    static const char *const fields[] = {"q", "a", "v"}, *const none[] = {"", "", ""};
    show_errors(mr, STEP_QUESTIONS, errs);
    mc_reg_question_slots(mr->vars, fields, "", q, a ? a : none, v ? v : none);
    mc_vars_set(mr->vars, "answer_rules", ANSWER_RULES);
    return mc_render(mr, HTTP_OK, "signup-questions.html", "Create an account");
}

static int questions_get(mc_req *mr)
{
    int rc;
    static const int defaults[3] = {0, 1, 2};
    mc_reg_pend *pd;
    mc_db *db;
    if (!step_open(mr, STEP_QUESTIONS, &db, &pd, &rc))
        return rc;
    return questions_form(mr, defaults, NULL, NULL, NULL);
}

typedef struct create_baton {
    mc_reg_pend *pd;
    const int *q;
    const char *answer_hash[3];
    const char *token;
    long long account_id;
    int gone;        /* the pending registration was already consumed */
    const char *dup; /* "username" or "mobar" on a duplicate key */
} create_baton;

static apr_status_t create_tx(mc_req *mr, mc_db *db, void *baton)
{
    create_baton *b = baton;
    mc_reg_pend *pd = b->pd;
    long long n = 0;
    mc_account_new acct = {0};
    mc_reg_profile pr;
    apr_status_t rv;
    int i, attorney = !strcmp(saved(pd, "mobar_verified"), "1");

    b->gone = 0;
    b->dup = NULL;
    rv = mc_db_exec(db, &n, NULL, "DELETE FROM mc_reg_pending WHERE id = ?", "i", pd->id);
    if (rv != APR_SUCCESS)
        return rv;
    if (n != 1) {
        b->gone = 1;
        return APR_SUCCESS;
    }
    acct.username = saved(pd, "username");
    acct.email = saved(pd, "email");
    acct.password_hash = saved(pd, "password_hash");
    acct.status = "pending";
    acct.first_name = saved(pd, "first_name");
    acct.last_name = saved(pd, "last_name");
    rv = mc_account_create(db, &acct, &b->account_id);
    if (rv == MC_DB_EDUP)
        b->dup = "username";
    if (rv != APR_SUCCESS)
        return rv;
    memset(&pr, 0, sizeof(pr));
    pr.account_id = b->account_id;
    pr.middle_name = saved(pd, "middle_name");
    pr.suffix = saved(pd, "suffix");
    pr.firm = "";
    pr.mail_line1 = saved(pd, "mail_line1");
    pr.mail_line2 = saved(pd, "mail_line2");
    pr.mail_city = saved(pd, "mail_city");
    pr.mail_state = saved(pd, "mail_state");
    pr.mail_zip = saved(pd, "mail_zip");
    pr.mail_country = saved(pd, "mail_country");
    pr.bill_line1 = saved(pd, "bill_line1");
    pr.bill_line2 = saved(pd, "bill_line2");
    pr.bill_city = saved(pd, "bill_city");
    pr.bill_state = saved(pd, "bill_state");
    pr.bill_zip = saved(pd, "bill_zip");
    pr.bill_country = saved(pd, "bill_country");
    pr.business_phone = saved(pd, "business_phone");
    pr.cell_phone = saved(pd, "cell_phone");
    if ((rv = mc_reg_profile_save(db, &pr)) != APR_SUCCESS)
        return rv;
    if (attorney) {
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_reg_profile SET mobar_number = ?, mobar_verified_at = "
                        "UTC_TIMESTAMP() WHERE account_id = ?",
                        "si", saved(pd, "mobar"), b->account_id);
        if (rv == MC_DB_EDUP)
            b->dup = "mobar";
        if (rv == APR_SUCCESS)
            rv = mc_db_exec(db, NULL, NULL,
                            "INSERT INTO mc_account_role (account_id, role, scope, granted_at) "
                            "VALUES (?, 'attorney', '', UTC_TIMESTAMP())",
                            "i", b->account_id);
        if (rv != APR_SUCCESS)
            return rv;
    }
    for (i = 0; i < 3; i++)
        if ((rv = mc_db_exec(db, NULL, NULL,
                             "INSERT INTO mc_reg_answer (account_id, slot, question, answer_hash) "
                             "VALUES (?, ?, ?, ?)",
                             "iiis", b->account_id, (long long)(i + 1), (long long)b->q[i],
                             b->answer_hash[i])) != APR_SUCCESS)
            return rv;
    if ((rv = mc_reg_verify_send(mr, db, b->account_id, saved(pd, "email"), saved(pd, "username"),
                                 saved(pd, "first_name"), b->token)) != APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, "account-created", b->account_id,
                    attorney ? "self-registration, MOBAR verified" : "self-registration");
}

/* The answer to a last step whose registration is gone (pd: as it was
 * loaded, or NULL): the account made (by the first of a double submit), or
 * a registration that expired. */
static int finished(mc_req *mr, mc_db *db, const mc_reg_pend *pd)
{
    mc_dbres *res = NULL;
    apr_status_t rv;
    if (pd) {
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT 1 FROM mc_account WHERE username = ? AND email = ?", "ss",
                         saved(pd, "username"), saved(pd, "email"));
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
    }
    if (res && res->nrows == 1) {
        mc_reg_pending_cookie(mr, "", 0);
        return mc_redirect(mr, mc_url(mr, "/create/done"));
    }
    return message_page(mr,
                        "This registration is no longer in progress: either it was completed "
                        "(look for the e-mail with the verification link) or it expired after 24 "
                        "hours.",
                        mc_logon_path(mr), "Logon");
}

/* Claim *pd before hashing (signup_claim.c): 1 when this request holds the
 * claim, with *pd loaded again (an earlier copy may have changed it); else 0
 * with *rc the answer for this copy of a double submit. */
static int claim(mc_req *mr, mc_db *db, mc_reg_pend **pd, int *rc)
{
    long long id = (*pd)->id;
    apr_status_t rv;
    int outcome;
    if ((rv = mc_reg_claim(mr, db, id, &outcome)) != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (outcome == MC_REG_GONE) {
        *rc = finished(mr, db, *pd);
        return 0;
    }
    if (outcome == MC_REG_BUSY) {
        *rc = message_page(mr,
                           "This page was sent more than once, and your account is being made "
                           "from the first time it was sent. Look for the e-mail with the "
                           "verification link; if none comes within a few minutes, open Create "
                           "an account again to finish.",
                           mc_url(mr, "/create"), "Create an account");
        return 0;
    }
    if ((rv = mc_reg_pending_load(mr, db, pd)) != APR_SUCCESS || !*pd || (*pd)->id != id) {
        mc_reg_claim_release(mr, db, id);
        *rc = rv != APR_SUCCESS ? mc_fail(mr, rv) : finished(mr, db, NULL);
        return 0;
    }
    return 1;
}

/* Hash the answers a[] (to questions q[]) and make the account from the
 * claimed registration pd. */
static int create_account(mc_req *mr, mc_db *db, mc_reg_pend *pd, const int *q,
                          const char *const *a)
{
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errs = apr_array_make(p, 1, sizeof(reg_err));
    const char *to;
    create_baton b;
    apr_status_t rv;
    int i;

    if ((to = gate(mr, pd, STEP_QUESTIONS)))
        return mc_redirect(mr, to);
    memset(&b, 0, sizeof(b));
    b.pd = pd;
    b.q = q;
    for (i = 0; i < 3; i++)
        if ((rv = mc_password_make(mr, mc_reg_normalise_answer(p, a[i]), &b.answer_hash[i])) !=
            APR_SUCCESS)
            return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    b.token = mc_token_new(p);
    rv = mc_req_tx(mr, create_tx, &b);
    if (rv == MC_DB_EDUP && b.dup && !strcmp(b.dup, "username")) {
        /* Someone else took the username meanwhile: back to step b. */
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_reg_pending SET step = ? WHERE id = ?", "ii",
                        (long long)STEP_MOBAR, pd->id);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        pd->step = STEP_MOBAR;
        add_error(errs, MSG_TAKEN);
        return credentials_form(mr, db, pd, HTTP_OK, errs, saved(pd, "username"));
    }
    if (rv == MC_DB_EDUP && b.dup) {
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_reg_pending SET step = ? WHERE id = ?", "ii",
                        (long long)STEP_CREDENTIALS, pd->id);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        pd->step = STEP_CREDENTIALS;
        add_error(errs, "MOBAR Number: this number is already used by another account. Contact "
                        "the court's Help Desk.");
        return fields_form(mr, STEP_NAME, pd, errs);
    }
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_reg_pending_cookie(mr, "", 0);
    return mc_redirect(mr, mc_url(mr, "/create/done"));
}

static int questions_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errs = apr_array_make(p, 4, sizeof(reg_err));
    int q[3], i, rc;
    const char *a[3], *v[3], *to;
    mc_reg_pend *pd;
    mc_db *db;
    apr_status_t rv;

    if ((rv = pending_open(mr, &db, &pd)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!pd) /* e.g. a copy of a double submit, after the first made the account */
        return finished(mr, db, NULL);
    if ((to = gate(mr, pd, STEP_QUESTIONS)))
        return mc_redirect(mr, to);
    for (i = 0; i < 3; i++) {
        const char *s = in(mr, apr_psprintf(p, "q%d", i + 1));
        char *end;
        long k = strtol(s, &end, 10);
        q[i] = (*s && !*end && k >= 0 && k < mc_reg_question_count) ? (int)k : -1;
        a[i] = in(mr, apr_psprintf(p, "a%d", i + 1));
        v[i] = in(mr, apr_psprintf(p, "v%d", i + 1));
    }
    add_error(errs, mc_reg_check_answers(p, q, a, 3));
    for (i = 0; i < 3; i++)
        if (strcmp(mc_reg_normalise_answer(p, a[i]), mc_reg_normalise_answer(p, v[i])))
            add_error(errs, apr_psprintf(p, "Verify Answer %d: the answers do not match.", i + 1));
    if (errs->nelts) {
        for (i = 0; i < 3; i++)
            if (q[i] < 0)
                q[i] = i;
        return questions_form(mr, q, a, v, errs);
    }
    if (!claim(mr, db, &pd, &rc))
        return rc;
    rc = create_account(mr, db, pd, q, a);
    mc_reg_claim_release(mr, db, pd->id);
    return rc;
}

/* ---- step f: done ------------------------------------------------------------ */

static int done_get(mc_req *mr)
{
    mc_vars_set(mr->vars, "logon_url", mc_logon_path(mr));
    return mc_render(mr, HTTP_OK, "signup-done.html",
                     "eFiling Registration \xE2\x80\x93 Additional Steps Required");
}

const mc_route mc_reg_signup_routes[] = {
    {"GET", "/", MC_ACCESS_ANON, NULL, root_get, 0},
    {"GET", "/create", MC_ACCESS_ANON, NULL, fields_get, 0},
    {"POST", "/create", MC_ACCESS_ANON, NULL, mobar_post, 0},
    {"GET", "/create/credentials", MC_ACCESS_ANON, NULL, credentials_get, 0},
    {"POST", "/create/credentials", MC_ACCESS_ANON, NULL, credentials_post, 0},
    {"GET", "/create/captcha", MC_ACCESS_ANON, NULL, captcha_get, 0},
    {"GET", "/create/captcha/audio", MC_ACCESS_ANON, NULL, captcha_get, 0},
    {"GET", "/create/name", MC_ACCESS_ANON, NULL, fields_get, 0},
    {"POST", "/create/name", MC_ACCESS_ANON, NULL, name_post, 0},
    {"GET", "/create/address", MC_ACCESS_ANON, NULL, fields_get, 0},
    {"POST", "/create/address", MC_ACCESS_ANON, NULL, address_post, 0},
    {"GET", "/create/questions", MC_ACCESS_ANON, NULL, questions_get, 0},
    {"POST", "/create/questions", MC_ACCESS_ANON, NULL, questions_post, 0},
    {"GET", "/create/done", MC_ACCESS_ANON, NULL, done_get, 0},
    {NULL}};
