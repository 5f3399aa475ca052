/* Unit tests for data-include in mc_tmpl: partials rendered in place, keys
 * and data-each inside them, data-let, slots, the override directory, and
 * the errors (missing, not well-formed, loops, depth) at render time and by
 * mc_tmpl_check. Fixtures: tests/unit/fixtures/templates/{site,shipped}/
 * inc-*.html and _inc-*.html (run from the repository root, as `make unit`
 * does; MC_FIXTURES overrides). */
#include <apr_general.h>
#include <apr_strings.h>
#include <check.h>
#include <string.h>

#include "mc_tmpl.h"
#include "mc_tmpl_load.h"

static apr_pool_t *pool;
static mc_tmpl_cache *cache;
static const char *shipped_dir;

static void setup(void)
{
    const char *base = getenv("MC_FIXTURES") ? getenv("MC_FIXTURES")
                                              : "tests/unit/fixtures/templates";
    const char *dirs[3];

    apr_initialize();
    apr_pool_create(&pool, NULL);
    dirs[0] = apr_pstrcat(pool, base, "/site", NULL);
    dirs[1] = shipped_dir = apr_pstrcat(pool, base, "/shipped", NULL);
    dirs[2] = NULL;
    cache = mc_tmpl_cache_create(pool, dirs);
}

static void teardown(void)
{
    apr_pool_destroy(pool);
    apr_terminate();
}

#define HAS(out, s) ck_assert_msg(strstr((out), (s)) != NULL, "missing %s in:\n%s", (s), (out))
#define LACKS(out, s) ck_assert_msg(strstr((out), (s)) == NULL, "unexpected %s in:\n%s", (s), (out))

/* Renders page (into layout) and fails the test on an error or on
 * template markup left in the output. */
static const char *render(const char *layout, const char *page, const mc_vars *v)
{
    char *out = NULL;
    const char *err = NULL;
    apr_status_t rv = mc_tmpl_render(cache, pool, layout, page, v, &out, NULL, &err);

    ck_assert_msg(rv == APR_SUCCESS, "render %s: %s", page, err ? err : "?");
    LACKS(out, "data-include");
    LACKS(out, "data-let");
    LACKS(out, "data-slot");
    LACKS(out, "data-text");
    LACKS(out, "data-each");
    return out;
}

/* A render that must fail: its status, *err kept for the caller. */
static apr_status_t render_fails(const char *page, const char **err)
{
    char *out = NULL;

    *err = NULL;
    return mc_tmpl_render(cache, pool, NULL, page, mc_vars_make(pool, NULL), &out, NULL, err);
}

static const char *shipped(const char *name)
{
    return apr_pstrcat(pool, shipped_dir, "/", name, NULL);
}

START_TEST(test_include_renders)
{
    const char *out = render(NULL, "inc-page.html", mc_vars_make(pool, NULL));

    /* The partial's body children stand where the include element stood,
     * without it, and a partial's own include is expanded too. */
    HAS(out, "<h1 id=\"top\">Top</h1>\n<p id=\"part\"></p>");
    HAS(out, "<ul id=\"items\"></ul>\n<p id=\"nested\">Nested</p>\n");
    LACKS(out, "<div>\n<p id=\"part\"");
    /* Inside a paragraph, through a <span>. */
    HAS(out, "<p id=\"inline\">Say <em></em>!</p>");
}
END_TEST

START_TEST(test_include_variables)
{
    mc_vars *v = mc_vars_make(pool, NULL);
    const char *out;

    mc_vars_set(v, "name", "<b>Ann</b> & co");
    mc_vars_set(v, "word", "hello");
    out = render(NULL, "inc-page.html", v);
    /* Keys resolve inside the partial as at the include element, and are
     * escaped as anywhere else. */
    HAS(out, "<p id=\"part\">&lt;b&gt;Ann&lt;/b&gt; &amp; co</p>");
    HAS(out, "<p id=\"nested\" title=\"&lt;b&gt;Ann&lt;/b&gt; &amp; co\">Nested</p>");
    HAS(out, "<p id=\"inline\">Say <em>hello</em>!</p>");
    LACKS(out, "<b>Ann");
}
END_TEST

START_TEST(test_include_let_and_slot)
{
    mc_vars *v = mc_vars_make(pool, NULL);
    const char *out;

    mc_vars_set(v, "name", "Ann");
    mc_vars_set(v, "heading", "from the page");
    out = render(NULL, "inc-page.html", v);
    /* data-let: a literal, innermost, escaped on output; the element's own
     * children take the slot element's place and see the page's keys. */
    HAS(out, "<section class=\"box\"><h2>Box &amp; title</h2><div class=\"inner\">"
             "<p id=\"inside\">Ann</p></div></section>");
    LACKS(out, "from the page");
    LACKS(out, "Default");
}
END_TEST

START_TEST(test_include_each)
{
    mc_vars *v = mc_vars_make(pool, NULL), *r;
    const char *out;

    mc_vars_set(v, "name", "Ann");
    r = mc_vars_row(v, "items");
    mc_vars_set(r, "label", "one");
    r = mc_vars_row(v, "items");
    mc_vars_set(r, "label", "two");
    r = mc_vars_row(v, "rows");
    mc_vars_set(r, "label", "first");
    r = mc_vars_row(v, "rows");
    mc_vars_set(r, "label", "second");
    mc_vars_set(r, "name", "Bob");
    out = render(NULL, "inc-page.html", v);
    /* data-each inside a partial. */
    HAS(out, "<ul id=\"items\"><li>one</li><li>two</li></ul>");
    /* data-each on the include element: the partial once per row, in the
     * row's scope. */
    HAS(out, "<p class=\"row\"><b>first</b> of <i>Ann</i></p>"
             "<p class=\"row\"><b>second</b> of <i>Bob</i></p>");
}
END_TEST

