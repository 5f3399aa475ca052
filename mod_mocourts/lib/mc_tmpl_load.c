/* mc_tmpl_load.c: template files: the per-process cache, reading a file
 * from the first directory that has it, parsing it as HTML (refusing what
 * is not well-formed) and expanding its data-include (partials).
 *
 * The HTML parser does not give its documents a dictionary
 * (htmlCtxtUseOptions clears dictNames): the cached trees may be read by
 * several threads at once. Each is compiled for rendering (mc_tmpl_prog.c)
 * before it is cached.
 * A partial is copied into every template that includes it when that one
 * is loaded: rendering never looks a partial up. */
#include "mc_tmpl_load.h"

#include "mc_apr.h"

#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_strings.h>
#if APR_HAS_THREADS
#include <apr_thread_mutex.h>
#endif
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <string.h>
#include <strings.h>

#define MAX_TEMPLATE_BYTES (4 * 1024 * 1024)
#define PARSE_OPTIONS                                                                              \
    (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD |          \
     XML_PARSE_NODICT)

/* ---- cache --------------------------------------------------------------- */

struct mc_tmpl_cache {
    apr_pool_t *pool;
    const char **dirs;
    apr_hash_t *entries; /* "h:name" / "t:name" -> mc_tmpl_entry */
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
};

static void cache_lock(mc_tmpl_cache *c)
{
#if APR_HAS_THREADS
    if (c->lock)
        apr_thread_mutex_lock(c->lock);
#endif
}

static void cache_unlock(mc_tmpl_cache *c)
{
#if APR_HAS_THREADS
    if (c->lock)
        apr_thread_mutex_unlock(c->lock);
#endif
}

static apr_status_t cache_cleanup(void *data)
{
    mc_tmpl_cache *c = data;
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, c->entries); hi; hi = apr_hash_next(hi)) {
        mc_tmpl_entry *e = apr_hash_this_val(hi);
        if (e->doc)
            xmlFreeDoc(e->doc);
        e->doc = NULL;
        mc_pool_clear(&e->prog_pool);
        e->prog = NULL;
    }
    return APR_SUCCESS;
}

/* A cache living as long as p, searching dirs (copied) in order. Calls
 * xmlInitParser(); create it before request threads exist. */
mc_tmpl_cache *mc_tmpl_cache_create(apr_pool_t *p, const char *const *dirs)
{
    mc_tmpl_cache *c = apr_pcalloc(p, sizeof(*c));
    apr_size_t n = 0, i;

    xmlInitParser();
    while (dirs && dirs[n])
        n++;
    c->pool = p;
    c->dirs = apr_pcalloc(p, (n + 1) * sizeof(char *));
    for (i = 0; i < n; i++)
        c->dirs[i] = apr_pstrdup(p, dirs[i]);
    c->entries = apr_hash_make(p);
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS)
        c->lock = NULL;
#endif
    apr_pool_cleanup_register(p, c, cache_cleanup, apr_pool_cleanup_null);
    return c;
}

/* Reads the template file at path into p (NUL-terminated). APR_EINVAL for
 * what is not a regular file or is over the size limit; the open or read
 * error otherwise (APR_ENOENT when missing). *err names path and reason. */
static apr_status_t read_file(apr_pool_t *p, const char *path, char **buf, apr_size_t *len,
                              const char **err)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    char msg[120];

    if (rv != APR_SUCCESS) {
        *err = apr_psprintf(p, "template %s cannot be opened: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
        return rv;
    }
    if ((rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE, f)) != APR_SUCCESS)
        *err = apr_psprintf(p, "template %s cannot be examined: %s", path,
                            apr_strerror(rv, msg, sizeof(msg)));
    else if (fi.filetype != APR_REG) {
        *err = apr_psprintf(p, "template %s is not a regular file", path);
        rv = APR_EINVAL;
    }
    else if (fi.size > MAX_TEMPLATE_BYTES) {
        *err = apr_psprintf(p, "template %s is larger than 4 MiB", path);
        rv = APR_EINVAL;
    }
    else {
        *len = (apr_size_t)fi.size;
        *buf = apr_palloc(p, *len + 1);
        if ((rv = apr_file_read_full(f, *buf, *len, NULL)) != APR_SUCCESS)
            *err = apr_psprintf(p, "template %s cannot be read: %s", path,
                                apr_strerror(rv, msg, sizeof(msg)));
        (*buf)[*len] = '\0';
    }
    apr_file_close(f);
    return rv;
}

