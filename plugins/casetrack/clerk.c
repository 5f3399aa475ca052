/* clerk.c: the clerk pages of Case.net (see casetrack.h). A clerk's role is
 * scoped by court code ("clerk:22"); every page about a case checks the
 * case's court against it. Four actions on a case: add a docket entry,
 * schedule a hearing, enter a judgment, mark it confidential (or not).
 * Entries, hearings and judgments go through mc_case_docket_add, so the
 * case's trackers are notified in the same transaction.
 *
 * Double submission: each form carries a one-time form token (ABI 1.8,
 * made when the page is drawn), claimed in the transaction that adds the
 * rows: however many times the form is sent at once, one entry is made and
 * every copy is sent to the page that shows it; a made-up token is refused.
 * The rows are stored with ref "clerk-<form>-<random>", unique per case in
 * each table. (mc_docket's ref is otherwise the feed's id; "clerk-..."
 * never is one.) */
#include "casetrack.h"

#include "apr_lib.h"
#include "http_log.h"

#define NONCE_CHARS 32
#define TEXT_MAX 4000

static const char *const ENTRY_TYPES[] = {
    "Petition Filed",    "Summons Issued",   "Answer Filed", "Motion Filed", "Order",
    "Hearing Scheduled", "Judgment Entered", "Notice",       "Other",        NULL};

/* The message for a text field that is not acceptable, or NULL. */
static const char *field_err(apr_pool_t *p, const char *label, const char *v, size_t max,
                             int multiline)
{
    if (!mc_text_printable(v, multiline))
        return apr_pstrcat(p, label,
                           multiline ? ": remove the control characters or characters that are "
                                       "not valid text."
                                     : ": remove the line breaks, control characters or "
                                       "characters that are not valid text.",
                           NULL);
    if (mc_text_chars(v) > max)
        return apr_psprintf(p, "%s: at most %d characters.", label, (int)max);
    return NULL;
}

/* A text field that must be filled: NULL when it is right, else the
 * message (empty: the one for an empty field). */
static const char *required(apr_pool_t *p, const char *label, const char *v, const char *empty,
                            size_t max, int multiline)
{
    return *v ? field_err(p, label, v, max, multiline) : empty;
}

/* A date field (YYYY-MM-DD): NULL when it is one, else the message (empty:
 * the one for an empty field). */
static const char *date_err(apr_pool_t *p, const char *label, const char *v, const char *empty)
{
    if (!*v)
        return empty;
    if (!ct_date_ok(v))
        return apr_pstrcat(p, label, ": enter a real date as YYYY-MM-DD, for example 2026-03-15.",
                           NULL);
    return NULL;
}

/* Today's date (UTC) moved by days, "YYYY-MM-DD". */
static const char *utc_date(apr_pool_t *p, int days)
{
    apr_time_exp_t x;
    apr_time_exp_gmt(&x, apr_time_now() + apr_time_from_sec((apr_time_t)days * 86400));
    return apr_psprintf(p, "%04d-%02d-%02d", x.tm_year + 1900, x.tm_mon + 1, x.tm_mday);
}

static int time_ok(const char *s)
{
    return strlen(s) == 5 && apr_isdigit(s[0]) && apr_isdigit(s[1]) && s[2] == ':' &&
           apr_isdigit(s[3]) && apr_isdigit(s[4]) && atoi(s) <= 23 && atoi(s + 3) <= 59;
}

/* Dollars and cents ("1,234.50", "$75", "0.01") to "1234.50"; NULL when
 * not an amount greater than zero below 10^12. */
