/* api_track.c: the JSON API's Track This Case, Manage My Case notes and
 * notification history (scope tracking; see api.h), and the route table.
 * The checks and the writes are the pages' (ct_track_check, ct_track_save,
 * ct_track_stop, ct_note_error, ct_note_save, ct_history_rows): the same
 * choices are accepted, with the same sentences as 422 field errors. A
 * case the account does not track, or that is not public, is 404. */
#include "api.h"
#include "tags.h"

#include "apr_lib.h"

/* ---- tracked cases ------------------------------------------------------------- */

#define TRACKED_SELECT                                                                             \
    "SELECT t.id, c.number, c.caption, co.name, t.channel, t.recipient, t.frequency, "             \
    "t.alert_types, DATE_FORMAT(t.created_at, '%Y-%m-%dT%H:%i:%sZ') FROM mc_track t JOIN "         \
    "mc_case c ON c.id = t.case_id AND c.confidential = 0 JOIN mc_court co ON co.code = "          \
    "c.court_code WHERE t.account_id = ? AND t.active = 1"

/* The kinds a filter takes, as an array (all four: no filter). */
static json_t *alert_array(const char *alert_types)
{
    json_t *a = json_array();
    int i;
    for (i = 0; i < CT_ALERT_KINDS; i++)
        if (ct_alert_takes(alert_types, i))
            json_array_append_new(a, json_string(ct_alert_kinds[i].word));
    return a;
}

static json_t *tracked_item(const mc_dbres *res, int i)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "case_number",
        ct_json_str(mc_dbres_get(res, i, 1)), "caption", ct_json_str(mc_dbres_get(res, i, 2)),
        "court", ct_json_str(mc_dbres_get(res, i, 3)), "method",
        ct_json_str(mc_dbres_get(res, i, 4)), "recipient", ct_json_str(mc_dbres_get(res, i, 5)),
        "frequency", ct_json_str(mc_dbres_get(res, i, 6)), "alert_types",
        alert_array(mc_dbres_get(res, i, 7)), "tracked_since",
        ct_json_str(mc_dbres_get(res, i, 8)));
}

static int tracked_list(mc_req *mr)
{
    mc_db *db;
    mc_dbres *res;
    json_t *items = json_array();
    long long after;
    int limit, rc, i;
    apr_status_t rv;
    if ((rc = mc_api_page(mr, &after, &limit)) != OK) {
        json_decref(items);
        return rc;
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, mr->r->pool, &res,
                          TRACKED_SELECT " AND t.id > ? ORDER BY t.id "
                                         "LIMIT ?",
                          "iii", mr->account->id, after, (long long)limit + 1)) != APR_SUCCESS) {
        json_decref(items);
        return mc_fail(mr, rv);
    }
    for (i = 0; i < res->nrows && i < limit; i++)
        json_array_append_new(items, tracked_item(res, i));
    return mc_api_send(
        mr, HTTP_OK,
        mc_api_list(mr, items, res->nrows > limit ? mc_dbres_int(res, limit - 1, 0) : 0));
}

/* The account's active tracking of case number as an object (NULL: none). */
static apr_status_t tracked_one(mc_req *mr, mc_db *db, const char *number, json_t **out)
{
    mc_dbres *res;
    apr_status_t rv = mc_db_query(db, mr->r->pool, &res, TRACKED_SELECT " AND c.number = ?", "is",
                                  mr->account->id, number);
    *out = rv == APR_SUCCESS && res->nrows == 1 ? tracked_item(res, 0) : NULL;
    return rv;
}

/* 204: done, no body. */
static int no_content(mc_req *mr)
{
    mr->r->status = HTTP_NO_CONTENT;
    return OK;
}

static int not_tracked(mc_req *mr)
{
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                          "You do not track a case with that number.");
}

/* The public case the route's :number (or typed) names: 1, else 0 with the
 * answer in *rc (404 when there is none the public may see). */