/* Reads name from the first directory that has it into p; *path is the
 * file read. APR_ENOENT when none does; APR_EINVAL for a name that could
 * leave the directories; see read_file for the rest. */
static apr_status_t read_template(mc_tmpl_cache *c, apr_pool_t *p, const char *name, char **buf,
                                  apr_size_t *len, const char **path, const char **err)
{
    apr_size_t i;

    if (name == NULL || *name == '\0' || *name == '/' || strstr(name, "..") || strchr(name, '\\')) {
        *err = apr_psprintf(p, "template name '%s' is not a relative path", name ? name : "");
        return APR_EINVAL;
    }
    for (i = 0; c->dirs[i]; i++) {
        apr_finfo_t fi;
        apr_status_t rv;

        *path = apr_pstrcat(p, c->dirs[i], "/", name, NULL);
        rv = apr_stat(&fi, *path, APR_FINFO_TYPE, p);
        if (APR_STATUS_IS_ENOENT(rv) || APR_STATUS_IS_ENOTDIR(rv))
            continue;
        return read_file(p, *path, buf, len, err);
    }
    *err = apr_psprintf(p, "template %s was not found", name);
    return APR_ENOENT;
}

/* ---- well-formedness ----------------------------------------------------- */

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_ptr;
#else
typedef xmlErrorPtr xml_error_ptr;
#endif

/* The first error the HTML parser reports in a template. */
typedef struct parse_error {
    int found;
    int line;
    char msg[200];
} parse_error;

/* libxml2's structured-error callback while a template parses (the handler
 * is per thread). Elements of HTML5 that libxml2's HTML 4 tables do not
 * know (<main>, <nav>, <section>...) are not errors in a template. */
static void note_error(void *ctx, xml_error_ptr e)
{
    parse_error *pe = ctx;
    size_t n;

    if (pe->found || e == NULL || e->level < XML_ERR_ERROR || e->code == XML_HTML_UNKNOWN_TAG)
        return;
    pe->found = 1;
    pe->line = e->line > 0 ? e->line : 1;
    apr_cpystrn(pe->msg, e->message ? e->message : "not well-formed", sizeof(pe->msg));
    for (n = strlen(pe->msg); n > 0 && strchr(" \t\r\n", pe->msg[n - 1]); n--)
        pe->msg[n - 1] = '\0';
}

/* Parses buf (len bytes of the template at path) as HTML into *doc. A
 * template the parser had to repair (an unterminated comment or quote, an
 * end tag that closes nothing, bad UTF-8...) is refused: rendering what the
 * parser guessed would show the wrong page, or an empty one. APR_EINVAL with
 * *err "path:line: why" (in p) when refused. */
static apr_status_t parse_html(apr_pool_t *p, const char *path, const char *buf, apr_size_t len,
                               xmlDocPtr *doc, const char **err)
{
    parse_error pe = {0, 0, ""};
    xmlStructuredErrorFunc old = xmlStructuredError;
    void *old_ctx = xmlStructuredErrorContext;

    *doc = NULL;
    if (len == 0) {
        *err = apr_psprintf(p, "%s:1: the template is empty", path);
        return APR_EINVAL;
    }
    xmlSetStructuredErrorFunc(&pe, note_error);
    *doc = htmlReadMemory(buf, (int)len, path, "UTF-8", PARSE_OPTIONS);
    xmlSetStructuredErrorFunc(old_ctx, old);
    if (*doc != NULL && !pe.found && xmlDocGetRootElement(*doc) != NULL)
        return APR_SUCCESS;
    if (*doc)
        xmlFreeDoc(*doc);
    *doc = NULL;
    *err = pe.found ? apr_psprintf(p, "%s:%d: %s (the template is not well-formed HTML)", path,
                                   pe.line, pe.msg)
                    : apr_psprintf(p, "%s:1: the template has no HTML element", path);
    return APR_EINVAL;
}

