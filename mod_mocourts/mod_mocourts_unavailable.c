/* mod_mocourts_unavailable.c: the 503 page when the database cannot be
 * reached ("Service temporarily unavailable").
 *
 * Answered from a handler and from the access checker (a protected static
 * file), so through httpd's error response: the page, rendered in the site
 * layout, is the request's custom response. httpd labels every error
 * response "text/html; charset=iso-8859-1"; an error filter, inserted only
 * for this page, puts charset=utf-8 back before the headers go out. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"

#define NOTE "mocourts-unavailable"
#define FILTER "MOCOURTS_UNAVAILABLE"
#define TITLE "Service temporarily unavailable"

/* When the layout or the page template cannot be rendered: the same words,
 * well-formed, without the layout. %s: the sentence about what was sent. */
static const char fallback_page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" TITLE
    "</title></head><body><main><h1>" TITLE "</h1><p>The court's records system cannot be "
    "reached right now. Please try again in a minute.</p>%s</main></body></html>";
static const char fallback_sent[] =
    "<p>What you sent may not have been saved. When the site answers again, check whether it "
    "was saved before you send it again.</p>";

/* A request that sent something (a form, an upload): whether it was saved
 * before the database went away is not known here. */
static int sent_something(const request_rec *r)
{
    return r->method_number != M_GET && r->method_number != M_OPTIONS;
}

static const char *page_of(request_rec *r)
{
    mc_tmpl_cache *templates = mc_templates();
    mc_vars *v;
    const char *err = NULL;
    char *out;
    apr_size_t len;

    if (templates) {
        v = mc_layout_vars(r, NULL, NULL);
        mc_vars_set(v, "title", TITLE);
        if (sent_something(r))
            mc_vars_set(v, "sent", "1");
        if (mc_tmpl_render(templates, r->pool, "core/layout.html", "core/unavailable.html", v, &out,
                           &len, &err) == APR_SUCCESS)
            return out;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  MCLOGNO(0901) "the 503 page cannot be rendered in the layout (%s): "
                                "answering the plain one",
                  err ? err : "templates not loaded");
    return apr_psprintf(r->pool, fallback_page, sent_something(r) ? fallback_sent : "");
}

int mc_unavailable(request_rec *r)
{
    mc_security_headers(r);
    apr_table_setn(r->err_headers_out, "Retry-After", "30");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->notes, NOTE, "1");
    ap_custom_response(r, HTTP_SERVICE_UNAVAILABLE, page_of(r));
    return HTTP_SERVICE_UNAVAILABLE;
}

/* Runs once, before the headers: the page is UTF-8, say so. */
static apr_status_t utf8_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    ap_set_content_type(f->r, "text/html; charset=utf-8");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* insert_error_filter: only for our page (the original request's note). */
static void insert_error_filter(request_rec *r)
{
    request_rec *first = r;
    while (first->prev)
        first = first->prev;
    if (r->status == HTTP_SERVICE_UNAVAILABLE &&
        (apr_table_get(r->notes, NOTE) || apr_table_get(first->notes, NOTE)))
        ap_add_output_filter(FILTER, NULL, r, r->connection);
}

void mc_unavailable_register(apr_pool_t *p)
{
    ap_register_output_filter(FILTER, utf8_filter, NULL, AP_FTYPE_CONTENT_SET);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
}

/* A handler's database error: 503 (this page) when the database cannot be
 * reached, else 500, logged either way. */
int mc_fail(mc_req *mr, apr_status_t rv)
{
    mc_db *db = mc_rstate_of(mr->r)->db;
    if (rv == MC_DB_ELOST || (db && mc_db_broken(db))) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, mr->r,
                      MCLOGNO(0203) "database unreachable: answering 503");
        if (mc_rest_request(mr->r))
            return mc_rest_message(mr, HTTP_SERVICE_UNAVAILABLE,
                                   "The database cannot be reached; try again shortly.");
        return mc_unavailable(mr->r);
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r, MCLOGNO(0204) "database error (%s): %s",
                  mc_db_strerror(rv), db ? mc_db_error(db) : "no connection");
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* A page's session (mod_mocourts_private.h): here, beside the 503 it may answer. */
int mc_session_for_page(request_rec *r, mc_session **sess)
{
    apr_status_t rv = mc_session_of(r, sess);
    if (rv == APR_SUCCESS)
        return OK;
    if (rv == MC_DB_ELOST)
        return mc_unavailable(r);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCLOGNO(0401) "session lookup failed: %s",
                  mc_db_strerror(rv));
    return HTTP_INTERNAL_SERVER_ERROR;
}
