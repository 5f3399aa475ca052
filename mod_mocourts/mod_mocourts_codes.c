/* mod_mocourts_codes.c: the key of short e-mailed codes and their hash.
 *
 * A 6-digit code has a million values: a plain digest of it is read back
 * from a copy of the database in a moment. Codes are stored as a keyed
 * BLAKE2b (crypto_generichash with a 32-byte key; a MAC, as HMAC is) of
 * "<purpose>:<owner>:<code>" (new-device codes: "device:<account id>:..."), so the digest is worthless without the key
 * and a code is bound to its purpose and account.
 *
 * The key is the same on every node: read at start-up from the file that
 * MoCourtsSecretFile names (the same file on every node; outside the
 * database, so a copy of the database alone reveals no code), else the
 * random key that the core schema's migration 5 stored in mc_secret (read
 * per use: a code is made or checked a few times per logon at most). */
#include "mod_mocourts_private.h"

#include "apr_strings.h"

/* The key in key[32]; APR_SUCCESS, or a database error, or APR_ENOENT when
 * the database holds no usable key (logged). */
static apr_status_t code_key(mc_req *mr, mc_db *db, unsigned char *key)
{
    mc_srv_conf *c = mc_conf_get();
    mc_dbres *res;
    apr_status_t rv;
    if (c->code_key_set) {
        memcpy(key, c->code_key, sizeof(c->code_key));
        return APR_SUCCESS;
    }
    rv = mc_db_query(db, mr->r->pool, &res, "SELECT value FROM mc_secret WHERE name = 'code-key'",
                     "");
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows != 1 || res->lens[0][0] != sizeof(c->code_key)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r,
                      MCLOGNO(0610) "mc_secret holds no 32-byte 'code-key': run "
                                    "'mocourts-admin migrate', or set MoCourtsSecretFile");
        return APR_ENOENT;
    }
    memcpy(key, mc_dbres_get(res, 0, 0), sizeof(c->code_key));
    return APR_SUCCESS;
}

const char *mc_code_hash(mc_req *mr, mc_db *db, const char *purpose, long long owner,
                         const char *code, apr_status_t *rv)
{
    unsigned char key[32];
    const char *msg, *out;
    if ((*rv = code_key(mr, db, key)) != APR_SUCCESS)
        return NULL;
    msg = apr_psprintf(mr->r->pool, "%s:%" APR_INT64_T_FMT ":%s", purpose, (apr_int64_t)owner,
                       code);
    out = mc_keyed_hex(mr->r->pool, key, sizeof(key), msg, strlen(msg));
    memset(key, 0, sizeof(key));
    if (!out)
        *rv = APR_EGENERAL;
    return out;
}

const char *mc_device_code_hash(mc_req *mr, mc_db *db, long long account_id, const char *code,
                                apr_status_t *rv)
{
    return mc_code_hash(mr, db, "device", account_id, code, rv);
}
