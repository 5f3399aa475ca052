/* mc_migrate: ordered schema migrations per component. See mc_migrate.h. */
#include "mc_migrate.h"
#include "mc_log.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <stdlib.h>
#include <string.h>

#define MC_MIGRATE_LOCK "mocourts-migrate"
#define MC_MIGRATE_MAX_FILE (16 * 1024 * 1024)

typedef struct {
    int version;
    const char *name; /* file name, e.g. "0001_init.sql" */
    const char *path;
} mc_migration;

static int mc_name_ok(const char *s)
{
    if (!*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!apr_islower(*s) && !apr_isdigit(*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* The next entry of dir (at path) with its name and, following symbolic
 * links, its type (APR_NOFILE when it vanished). */
static apr_status_t mc_dir_next(apr_pool_t *p, apr_dir_t *dir, const char *path, apr_finfo_t *fi)
{
    apr_finfo_t st;
    apr_status_t rv = apr_dir_read(fi, APR_FINFO_NAME, dir);
    if (rv != APR_SUCCESS && rv != APR_INCOMPLETE)
        return rv;
    fi->name = apr_pstrdup(p, fi->name);
    if (apr_stat(&st, apr_pstrcat(p, path, "/", fi->name, NULL), APR_FINFO_TYPE, p) == APR_SUCCESS)
        fi->filetype = st.filetype;
    else
        fi->filetype = APR_NOFILE;
    return APR_SUCCESS;
}

/* version of "NNNN_name.sql" (digits, '_', a name, ".sql"); 0 otherwise. */
static int mc_migration_version(const char *f)
{
    const char *s = f;
    size_t n = strlen(f);
    while (apr_isdigit(*s))
        s++;
    if (s == f || s - f > 9 || *s != '_' || n < 6 || strcmp(f + n - 4, ".sql") != 0 ||
        (size_t)(s - f) + 5 >= n)
        return 0;
    return atoi(f);
}

static int mc_migration_cmp(const void *a, const void *b)
{
    return ((const mc_migration *)a)->version - ((const mc_migration *)b)->version;
}

/* The migrations of component, in version order; NULL when the folder
 * cannot be read. *dup set to a file name when two share a version. */
static apr_array_header_t *mc_migrations(apr_pool_t *p, const char *sqldir, const char *component,
                                         const char **dup)
{
    apr_dir_t *dir;
    apr_finfo_t fi;
    const char *path = apr_pstrcat(p, sqldir, "/", component, NULL);
    *dup = NULL;
    if (!mc_name_ok(component) || apr_dir_open(&dir, path, p) != APR_SUCCESS)
        return NULL;
    apr_array_header_t *a = apr_array_make(p, 8, sizeof(mc_migration));
    while (mc_dir_next(p, dir, path, &fi) == APR_SUCCESS) {
        int v = fi.name[0] == '.' ? 0 : mc_migration_version(fi.name);
        if (v <= 0 || fi.filetype != APR_REG)
            continue;
        mc_migration *m = apr_array_push(a);
        m->version = v;
        m->name = apr_pstrdup(p, fi.name);
        m->path = apr_pstrcat(p, path, "/", fi.name, NULL);
    }
    apr_dir_close(dir);
    qsort(a->elts, a->nelts, sizeof(mc_migration), mc_migration_cmp);
    for (int i = 1; i < a->nelts; i++) {
        const mc_migration *m = &((mc_migration *)a->elts)[i];
        if (m[-1].version == m->version)
            *dup = m->name;
    }
    return a;
}

int mc_migrate_available(apr_pool_t *p, const char *sqldir, const char *component)
{
    const char *dup;
    apr_array_header_t *a = mc_migrations(p, sqldir, component, &dup);
    if (!a || a->nelts == 0)
        return 0;
    return ((mc_migration *)a->elts)[a->nelts - 1].version;
}

static int mc_schema_exists(mc_db *db, apr_pool_t *p, apr_status_t *rv)
{
    mc_dbres *res;
    *rv = mc_db_query(db, p, &res,
                      "SELECT COUNT(*) FROM information_schema.tables"
                      " WHERE table_schema = DATABASE() AND table_name = 'mc_schema'",
                      "");
    return *rv == APR_SUCCESS && mc_dbres_int(res, 0, 0) > 0;
}

int mc_migrate_current(mc_db *db, apr_pool_t *p, const char *component, apr_status_t *rv)
{
    mc_dbres *res;
    if (!mc_schema_exists(db, p, rv))
        return *rv == APR_SUCCESS ? 0 : -1;
    *rv = mc_db_query(db, p, &res,
                      "SELECT COALESCE(MAX(version), 0) FROM mc_schema WHERE component = ?", "s",
                      component);
    return *rv == APR_SUCCESS ? (int)mc_dbres_int(res, 0, 0) : -1;
}

static apr_status_t mc_read_file(apr_pool_t *p, const char *path, char **out, const char **err)
{
    apr_file_t *f = NULL;
    apr_finfo_t fi;
    char buf[120];
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && fi.size > MC_MIGRATE_MAX_FILE)
        rv = APR_EINVAL;
    if (rv == APR_SUCCESS) {
        apr_size_t got;
        *out = apr_palloc(p, (apr_size_t)fi.size + 1);
        rv = apr_file_read_full(f, *out, (apr_size_t)fi.size, &got);
        if (rv == APR_EOF && got == 0 && fi.size == 0)
            rv = APR_SUCCESS;
        if (rv == APR_SUCCESS)
            (*out)[got] = '\0';
    }
    if (rv != APR_SUCCESS)
        *err = apr_psprintf(p, "cannot read %s: %s", path, apr_strerror(rv, buf, sizeof(buf)));
    if (f)
        apr_file_close(f);
    return rv;
}

/* Apply the pending files of list; called with the named lock held. */
static apr_status_t mc_apply_locked(mc_db *db, apr_pool_t *p, const char *component,
                                    apr_array_header_t *list, int *applied, const char **err)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, p, &res, "SELECT version FROM mc_schema WHERE component = ?",
                                  "s", component);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "reading mc_schema: %s", mc_db_error(db));
        return rv;
    }
    apr_hash_t *done = apr_hash_make(p);
    for (int r = 0; r < res->nrows; r++)
        apr_hash_set(done, apr_itoa(p, (int)mc_dbres_int(res, r, 0)), APR_HASH_KEY_STRING, "");

    for (int i = 0; i < list->nelts; i++) {
        const mc_migration *m = &((mc_migration *)list->elts)[i];
        char *sql;
        if (apr_hash_get(done, apr_itoa(p, m->version), APR_HASH_KEY_STRING))
            continue;
        if ((rv = mc_read_file(p, m->path, &sql, err)) != APR_SUCCESS)
            return rv;
        mc_log(MC_LOG_NOTICE, MC_LOG_MARK, MCLOGNO(2007) "mc_migrate: applying %s/%s", component,
               m->name);
        if ((rv = mc_db_exec_script(db, sql)) != APR_SUCCESS) {
            *err = apr_psprintf(p, "%s failed: %s", m->path, mc_db_error(db));
            return rv;
        }
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_schema (component, version, name, applied_at)"
                        " VALUES (?, ?, ?, UTC_TIMESTAMP())",
                        "sis", component, (long long)m->version, m->name);
        if (rv != APR_SUCCESS) {
            *err = apr_psprintf(p, "%s was applied but could not be recorded: %s", m->path,
                                mc_db_error(db));
            return rv;
        }
        (*applied)++;
    }
    return APR_SUCCESS;
}

