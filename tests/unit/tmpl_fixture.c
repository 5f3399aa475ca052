/* tmpl_fixture.c: the template cache and checked renders of
 * tmpl_fixture.h. */
#include <apr_strings.h>
#include <stdlib.h>

#include "tmpl_fixture.h"
#include "unit_fixture.h"

mc_tmpl_cache *tmpl_cache;
const char *tmpl_shipped_dir;

void tmpl_setup(void)
{
    const char *base =
        getenv("MC_FIXTURES") ? getenv("MC_FIXTURES") : "tests/unit/fixtures/templates";
    const char *dirs[3];

    mc_test_pool_setup();
    dirs[0] = apr_pstrcat(mc_test_pool, base, "/site", NULL);
    dirs[1] = tmpl_shipped_dir = apr_pstrcat(mc_test_pool, base, "/shipped", NULL);
    dirs[2] = NULL;
    tmpl_cache = mc_tmpl_cache_create(mc_test_pool, dirs);
}

const char *tmpl_shipped(const char *name)
{
    return apr_pstrcat(mc_test_pool, tmpl_shipped_dir, "/", name, NULL);
}

const char *tmpl_render(const char *layout, const char *page, const mc_vars *v)
{
    static const char *const markup[] = {"data-if",   "data-text",     "data-each",    "data-attr",
                                         "data-slot", "data-selected", "data-include", "data-let"};
    char *out = NULL;
    apr_size_t len = 0;
    const char *err = NULL;
    apr_status_t rv = mc_tmpl_render(tmpl_cache, mc_test_pool, layout, page, v, &out, &len, &err);

    ck_assert_msg(rv == APR_SUCCESS, "render %s: %s", page, err ? err : "?");
    ck_assert_uint_eq(len, strlen(out));
    ck_assert_msg(strncmp(out, "<!DOCTYPE html>\n", 16) == 0, "no doctype: %s", out);
    for (size_t i = 0; i < MC_TEST_COUNT(markup); i++)
        ck_assert_msg(strstr(out, markup[i]) == NULL, "template markup %s left in output: %s",
                      markup[i], out);
    return out;
}

const char *tmpl_ck_fails(const char *layout, const char *page, apr_status_t want, const char *why1,
                          const char *why2)
{
    char *out = NULL;
    const char *err = NULL;
    apr_status_t rv = mc_tmpl_render(tmpl_cache, mc_test_pool, layout, page,
                                     mc_vars_make(mc_test_pool, NULL), &out, NULL, &err);

    ck_assert_msg(rv == want, "render %s: %d, not %d (%s)", page, rv, want, err ? err : "");
    if (why1)
        HAS(err, why1);
    if (why2)
        HAS(err, why2);
    return err;
}

mc_vars *tmpl_row(mc_vars *v, const char *name, const char *const *kv)
{
    mc_vars *r = mc_vars_row(v, name);

    for (; kv[0]; kv += 2)
        mc_vars_set(r, kv[0], kv[1]);
    return r;
}

const char *tmpl_ck(const char *layout, const char *page, mc_vars *v, const tmpl_case *c)
{
    const char *out;

    for (size_t i = 0; i + 1 < MC_TEST_COUNT(c->vars) && c->vars[i]; i += 2)
        mc_vars_set(v, c->vars[i], c->vars[i + 1]);
    out = tmpl_render(layout, page, v);
    for (size_t i = 0; i < MC_TEST_COUNT(c->has) && c->has[i]; i++)
        HAS(out, c->has[i]);
    for (size_t i = 0; i < MC_TEST_COUNT(c->lacks) && c->lacks[i]; i++)
        LACKS(out, c->lacks[i]);
    return out;
}
