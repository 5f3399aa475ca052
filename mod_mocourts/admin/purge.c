/* purge.c: `mocourts-admin purge`: expired sessions, codes, throttle rows
 * and form tokens (mc_purge.h). */
#include "admin.h"
#include "mc_conf.h"
#include "mc_conf_table.h"
#include "mc_db.h"
#include "mc_purge.h"

#include <stdio.h>
#include <stdlib.h>

int mc_cmd_purge(mc_admin *a, const mc_args *args)
{
    apr_interval_time_t idle;
    int rc = mc_admin_load(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    mc_conf_val v;
    const char *why = NULL;
    if (mc_conf_setting(a->p, a->conf, "MoCourtsSessionIdle", &v, &why) != APR_SUCCESS)
        return mc_admin_fail("%s", why ? why : "MoCourtsSessionIdle has no value");
    idle = v.dur;
    rc = mc_admin_connect(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    mc_purge_counts n;
    apr_status_t rv = mc_purge_expired(a->db, (long long)apr_time_sec(idle), &n);
    if (rv != APR_SUCCESS)
        return mc_admin_fail("purge failed: %s", mc_db_error(a->db));
    printf("purged %lld session(s), %lld code(s), %lld throttle row(s), %lld form token(s)\n",
           n.sessions, n.codes, n.throttle, n.once);
    return EXIT_SUCCESS;
}
