/* api.h: Case.net's part of the JSON API (issue 16; mc_plugin.api_routes,
 * ABI 1.16), under the core's api mount (/api/v1):
 *   api_search.c  the five public searches and one case, scope casenet:read
 *                 (the pages' rules: confidential cases never appear; no
 *                 CAPTCHA, the core limits each token)
 *   api_track.c   the account's tracked cases, Manage My Case notes and the
 *                 notification history, scope tracking; the route table
 *   api_tags.c    Manage My Case's tags (/tags), scope tracking
 * Every path is described in templates/casetrack/openapi.json. A case that
 * is not the account's, or not public, is 404 like one that does not exist.
 * Lists are paged by cursor (mc_api_page): the cursor carries the offset
 * of the next page's first row. Log tags MC2400-MC2419. */
#ifndef CT_API_H
#define CT_API_H

#include "track.h"

extern const mc_route ct_api_routes[];

/* api_search.c */
int ct_api_search_name(mc_req *mr);
int ct_api_search_number(mc_req *mr);
int ct_api_search_date(mc_req *mr);
int ct_api_search_hearings(mc_req *mr);
int ct_api_search_judgments(mc_req *mr);
int ct_api_case(mc_req *mr);

/* api_tags.c */
int ct_api_tags_list(mc_req *mr);
int ct_api_tags_create(mc_req *mr);
int ct_api_tags_rename(mc_req *mr);
int ct_api_tags_delete(mc_req *mr);

/* A JSON string of s (NULL: ""). */
json_t *ct_json_str(const char *s);
/* A page of rows asked for with one more than limit: the list answer, its
 * next cursor when that row came (the offset after this page). */
int ct_api_send_page(mc_req *mr, json_t *items, int more, long long offset, int limit);

#endif
