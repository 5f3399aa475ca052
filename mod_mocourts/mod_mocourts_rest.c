/* mod_mocourts_rest.c: the JSON API mount (ABI 1.16, issue 16).
 *
 *     <Location /api/v1> MoCourtsMount api </Location>
 *
 * answers the core's own API routes (the OpenAPI document, the problem
 * types) and every mounted plugin's mc_plugin.api_routes. A request there
 * is authenticated by its Bearer token alone (mod_mocourts_tokens.c): no
 * cookie, session or anti-CSRF token is read, so a browser's session can
 * never act through the API and a token can never act on a page. Every
 * error is an RFC 9457 problem (application/problem+json); mc_fail,
 * mc_message and a handler's bare error status become one here. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_log.h"
#include "http_protocol.h"

#include "mc_form.h"
#include "mc_route.h"

#include <sodium.h>

#define API_TOKEN "mc-api-token"    /* pool userdata: the request's mc_api_token */
#define MAX_JSON_BODY (1024 * 1024) /* a JSON request body's limit */
#define PAGE_DEFAULT 25
#define PAGE_MAX 100

/* An API route and the plugin whose it is. */
typedef struct api_route {
    const mc_route *rt;
    const mc_plugin *pl;
} api_route;

static apr_array_header_t *api_routes; /* of api_route: built after the mounts are read */

/* A refusal of the dispatcher: answered, and its status returned. */
static int refuse(mc_req *mr, int status, const char *type, const char *detail)
{
    mc_api_problem(mr, status, type, detail);
    return status;
}

static int refuse_field(mc_req *mr, int status, const char *type, const char *field,
                        const char *detail)
{
    mc_api_problem_field(mr, status, type, field, detail);
    return status;
}

/* ---- answers ------------------------------------------------------------------ */

/* Does If-None-Match (a list, or *) name etag? */
static int etag_matches(const char *inm, const char *etag)
{
    const char *p = inm;
    size_t n = strlen(etag);
    if (!inm)
        return 0;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!strncmp(p, "W/", 2))
            p += 2;
        if (*p == '*' || !strncmp(p, etag, n))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

int mc_api_send(mc_req *mr, int status, json_t *body)
{
    request_rec *r = mr->r;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (r->method_number == M_GET && status == HTTP_OK) {
        const char *etag =
            apr_psprintf(r->pool, "\"%.32s\"", mc_sha256_hex(r->pool, text, strlen(text)));
        /* err_headers_out: kept on the 304 httpd makes of the status */
        apr_table_setn(r->err_headers_out, "ETag", etag);
        apr_table_setn(r->err_headers_out, "Cache-Control", "private, no-cache");
        if (etag_matches(apr_table_get(r->headers_in, "If-None-Match"), etag)) {
            free(text);
            return HTTP_NOT_MODIFIED;
        }
    }
    apr_table_setn(r->notes, MC_REST_ANSWERED, "1");
    r->status = status;
    ap_set_content_type(r, "application/json");
    ap_set_content_length(r, (apr_off_t)strlen(text));
    if (!r->header_only)
        ap_rwrite(text, (int)strlen(text), r);
    free(text);
    return OK;
}

int mc_api_body(mc_req *mr, json_t **out)
{
    request_rec *r = mr->r;
    const char *ct = apr_table_get(r->headers_in, "Content-Type");
    char *buf;
    apr_off_t n = 0;
    long got;
    json_error_t err;

    *out = NULL;
    if (!ct || strncasecmp(ct, "application/json", 16) ||
        (ct[16] && ct[16] != ';' && ct[16] != ' '))
        return refuse(mr, HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                      "Send the body as Content-Type: application/json.");
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK)
        return refuse(mr, HTTP_BAD_REQUEST, "bad-request", "The body could not be read.");
    if (r->remaining > MAX_JSON_BODY)
        goto too_large;
    buf = apr_palloc(r->pool, MAX_JSON_BODY + 1);
    if (ap_should_client_block(r))
        while ((got = ap_get_client_block(r, buf + n, MAX_JSON_BODY + 1 - n)) > 0)
            if ((n += got) > MAX_JSON_BODY)
                goto too_large;
    *out = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &err);
    if (!*out || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return refuse(mr, HTTP_BAD_REQUEST, "invalid-json", "The body must be one JSON object.");
    }
    return OK;
too_large:
    return refuse(mr, HTTP_REQUEST_ENTITY_TOO_LARGE, "body-too-large",
                  "A JSON body may be at most 1 MB.");
}

