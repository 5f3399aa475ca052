/* mc_conf: the MoCourts* directives of Apache configuration files, read
 * outside httpd. See mc_conf.h. */
#include "mc_conf.h"
#include "mc_conf_table.h"
#include "mc_db_hosts.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#define MC_CONF_MAX_DEPTH 32
#define MC_CONF_MAX_FILE (4 * 1024 * 1024)
#define MC_CONF_PREFIX "MoCourts"

struct mc_conf {
    apr_pool_t *pool;
    const char *path;
    apr_array_header_t *dirs; /* of mc_conf_directive */
    apr_table_t *defines;     /* Define NAME [VALUE] */
    const char *server_root;  /* ServerRoot, or NULL */
};

/* ---- words ---------------------------------------------------------------- */

/* The next word of *line as ap_getword_conf reads it: quoted ("..." or
 * '...', backslash escapes the quote or a backslash) or up to blank space.
 * NULL at the end of the line. *unterminated set on a missing quote. */
static char *mc_conf_word(apr_pool_t *p, const char **line, int *unterminated)
{
    const char *s = *line;
    while (apr_isspace(*s))
        s++;
    if (!*s) {
        *line = s;
        return NULL;
    }
    char quote = (*s == '"' || *s == '\'') ? *s : 0;
    const char *start = quote ? s + 1 : s, *e = start;
    if (quote) {
        while (*e && *e != quote) {
            if (*e == '\\' && (e[1] == quote || e[1] == '\\'))
                e++;
            e++;
        }
        if (!*e)
            *unterminated = 1;
    }
    else {
        while (*e && !apr_isspace(*e))
            e++;
    }
    char *w = apr_palloc(p, (apr_size_t)(e - start) + 1), *o = w;
    for (const char *c = start; c < e; c++) {
        if (*c == '\\' && (c[1] == '\\' || (quote && c[1] == quote)))
            c++;
        *o++ = *c;
    }
    *o = '\0';
    *line = *e ? e + 1 : e;
    return w;
}

/* ${NAME} from Define, then the environment; unknown names stay as written. */
static const char *mc_conf_expand(mc_conf *c, apr_pool_t *p, const char *line)
{
    if (!strstr(line, "${"))
        return line;
    const char *out = "";
    const char *s = line;
    for (;;) {
        const char *b = strstr(s, "${");
        const char *e = b ? strchr(b + 2, '}') : NULL;
        if (!b || !e) {
            return apr_pstrcat(p, out, s, NULL);
        }
        char *name = apr_pstrmemdup(p, b + 2, (apr_size_t)(e - b - 2));
        const char *v = apr_table_get(c->defines, name);
        if (!v)
            v = getenv(name);
        out = apr_pstrcat(p, out, apr_pstrmemdup(p, s, (apr_size_t)(b - s)),
                          v ? v : apr_pstrmemdup(p, b, (apr_size_t)(e - b + 1)), NULL);
        s = e + 1;
    }
}

/* ---- files ---------------------------------------------------------------- */

static apr_status_t mc_conf_file(mc_conf *c, const char *path, int depth, const char **err);

