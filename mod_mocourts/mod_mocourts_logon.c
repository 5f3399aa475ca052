/* mod_mocourts_logon.c: the core's "logon" plugin: Logon, Logoff, the
 * forced password change of provisioned accounts (seed 000 steps 3-7), the
 * e-mailed code for a new device, and the account's home page.
 *
 * Sessions move through stages: "password" (must change the password),
 * "device" (must enter the e-mailed code), "totp" and "enrol" (two-step
 * verification's code and set-up, mod_mocourts_totp.c) allow only their own
 * page; "full" is a logged-on account. Each step up gets a new token. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "mc_form.h"

#include <ctype.h>

#define T(page) "core/" page
#define DEVICE_CODE_TTL 600 /* seconds; SECURITY.md: 10 minutes */
#define DEVICE_CODE_TRIES 5
#define DEVICE_CODES_PER_HOUR 5

/* "30 minutes", "1 hour", "45 seconds": the lock-out time in words. */
static const char *lock_time(apr_pool_t *p)
{
    apr_int64_t s = apr_time_sec(mc_conf_get()->lockout_time);
    if (s % 3600 == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " hour%s", s / 3600, s == 3600 ? "" : "s");
    if (s % 60 == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT " minute%s", s / 60, s == 60 ? "" : "s");
    return apr_psprintf(p, "%" APR_INT64_T_FMT " second%s", s, s == 1 ? "" : "s");
}

const char *mc_lockout_time(const mc_req *mr)
{
    return lock_time(mr->r->pool);
}

const char *mc_logon_path(const mc_req *mr)
{
    return mc_logon_url(mr->r->pool, NULL);
}

/* A refused logon, the same words whether the password was wrong, the
 * name unknown or the account locked, whichever identifier was typed: a
 * lock told only to those who name an existing account would tell which
 * names and addresses exist, and which belong together. The Logon page
 * says beside the form when an account locks. */
static const char *msg_refused(apr_pool_t *p)
{
    return apr_pstrcat(p,
                       "The username or password you entered is incorrect, or the account is "
                       "locked because of too many failed logon attempts. A locked account can "
                       "be used again after ",
                       lock_time(p), ", or the court's Help Desk can unlock it.", NULL);
}

/* The lock told to whoever has passed the password (the new-device step). */
const char *mc_msg_locked(apr_pool_t *p)
{
    return apr_pstrcat(p, "This account is locked because of too many failed attempts. Wait ",
                       lock_time(p), " and try again, or contact the court's Help Desk.", NULL);
}

/* ---- small helpers ---------------------------------------------------------- */

static const char *trimmed(apr_pool_t *p, const char *s)
{
    const char *e;
    if (!s)
        return "";
    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return apr_pstrndup(p, s, e - s);
}

const char *mc_logon_return(const mc_req *mr)
{
    const char *ret = mc_field(mr, "return");
    if (!ret)
        ret = mc_query(mr, "return");
    return mc_safe_return(mr->r->pool, ret);
}

/* path with "return=<ret>" added to its query. */
static const char *with_return(apr_pool_t *p, const char *path, const char *ret)
{
    return apr_pstrcat(p, path, strchr(path, '?') ? "&" : "?", "return=", mc_form_encode(p, ret),
                       NULL);
}

static mc_session *current(mc_req *mr, const char *stage)
{
    mc_session *s = mc_rstate_of(mr->r)->session;
    return s && (!stage || !strcmp(s->stage, stage)) ? s : NULL;
}

/* The 503 when every hashing slot, or every place of an account's lock-out,
 * stayed taken too long (mc_busy_message). */
static const char MSG_BUSY[] =
    "Many people are logging on right now. Please try again in a moment.";

static const char *home_url(mc_req *mr)
{
    return mc_url(mr, "/");
}

/* A logon's audit detail (My Account's Recent activity reads it): what,
 * then "; device=" new, known or unchecked (MoCourtsNewDeviceCode Off) when
 * given, then "; ua=" the User-Agent, last (it holds ';'): at most 200
 * bytes, control characters dropped, other bytes than ASCII as '?'. */