/* ---- tokens, scopes, pages ---------------------------------------------------- */

static const mc_api_token *token_of(const mc_req *mr)
{
    void *v = NULL;
    apr_pool_userdata_get(&v, API_TOKEN, mr->r->pool);
    return v;
}

int mc_api_has_scope(const mc_req *mr, const char *scope)
{
    const mc_api_token *t = token_of(mr);
    const char *p;
    size_t n = strlen(scope);
    if (!t)
        return 0;
    for (p = t->scopes; (p = strstr(p, scope)); p += n)
        if ((p == t->scopes || p[-1] == ',') && (p[n] == ',' || !p[n]))
            return 1;
    return 0;
}

long long mc_api_token_id(const mc_req *mr)
{
    const mc_api_token *t = token_of(mr);
    return t ? t->id : 0;
}

int mc_api_page(mc_req *mr, long long *after, int *limit)
{
    const char *c = mc_query(mr, "cursor"), *l = mc_query(mr, "limit");
    char *end;
    *after = 0;
    *limit = PAGE_DEFAULT;
    if (l) {
        apr_int64_t v = apr_strtoi64(l, &end, 10);
        if (!*l || *end || v < 1 || v > PAGE_MAX)
            return refuse_field(mr, HTTP_BAD_REQUEST, "invalid-cursor", "limit",
                                "limit must be a whole number from 1 to 100.");
        *limit = (int)v;
    }
    if (c) {
        /* base64url of "k<decimal>" */
        unsigned char plain[24];
        size_t len = 0;
        apr_int64_t v;
        if (strlen(c) > 32 ||
            sodium_base642bin(plain, sizeof(plain) - 1, c, strlen(c), NULL, &len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
            len < 2 || plain[0] != 'k')
            goto bad;
        plain[len] = '\0';
        v = apr_strtoi64((const char *)plain + 1, &end, 10);
        if (*end || v < 1)
            goto bad;
        *after = v;
    }
    return OK;
bad:
    return refuse_field(mr, HTTP_BAD_REQUEST, "invalid-cursor", "cursor",
                        "The cursor is not one this API gave.");
}

json_t *mc_api_list(mc_req *mr, json_t *items, long long next_after)
{
    json_t *o = json_object();
    json_object_set_new(o, "items", items);
    if (next_after > 0) {
        const char *plain =
            apr_psprintf(mr->r->pool, "k%" APR_INT64_T_FMT, (apr_int64_t)next_after);
        json_object_set_new(
            o, "next_cursor",
            json_string(mc_b64url(mr->r->pool, (const unsigned char *)plain, strlen(plain))));
    }
    else
        json_object_set_new(o, "next_cursor", json_null());
    return o;
}

/* The OpenAPI document: the core's with every mounted plugin's paths and
 * schemas (templates/<folder>/openapi.json, the override folder's first),
 * the servers' address this site's. Made once, after the mounts are read. */
static const char *openapi_text;

static json_t *load_doc(apr_pool_t *p, server_rec *s, const char *folder)
{
    const mc_srv_conf *c = mc_conf_get();
    const char *dirs[2] = {c->templates_override, c->templates};
    int i;
    for (i = 0; i < 2; i++) {
        const char *path;
        apr_finfo_t fi;
        json_error_t err;
        json_t *d;
        if (!dirs[i])
            continue;
        path = apr_pstrcat(p, dirs[i], "/", folder, "/openapi.json", NULL);
        if (apr_stat(&fi, path, APR_FINFO_TYPE, p) != APR_SUCCESS)
            continue;
        if (!(d = json_load_file(path, JSON_REJECT_DUPLICATES, &err)))
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, MCLOGNO(1101) "%s line %d: %s", path,
                         err.line, err.text);
        return d;
    }
    return NULL;
}

static void merge_object(json_t *into, const char *key, json_t *from)
{
    json_t *dst = json_object_get(into, key), *src = json_object_get(from, key);
    if (!json_is_object(src) || !json_is_object(into))
        return;
    if (!json_is_object(dst))
        json_object_set_new(into, key, dst = json_object());
    json_object_update(dst, src);
}

