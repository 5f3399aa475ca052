/* mycases.c: Manage My Case (seed 002: My Account -> Manage My Case ->
 * select case -> Stop Tracking). The account's folder (mc_mycase) holds
 * every case it bookmarked or tracks, each with a note; a case in the
 * folder can be tracked from there. A case that became confidential stays
 * in the folder as "This case is no longer available", without its
 * details, until the account removes it. */
#include "tags.h"
#include "track.h"

#include "apr_lib.h"

static const char MSG_NUMBER[] = "Enter a case number such as 22SL-CC01234.";

/* Characters in s when it is valid UTF-8, else -1. */
static long utf8_chars(const char *s)
{
    long n = 0;
    int len;
    for (; *s; s += len, n++)
        if (!(len = mc_utf8_len(s)))
            return -1;
    return n;
}

const char *ct_note_error(apr_pool_t *p, const char *note)
{
    long n = utf8_chars(note);
    if (n < 0)
        return "The note holds characters that are not valid text. Type it again.";
    if (n > CT_NOTE_MAX)
        return apr_psprintf(p,
                            "The note is too long: at most 2,000 characters (it has %ld). "
                            "Shorten it and save again.",
                            n);
    return NULL;
}

apr_status_t ct_note_save(mc_db *db, long long account_id, long long case_id, const char *note)
{
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_mycase (account_id, case_id, note, added_at) VALUES (?, ?, "
                      "?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE note = VALUES(note)",
                      "iis", account_id, case_id, note);
}

/* "E-mail, Each entry as it is docketed" or "Not tracked". */
static const char *tracking_words(apr_pool_t *p, const char *active, const char *channel,
                                  const char *frequency)
{
    if (!active || strcmp(active, "1"))
        return "Not tracked";
    return apr_pstrcat(p, ct_label(&ct_channels, channel), ", ",
                       ct_label(&ct_frequencies, frequency), NULL);
}

/* ---- the folder ------------------------------------------------------------- */

static const mc_label FOLDER_DONE[] = {
    {"added", "The case was added to My Cases."},
    {"removed",
     "The case was removed from My Cases. Its notices, if it was tracked, have stopped."},
    {NULL}};

/* The folder's statements (tests/integration/test_perf_plans.py reads
 * these macros): its cases (in the folder or tracked) from the two
 * accounts' keys (mc_mycase's primary key, mc_track (account_id, case_id)).
 * The page: the page's case ids first, in order (the sort needs only the
 * cases' rows), then only those joined to their court, note and tracking:
 * the same rows in the same order (number is unique). The count needs the
 * union alone: every case_id has its case and every case its court
 * (foreign keys). */
#define FOLDER_CASES                                                                               \
    "(SELECT case_id FROM mc_mycase WHERE account_id = ? UNION SELECT case_id FROM mc_track "      \
    "WHERE account_id = ? AND active = 1) f"
#define FOLDER_ORDER " ORDER BY c.confidential, c.last_activity DESC, c.number"
#define FOLDER_COUNT "SELECT COUNT(*) FROM " FOLDER_CASES
/* binds: account, account, count, offset, account, account */
#define FOLDER_PAGE                                                                                \
    "SELECT c.id, c.number, c.caption, co.name, c.last_activity, c.confidential, t.active, "       \
    "t.channel, t.frequency, COALESCE(m.note, '') FROM (SELECT c.id FROM " FOLDER_CASES            \
    " JOIN mc_case c ON c.id = f.case_id" FOLDER_ORDER " LIMIT ? OFFSET ?) p JOIN mc_case c ON "   \
    "c.id = p.id JOIN mc_court co ON co.code = c.court_code LEFT JOIN mc_mycase m ON "             \
    "m.account_id = ? AND m.case_id = c.id LEFT JOIN mc_track t ON t.account_id = ? AND "          \
    "t.case_id = c.id" FOLDER_ORDER

/* The folder for one tag (issue 17): its cases are the tag's (in
 * mc_mycase: a tag is on a folder entry); the same binds (tag, account in
 * place of account, account). The other orders, by the same statement. */
