/* clerkdocs.c: what the clerk's envelope page shows of each document
 * before Accept (issue 17, see rules.h): qpdf --check's verdict (OK,
 * warnings, errors; the first lines of its output, escaped by the
 * template), run out of process once and kept on the document's row; an
 * inline preview of the first pages, rendered by pdftoppm out of process on
 * each request for GET /clerk/documents/:doc/pages/:page, served to the
 * clerks of the envelope's court only (as the download, once it is filed);
 * and whether the filer confirmed the redaction warning. */
#include "rules.h"

#define EF_PREVIEW_PAGES 3                 /* pages previewed, at most */
#define EF_QPDF_OUT_MAX (64 * 1024)        /* qpdf output read */
#define EF_QPDF_LINES 8                    /* lines kept for the clerk */
#define EF_QPDF_KEEP 900                   /* bytes kept (mc_ef_document.qpdf_output) */
#define EF_PNG_MAX (16 * 1024 * 1024)      /* a rendered page, at most */

/* qpdf's output for the clerk: its first lines, the store's path replaced
 * by "the document", the "checking <path>" line left out. */
static const char *qpdf_lines(apr_pool_t *p, const char *out, const char *path)
{
    char *copy = apr_pstrdup(p, out), *line, *last;
    const char *kept = "";
    apr_size_t plen = strlen(path);
    int n = 0;
    for (line = apr_strtok(copy, "\n", &last); line && n < EF_QPDF_LINES;
         line = apr_strtok(NULL, "\n", &last)) {
        const char *s = line;
        char *at;
        if (!strncmp(line, "checking ", 9))
            continue;
        while ((at = strstr(s, path))) {
            kept = apr_pstrcat(p, kept, apr_pstrmemdup(p, s, (apr_size_t)(at - s)),
                               "the document", NULL);
            s = at + plen;
        }
        kept = apr_pstrcat(p, kept, s, "\n", NULL);
        n++;
    }
    if (strlen(kept) > EF_QPDF_KEEP) {
        apr_size_t k = EF_QPDF_KEEP;
        while (k > 0 && ((unsigned char)kept[k] & 0xC0) == 0x80)
            k--;
        kept = apr_pstrmemdup(p, kept, k);
    }
    return kept;
}

/* Run qpdf --check on stored: *verdict "ok", "warnings" or "errors", *lines
 * what the clerk reads. */
static void qpdf_check(mc_req *mr, const char *stored, const char **verdict, const char **lines)
{
    apr_pool_t *p = mr->r->pool;
    const char *path = ef_doc_path(p, stored), *err, *argv[4];
    mc_tool_limits lim = ef_tool_limits(EF_QPDF_OUT_MAX, 1);
    mc_tool_result res;
    apr_status_t rv;
    *verdict = "errors";
    if (!path) {
        *lines = "The stored document's name is not the store's.";
        return;
    }
    argv[0] = ef_config.qpdf;
    argv[1] = "--check";
    argv[2] = path;
    argv[3] = NULL;
    if ((rv = mc_tool_run(p, argv, &lim, &res, &err)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, mr->r, MCLOGNO(2643) "%s", err);
        *verdict = NULL; /* not kept: tried again on the next view */
        *lines = "The structural check could not be run.";
        return;
    }
    *lines = qpdf_lines(p, res.out, path);
    if (res.timed_out || res.truncated || res.signaled) {
        *lines = apr_pstrcat(p, ef_tool_outcome(p, "qpdf", &res), ".\n", *lines, NULL);
        return;
    }
    /* qpdf's exit status: 0 no problem, 3 warnings, 2 errors. */
    *verdict = res.exit_code == 0 ? "ok" : res.exit_code == 3 ? "warnings" : "errors";
}

static const char *verdict_label(const char *v)
{
    return !strcmp(v, "ok") ? "OK" : !strcmp(v, "warnings") ? "Warnings" : "Errors";
}