static int mc_is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int mc_str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Include / IncludeOptional of arg, relative to the folder of from. */
static apr_status_t mc_conf_include(mc_conf *c, const char *from, int line, const char *arg,
                                    int optional, int depth, const char **err)
{
    apr_pool_t *p = c->pool;
    const char *target;
    apr_finfo_t fi;
    target = mc_conf_resolve(p, c, from, arg);
    apr_array_header_t *files = apr_array_make(p, 4, sizeof(const char *));
    if (mc_is_glob(target)) {
        glob_t g;
        int rc = glob(target, 0, NULL, &g);
        if (rc == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++)
                if (apr_stat(&fi, g.gl_pathv[i], APR_FINFO_TYPE, p) == APR_SUCCESS &&
                    fi.filetype == APR_REG)
                    APR_ARRAY_PUSH(files, const char *) = apr_pstrdup(p, g.gl_pathv[i]);
        }
        globfree(&g);
        if (rc != 0 && rc != GLOB_NOMATCH) {
            *err = apr_psprintf(p, "%s:%d: cannot expand %s", from, line, target);
            return APR_EGENERAL;
        }
        if (files->nelts == 0 && !optional) {
            *err = apr_psprintf(p, "%s:%d: Include: no file matches %s (use IncludeOptional)", from,
                                line, target);
            return APR_ENOENT;
        }
    }
    else if (apr_stat(&fi, target, APR_FINFO_TYPE, p) != APR_SUCCESS) {
        if (optional)
            return APR_SUCCESS;
        *err = apr_psprintf(p, "%s:%d: Include: %s does not exist", from, line, target);
        return APR_ENOENT;
    }
    else if (fi.filetype == APR_DIR) { /* every file of the folder, as httpd does */
        apr_dir_t *d;
        apr_finfo_t e;
        if (apr_dir_open(&d, target, p) == APR_SUCCESS) {
            for (;;) {
                apr_status_t r = apr_dir_read(&e, APR_FINFO_NAME, d);
                if (r != APR_SUCCESS && r != APR_INCOMPLETE)
                    break;
                const char *f = apr_pstrcat(p, target, "/", e.name, NULL);
                if (e.name[0] != '.' && apr_stat(&fi, f, APR_FINFO_TYPE, p) == APR_SUCCESS &&
                    fi.filetype == APR_REG)
                    APR_ARRAY_PUSH(files, const char *) = f;
            }
            apr_dir_close(d);
        }
    }
    else {
        APR_ARRAY_PUSH(files, const char *) = target;
    }
    qsort(files->elts, files->nelts, sizeof(const char *), mc_str_cmp);
    for (int i = 0; i < files->nelts; i++) {
        apr_status_t rv = mc_conf_file(c, APR_ARRAY_IDX(files, i, const char *), depth + 1, err);
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

/* One logical line (continuations joined) starting at lineno. */
static apr_status_t mc_conf_line(mc_conf *c, const char *path, int lineno, const char *text,
                                 int depth, const char **err)
{
    apr_pool_t *p = c->pool;
    while (apr_isspace(*text))
        text++;
    if (!*text || *text == '#' || *text == '<')
        return APR_SUCCESS; /* blank, comment, or a section tag */
    const char *s = mc_conf_expand(c, p, text);
    int unterminated = 0;
    const char *name = mc_conf_word(p, &s, &unterminated);
    apr_array_header_t *args = apr_array_make(p, 4, sizeof(const char *));
    const char *w;
    while ((w = mc_conf_word(p, &s, &unterminated)) != NULL)
        APR_ARRAY_PUSH(args, const char *) = w;
    if (unterminated) {
        *err = apr_psprintf(p, "%s:%d: %s: a quote is not closed", path, lineno, name);
        return APR_EINVAL;
    }
    if (strcasecmp(name, "Include") == 0 || strcasecmp(name, "IncludeOptional") == 0) {
        if (args->nelts != 1) {
            *err = apr_psprintf(p, "%s:%d: %s takes one path", path, lineno, name);
            return APR_EINVAL;
        }
        return mc_conf_include(c, path, lineno, APR_ARRAY_IDX(args, 0, const char *),
                               strcasecmp(name, "IncludeOptional") == 0, depth, err);
    }
    if (strcasecmp(name, "ServerRoot") == 0 && args->nelts == 1) {
        c->server_root = APR_ARRAY_IDX(args, 0, const char *);
        return APR_SUCCESS;
    }
    if (strcasecmp(name, "Define") == 0 && args->nelts >= 1) {
        apr_table_set(c->defines, APR_ARRAY_IDX(args, 0, const char *),
                      args->nelts > 1 ? APR_ARRAY_IDX(args, 1, const char *) : "");
        return APR_SUCCESS;
    }
    if (strncasecmp(name, MC_CONF_PREFIX, strlen(MC_CONF_PREFIX)) == 0) {
        mc_conf_directive *d = apr_array_push(c->dirs);
        d->name = name;
        d->args = args;
        d->file = path;
        d->line = lineno;
    }
    return APR_SUCCESS;
}

static apr_status_t mc_conf_file(mc_conf *c, const char *path, int depth, const char **err)
{
    apr_pool_t *p = c->pool;
    apr_file_t *f;
    apr_finfo_t fi;
    char ebuf[120];
    if (depth > MC_CONF_MAX_DEPTH) {
        *err = apr_psprintf(p, "%s: Include nested more than %d deep (a loop?)", path,
                            MC_CONF_MAX_DEPTH);
        return APR_EINVAL;
    }
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot open %s: %s", path, apr_strerror(rv, ebuf, sizeof(ebuf)));
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && fi.size > MC_CONF_MAX_FILE)
        rv = APR_EINVAL;
    char *text = NULL;
    apr_size_t got = 0;
    if (rv == APR_SUCCESS) {
        text = apr_palloc(p, (apr_size_t)fi.size + 1);
        rv = apr_file_read_full(f, text, (apr_size_t)fi.size, &got);
        if (rv == APR_EOF)
            rv = APR_SUCCESS;
    }
    apr_file_close(f);
    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "cannot read %s: %s", path, apr_strerror(rv, ebuf, sizeof(ebuf)));
        return rv;
    }
    text[got] = '\0';

    const char *joined = NULL;
    int lineno = 0, first = 0;
    for (char *s = text; *s;) {
        char *nl = strchr(s, '\n');
        char *next = nl ? nl + 1 : s + strlen(s);
        char *e = nl ? nl : next;
        lineno++;
        while (e > s && apr_isspace(e[-1])) /* trailing blanks and CR */
            e--;
        int cont = e > s && e[-1] == '\\';
        const char *piece = apr_pstrmemdup(p, s, (apr_size_t)(e - s - (cont ? 1 : 0)));
        if (!joined) {
            joined = piece;
            first = lineno;
        }
        else {
            joined = apr_pstrcat(p, joined, piece, NULL);
        }
        if (!cont || !*next) {
            rv = mc_conf_line(c, path, first, joined, depth, err);
            if (rv != APR_SUCCESS)
                return rv;
            joined = NULL;
        }
        s = next;
    }
    return APR_SUCCESS;
}

