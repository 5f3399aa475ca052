/* recovery.c: Forgot Password and Forgot Username (seed 002).
 *
 * Forgot Password: the e-mail link first (mc_code purpose 'reset', stored
 * hashed, 1 hour, single use, older ones voided; made and mailed by the
 * delivery worker, see recovery_mail.c), then the security questions one at
 * a time, then the new password. Nothing says whether an account exists.
 *
 * Once the link is opened (and "Continue" posted), the reset goes on in a
 * state bound to that browser: a cookie holds "<code id>.<secret>" and the
 * code's bound_to holds SHA-256("<step>:<wrong>:<secret>"), where step is
 * the number of questions answered and wrong how many of them were wrong.
 * No page says which answer was wrong: the round goes on to the last
 * question whatever the answers, and only then says whether they matched.
 * Each answer is checked only once it holds a place in the account's
 * lock-out (mc_lockout_verify), and a wrong one counts toward it at once,
 * so at most MoCourtsLockout's count of wrong answers is ever checked in a
 * window, however many are posted at once. While the account is locked an
 * answer is not checked and counts as wrong in the round; the lock is told
 * at the round's start and end only (and to an answer that finds the round
 * already ended by another), so it says nothing of which answer was wrong
 * either. The link is voided after RESET_TRIES failed rounds. */
#include "recovery.h"

#include "apr_lib.h"

#define RESET_TRIES 5
#define STATE_TTL 1800 /* the browser's cookie */
#define MAX_QUESTIONS 3

static const char MSG_SENT[] = "If an account matches, we have sent a link to its e-mail "
                               "address. The link is valid for 1 hour.";
static const char MSG_USERNAME_SENT[] = "If an account uses this e-mail address, we have sent "
                                        "its username to it.";
/* The lock message, with the site's lock-out time. */
static const char *msg_locked(mc_req *mr)
{
    return apr_pstrcat(
        mr->r->pool, "This account is locked because of too many failed attempts. Wait ",
        mc_lockout_time(mr), " and try again, or contact the court's Help Desk.", NULL);
}
static const char MSG_WRONG[] = "The answers you gave do not match our records.";

/* A page with a message and links to start again and to the Logon page. */
static int notice_page(mc_req *mr, const char *title, const char *message, int again)
{
    mc_vars_set(mr->vars, "message", message);
    if (again)
        mc_vars_set(mr->vars, "again_url", mc_url(mr, "/forgot-password"));
    mc_vars_set(mr->vars, "logon_url", mc_logon_path(mr));
    return mc_render(mr, HTTP_OK, "recovery-notice.html", title);
}

/* The lock told (the page in *rc, or a database error's) when the account is
 * locked: 1 when so, 0 when it is not. */
static int lock_told(mc_req *mr, mc_db *db, long long account_id, int *rc)
{
    int locked = 0;
    apr_status_t rv = mc_lockout_check(mr, db, account_id, &locked);
    if (rv != APR_SUCCESS)
        *rc = mc_fail(mr, rv);
    else if (locked)
        *rc = notice_page(mr, "Reset Password", msg_locked(mr), 0);
    return rv != APR_SUCCESS || locked;
}

/* ---- Forgot Password, Forgot Username ------------------------------------------- */

/* Forgot Password and Forgot Username: a form of one field, whose value is
 * queued (recovery_mail.c) whether or not an account matches. */
static const struct forgot {
    const char *path, *page, *title;
    const char *field, *kind, *sent;
} FORGOT[] = {
    {"/forgot-password", "recovery-forgot-password.html", "Forgot Password", "ident", "password",
     MSG_SENT},
    {"/forgot-username", "recovery-forgot-username.html", "Forgot Username", "email", "username",
     MSG_USERNAME_SENT},
};

/* The form of the route. */
static const struct forgot *forgot_of(const mc_req *mr)
{
    return &FORGOT[strcmp(mr->route->pattern, FORGOT[0].path) != 0];
}

