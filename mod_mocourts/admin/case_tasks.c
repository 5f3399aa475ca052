/* case_tasks.c: `mocourts-admin case-tasks` (being written). */
#include "mc_case.h"

#include <stdio.h>

int mc_case_tasks_run(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env, int argc,
                      const char *const *argv)
{
    fprintf(stderr, "%s: case-tasks is not built yet\n", prog);
    return 1;
}
