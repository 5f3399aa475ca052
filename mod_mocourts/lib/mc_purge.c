/* mc_purge.c: see mc_purge.h. */
#include "mc_purge.h"

/* Run a DELETE ... LIMIT 1000 until it deletes less; *total counts. */
static apr_status_t purge_batches(mc_db *db, const char *sql, long long idle, long long *total)
{
    long long n = 0;
    apr_status_t rv;
    *total = 0;
    do {
        rv = idle >= 0 ? mc_db_exec(db, &n, NULL, sql, "i", idle)
                       : mc_db_exec(db, &n, NULL, sql, "");
        if (rv == APR_SUCCESS)
            *total += n;
    } while (rv == APR_SUCCESS && n >= 1000);
    return rv;
}

apr_status_t mc_purge_expired(mc_db *db, long long idle_secs, mc_purge_counts *n)
{
    apr_status_t rv;
    n->sessions = n->codes = n->throttle = n->once = 0;
    rv = purge_batches(db,
                       "DELETE FROM mc_session WHERE expires_at < UTC_TIMESTAMP()"
                       " OR last_seen < UTC_TIMESTAMP() - INTERVAL ? SECOND LIMIT 1000",
                       idle_secs, &n->sessions);
    if (rv == APR_SUCCESS)
        rv = purge_batches(db,
                           "DELETE FROM mc_code WHERE (used_at IS NOT NULL"
                           " AND used_at < UTC_TIMESTAMP() - INTERVAL 1 DAY)"
                           " OR expires_at < UTC_TIMESTAMP() - INTERVAL 1 DAY LIMIT 1000",
                           -1, &n->codes);
    if (rv == APR_SUCCESS)
        rv = purge_batches(db,
                           "DELETE FROM mc_logon_throttle WHERE (locked_until IS NOT NULL"
                           " AND locked_until < UTC_TIMESTAMP() - INTERVAL 1 DAY)"
                           " OR (locked_until IS NULL AND first_failure < UTC_TIMESTAMP()"
                           " - INTERVAL 1 DAY) LIMIT 1000",
                           -1, &n->throttle);
    if (rv == APR_SUCCESS)
        rv = purge_batches(db,
                           "DELETE FROM mc_form_once WHERE created_at < UTC_TIMESTAMP()"
                           " - INTERVAL 2 DAY LIMIT 1000",
                           -1, &n->once);
    return rv;
}
