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
 * (the part of the file read so far). */
#include "admin.h"
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

#define BATCH_CASES 500
#define BATCH_BYTES (4 * 1024 * 1024)

/* ---- JSON text ------------------------------------------------------------ */

typedef struct jbuf {
    char *s;
    size_t len, cap;
} jbuf;

static void jb_put(jbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            fputs("mocourts-admin: import: out of memory\n", stderr);
            exit(1);
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void jb_raw(jbuf *b, const char *s)
{
    jb_put(b, s, strlen(s));
}

/* ,"key":"value" (value escaped; the first key of an object has no comma) */
static void jb_str(jbuf *b, const char *key, const char *v)
{
    static const char hex[] = "0123456789abcdef";
    const char *run;
    if (b->len && b->s[b->len - 1] != '{')
        jb_raw(b, ",");
    jb_raw(b, "\"");
    jb_raw(b, key);
    jb_raw(b, "\":\"");
    for (run = v; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jb_put(b, run, (size_t)(v - run));
        char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        if (c == '"' || c == '\\') {
            e[1] = (char)c;
            e[2] = 0;
        }
        jb_raw(b, e);
        run = v + 1;
    }
    jb_put(b, run, (size_t)(v - run));
    jb_raw(b, "\"");
}

static void jb_int(jbuf *b, const char *key, long long v, int null)
{
    char num[32];
    if (b->len && b->s[b->len - 1] != '{' && b->s[b->len - 1] != '[')
        jb_raw(b, ",");
    snprintf(num, sizeof(num), "%lld", v);
    if (key) {
        jb_raw(b, "\"");
        jb_raw(b, key);
        jb_raw(b, "\":");
    }
    jb_raw(b, null ? "null" : num);
}

/* ---- the import ----------------------------------------------------------- */

typedef struct counts {
    long long courts, courts_new, types, types_new, judges, judges_new;
    long long cases, cases_new, parties, parties_new, attorneys, attorneys_new;
    long long dockets, dockets_new, hearings, hearings_new, judgments, judgments_new;
} counts;

typedef struct judge_info {
    long long id;
    const char *court;
} judge_info;

/* Kinds of a case's rows, in the order of the children query below. */
enum { K_PARTY, K_ATTY, K_HEAR, K_JUDG, K_DOCKET, K_N };

/* One row of a case: its JSON object for the upsert and its stored columns
 * as the database shows them (cmp), so an unchanged row is not written. */
typedef struct brow {
    const char *ref, *cmp, *json;
} brow;

/* A case waiting in the batch. */
typedef struct bcase {
    const char *number;
    long line;
    int confidential;
    const char *json, *cmp;
    const char *newest; /* last_activity the feed implies */
    brow *rows[K_N];
    int nrows[K_N];
    mc_feed_docket *dk; /* the docket entries, as rows[K_DOCKET] */
    /* during a flush */
    long long id;
    int existed, old_conf, changed;
} bcase;

typedef struct imp {
    mc_db *db;
    apr_pool_t *p;
    const char *prog, *path;
    const mc_case_env *env;
    apr_hash_t *courts; /* code -> case prefix */
    apr_hash_t *types;  /* code -> "" */
    apr_hash_t *judges; /* ref -> judge_info */
    apr_pool_t *bp;     /* the batch's */
    apr_array_header_t *batch;
    apr_hash_t *numbers; /* in the batch */
    size_t bytes;
    counts n;
    long long bad;
    jbuf jb;
    const char *fatal;
    const mc_feed_result *res; /* the parse's, for the progress */
    apr_off_t size;            /* of the file; 0 when not known */
} imp;

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

static void bad(void *baton, long line, const char *why)
{
    imp *im = baton;
    im->bad++;
    mc_progress_clear();
    fprintf(stderr, "%s:%ld: %s\n", im->path, line, why);
}

static apr_status_t db_fatal(imp *im, const char *what)
{
    if (!im->fatal)
        im->fatal = apr_psprintf(im->p, "%s: %s", what, mc_db_error(im->db));
    return MC_DB_EFAIL;
}

static apr_status_t load_known(imp *im)
{
    mc_dbres *res;
    int i;
    if (mc_db_query(im->db, im->p, &res, "SELECT code, case_prefix FROM mc_court", "") !=
        APR_SUCCESS)
        return db_fatal(im, "reading the courts");
    for (i = 0; i < res->nrows; i++)
        apr_hash_set(im->courts, res->rows[i][0], APR_HASH_KEY_STRING, res->rows[i][1]);
    if (mc_db_query(im->db, im->p, &res, "SELECT code FROM mc_case_type", "") != APR_SUCCESS)
        return db_fatal(im, "reading the case types");
    for (i = 0; i < res->nrows; i++)
        apr_hash_set(im->types, res->rows[i][0], APR_HASH_KEY_STRING, "");
    if (mc_db_query(im->db, im->p, &res, "SELECT ref, id, court_code FROM mc_judge", "") !=
        APR_SUCCESS)
        return db_fatal(im, "reading the judges");
    for (i = 0; i < res->nrows; i++) {
        judge_info *j = apr_palloc(im->p, sizeof(*j));
        j->id = mc_dbres_int(res, i, 1);
        j->court = res->rows[i][2];
        apr_hash_set(im->judges, res->rows[i][0], APR_HASH_KEY_STRING, j);
    }
    return APR_SUCCESS;
}

/* ---- writing a set of cases ------------------------------------------------ */

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

    "INSERT INTO mc_hearing (case_id, ref, hearing_at, hearing_type, location, judge_id) "
    "SELECT c.id, j.r, j.a, j.t, j.l, j.j "
    "FROM " JT(NUMCOL ", " REFCOL ", a DATETIME PATH '$.a', t VARCHAR(100) PATH '$.t', "
               "l VARCHAR(200) PATH '$.l', j BIGINT PATH '$.j'") " j "
    "JOIN mc_case c ON c.number = j.n ON DUPLICATE KEY UPDATE hearing_at = VALUES(hearing_at), "
    "hearing_type = VALUES(hearing_type), location = VALUES(location), "
    "judge_id = VALUES(judge_id)",

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
static const char *json_array(apr_pool_t *p, apr_array_header_t *parts)
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
    long long *tot[K_N] = {&o->n.parties, &o->n.attorneys, &o->n.hearings, &o->n.judgments,
                           &o->n.dockets};
    long long *nw[K_N] = {&o->n.parties_new, &o->n.attorneys_new, &o->n.hearings_new,
                          &o->n.judgments_new, &o->n.dockets_new};
    int i, k, any_existing = 0;
    jbuf *b = &im->jb;

    /* which cases exist already, and as what */
    b->len = 0;
    jb_raw(b, "[");
    for (i = 0; i < n; i++) {
        jb_raw(b, i ? ",{" : "{");
        jb_str(b, "n", set[i]->number);
        jb_raw(b, "}");
        apr_hash_set(byn, set[i]->number, APR_HASH_KEY_STRING, set[i]);
        set[i]->existed = 0;
    }
    jb_raw(b, "]");
    if ((rv = mc_db_query(im->db, p, &res, sql_cases_found, "s", b->s)) != APR_SUCCESS)
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
        jb_raw(b, "[");
        for (i = 0; i < n; i++)
            if (set[i]->existed)
                jb_int(b, NULL, set[i]->id, 0);
        jb_raw(b, "]");
        rv =
            mc_db_query(im->db, p, &res, sql_children_found, "sssss", b->s, b->s, b->s, b->s, b->s);
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
                *nw[k] += !was;
                if (!was || strcmp(was, r->cmp) != 0)
                    APR_ARRAY_PUSH(rows[k], const char *) = r->json;
            }
        }
    }
    const char *j = json_array(p, cases);
    if (j && (rv = mc_db_exec(im->db, NULL, NULL, sql_cases_upsert, "s", j)) != APR_SUCCESS)
        return rv;
    for (k = 0; k < K_N; k++)
        if ((j = json_array(p, rows[k])) &&
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
static apr_status_t flush(imp *im)
{
    int n = im->batch->nelts;
    bcase **set = (bcase **)im->batch->elts;
    flush_out o;
    apr_status_t rv = APR_SUCCESS;
    if (!n)
        return APR_SUCCESS;
    if (write_tx(im, set, n, &o) != APR_SUCCESS) {
        if (mc_db_broken(im->db))
            return db_fatal(im, "writing cases");
        for (int i = 0; i < n; i++) {
            if (write_tx(im, set + i, 1, &o) == APR_SUCCESS)
                continue;
            if (mc_db_broken(im->db)) {
                rv = db_fatal(im, "writing cases");
                break;
            }
            bad(im, o.why ? o.line : set[i]->line,
                o.why ? o.why
                      : apr_psprintf(im->bp, "case %s: refused by the database: %s", set[i]->number,
                                     mc_db_error(im->db)));
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

/* ---- the records ------------------------------------------------------------ */

static apr_status_t on_case_type(void *baton, apr_pool_t *p, const mc_feed_case_type *t,
                                 const char **why)
{
    imp *im = baton;
    long long aff = 0;
    if (flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    if (mc_db_exec(im->db, &aff, NULL,
                   "INSERT INTO mc_case_type (code, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                   "name = VALUES(name)",
                   "ss", t->code, t->name) != APR_SUCCESS)
        return db_fatal(im, "writing a case type");
    apr_hash_set(im->types, apr_pstrdup(im->p, t->code), APR_HASH_KEY_STRING, "");
    im->n.types++;
    im->n.types_new += aff == 1;
    return APR_SUCCESS;
}

/* A court's efiling flag is taken from the feed only when the court is
 * new; after that, participation is the eFiling set-up's to change. */
static apr_status_t on_court(void *baton, apr_pool_t *p, const mc_feed_court *c, const char **why)
{
    imp *im = baton;
    long long aff = 0;
    mc_dbres *res;
    if (flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    if (mc_db_query(im->db, p, &res,
                    "SELECT code FROM mc_court WHERE case_prefix = ? AND code <> ?", "ss",
                    c->prefix, c->code) != APR_SUCCESS)
        return db_fatal(im, "reading the courts");
    if (res->nrows) {
        *why = apr_psprintf(p, "case-prefix %s already belongs to court %s", c->prefix,
                            res->rows[0][0]);
        return MC_FEED_EBAD;
    }
    if (mc_db_exec(im->db, &aff, NULL,
                   "INSERT INTO mc_court (code, circuit, county, name, case_prefix, efiling) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE circuit = VALUES(circuit), "
                   "county = VALUES(county), name = VALUES(name), case_prefix = "
                   "VALUES(case_prefix)",
                   "sisssi", c->code, (long long)c->circuit, c->county, c->name, c->prefix,
                   (long long)c->efiling) != APR_SUCCESS)
        return db_fatal(im, "writing a court");
    apr_hash_set(im->courts, apr_pstrdup(im->p, c->code), APR_HASH_KEY_STRING,
                 apr_pstrdup(im->p, c->prefix));
    im->n.courts++;
    im->n.courts_new += aff == 1;
    return APR_SUCCESS;
}

static apr_status_t on_judge(void *baton, apr_pool_t *p, const mc_feed_judge *j, const char **why)
{
    imp *im = baton;
    long long aff = 0;
    mc_dbres *res;
    if (!apr_hash_get(im->courts, j->court, APR_HASH_KEY_STRING)) {
        *why = apr_psprintf(p, "unknown court '%s'", j->court);
        return MC_FEED_EBAD;
    }
    if (flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    if (mc_db_exec(im->db, &aff, NULL,
                   "INSERT INTO mc_judge (ref, court_code, name) VALUES (?, ?, ?) ON DUPLICATE "
                   "KEY UPDATE court_code = VALUES(court_code), name = VALUES(name)",
                   "sss", j->ref, j->court, j->name) != APR_SUCCESS ||
        mc_db_query(im->db, p, &res, "SELECT id FROM mc_judge WHERE ref = ?", "s", j->ref) !=
            APR_SUCCESS ||
        res->nrows != 1)
        return db_fatal(im, "writing a judge");
    judge_info *ji = apr_palloc(im->p, sizeof(*ji));
    ji->id = mc_dbres_int(res, 0, 0);
    ji->court = apr_pstrdup(im->p, j->court);
    apr_hash_set(im->judges, apr_pstrdup(im->p, j->ref), APR_HASH_KEY_STRING, ji);
    im->n.judges++;
    im->n.judges_new += aff == 1;
    return APR_SUCCESS;
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
    jb_raw(&im->jb, "}");
    im->bytes += im->jb.len;
    return apr_pstrmemdup(im->bp, im->jb.s, im->jb.len);
}

static void jb_start(imp *im, const char *number, const char *ref)
{
    im->jb.len = 0;
    jb_raw(&im->jb, "{");
    jb_str(&im->jb, "n", number);
    if (ref)
        jb_str(&im->jb, "r", ref);
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
    if (apr_hash_get(im->numbers, c->number, APR_HASH_KEY_STRING) && flush(im) != APR_SUCCESS)
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
    jb_str(b, "c", c->court);
    jb_str(b, "t", c->type);
    jb_str(b, "cap", c->caption);
    jb_str(b, "f", c->filed);
    jb_str(b, "s", c->status);
    jb_int(b, "j", judge ? judge->id : 0, !judge);
    jb_int(b, "cf", c->confidential, 0);
    jb_str(b, "la", bc->newest);
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
        jb_str(b, "k", x->kind);
        jb_str(b, "o", x->role);
        jb_str(b, "l", x->last);
        jb_str(b, "fi", x->first);
        jb_str(b, "m", x->middle);
        jb_int(b, "y", x->birth_year, !x->birth_year);
        jb_str(b, "ci", x->city);
        r->json = jb_take(im);
        r->ref = apr_pstrdup(bp, x->ref);
        r->cmp = apr_pstrdup(
            bp, cmp_of(p, 7, x->kind, x->role, x->last, x->first, x->middle, by, x->city));
    }
    for (i = 0; i < c->attorneys->nelts; i++) {
        const mc_feed_attorney *x = &APR_ARRAY_IDX(c->attorneys, i, mc_feed_attorney);
        brow *r = &bc->rows[K_ATTY][i];
        jb_start(im, c->number, x->ref);
        jb_str(b, "p", x->party);
        jb_str(b, "na", x->name);
        jb_str(b, "b", x->bar);
        jb_str(b, "fi", x->firm);
        r->json = jb_take(im);
        r->ref = apr_pstrdup(bp, x->ref);
        r->cmp = apr_pstrdup(bp, cmp_of(p, 4, x->party, x->name, x->bar, x->firm));
    }
    for (i = 0; i < c->hearings->nelts; i++) {
        const mc_feed_hearing *x = &APR_ARRAY_IDX(c->hearings, i, mc_feed_hearing);
        const judge_info *hj =
            *x->judge ? apr_hash_get(im->judges, x->judge, APR_HASH_KEY_STRING) : NULL;
        brow *r = &bc->rows[K_HEAR][i];
        jb_start(im, c->number, x->ref);
        jb_str(b, "a", x->at);
        jb_str(b, "t", x->type);
        jb_str(b, "l", x->location);
        jb_int(b, "j", hj ? hj->id : 0, !hj);
        r->json = jb_take(im);
        r->ref = apr_pstrdup(bp, x->ref);
        r->cmp = apr_pstrdup(bp, cmp_of(p, 4, x->at, x->type, x->location,
                                        num_or_empty(p, hj ? hj->id : 0, hj != NULL)));
    }
    for (i = 0; i < c->judgments->nelts; i++) {
        const mc_feed_judgment *x = &APR_ARRAY_IDX(c->judgments, i, mc_feed_judgment);
        brow *r = &bc->rows[K_JUDG][i];
        jb_start(im, c->number, x->ref);
        jb_str(b, "d", x->debtor);
        jb_str(b, "c", x->creditor);
        jb_str(b, "a", x->amount);
        jb_str(b, "e", x->entered);
        jb_int(b, "s", x->satisfied, 0);
        r->json = jb_take(im);
        r->ref = apr_pstrdup(bp, x->ref);
        r->cmp = apr_pstrdup(bp, cmp_of(p, 5, x->debtor, x->creditor, x->amount, x->entered,
                                        x->satisfied ? "1" : "0"));
    }
    bc->dk = apr_palloc(bp, sizeof(mc_feed_docket) * (size_t)(c->dockets->nelts + 1));
    for (i = 0; i < c->dockets->nelts; i++) {
        const mc_feed_docket *x = &APR_ARRAY_IDX(c->dockets, i, mc_feed_docket);
        mc_feed_docket *y = &bc->dk[i];
        brow *r = &bc->rows[K_DOCKET][i];
        jb_start(im, c->number, x->ref);
        jb_str(b, "d", x->date);
        jb_str(b, "t", x->type);
        jb_str(b, "x", x->text);
        jb_str(b, "f", x->filed_by);
        r->json = jb_take(im);
        r->ref = y->ref = apr_pstrdup(bp, x->ref);
        r->cmp = apr_pstrdup(bp, cmp_of(p, 4, x->date, x->type, x->text, x->filed_by));
        y->date = apr_pstrdup(bp, x->date);
        y->type = apr_pstrdup(bp, x->type);
        y->text = apr_pstrdup(bp, x->text);
        y->filed_by = apr_pstrdup(bp, x->filed_by);
        y->line = x->line;
        im->bytes += strlen(x->text);
    }
    APR_ARRAY_PUSH(im->batch, bcase *) = bc;
    apr_hash_set(im->numbers, bc->number, APR_HASH_KEY_STRING, bc);
    if ((im->batch->nelts >= BATCH_CASES || im->bytes >= BATCH_BYTES) && flush(im) != APR_SUCCESS)
        return MC_DB_EFAIL;
    return APR_SUCCESS;
}

int mc_import_cases(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env,
                    const char *path)
{
    imp im;
    mc_feed_result res;
    apr_finfo_t fi;
    mc_feed_handler h = {&im, on_case_type, on_court, on_judge, on_case, bad};
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
            apr_status_t frv = flush(&im); /* what came before an XML error too */
            if (rv == APR_SUCCESS)
                rv = frv;
        }
    }
    free(im.jb.s);
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
