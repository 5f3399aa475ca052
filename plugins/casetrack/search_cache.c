/* search_cache.c: each Apache process keeps the database results of the
 * public searches it ran lately (issue 13: a repeated search costs MariaDB
 * one primary-key SELECT instead of its count and page statements).
 *
 * What is kept: the rows of one page of one search and the count paging
 * was given, keyed by the search, the values it binds (its checked and
 * normalised fields), its order and page. Never a page's HTML (it carries
 * the visitor's own parts), never the case page, nothing behind a logon.
 * Every statement cached leaves confidential cases out, as uncached.
 *
 * When a cached result may be used: only when it was stored under the
 * search generation the database holds now (mc_ct_generation, bumped in
 * the transaction of every write that can change a result: see
 * sql/casetrack/0006_search_generation.sql) and is younger than
 * MoCourtsCaseNetCacheTTL. A search reads the generation before its other
 * statements, so what it stores is at least as new as the generation it is
 * stored under: a result from before a write is never served, by this
 * process or by any other process or node on the same database.
 *
 * Why per-process memory and not ap_socache (shmcb): the check against the
 * generation, not the sharing, is what keeps results right; a hit costs a
 * lock and a copy here, where shmcb would add serialising every result
 * into a shared segment (and a global mutex across processes) for what
 * each process's busy searches fill in a moment. Bounded: at most
 * CT_CACHE_ENTRIES entries and CT_CACHE_BYTES bytes, a key over
 * CT_CACHE_KEY_MAX or a result over CT_CACHE_ENTRY_MAX is not kept; each
 * entry is one malloc'ed block, freed when evicted (least recently used)
 * or at the process's end. */
#include "search_cache.h"

#include "apr_thread_mutex.h"

#include <stdlib.h>

typedef struct entry {
    unsigned long hash;
    const char *key;    /* in the block */
    size_t bytes;       /* the block's size */
    long long gen;      /* the search generation it was stored under */
    apr_time_t at;      /* when stored */
    unsigned long used; /* tick of the last use: the least is evicted */
    long long total;
    int nrows, ncols;
    char **cells;     /* nrows * ncols, NULL for SQL NULL; in the block */
    apr_size_t *lens; /* in the block */
} entry;

static apr_thread_mutex_t *lock; /* NULL: no cache (before child_init) */
static entry *table[CT_CACHE_ENTRIES];
static size_t table_bytes;
static int table_entries;
static unsigned long ticks;

static apr_status_t drop_all(void *unused)
{
    int i;
    for (i = 0; i < CT_CACHE_ENTRIES; i++) {
        free(table[i]);
        table[i] = NULL;
    }
    table_bytes = 0;
    table_entries = 0;
    lock = NULL;
    return APR_SUCCESS;
}

apr_status_t ct_cache_child_init(apr_pool_t *pchild)
{
    apr_status_t rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv != APR_SUCCESS) {
        lock = NULL;
        return rv;
    }
    apr_pool_cleanup_register(pchild, NULL, drop_all, apr_pool_cleanup_null);
    return APR_SUCCESS;
}

static int cache_on(void)
{
    return lock && ct_config.cache_ttl > 0;
}

const char *ct_cache_key(srch *s, const char *what, int n, const char *const *vals)
{
    const char *key;
    int i;
    if (!cache_on())
        return NULL;
    /* Each part as <length>:<text> (NULL as "-"): no two keys differ only
     * in where one part ends. */
    key = apr_psprintf(s->p, "%s|%s|%" APR_SIZE_T_FMT ":%s|%" APR_INT64_T_FMT "|", s->path, what,
                       strlen(s->order), s->order, (apr_int64_t)s->page);
    for (i = 0; i < n; i++) {
        if (strlen(key) + (vals[i] ? strlen(vals[i]) : 0) > CT_CACHE_KEY_MAX)
            return NULL;
        key = vals[i]
                  ? apr_psprintf(s->p, "%s%" APR_SIZE_T_FMT ":%s", key, strlen(vals[i]), vals[i])
                  : apr_pstrcat(s->p, key, "-", NULL);
    }
    return strlen(key) > CT_CACHE_KEY_MAX ? NULL : key;
}

static unsigned long hash_of(const char *key)
{
    unsigned long h = 2166136261UL; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619UL;
    return h;
}

/* The slot holding key, or -1. Under the lock. */
static int find(const char *key, unsigned long h)
{
    int i;
    for (i = 0; i < CT_CACHE_ENTRIES; i++)
        if (table[i] && table[i]->hash == h && !strcmp(table[i]->key, key))
            return i;
    return -1;
}

static void drop(int i)
{
    table_bytes -= table[i]->bytes;
    table_entries--;
    free(table[i]);
    table[i] = NULL;
}

/* The database's search generation into s->gen (once per request; -1 when
 * it cannot be read: the search runs uncached and its own statements say
 * what is wrong). */
static long long generation(srch *s, mc_db *db)
{
    mc_dbres *res;
    if (!s->gen) {
        if (mc_db_query(db, s->p, &res, "SELECT gen FROM mc_ct_generation WHERE id = 1", "") ==
                APR_SUCCESS &&
            res->nrows == 1)
            s->gen = mc_dbres_int(res, 0, 0);
        else
            s->gen = -1;
    }
    return s->gen;
}

/* At LogLevel mocourts_casetrack:debug, what happened (hit, miss, stale,
 * stored) to s's result (the tests read it). Under the lock. */
