/* tmpl_oracle.c: the renderer mc_tmpl_render was before it rendered
 * straight from the cached tree (issue 13): a copy of the template filled
 * in and written by libxml2's HTML serialiser. Kept, for the unit tests
 * only, as the oracle the new renderer's output must equal byte for byte
 * (test_tmpl_stream.c). */
#include "tmpl_oracle.h"
#include "mc_log.h"
#include "mc_tmpl_load.h"
#include "mc_tmpl_vars.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

/* ---- rendering ----------------------------------------------------------- */

typedef struct render_ctx {
    apr_pool_t *p;
    xmlDocPtr doc;
} render_ctx;

/* The attribute's value copied into p ("" for a bare attribute). */
static const char *attr_value(apr_pool_t *p, xmlAttrPtr a)
{
    xmlChar *v = xmlNodeListGetString(a->doc, a->children, 1);
    const char *s = apr_pstrdup(p, v ? (const char *)v : "");

    xmlFree(v);
    return s;
}

static const char *prop(apr_pool_t *p, xmlNodePtr el, const char *name)
{
    xmlAttrPtr a = xmlHasProp(el, BAD_CAST name);

    return a && a->type == XML_ATTRIBUTE_NODE ? attr_value(p, a) : NULL;
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, BAD_CAST name) == 0;
}