START_TEST(test_include_override_wins)
{
    const char *out = render(NULL, "inc-page.html", NULL);

    HAS(out, "<p id=\"over-part\">site</p>");
    LACKS(out, "shipped");
}
END_TEST

START_TEST(test_include_in_layout)
{
    mc_vars *v = mc_vars_make(pool, NULL);
    const char *out, *main_at;

    mc_vars_set(v, "name", "Ann");
    out = render("layout.html", "inc-page.html", v);
    /* The partial's slot is not the layout's: the page goes into <main>. */
    main_at = strstr(out, "<main>");
    ck_assert_ptr_nonnull(main_at);
    ck_assert_ptr_nonnull(strstr(main_at, "<h1 id=\"top\">Top</h1>"));
    HAS(out, "<div class=\"inner\"><p id=\"inside\">Ann</p></div>");
}
END_TEST

START_TEST(test_include_missing)
{
    const char *err, *page = shipped("inc-missing.html");

    ck_assert_int_eq(render_fails("inc-missing.html", &err), APR_ENOENT);
    HAS(err, apr_pstrcat(pool, page, ":3: data-include=\"_inc-nope.html\": ", NULL));
    HAS(err, "_inc-nope.html was not found");
    /* configtest's check says the same. */
    ck_assert_int_eq(mc_tmpl_check(cache, pool, page, &err), APR_ENOENT);
    HAS(err, apr_pstrcat(pool, page, ":3: data-include=\"_inc-nope.html\": ", NULL));
    /* mc_tmpl_check_file alone does not resolve includes. */
    ck_assert_int_eq(mc_tmpl_check_file(pool, page, &err), APR_SUCCESS);
}
END_TEST

START_TEST(test_include_not_well_formed)
{
    const char *err, *page = shipped("inc-broken.html");

    ck_assert_int_eq(render_fails("inc-broken.html", &err), APR_EINVAL);
    HAS(err, apr_pstrcat(pool, page, ":2: data-include=\"broken.html\": ", shipped("broken.html"),
                         ":3: ", NULL));
    ck_assert_int_eq(mc_tmpl_check(cache, pool, page, &err), APR_EINVAL);
    HAS(err, apr_pstrcat(pool, shipped("broken.html"), ":3: ", NULL));
}
END_TEST

START_TEST(test_include_loop_refused)
{
    const char *err;

    /* A loop fails every time (a template is cached only once loaded). */
    ck_assert_int_eq(render_fails("inc-loop.html", &err), APR_EINVAL);
    HAS(err, "the partial includes itself (inc-loop.html -> _inc-loop-a.html -> "
             "_inc-loop-b.html -> _inc-loop-a.html)");
    HAS(err, apr_pstrcat(pool, shipped("_inc-loop-b.html"),
                         ":3: data-include=\"_inc-loop-a.html\"", NULL));
    ck_assert_int_eq(render_fails("inc-loop.html", &err), APR_EINVAL);
    ck_assert_int_eq(render_fails("_inc-loop-b.html", &err), APR_EINVAL);
    ck_assert_int_eq(mc_tmpl_check(cache, pool, shipped("_inc-loop-a.html"), &err), APR_EINVAL);
    HAS(err, "includes itself");
}
END_TEST

START_TEST(test_include_depth)
{
    const char *err, *out;

    /* Eight partials deep is allowed; nine is refused, whatever was cached
     * first. */
    out = render(NULL, "inc-deep-ok.html", NULL);
    HAS(out, "<i>2</i><i>3</i><i>4</i><i>5</i><i>6</i><i>7</i><i>8</i><i>9</i>");
    ck_assert_int_eq(render_fails("inc-deep.html", &err), APR_EINVAL);
    HAS(err, "includes nest more than 8 deep");
    HAS(err, apr_pstrcat(pool, shipped("inc-deep.html"), ":1: data-include=\"_inc-deep-1.html\"",
                         NULL));
    ck_assert_int_eq(mc_tmpl_check(cache, pool, shipped("inc-deep.html"), &err), APR_EINVAL);
    ck_assert_int_eq(mc_tmpl_check(cache, pool, shipped("inc-deep-ok.html"), &err), APR_SUCCESS);
}
END_TEST

START_TEST(test_include_content_needs_slot)
{
    const char *err;

    ck_assert_int_eq(render_fails("inc-noslot.html", &err), APR_EINVAL);
    HAS(err, apr_pstrcat(pool, shipped("inc-noslot.html"),
                         ":2: data-include=\"_inc-nested.html\": the element has content", NULL));
    ck_assert_int_eq(mc_tmpl_check(cache, pool, shipped("inc-page.html"), &err), APR_SUCCESS);
}
END_TEST

Suite *suite_tmpl_include(void)
{
    Suite *s = suite_create("tmpl_include");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_include_renders);
    tcase_add_test(tc, test_include_variables);
    tcase_add_test(tc, test_include_let_and_slot);
    tcase_add_test(tc, test_include_each);
    tcase_add_test(tc, test_include_override_wins);
    tcase_add_test(tc, test_include_in_layout);
    tcase_add_test(tc, test_include_missing);
    tcase_add_test(tc, test_include_not_well_formed);
    tcase_add_test(tc, test_include_loop_refused);
    tcase_add_test(tc, test_include_depth);
    tcase_add_test(tc, test_include_content_needs_slot);
    suite_add_tcase(s, tc);
    return s;
}
