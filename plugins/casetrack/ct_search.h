/* ct_search.h: what the files of Case.net's public searches share (search.c
 * the searches, search_input.c their fields). Private to the plugin. */
#ifndef MC_CT_SEARCH_H
#define MC_CT_SEARCH_H

#include "casetrack.h"

/* One search request. */
typedef struct srch {
    mc_req *mr;
    apr_pool_t *p;
    const char *path; /* "/search/name" */
    const char *qs;   /* the query's fields, encoded, for paging and sorting links */
    const char *order;
    const char *sort_qs;     /* "&sort=..&dir=.." */
    const char *first_order; /* the default column's ascending order */
    int default_order;       /* the default column, ascending */
    long long page;
    int bad;
    long long total; /* what paging was given: the count, or page one's rows */
    long long gen;   /* the search generation (search_cache.c); 0: not read, -1: none */
} srch;

/* search_input.c. Each mistake is shown as an error and marks s bad. */
/* Show why as an error, in the summary at the top a link to the field
 * whose id is field (NULL: none), and invalid_<field> "true" (the field's
 * aria-invalid); s is bad. */
void ct_search_error(srch *s, const char *field, const char *why);
/* Keep name=value (when not empty) for the paging and sorting links. */
void ct_search_keep(srch *s, const char *name, const char *value);
/* A text field, trimmed, shown again as q_<name>; kept for the links. */
const char *ct_search_field(srch *s, const char *name, const char *label);
/* A date field (YYYY-MM-DD); NULL when empty or not a real date. */
const char *ct_search_date_field(srch *s, const char *name, const char *label, int required);
/* An error (at field to_field) when both dates are given and to is before from. */
void ct_search_range_check(srch *s, const char *from, const char *to, const char *to_field,
                           const char *label);
/* A year of birth; NULL when empty or bad. */
const char *ct_search_year_field(srch *s, const char *name, const char *label);
/* The court (a code of mc_court) or the case type (of mc_case_type): ""
 * when empty; checked; *rv a database error. */
const char *ct_search_court_field(srch *s, mc_db *db, int required, apr_status_t *rv);
const char *ct_search_type_field(srch *s, mc_db *db, apr_status_t *rv);

#endif