static apr_status_t openapi_make(apr_pool_t *pconf, server_rec *s)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    json_t *doc = load_doc(pconf, s, "core");
    char *text;
    int i;
    if (!doc)
        return APR_EGENERAL;
    for (i = 0; i < mounts->nelts; i++) {
        const mc_plugin *pl = APR_ARRAY_IDX(mounts, i, mc_mount).plugin;
        json_t *part, *comp = json_object_get(doc, "components");
        if (pl->abi_minor < 16 || !pl->api_routes || !(part = load_doc(pconf, s, pl->templates)))
            continue;
        merge_object(doc, "paths", part);
        merge_object(comp, "schemas", json_object_get(part, "components"));
        merge_object(comp, "parameters", json_object_get(part, "components"));
        json_decref(part);
    }
    for (i = 0; i < mounts->nelts; i++) {
        const mc_mount *m = &APR_ARRAY_IDX(mounts, i, mc_mount);
        if (m->plugin == &mc_api_plugin)
            json_object_set_new(
                doc, "servers",
                json_pack("[{s:s}]", "url",
                          apr_pstrcat(pconf, mc_conf_get()->base_url, m->path, NULL)));
    }
    text = json_dumps(doc, JSON_INDENT(1));
    json_decref(doc);
    if (!text)
        return APR_ENOMEM;
    openapi_text = apr_pstrdup(pconf, text);
    free(text);
    return APR_SUCCESS;
}

static int openapi_get(mc_req *mr)
{
    json_error_t err;
    json_t *doc = openapi_text ? json_loads(openapi_text, 0, &err) : NULL;
    return doc ? mc_api_send(mr, HTTP_OK, doc) : HTTP_INTERNAL_SERVER_ERROR;
}

/* GET /problems/:type: what a problem type means. */
static int problem_type_get(mc_req *mr)
{
    const char *type = apr_table_get(mr->params, "type");
    const char *title = mc_label_of(mc_problem_titles, type);
    if (!title || !*title)
        return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found", "There is no such problem type.");
    return mc_api_send(mr, HTTP_OK, json_pack("{s:s,s:s}", "type", type, "title", title));
}

static const mc_route core_api_routes[] = {
    {"GET", "/openapi.json", MC_ACCESS_ANON, NULL, openapi_get, 0},
    {"GET", "/problems/:type", MC_ACCESS_ANON, NULL, problem_type_get, 0},
    {NULL}};

const mc_plugin mc_api_plugin = {MC_ABI_MAJOR, MC_ABI_MINOR, "api", MC_VERSION, NULL, "core", 0,
                                 "core",       NULL,         NULL};