static int find_case(mc_req *mr, mc_db *db, const char *typed, ct_case *c, int *rc)
{
    const char *number;
    int found = 0;
    apr_status_t rv = APR_SUCCESS;
    if (typed && ct_case_number_ok(mr->r->pool, typed, &number))
        rv = ct_case_find(mr, db, number, 0, 1, c, &found);
    if (rv != APR_SUCCESS)
        *rc = mc_fail(mr, rv);
    else if (!found)
        *rc = mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                             "There is no case with that number that you can see.");
    return rv == APR_SUCCESS && found;
}

static int tracked_get(mc_req *mr)
{
    const char *typed = apr_table_get(mr->params, "number"), *number;
    json_t *o = NULL;
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (typed && ct_case_number_ok(mr->r->pool, typed, &number) &&
        (rv = tracked_one(mr, db, number, &o)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return o ? mc_api_send(mr, HTTP_OK, o) : not_tracked(mr);
}

/* A string member of in, or NULL when absent; *bad when it is not a string. */
static const char *member(mc_req *mr, json_t *in, const char *key, int *bad)
{
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        *bad = 1;
        return NULL;
    }
    return apr_pstrdup(mr->r->pool, json_string_value(v));
}

/* alert_types of in into ch (absent: kept): "all" or an array of kinds. 0
 * when it is neither (ch->alert_types then ""). */
static int alert_member(mc_req *mr, json_t *in, ct_track_choice *ch)
{
    json_t *v = json_object_get(in, "alert_types"), *e;
    int chosen[CT_ALERT_KINDS] = {0}, i, known;
    size_t k;
    if (!v)
        return 1;
    if (json_is_string(v) && !strcmp(json_string_value(v), "all")) {
        ch->alert_types = NULL;
        return 1;
    }
    ch->alert_types = "";
    if (!json_is_array(v))
        return 0;
    json_array_foreach(v, k, e)
    {
        for (i = 0, known = 0; i < CT_ALERT_KINDS; i++)
            if (json_is_string(e) && !strcmp(json_string_value(e), ct_alert_kinds[i].word))
                chosen[i] = known = 1;
        if (!known)
            return 0;
    }
    ch->alert_types = ct_alert_types(mr->r->pool, chosen);
    return 1;
}

#define ALERT_TYPES_WORDS                                                                          \
    "alert_types: \"all\", or a list of one or more of \"orders\", \"hearings\", \"filings\", "    \
    "\"other\"."

#define SAVED (-100) /* not a handler's answer */
static int save_checked(mc_req *mr, mc_db *db, json_t *in, const ct_case *c, ct_track_choice *ch);

/* Read the body's choices over ch (the tracking's, or the defaults), check
 * them and save the tracking of c: 1 when saved, else 0 with the answer
 * (a 422 problem, 404, or the database's) in *rc. */
static int save_choice(mc_req *mr, mc_db *db, json_t *in, const ct_case *c, ct_track_choice *ch,
                       int *rc)
{
    *rc = save_checked(mr, db, in, c, ch);
    return *rc == SAVED;
}

/* save_choice's work: SAVED, else the answer. */
static int save_checked(mc_req *mr, mc_db *db, json_t *in, const ct_case *c, ct_track_choice *ch)
{
    const char *why, *field, *m, *f, *ph;
    int bad_method = 0, bad_freq = 0, bad_phone = 0, gone;
    apr_status_t rv;
    m = member(mr, in, "method", &bad_method);
    f = member(mr, in, "frequency", &bad_freq);
    ph = member(mr, in, "phone", &bad_phone);
    if (bad_method || (m && !*m))
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "method",
                                    "method: \"email\", \"sms\" or \"voice\".");
    if (bad_freq || bad_phone)
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field",
                                    bad_freq ? "frequency" : "phone",
                                    bad_freq ? "frequency: \"each\" or \"daily\"."
                                             : "phone: a verified number such as +15735550100.");
    if (m)
        ch->method = m;
    if (f)
        ch->frequency = f;
    if (ph)
        ch->phone = ph;
    if (!alert_member(mr, in, ch))
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "alert_types",
                                    ALERT_TYPES_WORDS);
    why = ct_track_check(mr, db, ch, &field, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (why)
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", field, why);
    if ((rv = ct_track_save(mr, c, ch, &gone)) != APR_SUCCESS)
        return gone ? mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                                     "There is no case with that number that you can see.")
                    : mc_fail(mr, rv);
    return SAVED;
}