/* The flow's breadcrumbs (registration/_crumbs.html): Logon, Forgot
 * Password (on the reset's later pages: reset), then the page, page. */
static void crumbs(mc_req *mr, const char *page, int reset)
{
    mc_vars_set(mr->vars, "crumb_logon_url", mc_logon_path(mr));
    if (reset)
        mc_vars_set(mr->vars, "crumb_forgot_url", mc_url(mr, FORGOT[0].path));
    mc_vars_set(mr->vars, "crumb_page", page);
}

static int forgot_form(mc_req *mr, const char *error)
{
    const struct forgot *f = forgot_of(mr);
    crumbs(mr, f->title, 0);
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, f->field);
    mc_vars_set(mr->vars, "action", mc_url(mr, f->path));
    return mc_render(mr, HTTP_OK, f->page, f->title);
}

static int forgot_get(mc_req *mr)
{
    /* From Recent activity's "This wasn't me" (activity.c). */
    if (forgot_of(mr) == FORGOT && mc_query(mr, "disowned"))
        mc_vars_set(mr->vars, "notice",
                    "Your account was logged off everywhere, on every device. If someone else "
                    "may know your password, set a new one now: enter your e-mail address or "
                    "username and we will send you a link.");
    return forgot_form(mr, NULL);
}

static int forgot_post(mc_req *mr)
{
    const struct forgot *f = forgot_of(mr);
    const char *v = mc_text_trim(mr->r->pool, mc_field(mr, f->field)), *why;
    mc_db *db;
    apr_status_t rv;
    if (strcmp(f->kind, "password"))
        why = mc_reg_check_email(mr->r->pool, "E-mail Address", v);
    else if (!*v)
        why = "Enter the e-mail address or username registered with your account.";
    else
        why = strlen(v) > 254 ? "The e-mail address or username is too long." : NULL;
    if (why)
        return forgot_form(mr, why);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_reg_recovery_queue(mr, db, f->kind, v)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return notice_page(mr, f->title, f->sent, 0);
}

/* ---- the link and the browser-bound state ---------------------------------------- */

#define STATE_COOKIE "mocourts-reset"

static void set_state_cookie(mc_req *mr, const char *value, int max_age)
{
    mc_cookie_put(mr, STATE_COOKIE, value, max_age);
}

static const char *state_hash(apr_pool_t *p, int step, int wrong, const char *secret)
{
    const char *s = apr_psprintf(p, "%d:%d:%s", step, wrong, secret);
    return mc_sha256_hex(p, s, strlen(s));
}

typedef struct reset_state {
    long long code_id, account_id, attempts;
    const char *secret, *bound;
    int step, wrong;
    const char *username, *email;
    int nq;
    int question[MAX_QUESTIONS];
    const char *hash[MAX_QUESTIONS];
} reset_state;

/* Load the reset state of this browser: 1 valid, 0 none or no longer
 * valid. Database errors in *rv. */
