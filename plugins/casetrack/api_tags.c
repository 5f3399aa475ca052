/* api_tags.c: the JSON API's Manage My Case tags (scope tracking; issue
 * 17): GET and POST /tags, PATCH and DELETE /tags/{id}. The checks and
 * writes are the page's (tags.c), with the same sentences: a name refused
 * is a 422 field error, a duplicate or the 51st tag 409, another account's
 * tag 404 like one that does not exist. */
#include "api.h"
#include "tags.h"

static json_t *tag_item(const mc_dbres *res, int i)
{
    return json_pack("{s:I, s:o, s:I}", "id", (json_int_t)mc_dbres_int(res, i, 0), "name",
                     ct_json_str(mc_dbres_get(res, i, 1)), "cases",
                     (json_int_t)mc_dbres_int(res, i, 2));
}

static int no_tag(mc_req *mr)
{
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found", "You have no tag with that id.");
}

/* The account's tag id as an object (NULL: none such). */
static apr_status_t tag_one(mc_req *mr, mc_db *db, long long id, json_t **out)
{
    mc_dbres *res = NULL;
    apr_status_t rv = ct_tags_list(db, mr->r->pool, mr->account->id, &res);
    int i;
    *out = NULL;
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++)
        if (mc_dbres_int(res, i, 0) == id)
            *out = tag_item(res, i);
    return rv;
}

int ct_api_tags_list(mc_req *mr)
{
    mc_dbres *res;
    json_t *items;
    mc_db *db;
    apr_status_t rv;
    int i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ct_tags_list(db, mr->r->pool, mr->account->id, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    items = json_array();
    for (i = 0; i < res->nrows; i++)
        json_array_append_new(items, tag_item(res, i));
    return mc_api_send(mr, HTTP_OK, mc_api_list(mr, items, 0));
}

/* The body's name, trimmed: NULL with the 422 answer in *rc. */
static const char *body_name(mc_req *mr, json_t *in, int *rc)
{
    json_t *v = json_object_get(in, "name");
    const char *name, *why;
    if (!json_is_string(v)) {
        *rc = mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "name",
                                   "name: the tag's name (1 to 40 characters).");
        return NULL;
    }
    name = mc_text_trim(mr->r->pool, json_string_value(v));
    if ((why = ct_tag_name_error(mr->r->pool, name)) != NULL) {
        *rc = mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "name", why);
        return NULL;
    }
    return name;
}

typedef struct create_baton {
    const char *name, *refusal;
    long long id;
} create_baton;

static apr_status_t create_tx(mc_req *mr, mc_db *db, void *baton)
{
    create_baton *b = baton;
    return ct_tag_create(db, mr->r->pool, mr->account->id, b->name, &b->id, &b->refusal);
}

int ct_api_tags_create(mc_req *mr)
{
    create_baton b = {NULL, NULL, 0};
    json_t *in, *o;
    mc_db *db;
    apr_status_t rv;
    int rc = OK;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    b.name = body_name(mr, in, &rc);
    json_decref(in);
    if (!b.name)
        return rc;
    if ((rv = mc_req_tx(mr, create_tx, &b)) != APR_SUCCESS)
        return b.refusal ? mc_api_problem(mr, HTTP_CONFLICT, "conflict", b.refusal)
                         : mc_fail(mr, rv);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS || (rv = tag_one(mr, db, b.id, &o)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!o)
        return mc_fail(mr, APR_EGENERAL);
    apr_table_set(mr->r->headers_out, "Location",
                  apr_psprintf(mr->r->pool, "tags/%" APR_INT64_T_FMT, (apr_int64_t)b.id));
    return mc_api_send(mr, HTTP_CREATED, o);
}

int ct_api_tags_rename(mc_req *mr)
{
    long long id = mc_param_id(mr, "id");
    const char *name, *refusal = NULL;
    json_t *in, *o;
    mc_db *db;
    apr_status_t rv;
    int rc = OK, found = 0;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS) {
        json_decref(in);
        return mc_fail(mr, rv);
    }
    if (!id || (rv = tag_one(mr, db, id, &o)) != APR_SUCCESS || !o) {
        json_decref(in);
        return rv != APR_SUCCESS ? mc_fail(mr, rv) : no_tag(mr);
    }
    json_decref(o);
    name = body_name(mr, in, &rc);
    json_decref(in);
    if (!name)
        return rc;
    rv = ct_tag_rename(db, mr->r->pool, mr->account->id, id, name, &found, &refusal);
    if (refusal)
        return mc_api_problem(mr, HTTP_CONFLICT, "conflict", refusal);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found || (rv = tag_one(mr, db, id, &o)) != APR_SUCCESS || !o)
        return rv != APR_SUCCESS ? mc_fail(mr, rv) : no_tag(mr);
    return mc_api_send(mr, HTTP_OK, o);
}

int ct_api_tags_delete(mc_req *mr)
{
    long long id = mc_param_id(mr, "id");
    mc_db *db;
    apr_status_t rv;
    int found = 0;
    if (!id)
        return no_tag(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ct_tag_delete(db, mr->account->id, id, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return no_tag(mr);
    mr->r->status = HTTP_NO_CONTENT;
    return OK;
}
