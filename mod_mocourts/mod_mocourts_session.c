/* mod_mocourts_session.c: sessions in MariaDB with a node-wide front cache.
 *
 * The cookie holds a 32-byte random token; the database holds only its
 * SHA-256. The database is the truth: a node trusts its shared-memory copy
 * (ap_socache, e.g. shmcb) for at most MoCourtsSessionCacheTTL, so a logoff
 * on another node takes effect here within that time (on this node at once).
 * The default, 1 s, is issue 15's promise for several nodes: a logoff,
 * password change, disable or removal is refused on every node within 1 s.
 * A TTL rather than a revocation counter polled in the database: a counter
 * every node bumps is one hot row that Galera would certify against on
 * every logoff, and a cache trusted for 1 s still spares the database all
 * but one lookup a second per session and node.
 *
 * In front of the shared cache each process keeps a first level (L1) that
 * needs no node-wide lock. An L1 entry is trusted only while the node's
 * revocation generation, a counter in shared memory that every ended session
 * bumps, is unchanged, and never past the shared entry's own expiry; so an
 * ended session is refused at once by every process of this node. */
#include "mod_mocourts_private.h"

#include "apr_atomic.h"
#include "apr_hash.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "apr_thread_rwlock.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_mutex.h"

#include "mc_form.h"

#define SEP '\x1f'
#define L1_MAX 4096 /* entries per process before the L1 starts afresh */

static ap_socache_provider_t *cache_prov;
static ap_socache_instance_t *cache_inst;
static apr_global_mutex_t *cache_mutex;

static apr_shm_t *gen_shm;
static volatile apr_uint32_t *generation; /* node-wide, in gen_shm */

typedef struct l1_entry {
    const char *data; /* serialised session */
    apr_time_t until;
    apr_uint32_t gen;
} l1_entry;
static apr_thread_rwlock_t *l1_lock;
static apr_pool_t *l1_pool; /* written only under the write lock */
static apr_hash_t *l1;
static int l1_count;

static apr_status_t cache_destroy(void *data)
{
    if (cache_inst)
        cache_prov->destroy(cache_inst, data);
    cache_inst = NULL;
    return APR_SUCCESS;
}

/* The MoCourtsSessionCache provider and its instance in pool, made from
 * the directive (create() only reads its argument; init() in post_config
 * takes resources). NULL when made, or when the cache is off (*prov NULL);
 * else the sentence naming the directive. */
static const char *cache_make(apr_pool_t *ptemp, apr_pool_t *pool, ap_socache_provider_t **prov,
                              ap_socache_instance_t **inst)
{
    mc_srv_conf *c = mc_conf_get();
    const char *err;
    char *name, *arg;

    *prov = NULL;
    if (!strcasecmp(c->cache_spec, "none") || c->cache_ttl == 0)
        return NULL;
    name = apr_pstrdup(ptemp, c->cache_spec);
    if ((arg = strchr(name, ':')))
        *arg++ = '\0';
    *prov = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION);
    if (!*prov)
        return apr_psprintf(ptemp,
                            "Invalid value for directive 'MoCourtsSessionCache': no "
                            "socache provider '%s' is loaded",
                            name);
    if ((err = (*prov)->create(inst, arg, ptemp, pool)))
        return apr_psprintf(ptemp, "Invalid value for directive 'MoCourtsSessionCache': %s", err);
    return NULL;
}

const char *mc_session_check_config(apr_pool_t *ptemp)
{
    ap_socache_provider_t *prov;
    ap_socache_instance_t *inst = NULL;
    return cache_make(ptemp, ptemp, &prov, &inst);
}

