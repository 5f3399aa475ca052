/* case_tasks.c: `mocourts-admin case-tasks [--at 'YYYY-MM-DD HH:MM:SS']
 * [--digest-time HH:MM] [--casenet PATH]`: the Case.net periodic work
 * (hearing reminders, daily digests) that the delivery worker does every
 * round, run once from the shell, as of now or of --at (UTC). The daily
 * digest time is the plugin's MoCourtsCaseNetDigestTime, which this tool
 * does not read: --digest-time gives it when it is not the default 22:00.
 * Prints what it queued. */
#include "admin.h"
#include "mc_case.h"
#include "mc_form.h"

#include <apr_lib.h>
#include <apr_time.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DDTHH:MM:SS"), UTC, to *t. 1 when valid. */
static int parse_at(const char *s, apr_time_t *t)
{
    static const char shape[] = "9999-99-99 99:99:99";
    apr_time_exp_t x;
    size_t i;
    if (strlen(s) != sizeof(shape) - 1)
        return 0;
    for (i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == '9' ? !apr_isdigit(s[i]) : (s[i] != shape[i] && !(i == 10 && s[i] == 'T')))
            return 0;
    }
    memset(&x, 0, sizeof(x));
    x.tm_year = atoi(s) - 1900;
    x.tm_mon = atoi(s + 5) - 1;
    x.tm_mday = atoi(s + 8);
    x.tm_hour = atoi(s + 11);
    x.tm_min = atoi(s + 14);
    x.tm_sec = atoi(s + 17);
    if (x.tm_year < 0 || x.tm_year > 299 ||
        !mc_date_ok(x.tm_year + 1900, x.tm_mon + 1, x.tm_mday) || x.tm_hour > 23 ||
        x.tm_min > 59 || x.tm_sec > 59)
        return 0;
    return apr_time_exp_gmt_get(t, &x) == APR_SUCCESS;
}

/* "HH:MM" to minutes after midnight; -1 when not a time. */
static int parse_minute(const char *s)
{
    if (strlen(s) != 5 || !apr_isdigit(s[0]) || !apr_isdigit(s[1]) || s[2] != ':' ||
        !apr_isdigit(s[3]) || !apr_isdigit(s[4]) || atoi(s) > 23 || atoi(s + 3) > 59)
        return -1;
    return atoi(s) * 60 + atoi(s + 3);
}

int mc_cmd_case_tasks(mc_admin *a, const mc_args *args)
{
    const char *prog = MC_ADMIN_PROG, *casenet = "/casenet";
    apr_time_t now = apr_time_now();
    int minute = 22 * 60, i, rc;
    mc_case_task_counts n;
    mc_case_env env;
    apr_status_t rv;

    for (i = 0; i < args->opts->nelts; i++) {
        const mc_opt *o = &APR_ARRAY_IDX(args->opts, i, mc_opt);
        if (o->id == MC_OPT_AT && !parse_at(o->arg, &now))
            return mc_admin_usage(args->cmd, "--at '%s' is not a UTC time 'YYYY-MM-DD HH:MM:SS'",
                                  o->arg);
        if (o->id == MC_OPT_DIGEST_TIME && (minute = parse_minute(o->arg)) < 0)
            return mc_admin_usage(args->cmd, "--digest-time '%s' is not HH:MM (UTC)", o->arg);
        if (o->id == MC_OPT_CASENET)
            casenet = o->arg;
    }
    if ((rc = mc_admin_load(a)) != EXIT_SUCCESS || (rc = mc_admin_case_env(a, casenet, &env)) ||
        (rc = mc_admin_connect(a)))
        return rc;
    mc_db *db = a->db;
    apr_pool_t *p = a->p;
    /* Another worker doing the same work at the same moment can make the
     * database pick this one as a deadlock's victim: its transaction was
     * rolled back and nothing it did counts, so it simply runs again (what
     * the other worker queued stays queued once: the unique keys). */
    long long reminders = 0, digests = 0;
    for (i = 0; i < 5; i++) {
        memset(&n, 0, sizeof(n));
        rv = mc_case_tasks(db, p, &env, now, minute, &n);
        reminders += n.reminders;
        digests += n.digests;
        if (rv != MC_DB_EDEADLOCK)
            break;
        apr_sleep(apr_time_from_msec(50 * (i + 1)));
    }
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "%s: case-tasks: %s: %s\n", prog, mc_db_strerror(rv), mc_db_error(db));
        return 1;
    }
    printf("case-tasks: %" APR_INT64_T_FMT " hearing reminder(s) and %" APR_INT64_T_FMT
           " daily digest(s) queued\n",
           (apr_int64_t)reminders, (apr_int64_t)digests);
    return 0;
}
