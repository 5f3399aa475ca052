/* assoc.c: association by URL and Group PIN, "Group User Authentication"
 * (seed 001 steps 16-22), and its throttling. See groups.h.
 *
 * Wrong PINs are counted in mc_group_pin_throttle under three subjects
 * (SHA-256 of "account:<id>", "ip:<address>" or "group:<id>") in windows of
 * PIN_WINDOW_MIN minutes:
 *   - an account that enters PIN_MAX_FAILURES wrong PINs is locked out of
 *     joining any group for PIN_LOCK_MIN minutes;
 *   - so is a client address after PIN_ADDR_MAX_FAILURES (more, as the
 *     members of one office share an address);
 *   - a group is never locked: that would let anyone keep its members out,
 *     the right PIN included. After PIN_MAX_FAILURES wrong PINs for it, from
 *     anyone, joining it needs the CAPTCHA as well as the PIN until
 *     PIN_LOCK_MIN minutes pass without a wrong one (captcha_until). Without
 *     a right phrase the PIN is not even looked at.
 * The CAPTCHA is the library's: a picture and the same phrase spoken, one
 * phrase per account at a time (mc_group_captcha; the phrase is kept beside
 * its hash so that the recording, fetched later, says it), single use. */
#include "provision.h"

#include "http_log.h"

#define PIN_MAX_FAILURES 5
#define PIN_ADDR_MAX_FAILURES 20
#define PIN_WINDOW_MIN 30
#define PIN_LOCK_MIN 30
#define INFO_MAX 500
#define CAPTCHA_TTL 600 /* seconds a phrase lasts */
#define AUDIO_PER_PHRASE 10

#define LOCKED_MSG                                                                                 \
    "Too many wrong PINs were entered from your account or your network address. Group "           \
    "authentication is locked for 30 minutes for you; try again later or ask your group "          \
    "administrator."
#define WRONG_MSG "The Group Name or the PIN is not correct."
#define CAPTCHA_NEEDED                                                                             \
    "Many wrong PINs were entered for this group recently. To protect it, enter the phrase "       \
    "that shows in the box (or that you hear) as well as the PIN."

static const char *subject_of(apr_pool_t *p, const char *what, const char *id)
{
    const char *s = apr_pstrcat(p, what, ":", id, NULL);
    return mc_sha256_hex(p, s, strlen(s));
}

static const char *id_text(apr_pool_t *p, long long id)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)id);
}

/* ---- the CAPTCHA ------------------------------------------------------------------- */

/* A new phrase for the account (the previous one is void). */
static apr_status_t new_phrase(mc_req *mr, mc_db *db, const char **phrase)
{
    *phrase = mc_captcha_phrase(mr->r->pool);
    return mc_db_exec(db, NULL, NULL,
                      "REPLACE INTO mc_group_captcha (account_id, phrase_hash, phrase, plays, "
                      "expires_at) VALUES (?, ?, ?, 0, UTC_TIMESTAMP() + INTERVAL ? SECOND)",
                      "issi", mr->account->id, mc_sha256_hex(mr->r->pool, *phrase, strlen(*phrase)),
                      *phrase, (long long)CAPTCHA_TTL);
}

/* GET /captcha/image: a new phrase each time. */
int mc_grp_captcha_image(mc_req *mr)
{
    const char *phrase;
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = new_phrase(mr, db, &phrase)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_captcha_send(mr, phrase, 0);
}

/* GET /captcha/audio: the phrase the picture shows, spoken (a new phrase
 * when there is none); at most AUDIO_PER_PHRASE times a phrase. */
int mc_grp_captcha_audio(mc_req *mr)
{
    const char *phrase = NULL;
    long long n = 0;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_group_captcha SET plays = plays + 1 WHERE account_id = ? AND "
                    "expires_at > UTC_TIMESTAMP() AND plays < ?",
                    "ii", mr->account->id, (long long)AUDIO_PER_PHRASE);
    if (rv == APR_SUCCESS && n == 1)
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT phrase FROM mc_group_captcha WHERE account_id = ?", "i",
                         mr->account->id);
    if (rv == APR_SUCCESS && n == 1 && res->nrows == 1)
        phrase = mc_dbres_get(res, 0, 0);
    else if (rv == APR_SUCCESS)
        rv = new_phrase(mr, db, &phrase);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_captcha_send(mr, phrase, 1);
}