static const char *amount_of(apr_pool_t *p, const char *s)
{
    char digits[16];
    size_t n = 0;
    int cents = -1, frac = 0;
    if (*s == '$')
        s++;
    for (; *s; s++) {
        if (apr_isdigit(*s)) {
            if (cents >= 0) {
                if (frac == 2)
                    return NULL;
                cents = cents * 10 + (*s - '0');
                frac++;
            }
            else {
                if (n >= 12 || (n == 0 && *s == '0' && s[1] && s[1] != '.'))
                    return NULL;
                digits[n++] = *s;
            }
        }
        else if (*s == ',' && cents < 0 && n > 0) {
            continue;
        }
        else if (*s == '.' && cents < 0) {
            cents = 0;
        }
        else {
            return NULL;
        }
    }
    if (n == 0 || (cents >= 0 && frac == 0))
        return NULL;
    digits[n] = '\0';
    if (frac == 1)
        cents *= 10;
    if (cents < 0)
        cents = 0;
    if (apr_atoi64(digits) == 0 && cents == 0)
        return NULL;
    return apr_psprintf(p, "%s.%02d", digits, cents);
}

/* ---- the case and the clerk's right to it ------------------------------------------ */

/* OK with the case in *c when the route's :number is a case of one of the
 * clerk's courts; else the status to answer with. */
static int load_case(mc_req *mr, mc_db **db, ct_case *c)
{
    const char *number;
    apr_status_t rv;
    int found;
    if (!ct_case_number_ok(mr->r->pool, apr_table_get(mr->params, "number"), &number))
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = ct_case_find(mr, *db, number, 0, 0, c, &found)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!found)
        return HTTP_NOT_FOUND;
    if (!mc_has_role_scoped(mr, "clerk", c->court_code)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                      MCLOGNO(2210) "Case.net clerk: %s is not a clerk of court %s (case %s)",
                      mr->account ? mr->account->username : "-", c->court_code, c->number);
        return HTTP_FORBIDDEN;
    }
    return OK;
}

static const char *case_path(apr_pool_t *p, const ct_case *c, const char *tail)
{
    return apr_pstrcat(p, "/clerk/case/", c->number, tail, NULL);
}

static const char *const FORM_FIELDS[] = {
    "d_date", "d_type",      "d_text",  "d_filed_by", "h_date",     "h_time",
    "h_type", "h_location",  "h_judge", "j_debtor",   "j_creditor", "j_amount",
    "j_date", "j_satisfied", "c_on",    "c_confirm",  NULL};

/* Put what was typed back into the page (f_<field>). */
static void keep_fields(mc_req *mr)
{
    int i;
    for (i = 0; FORM_FIELDS[i]; i++) {
        const char *v = mc_field(mr, FORM_FIELDS[i]);
        if (v)
            mc_vars_set(mr->vars, apr_pstrcat(mr->r->pool, "f_", FORM_FIELDS[i], NULL), v);
    }
}

static const ct_labels DONE_NOTES = {
    NULL,
    {{"docket", "Docket entry added."},
     {"hearing", "Hearing scheduled; a \"Hearing Scheduled\" docket entry was added."},
     {"judgment", "Judgment entered; a \"Judgment Entered\" docket entry was added."},
     {"confidential-on", "The case is now confidential: it no longer appears in any public "
                         "search or page, and its trackings were stopped."},
     {"confidential-off", "The case is no longer confidential. Trackings stopped when it was "
                          "made confidential stay stopped; trackers may track it again."}}};

/* The case page's lists: the recent docket, hearings, judgments. */
static const ct_section SECTIONS[] = {
    {"docket",
     "SELECT entry_date, entry_type, text, filed_by FROM mc_docket WHERE case_id = ? ORDER BY "
     "entry_date DESC, id DESC LIMIT 20",
     {"date", "entry_type", "text", "filed_by", NULL}},
    {"hearings", CT_HEARINGS_SQL, {"when", "hearing_type", "location", "judge", NULL}},
    {"judgments",
     "SELECT debtor, creditor, amount, entered_on, IF(satisfied, 'Yes', 'No') FROM mc_judgment "
     "WHERE case_id = ? ORDER BY entered_on, id",
     {"debtor", "creditor", "amount", "entered_on", "satisfied", NULL}},
};

/* The case page: header, recent docket, hearings, judgments and the four
 * forms. form_error goes with the form named by which ("d", "h", "j", "c"). */
