/* Unit tests for mc_tmpl_render writing pages straight from the compiled
 * template (issue 13): its output must be the very bytes the renderer it
 * replaced wrote through a libxml2 tree copy (tmpl_oracle.c), for every
 * shipped template, alone and in the layout, with empty, realistic and
 * hostile values, and for thousands of random values.
 *
 * MC_TMPL_BENCH=N (environment) also times N renders of a search page of
 * 200 rows in the layout with each renderer (test_bench). */
#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <check.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_tmpl.h"
#include "tmpl_oracle.h"
#include "unit_fixture.h"

#define LAYOUT "core/layout.html"

static const char *const hostile[] = {
    "<>&\"'",
    "javascript:alert(1)",
    " JaVa\tScript:alert(document.cookie)",
    "data:text/html,<script>x</script>",
    "é 中 😀",
    "bad \xff\xfe utf-8 \xc3( \xed\xa0\x80 \xf4\x90\x80\x80",
    "two words",
    "0",
    "",
    NULL, /* unset */
    "1",
    "x<!--y-->z &{w} &amp; &#39;",
    "  http://ex.example/a b?c=d&e=<f>#g%20",
    "\t\n\r controls \x01\x1f\x7f",
    "'single only'",
    "\"double only\"",
    "post",
    "/relative/path?q=1;x=2",
};
#define NH ((int)MC_TEST_COUNT(hostile))

/* What the templates ask for: value keys, list keys, and for each
 * data-selected key the values of its options (or checkbox/radio). */
typedef struct keys {
    apr_array_header_t *scalars, *lists;
    apr_hash_t *seen, *choices; /* data-selected key -> array of values */
} keys;

static void add_key(keys *k, const char *key, int list)
{
    const char *tag = apr_pstrcat(mc_test_pool, list ? "l:" : "s:", key, NULL);

    if (*key == '\0' || *key == '_' || apr_hash_get(k->seen, tag, APR_HASH_KEY_STRING))
        return;
    apr_hash_set(k->seen, tag, APR_HASH_KEY_STRING, "");
    APR_ARRAY_PUSH(list ? k->lists : k->scalars, const char *) = apr_pstrdup(mc_test_pool, key);
}

static const char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    const char *s = v ? apr_pstrdup(mc_test_pool, (const char *)v) : NULL;

    xmlFree(v);
    return s;
}

/* The values of the options (or n's own, for an input) data-selected may pick. */
static void add_choices(xmlNodePtr n, apr_array_header_t *out)
{
    const char *v;

    if (n->type != XML_ELEMENT_NODE)
        return;
    if (xmlStrcasecmp(n->name, BAD_CAST "option") == 0 ||
        xmlStrcasecmp(n->name, BAD_CAST "input") == 0) {
        if ((v = prop(n, "value")) == NULL && xmlStrcasecmp(n->name, BAD_CAST "option") == 0) {
            xmlChar *t = xmlNodeGetContent(n);
            char *s = apr_pstrdup(mc_test_pool, t ? (const char *)t : ""), *e;
            xmlFree(t);
            while (*s && strchr(" \t\r\n", *s))
                s++;
            for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]); e--)
                ;
            *e = '\0';
            v = s;
        }
        APR_ARRAY_PUSH(out, const char *) = v ? v : "on";
        return;
    }
    for (n = n->children; n; n = n->next)
        add_choices(n, out);
}