/* ---- data-include -------------------------------------------------------- */

/* How many partials deep includes may nest below a page or layout. */
#define MAX_INCLUDE_DEPTH 8

/* The templates being loaded, innermost first: a data-include naming one of
 * them is a loop. */
typedef struct load_chain {
    const char *name; /* as included (the path, for a file checked by path) */
    const struct load_chain *outer;
    int depth; /* 0 for the page or layout */
} load_chain;

static apr_status_t load(mc_tmpl_cache *c, apr_pool_t *p, char kind, const char *name,
                         const load_chain *outer, const mc_tmpl_entry **out, const char **err);

/* "page.html -> _a.html -> _b.html -> name", for an error. */
static const char *chain_text(apr_pool_t *p, const load_chain *l, const char *name)
{
    const char *s = name;

    for (; l; l = l->outer)
        s = apr_pstrcat(p, l->name, " -> ", s, NULL);
    return s;
}

static int is_space_text(xmlNodePtr n)
{
    const xmlChar *s;

    if (n->type != XML_TEXT_NODE)
        return 0;
    for (s = n->content; s && *s; s++)
        if (!strchr(" \t\r\n", *s))
            return 0;
    return 1;
}

/* Blank text or a comment: what a partial may have at either end and an
 * include element may hold without a slot for it. */
static int is_idle(xmlNodePtr n)
{
    return n->type == XML_COMMENT_NODE || is_space_text(n);
}

/* 1 when el has a child that is neither blank text nor a comment. */
static int has_content(xmlNodePtr el)
{
    xmlNodePtr n;

    for (n = el->children; n; n = n->next)
        if (!is_idle(n))
            return 1;
    return 0;
}

/* Fills el (which carries data-include, in doc, read from path) with the
 * <body> children of the partial it names, without the blank text and
 * comments at either end (its notes); el's own children take the place of the partial's
 * data-slot="content" element. el keeps data-include: rendering puts el's
 * children in its place (mc_tmpl.c). *height: how many partials deep the
 * include goes (1 and the partial's own). *err "path:line:
 * data-include=...: why". */
