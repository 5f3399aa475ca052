/* tmpl_oracle.h: the old renderer, the unit tests' oracle (tmpl_oracle.c). */
#ifndef TMPL_ORACLE_H
#define TMPL_ORACLE_H
#include "mc_tmpl.h"

/* mc_tmpl_render as it was before issue 13: same arguments, same results,
 * except that err may not be NULL. */
apr_status_t tmpl_oracle_render(mc_tmpl_cache *c, apr_pool_t *p, const char *layout,
                                const char *page, const mc_vars *v, char **out, apr_size_t *outlen,
                                const char **err);
#endif
