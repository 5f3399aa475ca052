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
#include "tmpl_fixture.h"
#include "unit_fixture.h"

START_TEST(test_include_renders)
{
    /* The partial's body children stand where the include element stood,
     * without it, and a partial's own include is expanded too; inside a
     * paragraph, through a <span>. Comments at either end of a partial are
     * its notes, not output. */
    tmpl_ck(NULL, "inc-page.html", mc_vars_make(mc_test_pool, NULL),
            &(tmpl_case){.has = {"<h1 id=\"top\">Top</h1>\n<p id=\"part\"></p>",
                                 "<ul id=\"items\"></ul>\n<p id=\"nested\">Nested</p>\n",
                                 "<p id=\"inline\">Say <em></em>!</p>"},
                         .lacks = {"<div>\n<p id=\"part\"", "note"}});
}
END_TEST

START_TEST(test_include_variables)
{
    /* Keys resolve inside the partial as at the include element, and are
     * escaped as anywhere else. */
    tmpl_ck(NULL, "inc-page.html", mc_vars_make(mc_test_pool, NULL),
            &(tmpl_case){
                .vars = {"name", "<b>Ann</b> & co", "word", "hello"},
                .has = {"<p id=\"part\">&lt;b&gt;Ann&lt;/b&gt; &amp; co</p>",
                        "<p id=\"nested\" title=\"&lt;b&gt;Ann&lt;/b&gt; &amp; co\">Nested</p>",
                        "<p id=\"inline\">Say <em>hello</em>!</p>"},
                .lacks = {"<b>Ann"}});
}
END_TEST

START_TEST(test_include_let_and_slot)
{
    /* data-let: a literal, innermost, escaped on output; the element's own
     * children take the slot element's place and see the page's keys. */
    tmpl_ck(NULL, "inc-page.html", mc_vars_make(mc_test_pool, NULL),
            &(tmpl_case){.vars = {"name", "Ann", "heading", "from the page"},
                         .has = {"<section class=\"box\"><h2>Box &amp; title</h2><div "
                                 "class=\"inner\"><p id=\"inside\">Ann</p></div></section>"},
                         .lacks = {"from the page", "Default"}});
}
END_TEST

START_TEST(test_include_each)
{
    mc_vars *v = mc_vars_make(mc_test_pool, NULL);

    tmpl_row(v, "items", KV("label", "one"));
    tmpl_row(v, "items", KV("label", "two"));
    tmpl_row(v, "rows", KV("label", "first"));
    tmpl_row(v, "rows", KV("label", "second", "name", "Bob"));
    tmpl_ck(NULL, "inc-page.html", v,
            &(tmpl_case){.vars = {"name", "Ann"},
                         .has = {/* data-each inside a partial */
                                 "<ul id=\"items\"><li>one</li><li>two</li></ul>",
                                 /* data-each on the include element: the partial
                                  * once per row, in the row's scope */
                                 "<p class=\"row\"><b>first</b> of <i>Ann</i></p>"
                                 "<p class=\"row\"><b>second</b> of <i>Bob</i></p>"}});
}
END_TEST

START_TEST(test_include_override_wins)
{
    tmpl_ck(NULL, "inc-page.html", NULL,
            &(tmpl_case){.has = {"<p id=\"over-part\">site</p>"}, .lacks = {"shipped"}});
}
END_TEST

START_TEST(test_include_in_layout)
{
    const char *out, *main_at;

    out = tmpl_ck("layout.html", "inc-page.html", mc_vars_make(mc_test_pool, NULL),
                  &(tmpl_case){.vars = {"name", "Ann"},
                               .has = {"<div class=\"inner\"><p id=\"inside\">Ann</p></div>"}});
    /* The partial's slot is not the layout's: the page goes into <main>. */
    main_at = strstr(out, "<main>");
    ck_assert_ptr_nonnull(main_at);
    ck_assert_ptr_nonnull(strstr(main_at, "<h1 id=\"top\">Top</h1>"));
}
END_TEST

