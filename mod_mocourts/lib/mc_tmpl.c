/* mc_tmpl.c: rendering HTML templates, and text templates. Files, the
 * cache and data-include: mc_tmpl_load.c; what is worked out once per
 * template: mc_tmpl_prog.c.
 *
 * A page is written straight into one buffer from the compiled template
 * (never modified, never copied): the parts without markup as libxml2's
 * HTML serialiser wrote them at load, the rest as it would write the tree
 * the markup makes (htmlNodeDumpFormatOutput, libxml2 2.9: the same bytes,
 * which tests/unit/test_tmpl_stream.c checks against the renderer that
 * built that tree). Values are only ever written escaped as text or as
 * attribute values (never parsed as markup). */
#include "mc_tmpl.h"
#include "mc_log.h"
#include "mc_tmpl_load.h"
#include "mc_tmpl_vars.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>

/* ---- output ---------------------------------------------------------------- */

/* The page being written: one buffer in the request pool, doubled as it
 * fills (what it outgrows stays in the pool until the request ends). */
typedef struct obuf {
    apr_pool_t *p;
    char *b;
    apr_size_t len, cap;
} obuf;

static void reserve(obuf *o, apr_size_t n)
{
    apr_size_t cap = o->cap ? o->cap : 256;
    char *b;

    if (o->len + n <= o->cap)
        return;
    while (cap < o->len + n)
        cap *= 2;
    b = apr_palloc(o->p, cap);
    if (o->len)
        memcpy(b, o->b, o->len);
    o->b = b;
    o->cap = cap;
}

static void put(obuf *o, const char *s, apr_size_t n)
{
    reserve(o, n);
    memcpy(o->b + o->len, s, n);
    o->len += n;
}

#define PUTS(o, lit) put((o), (lit), sizeof(lit) - 1)

/* s as libxml2 2.9's xmlEncodeEntitiesReentrant (attr 0) or
 * xmlEncodeAttributeEntities (attr 1) encode it in an HTML document: <, >
 * and & escaped, other bytes but C0 controls (TAB, LF, CR kept) as they
 * are; in an attribute, "<!--...-->" and "&{...}" are left alone. */
static void put_escaped(obuf *o, const char *s, int attr)
{
    const unsigned char *u = (const unsigned char *)s;
    char *w;

    reserve(o, strlen(s) * 5 + 1);
    w = o->b + o->len;
    while (*u) {
        unsigned char c = *u;
        const char *end;
        if (c == '<') {
            if (attr && u[1] == '!' && u[2] == '-' && u[3] == '-' &&
                (end = strstr((const char *)u, "-->")) != NULL) {
                apr_size_t n = (apr_size_t)(end + 3 - (const char *)u);
                memcpy(w, u, n);
                w += n, u += n;
                continue;
            }
            memcpy(w, "&lt;", 4), w += 4;
        }
        else if (c == '>') {
            memcpy(w, "&gt;", 4), w += 4;
        }
        else if (c == '&') {
            if (attr && u[1] == '{' && (end = strchr((const char *)u, '}')) != NULL) {
                apr_size_t n = (apr_size_t)(end + 1 - (const char *)u);
                memcpy(w, u, n);
                w += n, u += n;
                continue;
            }
            memcpy(w, "&amp;", 5), w += 5;
        }
        else if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
            *w++ = (char)c;
        }
        u++;
    }
    o->len = (apr_size_t)(w - o->b);
}

/* s (len bytes, no NUL inside) quoted as xmlBufWriteQuotedString does. */
static void put_quoted(obuf *o, const char *s, apr_size_t len)
{
    if (memchr(s, '"', len) == NULL) {
        reserve(o, len + 2);
        o->b[o->len++] = '"';
        put(o, s, len);
        o->b[o->len++] = '"';
    }
    else if (memchr(s, '\'', len) == NULL) {
        reserve(o, len + 2);
        o->b[o->len++] = '\'';
        put(o, s, len);
        o->b[o->len++] = '\'';
    }
    else {
        const char *q, *e = s + len;
        PUTS(o, "\"");
        for (; (q = memchr(s, '"', (apr_size_t)(e - s))) != NULL; s = q + 1) {
            put(o, s, (apr_size_t)(q - s));
            PUTS(o, "&quot;");
        }
        put(o, s, (apr_size_t)(e - s));
        PUTS(o, "\"");
    }
}

