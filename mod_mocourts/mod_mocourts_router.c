/* mod_mocourts_router.c: routes a request under a mount to its plugin's
 * handler (mc_route_match), after the session, access, body and anti-CSRF
 * checks. The helpers handlers call are mod_mocourts_api.c. */
#include "mod_mocourts_private.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"

#include "mc_form.h"
#include "mc_multipart.h"
#include "mc_route.h"

#define MAX_FORM_BODY (256 * 1024)

/* ABI 1.3: the request's origin: Sec-Fetch-Site and Origin. */
const char *mc_csrf_origin_refusal(const mc_req *mr)
{
    const char *site = apr_table_get(mr->r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(mr->r->headers_in, "Origin");
    if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
        return "Sec-Fetch-Site is not same-origin";
    if (origin && strcasecmp(origin, mc_conf_get()->base_origin))
        return "Origin is another site";
    return NULL;
}

static const char *token_refusal(const char *sent, const char *want)
{
    if (!sent)
        return "no anti-CSRF token";
    if (!want || !mc_ct_streq(sent, want))
        return "wrong anti-CSRF token";
    return NULL;
}

/* Is this POST from our own pages? Sec-Fetch-Site and Origin first, then
 * the token (session's, or the pre-session cookie's). */
static const char *csrf_refusal(request_rec *r, mc_req *mr, mc_session *sess)
{
    const char *why = mc_csrf_origin_refusal(mr);
    if (why)
        return why;
    return token_refusal(apr_table_get(mr->form, MC_CSRF_FIELD),
                         sess ? sess->csrf : mc_cookie_read(r, mc_cookie_name("csrf", r->pool)));
}

/* ABI 1.3: the same check for a body the handler reads itself. */
const char *mc_csrf_refusal(const mc_req *mr, const char *sent)
{
    const char *why = mc_csrf_origin_refusal(mr);
    return why ? why : token_refusal(sent, mc_vars_get(mr->vars, "_csrf"));
}

/* The request body, at most max bytes, into *buf (NUL-terminated). */
static int read_body(request_rec *r, apr_off_t max, char **buf, apr_size_t *len)
{
    apr_off_t n = 0;
    long got;
    int rc;
    *buf = NULL;
    *len = 0;
    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK)
        return rc;
    if (r->remaining > max)
        return HTTP_REQUEST_ENTITY_TOO_LARGE;
    if (!ap_should_client_block(r))
        return OK;
    *buf = apr_palloc(r->pool, max + 1);
    while ((got = ap_get_client_block(r, *buf + n, max + 1 - n)) > 0) {
        n += got;
        if (n > max)
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
    }
    if (got < 0)
        return HTTP_BAD_REQUEST;
    (*buf)[n] = '\0';
    *len = (apr_size_t)n;
    return OK;
}

/* ---- RFC 8058 one-click unsubscribe ---------------------------------------- */

/* A one-click POST's body is tiny (RFC 8058 section 3.1: the one pair
 * "List-Unsubscribe=One-Click"); mail receivers SHOULD send it as
 * multipart/form-data, which only MC_ROUTE_ONE_CLICK routes read. */
#define ONE_CLICK_MAX_BODY 4096

typedef struct mp_fields {
    apr_pool_t *p;
    apr_table_t *form;
    const char *name;
    char val[ONE_CLICK_MAX_BODY];
    apr_size_t len;
} mp_fields;

static apr_status_t mp_field_begin(void *baton, const char *name, const char *filename,
                                   const char *content_type)
{
    mp_fields *f = baton;
    if (filename || !name)
        return APR_EINVAL; /* fields only */
    f->name = apr_pstrdup(f->p, name);
    f->len = 0;
    return APR_SUCCESS;
}

static apr_status_t mp_field_data(void *baton, const char *data, apr_size_t len)
{
    mp_fields *f = baton;
    if (len > sizeof(f->val) - f->len)
        return APR_EINVAL;
    memcpy(f->val + f->len, data, len);
    f->len += len;
    return APR_SUCCESS;
}

static apr_status_t mp_field_end(void *baton)
{
    mp_fields *f = baton;
    apr_table_addn(f->form, f->name, apr_pstrmemdup(f->p, f->val, f->len));
    return APR_SUCCESS;
}

static int read_multipart_fields(request_rec *r, const char *ct, apr_table_t *form)
{
    mp_fields *f = apr_pcalloc(r->pool, sizeof(*f));
    mc_mp_callbacks cb = {f, mp_field_begin, mp_field_data, mp_field_end};
    const char *err;
    apr_size_t len;
    char *buf;
    mc_mp *mp;
    int rc = read_body(r, ONE_CLICK_MAX_BODY, &buf, &len);
    if (rc != OK)
        return rc;
    f->p = r->pool;
    f->form = form;
    if (!(mp = mc_mp_create(r->pool, ct, &cb, &err)) ||
        (buf && mc_mp_feed(mp, buf, len) != APR_SUCCESS) || mc_mp_finish(mp) != APR_SUCCESS)
        return HTTP_BAD_REQUEST;
    return OK;
}

/* The POST is an RFC 8058 one-click unsubscribe on a route that takes one:
 * its form is exactly List-Unsubscribe=One-Click. A mail receiver sends it
 * from its own servers, without cookies, form token or Origin; the secret
 * in the route's URL is the proof. Any other form is checked as usual. */