const char *mc_logon_detail(request_rec *r, const char *what, const char *device)
{
    const char *ua = apr_table_get(r->headers_in, "User-Agent");
    char *clean = apr_palloc(r->pool, 201), *o = clean;
    for (; ua && *ua && o < clean + 200; ua++)
        if ((unsigned char)*ua >= 0x20 && *ua != 0x7f)
            *o++ = (unsigned char)*ua < 0x80 ? *ua : '?';
    *o = '\0';
    return apr_pstrcat(r->pool, what, device ? "; device=" : "", device ? device : "",
                       "; ua=", clean, NULL);
}

/* ---- plugins' part in logon (ABI 1.1; never read from a 1.0 descriptor,
 * which is shorter) -------------------------------------------------------- */

/* Where the mounted plugins send a freshly logged-on account, or NULL. */
static const char *after_logon_target(mc_req *mr, mc_db *db, const mc_account *a)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    const mc_account *saved = mr->account;
    const char *to = NULL;
    int i;
    mr->account = a;
    for (i = 0; i < mounts->nelts && !to; i++) {
        const mc_mount *m = &APR_ARRAY_IDX(mounts, i, mc_mount);
        if (m->plugin->abi_minor >= 1 && m->plugin->after_logon) {
            to = m->plugin->after_logon(mr, db);
            if (to && *to != '/')
                to = apr_pstrcat(mr->r->pool, m->path, "/", to, NULL);
        }
    }
    mr->account = saved;
    return to ? mc_safe_return(mr->r->pool, to) : NULL;
}

const char *mc_after_logon(mc_req *mr, mc_db *db)
{
    return mr->account ? after_logon_target(mr, db, mr->account) : NULL;
}

/* Where a freshly logged-on account goes: the in-site path it asked for
 * (ret) over the plugins' landing pages; a detour a plugin still names
 * (see mc_plugin.after_logon) comes first and carries ret on. */
const char *mc_next_after_logon(mc_req *mr, mc_db *db, const mc_account *a, const char *ret)
{
    const char *to = after_logon_target(mr, db, a);
    if (!to)
        return ret ? ret : home_url(mr);
    return ret ? with_return(mr->r->pool, to, ret) : to;
}

static void add_logon_links(mc_req *mr)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    int i;
    for (i = 0; i < mounts->nelts; i++) {
        const mc_mount *m = &APR_ARRAY_IDX(mounts, i, mc_mount);
        const mc_nav *n;
        if (m->plugin->abi_minor < 1)
            continue;
        for (n = m->plugin->logon_links; n && n->label; n++) {
            mc_vars *row = mc_vars_row(mr->vars, "logon_links");
            mc_vars_set(row, "label", n->label);
            mc_vars_set(row, "href", apr_pstrcat(mr->r->pool, m->path, n->path, NULL));
        }
    }
}

/* ---- Logon ------------------------------------------------------------------ */

static int logon_form(mc_req *mr, int status, const char *error, const char *ident)
{
    const char *ret = mc_logon_return(mr);
    if (error)
        mc_vars_set(mr->vars, "error", error);
    if (ident && *ident) {
        mc_vars_set(mr->vars, "ident", ident);
        mc_vars_set(mr->vars, "focus_password", "autofocus");
    }
    else
        mc_vars_set(mr->vars, "focus_username", "autofocus");
    if (ret)
        mc_vars_set(mr->vars, "return", ret);
    if (mc_query(mr, "reset"))
        mc_vars_set(mr->vars, "notice", "Password has been successfully reset");
    else if (mc_query(mr, "logoff"))
        mc_vars_set(mr->vars, "notice", "You have logged off.");
    else if (mc_query(mr, "expired"))
        mc_vars_set(mr->vars, "notice", "Your session has ended. Please log on again.");
    mc_vars_set(mr->vars, "action", mc_url(mr, "/logon"));
    add_logon_links(mr);
    mc_vars_setf(mr->vars, "lock_failures", "%d", mc_conf_get()->lockout_failures);
    mc_vars_set(mr->vars, "lock_time", lock_time(mr->r->pool));
    return mc_render(mr, status, "logon.html", "Logon");
}

static int logon_get(mc_req *mr)
{
    if (mr->account)
        return mc_redirect(mr, mc_logon_return(mr) ? mc_logon_return(mr) : home_url(mr));
    return logon_form(mr, HTTP_OK, NULL, NULL);
}

