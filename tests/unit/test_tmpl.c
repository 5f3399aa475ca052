/* Unit tests for mc_tmpl: variables, HTML rendering, text templates.
 * Fixtures: tests/unit/fixtures/templates/{site,shipped}/ (tmpl_fixture.c).
 * Includes: test_tmpl_include.c. */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mc_log.h"
#include "mc_tmpl.h"
#include "tmpl_fixture.h"
#include "unit_fixture.h"

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

    mc_log_set(count_log, NULL);
    tmpl_ck(
        NULL, "escape.html", v,
        &(tmpl_case){.vars = {"v", "<script>alert(1)</script>\"'&amp;"},
                     .has = {"<p id=\"t\">&lt;script&gt;alert(1)&lt;/script&gt;\"'&amp;amp;</p>",
                             "value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;amp;\"",
                             "title=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;amp;\"",
                             "<textarea id=\"ta\">&lt;script&gt;alert(1)&lt;/script&gt;",
                             /* No value is ever put inside a <script> element. */
                             "<script></script>"},
                     .lacks = {"<script>alert"}});
    ck_assert_int_eq(warnings, 1);
    /* Invalid UTF-8 and control characters never reach the page. */
    tmpl_ck(NULL, "escape.html", v,
            &(tmpl_case){.vars = {"v", "a\xff\xc3(b\x01"},
                         .has = {"<p id=\"t\">a\xef\xbf\xbd\xef\xbf\xbd(b\xef\xbf\xbd</p>"}});
    mc_log_set(NULL, NULL);
}
END_TEST

START_TEST(test_if_unless)
{
    static const char *const falsy[] = {"0", "", NULL};
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    tmpl_ck(NULL, "page.html", v,
            &(tmpl_case){.vars = {"flag", "1", "name", "Ann"},
                         .has = {"id=\"shown\"", "<h2 id=\"greeting\">Ann</h2>",
                                 "<p id=\"tip\" title=\"Ann\">"},
                         .lacks = {"id=\"hidden\""}});
    for (size_t i = 0; i < MC_TEST_COUNT(falsy); i++)
        tmpl_ck(NULL, "page.html", v,
                &(tmpl_case){.vars = {"flag", falsy[i]},
                             .has = {"id=\"hidden\""},
                             .lacks = {"id=\"shown\""}});
    /* Unset keys: data-text empties the element, data-attr removes the attribute. */
    tmpl_ck(NULL, "page.html", v,
            &(tmpl_case){.vars = {"name", NULL},
                         .has = {"<h2 id=\"greeting\"></h2>", "<p id=\"tip\">Tip</p>"},
                         .lacks = {"Placeholder"}});
}
END_TEST

START_TEST(test_each_nesting)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL), *r;

    tmpl_ck(NULL, "each.html", v,
            &(tmpl_case){.has = {"No cases."}, .lacks = {"<li", "Some cases."}});
    r = tmpl_row(v, "cases", KV("number", "C-1", "visible", "1"));
    tmpl_row(r, "parties", KV("pname", "Alice <A>"));
    tmpl_row(r, "parties", KV("pname", "Bob", "number", "own"));
    tmpl_row(v, "cases", KV("number", "C-2", "visible", "0"));
    tmpl_row(v, "cases", KV("number", "C-3", "visible", "yes"));
    /* Rows in order; data-if per row; inner rows see the outer row and root. */
    tmpl_ck(NULL, "each.html", v,
            &(tmpl_case){.vars = {"court", "22nd Circuit"},
                         .has = {"<li class=\"case\"><b>C-1</b>\n <span "
                                 "class=\"court\">22nd Circuit</span>\n "
                                 "<em class=\"party\"><i>Alice &lt;A&gt;</i>/<i>C-1</i></em>"
                                 "<em class=\"party\"><i>Bob</i>/<i>own</i></em>\n</li>"
                                 "<li class=\"case\"><b>C-3</b>",
                                 "Some cases."},
                         .lacks = {"C-2", "No cases."}});
}
END_TEST

START_TEST(test_csrf_insertion)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    tmpl_ck(NULL, "form.html", v, &(tmpl_case){.lacks = {"mc_csrf"}});
    tmpl_ck(NULL, "form.html", v,
            &(tmpl_case){
                .vars = {"_csrf", "tok\"<en>"},
                .has = {"<form id=\"f1\" method=\"post\" action=\"/x\"><input type=\"hidden\" "
                        "name=\"mc_csrf\" value='tok\"&lt;en&gt;'><input name=\"a\"></form>",
                        "<form id=\"f2\" method=\" PoSt \" action=\"/y\"><input type=\"hidden\" "
                        "name=\"mc_csrf\"",
                        "<form id=\"f3\" method=\"get\" action=\"/z\"><input name=\"q\"></form>",
                        "<form id=\"f4\" action=\"/w\"></form>"}});
}
END_TEST

