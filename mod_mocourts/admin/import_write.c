/* import_write.c: `mocourts-admin import` writing a batch of cases
 * (import_cases.h): which exist already and as what, then one multi-row
 * statement per table for what is new or changed, in one transaction
 * that also bumps the search generation (MC_CASE_SEARCH_CHANGED), retried
 * case by case when the database refuses the batch. */
#include "import_cases.h"
#include "mc_db.h"

#include <apr_strings.h>
#include <stdio.h>
#include <string.h>

#define JT(cols) "JSON_TABLE(?, '$[*]' COLUMNS(" cols "))"
#define NUMCOL "n VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PATH '$.n'"
#define REFCOL "r VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PATH '$.r'"
#define IDS "JSON_TABLE(?, '$[*]' COLUMNS(id BIGINT PATH '$')) t"
#define SEP "'\x1f'"

/* clang-format off */
static const char sql_cases_found[] =
    "SELECT c.id, c.number, c.confidential, CONCAT_WS(" SEP ", c.court_code, c.case_type, "
    "c.caption, c.filed_on, c.status, IFNULL(c.judge_id, '')), c.last_activity "
    "FROM " JT(NUMCOL) " j JOIN mc_case c ON c.number = j.n";

/* The rows of existing cases, kind by kind (K_*), as cmp strings. */
static const char sql_children_found[] =
    "SELECT 0, x.case_id, x.ref, CONCAT_WS(" SEP ", x.kind, x.role, x.last_name, x.first_name, "
    "x.middle_name, IFNULL(x.birth_year, ''), x.city) FROM " IDS " JOIN mc_party x "
    "ON x.case_id = t.id "
    "UNION ALL SELECT 1, x.case_id, x.ref, CONCAT_WS(" SEP ", IFNULL(p.ref, ''), x.name, "
    "x.bar_number, x.firm) FROM " IDS " JOIN mc_case_attorney x ON x.case_id = t.id "
    "LEFT JOIN mc_party p ON p.id = x.party_id "
    "UNION ALL SELECT 2, x.case_id, x.ref, CONCAT_WS(" SEP ", x.hearing_at, x.hearing_type, "
    "x.location, IFNULL(x.judge_id, '')) FROM " IDS " JOIN mc_hearing x "
    "ON x.case_id = t.id AND x.ref IS NOT NULL "
    "UNION ALL SELECT 3, x.case_id, x.ref, CONCAT_WS(" SEP ", x.debtor, x.creditor, x.amount, "
    "x.entered_on, x.satisfied) FROM " IDS " JOIN mc_judgment x "
    "ON x.case_id = t.id AND x.ref IS NOT NULL "
    "UNION ALL SELECT 4, x.case_id, x.ref, CONCAT_WS(" SEP ", x.entry_date, x.entry_type, "
    "x.text, x.filed_by) FROM " IDS " JOIN mc_docket x "
    "ON x.case_id = t.id AND x.ref IS NOT NULL";

/* An existing case keeps its confidential flag (changed through
 * mc_case_set_confidential) and its newer last activity. */
static const char sql_cases_upsert[] =
    "INSERT INTO mc_case (number, court_code, case_type, caption, filed_on, status, judge_id, "
    "confidential, last_activity) SELECT j.n, j.c, j.t, j.cap, j.f, j.s, j.j, j.cf, j.la "
    "FROM " JT(NUMCOL ", c VARCHAR(10) PATH '$.c', t CHAR(2) PATH '$.t', "
               "cap VARCHAR(500) PATH '$.cap', f DATE PATH '$.f', s VARCHAR(10) PATH '$.s', "
               "j BIGINT PATH '$.j', cf INT PATH '$.cf', la DATETIME PATH '$.la'") " j "
    "ON DUPLICATE KEY UPDATE court_code = VALUES(court_code), case_type = VALUES(case_type), "
    "caption = VALUES(caption), filed_on = VALUES(filed_on), status = VALUES(status), "
    "judge_id = VALUES(judge_id), last_activity = GREATEST(last_activity, VALUES(last_activity))";

