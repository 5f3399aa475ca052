/* mod_mocourts_dispatch.c: routes a request under a mount to its plugin's
 * handler, after the session, access, body and anti-CSRF checks. */
#include "mod_mocourts_private.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"

#include "mc_form.h"
#include "mc_multipart.h"
#include "mc_route.h"

#include <errno.h>

#define MAX_FORM_BODY (256 * 1024)

void mc_security_headers(request_rec *r)
{
    apr_table_t *h = r->err_headers_out;
    apr_table_setn(h, "Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src "
                   "'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'");
    apr_table_setn(h, "X-Content-Type-Options", "nosniff");
    apr_table_setn(h, "X-Frame-Options", "DENY");
    apr_table_setn(h, "Referrer-Policy", "same-origin");
    apr_table_setn(h, "Cache-Control", "no-store");
    apr_table_setn(h, "Cross-Origin-Opener-Policy", "same-origin");
}

const char *mc_csrf_value(request_rec *r, mc_session *sess)
{
    mc_rstate *st = mc_rstate_of(r);
    const char *name, *v;
    if (sess)
        return sess->csrf;
    if (st->pre_csrf)
        return st->pre_csrf;
    name = mc_cookie_name("csrf", r->pool);
    v = mc_cookie_read(r, name);
    if (!v || !mc_token_syntax_ok(v)) {
        v = mc_token_new(r->pool);
        mc_cookie_set(r, name, v, -1);
    }
    return st->pre_csrf = v;
}

const char *mc_logon_url(apr_pool_t *p, const char *return_to)
{
    const mc_mount *m = mc_mount_of("logon");
    const char *base = apr_pstrcat(p, m ? m->path : "/account", "/logon", NULL);
    return return_to ? apr_pstrcat(p, base, "?return=", mc_form_encode(p, return_to), NULL) : base;
}

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

static int allowed(const mc_account *a, mc_access access, const char *role)
{
    int i;
    if (access == MC_ACCESS_ANON)
        return 1;
    if (!a)
        return 0;
    if (access == MC_ACCESS_ACCOUNT)
        return 1;
    for (i = 0; i < a->roles->nelts; i++) {
        const char *have = APR_ARRAY_IDX(a->roles, i, const char *);
        size_t n = strlen(role);
        if (!strncmp(have, role, n) && (have[n] == '\0' || have[n] == ':'))
            return 1;
    }
    return 0;
}