/* Check the posted phrase against the account's, and void it. */
static apr_status_t captcha_passed(mc_req *mr, mc_db *db, int *ok)
{
    apr_pool_t *p = mr->r->pool;
    const char *phrase = mc_captcha_typed(p, mc_field(mr, "captcha"));
    long long n = 0;
    apr_status_t rv;
    *ok = 0;
    if (*phrase && strlen(phrase) <= 10) {
        rv = mc_db_exec(db, &n, NULL,
                        "DELETE FROM mc_group_captcha WHERE account_id = ? AND phrase_hash = ? "
                        "AND expires_at > UTC_TIMESTAMP()",
                        "is", mr->account->id, mc_sha256_hex(p, phrase, strlen(phrase)));
        if (rv != APR_SUCCESS)
            return rv;
        *ok = n == 1;
    }
    if (*ok)
        return APR_SUCCESS;
    return mc_db_exec(db, NULL, NULL, "DELETE FROM mc_group_captcha WHERE account_id = ?", "i",
                      mr->account->id);
}

/* Whether joining group_id needs the CAPTCHA now. */
static apr_status_t captcha_needed(mc_req *mr, mc_db *db, long long group_id, int *needed)
{
    mc_dbres *res;
    apr_status_t rv =
        mc_db_query(db, mr->r->pool, &res,
                    "SELECT 1 FROM mc_group_pin_throttle WHERE subject = ? AND captcha_until > "
                    "UTC_TIMESTAMP()",
                    "s", subject_of(mr->r->pool, "group", id_text(mr->r->pool, group_id)));
    *needed = rv == APR_SUCCESS && res->nrows > 0;
    return rv;
}

/* ---- the page ------------------------------------------------------------------------ */

/* The page for the group of key (or the drop-down list without one), with
 * an error and, when captcha, the CAPTCHA. */
static int join_page(mc_req *mr, const char *key, const char *error, int captcha)
{
    static const char *const id_name[] = {"id", "name", NULL};
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/join"));
    if (error)
        mc_vars_set(mr->vars, "error", error);
    if (key) {
        if (strlen(key) != 22 ||
            (rv = mc_db_query(db, p, &res, "SELECT name, id FROM mc_group WHERE assoc_key = ?", "s",
                              key)) != APR_SUCCESS ||
            res->nrows != 1) {
            if (rv != APR_SUCCESS)
                return mc_fail(mr, rv);
            return mc_message(mr, HTTP_NOT_FOUND, "Group User Authentication",
                              "This association link is not valid. Ask your group administrator "
                              "for the group's association URL.");
        }
        mc_vars_set(mr->vars, "key", key);
        mc_vars_set(mr->vars, "group_name", mc_dbres_get(res, 0, 0));
        if (!captcha &&
            (rv = captcha_needed(mr, db, mc_dbres_int(res, 0, 1), &captcha)) != APR_SUCCESS)
            return mc_fail(mr, rv);
    }
    else {
        if ((rv = mc_db_query(db, p, &res,
                              "SELECT id, name FROM mc_group WHERE status = 'active' ORDER BY "
                              "name",
                              "")) != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_vars_rows(mr->vars, "groups", res, id_name);
    }
    if (captcha) {
        mc_vars_set(mr->vars, "captcha", "1");
        mc_captcha_vars(mr, "/captcha/image", "/captcha/audio");
    }
    return mc_render(mr, HTTP_OK, "assoc-auth.html", "Group User Authentication");
}

int mc_grp_join_get(mc_req *mr)
{
    return join_page(mr, apr_table_get(mr->params, "key"), NULL, 0);
}

/* ---- the throttle -------------------------------------------------------------------- */

static apr_status_t pin_locked(mc_req *mr, mc_db *db, const char *subject, int *locked)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT 1 FROM mc_group_pin_throttle WHERE subject = ? AND "
                                  "locked_until > UTC_TIMESTAMP()",
                                  "s", subject);
    *locked = rv == APR_SUCCESS && res->nrows > 0;
    return rv;
}

typedef struct fail_baton {
    const char *account, *address, *group; /* subjects; group may be NULL */
    long long account_id;
} fail_baton;

/* One more failure of subject; locked after max of them in the window (for
 * a group, max is 0: never locked, the CAPTCHA asked instead). */