static const char *const sql_upsert[K_N] = {
    "INSERT INTO mc_party (case_id, ref, kind, role, last_name, first_name, middle_name, "
    "birth_year, city, case_confidential) SELECT c.id, j.r, j.k, j.o, j.l, j.fi, j.m, j.y, j.ci, "
    "c.confidential "
    "FROM " JT(NUMCOL ", " REFCOL ", k VARCHAR(10) PATH '$.k', o VARCHAR(12) PATH '$.o', "
               "l VARCHAR(200) PATH '$.l', fi VARCHAR(100) PATH '$.fi', "
               "m VARCHAR(100) PATH '$.m', y INT PATH '$.y', ci VARCHAR(100) PATH '$.ci'") " j "
    "JOIN mc_case c ON c.number = j.n ON DUPLICATE KEY UPDATE kind = VALUES(kind), "
    "role = VALUES(role), last_name = VALUES(last_name), first_name = VALUES(first_name), "
    "middle_name = VALUES(middle_name), birth_year = VALUES(birth_year), city = VALUES(city)",

    "INSERT INTO mc_case_attorney (case_id, ref, party_id, name, bar_number, firm) "
    "SELECT c.id, j.r, p.id, j.na, j.b, j.fi "
    "FROM " JT(NUMCOL ", " REFCOL ", p VARCHAR(40) CHARACTER SET utf8mb4 COLLATE "
               "utf8mb4_unicode_ci PATH '$.p', na VARCHAR(200) PATH '$.na', "
               "b VARCHAR(20) PATH '$.b', fi VARCHAR(200) PATH '$.fi'") " j "
    "JOIN mc_case c ON c.number = j.n LEFT JOIN mc_party p ON p.case_id = c.id AND p.ref = j.p "
    "ON DUPLICATE KEY UPDATE party_id = VALUES(party_id), name = VALUES(name), "
    "bar_number = VALUES(bar_number), firm = VALUES(firm)",

    "INSERT INTO mc_hearing (case_id, court_code, case_number, case_confidential, ref, "
    "hearing_at, hearing_type, location, judge_id, case_judge_id) SELECT c.id, c.court_code, "
    "c.number, c.confidential, j.r, j.a, j.t, j.l, j.j, c.judge_id "
    "FROM " JT(NUMCOL ", " REFCOL ", a DATETIME PATH '$.a', t VARCHAR(100) PATH '$.t', "
               "l VARCHAR(200) PATH '$.l', j BIGINT PATH '$.j'") " j "
    "JOIN mc_case c ON c.number = j.n ON DUPLICATE KEY UPDATE court_code = VALUES(court_code), "
    "hearing_at = VALUES(hearing_at), hearing_type = VALUES(hearing_type), "
    "location = VALUES(location), "
    "judge_id = VALUES(judge_id), case_number = VALUES(case_number), "
    "case_confidential = VALUES(case_confidential), case_judge_id = VALUES(case_judge_id)",

    "INSERT INTO mc_judgment (case_id, ref, debtor, creditor, amount, entered_on, satisfied) "
    "SELECT c.id, j.r, j.d, j.c, j.a, j.e, j.s "
    "FROM " JT(NUMCOL ", " REFCOL ", d VARCHAR(200) PATH '$.d', c VARCHAR(200) PATH '$.c', "
               "a DECIMAL(14,2) PATH '$.a', e DATE PATH '$.e', s INT PATH '$.s'") " j "
    "JOIN mc_case c ON c.number = j.n ON DUPLICATE KEY UPDATE debtor = VALUES(debtor), "
    "creditor = VALUES(creditor), amount = VALUES(amount), entered_on = VALUES(entered_on), "
    "satisfied = VALUES(satisfied)",

    "INSERT INTO mc_docket (case_id, ref, entry_date, entry_type, text, filed_by, created_at) "
    "SELECT c.id, j.r, j.d, j.t, j.x, j.f, UTC_TIMESTAMP() "
    "FROM " JT(NUMCOL ", " REFCOL ", d DATE PATH '$.d', t VARCHAR(100) PATH '$.t', "
               "x TEXT PATH '$.x', f VARCHAR(200) PATH '$.f'") " j "
    "JOIN mc_case c ON c.number = j.n ON DUPLICATE KEY UPDATE entry_date = VALUES(entry_date), "
    "entry_type = VALUES(entry_type), text = VALUES(text), filed_by = VALUES(filed_by)",
};
/* The hearings' copies of their case (sql/casetrack/0005_hearing_case_copies.sql)
 * after the batch changed existing cases' court, judge or confidentiality. */
