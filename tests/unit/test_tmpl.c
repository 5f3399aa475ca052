/* Unit tests for mc_tmpl: variables, HTML rendering, text templates.
 * Fixtures: tests/unit/fixtures/templates/{site,shipped}/ (run from the
 * repository root, as `make unit` does; MC_FIXTURES overrides). */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mc_log.h"
#include "mc_tmpl.h"
#include "unit_fixture.h"

static mc_tmpl_cache *cache;
static const char *shipped_dir;

static void setup(void)
{
    const char *base = getenv("MC_FIXTURES") ? getenv("MC_FIXTURES")
                                              : "tests/unit/fixtures/templates";
    const char *dirs[3];

    mc_test_pool_setup();
    dirs[0] = apr_pstrcat(mc_test_pool, base, "/site", NULL);
    dirs[1] = shipped_dir = apr_pstrcat(mc_test_pool, base, "/shipped", NULL);
    dirs[2] = NULL;
    cache = mc_tmpl_cache_create(mc_test_pool, dirs);
}

static void teardown(void)
{
    mc_test_pool_teardown();
}

/* Renders page (into layout) and fails the test on an error. */
static const char *render(const char *layout, const char *page, const mc_vars *v)
{
    char *out = NULL;
    apr_size_t len = 0;
    const char *err = NULL;
    apr_status_t rv = mc_tmpl_render(cache, mc_test_pool, layout, page, v, &out, &len, &err);

    ck_assert_msg(rv == APR_SUCCESS, "render %s: %s", page, err ? err : "?");
    ck_assert_uint_eq(len, strlen(out));
    ck_assert_msg(strncmp(out, "<!DOCTYPE html>\n", 16) == 0, "no doctype: %s", out);
    ck_assert_msg(strstr(out, "data-if") == NULL && strstr(out, "data-text") == NULL &&
                      strstr(out, "data-each") == NULL && strstr(out, "data-attr") == NULL &&
                      strstr(out, "data-slot") == NULL && strstr(out, "data-selected") == NULL,
                  "template markup left in output: %s", out);
    return out;
}

#define HAS(out, s) ck_assert_msg(strstr((out), (s)) != NULL, "missing %s in:\n%s", (s), (out))
#define LACKS(out, s) ck_assert_msg(strstr((out), (s)) == NULL, "unexpected %s in:\n%s", (s), (out))

START_TEST(test_vars)
{
    mc_vars *root = mc_vars_make(mc_test_pool, NULL), *child = mc_vars_make(mc_test_pool, root),
            *row;
    char key[8] = "k";

    mc_vars_set(root, key, "root");
    key[0] = 'x'; /* keys and values are copied */
    ck_assert_str_eq(mc_vars_get(child, "k"), "root");
    mc_vars_set(child, "k", "child");
    ck_assert_str_eq(mc_vars_get(child, "k"), "child");
    mc_vars_set(child, "k", NULL);
    ck_assert_str_eq(mc_vars_get(child, "k"), "root");
    mc_vars_setf(child, "n", "%d-%s", 42, "x");
    ck_assert_str_eq(mc_vars_get(child, "n"), "42-x");
    ck_assert_ptr_null(mc_vars_get(root, "n"));
    row = mc_vars_row(child, "rows");
    ck_assert_str_eq(mc_vars_get(row, "n"), "42-x");
}
END_TEST

static int warnings;

static void count_log(void *baton, int level, const char *file, int line, const char *fmt,
                      va_list ap)
{
    if (level <= MC_LOG_WARNING)
        warnings++;
}

START_TEST(test_escaping)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out;

    mc_log_set(count_log, NULL);

    mc_vars_set(v, "v", "<script>alert(1)</script>\"'&amp;");
    out = render(NULL, "escape.html", v);
    LACKS(out, "<script>alert");
    HAS(out, "<p id=\"t\">&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;amp;</p>");
    HAS(out, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;amp;\"");
    HAS(out, "title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;amp;\"");
    HAS(out, "<textarea id=\"ta\">&lt;script&gt;alert(1)&lt;/script&gt;");
    /* No value is ever put inside a <script> element. */
    HAS(out, "<script></script>");
    ck_assert_int_eq(warnings, 1);
    /* Invalid UTF-8 and control characters never reach the page. */
    mc_vars_set(v, "v", "a\xff\xc3(b\x01");
    out = render(NULL, "escape.html", v);
    HAS(out, "<p id=\"t\">a\xef\xbf\xbd\xef\xbf\xbd(b\xef\xbf\xbd</p>");
    mc_log_set(NULL, NULL);
}
END_TEST