static int tracked_add(mc_req *mr)
{
    ct_track_choice ch = {NULL, "", "each", NULL, NULL};
    json_t *in, *o = NULL;
    const char *typed;
    int bad = 0, rc;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS) {
        json_decref(in);
        return mc_fail(mr, rv);
    }
    typed = member(mr, in, "case_number", &bad);
    if (!typed || bad)
        rc = mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "case_number",
                                  "Enter a case number such as 22SL-CC01234.");
    else if (find_case(mr, db, typed, &c, &rc)) {
        if ((rv = tracked_one(mr, db, c.number, &o)) != APR_SUCCESS)
            rc = mc_fail(mr, rv);
        else if (o) {
            json_decref(o);
            o = NULL;
            rc = mc_api_problem(mr, HTTP_CONFLICT, "conflict",
                                "You track this case already: change the tracking with PATCH "
                                "/tracked-cases/{number}.");
        }
        else if (save_choice(mr, db, in, &c, &ch, &rc)) {
            if ((rv = tracked_one(mr, db, c.number, &o)) != APR_SUCCESS || !o)
                rc = mc_fail(mr, rv != APR_SUCCESS ? rv : APR_EGENERAL);
            else {
                apr_table_set(mr->r->headers_out, "Location",
                              apr_pstrcat(mr->r->pool, "tracked-cases/", c.number, NULL));
                rc = mc_api_send(mr, HTTP_CREATED, o);
            }
        }
    }
    json_decref(in);
    return rc;
}

static int tracked_change(mc_req *mr)
{
    ct_track_choice ch;
    json_t *in, *o = NULL;
    mc_dbres *res;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS) {
        json_decref(in);
        return mc_fail(mr, rv);
    }
    if (!find_case(mr, db, apr_table_get(mr->params, "number"), &c, &rc)) {
        json_decref(in);
        return rc;
    }
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT channel, recipient, frequency, alert_types FROM mc_track WHERE "
                     "account_id = ? AND case_id = ? AND active = 1",
                     "ii", mr->account->id, c.id);
    if (rv != APR_SUCCESS || res->nrows == 0) {
        json_decref(in);
        return rv != APR_SUCCESS ? mc_fail(mr, rv) : not_tracked(mr);
    }
    ch.method = mc_dbres_get(res, 0, 0);
    ch.phone = strcmp(ch.method, "email") ? mc_dbres_get(res, 0, 1) : "";
    ch.frequency = mc_dbres_get(res, 0, 2);
    ch.alert_types = mc_dbres_get(res, 0, 3);
    ch.recipient = NULL;
    if (!save_choice(mr, db, in, &c, &ch, &rc)) {
        json_decref(in);
        return rc;
    }
    json_decref(in);
    if ((rv = tracked_one(mr, db, c.number, &o)) != APR_SUCCESS || !o)
        return mc_fail(mr, rv != APR_SUCCESS ? rv : APR_EGENERAL);
    return mc_api_send(mr, HTTP_OK, o);
}

typedef struct stop_baton {
    const ct_case *c;
    int stopped;
} stop_baton;

static apr_status_t stop_tx(mc_req *mr, mc_db *db, void *baton)
{
    stop_baton *b = baton;
    apr_status_t rv = ct_track_stop(db, mr->account->id, b->c->id, "account", &b->stopped);
    if (rv == APR_SUCCESS && b->stopped)
        rv = mc_audit(mr, db, "case-track-stop", mr->account->id,
                      apr_pstrcat(mr->r->pool, "case ", b->c->number,
                                  ": tracking stopped through the API", NULL));
    return rv;
}