static int case_page(mc_req *mr, mc_db *db, const ct_case *c, int status, const char *which,
                     const char *error, const char *notice)
{
    static const char *const judge_keys[] = {"id", "name", NULL};
    apr_pool_t *p = mr->r->pool;
    const char *sel_judge = mc_field(mr, "h_judge");
    const char *done = mc_query(mr, "done"), *queued = mc_query(mr, "queued");
    const char *kept;
    mc_dbres *res;
    apr_status_t rv;
    size_t k;
    int i;

    if (error && which)
        mc_vars_set(mr->vars, apr_pstrcat(p, which, "_error", NULL), error);
    if (!error && !notice && (notice = ct_label(&DONE_NOTES, done)) && queued && *queued &&
        strlen(queued) <= 9 && strspn(queued, "0123456789") == strlen(queued))
        notice = apr_psprintf(p, "%s %s notice(s) queued.", notice, queued);
    if (notice)
        mc_vars_set(mr->vars, "notice", notice);
    mc_vars_set(mr->vars, "number", c->number);
    mc_vars_set(mr->vars, "caption", c->caption);
    mc_vars_set(mr->vars, "case_court", c->court_name);
    mc_vars_set(mr->vars, "case_court_code", c->court_code);
    mc_vars_set(mr->vars, "case_type", c->case_type_name);
    mc_vars_set(mr->vars, "filed_on", c->filed_on);
    mc_vars_set(mr->vars, "status", c->status);
    mc_vars_set(mr->vars, "status_class", ct_label(&ct_case_badges, c->status));
    mc_vars_set(mr->vars, "judge", *c->judge ? c->judge : "(none)");
    mc_vars_set(mr->vars, "last_activity", c->last_activity);
    mc_vars_set(mr->vars, "confidential", c->confidential ? "1" : NULL);
    mc_vars_set(mr->vars, "public_url",
                c->confidential ? NULL : mc_url(mr, apr_pstrcat(p, "/case/", c->number, NULL)));
    mc_vars_set(mr->vars, "clerk_url", mc_url(mr, "/clerk"));
    mc_vars_set(mr->vars, "docket_action", mc_url(mr, case_path(p, c, "/docket")));
    mc_vars_set(mr->vars, "hearing_action", mc_url(mr, case_path(p, c, "/hearing")));
    mc_vars_set(mr->vars, "judgment_action", mc_url(mr, case_path(p, c, "/judgment")));
    mc_vars_set(mr->vars, "confidential_action", mc_url(mr, case_path(p, c, "/confidential")));
    mc_vars_set(mr->vars, "today", utc_date(p, 0));
    /* The Confidential form shows the case as it is; a change is the clerk's
     * own choice of the other state (and the confirmation box). */
    kept = mc_vars_get(mr->vars, "f_c_on");
    if (!kept || (strcmp(kept, "0") && strcmp(kept, "1")))
        mc_vars_set(mr->vars, "f_c_on", c->confidential ? "1" : "0");
    for (k = 0; ENTRY_TYPES[k]; k++) {
        mc_vars *row = mc_vars_row(mr->vars, "entry_types");
        mc_vars_set(row, "name", ENTRY_TYPES[k]);
    }

    if ((rv = mc_db_query(db, p, &res,
                          "SELECT id, name FROM mc_judge WHERE court_code = ? ORDER BY name, id",
                          "s", c->court_code)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "judges");
        mc_vars_from(row, res, i, judge_keys);
        mc_vars_set(row, "selected",
                    sel_judge && !strcmp(sel_judge, mc_dbres_get(res, i, 0)) ? "selected" : NULL);
    }
    if ((rv = ct_sections(mr, db, c->id, SECTIONS, sizeof(SECTIONS) / sizeof(SECTIONS[0]))) !=
        APR_SUCCESS)
        return mc_fail(mr, rv);
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT COUNT(*) FROM mc_track WHERE case_id = ? AND active = 1", "i",
                          c->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "trackers", mc_dbres_get(res, 0, 0));
    return mc_render(mr, status, "clerk-case.html",
                     apr_pstrcat(p, "Clerk: Case ", c->number, NULL));
}