START_TEST(test_if_unless)
{
    static const char *const falsy[] = { "0", "", NULL };
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out;
    size_t i;

    mc_vars_set(v, "flag", "1");
    mc_vars_set(v, "name", "Ann");
    out = render(NULL, "page.html", v);
    HAS(out, "id=\"shown\"");
    LACKS(out, "id=\"hidden\"");
    HAS(out, "<h2 id=\"greeting\">Ann</h2>");
    HAS(out, "<p id=\"tip\" title=\"Ann\">");
    for (i = 0; i < 3; i++) {
        mc_vars_set(v, "flag", falsy[i]);
        out = render(NULL, "page.html", v);
        LACKS(out, "id=\"shown\"");
        HAS(out, "id=\"hidden\"");
    }
    /* Unset keys: data-text empties the element, data-attr removes the attribute. */
    mc_vars_set(v, "name", NULL);
    out = render(NULL, "page.html", v);
    HAS(out, "<h2 id=\"greeting\"></h2>");
    HAS(out, "<p id=\"tip\">Tip</p>");
    LACKS(out, "Placeholder");
}
END_TEST

START_TEST(test_each_nesting)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL), *r, *pr;
    const char *out;

    out = render(NULL, "each.html", v);
    LACKS(out, "<li");
    HAS(out, "No cases.");
    LACKS(out, "Some cases.");

    mc_vars_set(v, "court", "22nd Circuit");
    r = mc_vars_row(v, "cases");
    mc_vars_set(r, "number", "C-1");
    mc_vars_set(r, "visible", "1");
    pr = mc_vars_row(r, "parties");
    mc_vars_set(pr, "pname", "Alice <A>");
    pr = mc_vars_row(r, "parties");
    mc_vars_set(pr, "pname", "Bob");
    mc_vars_set(pr, "number", "own");
    r = mc_vars_row(v, "cases");
    mc_vars_set(r, "number", "C-2");
    mc_vars_set(r, "visible", "0");
    r = mc_vars_row(v, "cases");
    mc_vars_set(r, "number", "C-3");
    mc_vars_set(r, "visible", "yes");
    out = render(NULL, "each.html", v);
    /* Rows in order; data-if per row; inner rows see the outer row and root. */
    HAS(out, "<li class=\"case\"><b>C-1</b>\n <span class=\"court\">22nd Circuit</span>\n "
             "<em class=\"party\"><i>Alice &lt;A&gt;</i>/<i>C-1</i></em>"
             "<em class=\"party\"><i>Bob</i>/<i>own</i></em>\n</li>"
             "<li class=\"case\"><b>C-3</b>");
    LACKS(out, "C-2");
    LACKS(out, "No cases.");
    HAS(out, "Some cases.");
}
END_TEST

START_TEST(test_csrf_insertion)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out;

    out = render(NULL, "form.html", v);
    LACKS(out, "mc_csrf");
    mc_vars_set(v, "_csrf", "tok\"<en>");
    out = render(NULL, "form.html", v);
    HAS(out, "<form id=\"f1\" method=\"post\" action=\"/x\"><input type=\"hidden\" "
             "name=\"mc_csrf\" value='tok\"&lt;en&gt;'><input name=\"a\"></form>");
    HAS(out, "<form id=\"f2\" method=\" PoSt \" action=\"/y\"><input type=\"hidden\" "
             "name=\"mc_csrf\"");
    HAS(out, "<form id=\"f3\" method=\"get\" action=\"/z\"><input name=\"q\"></form>");
    HAS(out, "<form id=\"f4\" action=\"/w\"></form>");
}
END_TEST

