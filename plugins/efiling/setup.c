/* setup.c: the Security unit's court set-up pages (see efiling.h): every
 * Case.net court with its eFiling set-up, and one page per court to edit it:
 * whether it participates (mc_court.efiling), the maximum document size,
 * whether documents must be text-searchable, whether PDFs with active
 * content are refused or accepted and flagged for the clerk, the case types
 * that may be initiated and the filing codes (name, fee, initiating,
 * active; add one).
 *
 * Values are checked by mc_efsetup.h, the rules `mocourts-admin
 * efiling-setup` applies to its file (docs/efiling-setup.md), and refused
 * with the same sentences. A save writes only what differs, in one
 * transaction; when anything changed, mc_ef_court.updated_at is renewed and
 * an audit row (event efiling-setup) says how many changes and by whom. */
#include "efiling.h"

#include "apr_lib.h"
#include "mc_efsetup.h"

#define COURTS_PAGE 50

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

/* A size as the set-up file would write it, so it reads back the same. */
static const char *size_text(apr_pool_t *p, long long b)
{
    static const struct {
        const char *unit;
        long long mult;
    } units[] = {{"GB", 1024LL * 1024 * 1024}, {"MB", 1024LL * 1024}, {"KB", 1024}};
    size_t i;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (b && b % units[i].mult == 0)
            return apr_psprintf(p, "%" APR_INT64_T_FMT "%s", (apr_int64_t)(b / units[i].mult),
                                units[i].unit);
    return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)b);
}

/* Cents as the set-up file writes a fee ("95.00"). */
static const char *fee_text(apr_pool_t *p, long long cents)
{
    return apr_psprintf(p, "%" APR_INT64_T_FMT ".%02d", (apr_int64_t)(cents / 100),
                        (int)(cents % 100));
}

/* ---- GET /security/courts ------------------------------------------------------------ */

static const char LIST_WHERE[] = " FROM mc_court co LEFT JOIN mc_ef_court s ON s.court_code = "
                                 "co.code WHERE (? = '' OR co.code LIKE ? OR co.name LIKE ?)";

static int courts_list(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    static const char *const keys[] = {"code",       "name",         "",  "", "", "",
                                       "case_types", "filing_codes", NULL};
    const char *q = mc_text_trim(p, mc_query(mr, "q")), *like;
    long long want;
    mc_page page;
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i, code = HTTP_OK;

    mc_vars_set(mr->vars, "action", mc_url(mr, "/security/courts"));
    mc_vars_set(mr->vars, "q", q);
    if (mc_text_chars(q) > 100 || has_control(q)) {
        mc_vars_set(mr->vars, "error", "Court: enter at most 100 characters of a code or name.");
        q = "";
        code = HTTP_BAD_REQUEST;
    }
    want = ef_page_asked(mr, &code);
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    like = mc_sql_like(p, q, 1);
    rv = mc_db_query(db, p, &res, apr_pstrcat(p, "SELECT COUNT(*)", LIST_WHERE, NULL), "sss", q,
                     like, like);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    mc_page_begin(&page, mc_dbres_int(res, 0, 0), COURTS_PAGE, want);
    rv = mc_db_query(db, p, &res,
                     apr_pstrcat(p,
                                 "SELECT co.code, co.name, co.efiling, s.court_code IS NOT NULL, "
                                 "COALESCE(s.max_doc_bytes, 0), COALESCE(s.text_pdf_only, 0), "
                                 "(SELECT COUNT(*) FROM mc_ef_case_type t WHERE t.court_code = "
                                 "co.code), (SELECT COUNT(*) FROM mc_ef_filing_code f WHERE "
                                 "f.court_code = co.code AND f.active = 1)",
                                 LIST_WHERE, " ORDER BY co.name, co.code LIMIT ? OFFSET ?", NULL),
                     "sssii", q, like, like, page.per_page, page.offset);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "courts");
        int setup = mc_dbres_int(res, i, 3) != 0;
        mc_vars_set(row, "href",
                    mc_url(mr, apr_pstrcat(p, "/security/courts/", mc_dbres_get(res, i, 0), NULL)));
        mc_vars_from(row, res, i, keys);
        mc_vars_set(row, "participates", mc_dbres_int(res, i, 2) ? "Yes" : "No");
        mc_vars_set(row, "max_size",
                    setup ? size_text(p, mc_dbres_int(res, i, 4)) : "(no set-up yet)");
        mc_vars_set(row, "text_only", setup ? (mc_dbres_int(res, i, 5) ? "Yes" : "No") : "");
    }
    mc_page_vars(mr->vars, &page,
                 apr_pstrcat(p, mc_url(mr, "/security/courts"), "?q=", mc_form_encode(p, q),
                             "&page=", NULL));
    return mc_render(mr, code, "setup-courts.html", "eFiling Courts");
}