apr_status_t mc_session_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    struct ap_socache_hints hints = {64, 1024, 60};
    const char *err;
    apr_status_t rv;

    /* A graceful restart may turn the cache off: forget the last
     * generation's (destroyed) shared memory and mutex. */
    cache_prov = NULL;
    cache_inst = NULL;
    cache_mutex = NULL;
    gen_shm = NULL;
    generation = NULL;
    if ((err = cache_make(ptemp, pconf, &cache_prov, &cache_inst))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, MCLOGNO(0301) "%s", err);
        return APR_EGENERAL;
    }
    if (!cache_prov)
        return APR_SUCCESS;
    if (mc_conf_get()->cache_ttl > apr_time_from_sec(1))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     MCLOGNO(0305) "MoCourtsSessionCacheTTL is over 1s: a session ended on "
                                   "another node may be honoured here for up to that long "
                                   "(issue 15 promises 1 s with the default)");
    if (cache_prov->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&cache_mutex, NULL, MC_MUTEX_TYPE, NULL, s, pconf, 0);
        if (rv != APR_SUCCESS)
            return rv;
    }
    if ((rv = cache_prov->init(cache_inst, MC_SESSION_CACHE_ID, &hints, s, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     MCLOGNO(0302) "cannot initialise the session cache");
        return rv;
    }
    apr_pool_cleanup_register(pconf, s, cache_destroy, apr_pool_cleanup_null);
    /* Anonymous shared memory, inherited by the children at fork. */
    if ((rv = apr_shm_create(&gen_shm, sizeof(apr_uint32_t), NULL, pconf)) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     MCLOGNO(0303) "cannot create the session cache's shared counter");
        return rv;
    }
    generation = apr_shm_baseaddr_get(gen_shm);
    apr_atomic_set32(generation, 0);
    return APR_SUCCESS;
}

apr_status_t mc_session_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;
    if (!cache_inst)
        return APR_SUCCESS;
    if (cache_mutex &&
        (rv = apr_global_mutex_child_init(&cache_mutex, apr_global_mutex_lockfile(cache_mutex),
                                          pchild)) != APR_SUCCESS)
        return rv;
    if ((rv = apr_thread_rwlock_create(&l1_lock, pchild)) != APR_SUCCESS ||
        (rv = apr_pool_create(&l1_pool, pchild)) != APR_SUCCESS)
        return rv;
    l1 = apr_hash_make(l1_pool);
    l1_count = 0;
    return APR_SUCCESS;
}

/* The L1 copy of a session if it is still good, copied into p. */
static char *l1_get(apr_pool_t *p, const char *hash)
{
    l1_entry *e;
    char *data = NULL;
    if (!l1 || apr_thread_rwlock_rdlock(l1_lock) != APR_SUCCESS)
        return NULL;
    e = apr_hash_get(l1, hash, 64);
    if (e && e->gen == apr_atomic_read32(generation) && e->until > apr_time_now())
        data = apr_pstrdup(p, e->data);
    apr_thread_rwlock_unlock(l1_lock);
    return data;
}

static void l1_put(const char *hash, const char *data, apr_time_t until, apr_uint32_t gen)
{
    l1_entry *e;
    if (!l1 || apr_thread_rwlock_wrlock(l1_lock) != APR_SUCCESS)
        return;
    if (++l1_count > L1_MAX) {
        apr_pool_clear(l1_pool);
        l1 = apr_hash_make(l1_pool);
        l1_count = 1;
    }
    e = apr_palloc(l1_pool, sizeof(*e));
    e->data = apr_pstrdup(l1_pool, data);
    e->until = until;
    e->gen = gen;
    apr_hash_set(l1, apr_pstrmemdup(l1_pool, hash, 64), 64, e);
    apr_thread_rwlock_unlock(l1_lock);
}

/* ---- cookies ---------------------------------------------------------------- */

/* The one place a Set-Cookie header is written, for the core and (through
 * mc_cookie_put) the plugins. */
void mc_cookie_set(request_rec *r, const char *name, const char *value, long max_age)
{
    mc_srv_conf *c = mc_conf_get();
    const char *v =
        apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
                     c->cookie_secure ? "; Secure" : "",
                     max_age >= 0 ? apr_psprintf(r->pool, "; Max-Age=%ld", max_age) : "");
    apr_table_addn(r->err_headers_out, "Set-Cookie", v);
}

/* A plugin's cookie name as sent: "__Host-" in front when cookies are
 * Secure (Path=/ and no Domain already hold, so browsers accept it). */
static const char *plugin_cookie_name(apr_pool_t *p, const char *name)
{
    return mc_conf_get()->cookie_secure ? apr_pstrcat(p, "__Host-", name, NULL) : name;
}

void mc_cookie_put(mc_req *mr, const char *name, const char *value, long max_age)
{
    mc_cookie_set(mr->r, plugin_cookie_name(mr->r->pool, name), value, max_age);
}