/* ABI 1.8: a <form method="post" data-once> gets the one-time token after
 * the anti-CSRF token; other forms never do; data-once leaves no trace. */
START_TEST(test_once_insertion)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out;

    mc_vars_set(v, "_csrf", "C");
    out = render(NULL, "once.html", v);
    LACKS(out, "mc_once");
    LACKS(out, "data-once");
    mc_vars_set(v, "_once", "1.n<o>.m");
    out = render(NULL, "once.html", v);
    HAS(out, "<form id=\"o1\" method=\"post\" action=\"/new\"><input type=\"hidden\" "
             "name=\"mc_csrf\" value=\"C\"><input type=\"hidden\" name=\"mc_once\" "
             "value=\"1.n&lt;o&gt;.m\"><button>New</button></form>");
    HAS(out, "<form id=\"o2\" method=\"post\" action=\"/other\"><input type=\"hidden\" "
             "name=\"mc_csrf\" value=\"C\"><button>");
    HAS(out, "<form id=\"o3\" method=\"get\" action=\"/find\"><input name=\"q\"></form>");
    LACKS(out, "data-once");
}
END_TEST

START_TEST(test_selected_checked)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL), *r;
    const char *out;

    /* Unset keys keep the template's defaults. */
    out = render(NULL, "form.html", v);
    HAS(out, "<option value=\"10\" selected>Tenth</option>");
    HAS(out, "<input id=\"cb2\" type=\"checkbox\" name=\"other\" checked>");
    HAS(out, "<input id=\"r2\" type=\"radio\" name=\"kind\" value=\"criminal\" checked>");

    mc_vars_set(v, "court", "22");
    mc_vars_set(v, "agree", "yes");
    mc_vars_set(v, "other", "x");
    mc_vars_set(v, "other_val", "no");
    mc_vars_set(v, "kind", "civil");
    mc_vars_set(v, "pick", "b");
    r = mc_vars_row(v, "opts");
    mc_vars_set(r, "id", "a");
    mc_vars_set(r, "label", "A");
    r = mc_vars_row(v, "opts");
    mc_vars_set(r, "id", "b");
    mc_vars_set(r, "label", "B");
    out = render(NULL, "form.html", v);
    HAS(out, "<option value=\"10\">Tenth</option>");
    HAS(out, "<option value=\"22\" selected>Twenty-second</option>");
    HAS(out, "<option value=\"a\">A</option><option value=\"b\" selected>B</option>");
    HAS(out, "<input id=\"cb\" type=\"checkbox\" name=\"agree\" value=\"yes\" checked>");
    HAS(out, "<input id=\"cb2\" type=\"checkbox\" name=\"other\">");
    HAS(out, "<input id=\"r1\" type=\"radio\" name=\"kind\" value=\"civil\" checked>");
    HAS(out, "<input id=\"r2\" type=\"radio\" name=\"kind\" value=\"criminal\">");
    /* An option without a value attribute matches on its text. */
    mc_vars_set(v, "court", "31");
    out = render(NULL, "form.html", v);
    HAS(out, "<option selected>31</option>");
    HAS(out, "<option value=\"10\">Tenth</option>");
}
END_TEST

START_TEST(test_url_attributes)
{
    static const char *const evil[] = { "javascript:alert(1)", "  JavaScript:alert(1)",
                                        "\tjava\nscript:alert(1)", "\x01javascript:x",
                                        "vbscript:msgbox", "data:text/html,<script>x</script>",
                                        "JAVASCRIPT:" };
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out;
    size_t i;

    for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
        mc_vars_set(v, "url", evil[i]);
        out = render(NULL, "link.html", v);
        HAS(out, "<a id=\"l1\">link</a>");
        HAS(out, "<img id=\"img\" alt=\"\">");
        LACKS(out, "href");
    }
    mc_vars_set(v, "url", "/case/12?tab=docs&x=1");
    out = render(NULL, "link.html", v);
    HAS(out, "<a id=\"l1\" href=\"/case/12?tab=docs&amp;x=1\">link</a>");
    HAS(out, "src=\"/case/12?tab=docs&amp;x=1\"");
    /* Unset: the template's own attribute goes too. */
    HAS(out, "<a id=\"l2\">gone</a>");
    /* Never into an event handler. */
    HAS(out, "<a id=\"l3\">x</a>");
    /* Other attributes take any value, as text. */
    mc_vars_set(v, "url", "javascript:x");
    out = render(NULL, "link.html", v);
    HAS(out, "<p id=\"p\" data-x=\"javascript:x\">p</p>");
}
END_TEST

