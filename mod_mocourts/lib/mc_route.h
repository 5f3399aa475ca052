/* mc_route: matching a request path against a route pattern. Internal to the
 * core (not MC_API): the dispatcher uses it, plugins only declare patterns. */
#ifndef MC_ROUTE_H
#define MC_ROUTE_H
#include <apr_pools.h>
#include <apr_tables.h>

/* 1 when path matches pattern, 0 otherwise. A pattern is '/'-separated
 * segments; a segment ":name" matches one non-empty path segment, whose
 * value is set in params under name (both allocated in p). "/x" matches
 * "/x" and "/x/"; "/" matches "/" and "". On a mismatch params may hold
 * the captures made before it. */
int mc_route_match(apr_pool_t *p, const char *pattern, const char *path, apr_table_t *params);
#endif