static int bad(mc_req *mr, mc_db *db, const ct_case *c, const char *which, const char *error)
{
    keep_fields(mr);
    return case_page(mr, db, c, HTTP_BAD_REQUEST, which, error, NULL);
}

static int twice(mc_req *mr, mc_db *db, const ct_case *c, const char *what)
{
    return case_page(mr, db, c, HTTP_OK, NULL, NULL,
                     apr_pstrcat(mr->r->pool, "This form was already sent: the ", what,
                                 " was added once and not again. Check the lists below.", NULL));
}

/* The case's clerk page saying what was done (mount-relative). */
static const char *done_path(mc_req *mr, const ct_case *c, const char *what, long long queued)
{
    return apr_psprintf(mr->r->pool, "clerk/case/%s?done=%s&queued=%" APR_INT64_T_FMT, c->number,
                        what, (apr_int64_t)queued);
}

static int done(mc_req *mr, const ct_case *c, const char *what, long long queued)
{
    return mc_redirect(mr, done_path(mr, c, what, queued));
}

/* ---- GET /clerk ------------------------------------------------------------------ */

static int clerk_home(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    const char *q = mc_query(mr, "number");
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i, j, status = HTTP_OK;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_vars_set(mr->vars, "action", mc_url(mr, "/clerk"));
    if (q) {
        const char *number;
        ct_case c;
        int found;
        mc_vars_set(mr->vars, "q_number", q);
        if (!*mc_text_trim(p, q)) {
            mc_vars_set(mr->vars, "error",
                        "Case Number: enter a case number, for example "
                        "22SL-CC01234.");
            status = HTTP_BAD_REQUEST;
        }
        else if (!ct_case_number_ok(p, q, &number)) {
            mc_vars_set(mr->vars, "error",
                        "Case Number: a case number has the form 22SL-CC01234 (two digits, two "
                        "letters, a hyphen, two letters, five digits).");
            status = HTTP_BAD_REQUEST;
        }
        else if ((rv = ct_case_find(mr, db, number, 0, 0, &c, &found)) != APR_SUCCESS) {
            return mc_fail(mr, rv);
        }
        else if (!found || !mc_has_role_scoped(mr, "clerk", c.court_code)) {
            /* The same answer either way: a clerk does not learn of other
             * courts' (possibly confidential) cases here. */
            mc_vars_set(
                mr->vars, "error",
                apr_pstrcat(p, "No case of your court", " has the number ", number, ".", NULL));
            status = HTTP_NOT_FOUND;
        }
        else {
            return mc_redirect(mr, apr_pstrcat(p, "clerk/case/", c.number, NULL));
        }
    }
    rv = mc_db_query(db, p, &res, "SELECT code, name FROM mc_court ORDER BY name", "");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        const char *code = mc_dbres_get(res, i, 0);
        if (!mc_has_role_scoped(mr, "clerk", code))
            continue;
        mc_vars *row = mc_vars_row(mr->vars, "courts");
        mc_vars_set(row, "code", code);
        mc_vars_set(row, "name", mc_dbres_get(res, i, 1));
    }
    /* A clerk role scoped to a court code that is not (yet) in mc_court. */
    for (j = 0; mr->account && j < mr->account->roles->nelts; j++) {
        const char *r = APR_ARRAY_IDX(mr->account->roles, j, const char *);
        if (strncmp(r, "clerk:", 6))
            continue;
        for (i = 0; i < res->nrows && strcmp(mc_dbres_get(res, i, 0), r + 6); i++)
            ;
        if (i == res->nrows) {
            mc_vars *row = mc_vars_row(mr->vars, "courts");
            mc_vars_set(row, "code", r + 6);
            mc_vars_set(row, "name", "(no court with this code yet)");
        }
    }
    return mc_render(mr, status, "clerk.html", "Clerk");
}

/* ---- GET /clerk/case/:number ---------------------------------------------------------- */