static apr_status_t count_one(mc_db *db, const char *subject, int max, int is_group)
{
    /* A window that has passed, or a lock that has ended, starts afresh. */
    apr_status_t rv = mc_db_exec(
        db, NULL, NULL,
        "DELETE FROM mc_group_pin_throttle WHERE subject = ? AND ((locked_until IS NULL AND "
        "first_failure < UTC_TIMESTAMP() - INTERVAL ? MINUTE AND (captcha_until IS NULL OR "
        "captcha_until <= UTC_TIMESTAMP())) OR locked_until <= UTC_TIMESTAMP())",
        "si", subject, (long long)PIN_WINDOW_MIN);
    if (rv != APR_SUCCESS)
        return rv;
    if (is_group) /* the CAPTCHA, for 30 minutes after the last wrong PIN */
        return mc_db_exec(db, NULL, NULL,
                          "INSERT INTO mc_group_pin_throttle (subject, failures, first_failure) "
                          "VALUES (?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE failures = "
                          "failures + 1, captcha_until = IF(failures >= ?, UTC_TIMESTAMP() + "
                          "INTERVAL ? MINUTE, captcha_until)",
                          "sii", subject, (long long)PIN_MAX_FAILURES, (long long)PIN_LOCK_MIN);
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_group_pin_throttle (subject, failures, first_failure) "
                      "VALUES (?, 1, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE failures = "
                      "failures + 1, locked_until = IF(failures >= ?, UTC_TIMESTAMP() + "
                      "INTERVAL ? MINUTE, NULL)",
                      "sii", subject, (long long)max, (long long)PIN_LOCK_MIN);
}

static apr_status_t count_failure(mc_req *mr, mc_db *db, void *baton)
{
    fail_baton *b = baton;
    apr_status_t rv = count_one(db, b->account, PIN_MAX_FAILURES, 0);
    if (rv == APR_SUCCESS)
        rv = count_one(db, b->address, PIN_ADDR_MAX_FAILURES, 0);
    if (rv == APR_SUCCESS && b->group)
        rv = count_one(db, b->group, 0, 1);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "group-pin-wrong", b->account_id, "wrong Group PIN");
    return rv;
}

/* Whether the account or the client's address is locked out. */
static apr_status_t requester_locked(mc_req *mr, mc_db *db, const fail_baton *fb, int *locked)
{
    apr_status_t rv = pin_locked(mr, db, fb->account, locked);
    if (rv == APR_SUCCESS && !*locked)
        rv = pin_locked(mr, db, fb->address, locked);
    return rv;
}

/* ---- joining ------------------------------------------------------------------------- */

typedef struct join_baton {
    long long group_id;
    const char *group_name, *user_info, *account_subject;
    const char *refusal;
} join_baton;

static apr_status_t join_tx(mc_req *mr, mc_db *db, void *baton)
{
    join_baton *b = baton;
    mc_dbres *res;
    apr_status_t rv;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT 1 FROM mc_group_member WHERE account_id = ? FOR UPDATE", "i",
                     mr->account->id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        b->refusal = "You are already a member of a group.";
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_group_member (account_id, group_id, is_admin, status, "
                    "status_date, user_info, joined_at) VALUES (?, ?, 0, 'active', "
                    "UTC_TIMESTAMP(), ?, UTC_TIMESTAMP())",
                    "iis", mr->account->id, b->group_id, b->user_info);
    if (rv == APR_SUCCESS)
        rv = mc_grp_role_set(db, mr->account->id, "group_user", b->group_id, 1);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_group_pin_throttle WHERE subject = ?", "s",
                        b->account_subject);
    if (rv == APR_SUCCESS)
        rv = mc_audit(
            mr, db, "group-joined", mr->account->id,
            apr_pstrcat(mr->r->pool, "joined group ", id_text(mr->r->pool, b->group_id), NULL));
    return rv;
}

