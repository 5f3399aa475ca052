/* mod_mocourts_totp.c: two-step verification with an authenticator app
 * (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps; issue 17).
 *
 * The key is 20 random bytes (libsodium), shown once as a QR code
 * (libqrencode, an SVG drawn here) of its otpauth:// URI and as base32
 * text, and enabled only when a code made from it is entered. It is kept
 * encrypted (crypto_secretbox) under a key derived from the code key
 * (mc_code_hash, purpose "totp-key", per account). Codes are checked by
 * liboath (oath_totp_validate3), one step either side; the step of each
 * accepted code is stored, and a code of that step or an earlier one is
 * refused (RFC 6238 section 5.2). Ten single-use recovery codes are shown
 * once and stored as their keyed hash (mc_code_hash, purpose "recovery").
 *
 * At logon an account with it on is asked for a code after the password
 * (stage "totp"), instead of the e-mailed new-device code; wrong codes
 * count toward the account's lock-out, as wrong passwords and device codes
 * do. An account holding a role MoCourtsTwoStepRequired names, without it,
 * is held at the set-up page (stage "enrol") until it is on. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "mc_form.h"

#include <ctype.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <time.h>

#define KEY_BYTES 20 /* RFC 4226's recommended 160 bits */
#define STEP_SECONDS 30
#define RECOVERY_CODES 10
#define RECOVERY_CHARS 10 /* shown as two groups of 5 */
#define BOX_HEX ((crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + KEY_BYTES) * 2)

/* Crockford's base32 digits: no i, l, o or u to misread. */
static const char recovery_digits[] = "0123456789abcdefghjkmnpqrstvwxyz";

static const char MSG_WRONG[] = "The code you entered is not correct.";
static const char MSG_USED[] =
    "This code was already used. Wait for the next code in your app, then enter it.";
static const char MSG_BUSY[] = "Many people are logging on right now. Please try again in a moment.";

static const mc_label notes[] = {{"off", "Two-step verification is off."}, {NULL}};

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status;

static void oath_start(void)
{
    oath_status = oath_init();
}

static mc_session *stage_session(mc_req *mr, const char *stage)
{
    mc_session *s = mc_rstate_of(mr->r)->session;
    return s && !strcmp(s->stage, stage) ? s : NULL;
}

/* ---- the key, kept encrypted --------------------------------------------------- */

static apr_status_t box_key(mc_req *mr, mc_db *db, long long id, unsigned char *key)
{
    apr_status_t rv;
    const char *hex = mc_code_hash(mr, db, "totp-key", id, "", &rv);
    size_t n = 0;
    if (!hex)
        return rv;
    if (sodium_hex2bin(key, crypto_secretbox_KEYBYTES, hex, strlen(hex), NULL, &n, NULL) ||
        n != crypto_secretbox_KEYBYTES)
        return APR_EGENERAL;
    return APR_SUCCESS;
}

/* The hex of nonce, MAC and ciphertext of secret. */
static apr_status_t seal(mc_req *mr, mc_db *db, long long id, const unsigned char *secret,
                         const char **out)
{
    unsigned char key[crypto_secretbox_KEYBYTES];
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + KEY_BYTES];
    char *hex = apr_palloc(mr->r->pool, BOX_HEX + 1);
    apr_status_t rv = box_key(mr, db, id, key);
    if (rv != APR_SUCCESS)
        return rv;
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, secret, KEY_BYTES, box, key);
    sodium_memzero(key, sizeof(key));
    *out = sodium_bin2hex(hex, BOX_HEX + 1, box, sizeof(box));
    return APR_SUCCESS;
}

/* The account's key into secret (KEY_BYTES): *found 0 when it has none (of
 * that kind: enabled 1, on; 0, set up and not yet confirmed). */