static int clerk_case(mc_req *mr)
{
    mc_db *db;
    ct_case c;
    int rc = load_case(mr, &db, &c);
    if (rc != OK)
        return rc;
    return case_page(mr, db, &c, HTTP_OK, NULL, NULL, NULL);
}

/* ---- POST .../docket, .../hearing, .../judgment ------------------------------------------ */

typedef struct entry_baton entry_baton;

/* One of the three forms that add a docket entry (and a hearing or a
 * judgment with it). */
typedef struct entry_form {
    const char *which;    /* "d", "h", "j": the form (its fields' prefix) and the rows' ref */
    const char *what;     /* "docket entry", "hearing", "judgment" */
    const char *done_key; /* the page's ?done= after it */
    const char *audit_event;
    /* The form's fields into b: NULL when they are right, else what is
     * wrong; a database error in *rv. */
    const char *(*check)(mc_req *mr, mc_db *db, entry_baton *b, apr_status_t *rv);
} entry_form;

struct entry_baton {
    const entry_form *form;
    const ct_case *c;
    mc_docket_entry e;
    long long queued;
    /* hearing */
    const char *hearing_at, *h_type, *h_location;
    long long judge_id;
    /* judgment */
    const char *debtor, *creditor, *amount, *j_date;
    int satisfied;
    const char *audit_detail;
};

static apr_status_t entry_tx(mc_req *mr, mc_db *db, void *baton)
{
    entry_baton *b = baton;
    mc_case_env env;
    long long id = 0, hearing_id = 0;
    apr_status_t rv;
    ct_case_env(mr, &env);
    b->queued = 0;
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    if (b->hearing_at) {
        /* With the case's copies (sql/casetrack/0005_hearing_case_copies.sql),
         * read under a shared lock: a change of the case waits for us. */
        rv = mc_db_exec(db, NULL, &hearing_id,
                        "INSERT INTO mc_hearing (case_id, court_code, case_number, "
                        "case_confidential, ref, hearing_at, hearing_type, location, judge_id, "
                        "case_judge_id) SELECT id, court_code, number, confidential, ?, ?, ?, ?, "
                        "NULLIF(?, 0), judge_id FROM mc_case WHERE id = ?",
                        "ssssii", b->e.ref, b->hearing_at, b->h_type, b->h_location, b->judge_id,
                        b->c->id);
        if (rv != APR_SUCCESS)
            return rv;
    }
    if (b->debtor) {
        rv = mc_db_exec(db, NULL, NULL,
                        "INSERT INTO mc_judgment (case_id, ref, debtor, creditor, amount, "
                        "entered_on, satisfied) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        "isssssi", b->c->id, b->e.ref, b->debtor, b->creditor, b->amount, b->j_date,
                        (long long)b->satisfied);
        if (rv != APR_SUCCESS)
            return rv;
    }
    if ((rv = mc_case_docket_add(db, mr->r->pool, &env, &b->e, &id, &b->queued)) != APR_SUCCESS)
        return rv;
    /* hearing.scheduled to the trackers' webhooks (mc_case.h). */
    if (hearing_id && (rv = mc_case_hearing_added(db, mr->r->pool, hearing_id)) != APR_SUCCESS)
        return rv;
    /* A hearing or a judgment is in a search's results (a docket entry only
     * on the case page, never cached): after the case row's lock, as
     * mc_case_set_confidential and the import take them. */
    if ((b->hearing_at || b->debtor) &&
        (rv = mc_db_exec(db, NULL, NULL, MC_CASE_SEARCH_CHANGED, "")) != APR_SUCCESS)
        return rv;
    if ((rv = mc_once_done(mr, db, done_path(mr, b->c, b->form->done_key, b->queued))) !=
        APR_SUCCESS)
        return rv;
    return mc_audit(mr, db, b->form->audit_event, 0,
                    apr_psprintf(mr->r->pool,
                                 "case %s: %s; docket entry %" APR_INT64_T_FMT
                                 " (%s); %" APR_INT64_T_FMT " notice(s) queued",
                                 b->c->number, b->audit_detail, (apr_int64_t)id, b->e.entry_type,
                                 (apr_int64_t)b->queued));
}

