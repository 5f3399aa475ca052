/* api_upload.c: a document uploaded through the JSON API, scope
 * filings:write (see api.h):
 *
 *   POST /envelopes/:id/documents?filing_code=PET&lead=true&filename=x.pdf
 *   Content-Type: application/pdf
 *   <the PDF>
 *
 * The body is the document itself (MC_ROUTE_RAW_BODY), read from the input
 * filters in brigades and fed, chunk by chunk, to the document store's
 * temporary file and the PDF check at once, as the page's upload does
 * (upload.c: the same checks, limits and sentences; only the row's insert
 * claims no form token). A Content-Length over the court's limit is refused
 * (413) before a byte is read; a body that passes the limit is refused the
 * moment it does. Answers 201 with the document's metadata and SHA-256. */
#include "api.h"

#include "http_request.h"

/* No more of the body will be read: close the connection instead of
 * letting httpd read (discard) the rest of it. */
static int no_more_body(mc_req *mr, int rc)
{
    mr->r->connection->keepalive = AP_CONN_CLOSE;
    return rc;
}

static apr_status_t feed(void *baton, const char *data, apr_size_t len)
{
    return ef_doc_write(baton, data, len);
}

static int refuse(mc_req *mr, int status, const char *field, const char *sentence)
{
    if (status == HTTP_BAD_REQUEST)
        status = HTTP_UNPROCESSABLE_ENTITY;
    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE)
        return no_more_body(
            mr, mc_api_problem_field(mr, status, "document-too-large", field, sentence));
    if (status == HTTP_CONFLICT)
        return no_more_body(mr, mc_api_problem(mr, status, "conflict", sentence));
    return no_more_body(mr, mc_api_problem_field(mr, status, "invalid-field", field, sentence));
}

/* ?lead=: true/1, false/0 or absent (false); -1 when it is neither. */
static int lead_asked(mc_req *mr)
{
    const char *v = mc_query(mr, "lead");
    if (!v || !*v || !strcmp(v, "false") || !strcmp(v, "0"))
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "1"))
        return 1;
    return -1;
}

