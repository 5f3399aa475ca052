/* import_cases.h: what the files of `mocourts-admin import` share
 * (import_cases.c reads the feed and batches the cases, import_write.c
 * writes a batch, import_json.c builds the JSON the statements bind,
 * import_report.c reports bad records and the fatal error). Private to
 * those four files. */
#ifndef MC_IMPORT_CASES_H
#define MC_IMPORT_CASES_H

#include "admin.h"
#include "mc_buf.h"
#include "mc_case.h"
#include "mc_feed.h"

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>
#include <stddef.h>

#define BATCH_CASES 500
#define BATCH_BYTES (4 * 1024 * 1024)

/* JSON text, on the heap (an mc_buf with p NULL; out of memory ends the
 * process). */
typedef mc_buf jbuf;

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

/* import_json.c. Each appends to b. */
void mc_import_jb_raw(jbuf *b, const char *s);
/* ,"key":"value" (value escaped; the first key of an object has no comma) */
void mc_import_jb_str(jbuf *b, const char *key, const char *v);
/* ,"key":v, or the bare number when key is NULL; null when null is set */
void mc_import_jb_int(jbuf *b, const char *key, long long v, int null);

/* import_report.c */
/* "FILE:LINE: why" on stderr; counts a bad record. baton: the imp. */
void mc_import_bad(void *baton, long line, const char *why);
/* Records the database's error as the import's fatal one (the first
 * kept); returns MC_DB_EFAIL. */
apr_status_t mc_import_db_fatal(imp *im, const char *what);

/* import_write.c */
/* Write the batch; when it fails, case by case, reporting the ones that
 * fail as bad records. Empties the batch. */
apr_status_t mc_import_flush(imp *im);

#endif