/* The rows' ref: "clerk-<form>-<32 random characters>" (40 characters at
 * most: the column's size). */
static const char *entry_ref(apr_pool_t *p, const char *form)
{
    return apr_pstrcat(p, "clerk-", form, "-", apr_pstrndup(p, mc_token_new(p), NONCE_CHARS), NULL);
}

/* The form checked, then the transaction run; the answer. */
static int entry_post(mc_req *mr, const entry_form *f)
{
    const char *what = f->what, *err;
    apr_status_t rv = APR_SUCCESS;
    entry_baton b;
    mc_db *db;
    ct_case c;
    int rc = load_case(mr, &db, &c);
    if (rc != OK)
        return rc;
    memset(&b, 0, sizeof(b));
    b.form = f;
    b.c = &c;
    b.e.case_id = c.id;
    b.e.filed_by = "";
    err = f->check(mr, db, &b, &rv);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (err)
        return bad(mr, db, &c, f->which, err);
    b.e.ref = entry_ref(mr->r->pool, f->which);
    rv = mc_req_tx(mr, entry_tx, &b);
    if (rv == MC_ONCE_REPEAT || rv == MC_ONCE_REFUSED)
        return mc_once_answer(mr, rv);
    if (rv == MC_DB_EDUP)
        return twice(mr, db, &c, what);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r,
                      MCLOGNO(2211) "Case.net clerk: adding a %s to case %s failed: %s", what,
                      c.number, mc_db_strerror(rv));
        return mc_fail(mr, rv);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, mr->r,
                  MCLOGNO(2212) "Case.net clerk: %s added to case %s by %s; %" APR_INT64_T_FMT
                                " notice(s) queued",
                  what, c.number, mr->account->username, (apr_int64_t)b.queued);
    return done(mr, &c, f->done_key, b.queued);
}

static const char *docket_check(mc_req *mr, mc_db *db, entry_baton *b, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *date = mc_text_trim(p, mc_field(mr, "d_date"));
    const char *type = mc_text_trim(p, mc_field(mr, "d_type"));
    const char *text = mc_text_trim(p, mc_field(mr, "d_text"));
    const char *by = mc_text_trim(p, mc_field(mr, "d_filed_by"));
    const char *err;
    int k, known = 0;
    for (k = 0; ENTRY_TYPES[k]; k++)
        known |= !strcmp(type, ENTRY_TYPES[k]);
    if ((err = date_err(p, "Date", date, "Date: enter the entry's date (YYYY-MM-DD).")) != NULL)
        return err;
    if (strcmp(date, utc_date(p, 1)) > 0)
        return "Date: a docket entry cannot be dated in the future.";
    if (!known)
        return "Entry Type: choose one of the listed types.";
    if ((err = required(p, "Text", text, "Text: enter the text of the docket entry.", TEXT_MAX,
                        1)) != NULL ||
        (err = field_err(p, "Filed By", by, 200, 0)) != NULL)
        return err;
    b->e.entry_date = date;
    b->e.entry_type = type;
    b->e.text = text;
    b->e.filed_by = by;
    b->audit_detail = "docket entry added by a clerk";
    return NULL;
}

