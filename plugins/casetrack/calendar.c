/* calendar.c: the calendar feed of an account's tracked cases' hearings
 * (issue 16), and its page under Manage My Case.
 *
 * The feed (GET /calendar/<secret>.ics, anonymous: a calendar program
 * subscribes to the address) is RFC 5545 text/calendar: one VEVENT per
 * hearing of each case the account actively tracks, confidential cases
 * never, from CT_CAL_PAST_DAYS ago on (at most CT_CAL_MAX events). Times
 * are the court's local times as given (mc_hearing.hearing_at), with
 * TZID=America/Chicago and its VTIMEZONE; a hearing has no length in the
 * court data, so each event lasts CT_CAL_MINUTES. A VEVENT's UID is the
 * hearing's row id at the site's host, the same in every account's feed
 * and every time; DTSTAMP is its case's last activity (UTC), so the same
 * data gives the same bytes and the ETag a calendar program sends back
 * (If-None-Match) gets 304.
 *
 * The secret is one per account (sql/casetrack/0007_calendar.sql): 32
 * random bytes, base64url, stored as its SHA-256 only, so its address is
 * shown once, on the page that made it (Create, Reset); Reset replaces it
 * (the old address answers 404 at once), Remove deletes it. */
#include "calendar.h"

#define CT_CAL_MINUTES 60    /* an event's length */
#define CT_CAL_PAST_DAYS 365 /* hearings older than this are left out */
#define CT_CAL_MAX 5000      /* events in one feed */
#define CT_CAL_FOLD 75       /* octets a line, CRLF excluded (RFC 5545 3.1) */
#define CT_CAL_TZID "America/Chicago"
#define CT_STR(x) CT_STR_(x)
#define CT_STR_(x) #x

/* ---- iCalendar text ------------------------------------------------------------ */

/* The feed being written: its lines, each folded and ended with CRLF. */
typedef struct ics {
    apr_pool_t *p;
    apr_array_header_t *parts;
} ics;

/* A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped,
 * each line break (CRLF, CR or LF) as \n; other control characters go. */
static const char *ics_text(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, 2 * strlen(s) + 1), *o = out;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == ';' || c == ',') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c == '\r' || c == '\n') {
            if (c == '\r' && s[1] == '\n')
                s++;
            *o++ = '\\';
            *o++ = 'n';
        }
        else if (c >= 0x20 && c != 0x7f)
            *o++ = (char)c;
        else if (c == '\t')
            *o++ = ' ';
    }
    *o = '\0';
    return out;
}

/* One content line "name:value", folded (RFC 5545 3.1): at most
 * CT_CAL_FOLD octets a line, a continuation starting with one space, never
 * inside a UTF-8 character. */
