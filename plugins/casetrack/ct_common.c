/* ct_common.c: see casetrack.h. */
#include "casetrack.h"

#include "mc_feed.h"

/* The feed's checks (mod_mocourts/lib/mc_feed.c), so a case number or
 * date the importer takes is one the pages take. */
int ct_case_number_ok(apr_pool_t *p, const char *s, const char **out)
{
    return mc_feed_case_number_ok(p, s, out);
}

int ct_date_ok(const char *s)
{
    return mc_feed_date_ok(s);
}

const ct_labels ct_case_statuses = {"Open", {{"closed", "Closed"}, {"disposed", "Disposed"}}};
const ct_labels ct_case_badges = {
    "mc-status mc-status--active",
    {{"closed", "mc-status mc-status--inactive"}, {"disposed", "mc-status mc-status--inactive"}}};

const char *ct_label(const ct_labels *l, const char *word)
{
    const char *text = mc_label_of(l->pairs, word);
    return text ? text : l->dflt;
}

void ct_case_env(mc_req *mr, mc_case_env *env)
{
    env->tmpl = mc_site_templates();
    env->casenet_url = mc_public_url(mr, mr->mount);
    env->court_name = mc_court_name(mr);
}

apr_status_t ct_section_rows(mc_db *db, apr_pool_t *p, long long case_id, const ct_section *s,
                             mc_dbres **res)
{
    return mc_db_query(db, p, res, s->sql, "i", case_id);
}

apr_status_t ct_sections(mc_req *mr, mc_db *db, long long case_id, const ct_section *s, size_t n)
{
    mc_dbres *res;
    apr_status_t rv;
    for (; n > 0; s++, n--) {
        if ((rv = ct_section_rows(db, mr->r->pool, case_id, s, &res)) != APR_SUCCESS)
            return rv;
        mc_vars_rows(mr->vars, s->list, res, s->keys);
    }
    return APR_SUCCESS;
}

apr_status_t ct_case_find(mc_req *mr, mc_db *db, const char *number, long long id, int public,
                          ct_case *c, int *found)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(
        db, mr->r->pool, &res,
        "SELECT c.id, c.number, c.court_code, co.name, c.case_type, t.name, c.caption, "
        "c.filed_on, c.status, COALESCE(j.name, ''), c.confidential, co.efiling, "
        "c.last_activity FROM mc_case c JOIN mc_court co ON co.code = c.court_code "
        "JOIN mc_case_type t ON t.code = c.case_type LEFT JOIN mc_judge j ON j.id = c.judge_id "
        "WHERE (c.number = ? OR (? IS NULL AND c.id = ?))",
        "ssi", number, number, id);
    memset(c, 0, sizeof(*c));
    *found = 0;
    if (rv != APR_SUCCESS || res->nrows == 0)
        return rv;
    c->confidential = (int)mc_dbres_int(res, 0, 10);
    if (public && c->confidential)
        return APR_SUCCESS;
    *found = 1;
    c->id = mc_dbres_int(res, 0, 0);
    c->number = mc_dbres_get(res, 0, 1);
    c->court_code = mc_dbres_get(res, 0, 2);
    c->court_name = mc_dbres_get(res, 0, 3);
    c->case_type = mc_dbres_get(res, 0, 4);
    c->case_type_name = mc_dbres_get(res, 0, 5);
    c->caption = mc_dbres_get(res, 0, 6);
    c->filed_on = mc_dbres_get(res, 0, 7);
    c->status = mc_dbres_get(res, 0, 8);
    c->judge = mc_dbres_get(res, 0, 9);
    c->court_efiling = (int)mc_dbres_int(res, 0, 11);
    c->last_activity = mc_dbres_get(res, 0, 12);
    return APR_SUCCESS;
}