/* The account an identifier names: a username, or else an e-mail address
 * that an account has verified (a verified address belongs to one account;
 * an unverified one, which anybody may type at sign-up, names none). */
static apr_status_t find_account(apr_pool_t *p, mc_db *db, const char *ident, mc_found *f)
{
    mc_dbres *res;
    apr_status_t rv;
    static const char cols[] =
        "SELECT id, password_hash, status, must_change_password, email, username FROM "
        "mc_account WHERE ";
    memset(f, 0, sizeof(*f));
    rv = mc_db_query(db, p, &res, apr_pstrcat(p, cols, "username = ?", NULL), "s", ident);
    if (rv == APR_SUCCESS && res->nrows == 0 && strchr(ident, '@'))
        rv = mc_db_query(db, p, &res, apr_pstrcat(p, cols, "verified_email = ?", NULL), "s", ident);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    f->id = mc_dbres_int(res, 0, 0);
    f->hash = mc_dbres_get(res, 0, 1);
    f->status = mc_dbres_get(res, 0, 2);
    f->must_change = (int)mc_dbres_int(res, 0, 3);
    f->email = mc_dbres_get(res, 0, 4);
    f->username = mc_dbres_get(res, 0, 5);
    return APR_SUCCESS;
}

/* The password is checked only once the attempt holds a place in the
 * account's lock-out (or, for a name no account has, the name's, checked
 * against the dummy hash): see mod_mocourts_lockout.c. A refused attempt
 * still pays for a dummy check, so that a locked account answers as slowly
 * as an unknown name. */
apr_status_t mc_logon_verify(request_rec *r, mc_db *db, const char *ident, const char *pw,
                             mc_found *f, mc_logon_result *result)
{
    const char *subject;
    mc_attempt at;
    apr_status_t rv;
    int ok, locked_now = 0;

    if ((rv = find_account(r->pool, db, ident, f)) != APR_SUCCESS)
        return rv;
    subject = mc_lockout_subject(r->pool, f->id, ident);
    if ((rv = mc_attempt_take(db, r->pool, subject, &at)) != APR_SUCCESS)
        return rv;
    if (at == MC_ATTEMPT_BUSY) {
        *result = MC_LOGON_BUSY;
        return APR_SUCCESS;
    }
    if (at == MC_ATTEMPT_LOCKED) {
        mc_verify_dummy(pw);
        *result = MC_LOGON_LOCKED;
        return mc_audit_r(r, db, "logon-locked", f->id, 0, "refused while locked");
    }
    if (f->id && strlen(pw) <= MC_PASSWORD_MAX_BYTES)
        ok = mc_verify_password(f->hash, pw);
    else {
        mc_verify_dummy(pw);
        ok = 0;
    }
    if (ok != 0 && (rv = mc_attempt_release(db, subject)) != APR_SUCCESS)
        return rv;
    if (ok < 0) {
        *result = MC_LOGON_BUSY;
        return APR_SUCCESS;
    }
    if (!ok) {
        if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS)
            return rv;
        mc_audit_r(r, db, "logon-failed", f->id, 0,
                   mc_logon_detail(r, f->id ? "wrong password" : "unknown username", NULL));
        if (locked_now)
            mc_audit_r(r, db, "lockout", f->id, 0, "too many failed logons");
        *result = locked_now ? MC_LOGON_LOCKED : MC_LOGON_BAD;
        return APR_SUCCESS;
    }
    *result = MC_LOGON_OK;
    if (mc_password_needs_rehash(f->hash, &mc_conf_get()->cost)) {
        const char *h;
        if (mc_hash_password(r->pool, pw, &h) == APR_SUCCESS &&
            (rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_account SET password_hash = ? WHERE id = ?",
                             "si", h, f->id)) == APR_SUCCESS)
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          MCLOGNO(0601) "password of account %" APR_INT64_T_FMT
                                        " rehashed at the new cost",
                          (apr_int64_t)f->id);
    }
    return rv;
}