static apr_status_t include_one(mc_tmpl_cache *c, apr_pool_t *p, xmlDocPtr doc, const char *path,
                                const load_chain *chain, xmlNodePtr el, int *height,
                                const char **err)
{
    xmlChar *v = xmlGetProp(el, BAD_CAST "data-include");
    const char *name = apr_pstrdup(p, v ? (const char *)v : ""), *at, *why;
    const mc_tmpl_entry *part;
    const load_chain *l;
    xmlNodePtr body, first, last, n, own, slot;
    apr_status_t rv;

    xmlFree(v);
    at = apr_psprintf(p, "%s:%ld: data-include=\"%s\"", path, xmlGetLineNo(el), name);
    for (l = chain; l; l = l->outer)
        if (strcmp(l->name, name) == 0) {
            *err = apr_psprintf(p, "%s: the partial includes itself (%s)", at,
                                chain_text(p, chain, name));
            return APR_EINVAL;
        }
    if (chain->depth >= MAX_INCLUDE_DEPTH) {
        *err = apr_psprintf(p, "%s: includes nest more than %d deep (%s)", at, MAX_INCLUDE_DEPTH,
                            chain_text(p, chain, name));
        return APR_EINVAL;
    }
    if ((rv = load(c, p, 'h', name, chain, &part, &why)) != APR_SUCCESS) {
        *err = apr_psprintf(p, "%s: %s", at, why);
        return rv;
    }
    /* A partial cached earlier was not loaded through this chain: its own
     * depth counts, so the limit does not depend on what was loaded first. */
    *height = 1 + part->height;
    if (chain->depth + *height > MAX_INCLUDE_DEPTH) {
        *err = apr_psprintf(p, "%s: includes nest more than %d deep (%s, then %d more)", at,
                            MAX_INCLUDE_DEPTH, chain_text(p, chain, name), part->height);
        return APR_EINVAL;
    }
    body = mc_tmpl_find_body(xmlDocGetRootElement(part->doc));
    for (first = body ? body->children : NULL; first && is_idle(first); first = first->next)
        ;
    for (last = body ? body->last : NULL; last && last != first && is_idle(last); last = last->prev)
        ;
    own = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
    if (own == NULL) {
        *err = "out of memory including a template";
        return APR_ENOMEM;
    }
    while ((n = el->children) != NULL) {
        xmlUnlinkNode(n);
        xmlAddChild(own, n);
    }
    for (n = first; n; n = n == last ? NULL : n->next) {
        xmlNodePtr copy = xmlDocCopyNode(n, doc, 1);
        if (copy)
            xmlAddChild(el, copy);
    }
    if ((slot = mc_tmpl_find_slot(el->children)) != NULL) {
        /* The slot goes, so it is never taken for the layout's. */
        while ((n = own->children) != NULL) {
            xmlUnlinkNode(n);
            xmlAddPrevSibling(slot, n);
        }
        xmlUnlinkNode(slot);
        xmlFreeNode(slot);
    }
    else if (has_content(own)) {
        xmlFreeNode(own);
        *err = apr_psprintf(p,
                            "%s: the element has content but the partial has no element with "
                            "data-slot=\"content\" to put it in",
                            at);
        return APR_EINVAL;
    }
    xmlFreeNode(own);
    return APR_SUCCESS;
}

/* Expands every data-include under parent (in doc, read from path), an
 * element's own includes before it, so what goes into a slot is complete.
 * *height: the deepest include's (0 when there is none). */
static apr_status_t expand(mc_tmpl_cache *c, apr_pool_t *p, xmlDocPtr doc, const char *path,
                           const load_chain *chain, xmlNodePtr parent, int *height,
                           const char **err)
{
    xmlNodePtr n;
    apr_status_t rv;
    int h;

    for (n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if ((rv = expand(c, p, doc, path, chain, n, height, err)) != APR_SUCCESS)
            return rv;
        if (!xmlHasProp(n, BAD_CAST "data-include"))
            continue;
        if ((rv = include_one(c, p, doc, path, chain, n, &h, err)) != APR_SUCCESS)
            return rv;
        if (h > *height)
            *height = h;
    }
    return APR_SUCCESS;
}

/* ---- checks -------------------------------------------------------------- */

/* Reads the template file at path and, for a .html file, parses it as
 * rendering would, with its data-include resolved through c when c is set. */
static apr_status_t check(mc_tmpl_cache *c, apr_pool_t *p, const char *path, const char **err)
{
    char *buf;
    apr_size_t len, n = strlen(path);
    load_chain top = {path, NULL, 0};
    xmlDocPtr doc;
    apr_status_t rv;
    int height = 0;

    xmlInitParser();
    if ((rv = read_file(p, path, &buf, &len, err)) != APR_SUCCESS)
        return rv;
    if (n < 5 || strcasecmp(path + n - 5, ".html") != 0)
        return APR_SUCCESS;
    if ((rv = parse_html(p, path, buf, len, &doc, err)) != APR_SUCCESS)
        return rv;
    if (c)
        rv = expand(c, p, doc, path, &top, (xmlNodePtr)doc, &height, err);
    xmlFreeDoc(doc);
    return rv;
}