static apr_status_t load_key(mc_req *mr, mc_db *db, long long id, int enabled,
                             unsigned char *secret, int *found)
{
    unsigned char key[crypto_secretbox_KEYBYTES];
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + KEY_BYTES];
    const char *hex;
    mc_dbres *res;
    size_t n = 0;
    apr_status_t rv;
    *found = 0;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT secret FROM mc_totp WHERE account_id = ? AND "
                     "(enabled_at IS NOT NULL) = ?",
                     "ii", id, (long long)enabled);
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    hex = mc_dbres_get(res, 0, 0);
    if ((rv = box_key(mr, db, id, key)) != APR_SUCCESS)
        return rv;
    if (sodium_hex2bin(box, sizeof(box), hex, strlen(hex), NULL, &n, NULL) || n != sizeof(box) ||
        crypto_secretbox_open_easy(secret, box + crypto_secretbox_NONCEBYTES,
                                   sizeof(box) - crypto_secretbox_NONCEBYTES, box, key)) {
        sodium_memzero(key, sizeof(key));
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r,
                      MCLOGNO(0620) "the two-step key of account %lld cannot be opened: was the "
                                    "code key (MoCourtsSecretFile or mc_secret) changed?",
                      id);
        return APR_EGENERAL;
    }
    sodium_memzero(key, sizeof(key));
    *found = 1;
    return APR_SUCCESS;
}

/* 1 when code (6 digits) is the key's within one step of now; *step: its
 * time step. */
static int code_matches(const unsigned char *secret, const char *code, long long *step)
{
    uint64_t counter = 0;
    int pos = 0;
    pthread_once(&oath_once, oath_start);
    if (oath_status != OATH_OK || strlen(code) != 6)
        return 0;
    if (oath_totp_validate3((const char *)secret, KEY_BYTES, time(NULL), STEP_SECONDS, 0, 1, &pos,
                            &counter, code) < 0)
        return 0;
    *step = (long long)counter;
    return 1;
}

/* ---- the account's state ------------------------------------------------------- */

/* *on: two-step verification is on; *required: MoCourtsTwoStepRequired
 * names one of the account's roles. */
static apr_status_t totp_state_p(apr_pool_t *p, mc_db *db, long long id, int *on, int *required)
{
    const apr_array_header_t *roles = mc_conf_get()->twostep_roles;
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, p, &res,
        "SELECT (SELECT COUNT(*) FROM mc_totp WHERE account_id = ? AND enabled_at IS NOT NULL), "
        "(SELECT COUNT(*) FROM mc_account_role WHERE account_id = ? AND FIND_IN_SET(role, ?) > 0)",
        "iis", id, id, roles ? apr_array_pstrcat(p, roles, ',') : "");
    if (rv == APR_SUCCESS) {
        *on = mc_dbres_int(res, 0, 0) > 0;
        *required = mc_dbres_int(res, 0, 1) > 0;
    }
    return rv;
}

static apr_status_t totp_state(mc_req *mr, mc_db *db, long long id, int *on, int *required)
{
    return totp_state_p(mr->r->pool, db, id, on, required);
}

apr_status_t mc_totp_basic_refused(request_rec *r, mc_db *db, long long id, int *refused)
{
    int on = 0, required = 0;
    apr_status_t rv = totp_state_p(r->pool, db, id, &on, &required);
    *refused = on || required;
    return rv;
}

const char *mc_totp_stage(mc_req *mr, mc_db *db, long long id, const char *stage,
                          apr_status_t *rv)
{
    int on = 0, required = 0;
    if ((*rv = totp_state(mr, db, id, &on, &required)) != APR_SUCCESS)
        return NULL;
    if (on)
        return "totp";
    return required && !strcmp(stage, "full") ? "enrol" : stage;
}

const char *mc_stage_path(const char *stage)
{
    if (!strcmp(stage, "password"))
        return "/password";
    if (!strcmp(stage, "totp"))
        return "/two-step-code";
    if (!strcmp(stage, "enrol"))
        return "/two-step";
    return "/device";
}

/* ---- codes at logon ------------------------------------------------------------- */

typedef enum { CODE_WRONG, CODE_OK, CODE_RECOVERY, CODE_USED } code_verdict;

/* typed without spaces and hyphens, lower case. */
static const char *squeezed(apr_pool_t *p, const char *typed)
{
    char *out = apr_palloc(p, strlen(typed ? typed : "") + 1), *o = out;
    for (; typed && *typed; typed++)
        if (!isspace((unsigned char)*typed) && *typed != '-')
            *o++ = (char)tolower((unsigned char)*typed);
    *o = '\0';
    return out;
}

/* A code of the app (taken: its step becomes the last accepted) or an
 * unused recovery code (used up, audited). */
