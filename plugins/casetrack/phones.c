/* phones.c: the account's phone numbers for Track This Case calls and
 * texts (US numbers only, stored as E.164: +1 and ten digits). A number is usable once the
 * 6-digit code texted to it is entered: the code is stored as its SHA-256,
 * lasts 15 minutes and allows 5 attempts, after which a new code is
 * needed. Removing a number stops the trackings that use it. */
#include "track.h"

#include "apr_lib.h"

#define CODE_DIGITS 6
#define CODE_TTL 900      /* seconds a code lasts */
#define CODE_ATTEMPTS 5   /* wrong codes before a new one is needed */
#define CODE_INTERVAL 60  /* seconds between two codes sent to a number */
#define PHONES_MAX 5      /* numbers per account */
#define CODES_PER_HOUR 10 /* codes an account may have texted in an hour */

static const char MSG_NOT_US[] =
    "Enter a US phone number with its area code, for example (573) 555-0100. Only US numbers "
    "can receive calls and texts from Case.net.";

/* E.164 (+1 and ten digits) from what a person types: digits with spaces, dots, dashes
 * and parentheses, optionally +1 or 1 first; area code and exchange not
 * starting with 0 or 1. NULL when it is not a US number. */
static const char *us_number(apr_pool_t *p, const char *s)
{
    char d[16];
    int n = 0, plus = 0;
    for (; *s; s++) {
        if (apr_isdigit(*s)) {
            if (n >= 11)
                return NULL;
            d[n++] = *s;
        }
        else if (*s == '+' && n == 0 && !plus)
            plus = 1;
        else if (!strchr(" .-()", *s))
            return NULL;
    }
    d[n] = '\0';
    if (n == 11 && d[0] == '1')
        memmove(d, d + 1, n--);
    else if (plus || n != 10)
        return NULL;
    if (d[0] < '2' || d[3] < '2')
        return NULL;
    return apr_pstrcat(p, "+1", d, NULL);
}

typedef struct phone_row {
    long long id;
    const char *number;
    int verified, expired, spent;
} phone_row;

/* The account's phone :id. 1 found; 0 not (or a database error in *rv). */
static int load_phone(mc_req *mr, mc_db *db, phone_row *ph, int for_update, apr_status_t *rv)
{
    mc_dbres *res;
    memset(ph, 0, sizeof(*ph));
    *rv = APR_SUCCESS;
    if (!(ph->id = mc_param_id(mr, "id")))
        return 0;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      for_update
                          ? "SELECT number, verified_at IS NOT NULL, code_hash IS NULL OR "
                            "code_expires < UTC_TIMESTAMP(), code_attempts FROM mc_track_phone "
                            "WHERE id = ? AND account_id = ? FOR UPDATE"
                          : "SELECT number, verified_at IS NOT NULL, code_hash IS NULL OR "
                            "code_expires < UTC_TIMESTAMP(), code_attempts FROM mc_track_phone "
                            "WHERE id = ? AND account_id = ?",
                      "ii", ph->id, mr->account->id);
    if (*rv != APR_SUCCESS || res->nrows != 1)
        return 0;
    ph->number = mc_dbres_get(res, 0, 0);
    ph->verified = (int)mc_dbres_int(res, 0, 1);
    ph->expired = (int)mc_dbres_int(res, 0, 2);
    ph->spent = mc_dbres_int(res, 0, 3) >= CODE_ATTEMPTS;
    return 1;
}

static const char *return_of(mc_req *mr)
{
    const char *ret = mc_field(mr, "return");
    if (!ret)
        ret = mc_query(mr, "return");
    return mc_safe_return(mr->r->pool, ret);
}

static const mc_label PHONE_DONE[] = {
    {"sent", "We sent a 6-digit code by text message. Enter it below within 15 minutes."},
    {"verified", "The phone number was verified. You can now choose it for calls and texts."},
    {"removed", "The phone number was removed."},
    {"removed-stopped", "The phone number was removed. The trackings that used it were stopped: "
                        "choose another method on their Track This Case pages to track them "
                        "again."},
    {NULL}};

