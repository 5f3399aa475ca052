/* mod_mocourts_totp_setup.c: My Account's Two-step verification pages
 * (issue 17; see mod_mocourts_totp.c): set up (a new key shown as a QR
 * code, drawn here as an SVG from libqrencode's modules, and as base32
 * text), turned on by a code from it with ten recovery codes shown once,
 * new recovery codes and turning it off with the password. At the logon's
 * "enrol" stage (MoCourtsTwoStepRequired) the same pages finish the logon. */
#include "mod_mocourts_totp.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "mc_form.h"

#include <ctype.h>
#include <qrencode.h>
#include <sodium.h>

/* Crockford's base32 digits: no i, l, o or u to misread. */
static const char recovery_digits[] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char MSG_BUSY[] =
    "Many people are logging on right now. Please try again in a moment.";

static const mc_label notes[] = {{"off", "Two-step verification is off."}, {NULL}};

/* ---- the QR code ---------------------------------------------------------------- */

/* s percent-encoded but for RFC 3986's unreserved characters. */
static const char *pct(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            *o++ = (char)c;
        else
            o += sprintf(o, "%%%02X", c);
    }
    *o = '\0';
    return out;
}

static const char *issuer(void)
{
    const char *c = mc_conf_get()->court_name;
    return c && *c ? c : "Missouri Courts";
}

/* otpauth://totp/ISSUER:USERNAME?secret=...&issuer=... (Key Uri Format). */
static const char *otpauth_uri(apr_pool_t *p, const char *username, const char *b32)
{
    return apr_pstrcat(p, "otpauth://totp/", pct(p, issuer()), ":", pct(p, username),
                       "?secret=", b32, "&issuer=", pct(p, issuer()),
                       "&algorithm=SHA1&digits=6&period=30", NULL);
}

/* text as a QR code in SVG: one path, a run of dark modules per move, a
 * quiet zone of 4 modules. NULL when it cannot be encoded. */
