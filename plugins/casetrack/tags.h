/* tags.h: the tags of Manage My Case (issue 17, sql/casetrack/0009): an
 * account's own names, put on the cases of its folder; the pages'
 * (mycases.c, mycases_tags.c) and the JSON API's (api_track.c) checks and
 * writes. */
#ifndef CT_TAGS_H
#define CT_TAGS_H

#include "mocourts.h"

#define CT_TAG_CHARS 40 /* a name's characters, at most */
#define CT_TAGS_MAX 50  /* an account's tags, at most */

/* Why name (trimmed) cannot be a tag's name, or NULL. */
const char *ct_tag_name_error(apr_pool_t *p, const char *name);

/* In db's open transaction: a new tag of the account (*id), or why not
 * in *refusal (a duplicate name, the limit; APR_EGENERAL then). */
apr_status_t ct_tag_create(mc_db *db, apr_pool_t *p, long long account_id, const char *name,
                           long long *id, const char **refusal);
/* Rename the account's tag id: *found 0 when it has none such; a
 * duplicate name in *refusal (APR_EGENERAL). */
apr_status_t ct_tag_rename(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           const char *name, int *found, const char **refusal);
/* Delete the account's tag id (off every case): *found. */
apr_status_t ct_tag_delete(mc_db *db, long long account_id, long long id, int *found);
/* The account's tag id: *name (NULL: none such). */
apr_status_t ct_tag_get(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                        const char **name);
/* The account's tags by name: id, name, cases. */
apr_status_t ct_tags_list(mc_db *db, apr_pool_t *p, long long account_id, mc_dbres **res);
/* The tags on a case of the account's folder, by name: id, name. */
apr_status_t ct_case_tags(mc_db *db, apr_pool_t *p, long long account_id, long long case_id,
                          mc_dbres **res);
/* The tags on every case of the account's folder: case_id, id, name. */
apr_status_t ct_folder_tags(mc_db *db, apr_pool_t *p, long long account_id, mc_dbres **res);
/* Put the account's tag on case_id (in mc_mycase already): *found 0 when
 * the tag is not the account's. */
apr_status_t ct_tag_attach(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           long long case_id, int *found);
/* Take the account's tag off case_id: *found 0 when the tag is not the
 * account's. */
apr_status_t ct_tag_detach(mc_db *db, apr_pool_t *p, long long account_id, long long id,
                           long long case_id, int *found);

/* The pages (mycases_tags.c: GET/POST /tags, POST /tags/:id/rename and
 * /tags/:id/delete; mycases.c: POST /mycases/:number/tags). */
int ct_tags_page(mc_req *mr);
int ct_tags_create(mc_req *mr);
int ct_tags_rename(mc_req *mr);
int ct_tags_delete(mc_req *mr);
int ct_mycase_tags(mc_req *mr);

#endif