/* ---- one court ----------------------------------------------------------------------- */

typedef struct su_code {
    long long id;
    const char *code, *name, *fee_in;
    long long fee;
    int initiating, active;
    int posted; /* the form had this code's fields */
} su_code;

typedef struct su_court {
    const char *code, *name;
    int participates, text_only, flag_active, has_setup;
    long long max_bytes;
    const char *size_in;
    apr_array_header_t *types;     /* of const char *: chosen case types */
    apr_array_header_t *all_types; /* of const char *[2]: code, name of every mc_case_type */
    apr_array_header_t *codes;     /* of su_code */
    su_code add;                   /* the new code (code "" when none) */
} su_court;

static int type_chosen(const su_court *c, const char *t)
{
    int i;
    for (i = 0; i < c->types->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(c->types, i, const char *), t))
            return 1;
    return 0;
}

/* The court of the route's :code with its set-up as stored; 0 when there is
 * no such court (or *rv is an error). */
static int court_load(mc_req *mr, mc_db *db, su_court *c, apr_status_t *rv)
{
    apr_pool_t *p = mr->r->pool;
    const char *code = apr_table_get(mr->params, "code");
    mc_dbres *res;
    size_t n;
    int i;

    memset(c, 0, sizeof(*c));
    *rv = APR_SUCCESS;
    n = code ? strlen(code) : 0;
    if (n == 0 || n > 10)
        return 0;
    for (i = 0; code[i]; i++)
        if (!apr_isalnum(code[i]))
            return 0;
    *rv = mc_db_query(db, p, &res,
                      "SELECT co.code, co.name, co.efiling, s.court_code IS NOT NULL, "
                      "COALESCE(s.max_doc_bytes, 26214400), COALESCE(s.text_pdf_only, 0), "
                      "COALESCE(s.active_content = 'flag', 0) FROM mc_court co LEFT JOIN "
                      "mc_ef_court s ON s.court_code = co.code WHERE co.code = ?",
                      "s", code);
    if (*rv != APR_SUCCESS || !res->nrows)
        return 0;
    c->code = mc_dbres_get(res, 0, 0);
    c->name = mc_dbres_get(res, 0, 1);
    c->participates = mc_dbres_int(res, 0, 2) != 0;
    c->has_setup = mc_dbres_int(res, 0, 3) != 0;
    c->max_bytes = mc_dbres_int(res, 0, 4);
    c->text_only = mc_dbres_int(res, 0, 5) != 0;
    c->flag_active = mc_dbres_int(res, 0, 6) != 0;
    c->size_in = size_text(p, c->max_bytes);
    c->types = apr_array_make(p, 8, sizeof(const char *));
    c->all_types = apr_array_make(p, 8, sizeof(const char *const *));
    c->codes = apr_array_make(p, 8, sizeof(su_code));
    *rv = mc_db_query(db, p, &res,
                      "SELECT t.code, t.name, e.case_type IS NOT NULL FROM mc_case_type t LEFT "
                      "JOIN mc_ef_case_type e ON e.case_type = t.code AND e.court_code = ? "
                      "ORDER BY t.code",
                      "s", c->code);
    if (*rv != APR_SUCCESS)
        return 0;
    for (i = 0; i < res->nrows; i++) {
        const char **pair = apr_palloc(p, 2 * sizeof(const char *));
        pair[0] = mc_dbres_get(res, i, 0);
        pair[1] = mc_dbres_get(res, i, 1);
        APR_ARRAY_PUSH(c->all_types, const char **) = pair;
        if (mc_dbres_int(res, i, 2))
            APR_ARRAY_PUSH(c->types, const char *) = pair[0];
    }
    *rv = mc_db_query(db, p, &res,
                      "SELECT id, code, name, fee_cents, initiating, active FROM "
                      "mc_ef_filing_code WHERE court_code = ? ORDER BY code",
                      "s", c->code);
    if (*rv != APR_SUCCESS)
        return 0;
    for (i = 0; i < res->nrows; i++) {
        su_code *fc = apr_array_push(c->codes);
        memset(fc, 0, sizeof(*fc));
        fc->id = mc_dbres_int(res, i, 0);
        fc->code = mc_dbres_get(res, i, 1);
        fc->name = mc_dbres_get(res, i, 2);
        fc->fee = mc_dbres_int(res, i, 3);
        fc->fee_in = fee_text(p, fc->fee);
        fc->initiating = mc_dbres_int(res, i, 4) != 0;
        fc->active = mc_dbres_int(res, i, 5) != 0;
    }
    c->add.code = c->add.name = c->add.fee_in = "";
    return 1;
}

