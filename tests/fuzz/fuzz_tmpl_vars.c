/* fuzz_tmpl_vars: arbitrary values rendered into a fixed page and layout.
 * The input is split at NUL bytes: the first pieces are the values of
 * title, name, url, sel and _csrf; the rest are rows of the list "items".
 * Oracle: the output, parsed again, must have exactly the elements of the
 * same render with harmless values of the same truth, no event-handler
 * attribute, and no script URL in href or src. */
#include "fuzz.h"
#include <apr_general.h>
#include <apr_strings.h>
#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mc_log.h"
#include "mc_tmpl.h"

static const char layout_html[] =
    "<!DOCTYPE html>\n<html><head><title data-text=\"title\">t</title></head><body>\n"
    "<h1 data-text=\"name\" title=\"x\" data-attr-title=\"name\">n</h1>\n"
    "<a href=\"#\" data-attr-href=\"url\" data-attr-onclick=\"name\">link</a>\n"
    "<img data-attr-src=\"url\" data-attr-alt=\"name\">\n"
    "<main data-slot=\"content\"></main>\n"
    "<textarea data-text=\"name\"></textarea><script data-text=\"name\"></script>\n"
    "</body></html>\n";
static const char page_html[] =
    "<html><body><form method=\"post\" action=\"/x\">"
    "<select name=\"s\" data-selected=\"sel\"><option value=\"a\">A</option>"
    "<option data-each=\"items\" data-attr-value=\"label\" data-text=\"label\">o</option>"
    "</select><input type=\"checkbox\" data-selected=\"sel\"></form>\n"
    "<ul><li data-each=\"items\" data-if=\"label\"><a data-attr-href=\"label\" "
    "data-attr-style=\"label\" data-text=\"label\">x</a>"
    "<span data-unless=\"name\" data-text=\"sel\">u</span></li></ul></body></html>\n";

static apr_pool_t *root;
static mc_tmpl_cache *cache;
static char dir[64];

static void cleanup(void)
{
    char path[128];

    apr_pool_destroy(root); /* frees the cached documents */
    root = NULL;
    snprintf(path, sizeof(path), "%s/layout.html", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/page.html", dir);
    unlink(path);
    rmdir(dir);
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if ((f = fopen(path, "w")) == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        abort();
}

static void quiet(void *baton, int level, const char *file, int line, const char *fmt,
                  va_list ap)
{
}

static void init(void)
{
    const char *dirs[2] = { dir, NULL };

    mc_log_set(quiet, NULL); /* the template's data-text on <script> warns */
    apr_initialize();
    apr_pool_create(&root, NULL);
    /* mkdtemp's template ends in six 'X's, filled in here. */
    snprintf(dir, sizeof(dir), "/tmp/mc_fuzz_tmpl.123456");
    memset(dir + strlen(dir) - 6, 'X', 6);
    if (mkdtemp(dir) == NULL)
        abort();
    atexit(cleanup);
    write_file("layout.html", layout_html);
    write_file("page.html", page_html);
    cache = mc_tmpl_cache_create(root, dirs);
}

/* A harmless value of the same truth as s. */
static const char *tame(const char *s)
{
    return *s == '\0' ? "" : strcmp(s, "0") == 0 ? "0" : "x";
}

static int script_url(const char *v)
{
    char buf[16];
    size_t n = 0;

    while (*v && (unsigned char)*v <= 0x20)
        v++;
    for (; *v && *v != ':' && n < sizeof(buf) - 1; v++)
        if (*v != '\t' && *v != '\n' && *v != '\r')
            buf[n++] = (char)((*v >= 'A' && *v <= 'Z') ? *v + 32 : *v);
    buf[n] = '\0';
    return *v == ':' && (!strcmp(buf, "javascript") || !strcmp(buf, "vbscript") ||
                         !strcmp(buf, "data"));
}

/* Element names in document order, "|"-joined; aborts on a forbidden
 * attribute. */
static void walk(apr_pool_t *p, xmlNodePtr n, char **names)
{
    for (; n; n = n->next) {
        xmlAttrPtr a;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        *names = apr_pstrcat(p, *names, "|", (const char *)n->name, NULL);
        for (a = n->properties; a; a = a->next) {
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            const char *name = (const char *)a->name;
            if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "style") == 0)
                abort();
            if ((!strcasecmp(name, "href") || !strcasecmp(name, "src")) && v &&
                script_url((const char *)v))
                abort();
            xmlFree(v);
        }
        if (xmlStrcasecmp(n->name, BAD_CAST "script") == 0 && n->children)
            abort();
        walk(p, n->children, names);
    }
}

static char *shape(apr_pool_t *p, const char *html)
{
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);
    char *names = "";

    if (doc == NULL)
        abort();
    walk(p, xmlDocGetRootElement(doc), &names);
    xmlFreeDoc(doc);
    return names;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = { "title", "name", "url", "sel", "_csrf" };
    apr_pool_t *p;
    mc_vars *v, *t;
    char *buf, *s, *out1, *out2;
    const char *err;
    size_t i = 0, off = 0;

    if (root == NULL)
        init();
    apr_pool_create(&p, root);
    buf = apr_pstrmemdup(p, (const char *)data, size);
    v = mc_vars_make(p, NULL);
    t = mc_vars_make(p, NULL);
    while (off <= size && i < 64) {
        s = buf + off;
        if (i < 5) {
            mc_vars_set(v, keys[i], s);
            mc_vars_set(t, keys[i], tame(s));
        } else {
            mc_vars_set(mc_vars_row(v, "items"), "label", s);
            mc_vars_set(mc_vars_row(t, "items"), "label", tame(s));
        }
        off += strlen(s) + 1;
        i++;
    }
    if (mc_tmpl_render(cache, p, "layout.html", "page.html", v, &out1, NULL, &err) != APR_SUCCESS ||
        mc_tmpl_render(cache, p, "layout.html", "page.html", t, &out2, NULL, &err) != APR_SUCCESS)
        abort();
    if (strcmp(shape(p, out1), shape(p, out2)) != 0)
        abort();
    apr_pool_destroy(p);
    return 0;
}