/* The page: the numbers, a code form for each unverified one, the add form
 * (number: what was typed, kept on an error). */
static int phones_page(mc_req *mr, int status, const char *error, const char *number,
                       long long code_for, const char *code)
{
    apr_pool_t *p = mr->r->pool;
    const char *ret = return_of(mr);
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, p, &res,
                          "SELECT id, number, verified_at IS NOT NULL, code_hash IS NOT NULL AND "
                          "code_expires >= UTC_TIMESTAMP() AND code_attempts < ? FROM "
                          "mc_track_phone WHERE account_id = ? ORDER BY number",
                          "ii", (long long)CODE_ATTEMPTS, mr->account->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "phones");
        long long id = mc_dbres_int(res, i, 0);
        const char *base =
            mc_url(mr, apr_psprintf(p, "/phones/%" APR_INT64_T_FMT, (apr_int64_t)id));
        mc_vars_set(row, "number", ct_phone_display(p, mc_dbres_get(res, i, 1)));
        mc_vars_setf(row, "code_id", "code%" APR_INT64_T_FMT, (apr_int64_t)id);
        mc_vars_set(row, "remove_action", apr_pstrcat(p, base, "/remove", NULL));
        if (mc_dbres_int(res, i, 2)) {
            mc_vars_set(row, "verified", "1");
            mc_vars_set(row, "state", "Verified");
            mc_vars_set(row, "state_class", "mc-status mc-status--ok");
            continue;
        }
        mc_vars_set(row, "resend_action", apr_pstrcat(p, base, "/resend", NULL));
        if (mc_dbres_int(res, i, 3)) {
            mc_vars_set(row, "state", "Not verified yet");
            mc_vars_set(row, "state_more", ": enter the code we sent");
            mc_vars_set(row, "verify_action", apr_pstrcat(p, base, "/verify", NULL));
            mc_vars_set(row, "code", id == code_for ? code : NULL);
        }
        else {
            mc_vars_set(row, "state", "Not verified");
            mc_vars_set(row, "state_more", ": send a new code");
        }
        mc_vars_set(row, "state_class", "mc-status mc-status--pending");
    }
    mc_done_notice(mr, PHONE_DONE, error);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "new_number", number);
    mc_vars_set(mr->vars, "add_action", mc_url(mr, "/phones"));
    mc_vars_set(mr->vars, "return", ret);
    if (ret)
        mc_vars_set(mr->vars, "return_url", ret);
    return mc_render(mr, status, "phones.html", "Phone Numbers");
}

int ct_phones_page(mc_req *mr)
{
    return phones_page(mr, HTTP_OK, NULL, NULL, 0, NULL);
}

/* The answer to a transaction that failed: what refused it on the page
 * ("": the number is not the account's), else the failure. */
static int refused(mc_req *mr, apr_status_t rv, const char *refusal, long long code_for)
{
    if (!refusal)
        return mc_fail(mr, rv);
    if (!*refusal)
        return HTTP_NOT_FOUND;
    return phones_page(mr, HTTP_BAD_REQUEST, refusal, NULL, code_for, NULL);
}

/* The account's phone :id locked in the transaction; when it is not the
 * account's, APR_EGENERAL with *refusal "". */
static apr_status_t lock_phone(mc_req *mr, mc_db *db, phone_row *ph, const char **refusal)
{
    apr_status_t rv;
    if (load_phone(mr, db, ph, 1, &rv))
        return APR_SUCCESS;
    if (rv == APR_SUCCESS) {
        *refusal = "";
        return APR_EGENERAL;
    }
    return rv;
}

/* The Phone Numbers page saying what was done, keeping the page to return to. */
static const char *back_path(mc_req *mr, const char *done)
{
    apr_pool_t *p = mr->r->pool;
    const char *ret = return_of(mr);
    return apr_pstrcat(p, mc_url(mr, "/phones"), "?done=", done, ret ? "&return=" : "",
                       ret ? mc_form_encode(p, ret) : "", NULL);
}

static int back(mc_req *mr, const char *done)
{
    return mc_redirect(mr, back_path(mr, done));
}