static int load_state(mc_req *mr, mc_db *db, reset_state *st, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *c, *dot;
    mc_dbres *res;
    int step, wrong, found = 0, i;
    memset(st, 0, sizeof(*st));
    *rv = APR_SUCCESS;
    c = mc_cookie_value(mr, STATE_COOKIE);
    if (!c || !(dot = strchr(c, '.')) || dot == c || dot - c > 19)
        return 0;
    for (i = 0; c + i < dot; i++)
        if (!apr_isdigit(c[i]))
            return 0;
    st->secret = dot + 1;
    if (!mc_token_syntax_ok(st->secret))
        return 0;
    st->code_id = apr_atoi64(apr_pstrmemdup(p, c, dot - c));
    *rv = mc_db_query(db, p, &res,
                      "SELECT c.account_id, c.bound_to, c.attempts, a.username, a.email, a.status "
                      "FROM mc_code c JOIN mc_account a ON a.id = c.account_id WHERE c.id = ? AND "
                      "c.purpose = 'reset' AND c.used_at IS NULL AND c.expires_at > "
                      "UTC_TIMESTAMP()",
                      "i", st->code_id);
    if (*rv != APR_SUCCESS || res->nrows != 1)
        return 0;
    if (strcmp(mc_dbres_get(res, 0, 5), "active"))
        return 0;
    st->account_id = mc_dbres_int(res, 0, 0);
    st->bound = mc_dbres_get(res, 0, 1);
    st->attempts = mc_dbres_int(res, 0, 2);
    st->username = mc_dbres_get(res, 0, 3);
    st->email = mc_dbres_get(res, 0, 4);
    if (st->attempts >= RESET_TRIES)
        return 0;
    for (step = 0; step <= MAX_QUESTIONS; step++)
        for (wrong = 0; wrong <= step; wrong++)
            if (mc_ct_streq(state_hash(p, step, wrong, st->secret), st->bound)) {
                st->step = step;
                st->wrong = wrong;
                found = 1;
            }
    if (!found)
        return 0;
    *rv = mc_db_query(db, p, &res,
                      "SELECT question, answer_hash FROM mc_reg_answer WHERE account_id = ? "
                      "ORDER BY slot LIMIT 3",
                      "i", st->account_id);
    if (*rv != APR_SUCCESS)
        return 0;
    for (i = 0; i < res->nrows; i++) {
        st->question[i] = (int)mc_dbres_int(res, i, 0);
        st->hash[i] = mc_dbres_get(res, i, 1);
    }
    st->nq = res->nrows;
    return st->nq > 0 && st->step <= st->nq;
}

/* Move the state on; 1 when it was still the one loaded (no other request
 * moved it meanwhile). */
static int save_state(mc_req *mr, mc_db *db, reset_state *st, int step, int wrong, apr_status_t *rv)
{
    long long n = 0;
    *rv =
        mc_db_exec(db, &n, NULL,
                   "UPDATE mc_code SET bound_to = ? WHERE id = ? AND bound_to = ? AND used_at "
                   "IS NULL",
                   "sis", state_hash(mr->r->pool, step, wrong, st->secret), st->code_id, st->bound);
    return *rv == APR_SUCCESS && n == 1;
}

static int state_gone(mc_req *mr)
{
    set_state_cookie(mr, "", 0);
    return notice_page(mr, "Reset Password",
                       "This password reset is no longer valid: the link has expired, has "
                       "already been used, or was replaced by a newer one. You may start again.",
                       1);
}

static const char LINK_NOT_VALID[] = "This link is not valid or has already been used.";

/* The link's code row, on the request's connection (*db): 1 when valid,
 * with *id and *account set; else 0 with *rc the answer (why the link is
 * not valid, or a database error's page). */
static int link_open(mc_req *mr, mc_db **db, long long *id, long long *account, int *rc)
{
    const char *tok = apr_table_get(mr->params, "token"), *why = LINK_NOT_VALID;
    mc_dbres *res = NULL;
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS && tok && mc_token_syntax_ok(tok))
        rv = mc_db_query(*db, mr->r->pool, &res,
                         "SELECT c.id, c.account_id, c.expires_at > UTC_TIMESTAMP(), c.used_at IS "
                         "NULL, c.attempts, a.status FROM mc_code c JOIN mc_account a ON a.id = "
                         "c.account_id WHERE c.code_hash = ? AND c.purpose = 'reset' ORDER BY "
                         "c.id DESC LIMIT 1",
                         "s", mc_sha256_hex(mr->r->pool, tok, strlen(tok)));
    if (rv != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (res && res->nrows == 1 && mc_dbres_int(res, 0, 3) &&
        mc_dbres_int(res, 0, 4) < RESET_TRIES && !strcmp(mc_dbres_get(res, 0, 5), "active")) {
        if (mc_dbres_int(res, 0, 2)) {
            *id = mc_dbres_int(res, 0, 0);
            *account = mc_dbres_int(res, 0, 1);
            return 1;
        }
        why = "This link has expired. Links are valid for 1 hour.";
    }
    *rc = notice_page(mr, "Reset Password", why, 1);
    return 0;
}