const char *mc_cookie_value(const mc_req *mr, const char *name)
{
    return mc_cookie_read(mr->r, plugin_cookie_name(mr->r->pool, name));
}

const char *mc_cookie_read(request_rec *r, const char *name)
{
    const char *h = apr_table_get(r->headers_in, "Cookie");
    return h ? mc_cookie_get(r->pool, h, name) : NULL;
}

const char *mc_cookie_name(const char *suffix, apr_pool_t *p)
{
    return apr_pstrcat(p, mc_conf_get()->cookie, "-", suffix, NULL);
}

/* ---- the cache -------------------------------------------------------------- */

static int cache_lock(void)
{
    return !cache_mutex || apr_global_mutex_lock(cache_mutex) == APR_SUCCESS;
}

static void cache_unlock(void)
{
    if (cache_mutex)
        apr_global_mutex_unlock(cache_mutex);
}

static const char *serialise(apr_pool_t *p, const mc_session *ss, apr_time_t last_seen,
                             apr_time_t until)
{
    const mc_account *a = &ss->account;
    const char *roles = a->roles->nelts ? apr_array_pstrcat(p, a->roles, ',') : "";
    const char *f[] = {ss->stage,     ss->csrf,     a->username, a->email,
                       a->first_name, a->last_name, roles};
    size_t i;
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (strchr(f[i], SEP))
            return NULL;
    return apr_psprintf(p,
                        "%" APR_TIME_T_FMT "%c%" APR_INT64_T_FMT "%c%" APR_TIME_T_FMT
                        "%c%" APR_TIME_T_FMT "%c%s%c%s%c%s%c%s%c%s%c%s%c%s",
                        until, SEP, (apr_int64_t)a->id, SEP, ss->expires, SEP, last_seen, SEP, f[0],
                        SEP, f[1], SEP, f[2], SEP, f[3], SEP, f[4], SEP, f[5], SEP, f[6]);
}

apr_array_header_t *mc_roles_split(apr_pool_t *p, const char *s)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    char *last, *tok, *copy = apr_pstrdup(p, s ? s : "");
    for (tok = apr_strtok(copy, ",", &last); tok; tok = apr_strtok(NULL, ",", &last))
        APR_ARRAY_PUSH(a, const char *) = tok;
    return a;
}

/* The session in data (which is cut up), unless its cache entry expired. */
static mc_session *deserialise(apr_pool_t *p, char *data, apr_time_t *last_seen)
{
    char *all[11], **f = all + 1;
    int n = 0;
    mc_session *ss = apr_pcalloc(p, sizeof(*ss));
    all[n++] = data;
    for (char *c = data; *c && n < 11; c++)
        if (*c == SEP) {
            *c = '\0';
            all[n++] = c + 1;
        }
    if (n != 11 || apr_atoi64(all[0]) <= apr_time_now())
        return NULL;
    ss->account.id = apr_atoi64(f[0]);
    ss->expires = apr_atoi64(f[1]);
    *last_seen = apr_atoi64(f[2]);
    ss->stage = f[3];
    ss->csrf = f[4];
    ss->account.username = f[5];
    ss->account.email = f[6];
    ss->account.first_name = f[7];
    ss->account.last_name = f[8];
    ss->account.roles = mc_roles_split(p, f[9]);
    return ss;
}

static void cache_store(request_rec *r, const mc_session *ss, apr_time_t last_seen)
{
    mc_srv_conf *c = mc_conf_get();
    const char *data;
    apr_time_t until = apr_time_now() + c->cache_ttl;
    apr_uint32_t gen;
    if (!cache_inst)
        return;
    if (until > ss->expires)
        until = ss->expires;
    if (!(data = serialise(r->pool, ss, last_seen, until)))
        return;
    /* The generation was read before the row was: if a session ended
     * meanwhile, what we read may be stale, so keep it in no cache. */
    gen = mc_rstate_of(r)->cache_gen;
    if (apr_atomic_read32(generation) != gen)
        return;
    l1_put(ss->token_hash, data, until, gen);
    if (cache_lock()) {
        cache_prov->store(cache_inst, r->server, (const unsigned char *)ss->token_hash, 64, until,
                          (unsigned char *)data, (unsigned)strlen(data), r->pool);
        cache_unlock();
    }
}