/* Send a new code to the account's number id (inside the transaction). */
static apr_status_t send_code(mc_req *mr, mc_db *db, long long id, const char *number)
{
    apr_pool_t *p = mr->r->pool;
    const char *code = mc_random_digits(p, CODE_DIGITS);
    mc_vars *v = mc_vars_make(p, NULL);
    mc_notice n = {0};
    apr_status_t rv;
    const char *hash = mc_code_hash(mr, db, "phone", id, code, &rv);

    if (!hash)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_track_phone SET code_hash = ?, code_expires = UTC_TIMESTAMP() + "
                    "INTERVAL ? SECOND, code_attempts = 0 WHERE id = ? AND account_id = ?",
                    "siii", hash, (long long)CODE_TTL, id, mr->account->id);
    if (rv != APR_SUCCESS)
        return rv;
    mc_vars_set(v, "code", code);
    mc_vars_set(v, "court_name", mc_court_name(mr));
    n.account_id = mr->account->id;
    n.channel = MC_CHANNEL_SMS;
    n.recipient = number;
    n.kind = "phone-code";
    if (!(n.body = mc_text(mr, "phone-code.txt", v)))
        return APR_EGENERAL;
    if ((rv = mc_outbox_add(db, &n, NULL)) == APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2310) "Case.net: phone verification code queued for account "
                                    "%" APR_INT64_T_FMT,
                      (apr_int64_t)mr->account->id);
    return rv;
}

typedef struct add_baton {
    const char *number;
    const char *refusal;
} add_baton;

static const char MSG_TOO_SOON[] =
    "A code was sent to that number less than a minute ago. Enter it below, or wait a minute "
    "before asking for a new one.";
static const char MSG_TOO_MANY[] =
    "You have asked for too many codes in the last hour. Please try again in an hour.";

/* Whether another code may be texted now: *refusal NULL when so, else why
 * not. A number (id; 0 for a new one) gets one code a minute; an account
 * at most CODES_PER_HOUR an hour, whatever the numbers (adding and
 * removing a number again and again cannot make it a text cannon). */
static apr_status_t code_allowed(mc_req *mr, mc_db *db, long long id, const char **refusal)
{
    mc_dbres *res;
    apr_status_t rv;
    *refusal = NULL;
    if (id) {
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT code_expires > UTC_TIMESTAMP() + INTERVAL ? SECOND FROM "
                         "mc_track_phone WHERE id = ?",
                         "ii", (long long)(CODE_TTL - CODE_INTERVAL), id);
        if (rv != APR_SUCCESS)
            return rv;
        if (res->nrows && mc_dbres_int(res, 0, 0)) {
            *refusal = MSG_TOO_SOON;
            return APR_SUCCESS;
        }
    }
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT COUNT(*) FROM mc_outbox WHERE account_id = ? AND kind = 'phone-code' "
                     "AND queued_at > UTC_TIMESTAMP() - INTERVAL 1 HOUR",
                     "i", mr->account->id);
    if (rv == APR_SUCCESS && mc_dbres_int(res, 0, 0) >= CODES_PER_HOUR) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2311) "Case.net: account %" APR_INT64_T_FMT
                                    " reached the hourly limit of phone codes",
                      (apr_int64_t)mr->account->id);
        *refusal = MSG_TOO_MANY;
    }
    return rv;
}

