/* import_cases.c: `mocourts-admin import FILE.xml [--casenet PATH]`, the
 * Case.net feed (docs/casenet-feed.xsd, docs/casenet-feed.md) into the
 * court-data tables (sql/casetrack/0001_init.sql).
 *
 * Streamed (mc_feed): memory stays flat however large the feed. Upserts by
 * natural keys (court code, case-type code, judge id, case number, and a
 * case's child by (case, id)); a row already stored is compared with the
 * feed first and written only when it differs, so importing the same feed
 * twice writes nothing. Cases are written in batches of BATCH_CASES, each
 * in one transaction, with one multi-row statement per table: the rows
 * travel as one bound JSON parameter read by JSON_TABLE. A batch the
 * database refuses is written again case by case, so only the case at
 * fault is reported (as a bad record). A new docket entry on a case
 * that existed before goes through mc_case_docket_add, which notifies the
 * case's trackers; entries of a case new in this import are written
 * directly (nobody can track it yet).
 *
 * A bad record is reported on stderr as FILE:LINE: why and skipped. Exit
 * status: 0 when every record was imported, 1 when some were bad or the
 * feed could not be read to its end (what came before stays imported).
 * On a terminal, a progress line shows the records read and the time left
 * (the part of the file read so far).
 *
 * This file reads the feed and batches the cases; import_write.c writes a
 * batch, import_json.c builds the JSON, import_report.c reports what went
 * wrong (import_cases.h). */
#include "admin.h"
#include "import_cases.h"
#include "mc_case.h"
#include "mc_feed.h"
#include "mc_log.h"
#include "progress.h"

#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the import ----------------------------------------------------------- */

/* The library's messages, but not the database's errors: they are
 * reported here, as a bad record or a fatal error, with the record's line. */
