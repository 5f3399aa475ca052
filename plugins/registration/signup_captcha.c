/* signup_captcha.c: the CAPTCHA of "Create an account" (seed 001 step 7)
 * and the limit on sign-up attempts per client address (issue 11). See
 * registration.h.
 *
 * Attempts. Every POST of the credentials step is one attempt, counted per
 * client address in fixed windows (mc_reg_rate, kind 'signup';
 * MoCourtsSignupLimit, default 10 an hour). Past the limit the step answers
 * 429 and evaluates nothing: not the CAPTCHA, not whether the username is
 * taken. The spoken phrases an address may fetch are limited too (kind
 * 'audio', five per attempt allowed), as each costs the process's one
 * synthesiser some CPU.
 *
 * The CAPTCHA. The picture draws a new phrase each time it is fetched;
 * its accessible alternative is the same phrase spoken (mc_captcha_wav),
 * so the phrase is kept beside its hash (mc_reg_pending.captcha_phrase)
 * for the recording, which is fetched later and maybe by another node. The
 * arithmetic question of the library is solved by a one-line regular
 * expression: it is offered only for an address's first attempts in a
 * window (the limit's third number, default 3), so it can never be more
 * than a few tries an hour. Each check voids the phrase and the question,
 * right or wrong; five wrong answers discard the registration. */
#include "registration.h"

#include "http_log.h"

#define CAPTCHA_TTL 600 /* seconds: a phrase or question lasts 10 minutes */
#define CAPTCHA_TRIES 5 /* wrong answers before the registration is dropped */
#define AUDIO_PER_ATTEMPT 5

/* Each check voids the phrase and the question, right or wrong. */
static const char SQL_PHRASE_OK[] =
    "UPDATE mc_reg_pending SET captcha_hash = NULL, captcha_phrase = NULL, question_hash = NULL, "
    "question_text = NULL WHERE id = ? AND captcha_hash = ? AND captcha_expires > "
    "UTC_TIMESTAMP()";
static const char SQL_ANSWER_OK[] =
    "UPDATE mc_reg_pending SET captcha_hash = NULL, captcha_phrase = NULL, question_hash = NULL, "
    "question_text = NULL WHERE id = ? AND question_hash = ? AND question_expires > "
    "UTC_TIMESTAMP()";
static const char SQL_WRONG[] =
    "UPDATE mc_reg_pending SET captcha_hash = NULL, captcha_phrase = NULL, question_hash = NULL, "
    "question_text = NULL, captcha_tries = captcha_tries + ? WHERE id = ?";

static const char *sha(apr_pool_t *p, const char *s)
{
    return mc_sha256_hex(p, s, strlen(s));
}

static long long window_secs(void)
{
    long long w = (long long)apr_time_sec(mc_reg_config.window);
    return w > 0 ? w : 1;
}

/* Count one request of kind for the client's address: *hits in its current
 * window (this one included), *left the seconds until the window ends. */
static apr_status_t count(mc_req *mr, mc_db *db, const char *kind, long long *hits, long long *left)
{
    mc_dbres *res;
    long long w = window_secs();
    apr_status_t rv;
    *hits = 0;
    *left = w;
    /* Assignments run left to right: hits still sees the old window_start. */
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_reg_rate (client_ip, kind, window_start, hits) VALUES (?, ?, "
                    "UTC_TIMESTAMP(), 1) ON DUPLICATE KEY UPDATE hits = IF(window_start <= "
                    "UTC_TIMESTAMP() - INTERVAL ? SECOND, 1, hits + 1), window_start = "
                    "IF(window_start <= UTC_TIMESTAMP() - INTERVAL ? SECOND, UTC_TIMESTAMP(), "
                    "window_start)",
                    "ssii", mc_client_ip(mr), kind, w, w);
    if (rv == APR_SUCCESS)
        rv = mc_db_query(db, mr->r->pool, &res,
                         "SELECT hits, GREATEST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), "
                         "window_start + INTERVAL ? SECOND), 1) FROM mc_reg_rate WHERE "
                         "client_ip = ? AND kind = ?",
                         "iss", w, mc_client_ip(mr), kind);
    if (rv == APR_SUCCESS && res->nrows == 1) {
        *hits = mc_dbres_int(res, 0, 0);
        *left = mc_dbres_int(res, 0, 1);
    }
    /* Now and then, forget the addresses whose window is over. */
    if (rv == APR_SUCCESS && !strcmp(mc_random_digits(mr->r->pool, 2), "00"))
        rv = mc_db_exec(db, NULL, NULL,
                        "DELETE FROM mc_reg_rate WHERE window_start < UTC_TIMESTAMP() - INTERVAL "
                        "? SECOND LIMIT 200",
                        "i", w);
    return rv;
}

