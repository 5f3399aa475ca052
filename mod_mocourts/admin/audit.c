/* audit.c: `mocourts-admin audit --since DATE|DURATION [--account NAME|ID]
 * [--event TYPE] --format csv|jsonl`: the audit log's events, newest first,
 * to stdout, as CSV (the Security unit's export's, mc_audit_log.h) or as
 * JSON lines (Jansson: one object per line). The events are read a part at
 * a time (a keyset), so memory stays flat however many there are. The
 * export is itself audited (audit-exported, no account, no address). */
#include "admin.h"
#include "mc_audit_log.h"
#include "mc_conf.h"
#include "mc_form.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_CHUNK 1000

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS" (UTC): the
 * moment as "YYYY-MM-DD HH:MM:SS" in p; NULL when it is none. */
static const char *parse_moment(apr_pool_t *p, const char *s)
{
    size_t n = strlen(s), i;
    if ((n != 10 && n != 19) || !mc_audit_day_ok(apr_pstrndup(p, s, 10)))
        return NULL;
    for (i = 10; i < n; i++)
        if ((i == 13 || i == 16) ? s[i] != ':'
            : i == 10            ? (s[i] != ' ' && s[i] != 'T')
                                 : !apr_isdigit(s[i]))
            return NULL;
    if (n == 10)
        return apr_pstrcat(p, s, " 00:00:00", NULL);
    if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 59)
        return NULL;
    return apr_pstrcat(p, apr_pstrndup(p, s, 10), " ", s + 11, NULL);
}

/* --since: a moment, or a duration before now; NULL when neither. */
static const char *parse_since(apr_pool_t *p, const char *s)
{
    apr_interval_time_t d;
    apr_time_exp_t x;
    apr_size_t len;
    char buf[32];
    if (strchr(s, '-'))
        return parse_moment(p, s);
    if (!*s || mc_conf_parse_duration(s, &d))
        return NULL;
    apr_time_exp_gmt(&x, apr_time_now() - d);
    apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M:%S", &x);
    return apr_pstrdup(p, buf);
}

/* s with each byte that starts no well-formed UTF-8 character as '?' (a
 * JSON string must be UTF-8; the log's text is, but is not checked). */
static const char *utf8_clean(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *o = out;
    while (*o) {
        int n = mc_utf8_len(o);
        if (n)
            o += n;
        else
            *o++ = '?';
    }
    return out;
}

/* Row i of res as one JSON line (no newline inside), in p. */
static const char *json_line(apr_pool_t *p, const mc_dbres *res, int i)
{
    const char *at = mc_dbres_get(res, i, MC_AUDIT_COL_AT);
    long long account = mc_dbres_int(res, i, MC_AUDIT_COL_ACCOUNT_ID);
    long long actor = mc_dbres_int(res, i, MC_AUDIT_COL_ACTOR_ID);
    const char *account_name = mc_dbres_get(res, i, MC_AUDIT_COL_ACCOUNT);
    const char *actor_name = mc_dbres_get(res, i, MC_AUDIT_COL_ACTOR);
    json_t *o = json_object();
    const char *line;
    char *text;
    json_object_set_new(o, "id", json_integer(mc_dbres_int(res, i, MC_AUDIT_COL_ID)));
    /* ISO 8601, UTC: "2026-12-05T00:46:28Z". */
    json_object_set_new(
        o, "at", json_string(apr_pstrcat(p, apr_pstrndup(p, at, 10), "T", at + 11, "Z", NULL)));
    json_object_set_new(o, "event", json_string(utf8_clean(p, mc_dbres_get(res, i, 2))));
    json_object_set_new(o, "account_id", account ? json_integer(account) : json_null());
    json_object_set_new(o, "account",
                        *account_name ? json_string(utf8_clean(p, account_name)) : json_null());
    json_object_set_new(o, "actor_id", actor ? json_integer(actor) : json_null());
    json_object_set_new(o, "actor",
                        *actor_name ? json_string(utf8_clean(p, actor_name)) : json_null());
    json_object_set_new(o, "ip", json_string(utf8_clean(p, mc_dbres_get(res, i, 7))));
    json_object_set_new(o, "detail", json_string(utf8_clean(p, mc_dbres_get(res, i, 8))));
    text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text)
        return NULL;
    line = apr_pstrdup(p, text);
    free(text);
    return line;
}

/* The account NAME|ID into *id: a number is an id as given (its events may
 * outlive it); a username must be an account's. */