/* ABI 1.8: a <form method="post" data-once> gets the one-time token after
 * the anti-CSRF token; other forms never do; data-once leaves no trace. */
START_TEST(test_once_insertion)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    tmpl_ck(NULL, "once.html", v,
            &(tmpl_case){.vars = {"_csrf", "C"}, .lacks = {"mc_once", "data-once"}});
    tmpl_ck(NULL, "once.html", v,
            &(tmpl_case){
                .vars = {"_once", "1.n<o>.m"},
                .has = {"<form id=\"o1\" method=\"post\" action=\"/new\"><input type=\"hidden\" "
                        "name=\"mc_csrf\" value=\"C\"><input type=\"hidden\" name=\"mc_once\" "
                        "value=\"1.n&lt;o&gt;.m\"><button>New</button></form>",
                        "<form id=\"o2\" method=\"post\" action=\"/other\"><input "
                        "type=\"hidden\" name=\"mc_csrf\" value=\"C\"><button>",
                        "<form id=\"o3\" method=\"get\" action=\"/find\"><input "
                        "name=\"q\"></form>"},
                .lacks = {"data-once"}});
}
END_TEST

START_TEST(test_selected_checked)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    /* Unset keys keep the template's defaults. */
    tmpl_ck(NULL, "form.html", v,
            &(tmpl_case){.has = {"<option value=\"10\" selected>Tenth</option>",
                                 "<input id=\"cb2\" type=\"checkbox\" name=\"other\" checked>",
                                 "<input id=\"r2\" type=\"radio\" name=\"kind\" value=\"criminal\" "
                                 "checked>"}});
    tmpl_row(v, "opts", KV("id", "a", "label", "A"));
    tmpl_row(v, "opts", KV("id", "b", "label", "B"));
    tmpl_ck(NULL, "form.html", v,
            &(tmpl_case){
                .vars = {"court", "22", "agree", "yes", "other", "x", "other_val", "no", "kind",
                         "civil", "pick", "b"},
                .has = {"<option value=\"10\">Tenth</option>",
                        "<option value=\"22\" selected>Twenty-second</option>",
                        "<option value=\"a\">A</option><option value=\"b\" selected>B</option>",
                        "<input id=\"cb\" type=\"checkbox\" name=\"agree\" value=\"yes\" checked>",
                        "<input id=\"cb2\" type=\"checkbox\" name=\"other\">",
                        "<input id=\"r1\" type=\"radio\" name=\"kind\" value=\"civil\" checked>",
                        "<input id=\"r2\" type=\"radio\" name=\"kind\" value=\"criminal\">"}});
    /* An option without a value attribute matches on its text. */
    tmpl_ck(NULL, "form.html", v,
            &(tmpl_case){
                .vars = {"court", "31"},
                .has = {"<option selected>31</option>", "<option value=\"10\">Tenth</option>"}});
}
END_TEST

START_TEST(test_url_attributes)
{
    static const char *const evil[] = {
        "javascript:alert(1)", "  JavaScript:alert(1)", "\tjava\nscript:alert(1)",
        "\x01javascript:x",    "vbscript:msgbox",       "data:text/html,<script>x</script>",
        "JAVASCRIPT:"};
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    for (size_t i = 0; i < MC_TEST_COUNT(evil); i++)
        tmpl_ck(NULL, "link.html", v,
                &(tmpl_case){.vars = {"url", evil[i]},
                             .has = {"<a id=\"l1\">link</a>", "<img id=\"img\" alt=\"\">"},
                             .lacks = {"href"}});
    tmpl_ck(NULL, "link.html", v,
            &(tmpl_case){.vars = {"url", "/case/12?tab=docs&x=1"},
                         .has = {"<a id=\"l1\" href=\"/case/12?tab=docs&amp;x=1\">link</a>",
                                 "src=\"/case/12?tab=docs&amp;x=1\"",
                                 /* Unset: the template's own attribute goes too. */
                                 "<a id=\"l2\">gone</a>",
                                 /* Never into an event handler. */
                                 "<a id=\"l3\">x</a>"}});
    /* Other attributes take any value, as text. */
    tmpl_ck(NULL, "link.html", v,
            &(tmpl_case){.vars = {"url", "javascript:x"},
                         .has = {"<p id=\"p\" data-x=\"javascript:x\">p</p>"}});
}
END_TEST

