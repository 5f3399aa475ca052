/* casepage.c: the public case page of Case.net: the header, parties,
 * attorneys of record, docket entries (newest first), scheduled hearings
 * and judgments, with "Track This Case" and "Add to Manage My Case" (seed
 * 002) and, for a clerk of the case's court, the clerk's actions. A
 * confidential case answers exactly as a case that does not exist. */
#include "casetrack.h"

static int not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Case not found",
                      "Case not found. Check the case number as it appears on court papers, for "
                      "example 22SL-CC01234, or search by litigant name.");
}

/* The page's lists of the case. Dates come as text from the server
 * (CAST AS CHAR: YYYY-MM-DD, 0.1 us a row there): a DATE column is
 * formatted by libmariadb with sprintf, row by row, 13% of the page's
 * instructions in Apache at 200 docket entries (bench/profile.sh case). */
static const ct_section SECTIONS[] = {
    {"parties",
     "SELECT CONCAT(last_name, IF(first_name = '', '', CONCAT(', ', first_name)), IF(middle_name "
     "= '', '', CONCAT(' ', middle_name))), CONCAT(UPPER(LEFT(role, 1)), SUBSTRING(role, 2)), "
     "city, COALESCE(birth_year, '') FROM mc_party WHERE case_id = ? ORDER BY FIELD(role, "
     "'plaintiff', 'petitioner', 'defendant', 'respondent', 'other'), last_name, first_name, id",
     {"name", "role", "city", "birth_year", NULL}},
    {"attorneys",
     "SELECT a.name, a.bar_number, a.firm, COALESCE(CONCAT(p.last_name, IF(p.first_name = '', "
     "'', CONCAT(', ', p.first_name))), '') FROM mc_case_attorney a LEFT JOIN mc_party p ON p.id "
     "= a.party_id WHERE a.case_id = ? ORDER BY a.name, a.id",
     {"name", "bar_number", "firm", "for", NULL}},
    {"docket",
     "SELECT CAST(entry_date AS CHAR), entry_type, text, filed_by, id FROM mc_docket WHERE "
     "case_id = ? ORDER BY entry_date DESC, id DESC",
     {"date", "entry_type", "text", "filed_by", NULL}},
    {"hearings", CT_HEARINGS_SQL, {"when", "hearing_type", "location", "judge", NULL}},
    {"judgments",
     "SELECT debtor, creditor, CONCAT('$', amount), CAST(entered_on AS CHAR), IF(satisfied, "
     "'Yes', 'No') FROM mc_judgment WHERE case_id = ? ORDER BY entered_on DESC, id DESC",
     {"debtor", "creditor", "amount", "entered_on", "satisfied", NULL}},
};

const ct_section *const ct_case_sections = SECTIONS;

int ct_case_page(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *typed = apr_table_get(mr->params, "number"), *number;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int found, rc;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!ct_rate_allow(mr, db, &rc))
        return rc;
    if (!typed || !ct_case_number_ok(p, typed, &number))
        return not_found(mr);
    if ((rv = ct_case_find(mr, db, number, 0, 1, &c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return not_found(mr);
    if ((rv = ct_sections(mr, db, c.id, SECTIONS, CT_SECS)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "number", c.number);
    mc_vars_set(mr->vars, "caption", c.caption);
    mc_vars_set(mr->vars, "court", c.court_name);
    mc_vars_set(mr->vars, "case_type", c.case_type_name);
    mc_vars_set(mr->vars, "filed_on", c.filed_on);
    mc_vars_set(mr->vars, "status", ct_label(&ct_case_statuses, c.status));
    mc_vars_set(mr->vars, "status_class", ct_label(&ct_case_badges, c.status));
    mc_vars_set(mr->vars, "judge", *c.judge ? c.judge : "Not assigned");
    mc_vars_set(mr->vars, "track_url", mc_url(mr, apr_pstrcat(p, "/track/", c.number, NULL)));
    mc_vars_set(mr->vars, "mycase_action", mc_url(mr, "/mycases/add"));
    if (mc_has_role_scoped(mr, "clerk", c.court_code))
        mc_vars_set(mr->vars, "clerk_url",
                    mc_url(mr, apr_pstrcat(p, "/clerk/case/", c.number, NULL)));
    mc_vars_set(mr->vars, "search_url", mc_url(mr, "/"));
    return mc_render(mr, HTTP_OK, "case.html", apr_pstrcat(p, "Case ", c.number, NULL));
}
