/* import_bar_cmd.c: `mocourts-admin import-bar FILE`: the command; the work
 * is in import_bar.c, which the unit tests compile on its own (without
 * the helpers of mocourts-admin.c). */
#include "admin.h"

#include <stdlib.h>

int mc_cmd_import_bar(mc_admin *a, const mc_args *args)
{
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    return rc == EXIT_SUCCESS ? mc_import_bar(a->db, a->p, MC_ADMIN_PROG, args->pos[0]) : rc;
}