/* See the header. */
apr_status_t mc_tmpl_check_file(apr_pool_t *p, const char *path, const char **err)
{
    return check(NULL, p, path, err);
}

/* See the header. */
apr_status_t mc_tmpl_check(mc_tmpl_cache *c, apr_pool_t *p, const char *path, const char **err)
{
    return check(c, p, path, err);
}

/* ---- the cache ------------------------------------------------------------ */

/* The cached entry for kind and name, loaded on a miss (outer: the
 * templates including it, for loops and depth). */
static apr_status_t load(mc_tmpl_cache *c, apr_pool_t *p, char kind, const char *name,
                         const load_chain *outer, const mc_tmpl_entry **out, const char **err)
{
    const char *key = apr_psprintf(p, "%c:%s", kind, name ? name : "");
    const char *path;
    mc_tmpl_entry *e, *e2;
    char *buf;
    apr_size_t len;
    apr_status_t rv;
    xmlDocPtr doc = NULL;
    apr_pool_t *pp = NULL;
    const mc_tmpl_prog *prog = NULL;
    int height = 0;

    cache_lock(c);
    e = apr_hash_get(c->entries, key, APR_HASH_KEY_STRING);
    cache_unlock(c);
    if (e) {
        *out = e;
        return APR_SUCCESS;
    }
    if ((rv = read_template(c, p, name, &buf, &len, &path, err)) != APR_SUCCESS)
        return rv;
    if (kind == 'h') {
        load_chain link = {name, outer, outer ? outer->depth + 1 : 0};
        if ((rv = parse_html(p, path, buf, len, &doc, err)) != APR_SUCCESS)
            return rv;
        if ((rv = expand(c, p, doc, path, &link, (xmlNodePtr)doc, &height, err)) != APR_SUCCESS) {
            xmlFreeDoc(doc);
            return rv;
        }
        /* Compiled whole before the entry is published; in a pool of its
         * own (with its own allocator: no other thread touches it). */
        if (apr_pool_create_unmanaged_ex(&pp, NULL, NULL) != APR_SUCCESS ||
            mc_tmpl_compile(pp, doc, &prog) != APR_SUCCESS) {
            if (pp)
                apr_pool_destroy(pp);
            xmlFreeDoc(doc);
            *err = apr_psprintf(p, "out of memory compiling template %s", path);
            return APR_ENOMEM;
        }
    }
    cache_lock(c);
    e2 = apr_hash_get(c->entries, key, APR_HASH_KEY_STRING);
    if (e2 == NULL) {
        e2 = apr_pcalloc(c->pool, sizeof(*e2));
        e2->doc = doc;
        e2->prog = prog;
        e2->prog_pool = pp;
        e2->height = height;
        e2->text = kind == 't' ? apr_pstrmemdup(c->pool, buf, len) : NULL;
        apr_hash_set(c->entries, apr_pstrdup(c->pool, key), APR_HASH_KEY_STRING, e2);
        doc = NULL;
        pp = NULL;
    }
    cache_unlock(c);
    if (doc)
        xmlFreeDoc(doc); /* another thread cached it first */
    if (pp)
        apr_pool_destroy(pp);
    *out = e2;
    return APR_SUCCESS;
}

apr_status_t mc_tmpl_load(mc_tmpl_cache *c, apr_pool_t *p, char kind, const char *name,
                          const mc_tmpl_entry **out, const char **err)
{
    return load(c, p, kind, name, NULL, out, err);
}

apr_status_t mc_tmpl_load_page(mc_tmpl_cache *c, apr_pool_t *p, const char *layout,
                               const char *page, const mc_tmpl_entry **pe, const mc_tmpl_entry **le,
                               const char **err)
{
    apr_status_t rv;

    *err = NULL;
    *le = NULL;
    rv = mc_tmpl_load(c, p, 'h', page, pe, err);
    if (rv == APR_SUCCESS && layout)
        rv = mc_tmpl_load(c, p, 'h', layout, le, err);
    return rv;
}
