/* mc_db_hosts: MoCourtsDBHost as an ordered list of database servers
 * (issue 15). Internal to the core and mocourts-admin: not in the plugin
 * ABI. */
#ifndef MC_DB_HOSTS_H
#define MC_DB_HOSTS_H
#include <apr_pools.h>
#include <apr_time.h>

#define MC_DB_HOSTS_MAX 8
/* A server that failed (refused, or a Galera member not synced) is tried
 * last for this long. */
#define MC_DB_HOST_RETRY apr_time_from_sec(5)

typedef struct mc_dbhost {
    const char *name;   /* host name or address */
    unsigned port;      /* 0: the configured MoCourtsDBPort (default 3306) */
} mc_dbhost;

/* Split "h1[:port], h2[:port] ..." (commas and/or spaces; an IPv6 address
 * in brackets, "[::1]:3306") into at most MC_DB_HOSTS_MAX entries. Returns
 * the count, 0 for an empty list, -1 for a malformed one (*err says why). */
int mc_db_hosts_parse(apr_pool_t *p, const char *list, mc_dbhost *out, const char **err);

/* NULL when list is a valid MoCourtsDBHost, else the configuration error
 * (in p). */
const char *mc_db_hosts_check(apr_pool_t *p, const char *list);

/* The order to try the n servers in now: those not marked failed first, in
 * list order, then the failed ones (so a cluster coming back is found). */
void mc_db_hosts_order(int n, int *order);
/* Mark server i (of the list) failed now, or working. Per process,
 * thread-safe. */
void mc_db_hosts_mark(int i, int ok);
/* 1 while server i counts as failed. */
int mc_db_hosts_failed(int i);

struct mc_db;
/* The place in the list of the server a connection is on (0: the first),
 * -1 when the list has one server (nothing to fail over to: no marks). */
int mc_db_host_index(const struct mc_db *db);
#endif
