/* tmpl_fixture.h: what the mc_tmpl tests (test_tmpl.c,
 * test_tmpl_include.c) share: a template cache over
 * tests/unit/fixtures/templates/{site,shipped} (run from the repository
 * root, as `make unit` does; MC_FIXTURES overrides), renders that fail the
 * test on an error, and renders checked against a table of what the output
 * must and must not hold. */
#ifndef MC_TMPL_FIXTURE_H
#define MC_TMPL_FIXTURE_H

#include <check.h>
#include <string.h>

#include "mc_tmpl.h"

/* Made by tmpl_setup in mc_test_pool (site, then shipped). */
extern mc_tmpl_cache *tmpl_cache;
extern const char *tmpl_shipped_dir;

/* The checked fixture: mc_test_pool_setup, then the cache; the teardown is
 * mc_test_pool_teardown. */
void tmpl_setup(void);

/* The path of the shipped template name. */
const char *tmpl_shipped(const char *name);

/* Renders page (into layout, when given) with v and fails the test on an
 * error, on output that is not a whole HTML document or on template markup
 * (data-if, data-text, data-each, data-attr, data-slot, data-selected,
 * data-include, data-let) left in it. */
const char *tmpl_render(const char *layout, const char *page, const mc_vars *v);

/* Renders page (into layout) with no keys, expecting it to fail: asserts
 * the status is want and that the error holds why1 and why2 (when given);
 * returns the error. */
const char *tmpl_ck_fails(const char *layout, const char *page, apr_status_t want, const char *why1,
                          const char *why2);

#define HAS(out, s) ck_assert_msg(strstr((out), (s)) != NULL, "missing %s in:\n%s", (s), (out))
#define LACKS(out, s) ck_assert_msg(strstr((out), (s)) == NULL, "unexpected %s in:\n%s", (s), (out))

/* Adds a row to v's list name (mc_vars_row) holding the keys and values
 * kv (pairs, to a NULL key); returns it. */
mc_vars *tmpl_row(mc_vars *v, const char *name, const char *const *kv);
/* The key, value pairs for tmpl_row, in place. */
#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A render and what its output must hold and must not. */
typedef struct tmpl_case {
    const char *vars[12]; /* key, value pairs set before (a NULL value unsets), to a NULL key */
    const char *has[8];   /* to the first NULL */
    const char *lacks[6]; /* to the first NULL */
} tmpl_case;

/* Sets c->vars in v, renders page (into layout) with tmpl_render, asserts
 * c->has and c->lacks of the output; returns it. */
const char *tmpl_ck(const char *layout, const char *page, mc_vars *v, const tmpl_case *c);

#endif
