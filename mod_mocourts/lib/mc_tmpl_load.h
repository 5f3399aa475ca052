/* mc_tmpl_load.h: internal to the core (not for plugins, not exported): the
 * cache of parsed templates, shared by rendering (mc_tmpl.c) and loading
 * (mc_tmpl_load.c), and the check `apachectl configtest` makes. */
#ifndef MC_TMPL_LOAD_H
#define MC_TMPL_LOAD_H
#include "mc_tmpl.h"

#include <libxml/tree.h>

/* ---- compiled templates (mc_tmpl_prog.c builds them, mc_tmpl.c renders) --
 * An HTML template compiled at load for rendering straight from the cached
 * tree into one buffer: every subtree without template markup is kept as
 * the bytes libxml2's HTML serialiser writes for it, and each element with
 * markup as what its data-* attributes ask for. Read-only once cached. */

/* Node kinds. */
#define MC_TN_BYTES 0 /* out: a subtree (or comment...) as serialised */
#define MC_TN_TEXT 1  /* out: the text escaped; raw: as is (script, style) */
#define MC_TN_ELEM 2  /* an element with markup, or holding some */

/* Element flags. */
#define MC_TF_EMPTY 0x001    /* no content nor end tag (<br>, <input>) */
#define MC_TF_SAVE_END 0x002 /* without content: no end tag either */
#define MC_TF_RAWTEXT 0x004  /* <script>, <style>: text written as is */
#define MC_TF_FORM 0x008
#define MC_TF_SELECT 0x010
#define MC_TF_INPUT 0x020
#define MC_TF_OPTION 0x040
#define MC_TF_ONCE 0x080    /* data-once */
#define MC_TF_INCLUDE 0x100 /* data-include: children take its place */
#define MC_TF_A 0x200       /* <a>: its name attribute is a URL */

/* An attribute the output keeps: its value as is ("" when bare) and as
 * libxml2 writes it: ' name="value"'. */
typedef struct mc_tmpl_attr {
    const char *name, *value, *out;
    apr_size_t outlen;
} mc_tmpl_attr;

/* data-attr-NAME="key". */
typedef struct mc_tmpl_set {
    const char *name, *key;
    int refused; /* never set (on*, style, srcdoc) */
    int url;     /* a URL: script schemes left out */
    int esc_url; /* libxml2 URI-escapes its value (href, src, action, <a name>) */
    int boolean; /* written as the bare name (checked, selected...) */
    int xmlns;   /* "xml:x": xmlSetProp adds it in the XML namespace */
} mc_tmpl_set;

typedef struct mc_tmpl_node mc_tmpl_node;
struct mc_tmpl_node {
    int kind;
    const char *out; /* BYTES, TEXT: see above; ELEM: "<name" and attrs */
    apr_size_t outlen;
    const char *raw; /* TEXT */
    apr_size_t rawlen;
    const char *name; /* ELEM */
    unsigned flags;
    const char *each, *if_key, *unless_key, *text_key, *sel_key;
    const mc_vars *lets; /* data-let-* of an include element */
    const mc_tmpl_attr *attrs;
    int nattrs;
    const mc_tmpl_set *sets;
    int nsets;
    const mc_tmpl_node *kids;
    int nkids;
};

typedef struct mc_tmpl_prog {
    const mc_tmpl_node *top; /* the document's nodes but its DTD */
    int ntop;
    const mc_tmpl_node *body; /* <body>: a page's content in a layout */
    const mc_tmpl_node *slot; /* data-slot="content": a layout's */
    apr_size_t size;          /* bytes of the static parts, a size hint */
} mc_tmpl_prog;

/* Compiles doc (an HTML template, its includes expanded) into p. */
apr_status_t mc_tmpl_compile(apr_pool_t *p, xmlDocPtr doc, const mc_tmpl_prog **out);

/* A cached template: never modified once cached. */
typedef struct mc_tmpl_entry {
    xmlDocPtr doc;            /* HTML templates, their data-include already expanded */
    const mc_tmpl_prog *prog; /* HTML templates, compiled for rendering */
    apr_pool_t *prog_pool;    /* prog's, destroyed with the cache */
    const char *text;         /* text templates */
    int height;               /* how many partials deep its includes go (0: none) */
} mc_tmpl_entry;

/* The cached entry for kind ('h': HTML, 't': text) and name, read, parsed
 * and (HTML) its data-include expanded on a miss; see mc_tmpl_render for
 * the errors. The entry lives as long as the cache. */
apr_status_t mc_tmpl_load(mc_tmpl_cache *c, apr_pool_t *p, char kind, const char *name,
                          const mc_tmpl_entry **out, const char **err);
/* A page (an HTML template) and, when layout is not NULL, its layout (else
 * *le NULL), loaded as mc_tmpl_load does; *err (err not NULL) is cleared
 * first. */
apr_status_t mc_tmpl_load_page(mc_tmpl_cache *c, apr_pool_t *p, const char *layout,
                               const char *page, const mc_tmpl_entry **pe, const mc_tmpl_entry **le,
                               const char **err);

/* Finding elements (mc_tmpl_prog.c, which the loader calls already).
 * The first <body> at or under n (or among n's siblings), NULL if none. */
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
