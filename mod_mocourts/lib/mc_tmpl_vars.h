/* mc_tmpl_vars.h: internal to mc_tmpl (not for plugins): the layout of
 * mc_vars, the scoped lookups used while rendering, and value checks. */
#ifndef MC_TMPL_VARS_H
#define MC_TMPL_VARS_H
#include "mc_tmpl.h"

#include <apr_hash.h>
#include <apr_tables.h>

struct mc_vars {
    apr_pool_t *pool;
    mc_vars *parent;
    apr_hash_t *vals;  /* key -> const char * */
    apr_hash_t *lists; /* key -> apr_array_header_t of mc_vars * */
};

/* While rendering, data-each rows stack up as scopes: a key is looked up in
 * the innermost row, then outwards, and finally in the outermost vars'
 * parents (and the innermost row's own parents, for rows of a list that was
 * not itself in scope). */
typedef struct mc_scope {
    const mc_vars *v;
    const struct mc_scope *outer;
} mc_scope;

/* A value / a list in scope s; NULL when unset. */
const char *mc_scope_get(const mc_scope *s, const char *key);
const apr_array_header_t *mc_scope_list(const mc_scope *s, const char *key);
/* 1 when key is set and not "" or "0", or names a list with a row. */
int mc_scope_true(const mc_scope *s, const char *key);

/* s with invalid UTF-8 and C0 controls other than TAB, LF and CR replaced by
 * U+FFFD (s itself when already clean, else a copy in p). */
const char *mc_tmpl_clean_text(apr_pool_t *p, const char *s);
/* 1 when the URL v has a javascript:, vbscript: or data: scheme, read as a
 * browser would (leading blanks and controls skipped, tabs and newlines
 * inside ignored, case ignored). */
int mc_tmpl_script_url(const char *v);
/* 1 for an attribute whose value is a URL (href, src, action...). */
int mc_tmpl_url_attr(const char *name);
/* 1 for an attribute no value may go into: on*, style, srcdoc. */
int mc_tmpl_refused_attr(const char *name);
#endif