static int one_click(const mc_route *rt, const apr_table_t *form)
{
    const apr_array_header_t *a = apr_table_elts(form);
    const apr_table_entry_t *e = (const apr_table_entry_t *)a->elts;
    return (rt->flags & MC_ROUTE_ONE_CLICK) && a->nelts == 1 &&
           !strcmp(e[0].key, "List-Unsubscribe") && !strcmp(e[0].val, "One-Click");
}

/* ---- forms --------------------------------------------------------------------- */

static int read_form(request_rec *r, const mc_route *rt, apr_table_t *form)
{
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    apr_size_t len;
    char *buf;
    int rc;

    if (ct && (rt->flags & MC_ROUTE_ONE_CLICK) && !strncasecmp(ct, "multipart/form-data", 19))
        return read_multipart_fields(r, ct, form);
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33))
        return HTTP_UNSUPPORTED_MEDIA_TYPE;
    if ((rc = read_body(r, MAX_FORM_BODY, &buf, &len)) != OK || !buf)
        return rc;
    if (mc_form_parse(r->pool, buf, len, form) != APR_SUCCESS)
        return HTTP_BAD_REQUEST;
    return OK;
}

static int finish(mc_req *mr, int rc)
{
    request_rec *r = mr->r;
    /* A 503 has its page already (mc_fail); httpd's own statuses below 400
     * (redirects) go through as they are. */
    if (rc < 400 || rc == HTTP_SERVICE_UNAVAILABLE || r->sent_bodyct)
        return rc;
    return mc_error_page(mr, rc);
}

int mc_dispatch_handler(request_rec *r)
{
    mc_dir_conf *dc = ap_get_module_config(r->per_dir_config, &mocourts_module);
    const mc_route *rt, *path_hit = NULL;
    apr_table_t *params;
    const char *path, *why;
    mc_session *sess = NULL;
    mc_req *mr;
    int rc;

    if (!dc || !dc->mount || r->main || !mc_conf_get()->base_url)
        return DECLINED;
    path = r->uri;
    if (strncmp(path, dc->mount->path, strlen(dc->mount->path)))
        return DECLINED;
    path += strlen(dc->mount->path);
    if (*path && *path != '/')
        return DECLINED;
    if (dc->mount->plugin == &mc_api_plugin)
        return mc_rest_dispatch(r, dc->mount, path);
    params = apr_table_make(r->pool, 4);
    for (rt = dc->mount->plugin->routes; rt && rt->method; rt++) {
        apr_table_clear(params);
        if (!mc_route_match(r->pool, rt->pattern, path, params))
            continue;
        path_hit = rt;
        if (!strcmp(rt->method, r->method) ||
            (r->method_number == M_GET && !strcmp(rt->method, "GET")))
            break;
    }
    if (!rt || !rt->method) {
        if (!path_hit)
            return DECLINED;
        ap_clear_method_list(r->allowed_methods);
        for (rt = dc->mount->plugin->routes; rt->method; rt++)
            if (mc_route_match(r->pool, rt->pattern, path, params)) {
                ap_method_list_add(r->allowed_methods, rt->method);
                if (!strcmp(rt->method, "GET"))
                    ap_method_list_add(r->allowed_methods, "HEAD");
            }
        return HTTP_METHOD_NOT_ALLOWED;
    }

    mc_security_headers(r);
    mr = apr_pcalloc(r->pool, sizeof(*mr));
    mr->r = r;
    mr->plugin = dc->mount->plugin;
    mr->route = rt;
    mr->mount = dc->mount->path;
    mr->params = params;
    mr->query = apr_table_make(r->pool, 4);
    mr->form = apr_table_make(r->pool, 8);
    if (r->args && mc_form_parse(r->pool, r->args, strlen(r->args), mr->query) != APR_SUCCESS)
        return HTTP_BAD_REQUEST;

    if ((rt->flags & MC_ROUTE_NO_SESSION) && rt->access == MC_ACCESS_ANON) {
        mr->vars = mc_vars_make(r->pool, NULL);
        return finish(mr, rt->handler(mr));
    }
    if ((rc = mc_session_for_page(r, &sess)) != OK)
        return rc;
    if (sess && !strcmp(sess->stage, "full"))
        mr->account = &sess->account;
    mr->vars = mc_layout_vars(r, sess, mr->plugin);

    if (!mc_access_allowed(mr->account, rt->access, rt->role)) {
        if (!mr->account) {
            const char *back =
                r->method_number == M_GET
                    ? (r->args ? apr_pstrcat(r->pool, r->uri, "?", r->args, NULL) : r->uri)
                    : NULL;
            return mc_redirect(mr, mc_logon_url(r->pool, back));
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(0402) "account %" APR_INT64_T_FMT " lacks role %s for %s",
                      (apr_int64_t)mr->account->id, rt->role ? rt->role : "-", r->uri);
        return finish(mr, HTTP_FORBIDDEN);
    }

    if (r->method_number == M_POST && !(rt->flags & MC_ROUTE_RAW_BODY)) {
        if ((rc = read_form(r, rt, mr->form)) != OK)
            return finish(mr, rc);
    }
    if (r->method_number != M_GET && !(rt->flags & MC_ROUTE_NO_CSRF) &&
        !(rt->flags & MC_ROUTE_RAW_BODY) && !one_click(rt, mr->form) &&
        (why = csrf_refusal(r, mr, sess))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, MCLOGNO(0403) "form refused: %s", why);
        return mc_message(mr, HTTP_FORBIDDEN, "This form has expired",
                          "This form could not be accepted: it has expired or did not come "
                          "from this site. Go back, reload the page and try again.");
    }
    return finish(mr, rt->handler(mr));
}
