/* fuzz_route: mc_route_match on an arbitrary pattern and path, given as
 * "pattern\npath" (no newline: the input is both). Invariants: a match's
 * captures are non-empty and hold no '/', there are no more of them than
 * ":" segments in the pattern, and a pattern without parameters that starts
 * with '/' matches itself and itself with a '/' added. */
#include "fuzz.h"
#include <apr_general.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_route.h"

static apr_pool_t *root;

static int count_params(const char *pattern)
{
    int n = 0;
    for (; *pattern; pattern++)
        if (pattern[0] == '/' && pattern[1] == ':')
            n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    apr_table_t *params;
    const char *in, *nl, *pattern, *path;
    int i;

    if (root == NULL) {
        apr_initialize();
        apr_pool_create(&root, NULL);
    }
    apr_pool_create(&p, root);
    in = apr_pstrmemdup(p, (const char *)data, size); /* stops at a NUL */
    nl = strchr(in, '\n');
    pattern = nl ? apr_pstrmemdup(p, in, (apr_size_t)(nl - in)) : in;
    path = nl ? nl + 1 : in;

    params = apr_table_make(p, 4);
    if (mc_route_match(p, pattern, path, params)) {
        const apr_array_header_t *arr = apr_table_elts(params);
        const apr_table_entry_t *e = (const apr_table_entry_t *)arr->elts;
        if (arr->nelts > count_params(pattern))
            abort();
        for (i = 0; i < arr->nelts; i++)
            if (e[i].val[0] == '\0' || strchr(e[i].val, '/'))
                abort();
    }
    if (pattern[0] == '/' && !strstr(pattern, "/:")) {
        if (!mc_route_match(p, pattern, pattern, params))
            abort();
        if (!mc_route_match(p, pattern, apr_pstrcat(p, pattern, "/", NULL), params))
            abort();
    }
    apr_pool_destroy(p);
    return 0;
}