START_TEST(test_layout_slot)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    const char *out, *main_at;

    out = tmpl_ck(
        "layout.html", "page.html", v,
        &(tmpl_case){
            .vars = {"title", "Log on <now>", "name", "Ann", "court", "Cole County"},
            .has = {"<title>Log on &lt;now&gt;</title>", "<span id=\"court\">Cole County</span>"},
            .lacks = {"Layout placeholder", "Ignored page head", "/logoff"}});
    main_at = strstr(out, "<main>");
    ck_assert_ptr_nonnull(main_at);
    ck_assert_ptr_nonnull(strstr(main_at, "<h2 id=\"greeting\">Ann</h2>"));
    ck_assert_ptr_nonnull(strstr(main_at, "</main>\n<footer>"));
    ck_assert_ptr_null(strstr(out + 1, "<!DOCTYPE"));
    /* The layout's own forms get the token too. */
    tmpl_ck("layout.html", "page.html", v,
            &(tmpl_case){.vars = {"signed_in", "1", "_csrf", "T0K"},
                         .has = {"<form method=\"POST\" action=\"/logoff\"><input "
                                 "type=\"hidden\" name=\"mc_csrf\" value=\"T0K\"><button>"}});
}
END_TEST

START_TEST(test_errors)
{
    char *out = NULL;
    const char *err = NULL;

    tmpl_ck_fails(NULL, "nope.html", APR_ENOENT, "nope.html", NULL);
    tmpl_ck_fails("nolayout.html", "page.html", APR_ENOENT, "nolayout.html", NULL);
    tmpl_ck_fails("noslot.html", "page.html", APR_EINVAL, "data-slot", NULL);
    tmpl_ck_fails(NULL, "empty.html", APR_EINVAL, NULL, NULL);
    tmpl_ck_fails(NULL, "../templates/shipped/page.html", APR_EINVAL, NULL, NULL);
    tmpl_ck_fails(NULL, "/etc/passwd", APR_EINVAL, NULL, NULL);
    ck_assert_int_eq(mc_tmpl_text(tmpl_cache, mc_test_pool, "nope.txt",
                                  mc_vars_make(mc_test_pool, NULL), &out, &err),
                     APR_ENOENT);
}
END_TEST

/* A template the HTML parser has to repair is refused with its file and
 * line, at render time and by mc_tmpl_check_file, never rendered as the
 * parser guessed (an unclosed comment would swallow the whole page). */
START_TEST(test_not_well_formed)
{
    const char *err = NULL;
    const char *broken = tmpl_shipped("broken.html");
    const char *at_line3 = apr_pstrcat(mc_test_pool, broken, ":3: ", NULL);

    tmpl_ck_fails(NULL, "broken.html", APR_EINVAL, at_line3, "span");
    tmpl_ck_fails("layout.html", "comment.html", APR_EINVAL,
                  "comment.html:", "Comment not terminated");
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool, broken, &err), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, at_line3));
    /* HTML5 elements (layout.html has <header>, <main>, <footer>) are fine. */
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool, tmpl_shipped("layout.html"), &err),
                     APR_SUCCESS);
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool, tmpl_shipped("mail.txt"), &err), APR_SUCCESS);
    ck_assert(
        APR_STATUS_IS_ENOENT(mc_tmpl_check_file(mc_test_pool, tmpl_shipped("nope.html"), &err)));
    ck_assert_ptr_nonnull(strstr(err, "nope.html"));
}
END_TEST

START_TEST(test_override_order)
{
    tmpl_ck(NULL, "over.html", NULL, &(tmpl_case){.has = {"<p id=\"which\">site</p>"}});
}
END_TEST

START_TEST(test_text_template)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);
    char *out = NULL;
    const char *err = NULL;

    mc_vars_set(v, "name", "Ann <b>");
    mc_vars_set(v, "code", "123456");
    ck_assert_int_eq(mc_tmpl_text(tmpl_cache, mc_test_pool, "mail.txt", v, &out, &err),
                     APR_SUCCESS);
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
        if (mc_tmpl_render(tmpl_cache, p, "layout.html", "page.html", job->v, &out, NULL, &err) !=
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
        const char *dirs[] = {tmpl_shipped_dir, NULL};
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

MC_TEST_SUITE(tmpl, tmpl_setup, mc_test_pool_teardown, 60, test_vars, test_escaping, test_if_unless,
              test_each_nesting, test_csrf_insertion, test_once_insertion, test_selected_checked,
              test_url_attributes, test_layout_slot, test_errors, test_not_well_formed,
              test_override_order, test_text_template, test_threads_share_cache)