static mc_session *cache_fetch(request_rec *r, const char *hash, apr_time_t *last_seen)
{
    unsigned char buf[2048];
    unsigned len = sizeof(buf) - 1;
    apr_status_t rv;
    mc_session *ss;
    char *data, *copy;
    apr_time_t until;
    if (!cache_inst)
        return NULL;
    mc_rstate_of(r)->cache_gen = apr_atomic_read32(generation);
    if ((data = l1_get(r->pool, hash))) {
        if ((ss = deserialise(r->pool, data, last_seen)))
            ss->token_hash = hash;
        return ss;
    }
    if (!cache_lock())
        return NULL;
    rv = cache_prov->retrieve(cache_inst, r->server, (const unsigned char *)hash, 64, buf, &len,
                              r->pool);
    cache_unlock();
    if (rv != APR_SUCCESS)
        return NULL;
    buf[len] = '\0';
    data = apr_pstrmemdup(r->pool, (char *)buf, len);
    copy = apr_pstrdup(r->pool, data);
    if ((ss = deserialise(r->pool, data, last_seen))) {
        ss->token_hash = hash;
        until = apr_atoi64(copy); /* the shared entry's own expiry, first field */
        l1_put(hash, copy, until, mc_rstate_of(r)->cache_gen);
    }
    return ss;
}

void mc_session_uncache(server_rec *s, const char *token_hash, apr_pool_t *p)
{
    if (generation)
        apr_atomic_inc32(generation); /* every process's L1 copies are now stale */
    if (cache_inst && cache_lock()) {
        cache_prov->remove(cache_inst, s, (const unsigned char *)token_hash, 64, p);
        cache_unlock();
        /* Again: a reader between the first bump and the removal may have
         * copied the entry under the new generation. */
        apr_atomic_inc32(generation);
    }
}

/* ---- lookup ----------------------------------------------------------------- */

static const char SQL_LOOKUP[] =
    "SELECT s.account_id, s.stage, s.csrf, UNIX_TIMESTAMP(s.expires_at), "
    "UNIX_TIMESTAMP(s.last_seen), a.username, a.email, a.first_name, a.last_name, a.status, "
    "(SELECT GROUP_CONCAT(IF(r.scope = '', r.role, CONCAT(r.role, ':', r.scope)) "
    "        SEPARATOR ',') FROM mc_account_role r WHERE r.account_id = a.id), "
    "UNIX_TIMESTAMP(UTC_TIMESTAMP()) "
    "FROM mc_session s JOIN mc_account a ON a.id = s.account_id WHERE s.token_hash = ?";

static apr_interval_time_t touch_interval(void)
{
    apr_interval_time_t t = mc_conf_get()->session_idle / 10;
    if (t > apr_time_from_sec(60))
        t = apr_time_from_sec(60);
    return t < apr_time_from_sec(1) ? apr_time_from_sec(1) : t;
}