static const char sql_hearing_copies[] =
    "UPDATE " IDS " JOIN mc_hearing h ON h.case_id = t.id JOIN mc_case c ON c.id = t.id "
    "SET h.court_code = c.court_code, h.case_number = c.number, "
    "h.case_confidential = c.confidential, h.case_judge_id = c.judge_id "
    "WHERE NOT (h.court_code <=> c.court_code AND h.case_number <=> c.number AND "
    "h.case_confidential <=> c.confidential AND h.case_judge_id <=> c.judge_id)";
/* clang-format on */

static const char *key(apr_pool_t *p, int kind, long long id, const char *ref)
{
    return apr_psprintf(p, "%d/%" APR_INT64_T_FMT "/%s", kind, (apr_int64_t)id, ref);
}

typedef struct flush_out {
    counts n;
    const char *why; /* what failed on one case (a docket entry...) */
    long line;
} flush_out;

/* "[...]" of JSON objects, or NULL when there are none. */
static const char *rows_json(apr_pool_t *p, apr_array_header_t *parts)
{
    return parts->nelts ? apr_pstrcat(p, "[", apr_array_pstrcat(p, parts, ','), "]", NULL) : NULL;
}

static const char *db_why(imp *im, apr_pool_t *p, apr_status_t rv)
{
    char err[120];
    return rv >= MC_DB_EDUP && rv <= MC_DB_EFAIL
               ? mc_db_error(im->db)
               : apr_pstrdup(p, apr_strerror(rv, err, sizeof(err)));
}

