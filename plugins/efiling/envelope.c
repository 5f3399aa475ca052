/* envelope.c: see efiling.h and wizard.h.
 *
 * POST /new (kind=new|existing) starts a draft (the envelope and its
 * history row in one transaction, once per one-time form token: see
 * mocourts.h, ABI 1.8); the steps are wizard.c's.
 * POST /envelopes/:id/submit numbers the envelope, takes the fees through
 * its payment provider and marks it submitted, all in one transaction on
 * the envelope's locked row: the same submit sent twice (or ten times at
 * once) makes one envelope, and every copy is sent to the same receipt.
 * Cancel (while submitted, before a clerk opens it), copy (a rejected
 * envelope into a new draft: court, case and parties; documents are not
 * copied, the filer uploads corrected ones; copying again while that draft
 * exists leads to it) and delete (a draft). */
#include "rules.h"

/* ---- a new draft ---------------------------------------------------------------- */

typedef struct draft_baton {
    const char *kind;
    long long group_id, id;
} draft_baton;

/* The envelope and its first history row in one transaction, claiming the
 * menu's one-time token first: the same button sent ten times at once makes
 * one draft, and every copy is sent to it. */
static apr_status_t draft_tx(mc_req *mr, mc_db *db, void *baton)
{
    draft_baton *b = baton;
    apr_status_t rv = mc_once_claim(mr, db, NULL);
    if (rv == APR_SUCCESS)
        rv = ef_draft_create(mr, db, b->kind, b->group_id, &b->id);
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db, ef_env_url(mr, b->id, "/case"));
    return rv;
}

static int new_draft(mc_req *mr)
{
    const char *kind = mc_field(mr, "kind");
    mc_db *db;
    ef_who w;
    draft_baton b;
    apr_status_t rv;
    int rc;
    if ((rc = ef_who_may_file(mr, &db, &w, HTTP_FORBIDDEN)) != -1)
        return rc;
    if (!kind || (strcmp(kind, "new") && strcmp(kind, "existing")))
        return mc_message(mr, HTTP_BAD_REQUEST, "eFiling Menu",
                          "Choose New case or File into an existing case.");
    memset(&b, 0, sizeof(b));
    b.kind = kind;
    b.group_id = ef_wiz_group(&w);
    if ((rv = mc_req_tx(mr, draft_tx, &b)) != APR_SUCCESS)
        return mc_once_answer(mr, rv);
    return mc_redirect(mr, ef_env_url(mr, b.id, "/case"));
}

/* ---- submit ----------------------------------------------------------------------- */

static apr_status_t submit_tx(mc_req *mr, mc_db *db, void *baton)
{
    return ef_submit(mr, db, baton);
}

