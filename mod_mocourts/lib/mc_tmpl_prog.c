/* mc_tmpl_prog.c: compiling a parsed HTML template (its includes expanded)
 * into the form mc_tmpl.c renders from (mc_tmpl_prog, mc_tmpl_load.h).
 *
 * What the template alone decides is worked out here, once: each subtree
 * without template markup becomes the bytes libxml2's HTML serialiser
 * writes for it (htmlNodeDumpFormatOutput, so its escaping rules hold by
 * construction), each text node its escaped and its raw form, each
 * element with markup the data-* it carries (no attribute name is looked
 * at while rendering) and its kept attributes as serialised. The document
 * is only read. The finders of <body> and of the slot are here too: the
 * loader (expanding includes) and the compiler both use them. */
#include "mc_tmpl_load.h"
#include "mc_tmpl_vars.h"

#include <apr_strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/entities.h>
#include <string.h>
#include <strings.h>

typedef struct comp {
    apr_pool_t *p;
    xmlDocPtr doc;
    xmlNodePtr body, slot; /* the template's <body> and data-slot="content" */
    const mc_tmpl_node *body_node, *slot_node;
    apr_size_t size;
    int nomem;
} comp;

/* n (any node, attributes too) as htmlNodeDumpFormatOutput writes it. */
static void dump(comp *c, xmlNodePtr n, const char **out, apr_size_t *len)
{
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);

    *out = "";
    *len = 0;
    if (buf == NULL) {
        c->nomem = 1;
        return;
    }
    htmlNodeDumpFormatOutput(buf, c->doc, n, "UTF-8", 0);
    xmlOutputBufferFlush(buf);
    if (buf->error)
        c->nomem = 1;
    else {
        *len = xmlOutputBufferGetSize(buf);
        *out = apr_pstrmemdup(c->p, (const char *)xmlOutputBufferGetContent(buf), *len);
    }
    xmlOutputBufferClose(buf);
}

static void to_bytes(comp *c, xmlNodePtr n, mc_tmpl_node *t)
{
    t->kind = MC_TN_BYTES;
    dump(c, n, &t->out, &t->outlen);
    c->size += t->outlen;
}

static void to_text(comp *c, xmlNodePtr n, mc_tmpl_node *t)
{
    const char *raw = n->content ? (const char *)n->content : "";
    xmlChar *esc;

    t->kind = MC_TN_TEXT;
    t->raw = apr_pstrdup(c->p, raw);
    t->rawlen = strlen(raw);
    if (n->name && strcmp((const char *)n->name, "textnoenc") == 0) { /* xmlStringTextNoenc */
        t->out = t->raw, t->outlen = t->rawlen;
        return;
    }
    esc = xmlEncodeEntitiesReentrant(c->doc, BAD_CAST raw);
    if (esc == NULL) {
        c->nomem = 1;
        t->out = "";
        return;
    }
    t->out = apr_pstrdup(c->p, (const char *)esc);
    t->outlen = strlen(t->out);
    xmlFree(esc);
    c->size += t->outlen;
}

static const char *attr_value(comp *c, xmlAttrPtr a)
{
    xmlChar *v = xmlNodeListGetString(c->doc, a->children, 1);
    const char *s = apr_pstrdup(c->p, v ? (const char *)v : "");

    xmlFree(v);
    return s;
}

/* The template markup among el's attributes into t; the attributes kept
 * into t->attrs. 1 when el has markup. */
