/* casetrack.h: what the Case.net plugin's files share (seed 002).
 *
 * The plugin (mounted at /casenet) is in parts, one file each:
 *   search.c   the five public searches (litigant name, case number, filing
 *              date, scheduled hearings, judgment index), the case page, and
 *              the per-address rate limit with its CAPTCHA
 *   clerk.c    clerk pages (role clerk, scoped by court code): add a docket
 *              entry, schedule a hearing, enter a judgment, mark a case
 *              confidential
 *   track.c, phones.c, mycases.c, history.c (track.h)  Track This Case
 *              (method, frequency, phone verification), the e-mailed Stop
 *              Tracking link, Manage My Case (the folder, notes) and the
 *              notification history
 *   ct_common.c checks and look-ups all parts use
 * Court data changes that notify trackers go through the library's
 * mc_case.h, which the eFiling plugin and `mocourts-admin import` share.
 * search.c and clerk.c export their routes; the account holder's parts
 * share one table, mod_mocourts_casetrack.c's, which joins them all. */
#ifndef MC_CASETRACK_H
#define MC_CASETRACK_H

#include "mocourts.h"

#include "apr_strings.h"
#include "http_log.h"
#include "http_protocol.h"

APLOG_USE_MODULE(mocourts_casetrack);

#define CT_TEMPLATES "casetrack"
#define CT_PAGE_SIZE 25

extern const mc_route ct_search_routes[];
extern const mc_route ct_clerk_routes[];

/* Directives (mod_mocourts_casetrack.c). */
typedef struct ct_conf {
    int search_limit;                  /* anonymous searches per window per address; 0: off */
    apr_interval_time_t search_window; /* the window */
    int pass_uses;                     /* searches a solved CAPTCHA allows */
    int digest_minute;                 /* daily digest time, minutes after 00:00 UTC */
    apr_interval_time_t cache_ttl;     /* search results kept at most (search_cache.c); 0: off */
} ct_conf;
extern ct_conf ct_config;

/* ---- ct_common.c ------------------------------------------------------------ */

/* A case number's form: 2 digits, 2 letters, '-', 2 letters, 5 digits
 * ("22SL-CC01234"); upper-cased copy in *out. 1 when well-formed. */
int ct_case_number_ok(apr_pool_t *p, const char *s, const char **out);
/* A date "YYYY-MM-DD" that exists in the calendar (1900-2199). 1 when so. */
int ct_date_ok(const char *s);
/* Words and their labels: a word's label is its pair's (the pairs end at
 * the first {NULL}), else dflt. */
typedef struct ct_labels {
    const char *dflt;
    mc_label pairs[6];
} ct_labels;
/* The label of word (may be NULL) in l. */
const char *ct_label(const ct_labels *l, const char *word);
/* "Open", "Closed", "Disposed" for a case's status. */
extern const ct_labels ct_case_statuses;
/* The badge of a case's status (class "mc-status mc-status--active" ...). */
extern const ct_labels ct_case_badges;
/* What composing notices needs, for this request. */
void ct_case_env(mc_req *mr, mc_case_env *env);

/* The courts and the case types (codes.c): a per-process copy, reloaded
 * after a minute or when a code is not in it. */
typedef enum { CT_CODES_COURTS, CT_CODES_CASE_TYPES } ct_code_kind;
/* Once per child process: the copies' lock and pool (without it, every
 * call asks the database). */
apr_status_t ct_codes_child_init(apr_pool_t *pchild);
/* Fill list (rows with code, name, and "selected" when code equals
 * selected) with which's codes, by name. */
apr_status_t ct_code_list(mc_req *mr, mc_db *db, ct_code_kind which, const char *list,
                          const char *selected);
/* *known: 1 when code is one of which's codes. */
apr_status_t ct_code_known(mc_req *mr, mc_db *db, ct_code_kind which, const char *code, int *known);

/* A case as the pages show its header. */
typedef struct ct_case {
    long long id;
    const char *number;
    const char *court_code;
    const char *court_name;
    const char *case_type; /* code */
    const char *case_type_name;
    const char *caption;
    const char *filed_on;
    const char *status;
    const char *judge; /* name or "" */
    int confidential;
    int court_efiling;
    const char *last_activity;
} ct_case;

/* A list on a case's page: the rows of one statement that binds the
 * case's id, each row's columns under keys (mc_vars_rows). */
typedef struct ct_section {
    const char *list, *sql;
    const char *const keys[6];
} ct_section;
/* The case's hearings, as the public and the clerk's case pages list them. */
#define CT_HEARINGS_SQL                                                                            \
    "SELECT DATE_FORMAT(h.hearing_at, '%Y-%m-%d %H:%i'), h.hearing_type, h.location, "             \
    "COALESCE(j.name, '') FROM mc_hearing h LEFT JOIN mc_judge j ON j.id = h.judge_id WHERE "      \
    "h.case_id = ? ORDER BY h.hearing_at, h.id"
/* Each of the n sections of case case_id into mr->vars. */
apr_status_t ct_sections(mc_req *mr, mc_db *db, long long case_id, const ct_section *s, size_t n);
/* The rows of one section of case case_id. */
apr_status_t ct_section_rows(mc_db *db, apr_pool_t *p, long long case_id, const ct_section *s,
                             mc_dbres **res);
/* The public case page's sections (casepage.c), which the API's case reads
 * too: parties, attorneys, docket (also each entry's id), hearings,
 * judgments. */
enum {
    CT_SEC_PARTIES,
    CT_SEC_ATTORNEYS,
    CT_SEC_DOCKET,
    CT_SEC_HEARINGS,
    CT_SEC_JUDGMENTS,
    CT_SECS
};
extern const ct_section *const ct_case_sections;

/* Look a case up by number (or by id when number is NULL). *found is 0
 * when there is no such case, and also when public is set and the case is
 * confidential (the public never learns that it exists). */
apr_status_t ct_case_find(mc_req *mr, mc_db *db, const char *number, long long id, int public,
                          ct_case *c, int *found);

/* ---- casepage.c, ratelimit.c (routes in search.c) -------------------------------- */

/* GET /case/:number: the public case page. */
int ct_case_page(mc_req *mr);
/* The anonymous search limit: counts this request for its client address;
 * 1 when it may go on, else 0 with *rc the answer (the CAPTCHA page, 429).
 * Logged-on accounts and a limit of 0 are never limited. */
int ct_rate_allow(mc_req *mr, mc_db *db, int *rc);
/* GET /captcha, GET /captcha/image, POST /captcha. */
int ct_captcha_get(mc_req *mr);
int ct_captcha_image(mc_req *mr);
int ct_captcha_post(mc_req *mr);

#endif