#define TAGGED_CASES "(SELECT case_id FROM mc_mycase_tagged WHERE tag_id = ? AND account_id = ?) f"
#define TAGGED_COUNT "SELECT COUNT(*) FROM " TAGGED_CASES
#define ORDER_NUMBER " ORDER BY c.confidential, c.number"
#define ORDER_CAPTION " ORDER BY c.confidential, c.caption, c.number"
#define FOLDER_PAGE_OF(CASES, ORDER)                                                               \
    "SELECT c.id, c.number, c.caption, co.name, c.last_activity, c.confidential, t.active, "       \
    "t.channel, t.frequency, COALESCE(m.note, '') FROM (SELECT c.id FROM " CASES                   \
    " JOIN mc_case c ON c.id = f.case_id" ORDER " LIMIT ? OFFSET ?) p JOIN mc_case c ON "          \
    "c.id = p.id JOIN mc_court co ON co.code = c.court_code LEFT JOIN mc_mycase m ON "             \
    "m.account_id = ? AND m.case_id = c.id LEFT JOIN mc_track t ON t.account_id = ? AND "          \
    "t.case_id = c.id" ORDER

/* The folder's orders: ?sort= (the first the default). */
enum { SORT_ACTIVITY, SORT_NUMBER, SORT_CAPTION, SORTS };
static const mc_label SORT_WORDS[] = {{"activity", "Most recent activity first."},
                                      {"number", "By case number."},
                                      {"caption", "By caption."},
                                      {NULL}};
static const char *const SORT_NAMES[] = {"Last activity (most recent first)", "Case number",
                                         "Caption"};

typedef struct folder_ask {
    long long me, tag; /* tag: 0 for every case */
    int sort;
} folder_ask;

static apr_status_t folder_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                 long long limit, long long offset, mc_dbres **res)
{
    const folder_ask *a = baton;
    long long me = a->me, first = a->tag ? a->tag : me;
    if (count)
        return mc_db_query(db, p, res, a->tag ? TAGGED_COUNT : FOLDER_COUNT, "ii", first, me);
    if (!a->tag && a->sort == SORT_ACTIVITY)
        return mc_db_query(db, p, res, FOLDER_PAGE, "iiiiii", me, me, limit, offset, me, me);
    if (!a->tag && a->sort == SORT_NUMBER)
        return mc_db_query(db, p, res, FOLDER_PAGE_OF(FOLDER_CASES, ORDER_NUMBER), "iiiiii", me, me,
                           limit, offset, me, me);
    if (!a->tag)
        return mc_db_query(db, p, res, FOLDER_PAGE_OF(FOLDER_CASES, ORDER_CAPTION), "iiiiii", me,
                           me, limit, offset, me, me);
    if (a->sort == SORT_ACTIVITY)
        return mc_db_query(db, p, res, FOLDER_PAGE_OF(TAGGED_CASES, FOLDER_ORDER), "iiiiii", first,
                           me, limit, offset, me, me);
    if (a->sort == SORT_NUMBER)
        return mc_db_query(db, p, res, FOLDER_PAGE_OF(TAGGED_CASES, ORDER_NUMBER), "iiiiii", first,
                           me, limit, offset, me, me);
    return mc_db_query(db, p, res, FOLDER_PAGE_OF(TAGGED_CASES, ORDER_CAPTION), "iiiiii", first, me,
                       limit, offset, me, me);
}

static int no_tag(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Tag not found",
                      "Tag not found: you have no tag with that number. Choose a tag from the "
                      "list on Manage My Case.");
}

/* The tags on case_id (rows of ct_folder_tags) as words ("" for none). */
static const char *case_tag_words(apr_pool_t *p, const mc_dbres *tagged, long long case_id)
{
    const char *words = "";
    int j;
    for (j = 0; j < tagged->nrows; j++)
        if (mc_dbres_int(tagged, j, 0) == case_id)
            words = *words ? apr_pstrcat(p, words, ", ", mc_dbres_get(tagged, j, 2), NULL)
                           : mc_dbres_get(tagged, j, 2);
    return words;
}