static void scan(keys *k, xmlNodePtr n)
{
    for (; n; n = n->next) {
        xmlAttrPtr a;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a; a = a->next) {
            const char *name = (const char *)a->name, *v = prop(n, name);
            if (v == NULL || strncmp(name, "data-", 5) != 0)
                continue;
            if (strcmp(name, "data-each") == 0)
                add_key(k, v, 1);
            else if (!strcmp(name, "data-text") || !strcmp(name, "data-if") ||
                     !strcmp(name, "data-unless") || !strcmp(name, "data-selected") ||
                     !strncmp(name, "data-attr-", 10))
                add_key(k, v, 0);
            if ((!strcmp(name, "data-if") || !strcmp(name, "data-unless")))
                add_key(k, v, 1); /* a list may be tested too */
            if (strcmp(name, "data-selected") == 0 &&
                apr_hash_get(k->choices, v, APR_HASH_KEY_STRING) == NULL) {
                apr_array_header_t *c = apr_array_make(mc_test_pool, 4, sizeof(char *));
                add_choices(n, c);
                apr_hash_set(k->choices, v, APR_HASH_KEY_STRING, c);
            }
        }
        scan(k, n->children);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every .html under templates/ ("dir/name.html"), sorted. */
static apr_array_header_t *list_templates(void)
{
    apr_array_header_t *names = apr_array_make(mc_test_pool, 128, sizeof(char *));
    apr_dir_t *top, *sub;
    apr_finfo_t fi, fj;

    ck_assert_int_eq(apr_dir_open(&top, "templates", mc_test_pool), APR_SUCCESS);
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, top) == APR_SUCCESS) {
        const char *d;
        if (fi.filetype != APR_DIR || fi.name[0] == '.')
            continue;
        d = apr_pstrcat(mc_test_pool, "templates/", fi.name, NULL);
        ck_assert_int_eq(apr_dir_open(&sub, d, mc_test_pool), APR_SUCCESS);
        while (apr_dir_read(&fj, APR_FINFO_NAME | APR_FINFO_TYPE, sub) == APR_SUCCESS) {
            apr_size_t n = strlen(fj.name);
            if (fj.filetype == APR_REG && n > 5 && strcmp(fj.name + n - 5, ".html") == 0)
                APR_ARRAY_PUSH(names, const char *) =
                    apr_pstrcat(mc_test_pool, fi.name, "/", fj.name, NULL);
        }
        apr_dir_close(sub);
    }
    apr_dir_close(top);
    qsort(names->elts, (size_t)names->nelts, sizeof(char *), cmp_names);
    return names;
}

static keys *scan_templates(const apr_array_header_t *names)
{
    keys *k = apr_pcalloc(mc_test_pool, sizeof(*k));
    int i;

    k->scalars = apr_array_make(mc_test_pool, 64, sizeof(char *));
    k->lists = apr_array_make(mc_test_pool, 16, sizeof(char *));
    k->seen = apr_hash_make(mc_test_pool);
    k->choices = apr_hash_make(mc_test_pool);
    for (i = 0; i < names->nelts; i++) {
        const char *path =
            apr_pstrcat(mc_test_pool, "templates/", APR_ARRAY_IDX(names, i, char *), NULL);
        htmlDocPtr doc = htmlReadFile(path, "UTF-8",
                                      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                          HTML_PARSE_NODEFDTD);
        ck_assert_msg(doc != NULL, "%s does not parse", path);
        scan(k, xmlDocGetRootElement(doc));
        xmlFreeDoc(doc);
    }
    return k;
}

/* Var set number n (a description in *what): 0 empty; 1 realistic; then
 * hostile values with lists of 0, 1 and 3 rows, _csrf and _once set or
 * not, data-selected matching the first, a middle or no choice. */
