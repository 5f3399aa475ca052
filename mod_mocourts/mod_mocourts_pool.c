/* mod_mocourts_pool.c: the per-process MariaDB connection pool.
 *
 * Opened after fork (child_init), on apr_reslist. A request borrows one
 * connection and gives it back by a pool cleanup (mod_dbd's pattern). A
 * connection that reports itself broken is invalidated, never reused; the
 * next borrow opens a new one. After a failed connect, borrowing fails fast
 * for a second so an outage does not pile up waiting threads.
 *
 * With several servers in MoCourtsDBHost (issue 15), a connection lost on
 * one marks that server failed for the process (mc_db_hosts.c): the pool's
 * other connections to it are closed before they are lent, and new ones go
 * to the next server. A connection to any server but the first is closed
 * when given back after MoCourtsDBFailback, so the process returns to its
 * first server when that one is back. */
#include "mod_mocourts_private.h"
#include "mc_db_hosts.h"

#include "apr_atomic.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"

typedef struct pooled {
    apr_pool_t *pool; /* a root pool of the connection's own */
    mc_db *db;
    apr_time_t last_used;
    apr_time_t opened;
} pooled;

/* A connection idle this long is pinged before it is lent: the server may
 * have restarted meanwhile, and a request should not pay for that. */
#define IDLE_CHECK apr_time_from_sec(1)

typedef struct loan {
    pooled *conn;
    server_rec *s;
} loan;

static apr_reslist_t *reslist;
static volatile apr_uint32_t last_failure; /* apr_time_sec of the last failed connect */

static apr_status_t conn_construct(void **res, void *params, apr_pool_t *unused)
{
    mc_srv_conf *c = mc_conf_get();
    server_rec *s = params;
    pooled *pc;
    apr_pool_t *cp;
    const char *err;
    apr_status_t rv;

    /* A root pool: reslist constructors run concurrently, and creating
     * children of one shared pool from several threads is not safe. */
    if ((rv = apr_pool_create(&cp, NULL)) != APR_SUCCESS)
        return rv;
    pc = apr_pcalloc(cp, sizeof(*pc));
    pc->pool = cp;
    pc->last_used = pc->opened = apr_time_now();
    rv = mc_db_open(cp, &c->db, &pc->db, &err);
    if (rv != APR_SUCCESS) {
        apr_atomic_set32(&last_failure, (apr_uint32_t)apr_time_sec(apr_time_now()));
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, MCLOGNO(0201) "database connection failed: %s",
                     err);
        apr_pool_destroy(cp);
        return rv;
    }
    *res = pc;
    return APR_SUCCESS;
}

static apr_status_t conn_destruct(void *res, void *params, apr_pool_t *unused)
{
    pooled *pc = res;
    mc_db_close(pc->db);
    apr_pool_destroy(pc->pool);
    return APR_SUCCESS;
}

static apr_status_t reslist_gone(void *data)
{
    reslist = NULL;
    return APR_SUCCESS;
}

apr_status_t mc_pool_child_init(apr_pool_t *pchild, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    apr_status_t rv;
    int i;
    void *res[64];

    rv = apr_reslist_create(&reslist, 0, c->pool_max, c->pool_max, 0, conn_construct, conn_destruct,
                            s, pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, MCLOGNO(0202) "cannot create the pool");
        return rv;
    }
    apr_reslist_timeout_set(reslist, apr_time_from_sec(c->db.connect_timeout + 2));
    apr_pool_cleanup_register(pchild, NULL, reslist_gone, apr_pool_cleanup_null);
    /* Warm the pool up to MoCourtsDBPoolMin, best effort. */
    for (i = 0; i < c->pool_min && i < 64; i++)
        if (apr_reslist_acquire(reslist, &res[i]) != APR_SUCCESS)
            break;
    while (i-- > 0)
        apr_reslist_release(reslist, res[i]);
    return APR_SUCCESS;
}