static const char *qr_svg(apr_pool_t *p, const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    const char *out;
    char *d, *o;
    int x, y, run, w;
    if (!q)
        return NULL;
    w = q->width;
    d = o = apr_palloc(p, (apr_size_t)w * w * 16 + 1);
    for (y = 0; y < w; y++)
        for (x = 0; x < w; x += run ? run : 1) {
            for (run = 0; x + run < w && (q->data[y * w + x + run] & 1); run++)
                ;
            if (run)
                o += sprintf(o, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
        }
    *o = '\0';
    out = apr_psprintf(p,
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                       "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
                       "fill=\"#fff\"/><path fill=\"#000\" d=\"%s\"/></svg>\n",
                       w + 8, w + 8, w + 8, w + 8, d);
    QRcode_free(q);
    return out;
}

/* ---- My Account: Two-step verification ------------------------------------------- */

/* The account the set-up pages are for: the logged-on one, or the one a
 * logon holds at the "enrol" stage (*enrolling 1). */
static const mc_account *setup_account(mc_req *mr, int *enrolling)
{
    mc_session *s;
    *enrolling = 0;
    if (mr->account)
        return mr->account;
    if ((s = mc_totp_session(mr, "enrol"))) {
        *enrolling = 1;
        return &s->account;
    }
    return NULL;
}

static int to_logon(mc_req *mr)
{
    return mc_redirect(mr, mc_logon_url(mr->r->pool, mc_url(mr, "/two-step")));
}

/* path below the logon mount, with the logon's return path kept. */
static const char *step_url(mc_req *mr, const char *path)
{
    const char *ret = mc_logon_return(mr), *u = mc_url(mr, path);
    if (!ret)
        return u;
    return apr_pstrcat(mr->r->pool, u, strchr(u, '?') ? "&" : "?",
                       "return=", mc_form_encode(mr->r->pool, ret), NULL);
}

/* The page in account a's state (enrolling: at the logon's "enrol"
 * stage); codes: the recovery codes just made. */
static int setup_page(mc_req *mr, const mc_account *a, int enrolling, int status, const char *error,
                      const char *const *codes)
{
    int on = 0, required = 0, i;
    const mc_mount *reg = mc_mount_of("registration");
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return to_logon(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_totp_state(mr, db, a->id, &on, &required)) != APR_SUCCESS ||
        (rv = mc_db_query(db, mr->r->pool, &res,
                          "SELECT DATE_FORMAT(t.enabled_at, '%Y-%m-%d %H:%i UTC'), "
                          "(SELECT COUNT(*) FROM mc_totp_recovery r WHERE r.account_id = "
                          "t.account_id AND r.used_at IS NULL) FROM mc_totp t WHERE "
                          "t.account_id = ?",
                          "i", a->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_step_vars(mr, error, NULL);
    if (enrolling && !codes)
        mc_vars_set(mr->vars, "enrolling", "1");
    else if (!enrolling)
        mc_vars_set(mr->vars, "myaccount_url",
                    reg ? apr_pstrcat(mr->r->pool, reg->path, "/myaccount", NULL)
                        : mc_url(mr, "/"));
    if (on) {
        mc_vars_set(mr->vars, "on", "1");
        mc_vars_set(mr->vars, "since", mc_dbres_get(res, 0, 0));
        mc_vars_set(mr->vars, "codes_left", mc_dbres_get(res, 0, 1));
        if (required)
            mc_vars_set(mr->vars, "required", "1");
        else if (!enrolling)
            mc_vars_set(mr->vars, "disable_action", mc_url(mr, "/two-step/disable"));
        if (!enrolling)
            mc_vars_set(mr->vars, "renew_action", mc_url(mr, "/two-step/recovery-codes"));
    }
    else if (res->nrows == 1) {
        mc_vars_set(mr->vars, "pending", "1");
        mc_vars_set(mr->vars, "qr_url", step_url(mr, "/two-step/qr.svg"));
        mc_vars_set(mr->vars, "confirm_action", step_url(mr, "/two-step/confirm"));
        if (!enrolling)
            mc_vars_set(mr->vars, "ask_password", "1");
    }
    if (!on)
        mc_vars_set(mr->vars, "setup_action", step_url(mr, "/two-step/setup"));
    if (res->nrows == 1 && !on) {
        unsigned char secret[KEY_BYTES];
        const char *b32;
        int found = 0;
        if ((rv = mc_totp_load(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        b32 = found ? mc_totp_base32(mr->r->pool, secret) : NULL;
        sodium_memzero(secret, sizeof(secret));
        if (b32) {
            /* In groups of four, as apps show it. */
            char *g = apr_palloc(mr->r->pool, strlen(b32) * 5 / 4 + 1), *o = g;
            for (i = 0; b32[i]; i++) {
                if (i && i % 4 == 0)
                    *o++ = ' ';
                *o++ = b32[i];
            }
            *o = '\0';
            mc_vars_set(mr->vars, "secret_text", g);
        }
    }
    for (i = 0; codes && codes[i]; i++)
        mc_vars_set(mc_vars_row(mr->vars, "recovery_codes"), "code", codes[i]);
    if (codes && enrolling)
        mc_vars_set(mr->vars, "continue_url", mc_next_after_logon(mr, db, a, mc_logon_return(mr)));
    mc_done_notice(mr, notes, error);
    return mc_render(mr, status, "two-step.html", "Two-step verification");
}

static int setup_get(mc_req *mr)
{
    int enrolling;
    const mc_account *a = setup_account(mr, &enrolling);
    return setup_page(mr, a, enrolling, HTTP_OK, NULL, NULL);
}

/* The QR code of the key being set up (never of one that is on). */
static int qr_get(mc_req *mr)
{
    int enrolling, found = 0;
    const mc_account *a = setup_account(mr, &enrolling);
    unsigned char secret[KEY_BYTES];
    const char *b32 = NULL, *svg;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_totp_load(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (found)
        b32 = mc_totp_base32(mr->r->pool, secret);
    sodium_memzero(secret, sizeof(secret));
    if (!b32)
        return HTTP_NOT_FOUND;
    if (!(svg = qr_svg(mr->r->pool, otpauth_uri(mr->r->pool, a->username, b32))))
        return HTTP_INTERNAL_SERVER_ERROR;
    apr_table_setn(mr->r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(mr->r->err_headers_out, "X-Content-Type-Options", "nosniff");
    ap_set_content_type(mr->r, "image/svg+xml");
    ap_set_content_length(mr->r, strlen(svg));
    if (!mr->r->header_only)
        ap_rputs(svg, mr->r);
    return OK;
}

/* A new key to set up (one being set up is replaced; one that is on stays). */
static int setup_post(mc_req *mr)
{
    int enrolling;
    const mc_account *a = setup_account(mr, &enrolling);
    unsigned char secret[KEY_BYTES];
    const char *box;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return to_logon(mr);
    randombytes_buf(secret, sizeof(secret));
    rv = mc_req_db(mr, &db);
    if (rv == APR_SUCCESS)
        rv = mc_totp_seal(mr, db, a->id, secret, &box);
    sodium_memzero(secret, sizeof(secret));
    if (rv != APR_SUCCESS ||
        (rv = mc_db_exec(db, NULL, NULL,
                         "DELETE FROM mc_totp WHERE account_id = ? AND enabled_at IS NULL", "i",
                         a->id)) != APR_SUCCESS ||
        (rv = mc_db_exec(db, NULL, NULL,
                         "INSERT IGNORE INTO mc_totp (account_id, secret, created_at) "
                         "VALUES (?, ?, UTC_TIMESTAMP())",
                         "is", a->id, box)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, step_url(mr, "/two-step"));
}

/* RECOVERY_CODES new codes "xxxxx-xxxxx" into codes, their hashes stored
 * (earlier ones void). In the caller's transaction. */
static apr_status_t new_recovery_codes(mc_req *mr, mc_db *db, long long id, const char **codes)
{
    apr_status_t rv =
        mc_db_exec(db, NULL, NULL, "DELETE FROM mc_totp_recovery WHERE account_id = ?", "i", id);
    int i, j;
    for (i = 0; i < RECOVERY_CODES && rv == APR_SUCCESS; i++) {
        char c[RECOVERY_CHARS + 1], shown[RECOVERY_CHARS + 2];
        const char *hash;
        for (j = 0; j < RECOVERY_CHARS; j++)
            c[j] = recovery_digits[randombytes_uniform(sizeof(recovery_digits) - 1)];
        c[RECOVERY_CHARS] = '\0';
        snprintf(shown, sizeof(shown), "%.5s-%s", c, c + 5);
        codes[i] = apr_pstrdup(mr->r->pool, shown);
        if (!(hash = mc_code_hash(mr, db, "recovery", id, c, &rv)))
            break;
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_totp_recovery (account_id, code_hash) VALUES (?, ?)", "is",
                        id, hash);
    }
    codes[i] = NULL;
    return rv;
}

/* The code that shows the key is in the app turns it on; the recovery
 * codes are shown this once. At the "enrol" stage, the logon completes. */
static int password_right(mc_req *mr, mc_db *db, const char *pw, const char *event, int *answer);

static int confirm_post(mc_req *mr)
{
    int enrolling, found = 0, ok, answer = OK;
    const mc_account *a = setup_account(mr, &enrolling);
    const char *code = mc_totp_squeezed(mr->r->pool, mc_field(mr, "code"));
    const char *codes[RECOVERY_CODES + 1];
    unsigned char secret[KEY_BYTES];
    long long step = 0, n = 0;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return to_logon(mr);
    if (!*code)
        return setup_page(mr, a, enrolling, HTTP_OK, "Enter the 6-digit code your app shows.",
                          NULL);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_totp_load(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_redirect(mr, step_url(mr, "/two-step"));
    ok = mc_totp_matches(secret, code, &step);
    sodium_memzero(secret, sizeof(secret));
    if (!ok)
        return setup_page(mr, a, enrolling, HTTP_OK,
                          "The code you entered is not correct. Check that your phone's clock is "
                          "right, then enter the code your app shows now.",
                          NULL);
    /* Logged on: the password too, as for the account's other changes (a
     * logon at the "enrol" stage has just given it). */
    if (!enrolling &&
        !password_right(mr, db, mc_field(mr, "password"), "totp-enable-refused", &answer))
        return answer;
    if ((rv = mc_begin_for_account(mr, db, a->id)) == APR_SUCCESS &&
        (rv = mc_db_exec(db, &n, NULL,
                         "UPDATE mc_totp SET enabled_at = UTC_TIMESTAMP(), last_step = ? WHERE "
                         "account_id = ? AND enabled_at IS NULL",
                         "ii", step, a->id)) == APR_SUCCESS &&
        n == 1 && (rv = new_recovery_codes(mr, db, a->id, codes)) == APR_SUCCESS &&
        (rv = mc_audit(mr, db, "totp-enabled", a->id, enrolling ? "at logon (required)" : "")) ==
            APR_SUCCESS &&
        (!enrolling ||
         ((rv = mc_db_exec(db, NULL, NULL,
                           "UPDATE mc_account SET last_logon_at = UTC_TIMESTAMP() WHERE id = ?",
                           "i", a->id)) == APR_SUCCESS &&
          (rv = mc_audit(mr, db, "logon", a->id,
                         mc_logon_detail(mr->r, "two-step set up",
                                         mc_conf_get()->device_code ? "known" : "unchecked"))) ==
              APR_SUCCESS &&
          (rv = mc_session_promote(mr, "full")) == APR_SUCCESS)))
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS || n != 1) {
        mc_db_rollback(db);
        if (rv == APR_SUCCESS) /* confirmed at once by another request */
            return mc_redirect(mr, step_url(mr, "/two-step"));
        return mc_fail(mr, rv);
    }
    mc_vars_set(mr->vars, "codes_heading", "Two-step verification is on");
    return setup_page(mr, a, enrolling, HTTP_OK, NULL, codes);
}

/* The logged-on account's password pw, checked as at logon: only once the
 * attempt holds a place in the account's lock-out; a wrong one is a
 * failure, audited as event. 1 when right; else *answer is the response
 * (the page again with why). */
static int password_right(mc_req *mr, mc_db *db, const char *pw, const char *event, int *answer)
{
    const mc_account *a = mr->account;
    const char *subject = mc_lockout_subject(mr->r->pool, a->id, NULL);
    int ok, locked_now = 0;
    mc_attempt at;
    mc_dbres *res;
    apr_status_t rv;
    if (!pw || !*pw) {
        *answer = setup_page(mr, a, 0, HTTP_OK, "Enter your password.", NULL);
        return 0;
    }
    if ((rv = mc_attempt_take(db, mr->r->pool, subject, &at)) != APR_SUCCESS) {
        *answer = mc_fail(mr, rv);
        return 0;
    }
    if (at != MC_ATTEMPT_GO) {
        *answer = at == MC_ATTEMPT_BUSY
                      ? mc_busy_message(mr, MSG_BUSY)
                      : setup_page(mr, a, 0, HTTP_OK, mc_msg_locked(mr->r->pool), NULL);
        return 0;
    }
    rv = mc_db_query(db, mr->r->pool, &res, "SELECT password_hash FROM mc_account WHERE id = ?",
                     "i", a->id);
    if (rv != APR_SUCCESS || res->nrows != 1) {
        mc_attempt_release(db, subject);
        *answer = mc_fail(mr, rv ? rv : MC_DB_EFAIL);
        return 0;
    }
    ok = strlen(pw) <= MC_PASSWORD_MAX_BYTES ? mc_verify_password(mc_dbres_get(res, 0, 0), pw) : 0;
    if (ok != 0 && (rv = mc_attempt_release(db, subject)) != APR_SUCCESS) {
        *answer = mc_fail(mr, rv);
        return 0;
    }
    if (ok > 0)
        return 1;
    if (ok < 0) {
        *answer = mc_busy_message(mr, MSG_BUSY);
        return 0;
    }
    if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS) {
        *answer = mc_fail(mr, rv);
        return 0;
    }
    mc_audit(mr, db, event, a->id, "wrong password");
    if (locked_now)
        mc_audit(mr, db, "lockout", a->id, "too many wrong codes and passwords");
    *answer = setup_page(
        mr, a, 0, HTTP_OK,
        locked_now ? mc_msg_locked(mr->r->pool) : "The password you entered is not correct.", NULL);
    return 0;
}

/* The start of a change to an account's two-step verification that is on:
 * -1 with its connection and whether its role requires it, else the
 * handler's answer (to logon, to the set-up page when it is off, a database
 * error). */
static int when_on(mc_req *mr, mc_db **db, int *required)
{
    apr_status_t rv;
    int on = 0;
    if (!mr->account)
        return to_logon(mr);
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS ||
        (rv = mc_totp_state(mr, *db, mr->account->id, &on, required)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return on ? -1 : mc_redirect(mr, mc_url(mr, "/two-step"));
}

/* Off, with the account's password; never for an account whose role
 * requires it. */
static int disable_post(mc_req *mr)
{
    int required = 0, answer;
    mc_db *db;
    apr_status_t rv;
    if ((answer = when_on(mr, &db, &required)) >= 0)
        return answer;
    if (required)
        return setup_page(mr, mr->account, 0, HTTP_OK,
                          "Your role requires two-step verification: it cannot be turned off.",
                          NULL);
    if (!password_right(mr, db, mc_field(mr, "password"), "totp-disable-refused", &answer))
        return answer;
    if ((rv = mc_db_begin(db)) != APR_SUCCESS ||
        (rv = mc_two_step_reset(mr, db, mr->account->id)) != APR_SUCCESS ||
        (rv = mc_audit(mr, db, "totp-disabled", mr->account->id, "")) != APR_SUCCESS ||
        (rv = mc_db_commit(db)) != APR_SUCCESS) {
        mc_db_rollback(db);
        return mc_fail(mr, rv);
    }
    return mc_redirect(mr, mc_url(mr, "/two-step?done=off"));
}

/* Ten new recovery codes for the old ones (used or not), with the
 * password; shown this once. */
static int renew_post(mc_req *mr)
{
    const char *codes[RECOVERY_CODES + 1];
    int required = 0, answer;
    mc_db *db;
    apr_status_t rv;
    if ((answer = when_on(mr, &db, &required)) >= 0)
        return answer;
    if (!password_right(mr, db, mc_field(mr, "password"), "recovery-codes-refused", &answer))
        return answer;
    if ((rv = mc_begin_for_account(mr, db, mr->account->id)) != APR_SUCCESS ||
        (rv = new_recovery_codes(mr, db, mr->account->id, codes)) != APR_SUCCESS ||
        (rv = mc_audit(mr, db, "recovery-codes-renewed", mr->account->id, "")) != APR_SUCCESS ||
        (rv = mc_db_commit(db)) != APR_SUCCESS) {
        mc_db_rollback(db);
        return mc_fail(mr, rv);
    }
    mc_vars_set(mr->vars, "codes_heading", "Your new recovery codes");
    return setup_page(mr, mr->account, 0, HTTP_OK, NULL, codes);
}

const mc_route mc_totp_routes[] = {
    {"GET", "/two-step-code", MC_ACCESS_ANON, NULL, mc_totp_code_get, 0},
    {"POST", "/two-step-code", MC_ACCESS_ANON, NULL, mc_totp_code_post, 0},
    {"GET", "/two-step", MC_ACCESS_ANON, NULL, setup_get, 0},
    {"GET", "/two-step/qr.svg", MC_ACCESS_ANON, NULL, qr_get, 0},
    {"POST", "/two-step/setup", MC_ACCESS_ANON, NULL, setup_post, 0},
    {"POST", "/two-step/confirm", MC_ACCESS_ANON, NULL, confirm_post, 0},
    {"POST", "/two-step/disable", MC_ACCESS_ACCOUNT, NULL, disable_post, 0},
    {"POST", "/two-step/recovery-codes", MC_ACCESS_ACCOUNT, NULL, renew_post, 0},
    {NULL}};