apr_status_t mc_reg_attempt(mc_req *mr, mc_db *db, int *over, int *text_ok, long long *left)
{
    long long hits;
    apr_status_t rv = count(mr, db, "signup", &hits, left);
    *over = rv == APR_SUCCESS && hits > mc_reg_config.attempts;
    *text_ok = rv == APR_SUCCESS && hits <= mc_reg_config.text;
    if (*over)
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(1701) "Create an account: attempt limit reached for %s",
                      mc_client_ip(mr));
    return rv;
}

const char *mc_reg_attempt_refusal(mc_req *mr, long long left)
{
    apr_int64_t minutes = (left + 59) / 60;
    apr_table_setn(mr->r->err_headers_out, "Retry-After",
                   apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)left));
    return apr_psprintf(mr->r->pool,
                        "Too many attempts to create an account were made from your network "
                        "address. Please try again in %" APR_INT64_T_FMT " minute%s.",
                        minutes, minutes == 1 ? "" : "s");
}

/* Whether the address's next attempt may answer the question. */
static apr_status_t text_offered(mc_req *mr, mc_db *db, int *offered)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res,
                                  "SELECT hits FROM mc_reg_rate WHERE client_ip = ? AND kind = "
                                  "'signup' AND window_start > UTC_TIMESTAMP() - INTERVAL ? "
                                  "SECOND",
                                  "si", mc_client_ip(mr), window_secs());
    *offered =
        rv == APR_SUCCESS && (res->nrows == 0 ? 0 : mc_dbres_int(res, 0, 0)) < mc_reg_config.text;
    return rv;
}

apr_status_t mc_reg_captcha_vars(mc_req *mr, mc_db *db, long long pending_id)
{
    apr_pool_t *p = mr->r->pool;
    const char *q, *a;
    int offered;
    apr_status_t rv;
    mc_captcha_vars(mr, "/create/captcha", "/create/captcha/audio");
    if ((rv = text_offered(mr, db, &offered)) != APR_SUCCESS)
        return rv;
    if (!offered) /* any question given before is void */
        return mc_db_exec(db, NULL, NULL,
                          "UPDATE mc_reg_pending SET question_hash = NULL, question_text = NULL "
                          "WHERE id = ?",
                          "i", pending_id);
    mc_captcha_question(p, &q, &a);
    mc_vars_set(mr->vars, "captcha_question", q);
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_reg_pending SET question_hash = ?, question_text = ?, "
                      "question_expires = UTC_TIMESTAMP() + INTERVAL ? SECOND WHERE id = ?",
                      "ssii", sha(p, a), q, (long long)CAPTCHA_TTL, pending_id);
}

/* A new phrase for the registration (the previous one is void). */
static apr_status_t new_phrase(mc_req *mr, mc_db *db, long long pending_id, const char **phrase)
{
    *phrase = mc_captcha_phrase(mr->r->pool);
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_reg_pending SET captcha_hash = ?, captcha_phrase = ?, "
                      "captcha_expires = UTC_TIMESTAMP() + INTERVAL ? SECOND WHERE id = ?",
                      "ssii", sha(mr->r->pool, *phrase), *phrase, (long long)CAPTCHA_TTL,
                      pending_id);
}

