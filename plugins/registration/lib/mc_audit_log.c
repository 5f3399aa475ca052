/* mc_audit_log.c: the audit log's statements and its CSV (mc_audit_log.h).
 * The account filter takes the index (account_id, at) and, for what the
 * account did to others, (actor_id, at); the address (client_ip, at); a
 * range of days alone (at): sql/registration/0007_audit_indexes.sql. */
#include "mc_audit_log.h"
#include "mc_form.h"
#include "mc_list.h"

#include <apr_lib.h>

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_SELECT                                                                               \
    "SELECT a.id, a.at, a.event, COALESCE(a.account_id, 0), COALESCE(acc.username, ''), "          \
    "COALESCE(a.actor_id, 0), COALESCE(act.username, ''), a.client_ip, a.detail FROM mc_audit a "  \
    "LEFT JOIN mc_account acc ON acc.id = a.account_id LEFT JOIN mc_account act ON act.id = "      \
    "a.actor_id"
#define AUDIT_COUNT "SELECT COUNT(*) FROM mc_audit a"
/* account (3), event (2), since (2), to_day (2), ip (2), cursor (4). */
#define AUDIT_WHERE                                                                                \
    " WHERE (? = 0 OR a.account_id = ? OR a.actor_id = ?) AND (? = '' OR a.event = ?) AND "        \
    "(? = '' OR a.at >= ?) AND (? = '' OR a.at < DATE_ADD(?, INTERVAL 1 DAY)) AND (? = '' OR "     \
    "a.client_ip LIKE ?) AND (? = '' OR a.at < ? OR (a.at = ? AND a.id < ?))"
#define AUDIT_ORDER " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?"

apr_status_t mc_audit_log_query(mc_db *db, apr_pool_t *p, const void *baton, int count,
                                long long limit, long long offset, mc_dbres **res)
{
    const mc_audit_filter *f = baton;
    const char *ip = *f->ip ? mc_sql_like(p, f->ip, 0) : "";
    if (count)
        return mc_db_query(db, p, res, AUDIT_COUNT AUDIT_WHERE, "iiisssssssssssi", f->account_id,
                           f->account_id, f->account_id, f->event, f->event, f->since, f->since,
                           f->to_day, f->to_day, f->ip, ip, f->after_at, f->after_at, f->after_at,
                           f->after_id);
    return mc_db_query(db, p, res, AUDIT_SELECT AUDIT_WHERE AUDIT_ORDER, "iiisssssssssssiii",
                       f->account_id, f->account_id, f->account_id, f->event, f->event, f->since,
                       f->since, f->to_day, f->to_day, f->ip, ip, f->after_at, f->after_at,
                       f->after_at, f->after_id, limit, offset);
}

apr_status_t mc_audit_log_get(mc_db *db, apr_pool_t *p, long long id, mc_dbres **res)
{
    return mc_db_query(db, p, res, AUDIT_SELECT " WHERE a.id = ?", "i", id);
}

apr_status_t mc_audit_log_events(mc_db *db, apr_pool_t *p, mc_dbres **res)
{
    return mc_db_query(db, p, res, "SELECT DISTINCT event FROM mc_audit ORDER BY event", "");
}

int mc_audit_day_ok(const char *s)
{
    int i;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !apr_isdigit(s[i]))
            return 0;
    return atoi(s) >= 1000 && mc_date_ok(atoi(s), atoi(s + 5), atoi(s + 8));
}

/* ---- CSV -------------------------------------------------------------------------- */

const char *mc_audit_csv_header(void)
{
    return "id,time_utc,event,account_id,account,actor_id,actor,ip,detail\r\n";
}

const char *mc_audit_csv_cell(apr_pool_t *p, const char *s)
{
    char *out, *o;
    int guard;
    if (!s)
        s = "";
    guard = *s == '=' || *s == '+' || *s == '-' || *s == '@';
    if (!guard && !strpbrk(s, ",\"\r\n"))
        return s;
    out = o = apr_palloc(p, strlen(s) * 2 + 4);
    *o++ = '"';
    if (guard)
        *o++ = '\'';
    for (; *s; s++) {
        if (*s == '"')
            *o++ = '"';
        *o++ = *s;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

const char *mc_audit_csv_row(apr_pool_t *p, const mc_dbres *res, int i)
{
    const char *c[MC_AUDIT_NCOLS];
    int k;
    for (k = 0; k < MC_AUDIT_NCOLS; k++) {
        const char *v = mc_dbres_get(res, i, k);
        /* 0 means "none" for the two accounts: an empty cell. */
        if ((k == MC_AUDIT_COL_ACCOUNT_ID || k == MC_AUDIT_COL_ACTOR_ID) && v && !strcmp(v, "0"))
            v = "";
        c[k] = mc_audit_csv_cell(p, v);
    }
    return apr_pstrcat(p, c[0], ",", c[1], ",", c[2], ",", c[3], ",", c[4], ",", c[5], ",", c[6],
                       ",", c[7], ",", c[8], "\r\n", NULL);
}
