/* The probe's JSON API routes (ABI 1.16): the core's api mount as a plugin
 * meets it, for tests/integration/test_api_core.py. */
#include "mocourts.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include "probe.h"

static int whoami(mc_req *mr)
{
    return mc_api_send(mr, HTTP_OK,
                       json_pack("{s:I,s:s,s:I,s:b}", "id", (json_int_t)mr->account->id, "username",
                                 mr->account->username, "token_id", (json_int_t)mc_api_token_id(mr),
                                 "clerk", mc_has_role(mr, "clerk")));
}

static int scoped(mc_req *mr)
{
    return mc_api_send(mr, HTTP_OK, json_pack("{s:b}", "ok", 1));
}

/* 1 to 60, paged by cursor. */
static int items(mc_req *mr)
{
    long long after, i;
    int limit, rc;
    json_t *list;
    if ((rc = mc_api_page(mr, &after, &limit)) != OK)
        return rc;
    list = json_array();
    for (i = after + 1; i <= 60 && i <= after + limit; i++)
        json_array_append_new(list, json_pack("{s:I}", "id", (json_int_t)i));
    return mc_api_send(mr, HTTP_OK, mc_api_list(mr, list, i <= 60 ? i - 1 : 0));
}

typedef struct thing {
    const char *name;
    const char *prior;
    long long id;
} thing;

static apr_status_t thing_insert(mc_req *mr, mc_db *db, void *baton)
{
    thing *t = baton;
    apr_status_t rv = mc_api_idem_claim(mr, db, &t->prior);
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = mc_db_exec(db, NULL, &t->id,
                         "INSERT INTO mc_audit (at, event, account_id, detail) VALUES "
                         "(UTC_TIMESTAMP(), 'probe-thing', ?, ?)",
                         "is", mr->account->id, t->name)) != APR_SUCCESS)
        return rv;
    return mc_api_idem_done(mr, db,
                            apr_psprintf(mr->r->pool, "%" APR_INT64_T_FMT, (apr_int64_t)t->id));
}

/* POST /probe/things {"name": "..."}: one audit row per Idempotency-Key. */
static int things_post(mc_req *mr)
{
    thing t = {0};
    json_t *in;
    apr_status_t rv;
    int rc;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    t.name = json_string_value(json_object_get(in, "name"));
    t.name = t.name ? apr_pstrdup(mr->r->pool, t.name) : NULL;
    json_decref(in);
    if (!t.name || !*t.name)
        return mc_api_problem_field(mr, 422, "invalid-field", "name", "Enter a name.");
    rv = mc_req_tx(mr, thing_insert, &t);
    if (rv == MC_ONCE_REPEAT)
        return mc_api_send(
            mr, HTTP_OK,
            json_pack("{s:I,s:b}", "id", (json_int_t)apr_atoi64(t.prior), "repeat", 1));
    if (rv == MC_ONCE_REFUSED)
        return mc_api_problem(mr, 428, "idempotency-key-required",
                              "Send an Idempotency-Key header.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_api_send(mr, HTTP_CREATED,
                       json_pack("{s:I,s:b}", "id", (json_int_t)t.id, "repeat", 0));
}

static int lost(mc_req *mr)
{
    return mc_fail(mr, MC_DB_ELOST);
}

static int bare_status(mc_req *mr)
{
    return HTTP_CONFLICT;
}

static int page_message(mc_req *mr)
{
    return mc_message(mr, HTTP_FORBIDDEN, "Refused", "A page's message, as a problem.");
}

const mc_route probe_api_routes[] = {
    {"GET", "/probe/whoami", MC_ACCESS_ACCOUNT, NULL, whoami, 0},
    {"GET", "/probe/scoped", MC_ACCESS_ACCOUNT, "tracking", scoped, 0},
    {"GET", "/probe/clerk", MC_ACCESS_ACCOUNT, "clerk", scoped, 0},
    {"GET", "/probe/items", MC_ACCESS_ACCOUNT, NULL, items, 0},
    {"POST", "/probe/things", MC_ACCESS_ACCOUNT, NULL, things_post, 0},
    {"GET", "/probe/lost", MC_ACCESS_ACCOUNT, NULL, lost, 0},
    {"GET", "/probe/bare", MC_ACCESS_ACCOUNT, NULL, bare_status, 0},
    {"GET", "/probe/message", MC_ACCESS_ACCOUNT, NULL, page_message, 0},
    {NULL}};
