/* admin_cmds.h: the mocourts-admin commands that live in their own files,
 * called from mocourts-admin.c. Each returns an exit status and reports its
 * own errors on stderr, prefixed with prog. */
#ifndef MC_ADMIN_CMDS_H
#define MC_ADMIN_CMDS_H

#include "mc_case.h"
#include "mc_db.h"

/* import_bar.c */
int mc_import_bar(mc_db *db, apr_pool_t *p, const char *prog, const char *path);
/* import_cases.c */
int mc_import_cases(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env,
                    const char *path);
/* generate.c */
int mc_generate(apr_pool_t *p, const char *prog, int argc, const char *const *argv);
/* case_tasks.c */
int mc_case_tasks_run(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env, int argc,
                      const char *const *argv);
/* efiling_setup.c */
int mc_efiling_setup(mc_db *db, apr_pool_t *p, const char *prog, const char *path);

#endif