apr_status_t mc_rest_post_config(apr_pool_t *pconf, server_rec *s)
{
    const apr_array_header_t *mounts = mc_conf_get()->mounts;
    const mc_route *rt;
    int i;
    api_routes = apr_array_make(pconf, 64, sizeof(api_route));
    for (rt = core_api_routes; rt->method; rt++) {
        api_route *a = apr_array_push(api_routes);
        a->rt = rt;
        a->pl = &mc_logon_plugin;
    }
    for (i = 0; i < mounts->nelts; i++) {
        const mc_plugin *pl = APR_ARRAY_IDX(mounts, i, mc_mount).plugin;
        if (pl->abi_minor < 16 || !pl->api_routes)
            continue;
        for (rt = pl->api_routes; rt->method; rt++) {
            api_route *a = apr_array_push(api_routes);
            a->rt = rt;
            a->pl = pl;
        }
    }
    openapi_text = NULL;
    if (mc_mount_of("api") && openapi_make(pconf, s) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     MCLOGNO(1103) "the API's OpenAPI document (templates/core/openapi.json) "
                                   "cannot be read");
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* ---- the dispatcher ----------------------------------------------------------- */

static int same_method(const request_rec *r, const char *m)
{
    return !strcmp(m, r->method) || (r->method_number == M_GET && !strcmp(m, "GET"));
}

/* The route for r, or NULL (*allowed then lists the methods the path
 * takes, for Allow, or stays NULL when no route has the path). */
static const api_route *find_route(request_rec *r, const char *path, apr_table_t *params,
                                   const char **allowed)
{
    int i;
    *allowed = NULL;
    for (i = 0; i < api_routes->nelts; i++) {
        const api_route *a = &APR_ARRAY_IDX(api_routes, i, api_route);
        const char *m = a->rt->method;
        apr_table_clear(params);
        if (!mc_route_match(r->pool, a->rt->pattern, path, params))
            continue;
        if (same_method(r, m))
            return a;
        if (!strcmp(m, "GET"))
            m = "GET, HEAD";
        *allowed = *allowed ? apr_pstrcat(r->pool, *allowed, ", ", m, NULL) : m;
    }
    return NULL;
}

/* The Bearer token, its scope and the rate limit: OK, or answered. */
static int authenticate(mc_req *mr)
{
    request_rec *r = mr->r;
    const char *h = apr_table_get(r->headers_in, "Authorization");
    const char *need = mr->route->role;
    mc_api_token *t;
    long retry_after = 0;
    apr_status_t rv;
    mc_db *db;

    if (!h || strncasecmp(h, "Bearer ", 7)) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"api\"");
        return refuse(mr, HTTP_UNAUTHORIZED, "unauthorized",
                      "Send an API token: Authorization: Bearer <token>.");
    }
    for (h += 7; *h == ' '; h++)
        ;
    if ((rv = mc_r_db(r, &db)) != APR_SUCCESS ||
        (rv = mc_token_lookup(r, db, h, &t)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!t) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                       "Bearer realm=\"api\", error=\"invalid_token\"");
        return refuse(mr, HTTP_UNAUTHORIZED, "unauthorized",
                      "The token is not valid: it is unknown, revoked or expired.");
    }
    apr_pool_userdata_setn(t, API_TOKEN, NULL, r->pool);
    mr->account = &t->account;
    if (need &&
        (!mc_api_has_scope(mr, need) || (!strcmp(need, "clerk") && !mc_has_role(mr, "clerk")))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      MCLOGNO(1102) "token %" APR_INT64_T_FMT " lacks scope %s for %s",
                      (apr_int64_t)t->id, need, r->uri);
        apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                       apr_psprintf(r->pool,
                                    "Bearer realm=\"api\", error=\"insufficient_scope\", "
                                    "scope=\"%s\"",
                                    need));
        return refuse(mr, HTTP_FORBIDDEN, "insufficient-scope",
                      apr_psprintf(r->pool, "This needs a token with the scope %s%s.", need,
                                   strcmp(need, "clerk") ? "" : ", held by a clerk's account"));
    }
    if ((rv = mc_token_rate(r, db, t, &retry_after)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (retry_after > 0) {
        apr_table_setn(r->err_headers_out, "Retry-After", apr_ltoa(r->pool, retry_after));
        return refuse(mr, HTTP_TOO_MANY_REQUESTS, "rate-limited",
                      "This token has sent too many requests; wait and try again.");
    }
    return OK;
}

/* A handler's status: one it answered already (mc_api_body's) is done. */
static int finish(mc_req *mr, int rc)
{
    if (rc < 400)
        return rc;
    if (apr_table_get(mr->r->notes, MC_REST_ANSWERED))
        return OK;
    return mc_api_problem(mr, rc, mc_rest_slug(rc), NULL);
}

int mc_rest_dispatch(request_rec *r, const mc_mount *m, const char *path)
{
    apr_table_t *params = apr_table_make(r->pool, 4);
    const api_route *a;
    const char *allowed;
    mc_req *mr;
    int rc;

    apr_table_setn(r->notes, MC_REST_NOTE, "1");
    mc_security_headers(r);
    mr = apr_pcalloc(r->pool, sizeof(*mr));
    mr->r = r;
    mr->mount = m->path;
    mr->params = params;
    mr->query = apr_table_make(r->pool, 4);
    mr->form = apr_table_make(r->pool, 1);
    mr->vars = mc_vars_make(r->pool, NULL);
    a = find_route(r, *path ? path : "/", params, &allowed);
    mr->plugin = a ? a->pl : &mc_api_plugin;
    mr->route = a ? a->rt : NULL;
    if (!a) {
        if (allowed) {
            apr_table_setn(r->err_headers_out, "Allow", allowed);
            return finish(mr, refuse(mr, HTTP_METHOD_NOT_ALLOWED, "method-not-allowed",
                                     "This resource does not take that method."));
        }
        return finish(mr, refuse(mr, HTTP_NOT_FOUND, "not-found", "There is no such resource."));
    }
    if (r->args && mc_form_parse(r->pool, r->args, strlen(r->args), mr->query) != APR_SUCCESS)
        return finish(
            mr, refuse(mr, HTTP_BAD_REQUEST, "bad-request", "The query string is not valid."));
    if (a->rt->access != MC_ACCESS_ANON && (rc = authenticate(mr)) != OK)
        return finish(mr, rc);
    return finish(mr, a->rt->handler(mr));
}
