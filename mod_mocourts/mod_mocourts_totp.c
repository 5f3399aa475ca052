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
 * is held at the set-up page (stage "enrol") until it is on. My Account's
 * pages are in mod_mocourts_totp_setup.c. */
#include "mod_mocourts_private.h"
#include "mod_mocourts_totp.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "mc_form.h"

#include <ctype.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <time.h>

#define STEP_SECONDS 30
#define BOX_HEX ((crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + KEY_BYTES) * 2)

static const char MSG_WRONG[] = "The code you entered is not correct.";
static const char MSG_USED[] =
    "This code was already used. Wait for the next code in your app, then enter it.";
static const char MSG_BUSY[] =
    "Many people are logging on right now. Please try again in a moment.";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status;

static void oath_start(void)
{
    oath_status = oath_init();
}

mc_session *mc_totp_session(mc_req *mr, const char *stage)
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
apr_status_t mc_totp_seal(mc_req *mr, mc_db *db, long long id, const unsigned char *secret,
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
apr_status_t mc_totp_load(mc_req *mr, mc_db *db, long long id, int enabled, unsigned char *secret,
                          int *found)
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
                      MCLOGNO(0620) "the two-step key of account %" APR_INT64_T_FMT
                                    " cannot be opened: was the code key (MoCourtsSecretFile "
                                    "or mc_secret) changed?",
                      (apr_int64_t)id);
        return APR_EGENERAL;
    }
    sodium_memzero(key, sizeof(key));
    *found = 1;
    return APR_SUCCESS;
}

/* 1 when code (6 digits) is the key's within one step of now; *step: its
 * time step. */
int mc_totp_matches(const unsigned char *secret, const char *code, long long *step)
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

/* ---- codes at logon ------------------------------------------------------------- */

typedef enum { CODE_WRONG, CODE_OK, CODE_RECOVERY, CODE_USED } code_verdict;

/* typed without spaces and hyphens, lower case. */
const char *mc_totp_squeezed(apr_pool_t *p, const char *typed)
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
    const char *code = mc_totp_squeezed(mr->r->pool, typed), *hash;
    unsigned char secret[KEY_BYTES];
    long long step = 0, n = 0;
    apr_status_t rv = APR_SUCCESS;
    int found = 0, ok;
    *out = CODE_WRONG;
    if (strlen(code) == 6 && strspn(code, "0123456789") == 6) {
        if ((rv = mc_totp_load(mr, db, id, 1, secret, &found)) != APR_SUCCESS || !found)
            return rv;
        ok = mc_totp_matches(secret, code, &step);
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

int mc_totp_code_get(mc_req *mr)
{
    if (!mc_totp_session(mr, "totp"))
        return mc_redirect(mr, mc_url(mr, "/logon"));
    return code_form(mr, HTTP_OK, NULL);
}

/* Checked as the device code is: only once the attempt holds a place in
 * the account's lock-out; a wrong (or already used) code is a failure. */
int mc_totp_code_post(mc_req *mr)
{
    mc_session *s = mc_totp_session(mr, "totp");
    const char *typed = mc_field(mr, "code"), *subject, *tok = NULL, *ret = mc_logon_return(mr);
    code_verdict v;
    mc_attempt at;
    mc_db *db;
    apr_status_t rv;
    int locked_now = 0, known;

    if (!s)
        return mc_redirect(mr, mc_url(mr, "/logon"));
    if (!typed || !*mc_totp_squeezed(mr->r->pool, typed))
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
        (known || (rv = mc_db_exec(db, NULL, NULL,
                                   "INSERT INTO mc_device (account_id, device_hash, created_at, "
                                   "last_used) VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                                   "is", s->account.id,
                                   mc_sha256_hex(mr->r->pool, tok, strlen(tok)))) == APR_SUCCESS) &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_account SET last_logon_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                         s->account.id)) == APR_SUCCESS &&
        (rv = mc_audit(
             mr, db, "logon", s->account.id,
             mc_logon_detail(mr->r, v == CODE_RECOVERY ? "two-step recovery code" : "two-step code",
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

/* The base32 of the key (32 characters, no padding), or NULL. */
const char *mc_totp_base32(apr_pool_t *p, const unsigned char *secret)
{
    char *b = NULL;
    size_t n = 0;
    const char *out;
    pthread_once(&oath_once, oath_start);
    if (oath_status != OATH_OK ||
        oath_base32_encode((const char *)secret, KEY_BYTES, &b, &n) != OATH_OK)
        return NULL;
    out = apr_pstrndup(p, b, n);
    sodium_memzero(b, n);
    free(b);
    return out;
}
