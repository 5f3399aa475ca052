/* mc_purge: housekeeping of expired rows (sessions, codes, lock-out
 * counters, one-time form token claims). Run by the core's watchdog every
 * few minutes and by `mocourts-admin purge`. Deletes in batches of 1000 so
 * no statement holds locks for long. */
#ifndef MC_PURGE_H
#define MC_PURGE_H
#include "mc_db.h"

typedef struct mc_purge_counts {
    long long sessions, codes, throttle, once;
} mc_purge_counts;

/* Delete sessions past their absolute expiry or idle for idle_secs, codes
 * used or expired more than a day ago, lock-out counters a day past, and
 * form token claims two days old (their tokens expire after one). */
apr_status_t mc_purge_expired(mc_db *db, long long idle_secs, mc_purge_counts *n);
#endif
