/* mc_tmpl_load.h: internal to the core (not for plugins, not exported): the
 * cache of parsed templates, shared by rendering (mc_tmpl.c) and loading
 * (mc_tmpl_load.c), and the check `apachectl configtest` makes. */
#ifndef MC_TMPL_LOAD_H
#define MC_TMPL_LOAD_H
#include "mc_tmpl.h"

#include <libxml/tree.h>

/* A cached template: never modified once cached (renders copy it). */
typedef struct mc_tmpl_entry {
    xmlDocPtr doc;    /* HTML templates, their data-include already expanded */
    const char *text; /* text templates */
    int height;       /* how many partials deep its includes go (0: none) */
} mc_tmpl_entry;

/* The cached entry for kind ('h': HTML, 't': text) and name, read, parsed
 * and (HTML) its data-include expanded on a miss; see mc_tmpl_render for
 * the errors. The entry lives as long as the cache. */
apr_status_t mc_tmpl_load(mc_tmpl_cache *c, apr_pool_t *p, char kind, const char *name,
                          const mc_tmpl_entry **out, const char **err);

/* The first <body> at or under n (or among n's siblings), NULL if none. */
xmlNodePtr mc_tmpl_find_body(xmlNodePtr n);
/* The first element at or under n (or among n's siblings) carrying
 * data-slot="content", NULL if none. */
xmlNodePtr mc_tmpl_find_slot(xmlNodePtr n);
/* mc_tmpl_check_file, then the data-include of a .html file resolved
 * through c's directories as rendering would resolve them (the partials are
 * cached in c): a partial missing, not well-formed, in a loop, nested too
 * deep or without a slot for content it is given is an error, *err (in p)
 * "PATH:LINE: data-include="NAME": why", where why may be the partial's own
 * "PATH:LINE: ...". */
apr_status_t mc_tmpl_check(mc_tmpl_cache *c, apr_pool_t *p, const char *path, const char **err);
#endif
