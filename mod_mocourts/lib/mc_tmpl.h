/* mc_tmpl: HTML templates rendered through libxml2, so every value is
 * escaped by construction (values only ever become text nodes or attribute
 * values). Templates are HTML files; a page is inserted into a layout.
 *
 * Markup understood (the data-* attributes are removed from the output):
 *   data-text="key"        element content replaced by the value as text
 *   data-attr-NAME="key"   attribute NAME set to the value (removed if unset)
 *   data-if="key"          element kept only when key is set and not "" / "0"
 *   data-unless="key"      element kept only when key is unset, "" or "0"
 *   data-each="list"       element repeated once per row of list; keys inside
 *                          resolve in the row first, then outwards
 *   data-slot="content"    in a layout: the element the page's <body>
 *                          children go into; in a partial: the element the
 *                          include element's children replace
 *   data-selected="key"    on <select>: the <option> whose value equals key
 *                          gets selected; on checkbox/radio <input>: checked
 *                          when key equals the input's value
 *   data-include="dir/_name.html"
 *                          the element is replaced by the <body> children of
 *                          that template (a partial), found like a page (a
 *                          site's override directory first); keys inside
 *                          resolve as they would at the element
 *   data-let-NAME="text"   on a data-include element: inside the partial,
 *                          key NAME (lower case) is the literal text
 * Partials are named with a leading underscore and kept in the folder of
 * the part that owns them (core/ for shared ones). Pick an include element
 * the HTML parser takes where it stands (a <div> between blocks, a <span>
 * inside a <p>); it is not output, nor are its other attributes, the blank
 * text and comments at either end of the partial (its notes), or the
 * partial's slot element.
 * Every <form method="post"> gets <input type="hidden" name="mc_csrf"> with
 * the value of the "_csrf" key when that key is set; one that also carries
 * data-once gets <input type="hidden" name="mc_once"> with the value of
 * "_once" (a one-time form token) when that key is set.
 * Output is HTML5 with <!DOCTYPE html>. A template that is not well-formed
 * (see mc_tmpl_check_file) is refused, never rendered as the parser guessed.
 *
 * Details: data-each is applied first, then the element's other data-*
 * attributes per row (so data-if can test a row's key; data-each, data-if
 * and data-unless work on an include element too). A list key counts as
 * set for data-if/unless when it has a row. data-text with an unset key
 * empties the element, and is refused (left empty, logged) on <script> and
 * <style>. data-attr-* never sets on* handlers, style or srcdoc, and leaves
 * out a URL attribute (href, src, action, formaction, ...) whose value has a
 * javascript:, vbscript: or data: scheme. data-selected with an unset key
 * keeps the template's default. Invalid UTF-8 in values becomes U+FFFD.
 * A layout's own <head> stays; the page's <head> is not used. Parsed files
 * are cached until the cache's pool goes (restart to pick up edits); a
 * partial is copied into each template including it when that one is
 * loaded, so rendering costs the same with or without includes. Includes
 * nest at most 8 partials deep; a partial that is missing, is not
 * well-formed, includes itself (directly or not) or has no slot for the
 * include element's content makes the including template fail to load, the
 * error naming the file and line of the data-include (`apachectl configtest`
 * checks every template's includes: mc_tmpl_check in mc_tmpl_load.h). */
#ifndef MC_TMPL_H
#define MC_TMPL_H
#include "mc_api.h"
#include <apr_pools.h>

typedef struct mc_vars mc_vars;
typedef struct mc_tmpl_cache mc_tmpl_cache;

/* parent may be NULL; lookups fall back to the parent. */
MC_API mc_vars *mc_vars_make(apr_pool_t *p, mc_vars *parent);
/* val is copied into the vars' pool; NULL unsets. */
MC_API void mc_vars_set(mc_vars *v, const char *key, const char *val);
MC_API void mc_vars_setf(mc_vars *v, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends a row to list key and returns it (its parent is v). */
MC_API mc_vars *mc_vars_row(mc_vars *v, const char *list);
/* The value (own or inherited), NULL when unset. */
MC_API const char *mc_vars_get(const mc_vars *v, const char *key);

/* A per-process cache of parsed templates. dirs: search order, NULL-terminated
 * (a site's override directory first, then the shipped one). Thread-safe. */
MC_API mc_tmpl_cache *mc_tmpl_cache_create(apr_pool_t *p, const char *const *dirs);
/* Render page (a path relative to the dirs, e.g. "core/logon.html") into
 * layout (e.g. "core/layout.html"); layout NULL renders the page alone.
 * *out is allocated in p. APR_ENOENT when a file is missing, APR_EINVAL on
 * a template that is not well-formed (see mc_tmpl_check_file), the error of
 * the file system when one cannot be read; *err says which and why. */
MC_API apr_status_t mc_tmpl_render(mc_tmpl_cache *c, apr_pool_t *p, const char *layout,
                                   const char *page, const mc_vars *v, char **out,
                                   apr_size_t *outlen, const char **err);
/* Check the template file at path as rendering would read it: a regular
 * file of at most 4 MiB that can be read and, when its name ends in .html,
 * is well-formed HTML: every error libxml2's HTML parser reports counts
 * (an unterminated comment or attribute quote, an end tag that closes
 * nothing or the wrong element, invalid UTF-8...), except an HTML5 element
 * unknown to libxml2's tables. APR_SUCCESS, or the error with *err (in p)
 * naming the file, and for a parse error "PATH:LINE: why". */
MC_API apr_status_t mc_tmpl_check_file(apr_pool_t *p, const char *path, const char **err);
/* Render a plain-text template (for e-mail bodies): {{key}} replaced by the
 * value (no escaping: the output is text/plain); unknown keys become "". */
MC_API apr_status_t mc_tmpl_text(mc_tmpl_cache *c, apr_pool_t *p, const char *file,
                                 const mc_vars *v, char **out, const char **err);
#endif