static apr_status_t check_code(mc_req *mr, mc_db *db, long long id, const char *typed,
                               code_verdict *out)
{
    const char *code = squeezed(mr->r->pool, typed), *hash;
    unsigned char secret[KEY_BYTES];
    long long step = 0, n = 0;
    apr_status_t rv = APR_SUCCESS;
    int found = 0, ok;
    *out = CODE_WRONG;
    if (strlen(code) == 6 && strspn(code, "0123456789") == 6) {
        if ((rv = load_key(mr, db, id, 1, secret, &found)) != APR_SUCCESS || !found)
            return rv;
        ok = code_matches(secret, code, &step);
        sodium_memzero(secret, sizeof(secret));
        if (!ok)
            return APR_SUCCESS;
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_totp SET last_step = ? WHERE account_id = ? AND enabled_at IS "
                        "NOT NULL AND last_step < ?",
                        "iii", step, id, step);
        *out = n == 1 ? CODE_OK : CODE_USED;
        return rv;
    }
    if (strlen(code) != RECOVERY_CHARS)
        return APR_SUCCESS;
    if (!(hash = mc_code_hash(mr, db, "recovery", id, code, &rv)))
        return rv;
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_totp_recovery SET used_at = UTC_TIMESTAMP() WHERE account_id = ? "
                    "AND code_hash = ? AND used_at IS NULL",
                    "is", id, hash);
    if (rv != APR_SUCCESS || n != 1)
        return rv;
    *out = CODE_RECOVERY;
    return mc_audit(mr, db, "recovery-code-used", id, "at logon");
}

static int code_form(mc_req *mr, int status, const char *error)
{
    mc_step_vars(mr, error, NULL);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/two-step-code"));
    return mc_render(mr, status, "two-step-code.html", "Two-Step Verification");
}

static int code_get(mc_req *mr)
{
    if (!stage_session(mr, "totp"))
        return mc_redirect(mr, mc_url(mr, "/logon"));
    return code_form(mr, HTTP_OK, NULL);
}

/* Checked as the device code is: only once the attempt holds a place in
 * the account's lock-out; a wrong (or already used) code is a failure. */