static int reset_link_get(mc_req *mr)
{
    long long id, account;
    mc_db *db;
    int rc;
    if (!link_open(mr, &db, &id, &account, &rc))
        return rc;
    mc_vars_set(
        mr->vars, "action",
        mc_url(mr, apr_pstrcat(mr->r->pool, "/reset/", apr_table_get(mr->params, "token"), NULL)));
    crumbs(mr, "Reset Password", 1);
    return mc_render(mr, HTTP_OK, "recovery-reset-start.html", "Reset Password");
}

static int reset_link_post(mc_req *mr)
{
    long long id, account, n = 0;
    const char *secret;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!link_open(mr, &db, &id, &account, &rc) || lock_told(mr, db, account, &rc))
        return rc;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT COUNT(*) FROM mc_reg_answer WHERE account_id = ?", "i", account);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (mc_dbres_int(res, 0, 0) == 0)
        return notice_page(mr, "Reset Password",
                           "Your account has no security questions on file, so its password "
                           "cannot be reset here. Please contact the court's Help Desk.",
                           0);
    secret = mc_token_new(mr->r->pool);
    rv =
        mc_db_exec(db, &n, NULL, "UPDATE mc_code SET bound_to = ? WHERE id = ? AND used_at IS NULL",
                   "si", state_hash(mr->r->pool, 0, 0, secret), id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (n != 1)
        return notice_page(mr, "Reset Password", LINK_NOT_VALID, 1);
    set_state_cookie(mr,
                     apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT ".%s", (apr_int64_t)id, secret),
                     STATE_TTL);
    return mc_redirect(mr, mc_url(mr, "/reset/question"));
}

/* ---- the questions, one at a time ----------------------------------------------- */

/* The browser's reset state, on the request's connection (*db): at the
 * questions (answered 0: some are still to answer) or past them (answered
 * 1: every answer right). 1 when so; else 0 with *rc the answer (the state
 * is gone, the page the state is at instead, or a database error's). */
static int state_at(mc_req *mr, mc_db **db, reset_state *st, int answered, int *rc)
{
    apr_status_t rv = mc_req_db(mr, db);
    int ok = rv == APR_SUCCESS && load_state(mr, *db, st, &rv);
    if (rv != APR_SUCCESS)
        *rc = mc_fail(mr, rv);
    else if (!answered && !ok)
        *rc = state_gone(mr);
    else if (!answered && st->step >= st->nq)
        *rc = mc_redirect(mr, mc_url(mr, "/reset/password"));
    else if (answered && !(ok && st->step == st->nq && st->wrong == 0))
        *rc = mc_redirect(mr, mc_url(mr, "/reset/question"));
    else
        return 1;
    return 0;
}

/* The reset ends at the lock: the browser's state is dropped. */
static int locked_page(mc_req *mr)
{
    set_state_cookie(mr, "", 0);
    return notice_page(mr, "Reset Password", msg_locked(mr), 0);
}

static int question_form(mc_req *mr, reset_state *st, const char *error)
{
    int q = st->question[st->step];
    if (error)
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error, "answer");
    mc_vars_setf(mr->vars, "number", "%d", st->step + 1);
    mc_vars_setf(mr->vars, "count", "%d", st->nq);
    mc_vars_set(mr->vars, "question",
                q >= 0 && q < mc_reg_question_count ? mc_reg_questions[q] : "Security question");
    mc_vars_set(mr->vars, "action", mc_url(mr, "/reset/question"));
    crumbs(mr, "Security Questions", 1);
    return mc_render(mr, HTTP_OK, "recovery-question.html", "Security Questions");
}

