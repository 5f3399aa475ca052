/* mc_route: matching a request path against a route pattern (mc_route.h). */
#include "mc_route.h"

#include <apr_strings.h>
#include <string.h>

int mc_route_match(apr_pool_t *p, const char *pattern, const char *path, apr_table_t *params)
{
    while (*pattern == '/' && *path == '/') {
        const char *pe = pattern + 1, *se = path + 1;
        while (*pe && *pe != '/')
            pe++;
        while (*se && *se != '/')
            se++;
        if (pattern[1] == ':') {
            if (se == path + 1)
                return 0; /* an empty parameter */
            apr_table_setn(params, apr_pstrndup(p, pattern + 2, pe - pattern - 2),
                           apr_pstrndup(p, path + 1, se - path - 1));
        }
        else if (pe - pattern != se - path || strncmp(pattern, path, pe - pattern))
            return 0;
        pattern = pe;
        path = se;
    }
    /* "/x" matches "/x" and "/x/"; "/" matches "/" and "". */
    if (!strcmp(path, "/"))
        path = "";
    if (!strcmp(pattern, "/"))
        pattern = "";
    return !*pattern && !*path;
}
