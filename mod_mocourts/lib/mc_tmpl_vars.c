/* mc_tmpl_vars.c: template variables (mc_vars), the scopes a render looks
 * keys up in, and the checks a value passes before it reaches a page. */
#include "mc_tmpl_vars.h"

#include <apr_strings.h>
#include <string.h>
#include <strings.h>

/* New empty variables in p; lookups fall back to parent (may be NULL). */
mc_vars *mc_vars_make(apr_pool_t *p, mc_vars *parent)
{
    mc_vars *v = apr_pcalloc(p, sizeof(*v));

    v->pool = p;
    v->parent = parent;
    v->vals = apr_hash_make(p);
    v->lists = apr_hash_make(p);
    return v;
}

/* Sets key to a copy of val; NULL removes v's own value (the parent's, if
 * any, then shows through). */
void mc_vars_set(mc_vars *v, const char *key, const char *val)
{
    if (v == NULL || key == NULL)
        return;
    if (val == NULL) {
        apr_hash_set(v->vals, key, APR_HASH_KEY_STRING, NULL);
        return;
    }
    apr_hash_set(v->vals, apr_pstrdup(v->pool, key), APR_HASH_KEY_STRING,
                 apr_pstrdup(v->pool, val));
}

/* Sets key to the formatted string. */
void mc_vars_setf(mc_vars *v, const char *key, const char *fmt, ...)
{
    va_list ap;
    char *val;

    if (v == NULL || key == NULL)
        return;
    va_start(ap, fmt);
    val = apr_pvsprintf(v->pool, fmt, ap);
    va_end(ap);
    apr_hash_set(v->vals, apr_pstrdup(v->pool, key), APR_HASH_KEY_STRING, val);
}

/* A new row appended to v's own list named list; the row's parent is v. */
mc_vars *mc_vars_row(mc_vars *v, const char *list)
{
    apr_array_header_t *rows = apr_hash_get(v->lists, list, APR_HASH_KEY_STRING);
    mc_vars *row = mc_vars_make(v->pool, v);

    if (rows == NULL) {
        rows = apr_array_make(v->pool, 8, sizeof(mc_vars *));
        apr_hash_set(v->lists, apr_pstrdup(v->pool, list), APR_HASH_KEY_STRING, rows);
    }
    APR_ARRAY_PUSH(rows, mc_vars *) = row;
    return row;
}

/* key in v's own values (lists: its lists) or its parents'; NULL when unset. */
static void *vars_find(const mc_vars *v, int lists, const char *key)
{
    for (; v; v = v->parent) {
        void *hit = apr_hash_get(lists ? v->lists : v->vals, key, APR_HASH_KEY_STRING);
        if (hit)
            return hit;
    }
    return NULL;
}

/* key's value in v or its parents; NULL when unset. */
const char *mc_vars_get(const mc_vars *v, const char *key)
{
    return vars_find(v, 0, key);
}

/* A row's scope holds its own keys only; the outermost one, its parents' too. */
static void *scope_find(const mc_scope *s, int lists, const char *key)
{
    const mc_scope *f;

    for (f = s; f && f->v; f = f->outer) {
        void *hit = f->outer
                        ? apr_hash_get(lists ? f->v->lists : f->v->vals, key, APR_HASH_KEY_STRING)
                        : vars_find(f->v, lists, key);
        if (hit)
            return hit;
    }
    return s->v ? vars_find(s->v, lists, key) : NULL;
}

const char *mc_scope_get(const mc_scope *s, const char *key)
{
    return scope_find(s, 0, key);
}

const apr_array_header_t *mc_scope_list(const mc_scope *s, const char *key)
{
    return scope_find(s, 1, key);
}

/* Set and not "" or "0"; a list counts as set when it has a row. */
int mc_scope_true(const mc_scope *s, const char *key)
{
    const char *val = mc_scope_get(s, key);
    const apr_array_header_t *l;

    if (val)
        return *val != '\0' && strcmp(val, "0") != 0;
    l = mc_scope_list(s, key);
    return l != NULL && l->nelts > 0;
}

/* s with invalid UTF-8 and C0 controls other than TAB, LF and CR replaced
 * by U+FFFD, so the serialiser always sees well-formed text. */
const char *mc_tmpl_clean_text(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = NULL, *o = NULL;
    apr_size_t i = 0, n = strlen(s);

    while (i < n) {
        unsigned char c = u[i];
        apr_size_t len = 0, k;
        unsigned long cp = 0;

        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            if (c < 0x80) {
                len = 1;
            }
            else if (c >= 0xC2 && c <= 0xDF) {
                len = 2, cp = c & 0x1F;
            }
            else if (c >= 0xE0 && c <= 0xEF) {
                len = 3, cp = c & 0x0F;
            }
            else if (c >= 0xF0 && c <= 0xF4) {
                len = 4, cp = c & 0x07;
            }
            for (k = 1; len > 1 && k < len; k++) {
                if (i + k >= n || (u[i + k] & 0xC0) != 0x80) {
                    len = 0;
                    break;
                }
                cp = (cp << 6) | (u[i + k] & 0x3F);
            }
            if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
                len = 0;
        }
        if (len == 0 && out == NULL) {
            out = o = apr_palloc(p, n * 3 + 1);
            memcpy(o, s, i);
            o += i;
        }
        if (len == 0) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
        else {
            if (out) {
                memcpy(o, s + i, len);
                o += len;
            }
            i += len;
        }
    }
    if (out == NULL)
        return s;
    *o = '\0';
    return out;
}

/* 1 when a URL would run script or smuggle a document: javascript:,
 * vbscript: or data:, compared as browsers do (leading blanks and
 * controls skipped, tabs and newlines inside ignored, case ignored). */
int mc_tmpl_script_url(const char *v)
{
    char scheme[16];
    apr_size_t n = 0;

    while (*v && (unsigned char)*v <= 0x20)
        v++;
    for (; *v && *v != ':' && n < sizeof(scheme) - 1; v++) {
        if (*v == '\t' || *v == '\n' || *v == '\r')
            continue;
        scheme[n++] = (char)((*v >= 'A' && *v <= 'Z') ? *v + 32 : *v);
    }
    if (*v != ':')
        return 0;
    scheme[n] = '\0';
    return strcmp(scheme, "javascript") == 0 || strcmp(scheme, "vbscript") == 0 ||
           strcmp(scheme, "data") == 0;
}

/* See the header. */
int mc_tmpl_url_attr(const char *name)
{
    static const char *const urls[] = {
        "href",       "src",      "action", "formaction", "poster", "cite",
        "background", "data",     "ping",   "srcset",     "icon",   "manifest",
        "codebase",   "longdesc", "usemap", "xlink:href", NULL};
    int i;

    for (i = 0; urls[i]; i++)
        if (strcasecmp(name, urls[i]) == 0)
            return 1;
    return 0;
}

/* See the header. */
int mc_tmpl_refused_attr(const char *name)
{
    return strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "style") == 0 ||
           strcasecmp(name, "srcdoc") == 0;
}