static int read_markup(comp *c, xmlNodePtr el, mc_tmpl_node *t)
{
    xmlAttrPtr a;
    int n = 0, mark = 0;
    mc_tmpl_attr *kept;
    mc_tmpl_set *sets;
    mc_vars *lets = NULL;

    for (a = el->properties; a; a = a->next)
        n++;
    t->attrs = kept = apr_pcalloc(c->p, (apr_size_t)(n + 1) * sizeof(*kept));
    t->sets = sets = apr_pcalloc(c->p, (apr_size_t)(n + 1) * sizeof(*sets));
    for (a = el->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        int is_mark = 1;

        if (strncasecmp(name, "data-", 5) != 0)
            is_mark = 0;
        else if (strcasecmp(name, "data-each") == 0)
            t->each = attr_value(c, a);
        else if (strcasecmp(name, "data-if") == 0)
            t->if_key = attr_value(c, a);
        else if (strcasecmp(name, "data-unless") == 0)
            t->unless_key = attr_value(c, a);
        else if (strcasecmp(name, "data-text") == 0)
            t->text_key = attr_value(c, a);
        else if (strcasecmp(name, "data-selected") == 0)
            t->sel_key = attr_value(c, a);
        else if (strncasecmp(name, "data-attr-", 10) == 0 && name[10]) {
            mc_tmpl_set *s = &sets[t->nsets++];
            s->name = apr_pstrdup(c->p, name + 10);
            s->key = attr_value(c, a);
            s->refused = mc_tmpl_refused_attr(s->name);
            s->url = mc_tmpl_url_attr(s->name);
            /* xmlSetProp puts "xml:x" in the XML namespace: a new attribute,
             * written without URI escaping. */
            s->xmlns = strncmp(s->name, "xml:", 4) == 0 && s->name[4];
            s->boolean = htmlIsBooleanAttr(BAD_CAST(s->xmlns ? s->name + 4 : s->name));
            s->esc_url =
                !s->xmlns &&
                (strcasecmp(s->name, "href") == 0 || strcasecmp(s->name, "action") == 0 ||
                 strcasecmp(s->name, "src") == 0 ||
                 (strcasecmp(s->name, "name") == 0 && xmlStrcasecmp(el->name, BAD_CAST "a") == 0));
        }
        else if (strcasecmp(name, "data-once") == 0)
            t->flags |= MC_TF_ONCE;
        else if (strcasecmp(name, "data-include") == 0)
            t->flags |= MC_TF_INCLUDE;
        else if (strncasecmp(name, "data-let-", 9) == 0 && name[9]) {
            if (lets == NULL)
                lets = mc_vars_make(c->p, NULL);
            mc_vars_set(lets, name + 9, attr_value(c, a));
        }
        else if (strcasecmp(name, "data-slot") != 0)
            is_mark = 0; /* the page's scripts' own data-* */
        if (is_mark) {
            mark = 1;
            continue;
        }
        kept[t->nattrs].name = apr_pstrdup(c->p, name);
        kept[t->nattrs].value = attr_value(c, a);
        dump(c, (xmlNodePtr)a, &kept[t->nattrs].out, &kept[t->nattrs].outlen);
        t->nattrs++;
    }
    t->lets = lets;
    return mark;
}

/* "<name" and the kept attributes, for an element whose attributes no
 * markup changes. */
static void open_tag(comp *c, mc_tmpl_node *t)
{
    apr_size_t len = 1 + strlen(t->name), off;
    char *s;
    int i;

    for (i = 0; i < t->nattrs; i++)
        len += t->attrs[i].outlen;
    s = apr_palloc(c->p, len + 1);
    s[0] = '<';
    off = 1 + strlen(t->name);
    memcpy(s + 1, t->name, off - 1);
    for (i = 0; i < t->nattrs; i++) {
        memcpy(s + off, t->attrs[i].out, t->attrs[i].outlen);
        off += t->attrs[i].outlen;
    }
    s[off] = '\0';
    t->out = s;
    t->outlen = off;
    c->size += off;
}

static int compile_node(comp *c, xmlNodePtr n, mc_tmpl_node *t, int forced);

/* el's children into t->kids; 1 when all of them are static (elements
 * without markup inside, text, comments). */
static int compile_kids(comp *c, xmlNodePtr el, mc_tmpl_node *t, int forced, int **st)
{
    xmlNodePtr n;
    mc_tmpl_node *kids;
    int k = 0, all = 1;

    for (n = el->children; n; n = n->next)
        k++;
    t->kids = kids = apr_pcalloc(c->p, (apr_size_t)(k + 1) * sizeof(*kids));
    *st = apr_pcalloc(c->p, (apr_size_t)(k + 1) * sizeof(int));
    t->nkids = k;
    for (k = 0, n = el->children; n; n = n->next, k++)
        if (((*st)[k] = compile_node(c, n, &kids[k], forced)) == 0)
            all = 0;
    return all;
}

/* n into t. 1 when n is static: an element is then left for its parent to
 * serialise whole (with its static parent, if that is static too). */