int mc_known_device(mc_req *mr, mc_db *db, long long id, apr_status_t *rv)
{
    const char *tok = mc_cookie_read(mr->r, mc_cookie_name("device", mr->r->pool));
    const char *hash;
    mc_dbres *res;
    long long n = 0;
    *rv = APR_SUCCESS;
    if (!tok || !mc_token_syntax_ok(tok))
        return 0;
    hash = mc_sha256_hex(mr->r->pool, tok, strlen(tok));
    *rv = mc_db_query(db, mr->r->pool, &res,
                      "SELECT 1 FROM mc_device WHERE account_id = ? AND device_hash = ?", "is", id,
                      hash);
    if (*rv != APR_SUCCESS || res->nrows == 0)
        return 0;
    /* (Affected rows count changed rows: a second logon within the same
     * second changes nothing, so the SELECT above is what decides.) */
    *rv = mc_db_exec(db, &n, NULL,
                     "UPDATE mc_device SET last_used = UTC_TIMESTAMP() WHERE account_id = ? AND "
                     "device_hash = ?",
                     "is", id, hash);
    return *rv == APR_SUCCESS;
}

/* Begin a transaction that first locks the account's row, so two logons of
 * one account at once queue up instead of deadlocking (their session and
 * code rows take shared locks on the account through the foreign keys). */
apr_status_t mc_begin_for_account(mc_req *mr, mc_db *db, long long id)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_begin(db);
    if (rv == APR_SUCCESS)
        rv = mc_db_query(db, mr->r->pool, &res, "SELECT id FROM mc_account WHERE id = ? FOR UPDATE",
                         "i", id);
    if (rv != APR_SUCCESS)
        mc_db_rollback(db);
    return rv;
}

/* Whether the account may be sent another device code this hour (*left 1).
 * Call inside begin_for_account, so that logons at once count in turn. */
static apr_status_t codes_left(mc_req *mr, mc_db *db, long long id, int *left)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT COUNT(*) FROM mc_code WHERE account_id = ? AND purpose "
                                  "= 'device' AND created_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR",
                                  "i", id);
    *left = rv == APR_SUCCESS && mc_dbres_int(res, 0, 0) < DEVICE_CODES_PER_HOUR;
    return rv;
}

static const char MSG_CODES_LIMIT[] = "Too many codes were sent in the last hour. Please wait and "
                                      "try again later.";

/* A new device code for the session's account, e-mailed through the outbox;
 * earlier codes are void. Stored as its keyed hash (mc_device_code_hash). */
static apr_status_t send_device_code(mc_req *mr, mc_db *db, mc_session *s, const char *email)
{
    const char *code = mc_random_digits(mr->r->pool, 6), *hash;
    mc_vars *v = mc_vars_make(mr->r->pool, NULL);
    apr_status_t rv;
    if (!(hash = mc_device_code_hash(mr, db, s->account.id, code, &rv)))
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE account_id = ? AND "
                    "purpose = 'device' AND used_at IS NULL",
                    "i", s->account.id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_code (account_id, purpose, code_hash, bound_to, "
                        "created_at, expires_at) VALUES (?, 'device', ?, ?, UTC_TIMESTAMP(), "
                        "UTC_TIMESTAMP() + INTERVAL ? SECOND)",
                        "issi", s->account.id, hash, s->token_hash, (long long)DEVICE_CODE_TTL);
    if (rv != APR_SUCCESS)
        return rv;
    mc_vars_set(v, "code", code);
    mc_vars_setf(v, "minutes", "%d", DEVICE_CODE_TTL / 60);
    mc_vars_set(v, "username", s->account.username);
    return mc_email_queue(mr, db, s->account.id, email, "device-code", "Your verification code",
                          "device-code.txt", v);
}