START_TEST(test_include_missing)
{
    const char *err, *page = tmpl_shipped("inc-missing.html");
    const char *where =
        apr_pstrcat(mc_test_pool, page, ":3: data-include=\"_inc-nope.html\": ", NULL);

    tmpl_ck_fails(NULL, "inc-missing.html", APR_ENOENT, where, "_inc-nope.html was not found");
    /* configtest's check says the same. */
    ck_assert_int_eq(mc_tmpl_check(tmpl_cache, mc_test_pool, page, &err), APR_ENOENT);
    HAS(err, where);
    /* mc_tmpl_check_file alone does not resolve includes. */
    ck_assert_int_eq(mc_tmpl_check_file(mc_test_pool, page, &err), APR_SUCCESS);
}
END_TEST

START_TEST(test_include_not_well_formed)
{
    const char *err, *page = tmpl_shipped("inc-broken.html");
    const char *broken = apr_pstrcat(mc_test_pool, tmpl_shipped("broken.html"), ":3: ", NULL);

    tmpl_ck_fails(
        NULL, "inc-broken.html", APR_EINVAL,
        apr_pstrcat(mc_test_pool, page, ":2: data-include=\"broken.html\": ", broken, NULL), NULL);
    ck_assert_int_eq(mc_tmpl_check(tmpl_cache, mc_test_pool, page, &err), APR_EINVAL);
    HAS(err, broken);
}
END_TEST

START_TEST(test_include_loop_refused)
{
    const char *err;

    /* A loop fails every time (a template is cached only once loaded). */
    tmpl_ck_fails(NULL, "inc-loop.html", APR_EINVAL,
                  "the partial includes itself (inc-loop.html -> _inc-loop-a.html -> "
                  "_inc-loop-b.html -> _inc-loop-a.html)",
                  apr_pstrcat(mc_test_pool, tmpl_shipped("_inc-loop-b.html"),
                              ":3: data-include=\"_inc-loop-a.html\"", NULL));
    tmpl_ck_fails(NULL, "inc-loop.html", APR_EINVAL, NULL, NULL);
    tmpl_ck_fails(NULL, "_inc-loop-b.html", APR_EINVAL, NULL, NULL);
    ck_assert_int_eq(
        mc_tmpl_check(tmpl_cache, mc_test_pool, tmpl_shipped("_inc-loop-a.html"), &err),
        APR_EINVAL);
    HAS(err, "includes itself");
}
END_TEST

START_TEST(test_include_depth)
{
    const char *err;

    /* Eight partials deep is allowed; nine is refused, whatever was cached
     * first. */
    tmpl_ck(
        NULL, "inc-deep-ok.html", NULL,
        &(tmpl_case){.has = {"<i>2</i><i>3</i><i>4</i><i>5</i><i>6</i><i>7</i><i>8</i><i>9</i>"}});
    tmpl_ck_fails(NULL, "inc-deep.html", APR_EINVAL, "includes nest more than 8 deep",
                  apr_pstrcat(mc_test_pool, tmpl_shipped("inc-deep.html"),
                              ":1: data-include=\"_inc-deep-1.html\"", NULL));
    ck_assert_int_eq(mc_tmpl_check(tmpl_cache, mc_test_pool, tmpl_shipped("inc-deep.html"), &err),
                     APR_EINVAL);
    ck_assert_int_eq(
        mc_tmpl_check(tmpl_cache, mc_test_pool, tmpl_shipped("inc-deep-ok.html"), &err),
        APR_SUCCESS);
}
END_TEST

START_TEST(test_include_content_needs_slot)
{
    const char *err;

    tmpl_ck_fails(NULL, "inc-noslot.html", APR_EINVAL,
                  apr_pstrcat(mc_test_pool, tmpl_shipped("inc-noslot.html"),
                              ":2: data-include=\"_inc-nested.html\": the element has content",
                              NULL),
                  NULL);
    ck_assert_int_eq(mc_tmpl_check(tmpl_cache, mc_test_pool, tmpl_shipped("inc-page.html"), &err),
                     APR_SUCCESS);
}
END_TEST

MC_TEST_SUITE(tmpl_include, tmpl_setup, mc_test_pool_teardown, 0, test_include_renders,
              test_include_variables, test_include_let_and_slot, test_include_each,
              test_include_override_wins, test_include_in_layout, test_include_missing,
              test_include_not_well_formed, test_include_loop_refused, test_include_depth,
              test_include_content_needs_slot)
