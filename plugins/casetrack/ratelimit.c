/* ratelimit.c: the anonymous search limit of Case.net and its CAPTCHA.
 *
 * Anonymous requests to the searches and the case page are counted per
 * client address in fixed windows (mc_search_rate). Past the limit the
 * answer is the CAPTCHA page (429). Solving it turns the visitor's challenge
 * into a pass (mc_search_pass, found by the SHA-256 of the cookie's random
 * token) good for ct_config.pass_uses searches until the window ends.
 *
 * A challenge is two rows: the question of the accessible alternative under
 * the token's hash (answer_hash: its answer's hash), and the phrase drawn
 * by /captcha/image under the hash of token + IMAGE_SUFFIX. Either answer
 * solves the first row; each check voids both, right or wrong. */
#include "casetrack.h"

#include "apr_lib.h"
#include "http_log.h"

#define PASS_COOKIE "mc_casenet_pass"
#define IMAGE_SUFFIX ".image"
#define CHALLENGE_TTL 600 /* seconds a phrase or question lasts */

static const char *sha(apr_pool_t *p, const char *s)
{
    return mc_sha256_hex(p, s, strlen(s));
}

static const char *cookie_token(mc_req *mr)
{
    const char *tok = mc_cookie_value(mr, PASS_COOKIE);
    return tok && mc_token_syntax_ok(tok) ? tok : NULL;
}

static void set_cookie(mc_req *mr, const char *value, long long max_age)
{
    mc_cookie_put(mr, PASS_COOKIE, value, (long)max_age);
}

static long long window_secs(void)
{
    long long w = (long long)apr_time_sec(ct_config.search_window);
    return w > 0 ? w : 1;
}

/* Count this request; *over when the address is past the limit, *left the
 * seconds until its window ends. */
static apr_status_t count_hit(mc_req *mr, mc_db *db, int *over, long long *left)
{
    mc_dbres *res;
    long long w = window_secs();
    apr_status_t rv;
    *over = 0;
    /* Assignments run left to right: hits still sees the old window_start. */
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_search_rate (client_ip, window_start, hits) VALUES (?, "
                    "UTC_TIMESTAMP(), 1) ON DUPLICATE KEY UPDATE hits = IF(window_start <= "
                    "UTC_TIMESTAMP() - INTERVAL ? SECOND, 1, hits + 1), window_start = "
                    "IF(window_start <= UTC_TIMESTAMP() - INTERVAL ? SECOND, UTC_TIMESTAMP(), "
                    "window_start)",
                    "sii", mc_client_ip(mr), w, w);
    if (rv != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT hits, GREATEST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), window_start + "
                     "INTERVAL ? SECOND), 1) FROM mc_search_rate WHERE client_ip = ?",
                     "is", w, mc_client_ip(mr));
    *left = w;
    if (rv == APR_SUCCESS && res->nrows == 1) {
        *over = mc_dbres_int(res, 0, 0) > ct_config.search_limit;
        *left = mc_dbres_int(res, 0, 1);
    }
    /* About once in a thousand requests, forget the addresses whose window
     * is over (the table has no index on window_start: keep this rare). */
    if (rv == APR_SUCCESS && !strcmp(mc_random_digits(mr->r->pool, 3), "000"))
        rv = mc_db_exec(db, NULL, NULL,
                        "DELETE FROM mc_search_rate WHERE window_start < UTC_TIMESTAMP() - "
                        "INTERVAL ? SECOND LIMIT 200",
                        "i", w);
    return rv;
}

/* Spend one search of the visitor's pass; *ok when there was one. */
static apr_status_t use_pass(mc_req *mr, mc_db *db, int *ok)
{
    const char *tok = cookie_token(mr);
    long long n = 0;
    apr_status_t rv;
    *ok = 0;
    if (!tok)
        return APR_SUCCESS;
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_search_pass SET uses_left = uses_left - 1 WHERE token_hash = ? AND "
                    "solved = 1 AND uses_left > 0 AND client_ip = ? AND expires_at > "
                    "UTC_TIMESTAMP()",
                    "ss", sha(mr->r->pool, tok), mc_client_ip(mr));
    *ok = rv == APR_SUCCESS && n == 1;
    return rv;
}

/* A new challenge (a new token in the cookie, its question on the page);
 * any earlier challenge or spent pass of the cookie is dropped. */