static void ics_line(ics *x, const char *name, const char *value)
{
    const char *line = apr_pstrcat(x->p, name, ":", value, NULL);
    size_t n = strlen(line), at = 0, room = CT_CAL_FOLD;
    while (n - at > room) {
        size_t cut = at + room;
        while (cut > at + 1 && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        APR_ARRAY_PUSH(x->parts, const char *) = apr_pstrndup(x->p, line + at, cut - at);
        APR_ARRAY_PUSH(x->parts, const char *) = "\r\n ";
        at = cut;
        room = CT_CAL_FOLD - 1;
    }
    APR_ARRAY_PUSH(x->parts, const char *) = line + at;
    APR_ARRAY_PUSH(x->parts, const char *) = "\r\n";
}

/* America/Chicago since 2007 (CST -0600; CDT -0500 from the second Sunday
 * of March to the first Sunday of November). */
static void ics_timezone(ics *x)
{
    /* clang-format off */
    static const char *const lines[][2] = {
        {"BEGIN", "VTIMEZONE"},
        {"TZID", CT_CAL_TZID},
        {"BEGIN", "DAYLIGHT"},
        {"TZOFFSETFROM", "-0600"},
        {"TZOFFSETTO", "-0500"},
        {"TZNAME", "CDT"},
        {"DTSTART", "19700308T020000"},
        {"RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"},
        {"END", "DAYLIGHT"},
        {"BEGIN", "STANDARD"},
        {"TZOFFSETFROM", "-0500"},
        {"TZOFFSETTO", "-0600"},
        {"TZNAME", "CST"},
        {"DTSTART", "19701101T020000"},
        {"RRULE", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"},
        {"END", "STANDARD"},
        {"END", "VTIMEZONE"}};
    /* clang-format on */
    size_t i;
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        ics_line(x, lines[i][0], lines[i][1]);
}

/* The host of the site's base URL ("courts.mo.gov"), for the UIDs. */
static const char *site_host(mc_req *mr)
{
    const char *u = mc_public_url(mr, "/"), *h = strstr(u, "://"), *e;
    if (!h)
        return "mocourts.invalid";
    h += 3;
    for (e = h; *e && *e != '/' && *e != ':'; e++)
        ;
    return e > h ? apr_pstrndup(mr->r->pool, h, (apr_size_t)(e - h)) : "mocourts.invalid";
}

/* The account's hearings: cases it actively tracks, not confidential. */
/* clang-format off */
#define CAL_HEARINGS                                                                               \
    "SELECT h.id, DATE_FORMAT(h.hearing_at, '%Y%m%dT%H%i%s'), DATE_FORMAT(h.hearing_at + "        \
    "INTERVAL " CT_STR(CT_CAL_MINUTES) " MINUTE, '%Y%m%dT%H%i%s'), DATE_FORMAT(c.last_activity, " \
    "'%Y%m%dT%H%i%sZ'), h.hearing_type, h.location, c.number, c.caption, COALESCE(hj.name, "       \
    "cj.name, ''), co.name FROM mc_track t JOIN mc_case c ON c.id = t.case_id AND "                \
    "c.confidential = 0 JOIN mc_court co ON co.code = c.court_code JOIN mc_hearing h ON "          \
    "h.case_id = c.id LEFT JOIN mc_judge hj ON hj.id = h.judge_id LEFT JOIN mc_judge cj ON "       \
    "cj.id = c.judge_id WHERE t.account_id = ? AND t.active = 1 AND h.hearing_at >= "              \
    "UTC_DATE() - INTERVAL " CT_STR(CT_CAL_PAST_DAYS) " DAY ORDER BY h.hearing_at, h.id LIMIT " \
    CT_STR(CT_CAL_MAX)
/* clang-format on */

static apr_status_t ics_events(mc_req *mr, mc_db *db, long long account_id, ics *x)
{
    apr_pool_t *p = mr->r->pool;
    const char *host = site_host(mr);
    mc_dbres *res;
    apr_status_t rv;
    int i;
    if ((rv = mc_db_query(db, p, &res, CAL_HEARINGS, "i", account_id)) != APR_SUCCESS)
        return rv;
    for (i = 0; i < res->nrows; i++) {
        const char *type = mc_dbres_get(res, i, 4), *where = mc_dbres_get(res, i, 5);
        const char *number = mc_dbres_get(res, i, 6), *judge = mc_dbres_get(res, i, 8);
        const char *court = mc_dbres_get(res, i, 9);
        ics_line(x, "BEGIN", "VEVENT");
        ics_line(x, "UID", apr_pstrcat(p, "hearing-", mc_dbres_get(res, i, 0), "@", host, NULL));
        ics_line(x, "DTSTAMP", mc_dbres_get(res, i, 3));
        ics_line(x, "DTSTART;TZID=" CT_CAL_TZID, mc_dbres_get(res, i, 1));
        ics_line(x, "DTEND;TZID=" CT_CAL_TZID, mc_dbres_get(res, i, 2));
        ics_line(x, "SUMMARY", ics_text(p, apr_pstrcat(p, type, " - ", number, NULL)));
        ics_line(x, "DESCRIPTION",
                 ics_text(p, apr_pstrcat(p, "Case number: ", number, "\nCaption: ",
                                         mc_dbres_get(res, i, 7), "\nHearing type: ", type,
                                         "\nJudge: ", *judge ? judge : "(not given)",
                                         "\nCourt: ", court, NULL)));
        ics_line(x, "LOCATION",
                 ics_text(p, *where ? apr_pstrcat(p, where, ", ", court, NULL) : court));
        ics_line(x, "URL", mc_public_url(mr, mc_url(mr, apr_pstrcat(p, "/case/", number, NULL))));
        ics_line(x, "END", "VEVENT");
    }
    return APR_SUCCESS;
}

/* Does If-None-Match (a list of entity tags, or *) name etag? Weak
 * comparison, as RFC 9110 13.1.2 has for If-None-Match. */
static int etag_listed(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    const char *p = inm;
    if (!p)
        return 0;
    while (*p) {
        const char *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (!strncmp(p, "W/", 2))
            p += 2;
        for (end = p; *end && *end != ',' && *end != ' ' && *end != '\t'; end++)
            ;
        if ((size_t)(end - p) == n && !strncmp(p, etag, n))
            return 1;
        p = end;
    }
    return 0;
}

/* GET /calendar/:file ("<secret>.ics"): the feed, or 404. */
static int calendar_feed(mc_req *mr)
{
    request_rec *r = mr->r;
    apr_pool_t *p = r->pool;
    const char *file = apr_table_get(mr->params, "file"), *secret, *body, *etag;
    ics x = {p, apr_array_make(p, 256, sizeof(const char *))};
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    size_t len;

    if (!file || strlen(file) != MC_TOKEN_CHARS + 4 || strcmp(file + MC_TOKEN_CHARS, ".ics"))
        return HTTP_NOT_FOUND;
    secret = apr_pstrndup(p, file, MC_TOKEN_CHARS);
    if (!mc_token_syntax_ok(secret))
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    rv = mc_db_query(db, p, &res,
                     "SELECT k.account_id FROM mc_ct_calendar k JOIN mc_account a ON a.id = "
                     "k.account_id AND a.status = 'active' WHERE k.secret_hash = ?",
                     "s", mc_sha256_hex(p, secret, MC_TOKEN_CHARS));
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows != 1)
        return HTTP_NOT_FOUND;

    ics_line(&x, "BEGIN", "VCALENDAR");
    ics_line(&x, "VERSION", "2.0");
    ics_line(&x, "PRODID", "-//mod_mocourts//Case.net hearings " MC_VERSION "//EN");
    ics_line(&x, "CALSCALE", "GREGORIAN");
    ics_line(&x, "METHOD", "PUBLISH");
    ics_line(&x, "X-WR-CALNAME",
             ics_text(p, apr_pstrcat(p, "Case.net hearings - ", mc_court_name(mr), NULL)));
    ics_line(&x, "X-WR-TIMEZONE", CT_CAL_TZID);
    ics_line(&x, "REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
    ics_line(&x, "X-PUBLISHED-TTL", "PT1H");
    ics_timezone(&x);
    if ((rv = ics_events(mr, db, mc_dbres_int(res, 0, 0), &x)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    ics_line(&x, "END", "VCALENDAR");
    body = apr_array_pstrcat(p, x.parts, 0);
    len = strlen(body);

    /* err_headers_out: kept on the 304 httpd makes of the status. The
     * address is a secret: no shared cache keeps the answer. */
    etag = apr_psprintf(p, "\"%.32s\"", mc_sha256_hex(p, body, len));
    apr_table_setn(r->err_headers_out, "ETag", etag);
    apr_table_setn(r->err_headers_out, "Cache-Control", "private, no-cache");
    apr_table_setn(r->err_headers_out, "X-Robots-Tag", "noindex");
    if (etag_listed(apr_table_get(r->headers_in, "If-None-Match"), etag))
        return HTTP_NOT_MODIFIED;
    ap_set_content_type(r, "text/calendar; charset=utf-8");
    apr_table_setn(r->headers_out, "Content-Disposition", "inline; filename=\"hearings.ics\"");
    ap_set_content_length(r, (apr_off_t)len);
    if (!r->header_only)
        ap_rwrite(body, (int)len, r);
    return OK;
}

/* ---- the page ------------------------------------------------------------------- */

static const mc_label CAL_DONE[] = {
    {"created", "Your calendar feed was created. Its address is shown only on the page that "
                "created it: if you did not copy it, reset the feed to get a new address."},
    {"exists", "You have a calendar feed already. To get an address you can copy, reset it."},
    {"removed", "Your calendar feed was removed. Its address no longer works."},
    {NULL}};

/* The page; url: the feed's new address, shown once (NULL: none). */
static int show_page(mc_req *mr, mc_db *db, int status, const char *url, const char *notice,
                     const char *error)
{
    mc_dbres *res;
    apr_status_t rv;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), COALESCE(DATE_FORMAT("
                     "reset_at, '%Y-%m-%d %H:%i'), '') FROM mc_ct_calendar WHERE account_id = ?",
                     "i", mr->account->id);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (res->nrows) {
        const char *reset = mc_dbres_get(res, 0, 1);
        mc_vars_set(mr->vars, "feed", "1");
        mc_vars_set(mr->vars, "created_at",
                    apr_pstrcat(mr->r->pool, mc_dbres_get(res, 0, 0), " UTC", NULL));
        if (*reset)
            mc_vars_set(mr->vars, "reset_at", apr_pstrcat(mr->r->pool, reset, " UTC", NULL));
    }
    mc_vars_set(mr->vars, "feed_url", url);
    if (notice)
        mc_vars_set(mr->vars, "notice", notice);
    else
        mc_done_notice(mr, CAL_DONE, error);
    mc_vars_set(mr->vars, "error", error);
    mc_vars_set(mr->vars, "create_action", mc_url(mr, "/calendar/create"));
    mc_vars_set(mr->vars, "reset_action", mc_url(mr, "/calendar/reset"));
    mc_vars_set(mr->vars, "remove_action", mc_url(mr, "/calendar/remove"));
    mc_vars_set(mr->vars, "mycases_url", mc_url(mr, "/mycases"));
    return mc_render(mr, status, "calendar.html", "Calendar Feed");
}

static int calendar_page(mc_req *mr)
{
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return show_page(mr, db, HTTP_OK, NULL, NULL, NULL);
}

/* A new secret: its hash in *hash, its feed's address returned. */
static const char *new_secret(mc_req *mr, const char **hash)
{
    apr_pool_t *p = mr->r->pool;
    const char *secret = mc_token_new(p);
    *hash = mc_sha256_hex(p, secret, strlen(secret));
    return mc_public_url(mr, mc_url(mr, apr_pstrcat(p, "/calendar/", secret, ".ics", NULL)));
}

typedef struct cal_baton {
    const char *hash;
    int exists;        /* create: the account had a feed already */
    long long changed; /* reset, remove: rows changed */
} cal_baton;

static apr_status_t create_tx(mc_req *mr, mc_db *db, void *baton)
{
    cal_baton *b = baton;
    mc_dbres *res;
    apr_status_t rv;
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT account_id FROM mc_ct_calendar WHERE account_id = ? FOR UPDATE", "i",
                     mr->account->id);
    if (rv != APR_SUCCESS)
        return rv;
    if ((b->exists = res->nrows > 0))
        return mc_once_done(mr, db, "calendar?done=exists");
    rv = mc_db_exec(db, NULL, NULL,
                    "INSERT INTO mc_ct_calendar (account_id, secret_hash, created_at) VALUES (?, "
                    "?, UTC_TIMESTAMP())",
                    "is", mr->account->id, b->hash);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "calendar-create", mr->account->id, "calendar feed created");
    return rv == APR_SUCCESS ? mc_once_done(mr, db, "calendar?done=created") : rv;
}

/* POST /calendar/create (data-once): the feed, its address shown once. */
static int calendar_create(mc_req *mr)
{
    cal_baton b = {NULL, 0, 0};
    const char *url = new_secret(mr, &b.hash);
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_tx(mr, create_tx, &b)) != APR_SUCCESS)
        return mc_once_answer(mr, rv);
    if (b.exists)
        return mc_redirect(mr, "calendar?done=exists");
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return show_page(mr, db, HTTP_OK, url,
                     "Your calendar feed was created. Copy its address now: it is shown "
                     "only this once.",
                     NULL);
}