static void import_log(void *baton, int level, const char *file, int line, const char *fmt,
                       va_list ap)
{
    if (level > MC_LOG_WARNING || strstr(file, "mc_db.c"))
        return;
    mc_progress_clear();
    fprintf(stderr, "%s: ", (const char *)baton);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static apr_status_t load_known(imp *im)
{
    mc_dbres *res;
    int i;
    if (mc_db_query(im->db, im->p, &res, "SELECT code, case_prefix FROM mc_court", "") !=
        APR_SUCCESS)
        return mc_import_db_fatal(im, "reading the courts");
    for (i = 0; i < res->nrows; i++)
        apr_hash_set(im->courts, res->rows[i][0], APR_HASH_KEY_STRING, res->rows[i][1]);
    if (mc_db_query(im->db, im->p, &res, "SELECT code FROM mc_case_type", "") != APR_SUCCESS)
        return mc_import_db_fatal(im, "reading the case types");
    for (i = 0; i < res->nrows; i++)
        apr_hash_set(im->types, res->rows[i][0], APR_HASH_KEY_STRING, "");
    if (mc_db_query(im->db, im->p, &res, "SELECT ref, id, court_code FROM mc_judge", "") !=
        APR_SUCCESS)
        return mc_import_db_fatal(im, "reading the judges");
    for (i = 0; i < res->nrows; i++) {
        judge_info *j = apr_palloc(im->p, sizeof(*j));
        j->id = mc_dbres_int(res, i, 1);
        j->court = res->rows[i][2];
        apr_hash_set(im->judges, res->rows[i][0], APR_HASH_KEY_STRING, j);
    }
    return APR_SUCCESS;
}

/* ---- the records ------------------------------------------------------------ */

/* After a reference record's upsert (rv, aff: how it went): counted in *n
 * and, when new, in *n_new; a database error is fatal (what: the work).
 * A court's, case type's or judge's name shows in search results: when the
 * upsert changed a row (autocommit), the search generation is bumped after
 * it (MC_CASE_SEARCH_CHANGED). */
static apr_status_t ref_written(imp *im, apr_status_t rv, long long aff, const char *what,
                                long long *n, long long *n_new)
{
    if (rv == APR_SUCCESS && aff > 0)
        rv = mc_db_exec(im->db, NULL, NULL, MC_CASE_SEARCH_CHANGED, "");
    if (rv != APR_SUCCESS)
        return mc_import_db_fatal(im, what);
    (*n)++;
    *n_new += aff == 1;
    return APR_SUCCESS;
}

static apr_status_t on_case_type(void *baton, apr_pool_t *p, const mc_feed_case_type *t,
                                 const char **why)
{
    imp *im = baton;
    long long aff = 0;
    apr_status_t rv;
    if (mc_import_flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    rv = mc_db_exec(im->db, &aff, NULL,
                    "INSERT INTO mc_case_type (code, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                    "name = VALUES(name)",
                    "ss", t->code, t->name);
    if (rv == APR_SUCCESS)
        apr_hash_set(im->types, apr_pstrdup(im->p, t->code), APR_HASH_KEY_STRING, "");
    return ref_written(im, rv, aff, "writing a case type", &im->n.types, &im->n.types_new);
}

/* A court's efiling flag is taken from the feed only when the court is
 * new; after that, participation is the eFiling set-up's to change. */
static apr_status_t on_court(void *baton, apr_pool_t *p, const mc_feed_court *c, const char **why)
{
    imp *im = baton;
    long long aff = 0;
    mc_dbres *res;
    apr_status_t rv;
    if (mc_import_flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    if (mc_db_query(im->db, p, &res,
                    "SELECT code FROM mc_court WHERE case_prefix = ? AND code <> ?", "ss",
                    c->prefix, c->code) != APR_SUCCESS)
        return mc_import_db_fatal(im, "reading the courts");
    if (res->nrows) {
        *why = apr_psprintf(p, "case-prefix %s already belongs to court %s", c->prefix,
                            res->rows[0][0]);
        return MC_FEED_EBAD;
    }
    rv = mc_db_exec(im->db, &aff, NULL,
                    "INSERT INTO mc_court (code, circuit, county, name, case_prefix, efiling) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE circuit = "
                    "VALUES(circuit), county = VALUES(county), name = VALUES(name), case_prefix "
                    "= VALUES(case_prefix)",
                    "sisssi", c->code, (long long)c->circuit, c->county, c->name, c->prefix,
                    (long long)c->efiling);
    if (rv == APR_SUCCESS)
        apr_hash_set(im->courts, apr_pstrdup(im->p, c->code), APR_HASH_KEY_STRING,
                     apr_pstrdup(im->p, c->prefix));
    return ref_written(im, rv, aff, "writing a court", &im->n.courts, &im->n.courts_new);
}

static apr_status_t on_judge(void *baton, apr_pool_t *p, const mc_feed_judge *j, const char **why)
{
    imp *im = baton;
    long long aff = 0;
    mc_dbres *res;
    apr_status_t rv;
    if (!apr_hash_get(im->courts, j->court, APR_HASH_KEY_STRING)) {
        *why = apr_psprintf(p, "unknown court '%s'", j->court);
        return MC_FEED_EBAD;
    }
    if (mc_import_flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    if ((rv = mc_db_exec(im->db, &aff, NULL,
                         "INSERT INTO mc_judge (ref, court_code, name) VALUES (?, ?, ?) ON "
                         "DUPLICATE KEY UPDATE court_code = VALUES(court_code), name = "
                         "VALUES(name)",
                         "sss", j->ref, j->court, j->name)) == APR_SUCCESS &&
        (rv = mc_db_query(im->db, p, &res, "SELECT id FROM mc_judge WHERE ref = ?", "s", j->ref)) ==
            APR_SUCCESS &&
        res->nrows != 1)
        rv = MC_DB_EFAIL;
    if (rv == APR_SUCCESS) {
        judge_info *ji = apr_palloc(im->p, sizeof(*ji));
        ji->id = mc_dbres_int(res, 0, 0);
        ji->court = apr_pstrdup(im->p, j->court);
        apr_hash_set(im->judges, apr_pstrdup(im->p, j->ref), APR_HASH_KEY_STRING, ji);
    }
    return ref_written(im, rv, aff, "writing a judge", &im->n.judges, &im->n.judges_new);
}

/* A judge of the case's court, or NULL with *why. */
static const judge_info *judge_of(imp *im, apr_pool_t *p, const mc_feed_case *c, const char *ref,
                                  const char **why)
{
    const judge_info *ji = apr_hash_get(im->judges, ref, APR_HASH_KEY_STRING);
    if (!ji)
        *why = apr_psprintf(p, "unknown judge '%s'", ref);
    else if (strcmp(ji->court, c->court) != 0)
        *why = apr_psprintf(p, "judge %s is a judge of court %s, not %s", ref, ji->court, c->court);
    return *why ? NULL : ji;
}

/* s1 \x1f s2 \x1f ... (n strings) */
static const char *cmp_of(apr_pool_t *p, int n, ...)
{
    va_list ap;
    const char *out = "";
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        out = apr_pstrcat(p, out, i ? "\x1f" : "", va_arg(ap, const char *), NULL);
    va_end(ap);
    return out;
}

static const char *num_or_empty(apr_pool_t *p, long long v, int present)
{
    return present ? apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)v) : "";
}

/* The JSON object built in im->jb, copied into the batch. */
static const char *jb_take(imp *im)
{
    mc_import_jb_raw(&im->jb, "}");
    im->bytes += im->jb.len;
    return apr_pstrmemdup(im->bp, im->jb.d, im->jb.len);
}

/* A child row's JSON (built since jb_start) taken into r, with its ref and
 * the cmp string of its columns, all copied into the batch. */
static void row_take(imp *im, brow *r, const char *ref, const char *cmp)
{
    r->json = jb_take(im);
    r->ref = apr_pstrdup(im->bp, ref);
    r->cmp = apr_pstrdup(im->bp, cmp);
}

static void jb_start(imp *im, const char *number, const char *ref)
{
    im->jb.len = 0;
    mc_import_jb_raw(&im->jb, "{");
    mc_import_jb_str(&im->jb, "n", number);
    if (ref)
        mc_import_jb_str(&im->jb, "r", ref);
}

static void import_progress(const imp *im)
{
    mc_progress_update(im->res->records + im->res->bad,
                       im->size > 0 ? (double)im->res->bytes_read / (double)im->size : -1);
}

static apr_status_t on_case(void *baton, apr_pool_t *p, const mc_feed_case *c, const char **why)
{
    imp *im = baton;
    import_progress(im);
    const char *prefix = apr_hash_get(im->courts, c->court, APR_HASH_KEY_STRING);
    const judge_info *judge = NULL;
    jbuf *b = &im->jb;
    int i;
    if (!prefix) {
        *why = apr_psprintf(p, "unknown court '%s'", c->court);
        return MC_FEED_EBAD;
    }
    if (strncmp(c->number, prefix, 4) != 0) {
        *why = apr_psprintf(p, "the number does not start with court %s's prefix %s", c->court,
                            prefix);
        return MC_FEED_EBAD;
    }
    if (!apr_hash_get(im->types, c->type, APR_HASH_KEY_STRING)) {
        *why = apr_psprintf(p, "unknown case type '%s'", c->type);
        return MC_FEED_EBAD;
    }
    if (*c->judge && !(judge = judge_of(im, p, c, c->judge, why)))
        return MC_FEED_EBAD;
    for (i = 0; i < c->hearings->nelts; i++) {
        const mc_feed_hearing *h = &APR_ARRAY_IDX(c->hearings, i, mc_feed_hearing);
        if (*h->judge && !judge_of(im, p, c, h->judge, why)) {
            *why = apr_psprintf(p, "hearing %s: %s", h->ref, *why);
            return MC_FEED_EBAD;
        }
    }
    if (apr_hash_get(im->numbers, c->number, APR_HASH_KEY_STRING) &&
        mc_import_flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;

    apr_pool_t *bp = im->bp;
    bcase *bc = apr_pcalloc(bp, sizeof(*bc));
    const char *jid = num_or_empty(p, judge ? judge->id : 0, judge != NULL);
    bc->number = apr_pstrdup(bp, c->number);
    bc->line = c->line;
    bc->confidential = c->confidential;
    bc->newest = apr_pstrcat(bp, c->newest, " 00:00:00", NULL);
    bc->cmp =
        apr_pstrdup(bp, cmp_of(p, 6, c->court, c->type, c->caption, c->filed, c->status, jid));
    jb_start(im, c->number, NULL);
    mc_import_jb_str(b, "c", c->court);
    mc_import_jb_str(b, "t", c->type);
    mc_import_jb_str(b, "cap", c->caption);
    mc_import_jb_str(b, "f", c->filed);
    mc_import_jb_str(b, "s", c->status);
    mc_import_jb_int(b, "j", judge ? judge->id : 0, !judge);
    mc_import_jb_int(b, "cf", c->confidential, 0);
    mc_import_jb_str(b, "la", bc->newest);
    bc->json = jb_take(im);

    const apr_array_header_t *src[K_N] = {c->parties, c->attorneys, c->hearings, c->judgments,
                                          c->dockets};
    for (int k = 0; k < K_N; k++) {
        bc->nrows[k] = src[k]->nelts;
        bc->rows[k] = apr_palloc(bp, sizeof(brow) * (size_t)(src[k]->nelts + 1));
    }
    for (i = 0; i < c->parties->nelts; i++) {
        const mc_feed_party *x = &APR_ARRAY_IDX(c->parties, i, mc_feed_party);
        brow *r = &bc->rows[K_PARTY][i];
        const char *by = num_or_empty(p, x->birth_year, x->birth_year != 0);
        jb_start(im, c->number, x->ref);
        mc_import_jb_str(b, "k", x->kind);
        mc_import_jb_str(b, "o", x->role);
        mc_import_jb_str(b, "l", x->last);
        mc_import_jb_str(b, "fi", x->first);
        mc_import_jb_str(b, "m", x->middle);
        mc_import_jb_int(b, "y", x->birth_year, !x->birth_year);
        mc_import_jb_str(b, "ci", x->city);
        row_take(im, r, x->ref,
                 cmp_of(p, 7, x->kind, x->role, x->last, x->first, x->middle, by, x->city));
    }
    for (i = 0; i < c->attorneys->nelts; i++) {
        const mc_feed_attorney *x = &APR_ARRAY_IDX(c->attorneys, i, mc_feed_attorney);
        brow *r = &bc->rows[K_ATTY][i];
        jb_start(im, c->number, x->ref);
        mc_import_jb_str(b, "p", x->party);
        mc_import_jb_str(b, "na", x->name);
        mc_import_jb_str(b, "b", x->bar);
        mc_import_jb_str(b, "fi", x->firm);
        row_take(im, r, x->ref, cmp_of(p, 4, x->party, x->name, x->bar, x->firm));
    }
    for (i = 0; i < c->hearings->nelts; i++) {
        const mc_feed_hearing *x = &APR_ARRAY_IDX(c->hearings, i, mc_feed_hearing);
        const judge_info *hj =
            *x->judge ? apr_hash_get(im->judges, x->judge, APR_HASH_KEY_STRING) : NULL;
        brow *r = &bc->rows[K_HEAR][i];
        jb_start(im, c->number, x->ref);
        mc_import_jb_str(b, "a", x->at);
        mc_import_jb_str(b, "t", x->type);
        mc_import_jb_str(b, "l", x->location);
        mc_import_jb_int(b, "j", hj ? hj->id : 0, !hj);
        row_take(im, r, x->ref,
                 cmp_of(p, 4, x->at, x->type, x->location,
                        num_or_empty(p, hj ? hj->id : 0, hj != NULL)));
    }
    for (i = 0; i < c->judgments->nelts; i++) {
        const mc_feed_judgment *x = &APR_ARRAY_IDX(c->judgments, i, mc_feed_judgment);
        brow *r = &bc->rows[K_JUDG][i];
        jb_start(im, c->number, x->ref);
        mc_import_jb_str(b, "d", x->debtor);
        mc_import_jb_str(b, "c", x->creditor);
        mc_import_jb_str(b, "a", x->amount);
        mc_import_jb_str(b, "e", x->entered);
        mc_import_jb_int(b, "s", x->satisfied, 0);
        row_take(
            im, r, x->ref,
            cmp_of(p, 5, x->debtor, x->creditor, x->amount, x->entered, x->satisfied ? "1" : "0"));
    }
    bc->dk = apr_palloc(bp, sizeof(mc_feed_docket) * (size_t)(c->dockets->nelts + 1));
    for (i = 0; i < c->dockets->nelts; i++) {
        const mc_feed_docket *x = &APR_ARRAY_IDX(c->dockets, i, mc_feed_docket);
        mc_feed_docket *y = &bc->dk[i];
        brow *r = &bc->rows[K_DOCKET][i];
        jb_start(im, c->number, x->ref);
        mc_import_jb_str(b, "d", x->date);
        mc_import_jb_str(b, "t", x->type);
        mc_import_jb_str(b, "x", x->text);
        mc_import_jb_str(b, "f", x->filed_by);
        row_take(im, r, x->ref, cmp_of(p, 4, x->date, x->type, x->text, x->filed_by));
        y->ref = r->ref;
        y->date = apr_pstrdup(bp, x->date);
        y->type = apr_pstrdup(bp, x->type);
        y->text = apr_pstrdup(bp, x->text);
        y->filed_by = apr_pstrdup(bp, x->filed_by);
        y->line = x->line;
        im->bytes += strlen(x->text);
    }
    APR_ARRAY_PUSH(im->batch, bcase *) = bc;
    apr_hash_set(im->numbers, bc->number, APR_HASH_KEY_STRING, bc);
    if ((im->batch->nelts >= BATCH_CASES || im->bytes >= BATCH_BYTES) &&
        mc_import_flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    return APR_SUCCESS;
}

int mc_import_cases(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env,
                    const char *path)
{
    imp im;
    mc_feed_result res;
    apr_finfo_t fi;
    mc_feed_handler h = {&im, on_case_type, on_court, on_judge, on_case, mc_import_bad};
    apr_status_t rv;
    memset(&im, 0, sizeof(im));
    im.db = db;
    im.p = p;
    im.prog = prog;
    im.path = path;
    im.env = env;
    im.courts = apr_hash_make(p);
    im.types = apr_hash_make(p);
    im.judges = apr_hash_make(p);
    apr_pool_create(&im.bp, p);
    im.batch = apr_array_make(im.bp, BATCH_CASES, sizeof(bcase *));
    im.numbers = apr_hash_make(im.bp);
    im.res = &res;
    memset(&res, 0, sizeof(res));
    if (apr_stat(&fi, path, APR_FINFO_SIZE, p) == APR_SUCCESS)
        im.size = fi.size;

    mc_log_set(import_log, (void *)prog);
    rv = load_known(&im);
    mc_progress_start("import", "records", -1);
    if (rv == APR_SUCCESS) {
        rv = mc_feed_parse_file(p, path, &h, &res);
        if (rv == APR_SUCCESS || rv == MC_FEED_EFORMAT) {
            apr_status_t frv = mc_import_flush(&im); /* what came before an XML error too */
            if (rv == APR_SUCCESS)
                rv = frv;
        }
    }
    free(im.jb.d);
    mc_log_set(NULL, NULL);
    import_progress(&im);
    mc_progress_end();
    if (rv == MC_FEED_EFORMAT || (rv == APR_ENOENT && res.error)) {
        if (res.line > 0)
            fprintf(stderr, "%s:%ld: %s\n", path, res.line, res.error);
        else
            fprintf(stderr, "%s: import: %s: %s\n", prog, path, res.error);
    }
    else if (rv != APR_SUCCESS) {
        fprintf(stderr, "%s: import: %s: %s\n", prog, path, im.fatal ? im.fatal : mc_db_error(db));
    }
    const counts *n = &im.n;
    printf("imported %lld cases (%lld new), %lld parties (%lld new), %lld attorneys (%lld new), "
           "%lld docket entries (%lld new), %lld hearings (%lld new), %lld judgments (%lld new), "
           "%lld courts (%lld new), %lld case types (%lld new), %lld judges (%lld new); "
           "%lld bad records%s\n",
           n->cases, n->cases_new, n->parties, n->parties_new, n->attorneys, n->attorneys_new,
           n->dockets, n->dockets_new, n->hearings, n->hearings_new, n->judgments, n->judgments_new,
           n->courts, n->courts_new, n->types, n->types_new, n->judges, n->judges_new, im.bad,
           rv == APR_SUCCESS ? "" : "; stopped early");
    return rv == APR_SUCCESS && im.bad == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- the command --------------------------------------------------------- */

int mc_cmd_import(mc_admin *a, const mc_args *args)
{
    const char *casenet = "/casenet";
    mc_case_env env;
    int rc;
    for (int i = 0; i < args->opts->nelts; i++)
        if (APR_ARRAY_IDX(args->opts, i, mc_opt).id == MC_OPT_CASENET)
            casenet = APR_ARRAY_IDX(args->opts, i, mc_opt).arg;
    if ((rc = mc_admin_load(a)) != EXIT_SUCCESS || (rc = mc_admin_case_env(a, casenet, &env)) ||
        (rc = mc_admin_connect(a)))
        return rc;
    return mc_import_cases(a->db, a->p, MC_ADMIN_PROG, &env, args->pos[0]);
}
