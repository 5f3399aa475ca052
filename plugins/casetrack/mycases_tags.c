/* mycases_tags.c: Manage My Case's tags page (issue 17): the account's
 * tags with how many cases each is on, Create (data-once), Rename and
 * Delete (taking the tag off every case). Another account's tag is 404.
 * The checks and writes are tags.c's, shared with the JSON API. */
#include "tags.h"

#include "apr_lib.h"
#include "apr_strings.h"

static const mc_label TAGS_DONE[] = {{"created", "The tag was created."},
                                     {"renamed", "The tag was renamed."},
                                     {"deleted", "The tag was deleted and taken off its cases."},
                                     {NULL}};

static int not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Tag not found",
                      "Tag not found: you have no tag with that number. Choose a tag from the "
                      "list on Manage Tags.");
}

/* The page; typed: the new tag's name to show again; bad_id: the tag
 * whose rename was refused, typed_name its name typed. */
static int tags_page(mc_req *mr, int status, const char *error, const char *typed, long long bad_id,
                     const char *typed_name)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ct_tags_list(db, p, mr->account->id, &res)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "tags");
        const char *id = mc_dbres_get(res, i, 0);
        long long n = mc_dbres_int(res, i, 2);
        mc_vars_set(row, "name", mc_dbres_get(res, i, 1));
        mc_vars_set(
            row, "cases",
            apr_psprintf(p, "%" APR_INT64_T_FMT " case%s", (apr_int64_t)n, n == 1 ? "" : "s"));
        mc_vars_set(row, "filter_url", apr_pstrcat(p, mc_url(mr, "/mycases"), "?tag=", id, NULL));
        mc_vars_set(row, "field_id", apr_pstrcat(p, "name-", id, NULL));
        mc_vars_set(row, "rename_label",
                    apr_pstrcat(p, "New name for ", mc_dbres_get(res, i, 1), NULL));
        mc_vars_set(row, "delete_label",
                    apr_pstrcat(p, "Delete tag ", mc_dbres_get(res, i, 1), NULL));
        mc_vars_set(row, "value",
                    mc_dbres_int(res, i, 0) == bad_id ? typed_name : mc_dbres_get(res, i, 1));
        mc_vars_set(row, "invalid", mc_dbres_int(res, i, 0) == bad_id ? "true" : NULL);
        mc_vars_set(row, "rename_action",
                    mc_url(mr, apr_pstrcat(p, "/tags/", id, "/rename", NULL)));
        mc_vars_set(row, "delete_action",
                    mc_url(mr, apr_pstrcat(p, "/tags/", id, "/delete", NULL)));
    }
    mc_vars_setf(mr->vars, "count", "%d", res->nrows);
    mc_done_notice(mr, TAGS_DONE, error);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "typed", typed);
    mc_vars_set(mr->vars, "create_invalid", error && !bad_id ? "true" : NULL);
    mc_vars_set(mr->vars, "create_action", mc_url(mr, "/tags"));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
    return mc_render(mr, status, "mycases-tags.html", "Manage Tags");
}

int ct_tags_page(mc_req *mr)
{
    return tags_page(mr, HTTP_OK, NULL, NULL, 0, NULL);
}

typedef struct create_baton {
    const char *name;
    const char *refusal;
} create_baton;

static apr_status_t create_tx(mc_req *mr, mc_db *db, void *baton)
{
    create_baton *b = baton;
    long long id = 0;
    apr_status_t rv;
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS ||
        (rv = ct_tag_create(db, mr->r->pool, mr->account->id, b->name, &id, &b->refusal)) !=
            APR_SUCCESS)
        return rv;
    return mc_once_done(mr, db, "tags?done=created");
}

int ct_tags_create(mc_req *mr)
{
    create_baton b = {NULL, NULL};
    const char *why;
    apr_status_t rv;
    b.name = mc_text_trim(mr->r->pool, mc_field(mr, "name"));
    if ((why = ct_tag_name_error(mr->r->pool, b.name)) != NULL)
        return tags_page(mr, HTTP_BAD_REQUEST, why, mc_text_printable(b.name, 0) ? b.name : "", 0,
                         NULL);
    if ((rv = mc_req_tx(mr, create_tx, &b)) != APR_SUCCESS)
        return b.refusal ? tags_page(mr, HTTP_BAD_REQUEST, b.refusal, b.name, 0, NULL)
                         : mc_once_answer(mr, rv);
    return mc_redirect(mr, "tags?done=created");
}

int ct_tags_rename(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_param_id(mr, "id");
    const char *name = mc_text_trim(p, mc_field(mr, "name")), *why, *refusal = NULL;
    mc_db *db;
    apr_status_t rv;
    int found = 0;
    if (!id)
        return not_found(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((why = ct_tag_name_error(p, name)) != NULL) {
        const char *old;
        if ((rv = ct_tag_get(db, p, mr->account->id, id, &old)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (!old)
            return not_found(mr);
        return tags_page(mr, HTTP_BAD_REQUEST, why, NULL, id,
                         mc_text_printable(name, 0) ? name : "");
    }
    rv = ct_tag_rename(db, p, mr->account->id, id, name, &found, &refusal);
    if (refusal)
        return tags_page(mr, HTTP_BAD_REQUEST, refusal, NULL, id, name);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return not_found(mr);
    return mc_redirect(mr, "tags?done=renamed");
}

int ct_tags_delete(mc_req *mr)
{
    long long id = mc_param_id(mr, "id");
    mc_db *db;
    apr_status_t rv;
    int found = 0;
    if (!id)
        return not_found(mr);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ct_tag_delete(db, mr->account->id, id, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return not_found(mr);
    return mc_redirect(mr, "tags?done=deleted");
}