/* The route's court (court_load) on the request's connection (*db): 1, or
 * 0 with *rc the answer (404 "Court not found", or a database error's). */
static int court_of_route(mc_req *mr, mc_db **db, su_court *c, int *rc)
{
    apr_status_t rv = mc_req_db(mr, db);
    if (rv == APR_SUCCESS && court_load(mr, *db, c, &rv))
        return 1;
    *rc = rv != APR_SUCCESS ? mc_fail(mr, rv)
                            : mc_message(mr, HTTP_NOT_FOUND, "Court not found",
                                         "There is no Case.net court with this code.");
    return 0;
}

static const char *fc_field(mc_req *mr, const su_code *fc, const char *what)
{
    return mc_field(
        mr, apr_psprintf(mr->r->pool, "fc_%" APR_INT64_T_FMT "_%s", (apr_int64_t)fc->id, what));
}

static void err(apr_array_header_t *errors, const char *sentence)
{
    APR_ARRAY_PUSH(errors, const char *) = sentence;
}

/* A filing code's name: the loader's rules (1 to 200 characters, no
 * control characters). */
static void check_name(apr_pool_t *p, apr_array_header_t *errors, const char *label,
                       const char *name)
{
    if (!*name)
        err(errors, apr_pstrcat(p, label,
                                ": the name is empty; enter what filers see, for "
                                "example Petition.",
                                NULL));
    else if (mc_text_chars(name) > MC_EF_NAME_MAX)
        err(errors,
            apr_psprintf(p, "%s: the name is longer than %d characters.", label, MC_EF_NAME_MAX));
    else if (has_control(name))
        err(errors, apr_pstrcat(p, label, ": the name holds a control character.", NULL));
}

static void check_fee(apr_pool_t *p, apr_array_header_t *errors, const char *label, su_code *fc)
{
    apr_int64_t cents = 0;
    const char *why;
    if (!*fc->fee_in) {
        err(errors, apr_pstrcat(p, label,
                                ": the fee is empty; enter dollars and cents, for "
                                "example 95.00 (0 for none).",
                                NULL));
        return;
    }
    if ((why = mc_efsetup_fee(fc->fee_in, &cents)) != NULL) {
        err(errors, apr_pstrcat(p, label, ": fee '", fc->fee_in, "' is refused: ", why, ".", NULL));
        return;
    }
    fc->fee = cents;
}

/* Read the form into c (what was typed replaces what is stored); the
 * sentences of what is wrong are added to errors. */
