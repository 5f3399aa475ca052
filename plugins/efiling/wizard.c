/* wizard.c: the filing wizard's steps up to the review (see wizard.h).
 *
 * Each step is a GET form and a POST that saves the draft and moves on; bad
 * input answers 400 with the page again, what was typed kept. A step asked
 * for before the ones it needs are complete sends the filer to the first
 * incomplete one. mc_ef_envelope.step is where the draft resumes. */
#include "rules.h"
#include "payment.h"

int ef_wiz_load(mc_req *mr, ef_wiz *z, int drafts_only)
{
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    int found;
    if (!id)
        return ef_env_not_found(mr);
    if ((rv = mc_req_db(mr, &z->db)) != APR_SUCCESS ||
        (rv = ef_who_get(mr, z->db, &z->who)) != APR_SUCCESS ||
        (rv = ef_env_load(mr, z->db, id, 0, &z->e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || z->e.account_id != mr->account->id)
        return ef_env_not_found(mr);
    if (!z->who.ok && (!drafts_only || !strcmp(z->e.status, "draft")))
        return ef_who_refuse(mr, &z->who, HTTP_FORBIDDEN);
    return -1;
}

int ef_wiz_open(mc_req *mr, ef_wiz *z)
{
    int rc = ef_wiz_load(mr, z, 0);
    if (rc >= 0)
        return rc;
    if (strcmp(z->e.status, "draft"))
        return mc_redirect(mr, ef_env_url(mr, z->e.id, NULL));
    return -1;
}

/* Open the draft (ef_wiz_open) at step: -1 when z is ready, else the
 * handler's answer, the first incomplete step's address when step is past
 * it (and the documents' for an existing case's parties). */
static int open_step(mc_req *mr, ef_wiz *z, const char *step)
{
    const char *first;
    apr_status_t rv;
    int rc = ef_wiz_open(mr, z);
    if (rc >= 0)
        return rc;
    if (!strcmp(step, "parties") && strcmp(z->e.kind, "new"))
        return mc_redirect(mr, ef_env_url(mr, z->e.id, "/documents"));
    if ((rv = ef_wiz_incomplete(mr, z, &first, NULL)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (ef_wiz_step_index(first) < ef_wiz_step_index(step))
        return mc_redirect(mr, ef_env_url(mr, z->e.id, apr_pstrcat(mr->r->pool, "/", first, NULL)));
    return -1;
}

/* A step's page: its form again, with error (NULL: none). */
typedef int (*step_page_fn)(mc_req *mr, ef_wiz *z, int status, const char *error);

/* GET of step: its page, once the draft may be at it. */
static int step_get(mc_req *mr, const char *step, step_page_fn page)
{
    ef_wiz z;
    int rc = open_step(mr, &z, step);
    return rc >= 0 ? rc : page(mr, &z, HTTP_OK, NULL);
}

/* After the step saved the draft (rv): it may resume at next, and the
 * filer is sent there. */
static int step_saved(mc_req *mr, ef_wiz *z, apr_status_t rv, const char *next)
{
    if (rv == APR_SUCCESS)
        rv = ef_wiz_advance(z->db, &z->e, next);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, ef_env_url(mr, z->e.id, apr_pstrcat(mr->r->pool, "/", next, NULL)));
}

/* Continue from step (whose rows are saved as they are added): its page
 * again, 400 with what is missing, while the draft is incomplete up to it;
 * else on to the next step. */
static int step_next(mc_req *mr, ef_wiz *z, const char *step, step_page_fn page)
{
    const char *first, *why;
    apr_status_t rv;
    if ((rv = ef_wiz_incomplete(mr, z, &first, &why)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (ef_wiz_step_index(first) <= ef_wiz_step_index(step))
        return page(mr, z, HTTP_BAD_REQUEST, why);
    return step_saved(mr, z, APR_SUCCESS, ef_wiz_step_names[ef_wiz_step_index(step) + 1]);
}

void ef_wiz_steps(mc_req *mr, const ef_env *e, const char *step)
{
    static const char *const labels[] = {"Court and case", "Parties", "Documents",
                                         "Fees and payment", "Review"};
    apr_pool_t *p = mr->r->pool;
    int is_new = !strcmp(e->kind, "new");
    int i, n = 0, at = 0, cur = ef_wiz_step_index(step), reached = ef_wiz_step_index(e->step);
    /* A step is shown only once the ones before it are complete. */
    if (reached < cur)
        reached = cur;
    for (i = 0; ef_wiz_step_names[i]; i++) {
        mc_vars *row;
        if (!is_new && !strcmp(ef_wiz_step_names[i], "parties"))
            continue;
        n++;
        if (i == cur)
            at = n;
        row = mc_vars_row(mr->vars, "steps");
        mc_vars_set(row, "label", labels[i]);
        if (i == cur) {
            mc_vars_set(row, "segment",
                        "usa-step-indicator__segment usa-step-indicator__segment--current");
            mc_vars_set(row, "current", "true");
        }
        else if (i < reached) {
            mc_vars_set(row, "segment",
                        "usa-step-indicator__segment usa-step-indicator__segment--complete");
            mc_vars_set(row, "done", "completed");
        }
        else {
            mc_vars_set(row, "segment", "usa-step-indicator__segment");
            mc_vars_set(row, "done", "not completed");
        }
        /* A link to each step the draft has reached (a later one would
         * send the filer back to the first incomplete one). */
        if (i != cur && i <= reached)
            mc_vars_set(row, "url",
                        ef_env_url(mr, e->id, apr_pstrcat(p, "/", ef_wiz_step_names[i], NULL)));
    }
    mc_vars_setf(mr->vars, "step_no", "%d", at);
    mc_vars_setf(mr->vars, "step_count", "%d", n);
    mc_vars_set(mr->vars, "step_label", labels[cur]);
}

static void wiz_vars(mc_req *mr, ef_wiz *z, const char *step)
{
    apr_pool_t *p = mr->r->pool;
    int is_new = !strcmp(z->e.kind, "new");
    int i, cur = ef_wiz_step_index(step);
    mc_vars_set(mr->vars, "is_new", is_new ? "1" : NULL);
    mc_vars_set(mr->vars, "kind_label", is_new ? "New case" : "File into an existing case");
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    ef_wiz_steps(mr, &z->e, step);
    /* Back: the step before this one. */
    for (i = cur - 1; i >= 0; i--) {
        if (!is_new && !strcmp(ef_wiz_step_names[i], "parties"))
            continue;
        mc_vars_set(mr->vars, "back_url",
                    ef_env_url(mr, z->e.id, apr_pstrcat(p, "/", ef_wiz_step_names[i], NULL)));
        break;
    }
}

/* ---- court and case ------------------------------------------------------------- */

static int case_page(mc_req *mr, ef_wiz *z, int status, const char *error, const char *court,
                     const char *case_type, const char *caption, const char *number)
{
    static const char *const code_name[] = {"code", "name", NULL};
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    wiz_vars(mr, z, "case");
    rv = mc_db_query(z->db, p, &res,
                     "SELECT co.code, co.name FROM mc_court co JOIN mc_ef_court s ON s.court_code "
                     "= co.code WHERE co.efiling = 1 ORDER BY co.name",
                     "");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_rows(mr->vars, "courts", res, code_name);
    if (!strcmp(z->e.kind, "new") && court && *court) {
        rv = mc_db_query(z->db, p, &res,
                         "SELECT t.code, t.name FROM mc_ef_case_type x JOIN mc_case_type t ON "
                         "t.code = x.case_type WHERE x.court_code = ? ORDER BY t.name",
                         "s", court);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        mc_vars_rows(mr->vars, "case_types", res, code_name);
        mc_vars_set(mr->vars, "court_chosen", "1");
    }
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "q_court", court);
    mc_vars_set(mr->vars, "q_case_type", case_type);
    mc_vars_set(mr->vars, "q_caption", caption);
    mc_vars_set(mr->vars, "q_case_number", number);
    mc_vars_set(mr->vars, "action", ef_env_url(mr, z->e.id, "/case"));
    return mc_render(mr, status, "step-case.html",
                     !strcmp(z->e.kind, "new") ? "New case: court and case"
                                               : "File into an existing case");
}

int ef_wiz_case_get(mc_req *mr)
{
    ef_wiz z;
    int rc = ef_wiz_open(mr, &z);
    if (rc >= 0)
        return rc;
    return case_page(mr, &z, HTTP_OK, NULL, z.e.court_code, z.e.case_type, z.e.caption,
                     z.e.case_number);
}

int ef_wiz_case_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    ef_wiz z;
    ef_case_in in;
    apr_status_t rv;
    const char *field, *refusal;
    int court_only, rc = ef_wiz_open(mr, &z);
    if (rc >= 0)
        return rc;
    in.court = mc_text_trim(p, mc_field(mr, "court"));
    in.case_type = mc_field(mr, "case_type");
    in.caption = mc_text_trim(p, mc_field(mr, "caption"));
    in.case_number = mc_text_trim(p, mc_field(mr, "case_number"));
    rv = ef_case_set(mr, z.db, &z.e, &in, 1, &court_only, &field, &refusal);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (refusal)
        return case_page(mr, &z, HTTP_BAD_REQUEST, refusal, in.court, in.case_type, in.caption,
                         in.case_number);
    if (court_only)
        return mc_redirect(mr, ef_env_url(mr, z.e.id, "/case"));
    return step_saved(mr, &z, APR_SUCCESS, !strcmp(z.e.kind, "new") ? "parties" : "documents");
}

/* ---- parties (a new case) -------------------------------------------------------- */

static int parties_page(mc_req *mr, ef_wiz *z, int status, const char *error)
{
    apr_status_t rv;
    wiz_vars(mr, z, "parties");
    if ((rv = ef_env_show(mr, z->db, &z->e)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "q_kind", mc_field(mr, "kind") ? mc_field(mr, "kind") : "person");
    mc_vars_set(mr->vars, "q_role", mc_field(mr, "role"));
    mc_vars_set(mr->vars, "q_last_name", mc_field(mr, "last_name"));
    mc_vars_set(mr->vars, "q_first_name", mc_field(mr, "first_name"));
    mc_vars_set(mr->vars, "q_middle_name", mc_field(mr, "middle_name"));
    mc_vars_set(mr->vars, "q_business_name", mc_field(mr, "business_name"));
    mc_vars_set(mr->vars, "action", ef_env_url(mr, z->e.id, "/parties"));
    return mc_render(mr, status, "step-parties.html", "New case: parties");
}

int ef_wiz_parties_get(mc_req *mr)
{
    return step_get(mr, "parties", parties_page);
}

typedef struct party_baton {
    const ef_wiz *z;
    const ef_party_in *in;
    int full; /* the envelope has EF_PARTIES_MAX parties already */
} party_baton;

/* One party, once per one-time form token (the party form's): the same
 * Add sent twice adds one party, and every copy is sent back to the list. */
static apr_status_t party_tx(mc_req *mr, mc_db *db, void *baton)
{
    party_baton *b = baton;
    apr_status_t rv = mc_once_claim(mr, db, NULL);
    if (rv == APR_SUCCESS)
        rv = ef_party_add(mr, db, b->z->e.id, b->in, &b->full);
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db, ef_env_url(mr, b->z->e.id, "/parties"));
    return rv;
}

int ef_wiz_parties_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    ef_wiz z;
    apr_status_t rv;
    const char *action = mc_field(mr, "action");
    int rc = open_step(mr, &z, "parties");
    if (rc >= 0)
        return rc;
    if (!action)
        action = "add";

    if (!strcmp(action, "remove")) {
        const char *pid = mc_field(mr, "party");
        rv = mc_db_exec(z.db, NULL, NULL,
                        "DELETE p FROM mc_ef_party p JOIN mc_ef_envelope e ON e.id = p.envelope_id "
                        "WHERE p.id = ? AND e.id = ? AND e.status = 'draft'",
                        "ii", pid ? apr_atoi64(pid) : 0, z.e.id);
        if (rv != APR_SUCCESS)
            return mc_fail(mr, rv);
        return mc_redirect(mr, ef_env_url(mr, z.e.id, "/parties"));
    }
    if (!strcmp(action, "continue"))
        return step_next(mr, &z, "parties", parties_page);
    {
        ef_party_in in;
        party_baton b = {&z, &in, 0};
        const char *field, *refusal;
        in.kind = mc_field(mr, "kind");
        in.role = mc_field(mr, "role");
        in.last_name = mc_text_trim(p, mc_field(mr, "last_name"));
        in.first_name = mc_text_trim(p, mc_field(mr, "first_name"));
        in.middle_name = mc_text_trim(p, mc_field(mr, "middle_name"));
        in.business_name = mc_text_trim(p, mc_field(mr, "business_name"));
        if ((refusal = ef_party_check(&in, &field)) != NULL)
            return parties_page(mr, &z, HTTP_BAD_REQUEST, refusal);
        rv = mc_req_tx(mr, party_tx, &b);
        if (b.full)
            return parties_page(mr, &z, HTTP_BAD_REQUEST, "An envelope takes at most 50 parties.");
        if (rv != APR_SUCCESS)
            return mc_once_answer(mr, rv);
        return mc_redirect(mr, ef_env_url(mr, z.e.id, "/parties"));
    }
}

/* ---- documents -------------------------------------------------------------------- */

/* A document's name for a sentence: "petition.pdf" (Petition). */
static const char *doc_words(apr_pool_t *p, const mc_dbres *res, int row)
{
    const char *file = mc_dbres_get(res, row, 1), *code = mc_dbres_get(res, row, 2);
    return *file ? apr_pstrcat(p, "\"", file, "\" (", code, ")", NULL) : code;
}

/* After a new lead document (?lead_was=<id>, upload.c): which document is now
 * an attachment and which is the lead, with a button to swap them back.
 * Nothing is said when the query names no attachment of this envelope. */
static apr_status_t lead_moved(mc_req *mr, ef_wiz *z)
{
    apr_pool_t *p = mr->r->pool;
    const char *was = mc_query(mr, "lead_was");
    mc_dbres *res;
    apr_status_t rv;
    long long id;
    if (!was || !*was || strlen(was) > 18 || strspn(was, "0123456789") != strlen(was) ||
        (id = apr_atoi64(was)) <= 0)
        return APR_SUCCESS;
    rv = mc_db_query(z->db, p, &res,
                     "SELECT d.id, d.client_name, f.name, d.is_lead FROM mc_ef_document d JOIN "
                     "mc_ef_filing_code f ON f.id = d.filing_code_id WHERE d.envelope_id = ? AND "
                     "((d.id = ? AND d.is_lead = 0) OR d.is_lead = 1) ORDER BY d.is_lead, d.id",
                     "ii", z->e.id, id);
    if (rv != APR_SUCCESS || res->nrows != 2 || mc_dbres_int(res, 0, 3) || !mc_dbres_int(res, 1, 3))
        return rv;
    mc_vars_set(mr->vars, "lead_moved",
                apr_pstrcat(p, doc_words(p, res, 0),
                            " is now an attachment: ", doc_words(p, res, 1),
                            " is the lead document, and an envelope has only one. Both "
                            "documents stay in the envelope.",
                            NULL));
    mc_vars_set(mr->vars, "lead_back_action",
                ef_env_url(mr, z->e.id,
                           apr_pstrcat(p, "/documents/", mc_dbres_get(res, 0, 0), "/lead", NULL)));
    mc_vars_set(mr->vars, "lead_back_label",
                apr_pstrcat(p, "Make ", doc_words(p, res, 0), " the lead document again", NULL));
    return APR_SUCCESS;
}

static int documents_page(mc_req *mr, ef_wiz *z, int status, const char *error)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    ef_court c;
    int found, i, is_new = !strcmp(z->e.kind, "new");
    wiz_vars(mr, z, "documents");
    if ((rv = ef_env_show(mr, z->db, &z->e)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(z->db, p, &res,
                     "SELECT id, code, name, fee_cents, initiating FROM mc_ef_filing_code WHERE "
                     "court_code = ? AND active = 1 ORDER BY IF(? = 'new', initiating, 0) DESC, "
                     "name",
                     "ss", z->e.court_code, z->e.kind);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "codes");
        mc_vars_set(row, "value", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "label",
                    apr_pstrcat(p, mc_dbres_get(res, i, 2), " (", mc_dbres_get(res, i, 1), "), ",
                                ef_money(p, mc_dbres_int(res, i, 3)),
                                is_new && mc_dbres_int(res, i, 4) ? ", starts a case" : "", NULL));
    }
    rv = mc_db_query(z->db, p, &res,
                     "SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = ? AND is_lead = 1",
                     "i", z->e.id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "lead_default", mc_dbres_int(res, 0, 0) ? "0" : "1");
    if (!error && (rv = lead_moved(mr, z)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = ef_court_get(z->db, p, z->e.court_code, &c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (found) {
        mc_vars_set(mr->vars, "max_bytes",
                    apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)c.max_doc_bytes));
        mc_vars_set(mr->vars, "max_size",
                    c.max_doc_bytes % (1024 * 1024) == 0
                        ? apr_psprintf(p, "%" APR_INT64_T_FMT " MB",
                                       (apr_int64_t)(c.max_doc_bytes / (1024 * 1024)))
                        : apr_psprintf(p, "%.1f MB", (double)c.max_doc_bytes / (1024.0 * 1024.0)));
        mc_vars_set(mr->vars, "text_pdf_only", c.text_pdf_only ? "1" : NULL);
    }
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "upload_action", ef_env_url(mr, z->e.id, "/documents"));
    mc_vars_set(mr->vars, "next_action", ef_env_url(mr, z->e.id, "/documents/next"));
    return mc_render(mr, status, "step-documents.html",
                     is_new ? "New case: documents" : "File into an existing case: documents");
}

int ef_wiz_documents_get(mc_req *mr)
{
    return step_get(mr, "documents", documents_page);
}

int ef_wiz_documents_next(mc_req *mr)
{
    ef_wiz z;
    int rc = open_step(mr, &z, "documents");
    return rc >= 0 ? rc : step_next(mr, &z, "documents", documents_page);
}

/* ---- fees and payment --------------------------------------------------------------- */

/* The choice shown: what was sent with an error, else the draft's. */
static int payment_page(mc_req *mr, ef_wiz *z, int status, const char *error)
{
    const char *choice = error ? mc_field(mr, "payment") : z->e.payment;
    const char *reason = error ? mc_field(mr, "waiver_reason") : z->e.waiver_reason;
    apr_status_t rv;
    int i;
    wiz_vars(mr, z, "payment");
    if ((rv = ef_env_show(mr, z->db, &z->e)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; ef_payment_providers[i]; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "providers");
        mc_vars_set(row, "name", ef_payment_providers[i]->name);
        mc_vars_set(row, "label", ef_payment_providers[i]->label);
        mc_vars_set(row, "input_id",
                    apr_pstrcat(mr->r->pool, "pay-", ef_payment_providers[i]->name, NULL));
        mc_vars_set(row, "is_waiver",
                    !strcmp(ef_payment_providers[i]->name, "waiver") ? "1" : NULL);
    }
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "q_payment", choice);
    mc_vars_set(mr->vars, "q_waiver_reason", reason);
    mc_vars_set(mr->vars, "action", ef_env_url(mr, z->e.id, "/payment"));
    return mc_render(mr, status, "step-payment.html", "Fees and payment");
}