static const char *hearing_check(mc_req *mr, mc_db *db, entry_baton *b, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *date = mc_text_trim(p, mc_field(mr, "h_date"));
    const char *tm = mc_text_trim(p, mc_field(mr, "h_time"));
    const char *type = mc_text_trim(p, mc_field(mr, "h_type"));
    const char *loc = mc_text_trim(p, mc_field(mr, "h_location"));
    const char *judge = mc_text_trim(p, mc_field(mr, "h_judge"));
    const char *judge_name = "", *err;
    long long judge_id = 0;
    if (*judge) {
        mc_dbres *res;
        judge_id = strspn(judge, "0123456789") == strlen(judge) && strlen(judge) <= 18
                       ? apr_atoi64(judge)
                       : -1;
        if ((*rv = mc_db_query(db, p, &res,
                               "SELECT name FROM mc_judge WHERE id = ? AND court_code = ?", "is",
                               judge_id, b->c->court_code)) != APR_SUCCESS)
            return NULL;
        if (res->nrows == 1)
            judge_name = mc_dbres_get(res, 0, 0);
        else
            judge_id = -1;
    }
    if ((err = date_err(p, "Date", date, "Date: enter the hearing's date (YYYY-MM-DD).")) != NULL)
        return err;
    if (strcmp(date, utc_date(p, -1)) < 0)
        return "Date: the hearing date is in the past.";
    if (!time_ok(tm))
        return "Time: enter the time as HH:MM on the 24-hour clock, for example 09:30 or 13:00.";
    if ((err = required(p, "Hearing Type", type,
                        "Hearing Type: enter the kind of hearing, for example Case Review.", 100,
                        0)) != NULL ||
        (err = required(p, "Location", loc,
                        "Location: enter where the hearing is held, for example Division 3.", 200,
                        0)) != NULL)
        return err;
    if (judge_id < 0)
        return "Judge: choose one of this court's judges, or none.";
    b->hearing_at = apr_pstrcat(p, date, " ", tm, ":00", NULL);
    b->h_type = type;
    b->h_location = loc;
    b->judge_id = judge_id;
    b->e.entry_date = utc_date(p, 0);
    b->e.entry_type = "Hearing Scheduled";
    b->e.text = apr_pstrcat(p, type, " scheduled for ", date, " at ", tm, ", ", loc,
                            *judge_name ? ", Judge " : "", judge_name, ".", NULL);
    b->audit_detail = apr_pstrcat(p, "hearing scheduled for ", date, " ", tm, NULL);
    return NULL;
}

static const char *judgment_check(mc_req *mr, mc_db *db, entry_baton *b, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *debtor = mc_text_trim(p, mc_field(mr, "j_debtor"));
    const char *creditor = mc_text_trim(p, mc_field(mr, "j_creditor"));
    const char *amount_in = mc_text_trim(p, mc_field(mr, "j_amount")), *amount;
    const char *date = mc_text_trim(p, mc_field(mr, "j_date"));
    const char *sat = mc_field(mr, "j_satisfied");
    const char *err;
    if ((err = required(p, "Debtor", debtor, "Debtor: enter the debtor's name.", 200, 0)) != NULL ||
        (err = required(p, "Creditor", creditor, "Creditor: enter the creditor's name.", 200, 0)) !=
            NULL)
        return err;
    if (!*amount_in)
        return "Amount: enter the amount of the judgment in dollars and cents.";
    if (!(amount = amount_of(p, amount_in)))
        return "Amount: enter dollars and cents greater than zero, for example 1250.00 or "
               "1,250.00.";
    if ((err = date_err(p, "Date Entered", date,
                        "Date Entered: enter the date the judgment was entered (YYYY-MM-DD).")) !=
        NULL)
        return err;
    if (strcmp(date, utc_date(p, 1)) > 0)
        return "Date Entered: a judgment cannot be entered in the future.";
    if (sat && strcmp(sat, "1"))
        return "Satisfied: tick the box or leave it empty.";
    b->debtor = debtor;
    b->creditor = creditor;
    b->amount = amount;
    b->j_date = date;
    b->satisfied = sat != NULL;
    b->e.entry_date = date;
    b->e.entry_type = "Judgment Entered";
    b->e.text =
        apr_pstrcat(p, "Judgment for ", creditor, " against ", debtor, " in the amount of $",
                    amount, b->satisfied ? " (satisfied)." : ".", NULL);
    b->audit_detail = apr_pstrcat(p, "judgment of $", amount, " entered", NULL);
    return NULL;
}

static const entry_form FORMS[] = {
    {"d", "docket entry", "docket", "casenet-docket-added", docket_check},
    {"h", "hearing", "hearing", "casenet-hearing-scheduled", hearing_check},
    {"j", "judgment", "judgment", "casenet-judgment-entered", judgment_check},
};

