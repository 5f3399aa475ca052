/* steps.c: the filing wizard's steps and how far a draft is complete (see
 * wizard.h): what the wizard's pages and the JSON API's submit both ask,
 * below either. */
#include "rules.h"
#include "payment.h"

const char *const ef_wiz_step_names[] = {"case", "parties", "documents", "payment", "review", NULL};

int ef_wiz_step_index(const char *s)
{
    int i;
    for (i = 0; ef_wiz_step_names[i]; i++)
        if (!strcmp(ef_wiz_step_names[i], s))
            return i;
    return 0;
}

const char *ef_env_resume_step(const ef_env *e)
{
    return ef_wiz_step_names[ef_wiz_step_index(e->step)];
}

long long ef_wiz_group(const ef_who *w)
{
    return w->group_id && w->group_active && w->member_active ? w->group_id : 0;
}

apr_status_t ef_wiz_incomplete(mc_req *mr, ef_wiz *z, const char **step, const char **why)
{
    apr_pool_t *p = mr->r->pool;
    const ef_env *e = &z->e;
    int is_new = !strcmp(e->kind, "new");
    mc_dbres *res;
    apr_status_t rv;
    long long fees;
    const char *dummy;
    ef_court c;
    int found;

    if (!why)
        why = &dummy;
    *step = "case";
    if (!*e->court_code) {
        *why = "Choose the court.";
        return APR_SUCCESS;
    }
    if (is_new && (!*e->case_type || !*e->caption)) {
        *why = !*e->case_type ? "Choose the case type." : "Enter the case caption.";
        return APR_SUCCESS;
    }
    if (!is_new && !e->case_id) {
        *why = "Enter the case number.";
        return APR_SUCCESS;
    }
    /* The court may have stopped taking filings, the case become
     * confidential, since the step was saved. */
    if ((rv = ef_court_get(z->db, p, e->court_code, &c, &found)) != APR_SUCCESS)
        return rv;
    if (!found) {
        *why = apr_pstrcat(p, e->court_name, " does not accept electronic filings.", NULL);
        return APR_SUCCESS;
    }
    if (!is_new) {
        rv = mc_db_query(z->db, p, &res,
                         "SELECT 1 FROM mc_case WHERE id = ? AND court_code = ? AND "
                         "confidential = 0",
                         "is", e->case_id, e->court_code);
        if (rv != APR_SUCCESS)
            return rv;
        if (!res->nrows) {
            *why = apr_pstrcat(p, "No case ", e->case_number, " was found in ", e->court_name, ".",
                               NULL);
            return APR_SUCCESS;
        }
    }
    if (is_new) {
        *step = "parties";
        rv = mc_db_query(z->db, p, &res,
                         "SELECT COALESCE(SUM(role IN ('plaintiff', 'petitioner')), 0), "
                         "COALESCE(SUM(role IN ('defendant', 'respondent')), 0) FROM mc_ef_party "
                         "WHERE envelope_id = ?",
                         "i", e->id);
        if (rv != APR_SUCCESS)
            return rv;
        if (!mc_dbres_int(res, 0, 0)) {
            *why = "Add at least one plaintiff or petitioner.";
            return APR_SUCCESS;
        }
        if (!mc_dbres_int(res, 0, 1)) {
            *why = "Add at least one defendant or respondent.";
            return APR_SUCCESS;
        }
    }
    *step = "documents";
    rv = mc_db_query(z->db, p, &res,
                     "SELECT COUNT(*), COALESCE(SUM(f.initiating), 0) FROM mc_ef_document d JOIN "
                     "mc_ef_filing_code f ON f.id = d.filing_code_id WHERE d.envelope_id = ? AND "
                     "d.is_lead = 1",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    if (mc_dbres_int(res, 0, 0) == 0) {
        *why = "Upload the lead document before you continue.";
        return APR_SUCCESS;
    }
    if (mc_dbres_int(res, 0, 0) > 1) {
        *why = "Only one document can be the lead document: remove the others.";
        return APR_SUCCESS;
    }
    if (is_new && !mc_dbres_int(res, 0, 1)) {
        *why = "The lead document of a new case must be a filing that starts a case (a "
               "petition): remove it and upload the petition as the lead document.";
        return APR_SUCCESS;
    }
    *step = "payment";
    if ((rv = ef_fees(z->db, p, e->id, &fees)) != APR_SUCCESS)
        return rv;
    if (fees > 0 && !ef_payment_find(e->payment)) {
        *why = "Choose how the fees will be paid.";
        return APR_SUCCESS;
    }
    if (fees > 0 && !strcmp(e->payment, "waiver") && !*e->waiver_reason) {
        *why = "State the reason for the fee waiver.";
        return APR_SUCCESS;
    }
    *step = "review";
    *why = NULL;
    return APR_SUCCESS;
}
