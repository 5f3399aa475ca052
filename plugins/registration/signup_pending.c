/* signup_pending.c: the registration in progress that "Create an account"
 * keeps server-side (mc_reg_pending, mc_reg_pending_field;
 * sql/registration/0002_signup.sql), found by a cookie of its own whose
 * token is stored only as its SHA-256. See signup.h. */
#include "registration.h"
#include "signup.h"

#define PENDING_COOKIE "mc_reg_pending"
#define PENDING_TTL 86400 /* seconds: a registration in progress lasts 24 h */

static const char *sha(apr_pool_t *p, const char *s)
{
    return mc_sha256_hex(p, s, strlen(s));
}

void mc_reg_pending_cookie(mc_req *mr, const char *value, long max_age)
{
    mc_cookie_put(mr, PENDING_COOKIE, value, max_age);
}

apr_status_t mc_reg_pending_load(mc_req *mr, mc_db *db, mc_reg_pend **out)
{
    apr_pool_t *p = mr->r->pool;
    const char *tok = mc_cookie_value(mr, PENDING_COOKIE);
    mc_dbres *res;
    mc_reg_pend *pd;
    apr_status_t rv;
    int i;
    *out = NULL;
    if (!tok || !mc_token_syntax_ok(tok))
        return APR_SUCCESS;
    rv = mc_db_query(db, p, &res,
                     "SELECT id, step FROM mc_reg_pending WHERE token_hash = ? AND expires_at > "
                     "UTC_TIMESTAMP()",
                     "s", sha(p, tok));
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    pd = apr_pcalloc(p, sizeof(*pd));
    pd->id = mc_dbres_int(res, 0, 0);
    pd->step = (int)mc_dbres_int(res, 0, 1);
    pd->f = apr_table_make(p, 32);
    rv = mc_db_query(db, p, &res,
                     "SELECT name, value FROM mc_reg_pending_field WHERE pending_id = ?", "i",
                     pd->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        apr_table_set(pd->f, mc_dbres_get(res, i, 0), mc_dbres_get(res, i, 1));
    *out = pd;
    return APR_SUCCESS;
}

apr_status_t mc_reg_pending_create(mc_req *mr, mc_db *db, mc_reg_pend **out)
{
    const char *tok = mc_token_new(mr->r->pool);
    long long id = 0;
    mc_reg_pend *pd;
    apr_status_t rv;
    /* Tidy up abandoned registrations now and then. */
    rv = mc_db_exec(db, NULL, NULL,
                    "DELETE FROM mc_reg_pending WHERE expires_at < UTC_TIMESTAMP() LIMIT 100", "");
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, &id,
                        "INSERT INTO mc_reg_pending (token_hash, step, created_at, expires_at) "
                        "VALUES (?, 0, UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND)",
                        "si", sha(mr->r->pool, tok), (long long)PENDING_TTL);
    if (rv != APR_SUCCESS)
        return rv;
    mc_reg_pending_cookie(mr, tok, PENDING_TTL);
    pd = apr_pcalloc(mr->r->pool, sizeof(*pd));
    pd->id = id;
    pd->f = apr_table_make(mr->r->pool, 32);
    *out = pd;
    return APR_SUCCESS;
}

apr_status_t mc_reg_pending_drop(mc_req *mr, mc_db *db, mc_reg_pend *pd)
{
    mc_reg_pending_cookie(mr, "", 0);
    return mc_db_exec(db, NULL, NULL, "DELETE FROM mc_reg_pending WHERE id = ?", "i", pd->id);
}

/* Save name = value (in the table too). */
apr_status_t mc_reg_pending_put(mc_db *db, mc_reg_pend *pd, const char *name, const char *value)
{
    apr_table_set(pd->f, name, value);
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_reg_pending_field (pending_id, name, value) VALUES (?, ?, ?) "
                      "ON DUPLICATE KEY UPDATE value = VALUES(value)",
                      "iss", pd->id, name, value);
}

/* Save the posted (trimmed) fields names[] and mark step done, in one
 * transaction. */
typedef struct save_baton {
    mc_reg_pend *pd;
    const char *const *names;
    const char *const *values;
    int n, step;
} save_baton;

static apr_status_t save_tx(mc_req *mr, mc_db *db, void *baton)
{
    save_baton *b = baton;
    apr_status_t rv = APR_SUCCESS;
    int i;
    for (i = 0; i < b->n && rv == APR_SUCCESS; i++)
        rv = mc_reg_pending_put(db, b->pd, b->names[i], b->values[i]);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_reg_pending SET step = GREATEST(step, ?) WHERE id = ?", "ii",
                        (long long)b->step, b->pd->id);
    return rv;
}

apr_status_t mc_reg_pending_save(mc_req *mr, mc_reg_pend *pd, int step, const char *const *names,
                                 const char *const *values, int n)
{
    save_baton b = {pd, names, values, n, step};
    apr_status_t rv = mc_req_tx(mr, save_tx, &b);
    if (rv == APR_SUCCESS && pd->step < step)
        pd->step = step;
    return rv;
}