/* s URI-escaped as xmlURIEscapeStr(s, "@/:=?;#%&,+<>") does. */
static void put_uri_escaped(obuf *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *w;

    reserve(o, strlen(s) * 3 + 1);
    w = o->b + o->len;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr("-_.!~*'()@/:=?;#%&,+<>", c))) {
            *w++ = (char)c;
        }
        else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 0xF];
        }
    }
    o->len = (apr_size_t)(w - o->b);
}

/* ---- rendering ------------------------------------------------------------- */

typedef struct render {
    obuf o;
    obuf esc, url;            /* scratch for attribute values */
    obuf *sink;               /* an <option>'s text, while its value is wanted */
    const mc_tmpl_node *slot; /* the layout's slot ... */
    const mc_tmpl_node *page; /* ... gets the page's <body> children */
    const char *sel_want;     /* data-selected of the <select> being written */
    int sel_found;
} render;

/* ' name="value"' as htmlAttrDumpOutput writes an attribute set to value
 * (value made valid UTF-8 by the caller). */
static void put_attr(render *rc, const char *name, const char *value, int esc_url, int boolean)
{
    const char *v;

    PUTS(&rc->o, " ");
    put(&rc->o, name, strlen(name));
    if (boolean)
        return;
    PUTS(&rc->o, "=");
    rc->esc.len = 0;
    put_escaped(&rc->esc, value, 1);
    PUTS(&rc->esc, "\0");
    v = rc->esc.b;
    if (esc_url) {
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
            v++;
        rc->url.len = 0;
        put_uri_escaped(&rc->url, v);
        put_quoted(&rc->o, rc->url.b ? rc->url.b : "", rc->url.len);
        return;
    }
    put_quoted(&rc->o, v, rc->esc.len - 1);
}

/* An element's attributes as they end up: the template's (out set) or a
 * value data-attr-* gives. */
typedef struct oattr {
    const char *name, *value, *out;
    apr_size_t outlen;
    int esc_url, boolean, xmlns;
} oattr;

typedef struct attrs {
    oattr *a;
    int n;
} attrs;

/* The attribute name has (not one in the XML namespace), NULL if none. */
static oattr *find_attr(attrs *as, const char *name)
{
    int i;

    for (i = 0; i < as->n; i++)
        if (as->a[i].name && !as->a[i].xmlns && strcmp(as->a[i].name, name) == 0)
            return &as->a[i];
    return NULL;
}

static const char *attr_get(attrs *as, const char *name)
{
    oattr *a = find_attr(as, name);

    return a ? a->value : NULL;
}

/* Sets or removes the boolean attribute name (checked, selected) as
 * xmlSetProp / xmlUnsetProp would: kept in its place, else added last. */
static void set_bool(attrs *as, const char *name, int on)
{
    oattr *a = find_attr(as, name);

    if (a && !on)
        a->name = NULL;
    else if (!a && on)
        as->a[as->n++] = (oattr){name, name, NULL, 0, 0, 1, 0};
}

/* t's attributes with its data-attr-* applied in s, into as (which has
 * room for them all and one more). */
static void apply_sets(render *rc, const mc_tmpl_node *t, const mc_scope *s, attrs *as)
{
    int i;

    for (i = 0; i < t->nattrs; i++)
        as->a[i] = (oattr){
            t->attrs[i].name, t->attrs[i].value, t->attrs[i].out, t->attrs[i].outlen, 0, 0, 0};
    as->n = t->nattrs;
    for (i = 0; i < t->nsets; i++) {
        const mc_tmpl_set *set = &t->sets[i];
        const char *val = mc_scope_get(s, set->key);
        oattr *a;
        if (val == NULL || set->refused || (set->url && mc_tmpl_script_url(val))) {
            if ((a = find_attr(as, set->name)) != NULL)
                a->name = NULL;
            continue;
        }
        val = mc_tmpl_clean_text(rc->o.p, val);
        if (set->xmlns || (a = find_attr(as, set->name)) == NULL)
            a = &as->a[as->n++];
        *a = (oattr){set->name, val, NULL, 0, set->esc_url, set->boolean, set->xmlns};
    }
}