static int tracked_stop(mc_req *mr)
{
    stop_baton b = {NULL, 0};
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!find_case(mr, db, apr_table_get(mr->params, "number"), &c, &rc))
        return rc;
    b.c = &c;
    if ((rv = mc_req_tx(mr, stop_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!b.stopped)
        return not_tracked(mr);
    return no_content(mr);
}

/* ---- Manage My Case notes ------------------------------------------------------ */

/* A folder entry (res row i of FOLDER_SELECT) with its tags; NULL on a
 * database error. */
static json_t *folder_item(mc_req *mr, mc_db *db, const mc_dbres *res, int i)
{
    mc_dbres *tags;
    json_t *a;
    int k;
    if (ct_case_tags(db, mr->r->pool, mr->account->id, mc_dbres_int(res, i, 0), &tags) !=
        APR_SUCCESS)
        return NULL;
    a = json_array();
    for (k = 0; k < tags->nrows; k++)
        json_array_append_new(a, json_pack("{s:I, s:o}", "id", (json_int_t)mc_dbres_int(tags, k, 0),
                                           "name", ct_json_str(mc_dbres_get(tags, k, 1))));
    return json_pack("{s:o, s:o, s:o, s:o, s:b, s:o, s:o}", "case_number",
                     ct_json_str(mc_dbres_get(res, i, 1)), "caption",
                     ct_json_str(mc_dbres_get(res, i, 2)), "court",
                     ct_json_str(mc_dbres_get(res, i, 3)), "note",
                     ct_json_str(mc_dbres_get(res, i, 4)), "tracked", (int)mc_dbres_int(res, i, 5),
                     "last_activity", ct_json_str(mc_dbres_get(res, i, 6)), "tags", a);
}

#define FOLDER_SELECT                                                                              \
    "SELECT c.id, c.number, c.caption, co.name, m.note, COALESCE(t.active, 0), "                   \
    "DATE_FORMAT(c.last_activity, '%Y-%m-%dT%H:%i:%sZ') FROM mc_mycase m "                         \
    "JOIN mc_case c ON c.id = m.case_id AND c.confidential = 0 JOIN mc_court co ON co.code = "     \
    "c.court_code LEFT JOIN mc_track t ON t.account_id = m.account_id AND t.case_id = "            \
    "m.case_id WHERE m.account_id = ?"
/* ?tag=: the tag's cases only (0: every case). */
#define FOLDER_TAGGED                                                                              \
    " AND (? = 0 OR m.case_id IN (SELECT case_id FROM mc_mycase_tagged WHERE tag_id = ? AND "      \
    "account_id = m.account_id))"

/* ?sort=: absent (the order cases were first added, by cursor), activity
 * (most recent first) or number; those two paged by offset. */
static int folder_list(mc_req *mr)
{
    const char *tag = mc_query(mr, "tag"), *sort = mc_query(mr, "sort"), *name = NULL;
    long long tag_id = 0, after;
    mc_db *db;
    mc_dbres *res;
    json_t *items;
    int limit, rc, i;
    apr_status_t rv;
    if ((rc = mc_api_page(mr, &after, &limit)) != OK)
        return rc;
    if (sort && strcmp(sort, "activity") && strcmp(sort, "number"))
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "sort",
                                    "sort: \"activity\" or \"number\".");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (tag && *tag) {
        char *end;
        if (!apr_isdigit(*tag) || strlen(tag) > 19 || (tag_id = apr_strtoi64(tag, &end, 10)) <= 0 ||
            *end)
            tag_id = -1;
        else if ((rv = ct_tag_get(db, mr->r->pool, mr->account->id, tag_id, &name)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (tag_id < 0 || !name)
            return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found", "You have no tag with that id.");
    }
    if (!sort)
        rv =
            mc_db_query(db, mr->r->pool, &res,
                        FOLDER_SELECT FOLDER_TAGGED " AND m.case_id > ? ORDER BY m.case_id LIMIT ?",
                        "iiiii", mr->account->id, tag_id, tag_id, after, (long long)limit + 1);
    else if (!strcmp(sort, "activity"))
        rv = mc_db_query(db, mr->r->pool, &res,
                         FOLDER_SELECT FOLDER_TAGGED
                         " ORDER BY c.last_activity DESC, c.number LIMIT ? OFFSET ?",
                         "iiiii", mr->account->id, tag_id, tag_id, (long long)limit + 1, after);
    else
        rv = mc_db_query(db, mr->r->pool, &res,
                         FOLDER_SELECT FOLDER_TAGGED " ORDER BY c.number LIMIT ? OFFSET ?", "iiiii",
                         mr->account->id, tag_id, tag_id, (long long)limit + 1, after);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    items = json_array();
    for (i = 0; i < res->nrows && i < limit; i++) {
        json_t *o = folder_item(mr, db, res, i);
        if (!o) {
            json_decref(items);
            return mc_fail(mr, APR_EGENERAL);
        }
        json_array_append_new(items, o);
    }
    if (sort)
        return ct_api_send_page(mr, items, res->nrows > limit, after, limit);
    return mc_api_send(
        mr, HTTP_OK,
        mc_api_list(mr, items, res->nrows > limit ? mc_dbres_int(res, limit - 1, 0) : 0));
}

/* The folder's entry of the route's case: 1 with *out, else 0 and *rc. */
static int folder_one(mc_req *mr, mc_db **db, ct_case *c, json_t **out, int *rc)
{
    mc_dbres *res;
    apr_status_t rv = mc_req_db(mr, db);
    *out = NULL;
    if (rv != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    if (!find_case(mr, *db, apr_table_get(mr->params, "number"), c, rc))
        return 0;
    rv = mc_db_query(*db, mr->r->pool, &res, FOLDER_SELECT " AND m.case_id = ?", "ii",
                     mr->account->id, c->id);
    if (rv == APR_SUCCESS && res->nrows == 1 && !(*out = folder_item(mr, *db, res, 0)))
        rv = APR_EGENERAL;
    if (rv != APR_SUCCESS) {
        *rc = mc_fail(mr, rv);
        return 0;
    }
    return 1;
}

static int not_in_folder(mc_req *mr)
{
    return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found",
                          "There is no case with that number in My Cases.");
}

static int note_get(mc_req *mr)
{
    json_t *o;
    ct_case c;
    mc_db *db;
    int rc;
    if (!folder_one(mr, &db, &c, &o, &rc))
        return rc;
    return o ? mc_api_send(mr, HTTP_OK, o) : not_in_folder(mr);
}

static int note_put(mc_req *mr)
{
    json_t *in, *o, *v;
    const char *why;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if ((rc = mc_api_body(mr, &in)) != OK)
        return rc;
    v = json_object_get(in, "note");
    if (!json_is_string(v)) {
        json_decref(in);
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "note",
                                    "note: the note's text (at most 2,000 characters).");
    }
    if (!folder_one(mr, &db, &c, &o, &rc)) {
        json_decref(in);
        return rc;
    }
    json_decref(o);
    if ((why = ct_note_error(mr->r->pool, json_string_value(v))) != NULL) {
        json_decref(in);
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "note", why);
    }
    rv = ct_note_save(db, mr->account->id, c.id, json_string_value(v));
    json_decref(in);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!folder_one(mr, &db, &c, &o, &rc))
        return rc;
    return o ? mc_api_send(mr, HTTP_OK, o) : mc_fail(mr, APR_EGENERAL);
}