/* The filter's and the sort's choices. */
static apr_status_t folder_choice_vars(mc_req *mr, mc_db *db, const folder_ask *a)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if ((rv = ct_tags_list(db, p, a->me, &res)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "tag_choices");
        mc_vars_set(row, "value", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "name", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "selected", mc_dbres_int(res, i, 0) == a->tag ? "selected" : NULL);
        if (mc_dbres_int(res, i, 0) == a->tag)
            mc_vars_set(mr->vars, "tag_name", mc_dbres_get(res, i, 1));
    }
    for (i = 0; i < SORTS; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "sort_choices");
        mc_vars_set(row, "value", SORT_WORDS[i].word);
        mc_vars_set(row, "name", SORT_NAMES[i]);
        mc_vars_set(row, "selected", i == a->sort ? "selected" : NULL);
    }
    mc_vars_set(mr->vars, "sort_words", SORT_WORDS[a->sort].text);
    return APR_SUCCESS;
}

static int folder_page(mc_req *mr, int status, const char *error, const char *typed)
{
    apr_pool_t *p = mr->r->pool;
    const char *pg = mc_query(mr, "page"), *tag = mc_query(mr, "tag"), *sort = mc_query(mr, "sort");
    long long want = pg ? apr_atoi64(pg) : 1;
    folder_ask a = {mr->account->id, 0, SORT_ACTIVITY};
    mc_page page = {0, 0, 0, 0, 0};
    const char *name = NULL;
    mc_dbres *res, *tagged;
    mc_db *db;
    apr_status_t rv;
    int i;

    for (i = 0; sort && i < SORTS; i++)
        if (!strcmp(sort, SORT_WORDS[i].word))
            a.sort = i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (tag && *tag) {
        char *end;
        if (!apr_isdigit(*tag) || strlen(tag) > 19 || (a.tag = apr_strtoi64(tag, &end, 10)) <= 0 ||
            *end)
            return no_tag(mr);
        if ((rv = ct_tag_get(db, p, a.me, a.tag, &name)) != APR_SUCCESS)
            return mc_fail(mr, rv);
        if (!name)
            return no_tag(mr);
    }
    if ((rv = mc_page_query(db, p, want, CT_PAGE_SIZE, folder_query, &a, &page, &res)) !=
            APR_SUCCESS ||
        (rv = folder_choice_vars(mr, db, &a)) != APR_SUCCESS ||
        (rv = ct_folder_tags(db, p, a.me, &tagged)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "cases");
        const char *number = mc_dbres_get(res, i, 1);
        if (mc_dbres_int(res, i, 5)) {
            mc_vars_set(row, "unavailable", "1");
            mc_vars_set(row, "case_id", mc_dbres_get(res, i, 0));
            continue;
        }
        mc_vars_set(row, "number", number);
        mc_vars_set(row, "href", mc_url(mr, apr_pstrcat(p, "/mycases/", number, NULL)));
        mc_vars_set(row, "caption", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "court", mc_dbres_get(res, i, 3));
        mc_vars_set(row, "last_activity", apr_pstrcat(p, mc_dbres_get(res, i, 4), " UTC", NULL));
        mc_vars_set(row, "tracking",
                    tracking_words(p, mc_dbres_get(res, i, 6), mc_dbres_get(res, i, 7),
                                   mc_dbres_get(res, i, 8)));
        mc_vars_set(row, "tracked", mc_dbres_int(res, i, 6) ? "1" : NULL);
        mc_vars_set(row, "note", mc_dbres_get(res, i, 9));
        mc_vars_set(row, "tags", case_tag_words(p, tagged, mc_dbres_int(res, i, 0)));
    }
    mc_done_notice(mr, FOLDER_DONE, error);
    mc_vars_set(mr->vars, "error", error);
    if (!typed && *(typed = mc_text_trim(p, mc_query(mr, "case"))) && !error)
        mc_vars_set(mr->vars, "hint",
                    apr_pstrcat(p, "To add case ", typed,
                                " to your folder, click Add to My Cases below.", NULL));
    mc_vars_set(mr->vars, "typed", typed);
    mc_page_vars(
        mr->vars, &page,
        apr_pstrcat(p, mc_url(mr, "/mycases"), "?sort=", SORT_WORDS[a.sort].word,
                    a.tag ? apr_psprintf(p, "&tag=%" APR_INT64_T_FMT, (apr_int64_t)a.tag) : "",
                    "&page=", NULL));
    mc_vars_set(mr->vars, "folder_action", mc_url(mr, "/mycases"));
    mc_vars_set(mr->vars, "tags_url", mc_url(mr, "/tags"));
    mc_vars_set(mr->vars, "add_action", mc_url(mr, "/mycases/add"));
    mc_vars_set(mr->vars, "remove_action", mc_url(mr, "/mycases/remove"));
    mc_vars_set(mr->vars, "search_url", mc_url(mr, "/"));
    mc_vars_set(mr->vars, "history_url", mc_url(mr, "/history"));
    mc_vars_set(mr->vars, "calendar_url", mc_url(mr, "/calendar"));
    mc_vars_set(mr->vars, "phones_url", mc_url(mr, "/phones"));
    return mc_render(mr, status, "mycases.html", "Manage My Case");
}

