/* search_cache.h: a per-process cache of the public searches' database
 * results (search_cache.c, issue 13). Private to the plugin. */
#ifndef MC_CT_SEARCH_CACHE_H
#define MC_CT_SEARCH_CACHE_H

#include "ct_search.h"

#define CT_CACHE_ENTRIES 256     /* entries a process keeps at most */
#define CT_CACHE_KEY_MAX 2048    /* a longer key is not cached */
#define CT_CACHE_ENTRY_MAX 65536 /* bytes; a larger result is not cached */
#define CT_CACHE_BYTES (4 << 20) /* all entries' bytes at most */

/* Once per child process: the table's lock and its memory's cleanup. */
apr_status_t ct_cache_child_init(apr_pool_t *pchild);

/* The key (in s->p) of a part of s's page (what: "rows", "judges") for the
 * values vals[0..n) the search binds (NULL kept apart from ""), with s's
 * path, order and page; NULL (not cached) when the cache is off
 * (MoCourtsCaseNetCacheTTL 0) or the key is over CT_CACHE_KEY_MAX. */
const char *ct_cache_key(srch *s, const char *what, int n, const char *const *vals);

/* 1 when key (may be NULL: 0) is cached under the database's search
 * generation (read once per request, before any of the search's other
 * statements, into s) and younger than the TTL: *res, copied into s->p,
 * and *total (what paging was given). */
int ct_cache_get(srch *s, mc_db *db, const char *key, mc_dbres **res, long long *total);

/* Keep res and total under key (NULL: nothing) and the generation
 * ct_cache_get read, unless res is over CT_CACHE_ENTRY_MAX; the least
 * recently used entries make room. */
void ct_cache_put(srch *s, const char *key, const mc_dbres *res, long long total);

#endif