static int note_delete(mc_req *mr)
{
    json_t *o;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!folder_one(mr, &db, &c, &o, &rc))
        return rc;
    if (!o)
        return not_in_folder(mr);
    json_decref(o);
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_mycase SET note = '' WHERE account_id = ? AND case_id = ?", "ii",
                    mr->account->id, c.id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return no_content(mr);
}

/* PUT (attach 1) or DELETE /my-cases/{number}/tags/{id}: 404 when the
 * case is not in the folder or the tag is not the account's. PUT answers
 * the folder entry, DELETE 204. */
static int case_tag(mc_req *mr, int attach)
{
    long long id = mc_param_id(mr, "id");
    json_t *o;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc, found = 0;
    if (!folder_one(mr, &db, &c, &o, &rc))
        return rc;
    if (!o)
        return not_in_folder(mr);
    json_decref(o);
    if (id)
        rv = attach ? ct_tag_attach(db, mr->r->pool, mr->account->id, id, c.id, &found)
                    : ct_tag_detach(db, mr->r->pool, mr->account->id, id, c.id, &found);
    else
        rv = APR_SUCCESS;
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return mc_api_problem(mr, HTTP_NOT_FOUND, "not-found", "You have no tag with that id.");
    if (!attach)
        return no_content(mr);
    if (!folder_one(mr, &db, &c, &o, &rc))
        return rc;
    return o ? mc_api_send(mr, HTTP_OK, o) : mc_fail(mr, APR_EGENERAL);
}