apr_status_t mc_migrate_apply(mc_db *db, apr_pool_t *p, const char *sqldir, const char *component,
                              int *applied, const char **err)
{
    const char *dup;
    mc_dbres *res;
    apr_status_t rv;

    *applied = 0;
    apr_array_header_t *list = mc_migrations(p, sqldir, component, &dup);
    if (!list) {
        *err = apr_psprintf(p, "cannot read the migrations of '%s' in %s", component, sqldir);
        return APR_ENOENT;
    }
    if (dup) {
        *err = apr_psprintf(p, "%s/%s/%s: two migrations share its version number", sqldir,
                            component, dup);
        return APR_EINVAL;
    }
    rv = mc_db_exec_script(db, "CREATE TABLE IF NOT EXISTS mc_schema ("
                               " component VARCHAR(64) NOT NULL,"
                               " version INT NOT NULL,"
                               " name VARCHAR(200) NOT NULL,"
                               " applied_at DATETIME NOT NULL,"
                               " PRIMARY KEY (component, version)"
                               ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "creating mc_schema: %s", mc_db_error(db));
        return rv;
    }
    rv = mc_db_query(db, p, &res, "SELECT GET_LOCK('" MC_MIGRATE_LOCK "', 30)", "");
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "taking the migration lock: %s", mc_db_error(db));
        return rv;
    }
    if (mc_dbres_int(res, 0, 0) != 1) {
        *err = "another mocourts-admin migrate has held the migration lock for 30 seconds; "
               "try again when it has finished";
        return APR_EAGAIN;
    }
    rv = mc_apply_locked(db, p, component, list, applied, err);
    if (!mc_db_broken(db))
        mc_db_query(db, p, &res, "SELECT RELEASE_LOCK('" MC_MIGRATE_LOCK "')", "");
    return rv;
}