static int logon_post(mc_req *mr)
{
    const char *ident = trimmed(mr->r->pool, mc_field(mr, "username"));
    const char *pw = mc_field(mr, "password");
    const char *ret = mc_logon_return(mr), *stage = "full", *next;
    mc_logon_result result;
    mc_db *db;
    mc_session *s;
    mc_found f;
    apr_status_t rv;

    if (!*ident || !pw || !*pw)
        return logon_form(mr, HTTP_OK, "Enter your username or e-mail address and your password.",
                          ident);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_logon_verify(mr->r, db, ident, pw, &f, &result)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (result == MC_LOGON_BUSY)
        return mc_busy_message(mr, MSG_BUSY);
    if (result != MC_LOGON_OK)
        return logon_form(mr, HTTP_OK, msg_refused(mr->r->pool), ident);
    if (!strcmp(f.status, "disabled")) {
        mc_audit(mr, db, "logon-disabled", f.id, "account disabled");
        return logon_form(mr, HTTP_OK,
                          "Your account has been disabled. Please contact the court's Security "
                          "unit.",
                          ident);
    }
    if (!strcmp(f.status, "pending")) {
        mc_vars_set(mr->vars, "unverified", "1");
        return logon_form(mr, HTTP_OK,
                          "Your e-mail address has not been verified yet. Click the link in "
                          "the e-mail we sent you, then log on.",
                          ident);
    }
    if (f.must_change)
        stage = "password";
    else if (mc_conf_get()->device_code && !mc_known_device(mr, db, f.id, &rv)) {
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        stage = "device";
    }
    if (strcmp(stage, "password") && !(stage = mc_totp_stage(mr, db, f.id, stage, &rv)))
        return mc_fail(mr, rv);
    if (current(mr, NULL) && (rv = mc_session_end(mr->r, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_begin_for_account(mr, db, f.id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!strcmp(stage, "device")) {
        int left;
        if ((rv = codes_left(mr, db, f.id, &left)) != APR_SUCCESS) {
            mc_db_rollback(db);
            return mc_fail(mr, rv);
        }
        if (!left) {
            mc_db_rollback(db);
            mc_audit(mr, db, "device-code-limit", f.id, "no code sent: the hour's codes are used");
            return logon_form(mr, HTTP_OK, MSG_CODES_LIMIT, ident);
        }
    }
    rv = mc_session_create(mr->r, db, f.id, stage, &s);
    if (rv == APR_SUCCESS && !strcmp(stage, "device"))
        rv = send_device_code(mr, db, s, f.email);
    if (rv == APR_SUCCESS && !strcmp(stage, "full"))
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_account SET last_logon_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                        f.id);
    if (rv == APR_SUCCESS && strcmp(stage, "full"))
        rv = mc_audit(mr, db, "logon-step", f.id, stage);
    else if (rv == APR_SUCCESS)
        rv = mc_audit(
            mr, db, "logon", f.id,
            mc_logon_detail(mr->r, stage, mc_conf_get()->device_code ? "known" : "unchecked"));
    if (rv != APR_SUCCESS || (rv = mc_db_commit(db)) != APR_SUCCESS) {
        mc_db_rollback(db);
        mc_cookie_set(mr->r, mc_conf_get()->cookie, "", 0);
        return mc_fail(mr, rv);
    }
    if (!strcmp(stage, "full"))
        next = mc_next_after_logon(mr, db, &s->account, ret);
    else {
        next = mc_url(mr, mc_stage_path(stage));
        if (ret)
            next = with_return(mr->r->pool, next, ret);
    }
    return mc_redirect(mr, next);
}

/* ---- Logoff ----------------------------------------------------------------- */

static int logoff_post(mc_req *mr)
{
    mc_session *s = current(mr, NULL);
    mc_db *db;
    apr_status_t rv;
    if (s) {
        if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_audit(mr, db, "logoff", s->account.id, "");
        if ((rv = mc_session_end(mr->r, db)) != APR_SUCCESS)
            return mc_fail(mr, rv);
    }
    return mc_redirect(mr, mc_url(mr, "/logon?logoff=1"));
}

/* ---- forced password change (seed 000 steps 5-7) ---------------------------- */

/* What the pages of the steps a logon may stop at (Change Password, Verify
 * This Device) share: the sentences (either may be NULL), the path asked
 * for, and Cancel (log off). */
void mc_step_vars(mc_req *mr, const char *error, const char *notice)
{
    const char *ret = mc_logon_return(mr);
    if (error)
        mc_vars_set(mr->vars, "error", error);
    if (notice)
        mc_vars_set(mr->vars, "notice", notice);
    if (ret)
        mc_vars_set(mr->vars, "return", ret);
    mc_vars_set(mr->vars, "cancel_action", mc_url(mr, "/logoff"));
}

static int password_form(mc_req *mr, int status, const char *error)
{
    mc_step_vars(mr, error, NULL);
    mc_vars_set(mr->vars, "rules", mc_password_rules(mr));
    mc_vars_set(mr->vars, "action", mc_url(mr, "/password"));
    return mc_render(mr, status, "password.html", "Change Password");
}

static int password_get(mc_req *mr)
{
    if (!current(mr, "password"))
        return mc_redirect(mr, mc_url(mr, "/logon"));
    return password_form(mr, HTTP_OK, NULL);
}

static int password_post(mc_req *mr)
{
    mc_session *s = current(mr, "password");
    const char *pw = mc_field(mr, "new_password"), *again = mc_field(mr, "verify_password");
    const char *why, *hash, *old, *ret;
    mc_dbres *res;
    mc_db *db;
    mc_vars *v;
    apr_status_t rv;

    if (!s)
        return mc_redirect(mr, mc_url(mr, "/logon"));
    if (!pw || !*pw || !again || !*again)
        return password_form(mr, HTTP_OK, "Enter your new password twice.");
    if (strcmp(pw, again))
        return password_form(mr, HTTP_OK, "The new password and its verification do not match.");
    if ((why = mc_password_check(mr, pw, s->account.username)))
        return password_form(mr, HTTP_OK, why);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, mr->r->pool, &res, "SELECT password_hash FROM mc_account WHERE id = ?",
                     "i", s->account.id);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return mc_fail(mr, rv ? rv : MC_DB_EFAIL);
    old = mc_dbres_get(res, 0, 0);
    if (mc_verify_password(old, pw) == 1)
        return password_form(mr, HTTP_OK,
                             "Your new password must be different from your current password.");
    if ((rv = mc_hash_password(mr->r->pool, pw, &hash)) != APR_SUCCESS)
        return rv == APR_EAGAIN ? mc_busy(mr) : HTTP_INTERNAL_SERVER_ERROR;
    v = mc_vars_make(mr->r->pool, NULL);
    mc_vars_set(v, "username", s->account.username);
    if ((rv = mc_db_begin(db)) == APR_SUCCESS &&
        (rv = mc_account_set_password(db, s->account.id, hash)) == APR_SUCCESS &&
        (rv = mc_email_queue(mr, db, s->account.id, s->account.email, "password-changed",
                             "Your password was changed", "password-changed.txt", v)) ==
            APR_SUCCESS &&
        (rv = mc_audit(mr, db, "password-changed", s->account.id, "forced change")) ==
            APR_SUCCESS &&
        (rv = mc_session_end_all(mr, db, s->account.id)) == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS) {
        mc_db_rollback(db);
        return mc_fail(mr, rv);
    }
    mc_rstate_of(mr->r)->session = NULL;
    mc_cookie_set(mr->r, mc_conf_get()->cookie, "", 0);
    /* Seed 000 step 7: back to Logon; the path asked for goes along. */
    ret = mc_logon_return(mr);
    return mc_redirect(mr, ret ? with_return(mr->r->pool, mc_url(mr, "/logon?reset=1"), ret)
                               : mc_url(mr, "/logon?reset=1"));
}

/* ---- the new-device code ---------------------------------------------------- */

static int device_form(mc_req *mr, int status, const char *error, const char *notice)
{
    mc_step_vars(mr, error, notice);
    mc_vars_setf(mr->vars, "minutes", "%d", DEVICE_CODE_TTL / 60);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/device"));
    mc_vars_set(mr->vars, "resend_action", mc_url(mr, "/device/resend"));
    return mc_render(mr, status, "device.html", "Verify This Device");
}

static int device_get(mc_req *mr)
{
    if (!current(mr, "device"))
        return mc_redirect(mr, mc_url(mr, "/logon"));
    return device_form(mr, HTTP_OK, NULL, NULL);
}

static const char MSG_TOO_MANY[] = "Too many wrong codes were entered. Select \"Send a new code\".";
static const char MSG_CODE_GONE[] = "This code is no longer valid. Select \"Send a new code\".";

/* A code is checked as a password is: only once the attempt holds a place
 * in the account's lock-out, so wrong codes count toward it, across codes
 * (a new logon's code starts no new count), and at once or not. Each code
 * also allows DEVICE_CODE_TRIES, taken before the comparison. */
static int device_post(mc_req *mr)
{
    mc_session *s = current(mr, "device");
    const char *code = trimmed(mr->r->pool, mc_field(mr, "code")), *ret = mc_logon_return(mr);
    const char *tok, *subject, *hash, *to;
    mc_dbres *res;
    mc_db *db;
    mc_attempt at;
    apr_status_t rv;
    long long id, attempts, n = 0;
    int locked_now = 0;

    if (!s)
        return mc_redirect(mr, mc_url(mr, "/logon"));
    if (!*code)
        return device_form(mr, HTTP_OK, "Enter the code from the e-mail.", NULL);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT id, code_hash, expires_at > UTC_TIMESTAMP(), attempts, used_at IS "
                     "NULL FROM mc_code WHERE account_id = ? AND purpose = 'device' AND bound_to "
                     "= ? ORDER BY id DESC LIMIT 1",
                     "is", s->account.id, s->token_hash);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows == 0 || !mc_dbres_int(res, 0, 4))
        return device_form(mr, HTTP_OK, MSG_CODE_GONE, NULL);
    id = mc_dbres_int(res, 0, 0);
    attempts = mc_dbres_int(res, 0, 3);
    if (!mc_dbres_int(res, 0, 2))
        return device_form(mr, HTTP_OK, "This code has expired. Select \"Send a new code\".", NULL);
    if (attempts >= DEVICE_CODE_TRIES)
        return device_form(mr, HTTP_OK, MSG_TOO_MANY, NULL);
    subject = mc_lockout_subject(mr->r->pool, s->account.id, NULL);
    if ((rv = mc_attempt_take(db, mr->r->pool, subject, &at)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (at == MC_ATTEMPT_BUSY)
        return mc_busy_message(mr, MSG_BUSY);
    if (at == MC_ATTEMPT_LOCKED)
        return device_form(mr, HTTP_OK, mc_msg_locked(mr->r->pool), NULL);
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_code SET attempts = attempts + 1 WHERE id = ? AND attempts < ? AND "
                    "used_at IS NULL",
                    "ii", id, (long long)DEVICE_CODE_TRIES);
    if (rv != APR_SUCCESS || n != 1 ||
        !(hash = mc_device_code_hash(mr, db, s->account.id, code, &rv))) {
        apr_status_t rv2 = mc_attempt_release(db, subject);
        if (rv != APR_SUCCESS || rv2 != APR_SUCCESS)
            return mc_fail(mr, rv != APR_SUCCESS ? rv : rv2);
        /* Another request took the code's last try, or used it. */
        return device_form(mr, HTTP_OK, MSG_CODE_GONE, NULL);
    }
    if (!mc_ct_streq(hash, mc_dbres_get(res, 0, 1))) {
        if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_audit(mr, db, "device-code-wrong", s->account.id, "");
        if (locked_now) {
            mc_audit(mr, db, "lockout", s->account.id, "too many wrong codes and passwords");
            return device_form(mr, HTTP_OK, mc_msg_locked(mr->r->pool), NULL);
        }
        return device_form(mr, HTTP_OK,
                           attempts + 1 >= DEVICE_CODE_TRIES
                               ? MSG_TOO_MANY
                               : "The code you entered is not correct.",
                           NULL);
    }
    if ((rv = mc_attempt_release(db, subject)) != APR_SUCCESS ||
        !(to = mc_totp_stage(mr, db, s->account.id, "full", &rv)))
        return mc_fail(mr, rv);
    tok = mc_token_new(mr->r->pool);
    if ((rv = mc_begin_for_account(mr, db, s->account.id)) == APR_SUCCESS &&
        (rv = mc_db_exec(db, &attempts, NULL,
                         "UPDATE mc_code SET used_at = UTC_TIMESTAMP() WHERE id = ? AND used_at "
                         "IS NULL",
                         "i", id)) == APR_SUCCESS &&
        attempts == 1 &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "INSERT INTO mc_device (account_id, device_hash, created_at, last_used) "
                         "VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                         "is", s->account.id, mc_sha256_hex(mr->r->pool, tok, strlen(tok)))) ==
            APR_SUCCESS &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_account SET last_logon_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                         s->account.id)) == APR_SUCCESS &&
        (rv = strcmp(to, "full") ? mc_audit(mr, db, "logon-step", s->account.id, to)
                                 : mc_audit(mr, db, "logon", s->account.id,
                                            mc_logon_detail(mr->r, "new device confirmed",
                                                            "new"))) == APR_SUCCESS &&
        (rv = mc_session_promote(mr, to)) == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS || attempts != 1) {
        mc_db_rollback(db);
        if (rv == APR_SUCCESS)
            return device_form(mr, HTTP_OK, MSG_CODE_GONE, NULL);
        return mc_fail(mr, rv);
    }
    mc_cookie_set(mr->r, mc_cookie_name("device", mr->r->pool), tok, 400L * 24 * 3600);
    if (strcmp(to, "full"))
        return mc_redirect(mr, ret ? with_return(mr->r->pool, mc_url(mr, mc_stage_path(to)), ret)
                                   : mc_url(mr, mc_stage_path(to)));
    return mc_redirect(mr, mc_next_after_logon(mr, db, &s->account, ret));
}