static int password_form(mc_req *mr, const char *error)
{
    if (error) /* about the new password, or (not matching) its verification */
        mc_reg_field_error(mr->r->pool, mr->vars, NULL, error,
                           strstr(error, "do not match") ? "verify_password" : "new_password");
    mc_vars_set(mr->vars, "rules", mc_password_rules(mr));
    mc_vars_set(mr->vars, "action", mc_url(mr, "/reset/password"));
    crumbs(mr, "Reset Password", 1);
    return mc_render(mr, HTTP_OK, "recovery-password.html", "Reset Password");
}

/* GET /reset/question and /reset/password: the page of the browser's state. */
static int state_get(mc_req *mr)
{
    int answered = !strcmp(mr->route->pattern, "/reset/password"), rc;
    reset_state st;
    mc_db *db;
    if (!state_at(mr, &db, &st, answered, &rc))
        return rc;
    if (answered)
        return password_form(mr, NULL);
    /* The lock is told at a round's start, not within it (see above). */
    if (st.step == 0 && lock_told(mr, db, st.account_id, &rc))
        return rc;
    return question_form(mr, &st, NULL);
}

static int question_post(mc_req *mr)
{
    const char *answer = mc_text_trim(mr->r->pool, mc_field(mr, "answer"));
    reset_state st;
    mc_lockout_verdict verdict;
    mc_db *db;
    apr_status_t rv;
    int locked, wrong, rc;
    if (!state_at(mr, &db, &st, 0, &rc))
        return rc;
    if (!*answer)
        return question_form(mr, &st, "Enter your answer.");
    /* An over-long answer is a wrong one (checked against a dummy hash). */
    rv = mc_lockout_verify(mr, db, st.account_id, strlen(answer) > 200 ? NULL : st.hash[st.step],
                           mc_reg_normalise_answer(mr->r->pool, answer), &verdict);
    if (rv == APR_SUCCESS && (verdict == MC_LOCKOUT_WRONG || verdict == MC_LOCKOUT_LOCKED_NOW))
        rv = mc_audit(mr, db, "password-reset-answer-wrong", st.account_id, "");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (verdict == MC_LOCKOUT_BUSY)
        return mc_busy(mr);
    locked = verdict == MC_LOCKOUT_LOCKED || verdict == MC_LOCKOUT_LOCKED_NOW;
    /* Locked before this answer came, at a round's start: the round's
     * start tells the lock (as the question's page does), which says
     * nothing of any answer. */
    if (verdict == MC_LOCKOUT_LOCKED && st.step == 0)
        return locked_page(mr);
    wrong = st.wrong + (verdict != MC_LOCKOUT_RIGHT);
    if (st.step + 1 < st.nq || wrong == 0) {
        if (!save_state(mr, db, &st, st.step + 1, wrong, &rv))
            return rv != APR_SUCCESS ? mc_fail(mr, rv) : locked ? locked_page(mr) : state_gone(mr);
        return mc_redirect(mr,
                           mc_url(mr, st.step + 1 < st.nq ? "/reset/question" : "/reset/password"));
    }
    /* The last question, and some answer was wrong (or not checked): a
     * failed round. Of answers sent at once, one ends the round; the
     * others find the state moved on, and are told the lock if there is
     * one (the round's end for them too). */
    if (!save_state(mr, db, &st, 0, 0, &rv)) {
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        return locked ? locked_page(mr) : state_gone(mr);
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_code SET attempts = attempts + 1, used_at = IF(attempts >= ?, "
                    "UTC_TIMESTAMP(), used_at) WHERE id = ?",
                    "ii", (long long)RESET_TRIES, st.code_id);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "password-reset-answers", st.account_id,
                      "security answers did not match");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (locked)
        return locked_page(mr);
    if (st.attempts + 1 >= RESET_TRIES) {
        set_state_cookie(mr, "", 0);
        return notice_page(mr, "Reset Password",
                           apr_pstrcat(mr->r->pool, MSG_WRONG,
                                       " This link can no longer be used. You may start again.",
                                       NULL),
                           1);
    }
    st.step = 0;
    st.wrong = 0;
    return question_form(mr, &st,
                         apr_pstrcat(mr->r->pool, MSG_WRONG, " Answer the questions again.", NULL));
}

