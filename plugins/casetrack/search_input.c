/* search_input.c: the fields of Case.net's public searches: read from the
 * query, trimmed, checked with a clear sentence for each mistake, shown
 * again and kept for the paging and sorting links. See ct_search.h. */
#include "casetrack.h"
#include "ct_search.h"

#include "apr_lib.h"

#define NAME_MAX_CHARS 100 /* any text field */

void ct_search_error(srch *s, const char *field, const char *why)
{
    mc_vars *e = mc_vars_row(s->mr->vars, "errors");
    mc_vars_set(e, "text", why);
    if (field) {
        mc_vars_set(e, "href", apr_pstrcat(s->p, "#", field, NULL));
        mc_vars_set(s->mr->vars, apr_pstrcat(s->p, "invalid_", field, NULL), "true");
    }
    if (!s->bad) {
        s->err_field = field;
        s->err_why = why;
    }
    s->bad = 1;
}

const char *ct_search_number_check(srch *s, const char *typed)
{
    const char *number = NULL;
    if (!*typed)
        ct_search_error(s, "number", "Enter a case number to search, for example 22SL-CC01234.");
    else if (!s->bad && !ct_case_number_ok(s->p, typed, &number))
        ct_search_error(s, "number",
                        "Enter the case number as it appears on court papers, for example "
                        "22SL-CC01234.");
    return number;
}

void ct_search_keep(srch *s, const char *name, const char *value)
{
    if (*value)
        s->qs = apr_pstrcat(s->p, s->qs, "&", name, "=", mc_form_encode(s->p, value), NULL);
}

/* A text field, trimmed, shown again as q_<name>; kept for the links. */
const char *ct_search_field(srch *s, const char *name, const char *label)
{
    const char *v = mc_query(s->mr, name);
    char *t;
    size_t n;
    if (!v)
        v = "";
    while (apr_isspace(*v))
        v++;
    t = apr_pstrdup(s->p, v);
    for (n = strlen(t); n && apr_isspace(t[n - 1]); n--)
        t[n - 1] = '\0';
    mc_vars_set(s->mr->vars, apr_pstrcat(s->p, "q_", name, NULL), t);
    if (strlen(t) > NAME_MAX_CHARS) {
        ct_search_error(
            s, name, apr_psprintf(s->p, "%s: enter at most %d characters.", label, NAME_MAX_CHARS));
        return "";
    }
    ct_search_keep(s, name, t);
    return t;
}

/* A date field (YYYY-MM-DD); NULL when empty or not a real date. One that
 * is not a real date is quoted in its sentence, not shown again in the
 * field (a date field cannot hold it: the Nu checker refuses the page). */
const char *ct_search_date_field(srch *s, const char *name, const char *label, int required)
{
    const char *v = ct_search_field(s, name, label);
    if (!*v) {
        if (required)
            ct_search_error(s, name,
                            apr_psprintf(s->p, "%s: enter a date, for example 2026-01-05.", label));
        return NULL;
    }
    if (!ct_date_ok(v)) {
        mc_vars_set(s->mr->vars, apr_pstrcat(s->p, "q_", name, NULL), NULL);
        ct_search_error(s, name,
                        apr_psprintf(s->p,
                                     "%s: \"%s\" is not a real date. Enter it as YYYY-MM-DD, for "
                                     "example 2026-01-05.",
                                     label, v));
        return NULL;
    }
    return v;
}

void ct_search_range_check(srch *s, const char *from, const char *to, const char *to_field,
                           const char *label)
{
    if (from && to && strcmp(from, to) > 0)
        ct_search_error(
            s, to_field,
            apr_psprintf(s->p,
                         "%s: the \"to\" date (%s) is before the \"from\" date (%s). Enter "
                         "the earlier date first.",
                         label, to, from));
}

/* A year of birth; NULL when empty or bad. */
const char *ct_search_year_field(srch *s, const char *name, const char *label)
{
    const char *v = ct_search_field(s, name, label);
    int i;
    if (!*v)
        return NULL;
    for (i = 0; v[i]; i++)
        if (!apr_isdigit(v[i]))
            break;
    if (i != 4 || v[i] || atoi(v) < 1850 || atoi(v) > 2199) {
        ct_search_error(
            s, name,
            apr_psprintf(s->p, "%s: \"%s\" is not a year. Enter four digits, for example 1970.",
                         label, v));
        return NULL;
    }
    return v;
}

/* A code of which (court, case type): "" when empty; checked against the
 * process's copy of the codes (codes.c). */
static const char *code_field(srch *s, mc_db *db, const char *name, const char *label,
                              ct_code_kind which, int required, apr_status_t *rv)
{
    const char *v = ct_search_field(s, name, label);
    int known = 0;
    if (!*v) {
        if (required)
            ct_search_error(s, name, apr_psprintf(s->p, "%s: choose one from the list.", label));
        return "";
    }
    if ((*rv = ct_code_known(s->mr, db, which, v, &known)) != APR_SUCCESS)
        return "";
    if (!known) {
        ct_search_error(s, name, apr_psprintf(s->p, "%s: choose one from the list.", label));
        return "";
    }
    return v;
}

const char *ct_search_court_field(srch *s, mc_db *db, int required, apr_status_t *rv)
{
    return code_field(s, db, "court", "Court", CT_CODES_COURTS, required, rv);
}

const char *ct_search_type_field(srch *s, mc_db *db, apr_status_t *rv)
{
    return code_field(s, db, "case_type", "Case Type", CT_CODES_CASE_TYPES, 0, rv);
}

/* The day of a checked date "YYYY-MM-DD" (ct_date_ok), counted from
 * 1970-01-01: the difference of two is the days between them. */
static long long day_number(const char *date)
{
    apr_time_exp_t t;
    apr_time_t at = 0;
    memset(&t, 0, sizeof(t));
    t.tm_year = atoi(date) - 1900;
    t.tm_mon = atoi(date + 5) - 1;
    t.tm_mday = atoi(date + 8);
    t.tm_hour = 12;
    apr_time_exp_gmt_get(&at, &t);
    return (long long)(apr_time_sec(at) / 86400);
}

void ct_search_days_check(srch *s, const char *from, const char *to)
{
    if (from && to && strcmp(from, to) <= 0 &&
        day_number(to) - day_number(from) >= CT_HEARING_MAX_DAYS)
        ct_search_error(s, "to",
                        apr_psprintf(s->p,
                                     "Hearing Date: the range can be at most %d days. Enter a "
                                     "shorter range.",
                                     CT_HEARING_MAX_DAYS));
}
