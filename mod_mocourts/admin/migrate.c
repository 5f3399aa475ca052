/* migrate.c: `mocourts-admin migrate`: applies every component's pending
 * schema migrations from MoCourtsSQLDir, one line per component. */
#include "admin.h"
#include "mc_db.h"
#include "mc_migrate.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>

int mc_cmd_migrate(mc_admin *a, const mc_args *args)
{
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    const char *sqldir = mc_admin_sqldir(a);
    apr_array_header_t *comps = mc_migrate_components(a->p, sqldir);
    if (comps->nelts == 0)
        return mc_admin_fail("no migrations found in %s (MoCourtsSQLDir)", sqldir);
    mc_progress_start("migrate", "components", comps->nelts);
    for (int i = 0; i < comps->nelts; i++) {
        const char *comp = APR_ARRAY_IDX(comps, i, const char *), *err = NULL;
        int applied = 0;
        apr_status_t rv = mc_migrate_apply(a->db, a->p, sqldir, comp, &applied, &err);
        if (rv != APR_SUCCESS) {
            mc_progress_end();
            return mc_admin_fail("%s: %s (applied %d migration(s) before that)", comp, err,
                                 applied);
        }
        int now = mc_migrate_current(a->db, a->p, comp, &rv);
        if (now < 0) {
            mc_progress_end();
            return mc_admin_fail("%s: reading the schema version: %s", comp, mc_db_error(a->db));
        }
        mc_progress_clear();
        printf("%s: applied %d migration(s), now at version %d\n", comp, applied, now);
        fflush(stdout);
        mc_progress_update(i + 1, (double)(i + 1) / comps->nelts);
    }
    mc_progress_end();
    return EXIT_SUCCESS;
}