static int device_resend(mc_req *mr)
{
    mc_session *s = current(mr, "device");
    mc_db *db;
    apr_status_t rv;
    int locked, left = 0;
    if (!s)
        return mc_redirect(mr, mc_url(mr, "/logon"));
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_lockout_check(mr, db, s->account.id, &locked)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (locked)
        return device_form(mr, HTTP_OK, mc_msg_locked(mr->r->pool), NULL);
    if ((rv = mc_begin_for_account(mr, db, s->account.id)) == APR_SUCCESS &&
        (rv = codes_left(mr, db, s->account.id, &left)) == APR_SUCCESS && left &&
        (rv = send_device_code(mr, db, s, s->account.email)) == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS || !left) {
        mc_db_rollback(db);
        if (rv == APR_SUCCESS)
            return device_form(mr, HTTP_OK, MSG_CODES_LIMIT, NULL);
        return mc_fail(mr, rv);
    }
    return device_form(mr, HTTP_OK, NULL, "A new code was sent to your e-mail address.");
}

/* ---- home ------------------------------------------------------------------- */

static int home_get(mc_req *mr)
{
    return mc_render(mr, HTTP_OK, "home.html", "Welcome");
}

static const mc_route logon_routes[] = {
    {"GET", "/", MC_ACCESS_ACCOUNT, NULL, home_get, 0},
    {"GET", "/help", MC_ACCESS_ANON, NULL, mc_footer_page, 0},
    {"GET", "/contact", MC_ACCESS_ANON, NULL, mc_footer_page, 0},
    {"GET", "/privacy", MC_ACCESS_ANON, NULL, mc_footer_page, 0},
    {"GET", "/accessibility", MC_ACCESS_ANON, NULL, mc_footer_page, 0},
    {"GET", "/logon", MC_ACCESS_ANON, NULL, logon_get, 0},
    {"POST", "/logon", MC_ACCESS_ANON, NULL, logon_post, 0},
    {"POST", "/logoff", MC_ACCESS_ANON, NULL, logoff_post, 0},
    {"GET", "/password", MC_ACCESS_ANON, NULL, password_get, 0},
    {"POST", "/password", MC_ACCESS_ANON, NULL, password_post, 0},
    {"GET", "/device", MC_ACCESS_ANON, NULL, device_get, 0},
    {"POST", "/device", MC_ACCESS_ANON, NULL, device_post, 0},
    {"POST", "/device/resend", MC_ACCESS_ANON, NULL, device_resend, 0},
    {NULL}};

/* The core's pages under /account: logon and its steps, and My Account's
 * API tokens (mod_mocourts_tokens.c). */
static const mc_route *const route_parts[] = {logon_routes, mc_token_routes, mc_webhook_routes,
                                              mc_totp_routes, NULL};

mc_plugin mc_logon_plugin = {
    MC_ABI_MAJOR, MC_ABI_MINOR, "logon", MC_VERSION, NULL, "core", 0, "core", NULL, NULL};

void mc_logon_register(apr_pool_t *p)
{
    mc_logon_plugin.routes = mc_routes_join(p, route_parts);
    MC_PLUGIN_REGISTER(p, &mc_logon_plugin);
}