static int case_tag_put(mc_req *mr)
{
    return case_tag(mr, 1);
}

static int case_tag_delete(mc_req *mr)
{
    return case_tag(mr, 0);
}

/* ---- notification history ------------------------------------------------------- */

static json_t *or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static int notifications(mc_req *mr)
{
    const char *typed = mc_query(mr, "case"), *number = "";
    mc_db *db;
    mc_dbres *res;
    json_t *items;
    long long after;
    int limit, rc, i;
    apr_status_t rv;
    if ((rc = mc_api_page(mr, &after, &limit)) != OK)
        return rc;
    if (typed && *typed && !ct_case_number_ok(mr->r->pool, typed, &number))
        return mc_api_problem_field(mr, HTTP_UNPROCESSABLE_ENTITY, "invalid-field", "case",
                                    "Enter a case number such as 22SL-CC01234.");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = ct_history_rows(db, mr->r->pool, mr->account->id, number, limit + 1, after, &res)) !=
            APR_SUCCESS)
        return mc_fail(mr, rv);
    items = json_array();
    for (i = 0; i < res->nrows && i < limit; i++)
        json_array_append_new(items, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                                               "channel", ct_json_str(mc_dbres_get(res, i, 0)),
                                               "kind", ct_json_str(mc_dbres_get(res, i, 1)),
                                               "case_number", or_null(mc_dbres_get(res, i, 2)),
                                               "subject", ct_json_str(mc_dbres_get(res, i, 3)),
                                               "queued_at", ct_json_str(mc_dbres_get(res, i, 4)),
                                               "sent_at", or_null(mc_dbres_get(res, i, 5)),
                                               "status", ct_json_str(mc_dbres_get(res, i, 6)),
                                               "last_error", or_null(mc_dbres_get(res, i, 7))));
    return ct_api_send_page(mr, items, res->nrows > limit, after, limit);
}

/* ---- routes ---------------------------------------------------------------------- */

#define READ MC_ACCESS_ACCOUNT, "casenet:read"
#define TRACK MC_ACCESS_ACCOUNT, "tracking"

const mc_route ct_api_routes[] = {
    {"GET", "/casenet/search/name", READ, ct_api_search_name, 0},
    {"GET", "/casenet/search/number", READ, ct_api_search_number, 0},
    {"GET", "/casenet/search/date", READ, ct_api_search_date, 0},
    {"GET", "/casenet/search/hearings", READ, ct_api_search_hearings, 0},
    {"GET", "/casenet/search/judgments", READ, ct_api_search_judgments, 0},
    {"GET", "/casenet/cases/:number", READ, ct_api_case, 0},
    {"GET", "/tracked-cases", TRACK, tracked_list, 0},
    {"POST", "/tracked-cases", TRACK, tracked_add, 0},
    {"GET", "/tracked-cases/:number", TRACK, tracked_get, 0},
    {"PATCH", "/tracked-cases/:number", TRACK, tracked_change, 0},
    {"DELETE", "/tracked-cases/:number", TRACK, tracked_stop, 0},
    {"GET", "/my-cases", TRACK, folder_list, 0},
    {"GET", "/my-cases/:number/note", TRACK, note_get, 0},
    {"PUT", "/my-cases/:number/note", TRACK, note_put, 0},
    {"DELETE", "/my-cases/:number/note", TRACK, note_delete, 0},
    {"PUT", "/my-cases/:number/tags/:id", TRACK, case_tag_put, 0},
    {"DELETE", "/my-cases/:number/tags/:id", TRACK, case_tag_delete, 0},
    {"GET", "/tags", TRACK, ct_api_tags_list, 0},
    {"POST", "/tags", TRACK, ct_api_tags_create, 0},
    {"PATCH", "/tags/:id", TRACK, ct_api_tags_rename, 0},
    {"DELETE", "/tags/:id", TRACK, ct_api_tags_delete, 0},
    {"GET", "/notifications", TRACK, notifications, 0},
    {NULL}};