START_TEST(test_layout_slot)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out, *main_at;

    mc_vars_set(v, "title", "Log on <now>");
    mc_vars_set(v, "name", "Ann");
    mc_vars_set(v, "court", "Cole County");
    out = render("layout.html", "page.html", v);
    HAS(out, "<title>Log on &lt;now&gt;</title>");
    HAS(out, "<span id=\"court\">Cole County</span>");
    main_at = strstr(out, "<main>");
    ck_assert_ptr_nonnull(main_at);
    ck_assert_ptr_nonnull(strstr(main_at, "<h2 id=\"greeting\">Ann</h2>"));
    ck_assert_ptr_nonnull(strstr(main_at, "</main>\n<footer>"));
    LACKS(out, "Layout placeholder");
    LACKS(out, "Ignored page head");
    LACKS(out, "/logoff");
    ck_assert_ptr_null(strstr(out + 1, "<!DOCTYPE"));
    /* The layout's own forms get the token too. */
    mc_vars_set(v, "signed_in", "1");
    mc_vars_set(v, "_csrf", "T0K");
    out = render("layout.html", "page.html", v);
    HAS(out, "<form method=\"POST\" action=\"/logoff\"><input type=\"hidden\" "
             "name=\"mc_csrf\" value=\"T0K\"><button>");
}
END_TEST

START_TEST(test_errors)
{
    char *out = NULL;
    const char *err = NULL;
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    ck_assert_int_eq(mc_tmpl_render(cache, mc_test_pool, NULL, "nope.html", v, &out, NULL, &err),
                     APR_ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "nope.html"));
    ck_assert_int_eq(
        mc_tmpl_render(cache, mc_test_pool, "nolayout.html", "page.html", v, &out, NULL, &err),
        APR_ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "nolayout.html"));
    ck_assert_int_eq(
        mc_tmpl_render(cache, mc_test_pool, "noslot.html", "page.html", v, &out, NULL, &err),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "data-slot"));
    ck_assert_int_eq(mc_tmpl_render(cache, mc_test_pool, NULL, "empty.html", v, &out, NULL, &err),
                     APR_EINVAL);
    ck_assert_int_eq(mc_tmpl_render(cache, mc_test_pool, NULL, "../templates/shipped/page.html", v,
                                    &out, NULL, &err),
                     APR_EINVAL);
    ck_assert_int_eq(mc_tmpl_render(cache, mc_test_pool, NULL, "/etc/passwd", v, &out, NULL, &err),
                     APR_EINVAL);
    ck_assert_int_eq(mc_tmpl_text(cache, mc_test_pool, "nope.txt", v, &out, &err), APR_ENOENT);
}
END_TEST

/* A template the HTML parser has to repair is refused with its file and
 * line, at render time and by mc_tmpl_check_file, never rendered as the
 * parser guessed (an unclosed comment would swallow the whole page). */