apr_status_t mc_conf_read(apr_pool_t *p, const char *path, mc_conf **out, const char **err)
{
    mc_conf *c = apr_pcalloc(p, sizeof(*c));
    c->pool = p;
    c->path = apr_pstrdup(p, path);
    c->dirs = apr_array_make(p, 16, sizeof(mc_conf_directive));
    c->defines = apr_table_make(p, 4);
    *out = NULL;
    apr_status_t rv = mc_conf_file(c, c->path, 0, err);
    if (rv == APR_SUCCESS)
        *out = c;
    return rv;
}

/* ---- lookups --------------------------------------------------------------- */

const mc_conf_directive *mc_conf_find(const mc_conf *conf, const char *name)
{
    for (int i = conf->dirs->nelts - 1; i >= 0; i--) {
        const mc_conf_directive *d = &APR_ARRAY_IDX(conf->dirs, i, mc_conf_directive);
        if (strcasecmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

const apr_array_header_t *mc_conf_args(const mc_conf *conf, const char *name)
{
    const mc_conf_directive *d = mc_conf_find(conf, name);
    return d ? d->args : NULL;
}

const char *mc_conf_str(const mc_conf *conf, const char *name, const char *def)
{
    const apr_array_header_t *a = mc_conf_args(conf, name);
    return a && a->nelts > 0 ? APR_ARRAY_IDX(a, 0, const char *) : def;
}

const apr_array_header_t *mc_conf_directives(const mc_conf *conf)
{
    return conf->dirs;
}

const char *mc_conf_resolve(apr_pool_t *p, const mc_conf *conf, const char *file, const char *arg)
{
    if (arg[0] == '/')
        return arg;
    if (conf->server_root)
        return apr_pstrcat(p, conf->server_root, "/", arg, NULL);
    const char *slash = file ? strrchr(file, '/') : NULL;
    if (!slash)
        return arg;
    return apr_pstrcat(p, apr_pstrmemdup(p, file, (apr_size_t)(slash - file)), "/", arg, NULL);
}

const char *mc_conf_path(const mc_conf *conf)
{
    return conf->path;
}

/* ---- database settings ------------------------------------------------------ */

/* A simple directive's value through mc_conf_table (as httpd checks it). */
static const char *mc_conf_take(apr_pool_t *p, const mc_conf *conf, const char *name,
                                mc_conf_val *v)
{
    const char *err = NULL;
    apr_status_t rv = mc_conf_setting(p, conf, name, v, &err);
    if (rv == APR_ENOENT) {
        v->str = NULL;
        return NULL;
    }
    return rv == APR_SUCCESS ? NULL : err;
}

/* The first line of the file that MoCourtsDBPasswordFile names. */
static const char *mc_conf_password_file(apr_pool_t *p, const mc_conf *conf,
                                         const mc_conf_directive *d, const char **pw)
{
    const char *path = mc_conf_resolve(p, conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
    apr_file_t *f;
    char line[1024], ebuf[120];
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, p);
    if (rv != APR_SUCCESS)
        return apr_psprintf(p, "MoCourtsDBPasswordFile (%s:%d): cannot open %s: %s", d->file,
                            d->line, path, apr_strerror(rv, ebuf, sizeof(ebuf)));
    line[0] = '\0';
    rv = apr_file_gets(line, sizeof(line), f);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF)
        return apr_psprintf(p, "MoCourtsDBPasswordFile: cannot read %s", path);
    apr_size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    *pw = apr_pstrmemdup(p, line, n);
    memset(line, 0, sizeof(line));
    return NULL;
}

apr_status_t mc_conf_dbconf(apr_pool_t *p, const mc_conf *conf, mc_dbconf *out, const char **err)
{
    mc_conf_val v;
    memset(out, 0, sizeof(*out));
    out->socket = mc_conf_str(conf, "MoCourtsDBSocket", NULL);
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBHost", &v)))
        return APR_EINVAL;
    out->host = v.str;
    if ((*err = mc_db_hosts_check(p, out->host)))
        return APR_EINVAL;
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBName", &v)))
        return APR_EINVAL;
    out->name = v.str;
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBPort", &v)))
        return APR_EINVAL;
    out->port = (unsigned)v.num;
    if (!mc_conf_str(conf, "MoCourtsDBUser", NULL)) {
        *err = apr_psprintf(p, "MoCourtsDBUser is not set in %s (or the files it includes)",
                            conf->path);
        return APR_EINVAL;
    }
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBUser", &v)))
        return APR_EINVAL;
    out->user = v.str;
    const mc_conf_directive *pf = mc_conf_find(conf, "MoCourtsDBPasswordFile");
    const mc_conf_directive *pd = mc_conf_find(conf, "MoCourtsDBPassword");
    const char *pw = NULL;
    if (pf && (!pd || pf > pd)) { /* the later one wins (same array) */
        if (pf->args->nelts != 1) {
            *err = "MoCourtsDBPasswordFile takes one path";
            return APR_EINVAL;
        }
        if ((*err = mc_conf_password_file(p, conf, pf, &pw)) != NULL)
            return APR_EINVAL;
    }
    else if (pd) {
        pw = pd->args->nelts > 0 ? APR_ARRAY_IDX(pd->args, 0, const char *) : "";
    }
    out->password = pw;
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBConnectTimeout", &v)))
        return APR_EINVAL;
    out->connect_timeout = (unsigned)apr_time_sec(v.dur);
    if ((*err = mc_conf_take(p, conf, "MoCourtsDBTimeout", &v)))
        return APR_EINVAL;
    out->rw_timeout = (unsigned)apr_time_sec(v.dur);
    return APR_SUCCESS;
}

apr_status_t mc_conf_setting(apr_pool_t *p, const mc_conf *conf, const char *name, mc_conf_val *out,
                             const char **err)
{
    const mc_conf_entry *e = mc_conf_entry_of(name);
    const char *text, *why;
    if (!e) {
        *err = apr_psprintf(p, "%s is not a simple MoCourts directive", name);
        return APR_NOTFOUND;
    }
    text = mc_conf_str(conf, e->name, e->def);
    if (!text)
        return APR_ENOENT;
    if ((why = mc_conf_value(p, e, text, out))) {
        *err = mc_conf_invalid(p, e->name, why);
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}