static void read_form(mc_req *mr, su_court *c, apr_array_header_t *errors)
{
    apr_pool_t *p = mr->r->pool;
    apr_int64_t bytes = 0;
    const char *why, *act = mc_field(mr, "active_content");
    int i, initiating = 0, active = 0;

    c->participates = mc_field(mr, "participates") != NULL;
    c->text_only = mc_field(mr, "text_only") != NULL;
    if (act && (!strcmp(act, "refuse") || !strcmp(act, "flag")))
        c->flag_active = !strcmp(act, "flag");
    else if (act) /* (not on the form at all: left as it is) */
        err(errors, "PDFs with active content: choose whether they are refused or accepted and "
                    "flagged for the clerk.");
    c->size_in = mc_text_trim(p, mc_field(mr, "max_size"));
    if (!*c->size_in)
        err(errors, "Maximum document size: enter a size from 1 MB to 1 GB, for example 25MB.");
    else if ((why = mc_efsetup_size(c->size_in, &bytes)) != NULL)
        err(errors, apr_pstrcat(p, "Maximum document size: '", c->size_in, "' is refused: ", why,
                                ".", NULL));
    else
        c->max_bytes = bytes;

    apr_array_clear(c->types);
    for (i = 0; i < c->all_types->nelts; i++) {
        const char *t = APR_ARRAY_IDX(c->all_types, i, const char **)[0];
        if (mc_field(mr, apr_pstrcat(p, "type_", t, NULL)))
            APR_ARRAY_PUSH(c->types, const char *) = t;
    }

    for (i = 0; i < c->codes->nelts; i++) {
        su_code *fc = &APR_ARRAY_IDX(c->codes, i, su_code);
        const char *label = apr_pstrcat(p, "Filing code ", fc->code, NULL);
        const char *name = fc_field(mr, fc, "name"), *fee = fc_field(mr, fc, "fee");
        if (!name && !fee)
            continue; /* not on the form (added since it was drawn): left as it is */
        fc->posted = 1;
        fc->name = mc_text_trim(p, name);
        fc->fee_in = mc_text_trim(p, fee);
        fc->initiating = fc_field(mr, fc, "initiating") != NULL;
        fc->active = fc_field(mr, fc, "active") != NULL;
        check_name(p, errors, label, fc->name);
        check_fee(p, errors, label, fc);
    }

    c->add.code = mc_text_trim(p, mc_field(mr, "new_code"));
    c->add.name = mc_text_trim(p, mc_field(mr, "new_name"));
    c->add.fee_in = mc_text_trim(p, mc_field(mr, "new_fee"));
    c->add.initiating = mc_field(mr, "new_initiating") != NULL;
    c->add.active = 1;
    if (*c->add.code || *c->add.name || *c->add.fee_in) {
        if (!mc_efsetup_code_ok(c->add.code))
            err(errors, apr_psprintf(p,
                                     "New filing code: code '%s' is not 1 to %d upper-case "
                                     "letters, digits and '-'.",
                                     c->add.code, MC_EF_CODE_MAX));
        for (i = 0; i < c->codes->nelts; i++)
            if (!strcasecmp(APR_ARRAY_IDX(c->codes, i, su_code).code, c->add.code))
                err(errors, apr_pstrcat(p, "New filing code: code ", c->add.code,
                                        " already exists in this court; change it in the list "
                                        "instead.",
                                        NULL));
        check_name(p, errors, "New filing code", c->add.name);
        check_fee(p, errors, "New filing code", &c->add);
        c->add.posted = 1;
    }

    /* The loader's rules beyond single values. */
    for (i = 0; i < c->codes->nelts; i++) {
        const su_code *fc = &APR_ARRAY_IDX(c->codes, i, su_code);
        active += fc->active;
        initiating += fc->active && fc->initiating;
    }
    if (c->add.posted) {
        active++;
        initiating += c->add.initiating;
    }
    if (c->participates && !active)
        err(errors, apr_pstrcat(p, "Court ", c->code,
                                " participates but has no active filing code: nothing could be "
                                "filed. Add a filing code, or do not let the court participate.",
                                NULL));
    else if (c->types->nelts && !initiating)
        err(errors, apr_pstrcat(p, "Court ", c->code,
                                " lets cases be initiated but no active filing code is "
                                "initiating: tick Initiating for its petition, or initiate no "
                                "case type.",
                                NULL));
}