/* ---- the new password --------------------------------------------------------------- */

typedef struct reset_baton {
    reset_state *st;
    const char *hash;
    int used;
} reset_baton;

static apr_status_t do_reset(mc_req *mr, mc_db *db, void *baton)
{
    reset_baton *b = baton;
    mc_vars *v = mc_vars_make(mr->r->pool, NULL);
    long long n = 0;
    apr_status_t rv;
    b->used = 0;
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at IS "
                    "NULL AND bound_to = ?",
                    "is", b->st->code_id, b->st->bound);
    if (rv != APR_SUCCESS || n != 1)
        return rv != APR_SUCCESS ? rv : APR_EGENERAL;
    b->used = 1;
    mc_vars_set(v, "username", b->st->username);
    if ((rv = mc_account_set_password(db, b->st->account_id, b->hash)) == APR_SUCCESS &&
        (rv = mc_session_end_all(mr, db, b->st->account_id)) == APR_SUCCESS &&
        (rv = mc_lockout_clear(mr, db, b->st->account_id)) == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, b->st->account_id, b->st->email, "password-reset",
                             "Your password was reset", "recovery-password-reset.txt", v)) ==
            APR_SUCCESS)
        rv = mc_audit(mr, db, "password-reset", b->st->account_id,
                      "password reset by e-mail link and security questions");
    return rv;
}

static int reset_password_post(mc_req *mr)
{
    const char *pw = mc_field(mr, "new_password"), *again = mc_field(mr, "verify_password");
    const char *why;
    reset_state st;
    reset_baton b = {&st, NULL, 0};
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!state_at(mr, &db, &st, 1, &rc) || lock_told(mr, db, st.account_id, &rc))
        return rc;
    if (!pw || !*pw || !again || !*again)
        return password_form(mr, "Enter your new password twice.");
    if (strcmp(pw, again))
        return password_form(mr, "The new password and its verification do not match.");
    if ((why = mc_password_check(mr, pw, st.username)))
        return password_form(mr, why);
    if ((rv = mc_password_make(mr, pw, &b.hash)) != APR_SUCCESS)
        return rv == APR_EAGAIN ? mc_busy(mr) : mc_fail(mr, rv);
    rv = mc_req_tx(mr, do_reset, &b);
    if (rv != APR_SUCCESS)
        return b.used ? mc_fail(mr, rv) : state_gone(mr);
    set_state_cookie(mr, "", 0);
    mc_vars_set(mr->vars, "logon_url", mc_logon_path(mr));
    return mc_render(mr, HTTP_OK, "recovery-done.html", "Password Reset");
}

const mc_route mc_reg_recovery_routes[] = {
    {"GET", "/forgot-password", MC_ACCESS_ANON, NULL, forgot_get, 0},
    {"POST", "/forgot-password", MC_ACCESS_ANON, NULL, forgot_post, 0},
    {"GET", "/reset/question", MC_ACCESS_ANON, NULL, state_get, 0},
    {"POST", "/reset/question", MC_ACCESS_ANON, NULL, question_post, 0},
    {"GET", "/reset/password", MC_ACCESS_ANON, NULL, state_get, 0},
    {"POST", "/reset/password", MC_ACCESS_ANON, NULL, reset_password_post, 0},
    {"GET", "/reset/:token", MC_ACCESS_ANON, NULL, reset_link_get, 0},
    {"POST", "/reset/:token", MC_ACCESS_ANON, NULL, reset_link_post, 0},
    {"GET", "/forgot-username", MC_ACCESS_ANON, NULL, forgot_get, 0},
    {"POST", "/forgot-username", MC_ACCESS_ANON, NULL, forgot_post, 0},
    {NULL}};