static void put_open(render *rc, const mc_tmpl_node *t, const attrs *as)
{
    int i;

    if (as == NULL) {
        put(&rc->o, t->out, t->outlen);
        return;
    }
    PUTS(&rc->o, "<");
    put(&rc->o, t->name, strlen(t->name));
    for (i = 0; i < as->n; i++) {
        const oattr *a = &as->a[i];
        if (a->name == NULL)
            continue;
        if (a->out)
            put(&rc->o, a->out, a->outlen);
        else
            put_attr(rc, a->name, a->value, a->esc_url, a->boolean);
    }
}

/* <input type="hidden" name="NAME" value="the value of key"> for a <form
 * method="post"> (method compared ignoring case and blanks), when key is
 * set: mc_csrf from "_csrf", mc_once from "_once". 1 when written. */
static int put_hidden(render *rc, attrs *as, const mc_scope *s, const char *name, const char *key)
{
    const char *method = attr_get(as, "method");
    const char *tok = mc_scope_get(s, key);

    if (method == NULL || tok == NULL)
        return 0;
    while (*method == ' ' || *method == '\t' || *method == '\n')
        method++;
    if (strncasecmp(method, "post", 4) != 0 ||
        (method[4] && strspn(method + 4, " \t\n\r") != strlen(method + 4)))
        return 0;
    PUTS(&rc->o, "<input type=\"hidden\" name=\"");
    put(&rc->o, name, strlen(name));
    PUTS(&rc->o, "\"");
    put_attr(rc, "value", mc_tmpl_clean_text(rc->o.p, tok), 0, 0);
    PUTS(&rc->o, ">");
    return 1;
}

static int render_node(render *rc, const mc_tmpl_node *t, const mc_scope *s, int raw);

static int render_kids(render *rc, const mc_tmpl_node *kids, int n, const mc_scope *s, int raw)
{
    int i, count = 0;

    for (i = 0; i < n; i++)
        count += render_node(rc, &kids[i], s, raw);
    return count;
}

/* What goes between t's tags: the hidden inputs of a form, then the value
 * of data-text or the children. How many nodes it wrote. */
static int put_content(render *rc, const mc_tmpl_node *t, const mc_tmpl_node *kids, int nkids,
                       attrs *as, const mc_scope *s)
{
    int count = 0;

    if (t->flags & MC_TF_FORM) {
        count += put_hidden(rc, as, s, "mc_csrf", "_csrf");
        if (t->flags & MC_TF_ONCE)
            count += put_hidden(rc, as, s, "mc_once", "_once");
    }
    if (t->text_key == NULL)
        return count + render_kids(rc, kids, nkids, s, (t->flags & MC_TF_RAWTEXT) != 0);
    if (t->flags & MC_TF_RAWTEXT) {
        mc_log(MC_LOG_WARNING, MC_LOG_MARK, MCLOGNO(2013) "template: data-text on <%s> refused",
               t->name);
    }
    else {
        const char *val = mc_scope_get(s, t->text_key);
        if (val && *val) {
            val = mc_tmpl_clean_text(rc->o.p, val);
            put_escaped(&rc->o, val, 0);
            if (rc->sink)
                put(rc->sink, val, strlen(val));
            count++;
        }
    }
    return count;
}

/* The value of an <option> from its text: trimmed of blanks. */
static const char *trimmed(apr_pool_t *p, const char *s, apr_size_t len)
{
    while (len && strchr(" \t\n\r", *s))
        s++, len--;
    while (len && strchr(" \t\n\r", s[len - 1]))
        len--;
    return apr_pstrmemdup(p, s, len);
}

/* An <option> of a <select> with data-selected: selected when it is the
 * first whose value (its value attribute, else its text) is the one
 * wanted; its content is written first when its text is needed. */
