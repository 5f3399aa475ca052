/* mod_mocourts_errors.c: every response under a mount carries the security
 * headers, and every error there is a page in the site layout.
 *
 * A route's handler renders its own errors (mc_error_page). The others come
 * from httpd: a path no route has (/account/nonexistent: the default
 * handler's 404), a method no route takes (405), an access rule of the site
 * (403), a Redirect with an error status, a module's 500. httpd answers
 * those through its error response; its insert_error_filter hook runs first,
 * and there the page becomes the request's custom response (unless the
 * site set one: an ErrorDocument, the 503 page), with the headers in
 * err_headers_out, which the error response keeps. httpd labels every error
 * response "text/html; charset=iso-8859-1"; a filter inserted with the page
 * puts charset=utf-8 back. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_core.h" /* ap_response_code_string: a custom response is set */
#include "util_filter.h"

#define FILTER "MOCOURTS_ERROR_PAGE"

typedef struct error_words {
    int status;
    const char *title, *message;
} error_words;

static const error_words words[] = {
    {HTTP_BAD_REQUEST, "Bad request", "The request could not be understood."},
    {HTTP_UNAUTHORIZED, "Logon required", "This page needs a username and password."},
    {HTTP_FORBIDDEN, "Not allowed", "You do not have access to this page."},
    {HTTP_NOT_FOUND, "Page not found", "There is no such page."},
    {HTTP_METHOD_NOT_ALLOWED, "Not allowed here",
     "This page cannot be used that way. Follow the site's links and buttons instead."},
    {HTTP_REQUEST_TIME_OUT, "Too slow", "The request took too long to arrive. Please try again."},
    {HTTP_GONE, "Page gone", "This page is no longer here."},
    {HTTP_LENGTH_REQUIRED, "Bad request", "The request could not be understood."},
    {HTTP_REQUEST_ENTITY_TOO_LARGE, "Too large", "What you sent is larger than this page accepts."},
    {HTTP_REQUEST_URI_TOO_LARGE, "Address too long", "The page's address is too long."},
    {HTTP_UNSUPPORTED_MEDIA_TYPE, "Not accepted",
     "What you sent is not in a form this page accepts."},
    {HTTP_TOO_MANY_REQUESTS, "Too many requests",
     "You have sent many requests in a short time. Please wait a minute and try again."},
    {HTTP_INTERNAL_SERVER_ERROR, "Something went wrong",
     "The court's system could not complete this request. Nothing was changed. Please try "
     "again later."},
    {HTTP_NOT_IMPLEMENTED, "Not allowed here",
     "This page cannot be used that way. Follow the site's links and buttons instead."},
    {HTTP_SERVICE_UNAVAILABLE, "Service temporarily unavailable",
     "The court's system is busy. Please try again in a minute."},
    {0, NULL, NULL}};

static const error_words *words_of(int status)
{
    static const error_words client = {0, "Request refused", "The request could not be completed."};
    static const error_words server = {0, "Something went wrong",
                                       "The court's system could not complete this request. "
                                       "Please try again later."};
    const error_words *w;
    for (w = words; w->status; w++)
        if (w->status == status)
            return w;
    return status < 500 ? &client : &server;
}

/* The site's error page for status in v's layout: *out in r's pool.
 * APR_SUCCESS or the template's error (in *err). */
static apr_status_t render(request_rec *r, mc_vars *v, int status, char **out, const char **err)
{
    const error_words *w = words_of(status);
    apr_size_t len;
    mc_tmpl_cache *templates = mc_templates();
    *err = "templates not loaded";
    if (!templates)
        return APR_EGENERAL;
    mc_vars_set(v, "title", w->title);
    mc_vars_set(v, "message", w->message);
    return mc_tmpl_render(templates, r->pool, "core/layout.html", "core/message.html", v, out, &len,
                          err);
}

int mc_error_page(mc_req *mr, int status)
{
    const error_words *w = words_of(status);
    return mc_message(mr, status, w->title, w->message);
}

/* The mount r is under, or NULL. */
static const mc_mount *mount_of(request_rec *r)
{
    const mc_dir_conf *dc;
    if (!mc_conf_get() || !mc_conf_get()->base_url || !r->per_dir_config)
        return NULL;
    dc = ap_get_module_config(r->per_dir_config, &mocourts_module);
    return dc ? dc->mount : NULL;
}

/* fixups: the headers for what a handler other than ours answers there
 * (a static file, mod_dir's redirect). */
static int fixups(request_rec *r)
{
    if (mount_of(r))
        mc_security_headers(r);
    return DECLINED;
}

/* Runs once, before the headers: the page is UTF-8, say so. */
static apr_status_t utf8_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    ap_set_content_type(f->r, "text/html; charset=utf-8");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static const char fallback_page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>"
    "<body><main><h1>%s</h1><p>%s</p></main></body></html>";

static void insert_error_filter(request_rec *r)
{
    const mc_mount *m = mount_of(r);
    const error_words *w;
    mc_rstate *st;
    char *page = NULL;
    const char *err;

    if (!m)
        return;
    mc_security_headers(r);
    if (r->status < 400 || ap_response_code_string(r, ap_index_of_response(r->status)))
        return;
    /* The session only when this request has looked it up already: an error
     * page never waits for the database. */
    st = mc_rstate_of(r);
    if (render(r,
               mc_layout_vars(
                   r, st->session_looked && st->session_rv == APR_SUCCESS ? st->session : NULL,
                   m->plugin),
               r->status, &page, &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      MCLOGNO(0902) "the %d page cannot be rendered in the layout (%s): "
                                    "answering the plain one",
                      r->status, err);
        w = words_of(r->status);
        page = apr_psprintf(r->pool, fallback_page, w->title, w->title, w->message);
    }
    ap_custom_response(r, r->status, page);
    ap_add_output_filter(FILTER, NULL, r, r->connection);
}

void mc_errors_register(apr_pool_t *p)
{
    ap_register_output_filter(FILTER, utf8_filter, NULL, AP_FTYPE_CONTENT_SET);
    ap_hook_fixups(fixups, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(insert_error_filter, NULL, NULL, APR_HOOK_MIDDLE);
}