static apr_status_t add_tx(mc_req *mr, mc_db *db, void *baton)
{
    add_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    long long id = 0;
    mc_dbres *res;
    apr_status_t rv;
    int i, verified = 0;

    b->refusal = NULL;
    /* The form's one-time token first: the same Add sent twice texts one
     * code, and every copy is sent to the page saying it was sent. */
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    /* Lock the account's numbers, so two adds at once count right. */
    rv = mc_db_query(db, p, &res,
                     "SELECT id, number, verified_at IS NOT NULL FROM mc_track_phone WHERE "
                     "account_id = ? FOR UPDATE",
                     "i", mr->account->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        if (!strcmp(mc_dbres_get(res, i, 1), b->number)) {
            id = mc_dbres_int(res, i, 0);
            verified = (int)mc_dbres_int(res, i, 2);
        }
    if (verified) {
        b->refusal = "That phone number is already on your account and verified.";
        return APR_EGENERAL;
    }
    if (!id && res->nrows >= PHONES_MAX) {
        b->refusal = "You have 5 phone numbers already. Remove one before adding another.";
        return APR_EGENERAL;
    }
    if ((rv = code_allowed(mr, db, id, &b->refusal)) != APR_SUCCESS)
        return rv;
    if (b->refusal)
        return APR_EGENERAL;
    if (!id) {
        rv = mc_db_exec(db, NULL, &id,
                        "INSERT INTO mc_track_phone (account_id, number, created_at) VALUES (?, "
                        "?, UTC_TIMESTAMP())",
                        "is", mr->account->id, b->number);
        if (rv != APR_SUCCESS)
            return rv;
    }
    if ((rv = send_code(mr, db, id, b->number)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "phone-code-sent", mr->account->id, "verification code texted");
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db, back_path(mr, "sent"));
    return rv;
}

int ct_phone_add(mc_req *mr)
{
    const char *typed = mc_text_trim(mr->r->pool, mc_field(mr, "number"));
    add_baton b = {NULL, NULL};
    apr_status_t rv;

    if (!*typed)
        return phones_page(mr, HTTP_BAD_REQUEST, "Enter a phone number.", typed, 0, NULL);
    if (strlen(typed) > 40 || !(b.number = us_number(mr->r->pool, typed)))
        return phones_page(mr, HTTP_BAD_REQUEST, MSG_NOT_US, typed, 0, NULL);
    rv = mc_req_tx(mr, add_tx, &b);
    if (rv != APR_SUCCESS)
        return b.refusal ? phones_page(mr, HTTP_BAD_REQUEST, b.refusal, typed, 0, NULL)
                         : mc_once_answer(mr, rv);
    return back(mr, "sent");
}

typedef struct verify_baton {
    phone_row ph;
    const char *code;
    const char *refusal;
    int verified;
} verify_baton;

static apr_status_t verify_tx(mc_req *mr, mc_db *db, void *baton)
{
    verify_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    const char *hash;
    apr_status_t rv;
    long long left;

    b->refusal = NULL;
    b->verified = 0;
    if ((rv = lock_phone(mr, db, &b->ph, &b->refusal)) != APR_SUCCESS)
        return rv;
    if (b->ph.verified) {
        b->verified = 1;
        return APR_SUCCESS;
    }
    if (b->ph.spent) {
        b->refusal = "Too many wrong codes were entered. Send a new code and enter that one.";
        return APR_EGENERAL;
    }
    if (b->ph.expired) {
        b->refusal = "This code has expired. Send a new code and enter that one.";
        return APR_EGENERAL;
    }
    rv =
        mc_db_query(db, p, &res, "SELECT code_hash, code_attempts FROM mc_track_phone WHERE id = ?",
                    "i", b->ph.id);
    if (rv != APR_SUCCESS)
        return rv;
    if (!(hash = mc_code_hash(mr, db, "phone", b->ph.id, b->code, &rv)))
        return rv;
    if (mc_ct_streq(hash, mc_dbres_get(res, 0, 0))) {
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_track_phone SET verified_at = UTC_TIMESTAMP(), code_hash = "
                        "NULL, code_expires = NULL, code_attempts = 0 WHERE id = ?",
                        "i", b->ph.id);
        if (rv == APR_SUCCESS)
            rv = mc_audit(mr, db, "phone-verified", mr->account->id, "phone number verified");
        b->verified = rv == APR_SUCCESS;
        return rv;
    }
    /* A wrong code counts (and commits); the page then says so. */
    left = CODE_ATTEMPTS - mc_dbres_int(res, 0, 1) - 1;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_track_phone SET code_attempts = code_attempts + 1 WHERE id = ?", "i",
                    b->ph.id);
    if (left <= 0)
        b->refusal = "That code is not right, and too many wrong codes were entered. Send a new "
                     "code and enter that one.";
    else
        b->refusal = apr_psprintf(p,
                                  "That code is not right. Check the text message and try again "
                                  "(%" APR_INT64_T_FMT " attempt%s left).",
                                  (apr_int64_t)left, left == 1 ? "" : "s");
    return rv;
}