static int put_option(render *rc, const mc_tmpl_node *t, const mc_tmpl_node *kids, int nkids,
                      attrs *as, const mc_scope *s)
{
    const char *want = rc->sel_want, *value = attr_get(as, "value"), *body = NULL;
    obuf text = {rc->o.p, NULL, 0, 0}, *sink = rc->sink;
    apr_size_t start = rc->o.len, len = 0;
    int count = 0, on;

    rc->sel_want = NULL; /* its own content is not searched */
    if (value == NULL) {
        rc->sink = &text;
        count = put_content(rc, t, kids, nkids, as, s);
        rc->sink = sink;
        if (sink && text.len)
            put(sink, text.b, text.len);
        value = trimmed(rc->o.p, text.b ? text.b : "", text.len);
        len = rc->o.len - start;
        body = apr_pmemdup(rc->o.p, rc->o.b + start, len);
        rc->o.len = start;
    }
    rc->sel_want = want;
    on = !rc->sel_found && strcmp(value, want) == 0;
    if (on)
        rc->sel_found = 1;
    set_bool(as, "selected", on);
    put_open(rc, t, as);
    PUTS(&rc->o, ">");
    rc->sel_want = NULL;
    if (body)
        put(&rc->o, body, len);
    else
        count = put_content(rc, t, kids, nkids, as, s);
    rc->sel_want = want;
    return count;
}

/* t in scope s once (data-each done): see mc_tmpl.h for the markup. raw:
 * text is written unescaped (the parent is <script> or <style>). How many
 * nodes it wrote (an include element writes its children). */
static int render_elem(render *rc, const mc_tmpl_node *t, const mc_scope *s, int raw)
{
    const mc_tmpl_node *kids = t->kids;
    int nkids = t->nkids, count;
    oattr one[16];
    attrs as = {NULL, 0}, *asp = NULL;

    if ((t->if_key && !mc_scope_true(s, t->if_key)) ||
        (t->unless_key && mc_scope_true(s, t->unless_key)))
        return 0;
    if (t == rc->slot && rc->page)
        kids = rc->page->kids, nkids = rc->page->nkids;
    if (t->flags & MC_TF_INCLUDE) {
        mc_scope inner = {t->lets, s};
        return render_kids(rc, kids, nkids, t->lets ? &inner : s, raw);
    }
    if (t->nsets || t->sel_key || (t->flags & (MC_TF_FORM | MC_TF_OPTION))) {
        as.a = t->nattrs + t->nsets < 16
                   ? one
                   : apr_palloc(rc->o.p, (apr_size_t)(t->nattrs + t->nsets + 1) * sizeof(oattr));
        apply_sets(rc, t, s, &as);
        asp = &as;
    }
    if ((t->flags & MC_TF_OPTION) && rc->sel_want) {
        count = put_option(rc, t, kids, nkids, asp, s);
    }
    else {
        const char *want = NULL, *saved = rc->sel_want;
        int found = rc->sel_found;
        if (t->sel_key && (t->flags & (MC_TF_SELECT | MC_TF_INPUT)))
            want = mc_scope_get(s, t->sel_key);
        if (want && (t->flags & MC_TF_INPUT)) {
            const char *type = attr_get(asp, "type"), *own = attr_get(asp, "value");
            if (type && (strcasecmp(type, "checkbox") == 0 || strcasecmp(type, "radio") == 0))
                set_bool(asp, "checked", strcmp(own ? own : "on", want) == 0);
        }
        put_open(rc, t, asp);
        PUTS(&rc->o, ">");
        if (t->flags & MC_TF_EMPTY)
            return 1;
        if (want && (t->flags & MC_TF_SELECT) && saved == NULL) {
            /* An outer select's data-selected has the last word. */
            rc->sel_want = want;
            rc->sel_found = 0;
        }
        count = put_content(rc, t, kids, nkids, asp, s);
        rc->sel_want = saved;
        rc->sel_found = saved ? rc->sel_found : found;
    }
    if (t->flags & MC_TF_EMPTY)
        return 1;
    if (count == 0 && (t->flags & MC_TF_SAVE_END))
        return 1;
    PUTS(&rc->o, "</");
    put(&rc->o, t->name, strlen(t->name));
    PUTS(&rc->o, ">");
    return 1;
}

static int render_node(render *rc, const mc_tmpl_node *t, const mc_scope *s, int raw)
{
    const apr_array_header_t *rows;
    int i, count = 0;

    switch (t->kind) {
    case MC_TN_BYTES:
        put(&rc->o, t->out, t->outlen);
        return 1;
    case MC_TN_TEXT:
        if (raw)
            put(&rc->o, t->raw, t->rawlen);
        else
            put(&rc->o, t->out, t->outlen);
        if (rc->sink)
            put(rc->sink, t->raw, t->rawlen);
        return 1;
    }
    if (t->each == NULL)
        return render_elem(rc, t, s, raw);
    /* Once per row, its other data-* (data-if too) evaluated per row. */
    rows = mc_scope_list(s, t->each);
    for (i = 0; rows && i < rows->nelts; i++) {
        mc_scope inner = {APR_ARRAY_IDX(rows, i, const mc_vars *), s};
        count += render_elem(rc, t, &inner, raw);
    }
    return count;
}