static apr_status_t reset_tx(mc_req *mr, mc_db *db, void *baton)
{
    cal_baton *b = baton;
    apr_status_t rv = mc_db_exec(db, &b->changed, NULL,
                                 "UPDATE mc_ct_calendar SET secret_hash = ?, reset_at = "
                                 "UTC_TIMESTAMP() WHERE account_id = ?",
                                 "si", b->hash, mr->account->id);
    if (rv != APR_SUCCESS || !b->changed)
        return rv;
    return mc_audit(mr, db, "calendar-reset", mr->account->id,
                    "calendar feed reset; the old address stopped");
}

/* POST /calendar/reset: a new secret; the old address answers 404 at once. */
static int calendar_reset(mc_req *mr)
{
    cal_baton b = {NULL, 0, 0};
    const char *url = new_secret(mr, &b.hash);
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_tx(mr, reset_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!b.changed)
        return show_page(mr, db, HTTP_NOT_FOUND, NULL, NULL,
                         "You have no calendar feed to reset. Create one below.");
    return show_page(mr, db, HTTP_OK, url,
                     "Your calendar feed has a new address; the old one no longer works. "
                     "Copy the new address now: it is shown only this once.",
                     NULL);
}

static apr_status_t remove_tx(mc_req *mr, mc_db *db, void *baton)
{
    cal_baton *b = baton;
    apr_status_t rv =
        mc_db_exec(db, &b->changed, NULL, "DELETE FROM mc_ct_calendar WHERE account_id = ?", "i",
                   mr->account->id);
    if (rv != APR_SUCCESS || !b->changed)
        return rv;
    return mc_audit(mr, db, "calendar-remove", mr->account->id, "calendar feed removed");
}

/* POST /calendar/remove: no feed any more (nothing to do when none). */
static int calendar_remove(mc_req *mr)
{
    cal_baton b = {NULL, 0, 0};
    apr_status_t rv;
    if ((rv = mc_req_tx(mr, remove_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, "calendar?done=removed");
}

const mc_route ct_calendar_routes[] = {
    {"GET", "/calendar", MC_ACCESS_ACCOUNT, NULL, calendar_page, 0},
    {"POST", "/calendar/create", MC_ACCESS_ACCOUNT, NULL, calendar_create, 0},
    {"POST", "/calendar/reset", MC_ACCESS_ACCOUNT, NULL, calendar_reset, 0},
    {"POST", "/calendar/remove", MC_ACCESS_ACCOUNT, NULL, calendar_remove, 0},
    /* A calendar program has no session: none is looked up. */
    {"GET", "/calendar/:file", MC_ACCESS_ANON, NULL, calendar_feed, MC_ROUTE_NO_SESSION},
    {NULL}};