static apr_status_t lookup_db(request_rec *r, const char *hash, mc_session **out)
{
    mc_srv_conf *c = mc_conf_get();
    mc_dbres *res;
    mc_db *db;
    mc_session *ss;
    apr_time_t last_seen, now;
    apr_status_t rv;

    *out = NULL;
    if ((rv = mc_r_db(r, &db)) != APR_SUCCESS)
        return rv;
    if ((rv = mc_db_query(db, r->pool, &res, SQL_LOOKUP, "s", hash)) != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return APR_SUCCESS;
    now = apr_time_from_sec(mc_dbres_int(res, 0, 11));
    ss = apr_pcalloc(r->pool, sizeof(*ss));
    ss->token_hash = hash;
    ss->account.id = mc_dbres_int(res, 0, 0);
    ss->stage = mc_dbres_get(res, 0, 1);
    ss->csrf = mc_dbres_get(res, 0, 2);
    ss->expires = apr_time_from_sec(mc_dbres_int(res, 0, 3));
    last_seen = apr_time_from_sec(mc_dbres_int(res, 0, 4));
    ss->account.username = mc_dbres_get(res, 0, 5);
    ss->account.email = mc_dbres_get(res, 0, 6);
    ss->account.first_name = mc_dbres_get(res, 0, 7);
    ss->account.last_name = mc_dbres_get(res, 0, 8);
    ss->account.roles = mc_roles_split(r->pool, mc_dbres_get(res, 0, 10));
    if (ss->expires <= now || last_seen + c->session_idle <= now ||
        strcmp(mc_dbres_get(res, 0, 9), "active")) {
        mc_db_exec(db, NULL, NULL, "DELETE FROM mc_session WHERE token_hash = ?", "s", hash);
        return APR_SUCCESS;
    }
    if (now - last_seen >= touch_interval()) {
        rv = mc_db_exec(db, NULL, NULL,
                        "UPDATE mc_session SET last_seen = UTC_TIMESTAMP() WHERE token_hash = ?",
                        "s", hash);
        if (rv != APR_SUCCESS)
            return rv;
        last_seen = now;
    }
    cache_store(r, ss, last_seen);
    *out = ss;
    return APR_SUCCESS;
}

apr_status_t mc_session_of(request_rec *r, mc_session **sess)
{
    mc_srv_conf *c = mc_conf_get();
    mc_rstate *st = mc_rstate_of(r);
    const char *token, *hash;
    apr_time_t last_seen, now = apr_time_now();
    mc_session *ss;

    if (st->session_looked) {
        *sess = st->session;
        return st->session_rv;
    }
    if (r->main)
        return mc_session_of(r->main, sess);
    st->session_looked = 1;
    st->session = NULL;
    st->session_rv = APR_SUCCESS;
    token = mc_cookie_read(r, c->cookie);
    if (token && mc_token_syntax_ok(token)) {
        hash = mc_sha256_hex(r->pool, token, strlen(token));
        ss = cache_fetch(r, hash, &last_seen);
        if (ss && ss->expires > now && last_seen + c->session_idle > now &&
            now - last_seen < touch_interval())
            st->session = ss;
        else
            st->session_rv = lookup_db(r, hash, &st->session);
    }
    *sess = st->session;
    return st->session_rv;
}

/* ---- create, rotate, end ---------------------------------------------------- */

static const char SQL_ACCOUNT[] =
    "SELECT a.username, a.email, a.first_name, a.last_name, "
    "(SELECT GROUP_CONCAT(IF(r.scope = '', r.role, CONCAT(r.role, ':', r.scope)) "
    "        SEPARATOR ',') FROM mc_account_role r WHERE r.account_id = a.id) "
    "FROM mc_account a WHERE a.id = ?";

apr_status_t mc_session_create(request_rec *r, mc_db *db, long long account_id, const char *stage,
                               mc_session **out)
{
    mc_srv_conf *c = mc_conf_get();
    mc_rstate *st = mc_rstate_of(r);
    const char *token = mc_token_new(r->pool);
    mc_session *ss = apr_pcalloc(r->pool, sizeof(*ss));
    mc_dbres *res;
    apr_status_t rv;
    long max = (long)apr_time_sec(c->session_max);

    ss->token_hash = mc_sha256_hex(r->pool, token, strlen(token));
    ss->csrf = mc_token_new(r->pool);
    ss->stage = stage;
    ss->expires = apr_time_now() + c->session_max;
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_session (token_hash, account_id, stage, csrf, created_at, "
                    "last_seen, expires_at, client_ip) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), "
                    "UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? SECOND, ?)",
                    "sissis", ss->token_hash, account_id, stage, ss->csrf, (long long)max,
                    r->useragent_ip);
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = mc_db_query(db, r->pool, &res, SQL_ACCOUNT, "i", account_id)) != APR_SUCCESS)
        return rv;
    if (res->nrows != 1)
        return MC_DB_EFAIL;
    ss->account.id = account_id;
    ss->account.username = mc_dbres_get(res, 0, 0);
    ss->account.email = mc_dbres_get(res, 0, 1);
    ss->account.first_name = mc_dbres_get(res, 0, 2);
    ss->account.last_name = mc_dbres_get(res, 0, 3);
    ss->account.roles = mc_roles_split(r->pool, mc_dbres_get(res, 0, 4));
    mc_cookie_set(r, c->cookie, token, -1);
    st->session_looked = 1;
    st->session = ss;
    st->session_rv = APR_SUCCESS;
    if (out)
        *out = ss;
    return APR_SUCCESS;
}