/* What a layout's slot gets from a page without a <body>. */
static const mc_tmpl_node no_body;

/* Renders page into layout (or alone) with v; see the header. */
apr_status_t mc_tmpl_render(mc_tmpl_cache *c, apr_pool_t *p, const char *layout, const char *page,
                            const mc_vars *v, char **out, apr_size_t *outlen, const char **err)
{
    const mc_tmpl_entry *pe, *le;
    const mc_tmpl_prog *prog;
    render rc;
    mc_scope top = {v, NULL};
    const char *dummy;
    apr_status_t rv;
    int i;

    if (err == NULL)
        err = &dummy;
    if ((rv = mc_tmpl_load_page(c, p, layout, page, &pe, &le, err)) != APR_SUCCESS)
        return rv;
    memset(&rc, 0, sizeof(rc));
    rc.o.p = rc.esc.p = rc.url.p = p;
    prog = le ? le->prog : pe->prog;
    if (le) {
        if (prog->slot == NULL) {
            *err = apr_psprintf(p, "layout %s has no element with data-slot=\"content\"", layout);
            return APR_EINVAL;
        }
        rc.slot = prog->slot;
        rc.page = pe->prog->body ? pe->prog->body : &no_body;
    }
    reserve(&rc.o, prog->size + (le ? pe->prog->size : 0) + 4096);
    PUTS(&rc.o, "<!DOCTYPE html>\n");
    for (i = 0; i < prog->ntop; i++)
        render_node(&rc, &prog->top[i], &top, 0);
    PUTS(&rc.o, "\n\0");
    *out = rc.o.b;
    if (outlen)
        *outlen = rc.o.len - 1;
    return APR_SUCCESS;
}

/* Renders a text template: {{key}} (blanks inside the braces allowed) is
 * replaced by the value, unknown keys by ""; other text is copied as is. */
apr_status_t mc_tmpl_text(mc_tmpl_cache *c, apr_pool_t *p, const char *file, const mc_vars *v,
                          char **out, const char **err)
{
    const mc_tmpl_entry *e;
    const char *s, *open, *dummy;
    apr_array_header_t *parts = apr_array_make(p, 16, sizeof(struct iovec));
    apr_status_t rv;
    mc_scope top = {v, NULL};

    if (err == NULL)
        err = &dummy;
    *err = NULL;
    if ((rv = mc_tmpl_load(c, p, 't', file, &e, err)) != APR_SUCCESS)
        return rv;
    for (s = e->text; (open = strstr(s, "{{")) != NULL;) {
        const char *close = strstr(open + 2, "}}"), *ks, *ke, *val;
        struct iovec *iov;
        if (close == NULL)
            break;
        for (ks = open + 2; *ks == ' ' || *ks == '\t'; ks++)
            ;
        for (ke = close; ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
            ;
        if (ke == ks || memchr(ks, '{', (apr_size_t)(ke - ks)) ||
            memchr(ks, '\n', (apr_size_t)(ke - ks))) {
            iov = apr_array_push(parts); /* not a placeholder: keep "{{" */
            iov->iov_base = (void *)s;
            iov->iov_len = (apr_size_t)(open + 2 - s);
            s = open + 2;
            continue;
        }
        iov = apr_array_push(parts);
        iov->iov_base = (void *)s;
        iov->iov_len = (apr_size_t)(open - s);
        val = mc_scope_get(&top, apr_pstrmemdup(p, ks, (apr_size_t)(ke - ks)));
        iov = apr_array_push(parts);
        iov->iov_base = (void *)(val ? val : "");
        iov->iov_len = val ? strlen(val) : 0;
        s = close + 2;
    }
    {
        struct iovec *iov = apr_array_push(parts);
        iov->iov_base = (void *)s;
        iov->iov_len = strlen(s);
    }
    *out = apr_pstrcatv(p, (const struct iovec *)parts->elts, (apr_size_t)parts->nelts, NULL);
    return APR_SUCCESS;
}