int ct_mycases_page(mc_req *mr)
{
    return folder_page(mr, HTTP_OK, NULL, NULL);
}

int ct_mycases_add(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *typed = mc_text_trim(p, mc_field(mr, "case"));
    const char *ret = mc_safe_return(p, mc_field(mr, "return"));
    const char *number;
    ct_case c;
    int found;
    mc_db *db;
    apr_status_t rv;

    if (!mr->account) {
        /* From a case page, before logon: the folder after logon, with the
         * number in the box, so nothing is lost. */
        const char *back = mc_url(mr, "/mycases");
        if (ct_case_number_ok(p, typed, &number))
            back = apr_pstrcat(p, back, "?case=", mc_form_encode(p, number), NULL);
        return mc_redirect(
            mr, apr_pstrcat(p, mc_logon_path(mr), "?return=", mc_form_encode(p, back), NULL));
    }
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!ct_case_number_ok(p, typed, &number))
        return folder_page(mr, HTTP_BAD_REQUEST, MSG_NUMBER, typed);
    if ((rv = ct_case_find(mr, db, number, 0, 1, &c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return folder_page(mr, HTTP_NOT_FOUND,
                           apr_pstrcat(p, "Case not found: there is no case numbered ", number,
                                       " that you can see. Check the number and try again.", NULL),
                           typed);
    if ((rv = ct_folder_add(db, mr->account->id, c.id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, ret ? ret : "mycases?done=added");
}

/* Stop the tracking of case_id and, to remove it, take it out of the
 * folder (in a transaction); audited when that changed anything. */
typedef struct change_baton {
    long long case_id;
    const char *number; /* for the audit; NULL when not shown */
    int remove;         /* 0: stop the tracking only */
    long long removed;
    int stopped;
} change_baton;

static apr_status_t change_tx(mc_req *mr, mc_db *db, void *baton)
{
    change_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    apr_status_t rv = APR_SUCCESS;
    if (b->remove)
        rv = mc_db_exec(db, &b->removed, NULL,
                        "DELETE FROM mc_mycase WHERE account_id = ? AND case_id = ?", "ii",
                        mr->account->id, b->case_id);
    if (rv == APR_SUCCESS)
        rv = ct_track_stop(db, mr->account->id, b->case_id, "account", &b->stopped);
    if (rv != APR_SUCCESS || (!b->removed && !b->stopped))
        return rv;
    if (!b->remove)
        return mc_audit(
            mr, db, "case-track-stop", mr->account->id,
            apr_pstrcat(p, "case ", b->number, ": tracking stopped under Manage My Case", NULL));
    return mc_audit(mr, db, "mycase-remove", mr->account->id,
                    apr_pstrcat(p, "case ", b->number ? b->number : "(unavailable)",
                                " removed from My Cases", b->stopped ? "; tracking stopped" : "",
                                NULL));
}

int ct_mycases_remove_unavailable(mc_req *mr)
{
    const char *id = mc_field(mr, "case_id");
    change_baton b = {0};
    apr_status_t rv;
    char *end;
    if (!id || !apr_isdigit(*id) || strlen(id) > 19 ||
        (b.case_id = apr_strtoi64(id, &end, 10)) <= 0 || *end)
        return HTTP_BAD_REQUEST;
    b.remove = 1;
    if ((rv = mc_req_tx(mr, change_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!b.removed && !b.stopped)
        return mc_message(mr, HTTP_NOT_FOUND, "Manage My Case",
                          "That case is not in My Cases (it may have been removed already).");
    return mc_redirect(mr, "mycases?done=removed");
}

/* ---- one case of the folder --------------------------------------------------- */

static const mc_label CASE_DONE[] = {
    {"note", "Your note was saved."},
    {"stopped", "Tracking stopped. You will receive no more notices about this case."},
    {"tags", "The case's tags were saved."},
    {NULL}};

static int not_found(mc_req *mr)
{
    return mc_message(mr, HTTP_NOT_FOUND, "Case not found",
                      "Case not found: there is no case with that number in My Cases. Check the "
                      "case number (for example 22SL-CC01234) and try again.");
}

/* The account's tags as the case page's checkboxes (tag_<id>, checked
 * when on the case). */
static apr_status_t case_tag_vars(mc_req *mr, mc_db *db, long long case_id)
{
    apr_pool_t *p = mr->r->pool;
    mc_dbres *all, *on;
    apr_status_t rv;
    int i, j;
    if ((rv = ct_tags_list(db, p, mr->account->id, &all)) != APR_SUCCESS ||
        (rv = ct_case_tags(db, p, mr->account->id, case_id, &on)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < all->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "tag_boxes");
        mc_vars_set(row, "name", apr_pstrcat(p, "tag_", mc_dbres_get(all, i, 0), NULL));
        mc_vars_set(row, "label", mc_dbres_get(all, i, 1));
        mc_vars_set(row, "checked", "");
        for (j = 0; j < on->nrows; j++)
            if (mc_dbres_int(on, j, 0) == mc_dbres_int(all, i, 0))
                mc_vars_set(row, "checked", "1");
    }
    return APR_SUCCESS;
}

/* The selected case; note: what to show in the note box (NULL: the saved one). */
static int case_page(mc_req *mr, mc_db *db, int status, const ct_case *c, const char *note,
                     const char *error)
{
    apr_pool_t *p = mr->r->pool;
    const char *base = mc_url(mr, apr_pstrcat(p, "/mycases/", c->number, NULL));
    mc_dbres *res;
    apr_status_t rv;

    rv = mc_db_query(db, p, &res,
                     "SELECT m.note, t.active, t.channel, t.recipient, t.frequency, t.alert_types "
                     "FROM mc_case c "
                     "LEFT JOIN mc_mycase m ON m.case_id = c.id AND m.account_id = ? LEFT JOIN "
                     "mc_track t ON t.case_id = c.id AND t.account_id = ? WHERE c.id = ? AND "
                     "(m.account_id IS NOT NULL OR t.active = 1)",
                     "iii", mr->account->id, mr->account->id, c->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows == 0)
        return not_found(mr);
    ct_case_vars(mr, c);
    mc_vars_set(mr->vars, "last_activity", apr_pstrcat(p, c->last_activity, " UTC", NULL));
    mc_vars_set(mr->vars, "track_url", mc_url(mr, apr_pstrcat(p, "/track/", c->number, NULL)));
    mc_vars_set(mr->vars, "history_url",
                apr_pstrcat(p, mc_url(mr, "/history"), "?case=", c->number, NULL));
    mc_vars_set(mr->vars, "note_action", apr_pstrcat(p, base, "/note", NULL));
    mc_vars_set(mr->vars, "remove_action", apr_pstrcat(p, base, "/remove", NULL));
    mc_vars_set(mr->vars, "note", note ? note : mc_dbres_get(res, 0, 0));
    if (mc_dbres_int(res, 0, 1)) {
        ct_tracking_vars(mr, mc_dbres_get(res, 0, 2), mc_dbres_get(res, 0, 3),
                         mc_dbres_get(res, 0, 4), mc_dbres_get(res, 0, 5));
        mc_vars_set(mr->vars, "stop_action", apr_pstrcat(p, base, "/stop", NULL));
    }
    if ((rv = case_tag_vars(mr, db, c->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "tags_action", apr_pstrcat(p, base, "/tags", NULL));
    mc_vars_set(mr->vars, "tags_url", mc_url(mr, "/tags"));
    mc_done_notice(mr, CASE_DONE, error);
    mc_vars_set(mr->vars, "error", error);
    return mc_render(mr, status, "mycases-case.html", "Manage My Case");
}

int ct_mycase_page(mc_req *mr)
{
    ct_case c;
    mc_db *db;
    int rc;
    if (!ct_track_case(mr, &db, &c, not_found, &rc))
        return rc;
    return case_page(mr, db, HTTP_OK, &c, NULL, NULL);
}

int ct_mycase_note(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *note = mc_field(mr, "note"), *why;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;

    if (!ct_track_case(mr, &db, &c, not_found, &rc))
        return rc;
    if (!note)
        note = "";
    if ((why = ct_note_error(p, note)) != NULL)
        return case_page(mr, db, HTTP_BAD_REQUEST, &c, utf8_chars(note) < 0 ? "" : note, why);
    rv = ct_note_save(db, mr->account->id, c.id, note);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, apr_pstrcat(p, "mycases/", c.number, "?done=note", NULL));
}

/* Stop the tracking of the folder's case :number, or remove the case. */
static int case_change(mc_req *mr, int remove)
{
    change_baton b = {0};
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!ct_track_case(mr, &db, &c, not_found, &rc))
        return rc;
    b.case_id = c.id;
    b.number = c.number;
    b.remove = remove;
    if ((rv = mc_req_tx(mr, change_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!remove)
        return mc_redirect(mr,
                           apr_pstrcat(mr->r->pool, "mycases/", c.number, "?done=stopped", NULL));
    if (!b.removed && !b.stopped)
        return not_found(mr);
    return mc_redirect(mr, "mycases?done=removed");
}

int ct_mycase_stop(mc_req *mr)
{
    return case_change(mr, 0);
}

int ct_mycase_remove(mc_req *mr)
{
    return case_change(mr, 1);
}

/* POST /mycases/:number/tags: the account's tags checked (tag_<id>) on the
 * case, the others off it; the case joins the folder (a tracked case's
 * tags are a folder entry's). */
typedef struct tags_baton {
    long long case_id;
} tags_baton;

static apr_status_t tags_tx(mc_req *mr, mc_db *db, void *baton)
{
    tags_baton *b = baton;
    apr_pool_t *p = mr->r->pool;
    long long me = mr->account->id;
    mc_dbres *all;
    apr_status_t rv;
    int i, found;
    if ((rv = ct_folder_add(db, me, b->case_id)) != APR_SUCCESS ||
        (rv = ct_tags_list(db, p, me, &all)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < all->nrows && rv == APR_SUCCESS; i++) {
        long long id = mc_dbres_int(all, i, 0);
        if (mc_field(mr, apr_pstrcat(p, "tag_", mc_dbres_get(all, i, 0), NULL)))
            rv = ct_tag_attach(db, p, me, id, b->case_id, &found);
        else
            rv = ct_tag_detach(db, p, me, id, b->case_id, &found);
    }
    return rv;
}

int ct_mycase_tags(mc_req *mr)
{
    tags_baton b;
    mc_dbres *res;
    ct_case c;
    mc_db *db;
    apr_status_t rv;
    int rc;
    if (!ct_track_case(mr, &db, &c, not_found, &rc))
        return rc;
    /* Only a case of the folder (or tracked). */
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT 1 FROM mc_case c LEFT JOIN mc_mycase m ON m.case_id = c.id AND "
                     "m.account_id = ? LEFT JOIN mc_track t ON t.case_id = c.id AND t.account_id "
                     "= ? WHERE c.id = ? AND (m.account_id IS NOT NULL OR t.active = 1)",
                     "iii", mr->account->id, mr->account->id, c.id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows == 0)
        return not_found(mr);
    b.case_id = c.id;
    if ((rv = mc_req_tx(mr, tags_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, apr_pstrcat(mr->r->pool, "mycases/", c.number, "?done=tags", NULL));
}