apr_status_t mc_session_end(request_rec *r, mc_db *db)
{
    mc_rstate *st = mc_rstate_of(r);
    apr_status_t rv = APR_SUCCESS;
    if (st->session) {
        rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_session WHERE token_hash = ?", "s",
                        st->session->token_hash);
        mc_session_uncache(r->server, st->session->token_hash, r->pool);
        st->session = NULL;
    }
    mc_cookie_set(r, mc_conf_get()->cookie, "", 0);
    return rv;
}

apr_status_t mc_session_rotate(mc_req *mr)
{
    request_rec *r = mr->r;
    mc_rstate *st = mc_rstate_of(r);
    const char *token, *hash, *csrf;
    mc_db *db;
    apr_status_t rv;
    long long n = 0;

    if (!st->session)
        return APR_EINVAL;
    if ((rv = mc_r_db(r, &db)) != APR_SUCCESS)
        return rv;
    token = mc_token_new(r->pool);
    hash = mc_sha256_hex(r->pool, token, strlen(token));
    csrf = mc_token_new(r->pool);
    rv = mc_db_exec(db, &n, NULL,
                    "UPDATE mc_session SET token_hash = ?, csrf = ?, last_seen = UTC_TIMESTAMP() "
                    "WHERE token_hash = ?",
                    "sss", hash, csrf, st->session->token_hash);
    if (rv != APR_SUCCESS)
        return rv;
    mc_session_uncache(r->server, st->session->token_hash, r->pool);
    if (n != 1)
        return APR_ENOENT;
    st->session->token_hash = hash;
    st->session->csrf = csrf;
    mc_cookie_set(r, mc_conf_get()->cookie, token, -1);
    mc_vars_set(mr->vars, "_csrf", csrf);
    return APR_SUCCESS;
}

/* Promote the request's session to a new stage, with a new token. */
apr_status_t mc_session_promote(mc_req *mr, const char *stage)
{
    mc_rstate *st = mc_rstate_of(mr->r);
    mc_db *db;
    apr_status_t rv;
    if (!st->session)
        return APR_EINVAL;
    if ((rv = mc_r_db(mr->r, &db)) != APR_SUCCESS)
        return rv;
    rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_session SET stage = ? WHERE token_hash = ?", "ss",
                    stage, st->session->token_hash);
    if (rv != APR_SUCCESS)
        return rv;
    st->session->stage = stage;
    return mc_session_rotate(mr);
}

apr_status_t mc_session_end_others(mc_req *mr, mc_db *db)
{
    mc_session *own = mc_rstate_of(mr->r)->session;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if (!own)
        return APR_EINVAL;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT token_hash FROM mc_session WHERE account_id = ? AND token_hash <> ?",
                     "is", own->account.id, own->token_hash);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        mc_session_uncache(mr->r->server, mc_dbres_get(res, i, 0), mr->r->pool);
    return mc_db_exec(db, NULL, NULL,
                      "DELETE FROM mc_session WHERE account_id = ? AND token_hash <> ?", "is",
                      own->account.id, own->token_hash);
}

apr_status_t mc_session_end_all(mc_req *mr, mc_db *db, long long account_id)
{
    mc_dbres *res;
    apr_status_t rv;
    int i;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT token_hash FROM mc_session WHERE account_id = ?", "i", account_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        mc_session_uncache(mr->r->server, mc_dbres_get(res, i, 0), mr->r->pool);
    return mc_db_exec(db, NULL, NULL, "DELETE FROM mc_session WHERE account_id = ?", "i",
                      account_id);
}

const char *mc_csrf_value(request_rec *r, mc_session *sess)
{
    mc_rstate *st = mc_rstate_of(r);
    const char *name, *v;
    if (sess)
        return sess->csrf;
    if (st->pre_csrf)
        return st->pre_csrf;
    name = mc_cookie_name("csrf", r->pool);
    v = mc_cookie_read(r, name);
    if (!v || !mc_token_syntax_ok(v)) {
        v = mc_token_new(r->pool);
        mc_cookie_set(r, name, v, -1);
    }
    return st->pre_csrf = v;
}
