/* mc_conf: read the MoCourts* directives from Apache configuration files,
 * for programs outside httpd (mocourts-admin). It follows Include and
 * IncludeOptional, joins backslash continuations, honours double and single
 * quotes as httpd does, expands ${VAR} from Define and the environment, and
 * ignores sections (<IfModule>, <VirtualHost>): every MoCourts* directive
 * found is kept, in file order. Relative paths (Include, password file)
 * are taken from ServerRoot when the files set one, else from the folder of
 * the file that names them. Nothing here depends on httpd, so the core
 * module reuses mc_conf_parse_duration. */
#ifndef MC_CONF_H
#define MC_CONF_H
#include "mc_api.h"
#include "mc_db.h"
#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef struct mc_conf mc_conf;

typedef struct mc_conf_directive {
    const char *name;         /* as written, e.g. "MoCourtsDBUser" */
    apr_array_header_t *args; /* of const char *, quotes removed */
    const char *file;         /* where it was read */
    int line;                 /* first line of the (joined) directive */
} mc_conf_directive;

/* Read path and everything it includes. On success *out lives in p. On
 * failure *err (in p) says which file and line and why; APR_ENOENT when
 * path itself cannot be opened. */
apr_status_t mc_conf_read(apr_pool_t *p, const char *path, mc_conf **out, const char **err);

/* The args (of const char *) of the last directive called name (case-
 * insensitive), or NULL when there is none. Owned by the conf. (Not named
 * mc_conf_get: the core module has a function of that name.) */
const apr_array_header_t *mc_conf_args(const mc_conf *conf, const char *name);
/* The first arg of the last directive called name, or def. */
const char *mc_conf_str(const mc_conf *conf, const char *name, const char *def);
/* The last directive called name, or NULL (for its file and line). */
const mc_conf_directive *mc_conf_find(const mc_conf *conf, const char *name);
/* Every directive kept, of mc_conf_directive, in order. */
const apr_array_header_t *mc_conf_directives(const mc_conf *conf);
/* arg as an absolute path: itself, or relative to ServerRoot when the
 * files set one, else to the folder of file (a directive's file). In p. */
const char *mc_conf_resolve(apr_pool_t *p, const mc_conf *conf, const char *file, const char *arg);
/* The file mc_conf_read was given. */
const char *mc_conf_path(const mc_conf *conf);

/* Fill out from MoCourtsDBHost (default "localhost"), MoCourtsDBSocket,
 * MoCourtsDBPort (3306), MoCourtsDBUser (required), MoCourtsDBPassword or
 * MoCourtsDBPasswordFile (its first line; the later of the two wins, as in
 * httpd), MoCourtsDBName ("mocourts"),
 * MoCourtsDBConnectTimeout (3s) and MoCourtsDBTimeout (10s), each checked
 * and defaulted by mc_conf_table as httpd does. Strings live in p. *err
 * (in p) names the directive at fault and never holds a password. */
apr_status_t mc_conf_dbconf(apr_pool_t *p, const mc_conf *conf, mc_dbconf *out, const char **err);

/* "45" (seconds), "45s", "30m", "12h" or "7d" into *out. NULL on success,
 * else a sentence saying what a duration looks like (static). Zero is
 * allowed; at most ten years. */
MC_API const char *mc_conf_parse_duration(const char *s, apr_interval_time_t *out);
#endif