static int clerk_docket(mc_req *mr)
{
    return entry_post(mr, &FORMS[0]);
}

static int clerk_hearing(mc_req *mr)
{
    return entry_post(mr, &FORMS[1]);
}

static int clerk_judgment(mc_req *mr)
{
    return entry_post(mr, &FORMS[2]);
}

/* ---- POST .../confidential ----------------------------------------------------------- */

typedef struct conf_baton {
    const ct_case *c;
    int on;
    long long stopped;
} conf_baton;

static apr_status_t conf_tx(mc_req *mr, mc_db *db, void *baton)
{
    conf_baton *b = baton;
    mc_dbres *res;
    apr_status_t rv;
    rv = mc_db_query(db, mr->r->pool, &res,
                     "SELECT COUNT(*) FROM mc_track WHERE case_id = ? AND active = 1", "i",
                     b->c->id);
    if (rv != APR_SUCCESS)
        return rv;
    b->stopped = b->on ? mc_dbres_int(res, 0, 0) : 0;
    if ((rv = mc_case_set_confidential(db, b->c->id, b->on)) != APR_SUCCESS)
        return rv;
    return mc_audit(
        mr, db, b->on ? "casenet-confidential-on" : "casenet-confidential-off", 0,
        apr_psprintf(mr->r->pool,
                     "case %s made %s by a clerk; %" APR_INT64_T_FMT " tracking(s) stopped",
                     b->c->number, b->on ? "confidential" : "public", (apr_int64_t)b->stopped));
}

static int clerk_confidential(mc_req *mr)
{
    mc_db *db;
    ct_case c;
    conf_baton b;
    const char *on = mc_field(mr, "c_on"), *confirm = mc_field(mr, "c_confirm");
    apr_status_t rv;
    int rc = load_case(mr, &db, &c);
    if (rc != OK)
        return rc;
    if (!on || (strcmp(on, "1") && strcmp(on, "0")))
        return bad(mr, db, &c, "c", "Confidential: choose Confidential or Public.");
    memset(&b, 0, sizeof(b));
    b.c = &c;
    b.on = !strcmp(on, "1");
    /* The state it already has: nothing to confirm, nothing changed. */
    if (b.on == c.confidential)
        return case_page(mr, db, &c, HTTP_OK, NULL, NULL,
                         b.on ? "The case already is confidential; nothing was changed."
                              : "The case already is public; nothing was changed.");
    if (!confirm || strcmp(confirm, "1"))
        return bad(mr, db, &c, "c",
                   "Confirm: tick the box to confirm the change. Making a case confidential "
                   "hides it from the public and stops its trackings.");
    if ((rv = mc_req_tx(mr, conf_tx, &b)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, mr->r,
                  MCLOGNO(2213) "Case.net clerk: case %s made %s by %s; %" APR_INT64_T_FMT
                                " tracking(s) stopped",
                  c.number, b.on ? "confidential" : "public", mr->account->username,
                  (apr_int64_t)b.stopped);
    return mc_redirect(mr, apr_pstrcat(mr->r->pool, "clerk/case/", c.number, "?done=",
                                       b.on ? "confidential-on" : "confidential-off", NULL));
}

const mc_route ct_clerk_routes[] = {
    {"GET", "/clerk", MC_ACCESS_ROLE, "clerk", clerk_home, 0},
    {"GET", "/clerk/case/:number", MC_ACCESS_ROLE, "clerk", clerk_case, 0},
    {"POST", "/clerk/case/:number/docket", MC_ACCESS_ROLE, "clerk", clerk_docket, 0},
    {"POST", "/clerk/case/:number/hearing", MC_ACCESS_ROLE, "clerk", clerk_hearing, 0},
    {"POST", "/clerk/case/:number/judgment", MC_ACCESS_ROLE, "clerk", clerk_judgment, 0},
    {"POST", "/clerk/case/:number/confidential", MC_ACCESS_ROLE, "clerk", clerk_confidential, 0},
    {NULL}};
