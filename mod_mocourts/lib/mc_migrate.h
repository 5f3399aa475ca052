/* mc_migrate: ordered schema migrations per component. Files live in
 * <sqldir>/<component>/NNNN_name.sql and are applied in number order; each
 * applied one is recorded in mc_schema(component, version, name, applied_at).
 * Applying is idempotent: recorded versions are skipped. */
#ifndef MC_MIGRATE_H
#define MC_MIGRATE_H
#include "mc_db.h"
#include <apr_pools.h>
#include <apr_tables.h>

/* Highest version shipped for component in sqldir (0 when none). */
int mc_migrate_available(apr_pool_t *p, const char *sqldir, const char *component);
/* Highest version recorded in the database for component (0 when none);
 * negative on a database error (*rv set). */
int mc_migrate_current(mc_db *db, apr_pool_t *p, const char *component, apr_status_t *rv);
/* Apply every pending migration of component; *applied counts them. *err says
 * which file failed and why. */
apr_status_t mc_migrate_apply(mc_db *db, apr_pool_t *p, const char *sqldir, const char *component,
                              int *applied, const char **err);
/* The components shipped in sqldir: "core" first, then the others by name,
 * except that a component comes after those named in its optional
 * <sqldir>/<component>/REQUIRES file (component names separated by white
 * space, '#' to the end of a line is a comment). */
apr_array_header_t *mc_migrate_components(apr_pool_t *p, const char *sqldir);
#endif