static void free_children(xmlNodePtr el)
{
    while (el->children) {
        xmlNodePtr c = el->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
}

static void remove_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* The value of an <option>: its value attribute, else its text, trimmed. */
static const char *option_value(apr_pool_t *p, xmlNodePtr opt)
{
    const char *v = prop(p, opt, "value");
    xmlChar *t;
    char *s, *e;

    if (v)
        return v;
    t = xmlNodeGetContent(opt);
    s = apr_pstrdup(p, t ? (const char *)t : "");
    xmlFree(t);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    for (e = s + strlen(s);
         e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'); e--)
        ;
    *e = '\0';
    return s;
}

/* Marks the first <option> under n whose value is want; clears the rest. */
static void select_options(apr_pool_t *p, xmlNodePtr n, const char *want, int *found)
{
    for (n = n->children; n; n = n->next) {
        if (is_el(n, "option")) {
            if (!*found && strcmp(option_value(p, n), want) == 0) {
                xmlSetProp(n, BAD_CAST "selected", BAD_CAST "selected");
                *found = 1;
            }
            else {
                xmlUnsetProp(n, BAD_CAST "selected");
            }
        }
        else if (n->type == XML_ELEMENT_NODE) {
            select_options(p, n, want, found);
        }
    }
}

/* data-selected: see the header. Unset keys leave the template's choice. */
static void apply_selected(render_ctx *rc, xmlNodePtr el, const char *val)
{
    if (val == NULL)
        return;
    if (is_el(el, "select")) {
        int found = 0;
        select_options(rc->p, el, val, &found);
    }
    else if (is_el(el, "input")) {
        const char *type = prop(rc->p, el, "type");
        const char *own = prop(rc->p, el, "value");
        if (type == NULL || (strcasecmp(type, "checkbox") != 0 && strcasecmp(type, "radio") != 0))
            return;
        if (strcmp(own ? own : "on", val) == 0)
            xmlSetProp(el, BAD_CAST "checked", BAD_CAST "checked");
        else
            xmlUnsetProp(el, BAD_CAST "checked");
    }
}

/* <input type="hidden" name="NAME" value="the value of key"> as the first
 * child of a <form method="post"> (method compared ignoring case and
 * blanks), when key is set: mc_csrf from "_csrf", mc_once from "_once". */
static void add_hidden(render_ctx *rc, xmlNodePtr form, const mc_scope *s, const char *name,
                       const char *key)
{
    const char *method = prop(rc->p, form, "method");
    const char *tok = mc_scope_get(s, key);
    xmlNodePtr in;

    if (method == NULL || tok == NULL)
        return;
    while (*method == ' ' || *method == '\t' || *method == '\n')
        method++;
    if (strncasecmp(method, "post", 4) != 0 ||
        (method[4] && strspn(method + 4, " \t\n\r") != strlen(method + 4)))
        return;
    in = xmlNewDocNode(rc->doc, NULL, BAD_CAST "input", NULL);
    xmlSetProp(in, BAD_CAST "type", BAD_CAST "hidden");
    xmlSetProp(in, BAD_CAST "name", BAD_CAST name);
    xmlSetProp(in, BAD_CAST "value", BAD_CAST mc_tmpl_clean_text(rc->p, tok));
    if (form->children)
        xmlAddPrevSibling(form->children, in);
    else
        xmlAddChild(form, in);
}

typedef struct attr_set {
    const char *name, *key;
} attr_set;

static void process_element(render_ctx *rc, xmlNodePtr el, const mc_scope *s);

static void process_children(render_ctx *rc, xmlNodePtr parent, const mc_scope *s)
{
    xmlNodePtr n = parent->children, next;

    for (; n; n = next) {
        next = n->next;
        if (n->type == XML_ELEMENT_NODE)
            process_element(rc, n, s);
    }
}

/* Applies the data-* markup of el (which may be replaced or removed) and of
 * its descendants; see the header for the meaning of each attribute. */
static void process_element(render_ctx *rc, xmlNodePtr el, const mc_scope *s)
{
    const char *if_key = NULL, *unless_key = NULL, *text_key = NULL, *sel_key = NULL;
    apr_array_header_t *sets = NULL;
    mc_vars *lets = NULL;
    xmlAttrPtr a, next;
    int i, once = 0, include = 0;

    if ((a = xmlHasProp(el, BAD_CAST "data-each")) != NULL && a->type == XML_ATTRIBUTE_NODE) {
        /* Repeat el (without data-each) once per row; its other data-*
         * attributes, data-if included, are then evaluated per row. */
        const apr_array_header_t *rows = mc_scope_list(s, attr_value(rc->p, a));
        xmlRemoveProp(a);
        for (i = 0; rows && i < rows->nelts; i++) {
            mc_scope inner = {APR_ARRAY_IDX(rows, i, const mc_vars *), s};
            xmlNodePtr copy = xmlDocCopyNode(el, rc->doc, 1);
            if (copy == NULL)
                break;
            xmlAddPrevSibling(el, copy);
            process_element(rc, copy, &inner);
        }
        remove_node(el);
        return;
    }
    for (a = el->properties; a; a = next) {
        const char *name = (const char *)a->name;
        next = a->next;
        if (strncasecmp(name, "data-", 5) != 0)
            continue;
        if (strcasecmp(name, "data-if") == 0)
            if_key = attr_value(rc->p, a);
        else if (strcasecmp(name, "data-unless") == 0)
            unless_key = attr_value(rc->p, a);
        else if (strcasecmp(name, "data-text") == 0)
            text_key = attr_value(rc->p, a);
        else if (strcasecmp(name, "data-selected") == 0)
            sel_key = attr_value(rc->p, a);
        else if (strncasecmp(name, "data-attr-", 10) == 0 && name[10]) {
            attr_set *as;
            if (sets == NULL)
                sets = apr_array_make(rc->p, 4, sizeof(attr_set));
            as = apr_array_push(sets);
            as->name = apr_pstrdup(rc->p, name + 10);
            as->key = attr_value(rc->p, a);
        }
        else if (strcasecmp(name, "data-once") == 0)
            once = 1;
        else if (strcasecmp(name, "data-include") == 0)
            include = 1;
        else if (strncasecmp(name, "data-let-", 9) == 0 && name[9]) {
            if (lets == NULL)
                lets = mc_vars_make(rc->p, NULL);
            mc_vars_set(lets, name + 9, attr_value(rc->p, a));
        }
        else if (strcasecmp(name, "data-slot") != 0)
            continue; /* other data-* attributes belong to the page's scripts */
        xmlRemoveProp(a);
    }
    if ((if_key && !mc_scope_true(s, if_key)) || (unless_key && mc_scope_true(s, unless_key))) {
        remove_node(el);
        return;
    }
    if (include) {
        /* The partial, copied in when the template was loaded, takes el's
         * place; data-let-* are its innermost scope. */
        mc_scope inner = {lets, s};
        xmlNodePtr n;
        process_children(rc, el, lets ? &inner : s);
        while ((n = el->children) != NULL) {
            xmlUnlinkNode(n);
            xmlAddPrevSibling(el, n);
        }
        remove_node(el);
        return;
    }
    if (text_key) {
        const char *val = mc_scope_get(s, text_key);
        free_children(el);
        if (is_el(el, "script") || is_el(el, "style")) {
            mc_log(MC_LOG_WARNING, MC_LOG_MARK, "template: data-text on <%s> refused",
                   (const char *)el->name);
        }
        else if (val && *val) {
            xmlAddChild(el, xmlNewDocText(rc->doc, BAD_CAST mc_tmpl_clean_text(rc->p, val)));
        }
    }
    for (i = 0; sets && i < sets->nelts; i++) {
        attr_set *as = &APR_ARRAY_IDX(sets, i, attr_set);
        const char *val = mc_scope_get(s, as->key);
        if (val == NULL || mc_tmpl_refused_attr(as->name) ||
            (mc_tmpl_url_attr(as->name) && mc_tmpl_script_url(val)))
            xmlUnsetProp(el, BAD_CAST as->name);
        else
            xmlSetProp(el, BAD_CAST as->name, BAD_CAST mc_tmpl_clean_text(rc->p, val));
    }
    if (!text_key)
        process_children(rc, el, s);
    if (sel_key)
        apply_selected(rc, el, mc_scope_get(s, sel_key));
    if (is_el(el, "form")) {
        if (once)
            add_hidden(rc, el, s, "mc_once", "_once");
        add_hidden(rc, el, s, "mc_csrf", "_csrf");
    }
}

/* "<!DOCTYPE html>\n" and the document's nodes (its own DTD left out) as
 * HTML, into p. */
static apr_status_t serialize(apr_pool_t *p, xmlDocPtr doc, char **out, apr_size_t *outlen)
{
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
    xmlNodePtr n;
    apr_size_t len;

    if (buf == NULL)
        return APR_ENOMEM;
    xmlOutputBufferWriteString(buf, "<!DOCTYPE html>\n");
    for (n = doc->children; n; n = n->next)
        if (n->type != XML_DTD_NODE)
            htmlNodeDumpFormatOutput(buf, doc, n, "UTF-8", 0);
    xmlOutputBufferWriteString(buf, "\n");
    xmlOutputBufferFlush(buf);
    if (buf->error) {
        xmlOutputBufferClose(buf);
        return APR_ENOMEM;
    }
    len = xmlOutputBufferGetSize(buf);
    *out = apr_pstrmemdup(p, (const char *)xmlOutputBufferGetContent(buf), len);
    if (outlen)
        *outlen = len;
    xmlOutputBufferClose(buf);
    return APR_SUCCESS;
}

/* mc_tmpl_render as it was: see tmpl_oracle.h. */
apr_status_t tmpl_oracle_render(mc_tmpl_cache *c, apr_pool_t *p, const char *layout,
                                const char *page, const mc_vars *v, char **out, apr_size_t *outlen,
                                const char **err)
{
    const mc_tmpl_entry *pe, *le;
    render_ctx rc = {p, NULL};
    mc_scope top = {v, NULL};
    apr_status_t rv;
    xmlNodePtr root;

    if ((rv = mc_tmpl_load_page(c, p, layout, page, &pe, &le, err)) != APR_SUCCESS)
        return rv;
    rc.doc = xmlCopyDoc(le ? le->doc : pe->doc, 1);
    if (rc.doc == NULL) {
        *err = "out of memory copying a template";
        return APR_ENOMEM;
    }
    rc.doc->type = XML_HTML_DOCUMENT_NODE;
    root = xmlDocGetRootElement(rc.doc);
    if (le) {
        xmlNodePtr slot = mc_tmpl_find_slot(root), body, n;
        if (slot == NULL) {
            xmlFreeDoc(rc.doc);
            *err = apr_psprintf(p, "layout %s has no element with data-slot=\"content\"", layout);
            return APR_EINVAL;
        }
        free_children(slot);
        body = mc_tmpl_find_body(xmlDocGetRootElement(pe->doc));
        for (n = body ? body->children : NULL; n; n = n->next) {
            xmlNodePtr copy = xmlDocCopyNode(n, rc.doc, 1);
            if (copy)
                xmlAddChild(slot, copy);
        }
    }
    process_element(&rc, root, &top);
    rv = serialize(p, rc.doc, out, outlen);
    xmlFreeDoc(rc.doc);
    if (rv != APR_SUCCESS)
        *err = "out of memory writing a page";
    return rv;
}