int ct_phone_verify(mc_req *mr)
{
    const char *code = mc_text_trim(mr->r->pool, mc_field(mr, "code"));
    verify_baton b;
    mc_db *db;
    apr_status_t rv;
    size_t i;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; code[i] && apr_isdigit(code[i]); i++)
        ;
    if (i != CODE_DIGITS || code[i]) {
        if (!load_phone(mr, db, &b.ph, 0, &rv))
            return rv != APR_SUCCESS ? mc_fail(mr, rv) : HTTP_NOT_FOUND;
        return phones_page(mr, HTTP_BAD_REQUEST,
                           "Enter the 6-digit code from the text message we sent.", NULL, b.ph.id,
                           code);
    }
    b.code = code;
    rv = mc_req_tx(mr, verify_tx, &b);
    if (rv != APR_SUCCESS)
        return refused(mr, rv, b.refusal, b.ph.id);
    if (!b.verified)
        return phones_page(mr, HTTP_BAD_REQUEST, b.refusal, NULL, b.ph.id, NULL);
    if (return_of(mr))
        return mc_redirect(mr, return_of(mr));
    return back(mr, "verified");
}

typedef struct resend_baton {
    const char *refusal;
} resend_baton;

static apr_status_t resend_tx(mc_req *mr, mc_db *db, void *baton)
{
    resend_baton *b = baton;
    phone_row ph;
    apr_status_t rv;
    b->refusal = NULL;
    if ((rv = lock_phone(mr, db, &ph, &b->refusal)) != APR_SUCCESS)
        return rv;
    if (ph.verified) {
        b->refusal = "That phone number is verified already.";
        return APR_EGENERAL;
    }
    if ((rv = code_allowed(mr, db, ph.id, &b->refusal)) != APR_SUCCESS)
        return rv;
    if (b->refusal)
        return APR_EGENERAL;
    if ((rv = send_code(mr, db, ph.id, ph.number)) == APR_SUCCESS)
        rv = mc_audit(mr, db, "phone-code-sent", mr->account->id, "verification code texted");
    return rv;
}

int ct_phone_resend(mc_req *mr)
{
    resend_baton b = {NULL};
    apr_status_t rv = mc_req_tx(mr, resend_tx, &b);
    if (rv != APR_SUCCESS)
        return refused(mr, rv, b.refusal, 0);
    return back(mr, "sent");
}

typedef struct remove_baton {
    int found;
    long long stopped;
} remove_baton;

static apr_status_t remove_tx(mc_req *mr, mc_db *db, void *baton)
{
    remove_baton *b = baton;
    phone_row ph;
    apr_status_t rv;
    b->stopped = 0;
    if (!(b->found = load_phone(mr, db, &ph, 1, &rv)))
        return rv;
    rv = mc_db_exec(db, &b->stopped, NULL,
                    "UPDATE mc_track SET active = 0, stopped_at = UTC_TIMESTAMP(), stopped_why = "
                    "'phone-removed' WHERE account_id = ? AND channel IN ('sms', 'voice') AND "
                    "recipient = ? AND active = 1",
                    "is", mr->account->id, ph.number);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "DELETE d FROM mc_track_digest d JOIN mc_track t ON t.id = d.track_id "
                        "WHERE t.account_id = ? AND t.recipient = ? AND t.active = 0",
                        "is", mr->account->id, ph.number);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_track_phone WHERE id = ?", "i", ph.id);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "phone-removed", mr->account->id,
                      apr_psprintf(mr->r->pool,
                                   "phone number removed; %" APR_INT64_T_FMT " tracking(s) stopped",
                                   (apr_int64_t)b->stopped));
    return rv;
}

int ct_phone_remove(mc_req *mr)
{
    remove_baton b;
    apr_status_t rv = mc_req_tx(mr, remove_tx, &b);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!b.found)
        return HTTP_NOT_FOUND;
    return back(mr, b.stopped ? "removed-stopped" : "removed");
}