static int find_account(mc_admin *a, const char *s, long long *id)
{
    mc_dbres *res;
    apr_status_t rv;
    const char *c = s;
    while (apr_isdigit(*c))
        c++;
    if (!*c && *s && strlen(s) <= 18) {
        *id = apr_atoi64(s);
        return EXIT_SUCCESS;
    }
    rv = mc_db_query(a->db, a->p, &res, "SELECT id FROM mc_account WHERE username = ?", "s", s);
    if (rv != APR_SUCCESS)
        return mc_admin_fail("audit: %s: %s", mc_db_strerror(rv), mc_db_error(a->db));
    if (res->nrows != 1)
        return mc_admin_fail("audit: no account has the username '%s'", s);
    *id = mc_dbres_int(res, 0, 0);
    return EXIT_SUCCESS;
}

int mc_cmd_audit(mc_admin *a, const mc_args *args)
{
    static const mc_audit_filter any = MC_AUDIT_FILTER_ANY;
    mc_audit_filter f = any;
    const char *since = NULL, *account = NULL, *format = NULL;
    apr_pool_t *chunk;
    mc_dbres *res;
    apr_status_t rv;
    long long rows = 0;
    int i, rc, jsonl;

    for (i = 0; i < args->opts->nelts; i++) {
        const mc_opt *o = &APR_ARRAY_IDX(args->opts, i, mc_opt);
        if (o->id == MC_OPT_SINCE && !(since = parse_since(a->p, o->arg)))
            return mc_admin_usage(args->cmd,
                                  "--since '%s' is neither a UTC day or moment "
                                  "('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS') nor a duration "
                                  "(45s, 30m, 24h, 7d)",
                                  o->arg);
        if (o->id == MC_OPT_ACCOUNT)
            account = o->arg;
        if (o->id == MC_OPT_EVENT) {
            const char *c = o->arg;
            while (*c && (apr_islower(*c) || apr_isdigit(*c) || strchr("-_.", *c)))
                c++;
            if (!*o->arg || *c || strlen(o->arg) > 40)
                return mc_admin_usage(args->cmd, "--event '%s' is not an event type", o->arg);
            f.event = o->arg;
        }
        if (o->id == MC_OPT_FORMAT) {
            if (strcmp(o->arg, "csv") && strcmp(o->arg, "jsonl"))
                return mc_admin_usage(args->cmd, "--format is csv or jsonl, not '%s'", o->arg);
            format = o->arg;
        }
    }
    if (!since)
        return mc_admin_usage(args->cmd, "--since is needed");
    if (!format)
        return mc_admin_usage(args->cmd, "--format is needed (csv or jsonl)");
    jsonl = !strcmp(format, "jsonl");
    f.since = since;
    if ((rc = mc_admin_load(a)) != EXIT_SUCCESS || (rc = mc_admin_connect(a)) != EXIT_SUCCESS)
        return rc;
    if (account && (rc = find_account(a, account, &f.account_id)) != EXIT_SUCCESS)
        return rc;

    apr_pool_create(&chunk, a->p);
    rv = mc_audit_log_query(a->db, chunk, &f, 0, AUDIT_CHUNK, 0, &res);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(a->db, NULL, NULL,
                        "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, "
                        "detail) VALUES (UTC_TIMESTAMP(), 'audit-exported', NULL, NULL, '', ?)",
                        "s",
                        apr_psprintf(a->p,
                                     "mocourts-admin audit --format %s; filter: since=%s%s%s%s%s",
                                     format, since, account ? " account=" : "",
                                     account ? account : "", *f.event ? " event=" : "", f.event));
    if (rv != APR_SUCCESS)
        return mc_admin_fail("audit: %s: %s", mc_db_strerror(rv), mc_db_error(a->db));
    if (!jsonl)
        fputs(mc_audit_csv_header(), stdout);
    for (;;) {
        for (i = 0; i < res->nrows; i++) {
            const char *line = jsonl ? json_line(chunk, res, i) : mc_audit_csv_row(chunk, res, i);
            if (!line)
                return mc_admin_fail("audit: cannot write event %s as JSON",
                                     mc_dbres_get(res, i, MC_AUDIT_COL_ID));
            fputs(line, stdout);
            if (jsonl)
                fputc('\n', stdout);
        }
        rows += res->nrows;
        if (res->nrows < AUDIT_CHUNK)
            break;
        f.after_at = apr_pstrdup(a->p, mc_dbres_get(res, res->nrows - 1, MC_AUDIT_COL_AT));
        f.after_id = mc_dbres_int(res, res->nrows - 1, MC_AUDIT_COL_ID);
        apr_pool_clear(chunk);
        if ((rv = mc_audit_log_query(a->db, chunk, &f, 0, AUDIT_CHUNK, 0, &res)) != APR_SUCCESS)
            return mc_admin_fail("audit: after %lld events: %s: %s", rows, mc_db_strerror(rv),
                                 mc_db_error(a->db));
    }
    if (fflush(stdout) || ferror(stdout))
        return mc_admin_fail("audit: cannot write the output");
    return EXIT_SUCCESS;
}
