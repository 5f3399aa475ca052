/* download.c: GET /documents/:doc (route in mod_mocourts_efiling.c): to
 * the filer, the filer's group administrator and the court's clerks (once
 * the envelope is submitted); anyone else gets "Document not found". The
 * stored file is re-hashed before a byte is sent and re-checked while
 * streaming. See efiling.h and docs/efiling-documents.md. */
#include "efiling.h"

#include "apr_lib.h"
#include "http_request.h"
#include "util_filter.h"

#include "mc_docstore.h"

#define DL_CHUNK (64 * 1024)

static int doc_not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Document not found",
                      "There is no such document, or it is not yours to see.");
}

/* filename="..." (ASCII, no quotes or backslashes) and filename*=UTF-8''...
 * (RFC 6266 / RFC 8187) of the client's name, ending in .pdf. */
static const char *disposition(apr_pool_t *p, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s;
    apr_size_t n;
    char *ascii, *a, *pct, *q;
    if (!name || !*name)
        name = "document.pdf";
    n = strlen(name);
    if (n < 4 || strcasecmp(name + n - 4, ".pdf"))
        name = apr_pstrcat(p, name, ".pdf", NULL);
    a = ascii = apr_palloc(p, strlen(name) + 1);
    q = pct = apr_palloc(p, strlen(name) * 3 + 1);
    for (s = (const unsigned char *)name; *s; s++) {
        *a++ = (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\' || *s == '%' || *s == ';')
                   ? '_'
                   : (char)*s;
        if (apr_isalnum(*s) || strchr("!#$&+-.^_`|~", *s))
            *q++ = (char)*s;
        else {
            *q++ = '%';
            *q++ = hex[*s >> 4];
            *q++ = hex[*s & 15];
        }
    }
    *a = *q = '\0';
    return apr_psprintf(p, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
}

static int stored_refused(mc_req *mr, apr_status_t rv, long long doc, const char *stored)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, mr->r,
                  MCLOGNO(2613) "document %" APR_INT64_T_FMT " (%s): %s; not served",
                  (apr_int64_t)doc, stored,
                  rv == MC_DOC_EMISMATCH     ? "the stored file does not match its SHA-256"
                  : APR_STATUS_IS_ENOENT(rv) ? "the stored file is missing"
                  : rv == MC_DOC_EBADNAME    ? "the row's stored name or hash is malformed"
                                             : "the stored file cannot be read");
    return mc_message(mr, HTTP_INTERNAL_SERVER_ERROR, "Document not available",
                      APR_STATUS_IS_ENOENT(rv)
                          ? "The stored document is missing; the court has been told."
                          : "The stored document does not match its record; the court has "
                            "been told.");
}

int ef_doc_download(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    long long doc = mc_param_id(mr, "doc");
    mc_docstore_reader *rd;
    apr_bucket_brigade *bb;
    mc_dbres *res;
    mc_db *db;
    ef_env e;
    const char *stored, *sha;
    char *cur, *next;
    apr_size_t ncur = 0, nnext = 0;
    apr_status_t rv;
    int found, rel;

    if (!doc)
        return doc_not_found(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT envelope_id, client_name, sha256, stored_name FROM "
                          "mc_ef_document WHERE id = ?",
                          "i", doc)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!res->nrows)
        return doc_not_found(mr);
    if ((rv = ef_env_load(mr, db, mc_dbres_int(res, 0, 0), 0, &e, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rel = found ? ef_env_relation(mr, &e) : 0;
    /* A clerk sees an envelope's documents once it is filed, not a draft. */
    if (found && !strcmp(e.status, "draft"))
        rel &= ~EF_CLERK;
    if (!(rel & (EF_FILER | EF_GROUP_ADMIN | EF_CLERK)))
        return doc_not_found(mr);
    if (!ef_config.store)
        return HTTP_SERVICE_UNAVAILABLE;
    stored = mc_dbres_get(res, 0, 3);
    sha = mc_dbres_get(res, 0, 2);

    /* Verify, then stream: a tampered file is refused before a byte goes. */
    if ((rv = mc_docstore_verify(p, ef_config.store, stored, sha)) != APR_SUCCESS)
        return stored_refused(mr, rv, doc, stored);
    if ((rv = mc_docstore_open(p, ef_config.store, stored, sha, &rd)) != APR_SUCCESS)
        return stored_refused(mr, rv, doc, stored);

    ap_set_content_type(r, "application/pdf");
    ap_set_content_length(r, mc_docstore_size(rd));
    apr_table_setn(r->headers_out, "Content-Disposition", disposition(p, mc_dbres_get(res, 0, 1)));
    /* The core's security headers are in err_headers_out: set them there
     * (once); a PDF needs no more than a sandbox. */
    apr_table_setn(r->err_headers_out, "X-Content-Type-Options", "nosniff");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->err_headers_out, "Content-Security-Policy", "default-src 'none'; sandbox");
    if (r->header_only)
        return OK;

    /* Each chunk is sent only once the next one is read, and the last only
     * after the hash has been re-checked: a file changed since the check
     * gives the client a short (failed) download, never a wrong one. */
    bb = apr_brigade_create(p, r->connection->bucket_alloc);
    cur = apr_palloc(p, DL_CHUNK);
    next = apr_palloc(p, DL_CHUNK);
    rv = mc_docstore_read(rd, cur, DL_CHUNK, &ncur);
    for (;;) {
        char *swap;
        int last;
        if (rv != APR_SUCCESS) { /* the end before any byte (empty), or an error */
            if (APR_STATUS_IS_EOF(rv))
                rv = mc_docstore_read_end(rd); /* the core ends the response */
            break;
        }
        rv = mc_docstore_read(rd, next, DL_CHUNK, &nnext);
        if (rv != APR_SUCCESS && !APR_STATUS_IS_EOF(rv))
            break;
        last = APR_STATUS_IS_EOF(rv);
        if (last && (rv = mc_docstore_read_end(rd)) != APR_SUCCESS)
            break;
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_transient_create(cur, ncur, bb->bucket_alloc));
        if (last)
            APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
        if ((rv = ap_pass_brigade(r->output_filters, bb)) != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                          MCLOGNO(2614) "download of document %" APR_INT64_T_FMT
                                        " not completed by the client",
                          (apr_int64_t)doc);
            return OK;
        }
        apr_brigade_cleanup(bb);
        if (last)
            return OK;
        swap = cur;
        cur = next;
        next = swap;
        ncur = nnext;
    }
    if (rv == APR_SUCCESS)
        return OK;
    ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                  MCLOGNO(2615) "document %" APR_INT64_T_FMT " (%s) %s while being served; "
                                "the download was cut short",
                  (apr_int64_t)doc, stored,
                  rv == MC_DOC_EMISMATCH ? "changed" : "could not be read");
    r->connection->keepalive = AP_CONN_CLOSE;
    r->connection->aborted = 1;
    return OK;
}