int mc_reg_captcha_image(mc_req *mr, mc_db *db, long long pending_id)
{
    const char *phrase;
    apr_status_t rv = new_phrase(mr, db, pending_id, &phrase);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_captcha_send(mr, phrase, 0);
}

int mc_reg_captcha_audio(mc_req *mr, mc_db *db, long long pending_id)
{
    const char *phrase = NULL;
    long long hits, left;
    mc_dbres *res;
    apr_status_t rv = count(mr, db, "audio", &hits, &left);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (hits > (long long)mc_reg_config.attempts * AUDIO_PER_ATTEMPT) {
        apr_table_setn(mr->r->err_headers_out, "Retry-After",
                       apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)left));
        return HTTP_TOO_MANY_REQUESTS;
    }
    /* The phrase the picture shows; a new one when there is none. */
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT captcha_phrase FROM mc_reg_pending WHERE id = ? AND captcha_phrase "
                     "IS NOT NULL AND captcha_expires > UTC_TIMESTAMP()",
                     "i", pending_id);
    if (rv == APR_SUCCESS && res->nrows == 1)
        phrase = mc_dbres_get(res, 0, 0);
    else if (rv == APR_SUCCESS)
        rv = new_phrase(mr, db, pending_id, &phrase);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_captcha_send(mr, phrase, 1);
}

const char *mc_reg_captcha_check(mc_req *mr, mc_db *db, long long pending_id, int text_ok,
                                 int *drop, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *phrase = mc_captcha_typed(p, mc_field(mr, "captcha"));
    const char *answer = text_ok ? mc_text_trim(p, mc_field(mr, "captcha_answer")) : "";
    long long ok = 0, tries;
    mc_dbres *res;
    int expired = 0, given;
    *drop = 0;
    given = *phrase || *answer;
    *rv = mc_db_query(db, p, &res,
                      "SELECT captcha_tries, captcha_hash IS NOT NULL AND captcha_expires <= "
                      "UTC_TIMESTAMP(), question_hash IS NOT NULL AND question_expires <= "
                      "UTC_TIMESTAMP() FROM mc_reg_pending WHERE id = ?",
                      "i", pending_id);
    if (*rv != APR_SUCCESS)
        return NULL;
    tries = res->nrows == 1 ? mc_dbres_int(res, 0, 0) : CAPTCHA_TRIES;
    if (tries >= CAPTCHA_TRIES) {
        *drop = 1;
        return "too many tries";
    }
    if (*phrase && strlen(phrase) <= 10) {
        expired = (int)mc_dbres_int(res, 0, 1);
        *rv = mc_db_exec(db, &ok, NULL, SQL_PHRASE_OK, "is", pending_id, sha(p, phrase));
    }
    else if (!*phrase && *answer && strlen(answer) <= 10) {
        expired = (int)mc_dbres_int(res, 0, 2);
        *rv = mc_db_exec(db, &ok, NULL, SQL_ANSWER_OK, "is", pending_id, sha(p, answer));
    }
    if (*rv != APR_SUCCESS || ok == 1)
        return NULL;
    *rv = mc_db_exec(db, NULL, NULL, SQL_WRONG, "ii", (long long)given, pending_id);
    if (*rv == APR_SUCCESS && given && tries + 1 >= CAPTCHA_TRIES)
        *drop = 1;
    if (!given)
        return apr_pstrcat(p, MC_CAPTCHA_LABEL,
                           ": enter the phrase you see in the picture or hear from the player.",
                           NULL);
    if (expired)
        return apr_pstrcat(p, MC_CAPTCHA_LABEL,
                           ": the phrase (or question) has expired. Enter the new one.", NULL);
    return apr_pstrcat(p, MC_CAPTCHA_LABEL,
                       ": the phrase (or the answer) is not correct or was already used. Enter "
                       "the new one.",
                       NULL);
}