static int submit(mc_req *mr)
{
    ef_wiz z;
    ef_submit_req b;
    apr_status_t rv;
    int rc = ef_wiz_load(mr, &z, 1); /* a submitted envelope: its receipt */
    if (rc >= 0)
        return rc;
    memset(&b, 0, sizeof(b));
    b.id = z.e.id;
    b.who = &z.who;
    b.redaction_confirmed = mc_field(mr, "redaction_confirmed") &&
                            !strcmp(mc_field(mr, "redaction_confirmed"), "1");
    if ((rv = mc_req_tx(mr, submit_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (b.not_found)
        return ef_env_not_found(mr);
    if (b.redaction)
        return ef_wiz_review_page(mr, &z, HTTP_BAD_REQUEST, b.redaction);
    if (b.incomplete)
        return mc_message(mr, HTTP_BAD_REQUEST, "Review and submit",
                          apr_pstrcat(mr->r->pool, "This envelope cannot be submitted yet: ",
                                      b.incomplete, NULL));
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r, MCLOGNO(2410) "envelope %s submitted",
                  b.number);
    return mc_redirect(mr, ef_env_url(mr, b.id, "/receipt"));
}

/* ---- receipt ------------------------------------------------------------------------ */

static int receipt(mc_req *mr)
{
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    int rel, rc;
    if (!(rel = ef_env_of_route(mr, &db, &e, &rc)))
        return rc;
    if (!(rel & (EF_FILER | EF_GROUP_ADMIN)) || !*e.number)
        return ef_env_not_found(mr);
    if ((rv = ef_env_show(mr, db, &e)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "menu_url", mc_url(mr, "/"));
    mc_vars_set(mr->vars, "filings_url", mc_url(mr, "/filings"));
    return mc_render(mr, HTTP_OK, "receipt.html", "eFiling receipt");
}

/* ---- cancel, copy, delete ------------------------------------------------------------- */

typedef struct act_baton {
    ef_who *who;
    long long id;
    const char *action; /* "cancel", "copy", "delete" */
    int status;         /* 0: done; else the HTTP status of the refusal */
    const char *refusal;
    long long new_id;
} act_baton;

static apr_status_t copy_env(mc_req *mr, mc_db *db, act_baton *b, ef_env *e)
{
    apr_pool_t *p = mr->r->pool;
    ef_court c;
    int found;
    long long id;
    mc_dbres *res;
    apr_status_t rv = ef_court_get(db, p, e->court_code, &c, &found);
    if (rv != APR_SUCCESS)
        return rv;
    /* Copied already (a double click; the original's row lock orders
     * them): the same draft. */
    rv = mc_db_query(db, p, &res,
                     "SELECT id FROM mc_ef_envelope WHERE copied_from = ? AND account_id = ? AND "
                     "status = 'draft' ORDER BY id LIMIT 1",
                     "ii", e->id, e->account_id);
    if (rv != APR_SUCCESS)
        return rv;
    if (res->nrows) {
        b->new_id = mc_dbres_int(res, 0, 0);
        return APR_SUCCESS;
    }
    if (!found) {
        b->status = HTTP_CONFLICT;
        b->refusal = apr_pstrcat(p, e->court_name, " does not accept electronic filings.", NULL);
        return APR_SUCCESS;
    }
    rv = mc_db_exec(db, NULL, &id,
                    "INSERT INTO mc_ef_envelope (account_id, group_id, court_code, kind, case_id, "
                    "case_type, caption, status, step, copied_from, created_at, updated_at) "
                    "SELECT account_id, NULLIF(?, 0), court_code, kind, IF(kind = 'existing', "
                    "case_id, NULL), case_type, caption, 'draft', 'documents', id, "
                    "UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM mc_ef_envelope WHERE id = ?",
                    "ii", ef_wiz_group(b->who), e->id);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_ef_party (envelope_id, kind, role, last_name, first_name, "
                        "middle_name) SELECT ?, kind, role, last_name, first_name, middle_name "
                        "FROM mc_ef_party WHERE envelope_id = ? ORDER BY id",
                        "ii", id, e->id);
    if (rv == APR_SUCCESS)
        rv = ef_history_add(db, id, "draft", mr->account->id,
                            apr_pstrcat(p, "Copied from envelope ", e->number, NULL));
    b->new_id = id;
    return rv;
}

static apr_status_t act_tx(mc_req *mr, mc_db *db, void *baton)
{
    act_baton *b = baton;
    ef_env e;
    int found;
    apr_status_t rv;
    b->status = 0;
    b->refusal = NULL;
    if ((rv = ef_env_load(mr, db, b->id, 1, &e, &found)) != APR_SUCCESS)
        return rv;
    if (!found || e.account_id != mr->account->id) {
        b->status = HTTP_NOT_FOUND;
        return APR_SUCCESS;
    }
    if (!strcmp(b->action, "cancel")) {
        if (!strcmp(e.status, "cancelled"))
            return APR_SUCCESS; /* sent twice */
        if (!strcmp(e.status, "review")) {
            b->status = HTTP_CONFLICT;
            b->refusal = "This envelope can no longer be cancelled: the clerk has opened it.";
            return APR_SUCCESS;
        }
        if (strcmp(e.status, "submitted")) {
            b->status = HTTP_CONFLICT;
            b->refusal = "Only a submitted envelope that no clerk has opened can be cancelled.";
            return APR_SUCCESS;
        }
        return ef_status_set(mr, db, &e, "cancelled", "Cancelled by the filer");
    }
    if (!strcmp(b->action, "copy")) {
        if (strcmp(e.status, "rejected")) {
            b->status = HTTP_CONFLICT;
            b->refusal = "Only a rejected envelope can be copied into a new draft.";
            return APR_SUCCESS;
        }
        return copy_env(mr, db, b, &e);
    }
    /* delete */
    if (strcmp(e.status, "draft")) {
        b->status = HTTP_CONFLICT;
        b->refusal = "Only a draft can be deleted.";
        return APR_SUCCESS;
    }
    return mc_db_exec(db, NULL, NULL,
                      "DELETE FROM mc_ef_envelope WHERE id = ? AND status = 'draft'", "i", e.id);
}

static int act(mc_req *mr, const char *action)
{
    act_baton b;
    ef_wiz z;
    apr_status_t rv;
    int rc = ef_wiz_load(mr, &z, 0);
    if (rc >= 0)
        return rc;
    memset(&b, 0, sizeof(b));
    b.action = action;
    b.who = &z.who;
    b.id = z.e.id;
    if ((rv = mc_req_tx(mr, act_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (b.status == HTTP_NOT_FOUND)
        return ef_env_not_found(mr);
    if (b.status)
        return mc_message(mr, b.status, "Envelope", b.refusal);
    if (!strcmp(action, "cancel"))
        return mc_redirect(mr, ef_env_url(mr, b.id, "?cancelled=1"));
    if (!strcmp(action, "copy"))
        return mc_redirect(mr, ef_env_url(mr, b.new_id, "/documents"));
    return mc_redirect(mr, mc_url(mr, "/?done=deleted"));
}

static int cancel(mc_req *mr)
{
    return act(mr, "cancel");
}

static int copy(mc_req *mr)
{
    return act(mr, "copy");
}

static int delete_draft(mc_req *mr)
{
    return act(mr, "delete");
}

const mc_route ef_envelope_routes[] = {
    {"POST", "/new", MC_ACCESS_ACCOUNT, NULL, new_draft, 0},
    {"GET", "/envelopes/:id/case", MC_ACCESS_ACCOUNT, NULL, ef_wiz_case_get, 0},
    {"POST", "/envelopes/:id/case", MC_ACCESS_ACCOUNT, NULL, ef_wiz_case_post, 0},
    {"GET", "/envelopes/:id/parties", MC_ACCESS_ACCOUNT, NULL, ef_wiz_parties_get, 0},
    {"POST", "/envelopes/:id/parties", MC_ACCESS_ACCOUNT, NULL, ef_wiz_parties_post, 0},
    {"GET", "/envelopes/:id/documents", MC_ACCESS_ACCOUNT, NULL, ef_wiz_documents_get, 0},
    {"POST", "/envelopes/:id/documents/next", MC_ACCESS_ACCOUNT, NULL, ef_wiz_documents_next, 0},
    {"GET", "/envelopes/:id/payment", MC_ACCESS_ACCOUNT, NULL, ef_wiz_payment_get, 0},
    {"POST", "/envelopes/:id/payment", MC_ACCESS_ACCOUNT, NULL, ef_wiz_payment_post, 0},
    {"GET", "/envelopes/:id/review", MC_ACCESS_ACCOUNT, NULL, ef_wiz_review_get, 0},
    {"POST", "/envelopes/:id/submit", MC_ACCESS_ACCOUNT, NULL, submit, 0},
    {"GET", "/envelopes/:id/receipt", MC_ACCESS_ACCOUNT, NULL, receipt, 0},
    {"POST", "/envelopes/:id/cancel", MC_ACCESS_ACCOUNT, NULL, cancel, 0},
    {"POST", "/envelopes/:id/copy", MC_ACCESS_ACCOUNT, NULL, copy, 0},
    {"POST", "/envelopes/:id/delete", MC_ACCESS_ACCOUNT, NULL, delete_draft, 0},
    {NULL}};