int mc_grp_join_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *key = mc_field(mr, "key"), *gid = mc_field(mr, "group_id");
    const char *pin = mc_field(mr, "pin"), *info = mc_text_trim(p, mc_field(mr, "user_info"));
    const char *hash;
    mc_grp_member m;
    join_baton b;
    fail_baton fb;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int found, locked, ok, needed;
    if (key && !*key)
        key = NULL;
    mc_vars_set(mr->vars, "f_user_info", info);
    mc_vars_set(mr->vars, "f_group_id", gid);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_grp_membership(db, p, mr->account->id, &m, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (found)
        return join_page(mr, key,
                         apr_pstrcat(p, "You are already a member of ", m.group_name,
                                     ". Remove your association to your current group under My "
                                     "Preferences first.",
                                     NULL),
                         0);
    if (mc_text_chars(info) > INFO_MAX)
        return join_page(mr, key, "User Information: at most 500 characters.", 0);
    if (!mc_text_printable(info, 1))
        return join_page(mr, key, "User Information: it contains a character that is not allowed.",
                         0);
    if (!pin || !*pin)
        return join_page(mr, key, "PIN: enter the Group PIN your group administrator gave you.", 0);
    memset(&fb, 0, sizeof(fb));
    fb.account = subject_of(p, "account", id_text(p, mr->account->id));
    fb.address = subject_of(p, "ip", mc_client_ip(mr));
    fb.account_id = mr->account->id;
    if ((rv = requester_locked(mr, db, &fb, &locked)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (locked)
        return join_page(mr, key, LOCKED_MSG, 0);
    if (key)
        rv = mc_db_query(db, p, &res,
                         "SELECT id, name, status, pin_hash FROM mc_group WHERE assoc_key = ?", "s",
                         key);
    else
        rv = mc_db_query(db, p, &res,
                         "SELECT id, name, status, pin_hash FROM mc_group WHERE id = ? AND "
                         "status = 'active'",
                         "i", gid ? apr_atoi64(gid) : 0);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1) {
        if (key)
            return join_page(mr, key, NULL, 0); /* its own "not valid" page */
        if ((rv = mc_req_tx(mr, count_failure, &fb)) != APR_SUCCESS ||
            (rv = requester_locked(mr, db, &fb, &locked)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        return join_page(mr, NULL, locked ? LOCKED_MSG : WRONG_MSG, 0);
    }
    b.group_id = mc_dbres_int(res, 0, 0);
    b.group_name = mc_dbres_get(res, 0, 1);
    b.user_info = info;
    b.account_subject = fb.account;
    b.refusal = NULL;
    hash = mc_dbres_get(res, 0, 3);
    fb.group = subject_of(p, "group", id_text(p, b.group_id));
    /* The group's members are never locked out by others' wrong PINs: a
     * group with many of them asks for the CAPTCHA, before the PIN. */
    if ((rv = captcha_needed(mr, db, b.group_id, &needed)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (needed) {
        int given = mc_field(mr, "captcha") && *mc_field(mr, "captcha");
        if ((rv = captcha_passed(mr, db, &ok)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (!ok)
            return join_page(mr, key,
                             given ? MC_CAPTCHA_LABEL ": the phrase is not correct or has expired. "
                                                      "Enter the new one, and the PIN again."
                                   : CAPTCHA_NEEDED,
                             1);
    }
    ok = mc_password_matches(mr, hash, pin);
    if (ok < 0)
        return mc_busy(mr);
    if (!ok) {
        if ((rv = mc_req_tx(mr, count_failure, &fb)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if ((rv = requester_locked(mr, db, &fb, &locked)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        return join_page(mr, key, locked ? LOCKED_MSG : WRONG_MSG, 0);
    }
    if (strcmp(mc_dbres_get(res, 0, 2), "active"))
        return join_page(mr, key,
                         apr_pstrcat(p, "The group ", b.group_name,
                                     " is deactivated; it does not accept new members.", NULL),
                         0);
    rv = mc_req_tx(mr, join_tx, &b);
    if (rv != APR_SUCCESS) {
        if (b.refusal || rv == MC_DB_EDUP)
            return join_page(mr, key, "You are already a member of a group.", 0);
        return mc_fail(mr, rv);
    }
    if ((rv = mc_session_rotate(mr)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT 1 FROM mc_reg_subscription WHERE account_id = ? AND "
                          "application = 'efiling'",
                          "i", mr->account->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows == 0)
        return mc_redirect(mr, apr_pstrcat(p, "/registration/agreement?return=",
                                           mc_form_encode(p, mc_url(mr, "/efiling")), NULL));
    return mc_redirect(mr, mc_url(mr, "/efiling"));
}

#define A MC_ACCESS_ACCOUNT
const mc_route mc_grp_assoc_routes[] = {{"GET", "/join", A, NULL, mc_grp_join_get, 0},
                                        {"GET", "/join/:key", A, NULL, mc_grp_join_get, 0},
                                        {"POST", "/join", A, NULL, mc_grp_join_post, 0},
                                        {"GET", "/captcha/image", A, NULL, mc_grp_captcha_image, 0},
                                        {"GET", "/captcha/audio", A, NULL, mc_grp_captcha_audio, 0},
                                        {NULL}};
#undef A