#define NSETS (2 + 3 * 2 * 3)
static mc_vars *make_vars(apr_pool_t *p, const keys *k, int n, const char **what)
{
    static const int rows[] = {0, 1, 3};
    mc_vars *v = mc_vars_make(p, NULL);
    int i, r, nrows, csrf, sel;

    if (n == 0) {
        *what = "empty";
        return v;
    }
    if (n == 1) {
        *what = "realistic";
        for (i = 0; i < k->scalars->nelts; i++) {
            const char *key = APR_ARRAY_IDX(k->scalars, i, const char *);
            mc_vars_set(v, key,
                        strstr(key, "url") || strstr(key, "href") || strstr(key, "action")
                            ? apr_psprintf(p, "/account/%s?a=1&b=%d", key, i)
                            : apr_psprintf(p, "Value %d of %s", i, key));
        }
        mc_vars_set(v, "_csrf", "c5rf-t0ken_AZaz09");
        for (i = 0; i < k->lists->nelts; i++)
            for (r = 0; r < 2; r++) {
                mc_vars *row = mc_vars_row(v, APR_ARRAY_IDX(k->lists, i, const char *));
                mc_vars_set(row, "label", "Search");
                mc_vars_set(row, "href", "/casenet/search");
                mc_vars_set(row, "current", r ? "1" : "");
            }
        return v;
    }
    n -= 2;
    nrows = rows[n % 3];
    csrf = (n / 3) % 2;
    sel = (n / 6) % 3;
    *what = apr_psprintf(p, "hostile #%d: %d row(s), _csrf/_once %s, data-selected %s", n, nrows,
                         csrf ? "set" : "unset",
                         sel == 0   ? "first"
                         : sel == 1 ? "middle"
                                    : "no choice");
    for (i = 0; i < k->scalars->nelts; i++) {
        const char *key = APR_ARRAY_IDX(k->scalars, i, const char *);
        apr_array_header_t *c = apr_hash_get(k->choices, key, APR_HASH_KEY_STRING);
        if (c && c->nelts && sel < 2)
            mc_vars_set(v, key, APR_ARRAY_IDX(c, sel == 0 ? 0 : c->nelts / 2, const char *));
        else
            mc_vars_set(v, key, hostile[(i * 7 + n) % NH]);
    }
    if (csrf) {
        mc_vars_set(v, "_csrf", "tok<&\"'>\xff");
        mc_vars_set(v, "_once", "once é");
    }
    for (i = 0; i < k->lists->nelts; i++)
        for (r = 0; r < nrows; r++) {
            mc_vars *row = mc_vars_row(v, APR_ARRAY_IDX(k->lists, i, const char *));
            int j;
            for (j = 0; j < k->scalars->nelts; j++)
                mc_vars_set(row, APR_ARRAY_IDX(k->scalars, j, const char *),
                            hostile[(j * 5 + n + r * 3) % NH]);
        }
    return v;
}

/* Renders with both renderers in a pool of its own; fails the test,
 * naming what differs and where, unless they agree byte for byte. */
static void same(mc_tmpl_cache *c, const char *layout, const char *page, const mc_vars *v,
                 const char *what)
{
    apr_pool_t *p;
    char *a = NULL, *b = NULL;
    apr_size_t alen = 0, blen = 0, i;
    const char *aerr = NULL, *berr = NULL;
    apr_status_t arv, brv;

    apr_pool_create(&p, mc_test_pool);
    arv = tmpl_oracle_render(c, p, layout, page, v, &a, &alen, &aerr);
    brv = mc_tmpl_render(c, p, layout, page, v, &b, &blen, &berr);
    ck_assert_msg(arv == brv, "%s in %s (%s): status %d, oracle %d (%s / %s)", page,
                  layout ? layout : "no layout", what, brv, arv, berr ? berr : "",
                  aerr ? aerr : "");
    if (arv != APR_SUCCESS) {
        ck_assert_str_eq(aerr, berr);
        apr_pool_destroy(p);
        return;
    }
    ck_assert_uint_eq(blen, strlen(b));
    for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
        ;
    if (i < alen || i < blen) {
        apr_size_t from = i > 80 ? i - 80 : 0;
        ck_abort_msg("%s in %s (%s): the output differs from byte %zu (lengths %zu, oracle %zu)\n"
                     "--- new: %.*s[HERE]%.80s\n--- oracle: %.*s[HERE]%.80s",
                     page, layout ? layout : "no layout", what, i, blen, alen, (int)(i - from),
                     b + from, i < blen ? b + i : "", (int)(i - from), a + from,
                     i < alen ? a + i : "");
    }
    apr_pool_destroy(p);
}

static mc_tmpl_cache *shipped_cache(void)
{
    const char *dirs[] = {"templates", NULL};

    return mc_tmpl_cache_create(mc_test_pool, dirs);
}

START_TEST(test_every_template)
{
    apr_array_header_t *names = list_templates();
    keys *k = scan_templates(names);
    mc_tmpl_cache *c = shipped_cache();
    int i, n, pages = 0;

    ck_assert_int_gt(names->nelts, 50);
    ck_assert_int_gt(k->scalars->nelts, 100);
    ck_assert_int_gt(k->lists->nelts, 5);
    for (n = 0; n < NSETS; n++) {
        apr_pool_t *p;
        const char *what;
        mc_vars *v;
        apr_pool_create(&p, mc_test_pool);
        v = make_vars(p, k, n, &what);
        for (i = 0; i < names->nelts; i++) {
            const char *name = APR_ARRAY_IDX(names, i, const char *);
            const char *base = strrchr(name, '/') + 1;
            same(c, NULL, name, v, what);
            if (*base != '_' && strcmp(name, LAYOUT) != 0) {
                same(c, LAYOUT, name, v, what);
                pages++;
            }
        }
        apr_pool_destroy(p);
    }
    ck_assert_int_gt(pages, 40 * NSETS);
}
END_TEST