int ef_wiz_payment_get(mc_req *mr)
{
    return step_get(mr, "payment", payment_page);
}

int ef_wiz_payment_post(mc_req *mr)
{
    ef_wiz z;
    apr_status_t rv;
    const char *field, *refusal;
    int rc = open_step(mr, &z, "payment");
    if (rc >= 0)
        return rc;
    rv = ef_payment_choose(mr, z.db, &z.e, mc_field(mr, "payment"), mc_field(mr, "waiver_reason"),
                           &field, &refusal);
    if (rv == APR_SUCCESS && refusal)
        return payment_page(mr, &z, HTTP_BAD_REQUEST, refusal);
    return step_saved(mr, &z, rv, "review");
}

/* ---- review ---------------------------------------------------------------------------- */

int ef_wiz_review_page(mc_req *mr, ef_wiz *z, int status, const char *error)
{
    apr_status_t rv;
    wiz_vars(mr, z, "review");
    if ((rv = ef_env_show(mr, z->db, &z->e)) != APR_SUCCESS ||
        (rv = ef_redact_vars(mr, z->db, z->e.id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "case_url", ef_env_url(mr, z->e.id, "/case"));
    mc_vars_set(mr->vars, "parties_url", ef_env_url(mr, z->e.id, "/parties"));
    mc_vars_set(mr->vars, "documents_url", ef_env_url(mr, z->e.id, "/documents"));
    mc_vars_set(mr->vars, "payment_url", ef_env_url(mr, z->e.id, "/payment"));
    mc_vars_set(mr->vars, "submit_action", ef_env_url(mr, z->e.id, "/submit"));
    return mc_render(mr, status, "review.html", "Review and submit");
}

int ef_wiz_review_get(mc_req *mr)
{
    ef_wiz z;
    int rc = open_step(mr, &z, "review");
    if (rc >= 0)
        return rc;
    return ef_wiz_review_page(mr, &z, HTTP_OK, NULL);
}
