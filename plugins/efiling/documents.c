/* documents.c: a draft's documents once uploaded: remove one (POST
 * /envelopes/:id/documents/:doc/remove), make one the lead (.../lead); and
 * the check these and the upload (upload.c) make first, whose draft it is
 * (ef_doc_draft_of_filer). Routes in mod_mocourts_efiling.c; see efiling.h
 * and docs/efiling-documents.md. */
#include "efiling.h"

#include "mc_docstore.h"

int ef_doc_draft_of_filer(mc_req *mr, mc_db *db, long long id, int need_court, ef_env *e,
                          ef_court *c)
{
    ef_who w;
    int found;
    apr_status_t rv;
    if (!id)
        return ef_env_not_found(mr);
    if ((rv = ef_env_load(mr, db, id, 0, e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || !(ef_env_relation(mr, e) & EF_FILER))
        return ef_env_not_found(mr);
    if ((rv = ef_who_get(mr, db, &w)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!w.ok)
        return ef_who_refuse(mr, &w, HTTP_FORBIDDEN);
    if (strcmp(e->status, "draft"))
        return mc_message(mr, HTTP_FORBIDDEN, "Documents",
                          apr_pstrcat(mr->r->pool, "This envelope is ", ef_status_label(e->status),
                                      "; only a draft's documents can be changed.", NULL));
    if (!need_court)
        return -1; /* removing: whatever became of the court */
    if (*e->court_code) {
        if ((rv = ef_court_get(db, mr->r->pool, e->court_code, c, &found)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (found)
            return -1;
        return mc_message(mr, HTTP_CONFLICT, "Documents",
                          apr_pstrcat(mr->r->pool, e->court_name,
                                      " does not accept electronic filings now.", NULL));
    }
    memset(c, 0, sizeof(*c));
    return mc_message(mr, HTTP_CONFLICT, "Documents",
                      "Choose the court and the case before adding documents.");
}

/* ---- removing a document, making one the lead -------------------------------------- */

/* A change of the route's document (:doc) of the route's draft (:id). */
typedef struct doc_change {
    long long env_id, doc_id;
    /* the change itself, with the draft's row locked, when the document is
     * the draft's: row 0 of res is the document (id, is_lead, stored_name),
     * row 1 the lead when that is another; sets changed when it changed
     * something */
    apr_status_t (*fn)(mc_db *db, const mc_dbres *res, struct doc_change *t);
    int found, changed;
    const char *stored; /* removed: the document's file in the store */
    long long was;      /* made the lead: the lead before, now an attachment; 0: none */
} doc_change;

static apr_status_t change_tx(mc_req *mr, mc_db *db, void *baton)
{
    doc_change *t = baton;
    ef_env e;
    int found;
    apr_status_t rv;
    mc_dbres *res;
    t->found = t->changed = 0;
    if ((rv = ef_env_load(mr, db, t->env_id, 1, &e, &found)) != APR_SUCCESS || !found ||
        strcmp(e.status, "draft"))
        return rv;
    if ((rv = mc_db_query(db, mr->r->pool, &res,
                          "SELECT id, is_lead, stored_name FROM mc_ef_document WHERE envelope_id = "
                          "? AND (id = ? OR is_lead = 1) ORDER BY id = ? DESC, id DESC FOR UPDATE",
                          "iii", t->env_id, t->doc_id, t->doc_id)) != APR_SUCCESS ||
        !res->nrows || mc_dbres_int(res, 0, 0) != t->doc_id)
        return rv;
    t->found = 1;
    if ((rv = t->fn(db, res, t)) != APR_SUCCESS || !t->changed)
        return rv;
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_envelope SET updated_at = UTC_TIMESTAMP() WHERE id = ?", "i",
                      t->env_id);
}

/* Make the change fn in a transaction, for the draft's filer: -1 when it
 * is made, else the handler's answer (ef_doc_draft_of_filer's, a database
 * error's, or "Document not found"). */
static int change(mc_req *mr, doc_change *t,
                  apr_status_t (*fn)(mc_db *db, const mc_dbres *res, doc_change *t))
{
    ef_env e;
    ef_court c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    memset(t, 0, sizeof(*t));
    t->env_id = mc_param_id(mr, "id");
    t->doc_id = mc_param_id(mr, "doc");
    t->fn = fn;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rc = ef_doc_draft_of_filer(mr, db, t->env_id, 0, &e, &c)) != -1)
        return rc;
    if (t->doc_id && (rv = mc_req_tx(mr, change_tx, t)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!t->found)
        return mc_message(mr, HTTP_NOT_FOUND, "Document not found",
                          "There is no such document in this envelope.");
    return -1;
}

static apr_status_t delete_document(mc_db *db, const mc_dbres *res, doc_change *t)
{
    t->stored = mc_dbres_get(res, 0, 2);
    t->changed = 1;
    return mc_db_exec(db, NULL, NULL, "DELETE FROM mc_ef_document WHERE id = ?", "i", t->doc_id);
}

int ef_doc_remove(mc_req *mr)
{
    doc_change t;
    apr_status_t rv;
    int rc;
    if ((rc = change(mr, &t, delete_document)) != -1)
        return rc;
    if ((rv = mc_docstore_remove(mr->r->pool, ef_config.store, t.stored)) != APR_SUCCESS)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, mr->r,
                      MCLOGNO(2612) "document %s: its row is gone but the file could not be "
                                    "removed",
                      t.stored);
    return mc_redirect(mr, ef_env_url(mr, t.env_id, "/documents"));
}

static apr_status_t set_lead(mc_db *db, const mc_dbres *res, doc_change *t)
{
    if (mc_dbres_int(res, 0, 1))
        return APR_SUCCESS; /* already the lead */
    t->was = res->nrows > 1 ? mc_dbres_int(res, 1, 0) : 0;
    t->changed = 1;
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_ef_document SET is_lead = (id = ?) WHERE envelope_id = ?", "ii",
                      t->doc_id, t->env_id);
}

/* POST .../documents/:doc/lead: the document becomes the lead; the lead
 * before it stays, as an attachment (the documents page says which). */
int ef_doc_make_lead(mc_req *mr)
{
    doc_change t;
    int rc;
    if ((rc = change(mr, &t, set_lead)) != -1)
        return rc;
    return mc_redirect(
        mr, ef_env_url(mr, t.env_id,
                       t.was ? apr_psprintf(mr->r->pool, "/documents?lead_was=%" APR_INT64_T_FMT,
                                            (apr_int64_t)t.was)
                             : "/documents"));
}