static int upload(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    const char *ctype = apr_table_get(r->headers_in, "Content-Type");
    const char *name = mc_query(mr, "filename"), *field, *refusal;
    apr_status_t rv, read_rv;
    long long code_id;
    ef_doc_in d;
    ef_env e;
    ef_court c;
    mc_db *db;
    json_t *docs, *o;
    size_t i;
    int rc, found, status, repeat = 0;

    if ((rc = ef_api_own_envelope(mr, &db, &e, 1)) != -1)
        return no_more_body(mr, rc);
    if (!*e.court_code)
        return refuse(mr, HTTP_CONFLICT, NULL,
                      "Choose the court and the case before adding documents.");
    if ((rv = ef_court_get(db, p, e.court_code, &c, &found)) != APR_SUCCESS)
        return no_more_body(mr, mc_fail(mr, rv));
    if (!found)
        return refuse(
            mr, HTTP_CONFLICT, NULL,
            apr_pstrcat(p, e.court_name, " does not accept electronic filings now.", NULL));
    if (!ef_config.store)
        return no_more_body(mr, HTTP_SERVICE_UNAVAILABLE); /* check_config refuses to start so */
    if (!ctype || strncasecmp(ctype, "application/pdf", 15) ||
        (ctype[15] && ctype[15] != ';' && ctype[15] != ' '))
        return no_more_body(mr, mc_api_problem(mr, HTTP_UNSUPPORTED_MEDIA_TYPE, "document-type",
                                               "Send the PDF document itself as the body, with "
                                               "Content-Type: application/pdf."));

    /* What the query says, checked before a byte is read. */
    memset(&d, 0, sizeof(d));
    d.mr = mr;
    d.e = &e;
    d.c = &c;
    d.filing_code = mc_query(mr, "filing_code");
    /* An Idempotency-Key (optional here): a retried upload adds nothing. */
    d.use_idem = apr_table_get(r->headers_in, "Idempotency-Key") != NULL;
    if ((d.lead = lead_asked(mr)) < 0)
        return refuse(mr, HTTP_BAD_REQUEST, "lead", "lead is true or false.");
    if (name && ef_doc_traversal_name(name))
        return refuse(mr, HTTP_BAD_REQUEST, "filename", EF_DOC_TRAVERSAL);
    d.filename = name ? ef_doc_clean_name(p, name) : "";
    if ((rv = ef_code_check(db, p, &c, &e, d.filing_code, d.lead, &code_id, &field, &refusal)) !=
        APR_SUCCESS)
        return no_more_body(mr, mc_fail(mr, rv));
    if (refusal)
        return refuse(mr, HTTP_BAD_REQUEST, field, refusal);

    /* Too big by its own declaration: refused before a byte is read. */
    if (cl) {
        char *end;
        apr_off_t n;
        if (apr_strtoff(&n, cl, &end, 10) != APR_SUCCESS || *end || n < 0)
            return no_more_body(mr, HTTP_BAD_REQUEST);
        if (n > (apr_off_t)c.max_doc_bytes) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          MCLOGNO(2630) "API upload refused: Content-Length %" APR_OFF_T_FMT
                                        " over court %s's limit",
                          n, c.code);
            return refuse(mr, HTTP_REQUEST_ENTITY_TOO_LARGE, "file", ef_doc_too_big(p, &c));
        }
    }

    if ((rv = ef_doc_begin(&d)) != APR_SUCCESS)
        return no_more_body(mr, mc_api_problem(mr, HTTP_INTERNAL_SERVER_ERROR, "server-error",
                                               EF_DOC_STORE_FAILED));
    rv = ef_doc_read_body(r, feed, &d, &read_rv);
    if (rv != APR_SUCCESS)
        mc_docstore_abort(d.w); /* nothing of a failed upload stays */
    if (read_rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, read_rv, r,
                      MCLOGNO(2631) "API upload to envelope %" APR_INT64_T_FMT
                                    " not completed by the client",
                      (apr_int64_t)e.id);
        return no_more_body(mr, ap_map_http_request_error(read_rv, HTTP_BAD_REQUEST));
    }
    if (rv == MC_DOC_ETOOBIG) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(2632) "API upload refused: over court %s's limit", c.code);
        return refuse(mr, HTTP_REQUEST_ENTITY_TOO_LARGE, "file", ef_doc_too_big(p, &c));
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(2633) "storing a document for envelope %" APR_INT64_T_FMT " failed",
                      (apr_int64_t)e.id);
        return no_more_body(mr, mc_api_problem(mr, HTTP_INTERNAL_SERVER_ERROR, "server-error",
                                               EF_DOC_STORE_FAILED));
    }

    /* The whole body is here: check the document, keep it. */
    rv = ef_doc_finish(db, &d, &status, &field, &refusal);
    if (rv == MC_ONCE_REPEAT) { /* its copy was kept; this one was removed */
        d.doc_id = d.idem_prior ? apr_atoi64(d.idem_prior) : 0;
        d.demoted = 0;
        repeat = 1;
        rv = APR_SUCCESS;
        refusal = NULL;
    }
    if (rv == MC_ONCE_REFUSED)
        return refuse(mr, HTTP_BAD_REQUEST, "Idempotency-Key",
                      "An Idempotency-Key has 1 to 255 characters.");
    if (rv == EF_DOC_ESTORE)
        return mc_api_problem(mr, HTTP_INTERNAL_SERVER_ERROR, "server-error", EF_DOC_STORE_FAILED);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (refusal)
        return refuse(mr, status, field, refusal);
    if (!(docs = ef_api_documents(mr, db, e.id, &rv)))
        return mc_fail(mr, rv);
    json_array_foreach(docs, i, o)
    {
        if (json_integer_value(json_object_get(o, "id")) == d.doc_id) {
            json_incref(o);
            json_decref(docs);
            json_object_set_new(o, "replaced_lead",
                                d.demoted ? json_integer((json_int_t)d.demoted) : json_null());
            apr_table_setn(r->headers_out, "Location",
                           mc_url(mr, apr_psprintf(p, "/envelopes/%" APR_INT64_T_FMT "/documents",
                                                   (apr_int64_t)e.id)));
            return mc_api_send(mr, repeat ? HTTP_OK : HTTP_CREATED, o);
        }
    }
    json_decref(docs);
    return mc_fail(mr, APR_EGENERAL);
}

const mc_route ef_api_upload_routes[] = {{"POST", "/envelopes/:id/documents", MC_ACCESS_ACCOUNT,
                                          "filings:write", upload, MC_ROUTE_RAW_BODY},
                                         {NULL}};
