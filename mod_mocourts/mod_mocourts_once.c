/* mod_mocourts_once.c: one-time form tokens (ABI 1.8, see mocourts.h).
 *
 * The token (mc_once.h) is keyed with the session's anti-CSRF value, so
 * only pages drawn for this session hold valid ones. Claiming one inserts
 * the SHA-256 of "<token>\n<request path>" into mc_form_once in the
 * handler's transaction: the primary key makes a second claim wait for the
 * first transaction and then fail as a duplicate, which is answered with the
 * first one's result. Rows are purged two days on (mc_purge.c), after every
 * token they could match has expired (ONCE_MAX_AGE). */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_log.h"

#include "mc_once.h"

#define ONCE_MAX_AGE apr_time_from_sec(86400) /* a form's token lasts a day */
#define ONCE_NOTE "mc_once"                   /* the request's claim (pool userdata) */

typedef struct once_claim {
    const char *hash;  /* of the token claimed, NULL before a claim */
    const char *prior; /* a repeat: the first copy's result ("" if none) */
} once_claim;

static once_claim *claim_of(request_rec *r)
{
    void *v = NULL;
    apr_pool_userdata_get(&v, ONCE_NOTE, r->pool);
    if (!v) {
        v = apr_pcalloc(r->pool, sizeof(once_claim));
        apr_pool_userdata_setn(v, ONCE_NOTE, NULL, r->pool);
    }
    return v;
}

const char *mc_once_token(mc_req *mr)
{
    return mc_once_make(mr->r->pool, mc_vars_get(mr->vars, "_csrf"), apr_time_now());
}

/* The claim's key: the token for this request's path. */
static const char *claim_hash(request_rec *r, const char *sent)
{
    const char *key = apr_pstrcat(r->pool, sent, "\n", r->uri, NULL);
    return mc_sha256_hex(r->pool, key, strlen(key));
}

/* The first copy's result into c->prior by a locking read: it waits for a
 * claim not yet committed and sees a committed one whatever the snapshot
 * of the transaction it runs in. 1 when there is a claim. */
static int prior_claim(request_rec *r, mc_db *db, once_claim *c, apr_status_t *rv)
{
    mc_dbres *res;
    *rv = mc_db_query(db, r->pool, &res,
                      "SELECT result_url FROM mc_form_once WHERE token_hash = ? LOCK IN SHARE MODE",
                      "s", c->hash);
    if (*rv != APR_SUCCESS || !res->nrows)
        return 0;
    c->prior = mc_dbres_get(res, 0, 0);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  MCLOGNO(1002) "form sent again: answered with its first copy's result");
    return 1;
}

apr_status_t mc_once_seen(mc_req *mr, mc_db *db, const char *sent)
{
    once_claim *c = claim_of(mr->r);
    apr_status_t rv;
    if (!sent)
        sent = mc_field(mr, MC_ONCE_FIELD);
    if (!sent || !*sent || strlen(sent) > MC_ONCE_MAX_CHARS)
        return APR_SUCCESS;
    c->hash = claim_hash(mr->r, sent);
    if (prior_claim(mr->r, db, c, &rv))
        return MC_ONCE_REPEAT;
    c->hash = NULL;
    return rv;
}

apr_status_t mc_once_claim(mc_req *mr, mc_db *db, const char *sent)
{
    request_rec *r = mr->r;
    once_claim *c = claim_of(r);
    const char *why;
    apr_status_t rv;

    if (!sent)
        sent = mc_field(mr, MC_ONCE_FIELD);
    why = mc_once_refusal(r->pool, mc_vars_get(mr->vars, "_csrf"), sent, apr_time_now(),
                          ONCE_MAX_AGE);
    if (why) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(1001) "form refused: %s", why);
        return MC_ONCE_REFUSED;
    }
    c->hash = claim_hash(r, sent);
    c->prior = NULL;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_form_once (token_hash, account_id, created_at, result_url) "
                    "VALUES (?, NULLIF(?, 0), UTC_TIMESTAMP(), '')",
                    "si", c->hash, mr->account ? mr->account->id : 0);
    if (rv != MC_DB_EDUP)
        return rv;
    /* The first copy has committed (its claim was waited for). */
    if (!prior_claim(r, db, c, &rv) && rv == APR_SUCCESS)
        c->prior = ""; /* purged meanwhile: a repeat all the same */
    return rv == APR_SUCCESS ? MC_ONCE_REPEAT : rv;
}

apr_status_t mc_once_done(mc_req *mr, mc_db *db, const char *path)
{
    once_claim *c = claim_of(mr->r);
    if (!c->hash || c->prior || !path)
        return APR_SUCCESS;
    return mc_db_exec(db, NULL, NULL, "UPDATE mc_form_once SET result_url = ? WHERE token_hash = ?",
                      "ss", *path == '/' ? path : mc_url(mr, path), c->hash);
}

int mc_once_answer(mc_req *mr, apr_status_t rv)
{
    once_claim *c = claim_of(mr->r);
    const char *to;
    if (rv == MC_ONCE_REFUSED)
        return mc_message(mr, HTTP_FORBIDDEN, "This form has expired",
                          "This form could not be accepted: it has expired or did not come "
                          "from this site. Go back, reload the page and try again.");
    if (rv != MC_ONCE_REPEAT)
        return mc_fail(mr, rv);
    if ((to = mc_safe_return(mr->r->pool, c->prior)))
        return mc_redirect(mr, to);
    return mc_message(mr, HTTP_OK, "Already received",
                      "This form was sent more than once; it was received and acted on once.");
}

/* ---- ABI 1.16: the API's Idempotency-Key, claimed the same way ------------- */

#define IDEM_KEY_MAX 255

apr_status_t mc_api_idem_claim(mc_req *mr, mc_db *db, const char **prior)
{
    request_rec *r = mr->r;
    once_claim *c = claim_of(r);
    const char *key = apr_table_get(r->headers_in, "Idempotency-Key"), *what;
    apr_status_t rv;

    *prior = NULL;
    if (!key || !*key || strlen(key) > IDEM_KEY_MAX || !mr->account)
        return MC_ONCE_REFUSED;
    what = apr_psprintf(r->pool, "api\n%" APR_INT64_T_FMT "\n%s\n%s", (apr_int64_t)mr->account->id, key, r->uri);
    c->hash = mc_sha256_hex(r->pool, what, strlen(what));
    c->prior = NULL;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_form_once (token_hash, account_id, created_at, result_url) "
                    "VALUES (?, ?, UTC_TIMESTAMP(), '')",
                    "si", c->hash, mr->account->id);
    if (rv != MC_DB_EDUP)
        return rv;
    if (!prior_claim(r, db, c, &rv) && rv == APR_SUCCESS)
        c->prior = "";
    *prior = c->prior;
    return rv == APR_SUCCESS ? MC_ONCE_REPEAT : rv;
}

apr_status_t mc_api_idem_done(mc_req *mr, mc_db *db, const char *result)
{
    once_claim *c = claim_of(mr->r);
    if (!c->hash || c->prior || !result)
        return APR_SUCCESS;
    return mc_db_exec(db, NULL, NULL, "UPDATE mc_form_once SET result_url = ? WHERE token_hash = ?",
                      "ss", result, c->hash);
}
