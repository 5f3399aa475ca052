/* redact.c: the redaction check and the real text check (issue 17, see
 * rules.h). At upload (ef_doc_finish, the page's and the API's), the
 * committed file's text is read by pdftotext out of process (mc_pdftool:
 * time and memory limits, never a shell) and scanned (mc_redact) for what
 * court rules require redacting; the document's row keeps only the masked
 * hits (mc_ef_redaction_hit) and whether the text could be read. The
 * review step lists the hits; the submit (page and API) is refused until
 * the filer confirms the redaction, which is recorded on the envelope and
 * in the audit log. The clerk's page says it was confirmed. */
#include "rules.h"

#include "mc_pdftool.h"

#define EF_TEXT_MAX (8 * 1024 * 1024) /* pdftotext output read, at most */

const char EF_REDACT_CONFIRM_LABEL[] =
    "I have redacted the documents as Missouri Supreme Court Operating Rule 2 and FRCP 5.2 "
    "require: Social Security numbers and financial account numbers to their last four "
    "digits, dates of birth to the year, or the filing is exempt from redaction.";

const char EF_REDACT_REFUSAL[] =
    "Possible personal information was found in the documents, or their text could not be "
    "checked (see Redaction check). Redact it and upload the documents again, or confirm that "
    "you have redacted them.";

mc_tool_limits ef_tool_limits(apr_size_t out_max, int merge_stderr)
{
    mc_tool_limits l;
    l.seconds = ef_config.tool_seconds > 0 ? ef_config.tool_seconds : 10;
    l.mem_bytes = ef_config.tool_bytes;
    l.out_max = out_max;
    l.merge_stderr = merge_stderr;
    return l;
}

const char *ef_doc_path(apr_pool_t *p, const char *stored)
{
    if (!ef_config.store || !mc_docstore_name_ok(stored))
        return NULL;
    return apr_pstrcat(p, ef_config.store, "/", stored, NULL);
}

const char *ef_tool_outcome(apr_pool_t *p, const char *tool, const mc_tool_result *res)
{
    if (res->timed_out)
        return apr_psprintf(p, "%s did not finish within %d seconds and was stopped", tool,
                            ef_config.tool_seconds);
    if (res->truncated)
        return apr_psprintf(p, "%s wrote more than it may and was stopped", tool);
    if (res->signaled)
        return apr_psprintf(p, "%s was killed by signal %d", tool, res->exit_code);
    return apr_psprintf(p, "%s exited with status %d", tool, res->exit_code);
}

apr_status_t ef_text_examine(mc_req *mr, const char *stored, ef_text *t)
{
    apr_pool_t *p = mr->r->pool;
    const char *path = ef_doc_path(p, stored), *err;
    const char *argv[8];
    mc_tool_limits lim = ef_tool_limits(EF_TEXT_MAX, 0);
    mc_tool_result res;
    apr_status_t rv;

    memset(t, 0, sizeof(*t));
    t->status = "unchecked";
    if (!path)
        return APR_EINVAL;
    argv[0] = ef_config.pdftotext;
    argv[1] = "-layout";
    argv[2] = "-enc";
    argv[3] = "UTF-8";
    argv[4] = "-q";
    argv[5] = path;
    argv[6] = "-";
    argv[7] = NULL;
    if ((rv = mc_tool_run(p, argv, &lim, &res, &err)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, mr->r, MCLOGNO(2640) "%s", err);
        return APR_SUCCESS; /* unchecked: the filer is asked to check */
    }
    if (!mc_tool_ok(&res)) {
        ap_log_rerror(APLOG_MARK, res.timed_out ? APLOG_WARNING : APLOG_INFO, 0, mr->r,
                      MCLOGNO(2641) "document %s: %s; its text was not checked", stored,
                      ef_tool_outcome(p, "pdftotext", &res));
        t->why = res.timed_out ? "timed out" : "failed";
        return APR_SUCCESS;
    }
    mc_redact_scan(p, res.out, res.len, &t->scan);
    t->read = 1;
    t->status = t->scan.total ? "hits" : "clean";
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, mr->r,
                  MCLOGNO(2642) "document %s: %d page(s), %d with text, %d redaction hit(s), "
                                "pdftotext %" APR_TIME_T_FMT " ms",
                  stored, t->scan.pages, t->scan.pages_with_text, t->scan.total,
                  apr_time_as_msec(res.took));
    return APR_SUCCESS;
}

apr_status_t ef_text_save(mc_db *db, long long doc_id, const ef_text *t)
{
    apr_status_t rv;
    int i;
    for (i = 0; t->read && i < t->scan.hits->nelts; i++) {
        const mc_redact_hit *h = &APR_ARRAY_IDX(t->scan.hits, i, mc_redact_hit);
        if ((rv = mc_db_exec(db, NULL, NULL,
                             "INSERT INTO mc_ef_redaction_hit (document_id, page, kind, masked) "
                             "VALUES (?, ?, ?, ?)",
                             "iiss", doc_id, (long long)h->page, h->kind, h->masked)) !=
            APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

apr_status_t ef_redact_pending(mc_db *db, apr_pool_t *p, long long env_id, int *docs)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, p, &res,
                                  "SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = ? AND "
                                  "redaction <> 'clean'",
                                  "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    *docs = (int)mc_dbres_int(res, 0, 0);
    return APR_SUCCESS;
}

apr_status_t ef_redact_vars(mc_req *mr, mc_db *db, long long env_id)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int i, docs;
    if ((rv = ef_redact_pending(db, p, env_id, &docs)) != APR_SUCCESS)
        return rv;
    if (!docs)
        return APR_SUCCESS;
    mc_vars_set(mr->vars, "redaction_pending", "1");
    mc_vars_set(mr->vars, "redaction_confirm_label", EF_REDACT_CONFIRM_LABEL);
    rv = mc_db_query(db, p, &res,
                     "SELECT d.client_name, h.page, h.kind, h.masked FROM mc_ef_redaction_hit h "
                     "JOIN mc_ef_document d ON d.id = h.document_id WHERE d.envelope_id = ? "
                     "ORDER BY d.is_lead DESC, d.id, h.page, h.id",
                     "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "redaction_hits");
        mc_vars_set(row, "document", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "page", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "kind", mc_redact_kind_label(mc_dbres_get(res, i, 2)));
        mc_vars_set(row, "masked", mc_dbres_get(res, i, 3));
    }
    rv = mc_db_query(db, p, &res,
                     "SELECT client_name FROM mc_ef_document WHERE envelope_id = ? AND "
                     "redaction = 'unchecked' ORDER BY is_lead DESC, id",
                     "i", env_id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++)
        mc_vars_set(mc_vars_row(mr->vars, "redaction_unchecked"), "document",
                    mc_dbres_get(res, i, 0));
    return APR_SUCCESS;
}

apr_status_t ef_redact_confirm(mc_req *mr, mc_db *db, const ef_env *e, int docs)
{
    apr_status_t rv = mc_db_exec(db, NULL, NULL,
                                 "UPDATE mc_ef_envelope SET redaction_confirmed_at = "
                                 "UTC_TIMESTAMP() WHERE id = ?",
                                 "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, "ef-redaction-confirmed", mr->account->id,
                    apr_psprintf(mr->r->pool,
                                 "envelope %s: redaction warning confirmed for %d document(s)",
                                 e->number, docs));
}