static void log_use(srch *s, const char *what)
{
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, s->mr->r,
                  MCLOGNO(2220) "Case.net search cache: %s %s (generation %" APR_INT64_T_FMT
                                "; %d entries, "
                                "%" APR_SIZE_T_FMT " bytes)",
                  what, s->path, (apr_int64_t)s->gen, table_entries, table_bytes);
}

int ct_cache_get(srch *s, mc_db *db, const char *key, mc_dbres **res, long long *total)
{
    const entry *e;
    mc_dbres *out;
    int i, r, c, stale = 0, hit = 0;
    if (!key || generation(s, db) < 0)
        return 0;
    apr_thread_mutex_lock(lock);
    i = find(key, hash_of(key));
    e = i < 0 ? NULL : table[i];
    if (e && (e->gen != s->gen || apr_time_now() - e->at >= ct_config.cache_ttl)) {
        drop(i); /* stale: never served, and a new result takes its place */
        e = NULL;
        stale = 1;
    }
    if (e) {
        table[i]->used = ++ticks;
        out = apr_pcalloc(s->p, sizeof(*out));
        out->nrows = e->nrows;
        out->ncols = e->ncols;
        out->rows = apr_palloc(s->p, sizeof(*out->rows) * (size_t)(e->nrows + 1));
        out->lens = apr_palloc(s->p, sizeof(*out->lens) * (size_t)(e->nrows + 1));
        for (r = 0; r < e->nrows; r++) {
            out->rows[r] = apr_palloc(s->p, sizeof(**out->rows) * (size_t)(e->ncols + 1));
            out->lens[r] = apr_palloc(s->p, sizeof(**out->lens) * (size_t)(e->ncols + 1));
            for (c = 0; c < e->ncols; c++) {
                size_t k = (size_t)r * (size_t)e->ncols + (size_t)c;
                out->rows[r][c] =
                    e->cells[k] ? apr_pstrmemdup(s->p, e->cells[k], e->lens[k]) : NULL;
                out->lens[r][c] = e->lens[k];
            }
        }
        *res = out;
        *total = e->total;
        hit = 1;
    }
    log_use(s, hit ? "hit" : stale ? "stale" : "miss");
    apr_thread_mutex_unlock(lock);
    return hit;
}

/* A free slot, evicting the least recently used entries until it and
 * bytes more fit. Under the lock. */
static int make_room(size_t bytes)
{
    int i, free_slot = -1;
    for (;;) {
        int lru = -1;
        for (i = 0; i < CT_CACHE_ENTRIES; i++) {
            if (!table[i])
                free_slot = free_slot < 0 ? i : free_slot;
            else if (lru < 0 || table[i]->used < table[lru]->used)
                lru = i;
        }
        if (free_slot >= 0 && table_bytes + bytes <= CT_CACHE_BYTES)
            return free_slot;
        drop(lru); /* bytes <= CT_CACHE_ENTRY_MAX < CT_CACHE_BYTES: some entry is there */
        free_slot = lru;
    }
}

void ct_cache_put(srch *s, const char *key, const mc_dbres *res, long long total)
{
    size_t cells = (size_t)res->nrows * (size_t)res->ncols, bytes, keylen, k;
    char *at;
    entry *e;
    int r, c, i;
    if (!key || s->gen <= 0)
        return;
    keylen = strlen(key) + 1;
    bytes = sizeof(entry) + cells * (sizeof(char *) + sizeof(apr_size_t)) + keylen;
    for (r = 0; r < res->nrows && bytes <= CT_CACHE_ENTRY_MAX; r++)
        for (c = 0; c < res->ncols; c++)
            bytes += res->rows[r][c] ? res->lens[r][c] + 1 : 0;
    if (bytes > CT_CACHE_ENTRY_MAX || !(e = malloc(bytes)))
        return;
    /* One block: the entry, the cells' pointers and lengths, the key, the
     * texts. */
    e->cells = (char **)(e + 1);
    e->lens = (apr_size_t *)(e->cells + cells);
    at = (char *)(e->lens + cells);
    memcpy(at, key, keylen);
    e->key = at;
    at += keylen;
    for (r = 0, k = 0; r < res->nrows; r++)
        for (c = 0; c < res->ncols; c++, k++) {
            e->lens[k] = res->rows[r][c] ? res->lens[r][c] : 0;
            e->cells[k] = res->rows[r][c] ? at : NULL;
            if (res->rows[r][c]) {
                memcpy(at, res->rows[r][c], e->lens[k]);
                at[e->lens[k]] = '\0';
                at += e->lens[k] + 1;
            }
        }
    e->hash = hash_of(key);
    e->bytes = bytes;
    e->gen = s->gen;
    e->at = apr_time_now();
    e->total = total;
    e->nrows = res->nrows;
    e->ncols = res->ncols;
    apr_thread_mutex_lock(lock);
    if ((i = find(key, e->hash)) >= 0) { /* stored meanwhile by another thread */
        if (table[i]->gen > e->gen) {
            apr_thread_mutex_unlock(lock);
            free(e);
            return;
        }
        drop(i);
    }
    i = make_room(bytes);
    e->used = ++ticks;
    table[i] = e;
    table_bytes += bytes;
    table_entries++;
    log_use(s, "stored");
    apr_thread_mutex_unlock(lock);
}