/* Write set[0..n) in the open transaction: only what is new or changed. */
static apr_status_t write_set(imp *im, apr_pool_t *p, bcase **set, int n, flush_out *o)
{
    mc_dbres *res;
    apr_status_t rv;
    apr_hash_t *byn = apr_hash_make(p), *found = apr_hash_make(p);
    apr_array_header_t *cases = apr_array_make(p, n, sizeof(const char *)), *rows[K_N];
    /* new hearings of existing cases (their trackers' webhooks): case, ref */
    apr_array_header_t *new_hearings = apr_array_make(p, 4, sizeof(const brow *));
    apr_array_header_t *new_hearing_cases = apr_array_make(p, 4, sizeof(long long));
    long long *tot[K_N] = {&o->n.parties, &o->n.attorneys, &o->n.hearings, &o->n.judgments,
                           &o->n.dockets};
    long long *nw[K_N] = {&o->n.parties_new, &o->n.attorneys_new, &o->n.hearings_new,
                          &o->n.judgments_new, &o->n.dockets_new};
    int i, k, any_existing = 0;
    const char *existing = NULL; /* the ids of the existing cases, as JSON */
    jbuf *b = &im->jb;

    /* which cases exist already, and as what */
    b->len = 0;
    mc_import_jb_raw(b, "[");
    for (i = 0; i < n; i++) {
        mc_import_jb_raw(b, i ? ",{" : "{");
        mc_import_jb_str(b, "n", set[i]->number);
        mc_import_jb_raw(b, "}");
        apr_hash_set(byn, set[i]->number, APR_HASH_KEY_STRING, set[i]);
        set[i]->existed = 0;
    }
    mc_import_jb_raw(b, "]");
    if ((rv = mc_db_query(im->db, p, &res, sql_cases_found, "s", b->d)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        bcase *c = apr_hash_get(byn, res->rows[i][1], APR_HASH_KEY_STRING);
        if (!c)
            continue;
        c->existed = any_existing = 1;
        c->id = mc_dbres_int(res, i, 0);
        c->old_conf = (int)mc_dbres_int(res, i, 2);
        c->changed = strcmp(res->rows[i][3], c->cmp) != 0 || strcmp(res->rows[i][4], c->newest) < 0;
    }

    /* their rows (only existing cases have any) */
    if (any_existing) {
        b->len = 0;
        mc_import_jb_raw(b, "[");
        for (i = 0; i < n; i++)
            if (set[i]->existed)
                mc_import_jb_int(b, NULL, set[i]->id, 0);
        mc_import_jb_raw(b, "]");
        existing = apr_pstrdup(p, b->d);
        rv =
            mc_db_query(im->db, p, &res, sql_children_found, "sssss", b->d, b->d, b->d, b->d, b->d);
        if (rv != APR_SUCCESS)
            return rv;
        for (i = 0; i < res->nrows; i++)
            apr_hash_set(
                found,
                key(p, (int)mc_dbres_int(res, i, 0), mc_dbres_int(res, i, 1), res->rows[i][2]),
                APR_HASH_KEY_STRING, res->rows[i][3] ? res->rows[i][3] : "");
    }

    /* what to write; a new docket entry of an existing case waits (below) */
    for (k = 0; k < K_N; k++)
        rows[k] = apr_array_make(p, n * 2, sizeof(const char *));
    for (i = 0; i < n; i++) {
        bcase *c = set[i];
        o->n.cases++;
        o->n.cases_new += !c->existed;
        if (!c->existed || c->changed)
            APR_ARRAY_PUSH(cases, const char *) = c->json;
        for (k = 0; k < K_N; k++) {
            *tot[k] += c->nrows[k];
            for (int x = 0; x < c->nrows[k]; x++) {
                const brow *r = &c->rows[k][x];
                const char *was =
                    c->existed ? apr_hash_get(found, key(p, k, c->id, r->ref), APR_HASH_KEY_STRING)
                               : NULL;
                if (!was && k == K_DOCKET && c->existed)
                    continue;
                if (!was && k == K_HEAR && c->existed) {
                    APR_ARRAY_PUSH(new_hearings, const brow *) = r;
                    APR_ARRAY_PUSH(new_hearing_cases, long long) = c->id;
                }
                *nw[k] += !was;
                if (!was || strcmp(was, r->cmp) != 0)
                    APR_ARRAY_PUSH(rows[k], const char *) = r->json;
            }
        }
    }
    const char *j = rows_json(p, cases);
    if (j && (rv = mc_db_exec(im->db, NULL, NULL, sql_cases_upsert, "s", j)) != APR_SUCCESS)
        return rv;
    for (k = 0; k < K_N; k++)
        if ((j = rows_json(p, rows[k])) &&
            (rv = mc_db_exec(im->db, NULL, NULL, sql_upsert[k], "s", j)) != APR_SUCCESS)
            return rv;

    /* existing cases: confidentiality changes, then new entries (notified) */
    for (i = 0; i < n; i++) {
        bcase *c = set[i];
        if (!c->existed)
            continue;
        if (c->confidential != c->old_conf &&
            (rv = mc_case_set_confidential(im->db, c->id, c->confidential)) != APR_SUCCESS) {
            o->line = c->line;
            o->why = apr_psprintf(p, "case %s: cannot change its confidentiality: %s", c->number,
                                  db_why(im, p, rv));
            return rv;
        }
        for (int x = 0; x < c->nrows[K_DOCKET]; x++) {
            const mc_feed_docket *d = &c->dk[x];
            if (apr_hash_get(found, key(p, K_DOCKET, c->id, d->ref), APR_HASH_KEY_STRING))
                continue;
            mc_docket_entry e = {c->id, d->date, d->type, d->text, d->filed_by, d->ref};
            if ((rv = mc_case_docket_add(im->db, p, im->env, &e, NULL, NULL)) != APR_SUCCESS) {
                o->line = d->line;
                o->why = apr_psprintf(p, "case %s: docket %s: cannot be added: %s", c->number,
                                      d->ref, db_why(im, p, rv));
                return rv;
            }
            o->n.dockets_new++;
        }
    }
    if (existing &&
        (rv = mc_db_exec(im->db, NULL, NULL, sql_hearing_copies, "s", existing)) != APR_SUCCESS) {
        o->why = apr_psprintf(p, "cannot update the hearings' copies of their cases: %s",
                              db_why(im, p, rv));
        return rv;
    }
    /* A hearing new to a case that existed: hearing.scheduled to its
     * trackers' webhooks (mc_case.h). */
    for (i = 0; i < new_hearings->nelts; i++) {
        const brow *r = APR_ARRAY_IDX(new_hearings, i, const brow *);
        long long case_id = APR_ARRAY_IDX(new_hearing_cases, i, long long);
        if ((rv = mc_db_query(im->db, p, &res,
                              "SELECT id FROM mc_hearing WHERE case_id = ? AND ref = ?", "is",
                              case_id, r->ref)) != APR_SUCCESS ||
            (res->nrows == 1 &&
             (rv = mc_case_hearing_added(im->db, p, mc_dbres_int(res, 0, 0))) != APR_SUCCESS)) {
            o->why =
                apr_psprintf(p, "cannot notify a new hearing's trackers: %s", db_why(im, p, rv));
            return rv;
        }
    }
    return APR_SUCCESS;
}

static void add_counts(counts *t, const counts *d)
{
    long long *a = (long long *)t;
    const long long *b = (const long long *)d;
    for (size_t i = 0; i < sizeof(counts) / sizeof(long long); i++)
        a[i] += b[i];
}

/* One transaction for set[0..n), retried after a deadlock. *o says what
 * went wrong with one case. */
static apr_status_t write_tx(imp *im, bcase **set, int n, flush_out *o)
{
    apr_status_t rv = APR_SUCCESS;
    for (int attempt = 0; attempt < 5; attempt++) {
        apr_pool_t *p;
        apr_pool_create(&p, im->bp);
        memset(o, 0, sizeof(*o));
        rv = mc_db_begin(im->db);
        if (rv == APR_SUCCESS)
            rv = write_set(im, p, set, n, o);
        if (rv == APR_SUCCESS) /* last: the row stays locked until the commit */
            rv = mc_db_exec(im->db, NULL, NULL, MC_CASE_SEARCH_CHANGED, "");
        if (rv == APR_SUCCESS)
            rv = mc_db_commit(im->db);
        if (rv == APR_SUCCESS) {
            add_counts(&im->n, &o->n);
            apr_pool_destroy(p);
            return APR_SUCCESS;
        }
        if (o->why)
            o->why = apr_pstrdup(im->bp, o->why);
        if (!mc_db_broken(im->db))
            mc_db_rollback(im->db);
        apr_pool_destroy(p);
        if (rv != MC_DB_EDEADLOCK)
            break;
    }
    return rv;
}

/* Write the batch; when it fails, case by case, reporting the ones that
 * fail as bad records. */
apr_status_t mc_import_flush(imp *im)
{
    int n = im->batch->nelts;
    bcase **set = (bcase **)im->batch->elts;
    flush_out o;
    apr_status_t rv = APR_SUCCESS;
    if (!n)
        return APR_SUCCESS;
    if (write_tx(im, set, n, &o) != APR_SUCCESS) {
        if (mc_db_broken(im->db))
            return mc_import_db_fatal(im, "writing cases");
        for (int i = 0; i < n; i++) {
            if (write_tx(im, set + i, 1, &o) == APR_SUCCESS)
                continue;
            if (mc_db_broken(im->db)) {
                rv = mc_import_db_fatal(im, "writing cases");
                break;
            }
            mc_import_bad(im, o.why ? o.line : set[i]->line,
                          o.why ? o.why
                                : apr_psprintf(im->bp, "case %s: refused by the database: %s",
                                               set[i]->number, mc_db_error(im->db)));
        }
    }
    apr_array_clear(im->batch);
    apr_hash_clear(im->numbers);
    apr_pool_clear(im->bp);
    im->batch = apr_array_make(im->bp, BATCH_CASES, sizeof(bcase *));
    im->numbers = apr_hash_make(im->bp);
    im->bytes = 0;
    return rv;
}