static int mc_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The components named in <sqldir>/<component>/REQUIRES (words separated by
 * white space; '#' starts a comment); empty when there is no such file. */
static apr_array_header_t *mc_requires(apr_pool_t *p, const char *sqldir, const char *component)
{
    apr_array_header_t *req = apr_array_make(p, 2, sizeof(const char *));
    const char *path = apr_pstrcat(p, sqldir, "/", component, "/REQUIRES", NULL), *err;
    apr_finfo_t fi;
    char *text, *last, *w;
    if (apr_stat(&fi, path, APR_FINFO_TYPE, p) != APR_SUCCESS || fi.filetype != APR_REG ||
        mc_read_file(p, path, &text, &err) != APR_SUCCESS)
        return req;
    int in_comment = 0;
    for (char *c = text; *c; c++) { /* blank the comments out */
        in_comment = *c == '#' || (in_comment && *c != '\n');
        if (in_comment)
            *c = ' ';
    }
    for (w = apr_strtok(text, " \t\r\n", &last); w; w = apr_strtok(NULL, " \t\r\n", &last))
        APR_ARRAY_PUSH(req, const char *) = w;
    return req;
}

apr_array_header_t *mc_migrate_components(apr_pool_t *p, const char *sqldir)
{
    apr_dir_t *dir;
    apr_finfo_t fi;
    apr_array_header_t *others = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *named = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(const char *));
    apr_hash_t *placed = apr_hash_make(p), *shipped = apr_hash_make(p);
    int core = 0;
    if (apr_dir_open(&dir, sqldir, p) != APR_SUCCESS)
        return all;
    while (mc_dir_next(p, dir, sqldir, &fi) == APR_SUCCESS) {
        if (fi.filetype != APR_DIR || !mc_name_ok(fi.name))
            continue;
        if (strcmp(fi.name, "core") == 0)
            core = 1;
        else
            APR_ARRAY_PUSH(others, const char *) = apr_pstrdup(p, fi.name);
    }
    apr_dir_close(dir);
    qsort(others->elts, others->nelts, sizeof(const char *), mc_str_cmp);
    if (core)
        APR_ARRAY_PUSH(named, const char *) = "core";
    apr_array_cat(named, others);
    for (int i = 0; i < named->nelts; i++)
        apr_hash_set(shipped, APR_ARRAY_IDX(named, i, const char *), APR_HASH_KEY_STRING, "");
    /* Name order, except that a component comes after the shipped components
     * its REQUIRES file names; a cycle falls back to name order (the failing
     * migration then says which table is missing). */
    while (all->nelts < named->nelts) {
        int pick = -1;
        for (int i = 0; i < named->nelts && pick < 0; i++) {
            const char *c = APR_ARRAY_IDX(named, i, const char *);
            if (apr_hash_get(placed, c, APR_HASH_KEY_STRING))
                continue;
            apr_array_header_t *req = mc_requires(p, sqldir, c);
            int ready = 1;
            for (int j = 0; j < req->nelts && ready; j++) {
                const char *r = APR_ARRAY_IDX(req, j, const char *);
                ready = strcmp(r, c) == 0 || !apr_hash_get(shipped, r, APR_HASH_KEY_STRING) ||
                        apr_hash_get(placed, r, APR_HASH_KEY_STRING);
            }
            if (ready)
                pick = i;
        }
        for (int i = 0; i < named->nelts && pick < 0; i++)
            if (!apr_hash_get(placed, APR_ARRAY_IDX(named, i, const char *), APR_HASH_KEY_STRING))
                pick = i;
        const char *c = APR_ARRAY_IDX(named, pick, const char *);
        apr_hash_set(placed, c, APR_HASH_KEY_STRING, "");
        APR_ARRAY_PUSH(all, const char *) = c;
    }
    return all;
}
