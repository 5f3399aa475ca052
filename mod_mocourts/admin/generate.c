/* generate.c: `mocourts-admin generate` (being written). */
#include <apr_pools.h>
#include <stdio.h>

int mc_generate(apr_pool_t *p, const char *prog, int argc, const char *const *argv);

int mc_generate(apr_pool_t *p, const char *prog, int argc, const char *const *argv)
{
    fprintf(stderr, "%s: generate is not built yet\n", prog);
    return 1;
}