START_TEST(test_not_well_formed)
{
    char *out = NULL;
    const char *err = NULL;
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *broken = apr_pstrcat(mc_test_pool, shipped_dir, "/broken.html", NULL);

    ck_assert_int_eq(mc_tmpl_render(cache, mc_test_pool, NULL, "broken.html", v, &out, NULL, &err),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, apr_pstrcat(mc_test_pool, broken, ":3: ", NULL)));
    ck_assert_ptr_nonnull(strstr(err, "span"));
    ck_assert_int_eq(
        mc_tmpl_render(cache, mc_test_pool, "layout.html", "comment.html", v, &out, NULL, &err),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "comment.html:"));
    ck_assert_ptr_nonnull(strstr(err, "Comment not terminated"));
    err = NULL;
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool, broken, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, apr_pstrcat(mc_test_pool, broken, ":3: ", NULL)));
    /* HTML5 elements (layout.html has <header>, <main>, <footer>) are fine. */
    ck_assert_int_eq(
        mc_tmpl_check_file(mc_test_pool,
                           apr_pstrcat(mc_test_pool, shipped_dir, "/layout.html", NULL), &err),
        APR_SUCCESS);
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool,
                                        apr_pstrcat(mc_test_pool, shipped_dir, "/mail.txt", NULL),
                                        &err),
                     APR_SUCCESS);
    ck_assert(APR_STATUS_IS_ENOENT(mc_tmpl_check_file(
        mc_test_pool, apr_pstrcat(mc_test_pool, shipped_dir, "/nope.html", NULL), &err)));
    ck_assert_ptr_nonnull(strstr(err, "nope.html"));
}
END_TEST

START_TEST(test_override_order)
{
    const char *out = render(NULL, "over.html", NULL);

    HAS(out, "<p id=\"which\">site</p>");
}
END_TEST

START_TEST(test_text_template)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    char *out = NULL;
    const char *err = NULL;

    mc_vars_set(v, "name", "Ann <b>");
    mc_vars_set(v, "code", "123456");
    ck_assert_int_eq(mc_tmpl_text(cache, mc_test_pool, "mail.txt", v, &out, &err), APR_SUCCESS);
    ck_assert_str_eq(out, "Dear Ann <b>,\n"
                          "Your code is 123456. Unknown: []. Literal: {{ not a key {{ and {{}}.\n"
                          "{{unterminated\n");
}
END_TEST

typedef struct thread_job {
    const mc_vars *v;
    const char *expect;
    int failures;
} thread_job;

static void *render_thread(void *arg)
{
    thread_job *job = arg;
    apr_pool_t *p;
    int i;

    apr_pool_create(&p, NULL);
    for (i = 0; i < 40; i++) {
        char *out = NULL;
        const char *err = NULL;
        if (mc_tmpl_render(cache, p, "layout.html", "page.html", job->v, &out, NULL, &err) !=
                APR_SUCCESS ||
            strcmp(out, job->expect) != 0)
            job->failures++;
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    return NULL;
}

START_TEST(test_threads_share_cache)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    thread_job jobs[6];
    pthread_t th[6];
    const char *expect;
    int i;

    mc_vars_set(v, "title", "T");
    mc_vars_set(v, "name", "N");
    mc_vars_set(v, "_csrf", "C");
    /* Cold cache: every thread races to load the same templates. */
    for (i = 0; i < 6; i++) {
        jobs[i].v = v;
        jobs[i].expect = NULL;
        jobs[i].failures = 0;
    }
    {
        apr_pool_t *p;
        char *out;
        const char *err;
        mc_tmpl_cache *cold;
        const char *dirs[] = { shipped_dir, NULL };
        apr_pool_create(&p, mc_test_pool);
        cold = mc_tmpl_cache_create(p, dirs);
        ck_assert_int_eq(mc_tmpl_render(cold, p, "layout.html", "page.html", v, &out, NULL, &err),
                         APR_SUCCESS);
        expect = apr_pstrdup(mc_test_pool, out);
        apr_pool_destroy(p); /* frees that cache's documents */
    }
    for (i = 0; i < 6; i++) {
        jobs[i].expect = expect;
        ck_assert_int_eq(pthread_create(&th[i], NULL, render_thread, &jobs[i]), 0);
    }
    for (i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
}
END_TEST

Suite *suite_tmpl(void)
{
    Suite *s = suite_create("tmpl");
    MC_TEST_TCASE(s, "core", setup, teardown, 60, test_vars, test_escaping, test_if_unless,
                  test_each_nesting, test_csrf_insertion, test_once_insertion,
                  test_selected_checked, test_url_attributes, test_layout_slot, test_errors,
                  test_not_well_formed, test_override_order, test_text_template,
                  test_threads_share_cache);
    return s;
}