/* A random value: bytes that matter to escaping, URLs and UTF-8. */
static const char *random_value(apr_pool_t *p, unsigned *seed)
{
    static const char *const bits[] = {"<",           ">",
                                       "&",           "\"",
                                       "'",           "<!--",
                                       "-->",         "&{",
                                       "}",           " ",
                                       "\t",          "\n",
                                       "\r",          "\x01",
                                       "\x7f",        "é",
                                       "中",          "😀",
                                       "\xff",        "\xc3",
                                       "\x80",        "\xed\xa0\x80",
                                       "javascript:", "data:",
                                       "http://",     "a",
                                       "Z",           "0",
                                       "%",           "#",
                                       "?",           "=",
                                       ";",           "/",
                                       "@",           "+",
                                       ",",           "(",
                                       "~",           "*",
                                       "!",           "-",
                                       "_",           ".",
                                       "x",           "post"};
    char *s = apr_palloc(p, 400);
    int n = rand_r(seed) % 24, i;

    *s = '\0';
    for (i = 0; i < n; i++)
        strcat(s, bits[rand_r(seed) % (int)MC_TEST_COUNT(bits)]);
    return s;
}

START_TEST(test_random_values)
{
    static const char page[] =
        "<html><head><title data-text=\"v\">t</title></head><body>\n"
        "<p data-text=\"v\">x</p><p>a <b data-text=\"w\"></b> c</p>\n"
        "<a data-attr-href=\"v\" data-attr-name=\"w\" data-attr-title=\"v\" href=\"#\">l</a>\n"
        "<a data-attr-name=\"v\" name=\"n\" data-attr-data-x=\"w\">m</a>\n"
        "<img data-attr-src=\"w\" data-attr-alt=\"v\" alt=\"\">\n"
        "<form data-attr-method=\"m\" data-attr-action=\"v\" data-once action=\"/x\">\n"
        "<input data-attr-value=\"w\" data-attr-checked=\"m\" name=\"q\"></form>\n"
        "<select data-selected=\"s\"><option>a</option><option> <b>b</b> </option>"
        "<option data-text=\"v\"></option><option data-attr-value=\"w\" selected>z</option>"
        "<option data-each=\"rows\" data-attr-value=\"v\" data-text=\"w\"></option></select>\n"
        "<input type=\"checkbox\" data-attr-value=\"v\" data-selected=\"s\" checked>\n"
        "<input type=\"radio\" value=\"a\" data-selected=\"s\">\n"
        "<textarea data-text=\"w\"></textarea><div data-attr-xml:lang=\"v\" data-attr-onclick=\"v\""
        " data-attr-style=\"w\"></div><p data-if=\"v\" data-text=\"w\"></p>\n"
        "<ul><li data-each=\"rows\" data-unless=\"w\"><span data-text=\"v\"></span></li></ul>\n"
        "<p data-text=\"empty\"></p><td data-text=\"v\"></td>\n"
        "</body></html>\n";
    char dir[] = "/tmp/mc_tmpl_stream.XXXXXX";
    const char *dirs[] = {dir, NULL}, *path;
    mc_tmpl_cache *c;
    unsigned seed = 13;
    FILE *f;
    int i, r;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    path = apr_pstrcat(mc_test_pool, dir, "/r.html", NULL);
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(page, f);
    fclose(f);
    c = mc_tmpl_cache_create(mc_test_pool, dirs);
    for (i = 0; i < 3000; i++) {
        apr_pool_t *p;
        mc_vars *v;
        apr_pool_create(&p, mc_test_pool);
        v = mc_vars_make(p, NULL);
        mc_vars_set(v, "v", random_value(p, &seed));
        mc_vars_set(v, "w", rand_r(&seed) % 8 ? random_value(p, &seed) : NULL);
        mc_vars_set(v, "m", rand_r(&seed) % 2 ? "post" : random_value(p, &seed));
        mc_vars_set(v, "s", rand_r(&seed) % 3 ? mc_vars_get(v, "v") : "b");
        if (rand_r(&seed) % 3)
            mc_vars_set(v, "_csrf", random_value(p, &seed));
        if (rand_r(&seed) % 3)
            mc_vars_set(v, "_once", random_value(p, &seed));
        for (r = rand_r(&seed) % 4; r > 0; r--) {
            mc_vars *row = mc_vars_row(v, "rows");
            mc_vars_set(row, "v", random_value(p, &seed));
            if (r % 2)
                mc_vars_set(row, "w", random_value(p, &seed));
        }
        same(c, NULL, "r.html", v, apr_psprintf(p, "random #%d", i));
        apr_pool_destroy(p);
    }
    unlink(path);
    rmdir(dir);
}
END_TEST