static int court_page(mc_req *mr, const su_court *c, int status, apr_array_header_t *errors)
{
    apr_pool_t *p = mr->r->pool;
    const char *done = mc_query(mr, "done");
    int i;

    if (errors)
        for (i = 0; i < errors->nelts; i++)
            mc_vars_set(mc_vars_row(mr->vars, "errors"), "error",
                        APR_ARRAY_IDX(errors, i, const char *));
    if (!errors && done && !strcmp(done, "saved"))
        mc_vars_set(mr->vars, "notice", "The court's set-up was saved.");
    if (!errors && done && !strcmp(done, "same"))
        mc_vars_set(mr->vars, "notice",
                    "Nothing was changed: the set-up already held these "
                    "values.");
    mc_vars_set(mr->vars, "court_code", c->code);
    mc_vars_set(mr->vars, "court_name", c->name);
    mc_vars_set(mr->vars, "no_setup", c->has_setup ? NULL : "1");
    mc_vars_set(mr->vars, "action", mc_url(mr, apr_pstrcat(p, "/security/courts/", c->code, NULL)));
    mc_vars_set(mr->vars, "list_url", mc_url(mr, "/security/courts"));
    mc_vars_set(mr->vars, "participates", c->participates ? "1" : "0");
    mc_vars_set(mr->vars, "text_only", c->text_only ? "1" : "0");
    mc_vars_set(mr->vars, "active_content", c->flag_active ? "flag" : "refuse");
    mc_vars_set(mr->vars, "max_size", c->size_in);
    for (i = 0; i < c->all_types->nelts; i++) {
        const char **t = APR_ARRAY_IDX(c->all_types, i, const char **);
        mc_vars *row = mc_vars_row(mr->vars, "types");
        mc_vars_set(row, "field", apr_pstrcat(p, "type_", t[0], NULL));
        mc_vars_set(row, "id", apr_pstrcat(p, "type-", t[0], NULL));
        mc_vars_set(row, "code", t[0]);
        mc_vars_set(row, "name", t[1]);
        mc_vars_set(row, "checked", type_chosen(c, t[0]) ? "1" : "0");
    }
    for (i = 0; i < c->codes->nelts; i++) {
        const su_code *fc = &APR_ARRAY_IDX(c->codes, i, su_code);
        mc_vars *row = mc_vars_row(mr->vars, "codes");
        const char *pre = apr_psprintf(p, "fc_%" APR_INT64_T_FMT "_", (apr_int64_t)fc->id);
        mc_vars_set(row, "code", fc->code);
        mc_vars_set(row, "name", fc->name);
        mc_vars_set(row, "fee", fc->fee_in);
        mc_vars_set(row, "initiating", fc->initiating ? "1" : "0");
        mc_vars_set(row, "active", fc->active ? "1" : "0");
        mc_vars_set(row, "f_name", apr_pstrcat(p, pre, "name", NULL));
        mc_vars_set(row, "f_fee", apr_pstrcat(p, pre, "fee", NULL));
        mc_vars_set(row, "f_initiating", apr_pstrcat(p, pre, "initiating", NULL));
        mc_vars_set(row, "f_active", apr_pstrcat(p, pre, "active", NULL));
        mc_vars_set(row, "label", apr_pstrcat(p, "Filing code ", fc->code, NULL));
    }
    mc_vars_set(mr->vars, "new_code", c->add.code);
    mc_vars_set(mr->vars, "new_name", c->add.name);
    mc_vars_set(mr->vars, "new_fee", c->add.fee_in);
    mc_vars_set(mr->vars, "new_initiating", c->add.initiating ? "1" : "0");
    return mc_render(mr, status, "setup-court.html",
                     apr_pstrcat(p, "eFiling Set-up: ", c->name, NULL));
}

static int court_get(mc_req *mr)
{
    mc_db *db;
    su_court c;
    int rc;
    if (!court_of_route(mr, &db, &c, &rc))
        return rc;
    return court_page(mr, &c, HTTP_OK, NULL);
}

typedef struct save_baton {
    su_court *c;
    long long changed;
    int dup; /* the new code was added meanwhile */
} save_baton;