int mc_nav_allowed(const mc_account *a, const mc_nav *n)
{
    return allowed(a, n->access, n->role);
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
    apr_status_t rv;
    int rc;

    if (!dc || !dc->mount || r->main || !mc_conf_get()->base_url)
        return DECLINED;
    path = r->uri;
    if (strncmp(path, dc->mount->path, strlen(dc->mount->path)))
        return DECLINED;
    path += strlen(dc->mount->path);
    if (*path && *path != '/')
        return DECLINED;
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
    if ((rv = mc_session_of(r, &sess)) != APR_SUCCESS) {
        if (rv == MC_DB_ELOST)
            return mc_unavailable(r);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCLOGNO(0401) "session lookup failed: %s",
                      mc_db_strerror(rv));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (sess && !strcmp(sess->stage, "full"))
        mr->account = &sess->account;
    mr->vars = mc_layout_vars(r, sess, mr->plugin);

    if (!allowed(mr->account, rt->access, rt->role)) {
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

/* ---- helpers for plugins ---------------------------------------------------- */

int mc_redirect(mc_req *mr, const char *path)
{
    request_rec *r = mr->r;
    const char *to = *path == '/' ? path : mc_url(mr, path);
    apr_table_setn(r->headers_out, "Location", to);
    r->status = HTTP_SEE_OTHER;
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_rputs("See other\n", r);
    return OK;
}

const char *mc_url(const mc_req *mr, const char *path)
{
    if (!path || !*path)
        return *mr->mount ? mr->mount : "/";
    return apr_pstrcat(mr->r->pool, mr->mount, *path == '/' ? "" : "/", path, NULL);
}

const char *mc_public_url(const mc_req *mr, const char *path)
{
    return apr_pstrcat(mr->r->pool, mc_conf_get()->base_url, *path == '/' ? "" : "/", path, NULL);
}

const char *mc_field(const mc_req *mr, const char *name)
{
    return apr_table_get(mr->form, name);
}

long long mc_param_id(const mc_req *mr, const char *name)
{
    const char *v = apr_table_get(mr->params, name), *s;
    char *end;
    apr_int64_t n;
    if (!v || !*v || strlen(v) > 19)
        return 0;
    for (s = v; *s; s++)
        if (!apr_isdigit(*s))
            return 0;
    errno = 0;
    n = apr_strtoi64(v, &end, 10);
    return errno || *end || n <= 0 ? 0 : (long long)n;
}

const char *mc_query(const mc_req *mr, const char *name)
{
    return apr_table_get(mr->query, name);
}

/* 1 when t is a path within the site as it stands: "/" then not a second
 * "/" or a backslash (which browsers read as "//", another host), and no
 * backslash or control character anywhere (a browser drops tab and newline,
 * so "/\t/host" is "//host"; CR/LF would split the Location header). */
static int local_path(const char *t)
{
    const char *s;
    if (t[0] != '/' || t[1] == '/' || t[1] == '\\')
        return 0;
    for (s = t; *s; s++)
        if (*s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* t with every %XX decoded once (a malformed escape kept as it is), or
 * NULL when that decodes a NUL. */
static const char *percent_decoded(apr_pool_t *p, const char *t)
{
    char *out = apr_pstrdup(p, t), *o = out;
    const char *s;
    for (s = t; *s; s++) {
        if (*s == '%' && apr_isxdigit(s[1]) && apr_isxdigit(s[2])) {
            char hex[3] = {s[1], s[2], '\0'};
            if (!(*o++ = (char)strtol(hex, NULL, 16)))
                return NULL;
            s += 2;
        }
        else
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

const char *mc_safe_return(apr_pool_t *p, const char *t)
{
    const char *d;
    int i;
    if (!t || strlen(t) > 2000 || !local_path(t))
        return NULL;
    /* Encoded tricks ("/%2F/host", "/%5Chost", "/%09/host", "%0D%0A", and
     * encoded twice or three times): whatever decoding a later hop
     * applies, the path stays local. */
    for (d = t, i = 0; strchr(d, '%') && i < 3; i++)
        if (!(d = percent_decoded(p, d)) || !local_path(d))
            return NULL;
    return apr_pstrdup(p, t);
}

int mc_has_role(const mc_req *mr, const char *role)
{
    return allowed(mr->account, MC_ACCESS_ROLE, role);
}

int mc_has_role_scoped(const mc_req *mr, const char *role, const char *scope)
{
    const char *want;
    int i;
    if (!mr->account)
        return 0;
    want = apr_pstrcat(mr->r->pool, role, ":", scope, NULL);
    for (i = 0; i < mr->account->roles->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(mr->account->roles, i, const char *), want))
            return 1;
    return 0;
}

const char *mc_court_name(const mc_req *mr)
{
    return mc_conf_get()->court_name;
}

const mc_route *mc_routes_join(apr_pool_t *p, const mc_route *const *parts)
{
    size_t i, k, n = 0;
    mc_route *all;
    for (i = 0; parts[i]; i++)
        for (k = 0; parts[i][k].method; k++)
            n++;
    all = apr_pcalloc(p, (n + 1) * sizeof(*all));
    for (n = 0, i = 0; parts[i]; i++)
        for (k = 0; parts[i][k].method; k++)
            all[n++] = parts[i][k];
    return all;
}

const char *mc_site_court_name(void)
{
    return mc_conf_get()->court_name;
}

mc_tmpl_cache *mc_site_templates(void)
{
    return mc_templates();
}

const char *mc_site_url(apr_pool_t *p, const char *plugin, const char *path)
{
    const mc_mount *m = mc_mount_of(plugin);
    if (!m)
        return NULL;
    return apr_pstrcat(p, mc_conf_get()->base_url, m->path, *path && *path != '/' ? "/" : "", path,
                       NULL);
}

apr_status_t mc_audit_r(request_rec *r, mc_db *db, const char *event, long long account_id,
                        long long actor_id, const char *detail)
{
    char clean[501];
    size_t i;
    apr_cpystrn(clean, detail ? detail : "", sizeof(clean));
    for (i = 0; clean[i]; i++)
        if ((unsigned char)clean[i] < 0x20)
            clean[i] = ' ';
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail) "
                      "VALUES (UTC_TIMESTAMP(), ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
                      "siiss", event, account_id, actor_id, r->useragent_ip, clean);
}

apr_status_t mc_audit(mc_req *mr, mc_db *db, const char *event, long long account_id,
                      const char *detail)
{
    return mc_audit_r(mr->r, db, event, account_id, mr->account ? mr->account->id : 0, detail);
}

const char *mc_password_check(const mc_req *mr, const char *pw, const char *username)
{
    return mc_policy_check(mc_conf_get()->policy, pw, username);
}

const char *mc_password_rules(const mc_req *mr)
{
    return mc_policy_describe(mc_conf_get()->policy);
}

int mc_password_matches(mc_req *mr, const char *hash, const char *pw)
{
    if (!hash || !pw || strlen(pw) > MC_PASSWORD_MAX_BYTES)
        return 0;
    return mc_verify_password(hash, pw);
}

apr_status_t mc_password_make(mc_req *mr, const char *pw, const char **hash)
{
    return mc_hash_password(mr->r->pool, pw, hash);
}
