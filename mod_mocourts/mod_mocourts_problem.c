/* mod_mocourts_problem.c: RFC 9457 problems, the JSON API's errors (issue
 * 16): mc_api_problem for handlers, and mc_message, mc_fail and the
 * dispatcher's refusals on the api mount. Below the pages' renderer, which
 * sends its messages here when the request is the API's. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "mc_form.h"

/* ---- problems ---------------------------------------------------------------- */

/* The problem types the core names, and their fixed titles. */
const mc_label mc_problem_titles[] = {
    {"unauthorized", "A valid API token is needed"},
    {"insufficient-scope", "The token lacks the scope this needs"},
    {"rate-limited", "Too many requests"},
    {"not-found", "Not found"},
    {"method-not-allowed", "Method not allowed"},
    {"unsupported-media-type", "The body must be JSON"},
    {"invalid-json", "The body is not a JSON object"},
    {"body-too-large", "The body is too large"},
    {"invalid-field", "A field's value is not accepted"},
    {"invalid-cursor", "The cursor or limit is not valid"},
    {"idempotency-key-required", "An Idempotency-Key header is needed"},
    {"conflict", "The request conflicts with the current state"},
    {"unavailable", "The service is unavailable"},
    {"busy", "The system is busy"},
    {"server-error", "Something went wrong"},
    {"forbidden", "Not allowed"},
    {"bad-request", "The request is not valid"},
    {NULL}};

/* The slug a bare status gets. */
const char *mc_rest_slug(int status)
{
    switch (status) {
    case HTTP_UNAUTHORIZED:
        return "unauthorized";
    case HTTP_FORBIDDEN:
        return "forbidden";
    case HTTP_NOT_FOUND:
        return "not-found";
    case HTTP_METHOD_NOT_ALLOWED:
        return "method-not-allowed";
    case HTTP_CONFLICT:
        return "conflict";
    case HTTP_REQUEST_ENTITY_TOO_LARGE:
        return "body-too-large";
    case HTTP_UNSUPPORTED_MEDIA_TYPE:
        return "unsupported-media-type";
    case HTTP_TOO_MANY_REQUESTS:
        return "rate-limited";
    case HTTP_SERVICE_UNAVAILABLE:
        return "unavailable";
    default:
        return status >= 500 ? "server-error" : "bad-request";
    }
}

int mc_rest_request(const request_rec *r)
{
    while (r->prev)
        r = r->prev;
    return apr_table_get(r->notes, MC_REST_NOTE) != NULL;
}

int mc_rest_send_json(request_rec *r, int status, const char *type, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return HTTP_INTERNAL_SERVER_ERROR;
    apr_table_setn(r->notes, MC_REST_ANSWERED, "1");
    r->status = status;
    ap_set_content_type(r, type);
    ap_set_content_length(r, (apr_off_t)strlen(text));
    if (!r->header_only)
        ap_rwrite(text, (int)strlen(text), r);
    free(text);
    return OK;
}

static json_t *problem_body(mc_req *mr, int status, const char *type, const char *detail)
{
    const char *title = mc_label_of(mc_problem_titles, type);
    json_t *o = json_object();
    if (!title || !*title)
        title = ap_get_status_line(status) + 4;
    json_object_set_new(o, "type",
                        json_string(apr_pstrcat(mr->r->pool, mc_conf_get()->base_url, mr->mount,
                                                "/problems/", type, NULL)));
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "status", json_integer(status));
    if (detail)
        json_object_set_new(o, "detail", json_string(detail));
    json_object_set_new(o, "instance", json_string(mr->r->uri));
    return o;
}

int mc_api_problem(mc_req *mr, int status, const char *type, const char *detail)
{
    apr_table_setn(mr->r->err_headers_out, "Cache-Control", "no-store");
    return mc_rest_send_json(mr->r, status, "application/problem+json",
                             problem_body(mr, status, type, detail));
}

int mc_api_problem_field(mc_req *mr, int status, const char *type, const char *field,
                         const char *detail)
{
    json_t *o = problem_body(mr, status, type, detail);
    json_t *e = json_object();
    json_object_set_new(e, "field", json_string(field));
    json_object_set_new(e, "detail", json_string(detail));
    json_object_set_new(o, "errors", json_pack("[o]", e));
    apr_table_setn(mr->r->err_headers_out, "Cache-Control", "no-store");
    return mc_rest_send_json(mr->r, status, "application/problem+json", o);
}

/* mc_message and mc_fail under the api mount (mod_mocourts_render.c). */
int mc_rest_message(mc_req *mr, int status, const char *message)
{
    if (status == HTTP_SERVICE_UNAVAILABLE && !apr_table_get(mr->r->err_headers_out, "Retry-After"))
        apr_table_setn(mr->r->err_headers_out, "Retry-After", "30");
    mc_api_problem(mr, status,
                   status == HTTP_SERVICE_UNAVAILABLE ? "unavailable" : mc_rest_slug(status),
                   message);
    return status; /* answered: the dispatcher's finish makes it OK */
}
