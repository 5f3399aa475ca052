/* import_report.c: how `mocourts-admin import` reports what goes wrong
 * (import_cases.h): a bad record on stderr, a database error as the
 * import's fatal one. Used by the reading (import_cases.c) and the writing
 * (import_write.c) alike. */
#include "import_cases.h"
#include "mc_db.h"
#include "progress.h"

#include <apr_strings.h>
#include <stdio.h>

void mc_import_bad(void *baton, long line, const char *why)
{
    imp *im = baton;
    im->bad++;
    mc_progress_clear();
    fprintf(stderr, "%s:%ld: %s\n", im->path, line, why);
}

apr_status_t mc_import_db_fatal(imp *im, const char *what)
{
    if (!im->fatal)
        im->fatal = apr_psprintf(im->p, "%s: %s", what, mc_db_error(im->db));
    return MC_DB_EFAIL;
}