static apr_status_t new_challenge(mc_req *mr, mc_db *db)
{
    apr_pool_t *p = mr->r->pool;
    const char *old = cookie_token(mr), *tok = mc_token_new(p), *q, *a;
    apr_status_t rv;
    if (old &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "DELETE FROM mc_search_pass WHERE token_hash IN (?, ?) AND (solved = 0 "
                         "OR uses_left <= 0 OR expires_at <= UTC_TIMESTAMP())",
                         "ss", sha(p, old), sha(p, apr_pstrcat(p, old, IMAGE_SUFFIX, NULL)))) !=
            APR_SUCCESS)
        return rv;
    if ((rv = mc_db_exec(db, NULL, NULL,
                         "DELETE FROM mc_search_pass WHERE expires_at <= UTC_TIMESTAMP() LIMIT 200",
                         "")) != APR_SUCCESS)
        return rv;
    mc_captcha_question(p, &q, &a);
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_search_pass (token_hash, client_ip, answer_hash, solved, "
                    "uses_left, expires_at) VALUES (?, ?, ?, 0, 0, UTC_TIMESTAMP() + INTERVAL ? "
                    "SECOND)",
                    "sssi", sha(p, tok), mc_client_ip(mr), sha(p, a), (long long)CHALLENGE_TTL);
    if (rv != APR_SUCCESS)
        return rv;
    set_cookie(mr, tok, CHALLENGE_TTL);
    mc_vars_set(mr->vars, "captcha_question", q);
    /* The image is asked for with this token, which the browser only gets
     * with this response. */
    mc_captcha_vars(mr, "/captcha/image", NULL);
    return APR_SUCCESS;
}

/* The CAPTCHA page for return path ret, with status and an optional error. */
static int captcha_page(mc_req *mr, mc_db *db, int status, const char *ret, const char *error)
{
    apr_status_t rv = new_challenge(mr, db);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/captcha"));
    mc_vars_set(mr->vars, "return", ret);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "limited", status == HTTP_TOO_MANY_REQUESTS ? "1" : NULL);
    mc_vars_set(mr->vars, "search_url", mc_url(mr, "/"));
    apr_table_setn(mr->r->headers_out, "X-Robots-Tag", "noindex");
    return mc_render(mr, status, "captcha.html", "Case.net: Please Confirm You Are a Person");
}

/* Where to go back to: a path inside this mount, else the search home. */
static const char *return_path(mc_req *mr, const char *in)
{
    const char *ret = in ? mc_safe_return(mr->r->pool, in) : NULL;
    size_t n = strlen(mr->mount);
    if (ret && !strncmp(ret, mr->mount, n) && (ret[n] == '/' || ret[n] == '?' || !ret[n]) &&
        strncmp(ret + n, "/captcha", 8))
        return ret;
    return mc_url(mr, "/");
}

int ct_rate_allow(mc_req *mr, mc_db *db, int *rc)
{
    int over, ok;
    long long left;
    apr_status_t rv;
    if (mr->account || ct_config.search_limit <= 0)
        return 1;
    if ((rv = count_hit(mr, db, &over, &left)) != APR_SUCCESS ||
        (over && (rv = use_pass(mr, db, &ok)) != APR_SUCCESS)) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (!over || ok)
        return 1;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                  MCLOGNO(2100) "Case.net: search limit reached for %s; CAPTCHA asked",
                  mc_client_ip(mr));
    apr_table_setn(mr->r->err_headers_out, "Retry-After",
                   apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)left));
    *rc = captcha_page(mr, db, HTTP_TOO_MANY_REQUESTS, return_path(mr, mr->r->unparsed_uri),
                       "You have made many searches in a short time. To continue, please "
                       "confirm you are a person.");
    return 0;
}

int ct_captcha_get(mc_req *mr)
{
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return captcha_page(mr, db, HTTP_OK, return_path(mr, mc_query(mr, "return")), NULL);
}

/* The image: a new phrase each time (the previous one is void). */
int ct_captcha_image(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok = cookie_token(mr), *phrase;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if (!tok)
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, p, &res,
                     "SELECT 1 FROM mc_search_pass WHERE token_hash = ? AND solved = 0 AND "
                     "expires_at > UTC_TIMESTAMP()",
                     "s", sha(p, tok));
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1)
        return HTTP_NOT_FOUND;
    phrase = mc_captcha_phrase(p);
    rv = mc_db_exec(db, NULL, NULL,
                    "REPLACE INTO mc_search_pass (token_hash, client_ip, answer_hash, solved, "
                    "uses_left, expires_at) VALUES (?, ?, ?, 0, 0, UTC_TIMESTAMP() + INTERVAL ? "
                    "SECOND)",
                    "sssi", sha(p, apr_pstrcat(p, tok, IMAGE_SUFFIX, NULL)), mc_client_ip(mr),
                    sha(p, phrase), (long long)CHALLENGE_TTL);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_captcha_send(mr, phrase, 0);
}

