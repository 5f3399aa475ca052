/* check.c: `mocourts-admin check`: the configuration, the database and each
 * component's schema version, one line each; exit 1 if any is wrong. */
#include "admin.h"
#include "mc_conf.h"
#include "mc_db.h"
#include "mc_migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mc_cmd_check(mc_admin *a, const mc_args *args)
{
    int ok = 1;
    const char *err;
    if (mc_admin_load(a) != EXIT_SUCCESS) {
        printf("config: %s: cannot be read\n", a->conf_path);
        return EXIT_FAILURE;
    }
    printf("config: %s\n", a->conf_path);
    const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
    if (!base) {
        printf("base URL: MoCourtsBaseURL is not set\n");
        ok = 0;
    }
    else if (strncasecmp(base, "https://", 8) != 0 && strncasecmp(base, "http://", 7) != 0) {
        printf("base URL: '%s' is not an http:// or https:// URL\n", base);
        ok = 0;
    }
    else {
        printf("base URL: %s\n", base);
    }
    if (mc_conf_dbconf(a->p, a->conf, &a->dbconf, &err) != APR_SUCCESS) {
        printf("database: not configured: %s\n", err);
        return EXIT_FAILURE;
    }
    /* Said before connecting, so a connection that hangs shows where. */
    printf("database: connecting to %s as %s\n", mc_db_where(a->p, &a->dbconf),
           a->dbconf.user ? a->dbconf.user : "(no user)");
    fflush(stdout);
    if (mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS) {
        printf("database: unreachable: %s\n", err);
        return EXIT_FAILURE;
    }
    printf("database: reachable (%s, database %s)\n", mc_db_where(a->p, &a->dbconf),
           a->dbconf.name);
    const char *sqldir = mc_admin_sqldir(a);
    apr_array_header_t *comps = mc_migrate_components(a->p, sqldir);
    if (comps->nelts == 0) {
        printf("schema: no migrations found in %s (MoCourtsSQLDir)\n", sqldir);
        ok = 0;
    }
    for (int i = 0; i < comps->nelts; i++) {
        const char *comp = APR_ARRAY_IDX(comps, i, const char *);
        apr_status_t rv;
        int shipped = mc_migrate_available(a->p, sqldir, comp);
        int cur = mc_migrate_current(a->db, a->p, comp, &rv);
        if (cur < 0) {
            printf("%s: cannot read the schema version: %s\n", comp, mc_db_error(a->db));
            ok = 0;
        }
        else if (cur == shipped) {
            printf("%s: schema %d, shipped %d: up to date\n", comp, cur, shipped);
        }
        else if (cur < shipped) {
            printf("%s: schema %d, shipped %d: behind: run mocourts-admin migrate\n", comp, cur,
                   shipped);
            ok = 0;
        }
        else {
            printf("%s: schema %d, shipped %d: ahead: this release is older than the database\n",
                   comp, cur, shipped);
            ok = 0;
        }
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