static int code_post(mc_req *mr)
{
    mc_session *s = stage_session(mr, "totp");
    const char *typed = mc_field(mr, "code"), *subject, *tok = NULL, *ret = mc_logon_return(mr);
    code_verdict v;
    mc_attempt at;
    mc_db *db;
    apr_status_t rv;
    int locked_now = 0, known;

    if (!s)
        return mc_redirect(mr, mc_url(mr, "/logon"));
    if (!typed || !*squeezed(mr->r->pool, typed))
        return code_form(mr, HTTP_OK,
                         "Enter the code from your authenticator app, or a recovery code.");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    subject = mc_lockout_subject(mr->r->pool, s->account.id, NULL);
    if ((rv = mc_attempt_take(db, mr->r->pool, subject, &at)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (at == MC_ATTEMPT_BUSY)
        return mc_busy_message(mr, MSG_BUSY);
    if (at == MC_ATTEMPT_LOCKED)
        return code_form(mr, HTTP_OK, mc_msg_locked(mr->r->pool));
    if ((rv = check_code(mr, db, s->account.id, typed, &v)) != APR_SUCCESS) {
        mc_attempt_release(db, subject);
        return mc_fail(mr, rv);
    }
    if (v == CODE_WRONG || v == CODE_USED) {
        if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_audit(mr, db, "totp-code-wrong", s->account.id, v == CODE_USED ? "already used" : "");
        if (locked_now) {
            mc_audit(mr, db, "lockout", s->account.id, "too many wrong codes and passwords");
            return code_form(mr, HTTP_OK, mc_msg_locked(mr->r->pool));
        }
        return code_form(mr, HTTP_OK, v == CODE_USED ? MSG_USED : MSG_WRONG);
    }
    if ((rv = mc_attempt_release(db, subject)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* The device is known from here on, as after an e-mailed code. */
    known = mc_known_device(mr, db, s->account.id, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!known)
        tok = mc_token_new(mr->r->pool);
    if ((rv = mc_begin_for_account(mr, db, s->account.id)) == APR_SUCCESS &&
        (known ||
         (rv = mc_db_exec(db, NULL, NULL,
                          "INSERT INTO mc_device (account_id, device_hash, created_at, "
                          "last_used) VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                          "is", s->account.id, mc_sha256_hex(mr->r->pool, tok, strlen(tok)))) ==
             APR_SUCCESS) &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_account SET last_logon_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                         s->account.id)) == APR_SUCCESS &&
        (rv = mc_audit(mr, db, "logon", s->account.id,
                       mc_logon_detail(mr->r,
                                       v == CODE_RECOVERY ? "two-step recovery code"
                                                          : "two-step code",
                                       known ? "known" : "new"))) == APR_SUCCESS &&
        (rv = mc_session_promote(mr, "full")) == APR_SUCCESS)
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS) {
        mc_db_rollback(db);
        return mc_fail(mr, rv);
    }
    if (tok)
        mc_cookie_set(mr->r, mc_cookie_name("device", mr->r->pool), tok, 400L * 24 * 3600);
    return mc_redirect(mr, mc_next_after_logon(mr, db, &s->account, ret));
}

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

/* The base32 of the key (32 characters, no padding), or NULL. */
static const char *base32(apr_pool_t *p, const unsigned char *secret)
{
    char *b = NULL;
    size_t n = 0;
    const char *out;
    pthread_once(&oath_once, oath_start);
    if (oath_status != OATH_OK || oath_base32_encode((const char *)secret, KEY_BYTES, &b, &n) != OATH_OK)
        return NULL;
    out = apr_pstrndup(p, b, n);
    sodium_memzero(b, n);
    free(b);
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
    if ((s = stage_session(mr, "enrol"))) {
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
static int setup_page(mc_req *mr, const mc_account *a, int enrolling, int status,
                      const char *error, const char *const *codes)
{
    int on = 0, required = 0, i;
    const mc_mount *reg = mc_mount_of("registration");
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return to_logon(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = totp_state(mr, db, a->id, &on, &required)) != APR_SUCCESS ||
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
    }
    else if (res->nrows == 1) {
        mc_vars_set(mr->vars, "pending", "1");
        mc_vars_set(mr->vars, "qr_url", step_url(mr, "/two-step/qr.svg"));
        mc_vars_set(mr->vars, "confirm_action", step_url(mr, "/two-step/confirm"));
    }
    if (!on)
        mc_vars_set(mr->vars, "setup_action", step_url(mr, "/two-step/setup"));
    if (res->nrows == 1 && !on) {
        unsigned char secret[KEY_BYTES];
        const char *b32;
        int found = 0;
        if ((rv = load_key(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        b32 = found ? base32(mr->r->pool, secret) : NULL;
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
        mc_vars_set(mr->vars, "continue_url",
                    mc_next_after_logon(mr, db, a, mc_logon_return(mr)));
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
        (rv = load_key(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (found)
        b32 = base32(mr->r->pool, secret);
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
        rv = seal(mr, db, a->id, secret, &box);
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
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "DELETE FROM mc_totp_recovery WHERE account_id = ?", "i", id);
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
                        "INSERT INTO mc_totp_recovery (account_id, code_hash) VALUES (?, ?)",
                        "is", id, hash);
    }
    codes[i] = NULL;
    return rv;
}

/* The code that shows the key is in the app turns it on; the recovery
 * codes are shown this once. At the "enrol" stage, the logon completes. */
static int confirm_post(mc_req *mr)
{
    int enrolling, found = 0, ok;
    const mc_account *a = setup_account(mr, &enrolling);
    const char *code = squeezed(mr->r->pool, mc_field(mr, "code"));
    const char *codes[RECOVERY_CODES + 1];
    unsigned char secret[KEY_BYTES];
    long long step = 0, n = 0;
    mc_db *db;
    apr_status_t rv;
    if (!a)
        return to_logon(mr);
    if (!*code)
        return setup_page(mr, a, enrolling, HTTP_OK, "Enter the 6-digit code your app shows.", NULL);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = load_key(mr, db, a->id, 0, secret, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_redirect(mr, step_url(mr, "/two-step"));
    ok = code_matches(secret, code, &step);
    sodium_memzero(secret, sizeof(secret));
    if (!ok)
        return setup_page(mr, a, enrolling, HTTP_OK,
                          "The code you entered is not correct. Check that your phone's clock is "
                          "right, then enter the code your app shows now.",
                          NULL);
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
                         mc_logon_detail(mr->r, "two-step set up", "known"))) == APR_SUCCESS &&
          (rv = mc_session_promote(mr, "full")) == APR_SUCCESS)))
        rv = mc_db_commit(db);
    if (rv != APR_SUCCESS || n != 1) {
        mc_db_rollback(db);
        if (rv == APR_SUCCESS) /* confirmed at once by another request */
            return mc_redirect(mr, step_url(mr, "/two-step"));
        return mc_fail(mr, rv);
    }
    return setup_page(mr, a, enrolling, HTTP_OK, NULL, codes);
}

/* Off, with the account's password (wrong ones count toward the lock-out);
 * never for an account whose role requires it. */
static int disable_post(mc_req *mr)
{
    const char *pw = mc_field(mr, "password"), *subject;
    const mc_account *a = mr->account;
    int on = 0, required = 0, ok, locked_now = 0, enrolling = 0;
    mc_attempt at;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if (!mr->account)
        return to_logon(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = totp_state(mr, db, mr->account->id, &on, &required)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!on)
        return mc_redirect(mr, mc_url(mr, "/two-step"));
    if (required)
        return setup_page(mr, a, enrolling, HTTP_OK,
                          "Your role requires two-step verification: it cannot be turned off.",
                          NULL);
    if (!pw || !*pw)
        return setup_page(mr, a, enrolling, HTTP_OK, "Enter your password.", NULL);
    subject = mc_lockout_subject(mr->r->pool, mr->account->id, NULL);
    if ((rv = mc_attempt_take(db, mr->r->pool, subject, &at)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (at == MC_ATTEMPT_BUSY)
        return mc_busy_message(mr, MSG_BUSY);
    if (at == MC_ATTEMPT_LOCKED)
        return setup_page(mr, a, enrolling, HTTP_OK, mc_msg_locked(mr->r->pool), NULL);
    rv = mc_db_query(db, mr->r->pool, &res, "SELECT password_hash FROM mc_account WHERE id = ?",
                     "i", mr->account->id);
    if (rv != APR_SUCCESS || res->nrows != 1) {
        mc_attempt_release(db, subject);
        return mc_fail(mr, rv ? rv : MC_DB_EFAIL);
    }
    ok = strlen(pw) <= MC_PASSWORD_MAX_BYTES ? mc_verify_password(mc_dbres_get(res, 0, 0), pw) : 0;
    if (ok != 0 && (rv = mc_attempt_release(db, subject)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (ok < 0)
        return mc_busy_message(mr, MSG_BUSY);
    if (!ok) {
        if ((rv = mc_attempt_failed(db, subject, &locked_now)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_audit(mr, db, "totp-disable-refused", mr->account->id, "wrong password");
        if (locked_now)
            mc_audit(mr, db, "lockout", mr->account->id, "too many wrong codes and passwords");
        return setup_page(mr, a, enrolling, HTTP_OK,
                          locked_now ? mc_msg_locked(mr->r->pool)
                                     : "The password you entered is not correct.",
                          NULL);
    }
    if ((rv = mc_db_begin(db)) != APR_SUCCESS ||
        (rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_totp_recovery WHERE account_id = ?", "i",
                         mr->account->id)) != APR_SUCCESS ||
        (rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_totp WHERE account_id = ?", "i",
                         mr->account->id)) != APR_SUCCESS ||
        (rv = mc_audit(mr, db, "totp-disabled", mr->account->id, "")) != APR_SUCCESS ||
        (rv = mc_db_commit(db)) != APR_SUCCESS) {
        mc_db_rollback(db);
        return mc_fail(mr, rv);
    }
    return mc_redirect(mr, mc_url(mr, "/two-step?done=off"));
}

const mc_route mc_totp_routes[] = {
    {"GET", "/two-step-code", MC_ACCESS_ANON, NULL, code_get, 0},
    {"POST", "/two-step-code", MC_ACCESS_ANON, NULL, code_post, 0},
    {"GET", "/two-step", MC_ACCESS_ANON, NULL, setup_get, 0},
    {"GET", "/two-step/qr.svg", MC_ACCESS_ANON, NULL, qr_get, 0},
    {"POST", "/two-step/setup", MC_ACCESS_ANON, NULL, setup_post, 0},
    {"POST", "/two-step/confirm", MC_ACCESS_ANON, NULL, confirm_post, 0},
    {"POST", "/two-step/disable", MC_ACCESS_ACCOUNT, NULL, disable_post, 0},
    {NULL}};