/* Check the answer and, when right, make the challenge a pass. */
static apr_status_t solve(mc_req *mr, mc_db *db, const char *tok, const char *phrase,
                          const char *answer, int *solved)
{
    apr_pool_t *p = mr->r->pool;
    const char *main_hash = sha(p, tok),
               *img_hash = sha(p, apr_pstrcat(p, tok, IMAGE_SUFFIX, NULL));
    long long n = 0, w = window_secs();
    apr_status_t rv;
    *solved = 0;
    if (*phrase)
        rv = mc_db_exec(db, &n, NULL,
                        "DELETE FROM mc_search_pass WHERE token_hash = ? AND answer_hash = ? AND "
                        "solved = 0 AND client_ip = ? AND expires_at > UTC_TIMESTAMP()",
                        "sss", img_hash, sha(p, phrase), mc_client_ip(mr));
    else
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_search_pass SET answer_hash = NULL WHERE token_hash = ? AND "
                        "answer_hash = ? AND solved = 0 AND client_ip = ? AND expires_at > "
                        "UTC_TIMESTAMP()",
                        "sss", main_hash, sha(p, answer), mc_client_ip(mr));
    if (rv != APR_SUCCESS || n != 1)
        return rv;
    /* The pass lasts as long as the address's current window. */
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_search_pass SET answer_hash = NULL, solved = 1, uses_left = ?, "
                    "expires_at = COALESCE((SELECT window_start + INTERVAL ? SECOND FROM "
                    "mc_search_rate WHERE client_ip = ? AND window_start > UTC_TIMESTAMP() - "
                    "INTERVAL ? SECOND), UTC_TIMESTAMP() + INTERVAL ? SECOND) WHERE token_hash = "
                    "? AND solved = 0",
                    "iisiis", (long long)ct_config.pass_uses, w, mc_client_ip(mr), w, w, main_hash);
    *solved = rv == APR_SUCCESS && n == 1;
    return rv;
}

static apr_status_t solve_tx(mc_req *mr, mc_db *db, void *baton)
{
    void **b = baton;
    return solve(mr, db, b[0], b[1], b[2], b[3]);
}

int ct_captcha_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok = cookie_token(mr), *ret = return_path(mr, mc_field(mr, "return"));
    const char *answer = mc_field(mr, "captcha_answer"), *why;
    const char *phrase = mc_captcha_typed(p, mc_field(mr, "captcha"));
    int solved = 0;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    void *baton[4];
    if (answer) {
        char *a = apr_pstrdup(p, answer);
        apr_collapse_spaces(a, a); /* returns the end, not the start */
        answer = a;
    }
    else
        answer = "";
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (tok && (*phrase || *answer) && strlen(phrase) <= 10 && strlen(answer) <= 10) {
        baton[0] = (void *)tok;
        baton[1] = (void *)phrase;
        baton[2] = (void *)answer;
        baton[3] = &solved;
        if ((rv = mc_req_tx(mr, solve_tx, baton)) != APR_SUCCESS)
            return mc_fail(mr, rv);
    }
    if (solved) {
        rv = mc_db_query(db, p, &res,
                         "SELECT GREATEST(TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), expires_at), 1) "
                         "FROM mc_search_pass WHERE token_hash = ?",
                         "s", sha(p, tok));
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        set_cookie(mr, tok, res->nrows ? mc_dbres_int(res, 0, 0) : window_secs());
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2101) "Case.net: CAPTCHA solved by %s; search pass given",
                      mc_client_ip(mr));
        return mc_redirect(mr, ret);
    }
    if (!*phrase && !*answer)
        why = apr_pstrcat(p, MC_CAPTCHA_LABEL,
                          ": enter the phrase, or answer the question under \"Can't see the "
                          "image?\".",
                          NULL);
    else
        why = apr_pstrcat(p, MC_CAPTCHA_LABEL,
                          ": the phrase (or the answer) is not correct, has expired or was "
                          "already used. Enter the new one.",
                          NULL);
    return captcha_page(mr, db, HTTP_BAD_REQUEST, ret, why);
}
