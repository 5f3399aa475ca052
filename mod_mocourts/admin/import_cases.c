/* import_cases.c: `mocourts-admin import` (being written). */
#include "mc_case.h"

#include <stdio.h>

int mc_import_cases(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env,
                    const char *path)
{
    fprintf(stderr, "%s: import is not built yet\n", prog);
    return 1;
}