static apr_status_t loan_return(void *data)
{
    loan *l = data;
    if (!reslist)
        return APR_SUCCESS;
    if (mc_db_broken(l->conn->db)) {
        mc_db_hosts_mark(mc_db_host_index(l->conn->db), 0);
        apr_reslist_invalidate(reslist, l->conn);
        return APR_SUCCESS;
    }
    if (mc_db_host_index(l->conn->db) > 0 &&
        apr_time_now() - l->conn->opened > mc_conf_get()->db_failback) {
        apr_reslist_invalidate(reslist, l->conn);
        return APR_SUCCESS;
    }
    /* Never hand on a connection inside a transaction. */
    mc_db_rollback(l->conn->db);
    l->conn->last_used = apr_time_now();
    if (mc_db_broken(l->conn->db))
        apr_reslist_invalidate(reslist, l->conn);
    else
        apr_reslist_release(reslist, l->conn);
    return APR_SUCCESS;
}

apr_status_t mc_pool_borrow(apr_pool_t *p, server_rec *s, mc_db **db)
{
    loan *l;
    void *res;
    apr_status_t rv;
    apr_uint32_t failed = apr_atomic_read32(&last_failure);

    if (!reslist)
        return MC_DB_ELOST;
    if (failed && (apr_uint32_t)apr_time_sec(apr_time_now()) - failed < 1)
        return MC_DB_ELOST;
    for (;;) {
        pooled *pc;
        if ((rv = apr_reslist_acquire(reslist, &res)) != APR_SUCCESS)
            return (rv == APR_TIMEUP || rv == APR_EAGAIN || mc_rv_is_unreachable(rv)) ? MC_DB_ELOST
                                                                                      : rv;
        pc = res;
        if (!mc_db_hosts_failed(mc_db_host_index(pc->db)) &&
            (apr_time_now() - pc->last_used < IDLE_CHECK || mc_db_ping(pc->db) == APR_SUCCESS))
            break;
        /* Gone stale (the server restarted): drop it and take another, a
         * new one if need be; a failed connect ends the loop above. */
        apr_reslist_invalidate(reslist, pc);
    }
    l = apr_palloc(p, sizeof(*l));
    l->conn = res;
    l->s = s;
    apr_pool_cleanup_register(p, l, loan_return, apr_pool_cleanup_null);
    *db = l->conn->db;
    return APR_SUCCESS;
}

apr_status_t mc_pool_open_own(apr_pool_t *p, mc_db **db, const char **err)
{
    return mc_db_open(p, &mc_conf_get()->db, db, err);
}

int mc_rv_is_unreachable(apr_status_t rv)
{
    return rv == MC_DB_ELOST;
}

/* ---- what plugins call ---------------------------------------------------- */

mc_rstate *mc_rstate_of(request_rec *r)
{
    mc_rstate *st = ap_get_module_config(r->request_config, &mocourts_module);
    if (!st) {
        st = apr_pcalloc(r->pool, sizeof(*st));
        ap_set_module_config(r->request_config, &mocourts_module, st);
    }
    return st;
}

apr_status_t mc_r_db(request_rec *r, mc_db **db)
{
    mc_rstate *st = mc_rstate_of(r);
    apr_status_t rv;
    if (st->db && !mc_db_broken(st->db)) {
        *db = st->db;
        return APR_SUCCESS;
    }
    if (st->db)
        return MC_DB_ELOST; /* broke during this request: do not borrow twice */
    if ((rv = mc_pool_borrow(r->pool, r->server, db)) == APR_SUCCESS)
        st->db = *db;
    return rv;
}

apr_status_t mc_req_db(mc_req *mr, mc_db **db)
{
    return mc_r_db(mr->r, db);
}

apr_status_t mc_req_tx(mc_req *mr, apr_status_t (*fn)(mc_req *, mc_db *, void *), void *baton)
{
    mc_db *db;
    apr_status_t rv;
    int tries;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return rv;
    for (tries = 0; tries < 3; tries++) {
        if ((rv = mc_db_begin(db)) != APR_SUCCESS)
            return rv;
        rv = fn(mr, db, baton);
        if (rv == APR_SUCCESS && (rv = mc_db_commit(db)) == APR_SUCCESS)
            return APR_SUCCESS;
        mc_db_rollback(db);
        if (rv != MC_DB_EDEADLOCK)
            return rv;
    }
    return rv;
}