static int compile_node(comp *c, xmlNodePtr n, mc_tmpl_node *t, int forced)
{
    const htmlElemDesc *info;
    xmlNodePtr k;
    int mark, all, *st, i;

    if (n->type == XML_TEXT_NODE) {
        to_text(c, n, t);
        return 1;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 1;
    mark = read_markup(c, n, t);
    /* data-selected changes the <option> elements and their text decides
     * which: all of the select is rendered element by element. */
    all = compile_kids(c, n, t, forced || t->sel_key != NULL, &st);
    if (all && !mark && !forced && n != c->body && n != c->slot && n->ns == NULL &&
        xmlStrcasecmp(n->name, BAD_CAST "form") != 0)
        return 1;
    for (i = 0, k = n->children; k; k = k->next, i++)
        if (st[i] && k->type != XML_TEXT_NODE)
            to_bytes(c, k, (mc_tmpl_node *)&t->kids[i]);
    t->kind = MC_TN_ELEM;
    t->name = apr_pstrdup(c->p, (const char *)n->name);
    info = htmlTagLookup(n->name);
    if (info && info->empty)
        t->flags |= MC_TF_EMPTY;
    if (info && info->saveEndTag && strcmp(info->name, "html") != 0 &&
        strcmp(info->name, "body") != 0)
        t->flags |= MC_TF_SAVE_END;
    if (strcasecmp(t->name, "script") == 0 || strcasecmp(t->name, "style") == 0)
        t->flags |= MC_TF_RAWTEXT;
    if (strcasecmp(t->name, "form") == 0)
        t->flags |= MC_TF_FORM;
    if (strcasecmp(t->name, "select") == 0)
        t->flags |= MC_TF_SELECT;
    if (strcasecmp(t->name, "input") == 0)
        t->flags |= MC_TF_INPUT;
    if (strcasecmp(t->name, "option") == 0)
        t->flags |= MC_TF_OPTION;
    if (strcasecmp(t->name, "a") == 0)
        t->flags |= MC_TF_A;
    open_tag(c, t);
    if (n == c->body)
        c->body_node = t;
    if (n == c->slot)
        c->slot_node = t;
    return 0;
}

/* See mc_tmpl_load.h. */
apr_status_t mc_tmpl_compile(apr_pool_t *p, xmlDocPtr doc, const mc_tmpl_prog **out)
{
    comp c = {p, doc, NULL, NULL, NULL, NULL, 0, 0};
    xmlNodePtr root = xmlDocGetRootElement(doc), n;
    mc_tmpl_prog *prog = apr_pcalloc(p, sizeof(*prog));
    mc_tmpl_node *top;
    int k = 0;

    c.body = mc_tmpl_find_body(root);
    c.slot = mc_tmpl_find_slot(root);
    for (n = doc->children; n; n = n->next)
        k++;
    prog->top = top = apr_pcalloc(p, (apr_size_t)(k + 1) * sizeof(*top));
    for (n = doc->children; n; n = n->next) {
        if (n->type == XML_DTD_NODE)
            continue;
        /* Only the root element is filled in (as the copy was). */
        if (n != root || compile_node(&c, n, &top[prog->ntop], 0))
            to_bytes(&c, n, &top[prog->ntop]);
        prog->ntop++;
    }
    prog->body = c.body_node;
    prog->slot = c.slot_node;
    prog->size = c.size;
    *out = prog;
    return c.nomem ? APR_ENOMEM : APR_SUCCESS;
}

/* ---- finding elements ----------------------------------------------------- */

xmlNodePtr mc_tmpl_find_body(xmlNodePtr n)
{
    for (; n; n = n->next) {
        xmlNodePtr found;
        if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, BAD_CAST "body") == 0)
            return n;
        if (n->type == XML_ELEMENT_NODE && (found = mc_tmpl_find_body(n->children)) != NULL)
            return found;
    }
    return NULL;
}

xmlNodePtr mc_tmpl_find_slot(xmlNodePtr n)
{
    for (; n; n = n->next) {
        xmlChar *v;
        xmlNodePtr found;
        int yes;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        v = xmlGetProp(n, BAD_CAST "data-slot");
        yes = v && strcmp((const char *)v, "content") == 0;
        xmlFree(v);
        if (yes)
            return n;
        if ((found = mc_tmpl_find_slot(n->children)) != NULL)
            return found;
    }
    return NULL;
}