static apr_status_t save_tx(mc_req *mr, mc_db *db, void *baton)
{
    save_baton *b = baton;
    su_court *c = b->c;
    apr_pool_t *p = mr->r->pool;
    mc_dbres *res;
    long long n = 0;
    apr_status_t rv;
    int i;

    b->changed = 0;
    b->dup = 0;
    /* A new filing code is made once per one-time form token: the same
     * Save sent twice adds it once and sends both to the saved page. */
    if (c->add.posted && (rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, p, &res, "SELECT efiling FROM mc_court WHERE code = ? FOR UPDATE", "s",
                     c->code);
    if (rv != APR_SUCCESS)
        return rv;
    if (!res->nrows)
        return APR_NOTFOUND;
    if ((mc_dbres_int(res, 0, 0) != 0) != c->participates) {
        rv = mc_db_exec(db, &n, NULL, "UPDATE mc_court SET efiling = ? WHERE code = ?", "is",
                        (long long)c->participates, c->code);
        b->changed += n;
    }
    if (rv == APR_SUCCESS)
        rv = mc_db_query(
            db, p, &res,
            "SELECT max_doc_bytes, text_pdf_only, active_content = 'flag' FROM mc_ef_court "
            "WHERE court_code = ? FOR UPDATE",
            "s", c->code);
    if (rv != APR_SUCCESS)
        return rv;
    if (!res->nrows) {
        rv = mc_db_exec(db, &n, NULL,
                        "INSERT INTO mc_ef_court (court_code, max_doc_bytes, text_pdf_only, "
                        "active_content, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())",
                        "siis", c->code, c->max_bytes, (long long)c->text_only,
                        c->flag_active ? "flag" : "refuse");
        b->changed += n;
    }
    else if (mc_dbres_int(res, 0, 0) != c->max_bytes ||
             (mc_dbres_int(res, 0, 1) != 0) != c->text_only ||
             (mc_dbres_int(res, 0, 2) != 0) != c->flag_active) {
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_ef_court SET max_doc_bytes = ?, text_pdf_only = ?, "
                        "active_content = ? WHERE court_code = ?",
                        "iiss", c->max_bytes, (long long)c->text_only,
                        c->flag_active ? "flag" : "refuse", c->code);
        b->changed += n;
    }
    if (rv != APR_SUCCESS)
        return rv;

    /* Case types: exactly the ticked ones. */
    rv = mc_db_query(db, p, &res,
                     "SELECT case_type FROM mc_ef_case_type WHERE court_code = ? FOR UPDATE", "s",
                     c->code);
    for (i = 0; rv == APR_SUCCESS && i < res->nrows; i++) {
        if (type_chosen(c, mc_dbres_get(res, i, 0)))
            continue;
        rv = mc_db_exec(db, &n, NULL,
                        "DELETE FROM mc_ef_case_type WHERE court_code = ? AND case_type = ?", "ss",
                        c->code, mc_dbres_get(res, i, 0));
        b->changed += n;
    }
    for (i = 0; rv == APR_SUCCESS && i < c->types->nelts; i++) {
        rv = mc_db_exec(db, &n, NULL,
                        "INSERT IGNORE INTO mc_ef_case_type (court_code, case_type) VALUES (?, ?)",
                        "ss", c->code, APR_ARRAY_IDX(c->types, i, const char *));
        b->changed += n;
    }

    /* Filing codes: the posted ones as typed (only what differs). */
    for (i = 0; rv == APR_SUCCESS && i < c->codes->nelts; i++) {
        const su_code *fc = &APR_ARRAY_IDX(c->codes, i, su_code);
        if (!fc->posted)
            continue;
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_ef_filing_code SET name = ?, fee_cents = ?, initiating = ?, "
                        "active = ? WHERE id = ? AND court_code = ? AND NOT (name = BINARY ? AND "
                        "fee_cents = ? AND initiating = ? AND active = ?)",
                        "siiiissiii", fc->name, fc->fee, (long long)fc->initiating,
                        (long long)fc->active, fc->id, c->code, fc->name, fc->fee,
                        (long long)fc->initiating, (long long)fc->active);
        b->changed += n;
    }
    if (rv == APR_SUCCESS && c->add.posted) {
        rv = mc_db_exec(db, &n, NULL,
                        "INSERT INTO mc_ef_filing_code (court_code, code, name, fee_cents, "
                        "initiating, active) VALUES (?, ?, ?, ?, ?, 1)",
                        "sssii", c->code, c->add.code, c->add.name, c->add.fee,
                        (long long)c->add.initiating);
        if (rv == MC_DB_EDUP) {
            b->dup = 1;
            return rv; /* rolled back: nothing of this save is kept */
        }
        b->changed += n;
    }
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db,
                          apr_pstrcat(p, "security/courts/", c->code,
                                      "?done=", b->changed ? "saved" : "same", NULL));
    if (rv != APR_SUCCESS || b->changed == 0)
        return rv;
    rv = mc_db_exec(db, NULL, NULL,
                    "UPDATE mc_ef_court SET updated_at = UTC_TIMESTAMP() WHERE court_code = ?", "s",
                    c->code);
    if (rv != APR_SUCCESS)
        return rv;
    return mc_audit(
        mr, db, "efiling-setup", 0,
        apr_psprintf(p,
                     "court %s: %" APR_INT64_T_FMT " change(s) by the Security unit "
                     "(participates %s, max %s, text-searchable %s, active content %s, %d case "
                     "type(s)%s)",
                     c->code, (apr_int64_t)b->changed, c->participates ? "yes" : "no",
                     size_text(p, c->max_bytes), c->text_only ? "yes" : "no",
                     c->flag_active ? "flag" : "refuse", c->types->nelts,
                     c->add.posted ? apr_pstrcat(p, ", code ", c->add.code, " added", NULL) : ""));
}

