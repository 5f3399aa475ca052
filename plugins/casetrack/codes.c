/* codes.c: the courts and case types the search forms list and check (see
 * casetrack.h), kept per process for CT_CODES_TTL seconds so a search asks
 * MariaDB for neither (issue 13). They change only by an import or the
 * administrator; a code the copy does not know (a court added since) reloads
 * it at once, so a new court is searchable at once and listed within
 * CT_CODES_TTL. Nothing about a case is kept here. */
#include "casetrack.h"

#include "apr_allocator.h"
#include "apr_thread_mutex.h"

#define CT_CODES_TTL 60 /* seconds a process keeps its copy */

typedef struct code_set {
    int n;
    const char **code;
    const char **name;
} code_set;

typedef struct code_cache {
    apr_pool_t *pool; /* holds set; replaced by each reload */
    code_set set;
    apr_time_t at; /* when loaded; 0: never */
} code_cache;

static apr_thread_mutex_t *codes_lock; /* NULL: no copy kept (every call asks) */
static apr_pool_t *codes_pool;         /* own allocator: parent of each copy's pool */
static code_cache caches[2];

static void set_copy(apr_pool_t *p, const code_set *from, code_set *to)
{
    int i;
    to->n = from->n;
    to->code = apr_palloc(p, sizeof(*to->code) * (from->n + 1));
    to->name = apr_palloc(p, sizeof(*to->name) * (from->n + 1));
    for (i = 0; i < from->n; i++) {
        to->code[i] = apr_pstrdup(p, from->code[i]);
        to->name[i] = apr_pstrdup(p, from->name[i]);
    }
}

/* which's codes into *out (allocated in p), from the copy unless it is older
 * than CT_CODES_TTL or reload is set. */
static apr_status_t codes_get(mc_db *db, apr_pool_t *p, ct_code_kind which, int reload,
                              code_set *out)
{
    code_cache *c = &caches[which];
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if (codes_lock && !reload) {
        int fresh;
        apr_thread_mutex_lock(codes_lock);
        fresh = c->at && apr_time_now() - c->at < apr_time_from_sec(CT_CODES_TTL);
        if (fresh)
            set_copy(p, &c->set, out);
        apr_thread_mutex_unlock(codes_lock);
        if (fresh)
            return APR_SUCCESS;
    }
    rv = which == CT_CODES_COURTS
             ? mc_db_query(db, p, &res, "SELECT code, name FROM mc_court ORDER BY name", "")
             : mc_db_query(db, p, &res, "SELECT code, name FROM mc_case_type ORDER BY name", "");
    if (rv != APR_SUCCESS)
        return rv;
    out->n = res->nrows;
    out->code = apr_palloc(p, sizeof(*out->code) * (res->nrows + 1));
    out->name = apr_palloc(p, sizeof(*out->name) * (res->nrows + 1));
    for (i = 0; i < res->nrows; i++) {
        out->code[i] = mc_dbres_get(res, i, 0);
        out->name[i] = mc_dbres_get(res, i, 1);
    }
    if (codes_lock) {
        apr_pool_t *np;
        apr_thread_mutex_lock(codes_lock);
        if (apr_pool_create(&np, codes_pool) == APR_SUCCESS) {
            if (c->pool)
                apr_pool_destroy(c->pool);
            c->pool = np;
            set_copy(np, out, &c->set);
            c->at = apr_time_now();
        }
        apr_thread_mutex_unlock(codes_lock);
    }
    return APR_SUCCESS;
}

static int set_has(const code_set *s, const char *code)
{
    int i;
    for (i = 0; i < s->n; i++)
        if (!strcmp(s->code[i], code))
            return 1;
    return 0;
}

apr_status_t ct_codes_child_init(apr_pool_t *pchild)
{
    /* A private allocator: the copies' pools are made and destroyed by
     * request threads (under codes_lock), never on pchild's allocator. */
    apr_allocator_t *alloc;
    apr_status_t rv = apr_allocator_create(&alloc);
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = apr_pool_create_ex(&codes_pool, pchild, NULL, alloc)) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return rv;
    }
    apr_allocator_owner_set(alloc, codes_pool);
    return apr_thread_mutex_create(&codes_lock, APR_THREAD_MUTEX_DEFAULT, codes_pool);
}

apr_status_t ct_code_known(mc_req *mr, mc_db *db, ct_code_kind which, const char *code,
                           int *known)
{
    code_set s;
    apr_status_t rv = codes_get(db, mr->r->pool, which, 0, &s);
    if (rv == APR_SUCCESS && !(*known = set_has(&s, code)) && codes_lock) {
        rv = codes_get(db, mr->r->pool, which, 1, &s); /* added since? */
        if (rv == APR_SUCCESS)
            *known = set_has(&s, code);
    }
    return rv;
}

apr_status_t ct_code_list(mc_req *mr, mc_db *db, ct_code_kind which, const char *list,
                          const char *selected)
{
    code_set s;
    int i;
    apr_status_t rv = codes_get(db, mr->r->pool, which, 0, &s);
    if (rv == APR_SUCCESS && selected && *selected && !set_has(&s, selected) && codes_lock)
        rv = codes_get(db, mr->r->pool, which, 1, &s);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < s.n; i++) {
        mc_vars *row = mc_vars_row(mr->vars, list);
        mc_vars_set(row, "code", s.code[i]);
        mc_vars_set(row, "name", s.name[i]);
        mc_vars_set(row, "selected", selected && !strcmp(selected, s.code[i]) ? "1" : NULL);
    }
    return APR_SUCCESS;
}