/* n renders with render (each in a pool of its own); the length of one.
 * Functions of their own for valgrind --toggle-collect=bench_stream (or
 * bench_oracle). */
static apr_size_t bench_loop(mc_tmpl_cache *c, const mc_vars *v, int n,
                             apr_status_t (*render)(mc_tmpl_cache *, apr_pool_t *, const char *,
                                                    const char *, const mc_vars *, char **,
                                                    apr_size_t *, const char **))
{
    apr_size_t len = 0;
    int i;

    for (i = 0; i < n; i++) {
        apr_pool_t *p;
        char *out;
        apr_pool_create(&p, mc_test_pool);
        render(c, p, LAYOUT, "casetrack/search-name.html", v, &out, &len, NULL);
        apr_pool_destroy(p);
    }
    return len;
}

static __attribute__((noinline)) apr_size_t bench_oracle(mc_tmpl_cache *c, const mc_vars *v, int n)
{
    return bench_loop(c, v, n, tmpl_oracle_render);
}

static __attribute__((noinline)) apr_size_t bench_stream(mc_tmpl_cache *c, const mc_vars *v, int n)
{
    return bench_loop(c, v, n, mc_tmpl_render);
}

/* MC_TMPL_BENCH=N: N renders of casetrack/search-name.html in the layout
 * with 200 result rows, by each renderer (the same bytes). */
START_TEST(test_bench)
{
    const char *env = getenv("MC_TMPL_BENCH");
    int n = env ? atoi(env) : 0, i, which;
    mc_tmpl_cache *c = shipped_cache();
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    if (n <= 0)
        return;
    mc_vars_set(v, "title", "Search by Name");
    mc_vars_set(v, "court_name", "Missouri Courts");
    mc_vars_set(v, "_csrf", "abcdefABCDEF0123456789");
    mc_vars_set(v, "searched", "1");
    mc_vars_set(v, "total_text", "200 case(s) found.");
    mc_vars_set(v, "q_last", "Smith");
    for (i = 0; i < 200; i++) {
        mc_vars *row = mc_vars_row(v, "results");
        mc_vars_setf(row, "name", "SMITH, JOHN %d", i);
        mc_vars_set(row, "role", "Defendant");
        mc_vars_set(row, "birth_year", "1970");
        mc_vars_setf(row, "href", "/casenet/case?number=22SL-CC%05d&court=SLC", i);
        mc_vars_setf(row, "number", "22SL-CC%05d", i);
        mc_vars_set(row, "caption", "State of Missouri v. John Smith & Co <Ltd>");
        mc_vars_set(row, "court", "St. Louis County");
        mc_vars_set(row, "filed_on", "2026-01-05");
    }
    same(c, LAYOUT, "casetrack/search-name.html", v, "bench");
    for (which = 0; which < 2; which++) {
        apr_time_t t0 = apr_time_now();
        apr_size_t len = (which ? bench_stream : bench_oracle)(c, v, n);
        fprintf(stderr, "test_bench: %s: %d renders of %zu bytes in %.3f s (%.1f us each)\n",
                which == 0 ? "oracle (copy + serialise)" : "mc_tmpl_render (streamed)", n, len,
                (double)(apr_time_now() - t0) / 1e6, (double)(apr_time_now() - t0) / n);
    }
}
END_TEST

MC_TEST_SUITE(tmpl_stream, mc_test_pool_setup, mc_test_pool_teardown, 600, test_every_template,
              test_random_values, test_bench)
