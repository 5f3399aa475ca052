/* mc_audit_log: reading the audit log (the core's mc_audit, written by
 * mc_audit), for the Security unit's viewer (plugins/registration/audit.c)
 * and `mocourts-admin audit` (mod_mocourts/admin/audit.c), which share the
 * filter, the statements and the CSV. Nothing here depends on httpd.
 *
 *     mc_audit_filter f = MC_AUDIT_FILTER_ANY;
 *     f.account_id = 42; f.event = "logon";
 *     mc_audit_log_query(db, p, &f, 0, 25, 0, &res);    (newest first)
 */
#ifndef MC_AUDIT_LOG_H
#define MC_AUDIT_LOG_H

#include "mc_db.h"

#include <apr_pools.h>

/* Which events. Every string is "" for no bound, never NULL. */
typedef struct mc_audit_filter {
    long long account_id; /* 0 any; else events about it or done by it */
    const char *event;    /* one event type */
    const char *since;    /* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (UTC): at >= since */
    const char *to_day;   /* "YYYY-MM-DD": at on that day or before (UTC) */
    const char *ip;       /* the client address, or its beginning ("10.1.") */
    /* A keyset cursor for reading the whole list in parts (the exports):
     * only events after this one in the list's order (at, id descending);
     * after_at "" for the start. */
    const char *after_at;
    long long after_id;
} mc_audit_filter;

#define MC_AUDIT_FILTER_ANY                                                                        \
    {                                                                                              \
        0, "", "", "", "", "", 0                                                                   \
    }

/* The columns of a row, in this order. */
enum {
    MC_AUDIT_COL_ID,
    MC_AUDIT_COL_AT, /* "YYYY-MM-DD HH:MM:SS", UTC */
    MC_AUDIT_COL_EVENT,
    MC_AUDIT_COL_ACCOUNT_ID, /* 0 when none */
    MC_AUDIT_COL_ACCOUNT,    /* its username, "" when none or gone */
    MC_AUDIT_COL_ACTOR_ID,   /* who did it when another account did: 0 when none */
    MC_AUDIT_COL_ACTOR,
    MC_AUDIT_COL_IP,
    MC_AUDIT_COL_DETAIL,
    MC_AUDIT_NCOLS
};

/* The events of *f (a const mc_audit_filter *), newest first: with count
 * set their number (one row, one column), else limit rows from offset.
 * The shape of mc_page_query_fn (mc_list.h). Results in p. */
apr_status_t mc_audit_log_query(mc_db *db, apr_pool_t *p, const void *f, int count, long long limit,
                                long long offset, mc_dbres **res);
/* One event by its id: *res holds 0 or 1 row. */
apr_status_t mc_audit_log_get(mc_db *db, apr_pool_t *p, long long id, mc_dbres **res);
/* The event types present, one a row, in alphabetical order. */
apr_status_t mc_audit_log_events(mc_db *db, apr_pool_t *p, mc_dbres **res);

/* 1 when s is a day written YYYY-MM-DD (what <input type="date"> sends),
 * of the calendar, years 1000 to 9999. */
int mc_audit_day_ok(const char *s);

/* CSV (RFC 4180): the header line and row i of res as a line, each ending
 * in CRLF. A cell holding a comma, a quote, CR or LF is quoted (its quotes
 * doubled); a cell that starts with = + - or @ is prefixed with a single
 * quote first, so a spreadsheet does not read it as a formula. In p. */
const char *mc_audit_csv_header(void);
const char *mc_audit_csv_row(apr_pool_t *p, const mc_dbres *res, int i);
const char *mc_audit_csv_cell(apr_pool_t *p, const char *s);

#endif