static int court_post(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    apr_array_header_t *errors = apr_array_make(p, 4, sizeof(const char *));
    mc_db *db;
    su_court c;
    save_baton b;
    apr_status_t rv;
    int rc;
    if (!court_of_route(mr, &db, &c, &rc))
        return rc;
    /* A copy of a save that added a filing code: sent where the first went,
     * not told that the code it added exists. */
    if ((rv = mc_once_seen(mr, db, NULL)) != APR_SUCCESS)
        return mc_once_answer(mr, rv);
    read_form(mr, &c, errors);
    if (errors->nelts)
        return court_page(mr, &c, HTTP_BAD_REQUEST, errors);
    memset(&b, 0, sizeof(b));
    b.c = &c;
    rv = mc_req_tx(mr, save_tx, &b);
    if (b.dup) {
        err(errors, apr_pstrcat(p, "New filing code: code ", c.add.code,
                                " already exists in this court; nothing was saved.", NULL));
        return court_page(mr, &c, HTTP_BAD_REQUEST, errors);
    }
    if (rv == APR_NOTFOUND)
        return mc_message(mr, HTTP_NOT_FOUND, "Court not found",
                          "There is no Case.net court with this code.");
    if (rv == MC_ONCE_REPEAT || rv == MC_ONCE_REFUSED)
        return mc_once_answer(mr, rv);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r,
                      MCLOGNO(2550) "eFiling set-up: saving court %s failed: %s", c.code,
                      mc_db_strerror(rv));
        return mc_fail(mr, rv);
    }
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, mr->r,
                  MCLOGNO(2551) "eFiling set-up: court %s saved by %s: %" APR_INT64_T_FMT
                                " change(s)",
                  c.code, mr->account->username, (apr_int64_t)b.changed);
    return mc_redirect(mr, apr_pstrcat(p, "security/courts/", c.code,
                                       "?done=", b.changed ? "saved" : "same", NULL));
}

const mc_route ef_setup_routes[] = {
    {"GET", "/security/courts", MC_ACCESS_ROLE, "security", courts_list, 0},
    {"GET", "/security/courts/:code", MC_ACCESS_ROLE, "security", court_get, 0},
    {"POST", "/security/courts/:code", MC_ACCESS_ROLE, "security", court_post, 0},
    {NULL}};