apr_status_t ef_clerk_checks(mc_req *mr, mc_db *db, const ef_env *e)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if (*e->redaction_confirmed_at)
        mc_vars_set(mr->vars, "redaction_confirmed", e->redaction_confirmed_at);
    rv = mc_db_query(db, p, &res,
                     "SELECT d.id, f.name, d.client_name, d.stored_name, "
                     "COALESCE(d.qpdf_verdict, ''), COALESCE(d.qpdf_output, ''), "
                     "COALESCE(d.text_pages, 1) FROM mc_ef_document d JOIN mc_ef_filing_code f "
                     "ON f.id = d.filing_code_id WHERE d.envelope_id = ? ORDER BY d.is_lead "
                     "DESC, d.id",
                     "i", e->id);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "checks");
        const char *id = mc_dbres_get(res, i, 0), *name = mc_dbres_get(res, i, 2);
        const char *verdict = mc_dbres_get(res, i, 4), *lines = mc_dbres_get(res, i, 5);
        char *copy, *line, *last;
        long long pages = mc_dbres_int(res, i, 6), k;
        if (!*verdict) {
            qpdf_check(mr, mc_dbres_get(res, i, 3), &verdict, &lines);
            if (verdict &&
                (rv = mc_db_exec(db, NULL, NULL,
                                 "UPDATE mc_ef_document SET qpdf_verdict = ?, qpdf_output = ? "
                                 "WHERE id = ?",
                                 "ssi", verdict, lines, mc_dbres_int(res, i, 0))) != APR_SUCCESS)
                return rv;
            if (!verdict)
                verdict = "errors";
        }
        mc_vars_set(row, "name", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "client_name", name);
        mc_vars_set(row, "verdict", verdict_label(verdict));
        mc_vars_set(row, "verdict_class",
                    !strcmp(verdict, "ok") ? "mc-status mc-status--accepted"
                                           : "mc-status mc-status--rejected");
        copy = apr_pstrdup(p, lines);
        for (line = apr_strtok(copy, "\n", &last); line; line = apr_strtok(NULL, "\n", &last))
            mc_vars_set(mc_vars_row(row, "lines"), "line", line);
        for (k = 1; ef_doc_path(p, mc_dbres_get(res, i, 3)) && k <= pages && k <= EF_PREVIEW_PAGES;
             k++) {
            mc_vars *pv = mc_vars_row(row, "previews");
            mc_vars_set(pv, "src",
                        mc_url(mr, apr_psprintf(p, "/clerk/documents/%s/pages/%" APR_INT64_T_FMT,
                                                id, (apr_int64_t)k)));
            mc_vars_set(pv, "alt",
                        apr_psprintf(p, "Page %" APR_INT64_T_FMT " of %s (%s)", (apr_int64_t)k,
                                     *name ? name : "the document", mc_dbres_get(res, i, 1)));
        }
    }
    return APR_SUCCESS;
}

/* ---- GET /clerk/documents/:doc/pages/:page --------------------------------------------- */

static int preview_not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Document not found",
                      "There is no such document, or it is not yours to see.");
}

int ef_doc_preview(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    long long doc = mc_param_id(mr, "doc"), page = mc_param_id(mr, "page");
    const char *path, *err, *argv[12], *pg;
    mc_tool_limits lim = ef_tool_limits(EF_PNG_MAX, 0);
    mc_tool_result out;
    mc_dbres *res;
    mc_db *db;
    ef_env e;
    apr_status_t rv;
    int found;

    if (!doc || page < 1 || page > EF_PREVIEW_PAGES)
        return preview_not_found(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT envelope_id, sha256, stored_name, COALESCE(text_pages, 1) "
                          "FROM mc_ef_document WHERE id = ?",
                          "i", doc)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!res->nrows || page > mc_dbres_int(res, 0, 3))
        return preview_not_found(mr);
    if ((rv = ef_env_load(mr, db, mc_dbres_int(res, 0, 0), 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    /* The clerks of the envelope's court, once it is filed: as the download. */
    if (!found || !(ef_env_relation(mr, &e) & EF_CLERK) || !strcmp(e.status, "draft"))
        return preview_not_found(mr);
    if (!(path = ef_doc_path(p, mc_dbres_get(res, 0, 2))))
        return preview_not_found(mr);
    /* A tampered file is never rendered. */
    if ((rv = mc_docstore_verify(p, ef_config.store, mc_dbres_get(res, 0, 2),
                                 mc_dbres_get(res, 0, 1))) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(2644) "document %" APR_INT64_T_FMT
                                    ": the stored file does not match its record; no preview",
                      (apr_int64_t)doc);
        return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Document not available",
                          "The stored document does not match its record; the court has been "
                          "told.");
    }
    pg = apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)page);
    argv[0] = ef_config.pdftoppm;
    argv[1] = "-png";
    argv[2] = "-r";
    argv[3] = "72";
    argv[4] = "-f";
    argv[5] = pg;
    argv[6] = "-l";
    argv[7] = pg;
    argv[8] = "-singlefile";
    argv[9] = "-q";
    argv[10] = path;
    argv[11] = NULL;
    if ((rv = mc_tool_run(p, argv, &lim, &out, &err)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, MCLOGNO(2645) "%s", err);
        return mc_message(mr, HTTP_SERVICE_UNAVAILABLE, "Preview not available",
                          "The page could not be rendered. Download the document instead.");
    }
    if (!mc_tool_ok(&out) || out.len < 8 || memcmp(out.out, "\x89PNG\r\n\x1a\n", 8)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(2646) "document %" APR_INT64_T_FMT " page %s: %s; no preview",
                      (apr_int64_t)doc, pg, ef_tool_outcome(p, "pdftoppm", &out));
        return mc_message(mr, HTTP_UNPROCESSABLE_ENTITY, "Preview not available",
                          "The page could not be rendered. Download the document instead.");
    }
    ap_set_content_type(r, "image/png");
    ap_set_content_length(r, (apr_off_t)out.len);
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Cache-Control", "private, no-store");
    if (!r->header_only)
        ap_rwrite(out.out, (int)out.len, r);
    return OK;
}
