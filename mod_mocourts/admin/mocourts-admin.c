/* mocourts-admin: schema migrations, the first accounts, checks, outbox
 * delivery and housekeeping, run from the shell against the same
 * configuration file Apache reads. Exit status: 0 success, 1 failure,
 * 2 usage. Never prints a password. */
#include "admin_cmds.h"
#include "mc_case.h"
#include "mc_conf.h"
#include "mc_crypto.h"
#include "mc_db.h"
#include "mc_log.h"
#include "mc_migrate.h"
#include "mc_outbox.h"
#include "mc_purge.h"
#include "mc_policy.h"
#include "mc_smtp.h"

#include <apr_general.h>
#include <apr_lib.h>
#include <apr_network_io.h>
#include <apr_uri.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MC_DEFAULT_CONF "/etc/apache2/conf-available/mocourts.conf"
#define MC_DEFAULT_SQLDIR "/usr/share/mocourts/sql"

#define EXIT_USAGE 2

static const char *mc_prog = "mocourts-admin";

static const char mc_usage_text[] =
    "usage: mocourts-admin [-c CONFIG] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  migrate            apply pending schema migrations of every component in\n"
    "                     MoCourtsSQLDir (core first, then each component after\n"
    "                     those named in its REQUIRES file)\n"
    "  check              check the configuration, the database and the schema;\n"
    "                     exit 0 only when everything is reachable and up to date\n"
    "  create-admin USERNAME EMAIL [--role ROLE]... [--no-role] [--scope SCOPE]\n"
    "               [--must-change] [--first-name NAME] [--last-name NAME]\n"
    "                     create an account, by default a Security unit\n"
    "                     administrator (role 'security'; --no-role for an ordinary\n"
    "                     account holder); the password comes from\n"
    "                     $MOCOURTS_PASSWORD or is asked twice on the terminal\n"
    "  deliver [--once | --loop SECONDS] [--workers W] [--batch N]\n"
    "                     send the queued notices (e-mail, SMS, voice) once, or\n"
    "                     every SECONDS until interrupted; W worker processes in\n"
    "                     parallel (default 1), each claiming up to N notices a\n"
    "                     round (default 500)\n"
    "  purge              delete expired sessions, used and expired codes and old\n"
    "                     logon-throttle rows\n"
    "  import-bar FILE    load the Missouri Bar roster from a CSV file\n"
    "                     (bar_number,last_name,first_name,status; re-import\n"
    "                     updates); bad rows are reported by line number\n"
    "  import FILE.xml [--casenet PATH]\n"
    "                     load courts, cases, parties, docket entries, hearings\n"
    "                     and judgments from a Case.net feed (docs/casenet-feed.xsd),\n"
    "                     streamed; importing the same feed again changes nothing;\n"
    "                     a bad record is reported as FILE:LINE: why and skipped\n"
    "                     (exit status 1 when any record was bad or the feed could\n"
    "                     not be read to its end); new\n"
    "                     docket entries notify trackers (links under PATH,\n"
    "                     default /casenet)\n"
    "  efiling-setup FILE load the eFiling set-up of courts from an XML file\n"
    "                     (docs/efiling-setup.xsd): participation, case types that\n"
    "                     may be initiated, filing codes and fees, document size;\n"
    "                     each court is applied whole or not at all, errors are\n"
    "                     reported as FILE:LINE; loading the same file again\n"
    "                     changes nothing; exit 1 when a court was refused\n"
    "  generate [--seed N] [--cases N] [--courts N] [--parties N]\n"
    "                     write a synthetic, deterministic Case.net feed to stdout\n"
    "  case-tasks [--at 'YYYY-MM-DD HH:MM:SS'] [--digest-time HH:MM]\n"
    "             [--casenet PATH]\n"
    "                     queue due hearing reminders and daily digests (what the\n"
    "                     delivery worker does each round), as of now or --at (UTC);\n"
    "                     digests go from --digest-time on (UTC, default 22:00;\n"
    "                     keep it equal to MoCourtsCaseNetDigestTime)\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE  the Apache file holding the MoCourts* directives\n"
    "                     (default: $MOCOURTS_CONF, else " MC_DEFAULT_CONF ")\n"
    "  -h, --help         show this text\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

static int mc_usage(const char *why)
{
    fprintf(stderr, "%s: %s\nRun 'mocourts-admin --help' for the commands and options.\n", mc_prog,
            why);
    return EXIT_USAGE;
}

static int mc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int mc_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", mc_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

/* The library's messages: warnings and errors on stderr. */
static void mc_admin_log(void *baton, int level, const char *file, int line, const char *fmt,
                         va_list ap)
{
    if (level > MC_LOG_WARNING && !getenv("MOCOURTS_DEBUG"))
        return;
    fprintf(stderr, "%s: ", mc_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

typedef struct {
    apr_pool_t *p;
    const char *conf_path;
    mc_conf *conf;
    mc_dbconf dbconf;
    mc_db *db;
} mc_admin;

/* Read the configuration (after a command has checked its arguments). */
static int mc_admin_load(mc_admin *a)
{
    const char *err;
    if (mc_conf_read(a->p, a->conf_path, &a->conf, &err) != APR_SUCCESS)
        return mc_fail("%s", err);
    return EXIT_SUCCESS;
}

/* Open the database named by the configuration. */
static int mc_admin_connect(mc_admin *a)
{
    const char *err;
    if (mc_conf_dbconf(a->p, a->conf, &a->dbconf, &err) != APR_SUCCESS)
        return mc_fail("%s: %s", a->conf_path, err);
    if (mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS)
        return mc_fail("%s", err);
    return EXIT_SUCCESS;
}

static const char *mc_sqldir(const mc_admin *a)
{
    const mc_conf_directive *d = mc_conf_find(a->conf, "MoCourtsSQLDir");
    if (!d || d->args->nelts < 1)
        return MC_DEFAULT_SQLDIR;
    return mc_conf_resolve(a->p, a->conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
}

/* ---- migrate ------------------------------------------------------------- */

static int mc_cmd_migrate(mc_admin *a, int argc, const char *const *argv)
{
    if (argc > 0)
        return mc_usage("migrate takes no arguments");
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    const char *sqldir = mc_sqldir(a);
    apr_array_header_t *comps = mc_migrate_components(a->p, sqldir);
    if (comps->nelts == 0)
        return mc_fail("no migrations found in %s (MoCourtsSQLDir)", sqldir);
    for (int i = 0; i < comps->nelts; i++) {
        const char *comp = APR_ARRAY_IDX(comps, i, const char *), *err = NULL;
        int applied = 0;
        apr_status_t rv = mc_migrate_apply(a->db, a->p, sqldir, comp, &applied, &err);
        if (rv != APR_SUCCESS)
            return mc_fail("%s: %s (applied %d migration(s) before that)", comp, err, applied);
        int now = mc_migrate_current(a->db, a->p, comp, &rv);
        if (now < 0)
            return mc_fail("%s: reading the schema version: %s", comp, mc_db_error(a->db));
        printf("%s: applied %d migration(s), now at version %d\n", comp, applied, now);
    }
    return EXIT_SUCCESS;
}

/* ---- check --------------------------------------------------------------- */

static int mc_cmd_check(mc_admin *a, int argc, const char *const *argv)
{
    int ok = 1;
    const char *err;
    if (argc > 0)
        return mc_usage("check takes no arguments");
    if (mc_admin_load(a) != EXIT_SUCCESS) {
        printf("config: %s: cannot be read\n", a->conf_path);
        return EXIT_FAILURE;
    }
    printf("config: %s\n", a->conf_path);
    const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
    if (!base) {
        printf("base URL: MoCourtsBaseURL is not set\n");
        ok = 0;
    }
    else if (strncasecmp(base, "https://", 8) != 0 && strncasecmp(base, "http://", 7) != 0) {
        printf("base URL: '%s' is not an http:// or https:// URL\n", base);
        ok = 0;
    }
    else {
        printf("base URL: %s\n", base);
    }
    if (mc_conf_dbconf(a->p, a->conf, &a->dbconf, &err) != APR_SUCCESS) {
        printf("database: not configured: %s\n", err);
        return EXIT_FAILURE;
    }
    const char *where = a->dbconf.socket && strcmp(a->dbconf.host, "localhost") == 0
                            ? apr_psprintf(a->p, "socket %s", a->dbconf.socket)
                            : apr_psprintf(a->p, "host %s port %u", a->dbconf.host, a->dbconf.port);
    if (mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS) {
        printf("database: unreachable (%s): %s\n", where, err);
        return EXIT_FAILURE;
    }
    printf("database: reachable (%s, database %s)\n", where, a->dbconf.name);
    const char *sqldir = mc_sqldir(a);
    apr_array_header_t *comps = mc_migrate_components(a->p, sqldir);
    if (comps->nelts == 0) {
        printf("schema: no migrations found in %s (MoCourtsSQLDir)\n", sqldir);
        ok = 0;
    }
    for (int i = 0; i < comps->nelts; i++) {
        const char *comp = APR_ARRAY_IDX(comps, i, const char *);
        apr_status_t rv;
        int shipped = mc_migrate_available(a->p, sqldir, comp);
        int cur = mc_migrate_current(a->db, a->p, comp, &rv);
        if (cur < 0) {
            printf("%s: cannot read the schema version: %s\n", comp, mc_db_error(a->db));
            ok = 0;
        }
        else if (cur == shipped) {
            printf("%s: schema %d, shipped %d: up to date\n", comp, cur, shipped);
        }
        else if (cur < shipped) {
            printf("%s: schema %d, shipped %d: behind: run mocourts-admin migrate\n", comp, cur,
                   shipped);
            ok = 0;
        }
        else {
            printf("%s: schema %d, shipped %d: ahead: this release is older than the database\n",
                   comp, cur, shipped);
            ok = 0;
        }
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- create-admin -------------------------------------------------------- */

/* Read a line from the terminal without echo; NULL without a terminal. */
static char *mc_prompt(apr_pool_t *p, const char *prompt)
{
    FILE *tty = fopen("/dev/tty", "r+");
    struct termios old, quiet;
    char buf[MC_PASSWORD_MAX_BYTES + 2];
    if (!tty)
        return NULL;
    int fd = fileno(tty);
    int has_termios = tcgetattr(fd, &old) == 0;
    fputs(prompt, tty);
    fflush(tty);
    if (has_termios) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, sizeof(buf), tty);
    if (has_termios)
        tcsetattr(fd, TCSAFLUSH, &old);
    fclose(tty);
    if (!got)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = apr_pstrdup(p, buf);
    sodium_memzero(buf, sizeof(buf));
    return pw;
}

static int mc_word_ok(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (; *s; s++)
        if (!apr_isalnum(*s) && !strchr(extra, *s))
            return 0;
    return 1;
}

static int mc_text_ok(const char *s, size_t max)
{
    if (strlen(s) > max)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

static int mc_cmd_create(mc_admin *a, int argc, const char *const *argv)
{
    apr_array_header_t *roles = apr_array_make(a->p, 2, sizeof(const char *));
    const char *pos[2], *scope = "", *first = "", *last = "";
    int npos = 0, must_change = 0, no_role = 0;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        int more = i + 1 < argc;
        if (strcmp(o, "--role") == 0 && more)
            APR_ARRAY_PUSH(roles, const char *) = argv[++i];
        else if (strcmp(o, "--scope") == 0 && more)
            scope = argv[++i];
        else if (strcmp(o, "--first-name") == 0 && more)
            first = argv[++i];
        else if (strcmp(o, "--last-name") == 0 && more)
            last = argv[++i];
        else if (strcmp(o, "--must-change") == 0)
            must_change = 1;
        else if (strcmp(o, "--no-role") == 0)
            no_role = 1;
        else if (o[0] == '-' && o[1] == '-')
            return mc_usage(
                apr_psprintf(a->p, "create-admin: unknown option or missing value: %s", o));
        else if (npos < 2)
            pos[npos++] = o;
        else
            return mc_usage("create-admin takes USERNAME and EMAIL");
    }
    if (npos != 2)
        return mc_usage("create-admin takes USERNAME and EMAIL");
    const char *user = pos[0], *email = pos[1];
    if (no_role && roles->nelts > 0)
        return mc_usage("create-admin: --no-role and --role exclude each other");
    if (roles->nelts == 0 && !no_role)
        APR_ARRAY_PUSH(roles, const char *) = "security";
    if (!mc_word_ok(user, 64, "._-@"))
        return mc_fail(
            "'%s' is not a usable username (1 to 64 letters, digits, '.', '_', '-', '@')", user);
    if (!mc_email_ok(email))
        return mc_fail("'%s' is not a usable e-mail address", email);
    for (int i = 0; i < roles->nelts; i++)
        if (!mc_word_ok(APR_ARRAY_IDX(roles, i, const char *), 32, "_-"))
            return mc_fail("'%s' is not a role name", APR_ARRAY_IDX(roles, i, const char *));
    if (*scope && !mc_word_ok(scope, 64, "._-:"))
        return mc_fail("'%s' is not a scope (1 to 64 letters, digits, '.', '_', '-', ':')", scope);
    if (!mc_text_ok(first, 100) || !mc_text_ok(last, 100))
        return mc_fail("first and last names: at most 100 characters, no control characters");
    int rc = mc_admin_load(a);
    if (rc != EXIT_SUCCESS)
        return rc;

    const char *pname = mc_conf_str(a->conf, "MoCourtsPasswordPolicy", "court");
    int preset = mc_policy_parse(pname);
    if (preset < 0)
        return mc_fail(
            "Invalid value for directive 'MoCourtsPasswordPolicy': '%s' (court or strict)", pname);
    mc_pwcost cost;
    const char *cspec = mc_conf_str(a->conf, "MoCourtsPasswordCost", "interactive"), *why;
    if ((why = mc_pwcost_parse(cspec, &cost)) != NULL)
        return mc_fail("Invalid value for directive 'MoCourtsPasswordCost': %s", why);

    char *pw = NULL;
    const char *env = getenv("MOCOURTS_PASSWORD");
    if (env) {
        pw = apr_pstrdup(a->p, env);
    }
    else {
        pw = mc_prompt(a->p, apr_psprintf(a->p, "Password for %s: ", user));
        char *again = pw ? mc_prompt(a->p, "Again: ") : NULL;
        if (!pw || !again)
            return mc_fail("no terminal to ask the password on: set MOCOURTS_PASSWORD");
        int same = strcmp(pw, again) == 0;
        sodium_memzero(again, strlen(again));
        if (!same)
            return mc_fail("the two passwords differ; nothing was created");
    }
    if ((why = mc_policy_check((mc_policy_preset)preset, pw, user)) != NULL) {
        sodium_memzero(pw, strlen(pw));
        return mc_fail("the password is refused: %s", why);
    }
    const char *hash;
    apr_status_t rv = mc_password_hash(a->p, pw, &cost, &hash);
    sodium_memzero(pw, strlen(pw));
    if (rv != APR_SUCCESS)
        return mc_fail("hashing the password failed (out of memory?)");

    rc = mc_admin_connect(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    long long id = 0;
    if ((rv = mc_db_begin(a->db)) == APR_SUCCESS)
        rv = mc_db_exec(a->db, NULL, &id,
                        "INSERT INTO mc_account (username, email, password_hash, status,"
                        " email_verified, must_change_password, first_name, last_name,"
                        " created_at, password_changed_at)"
                        " VALUES (?, ?, ?, 'active', 1, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
                        "sssiss", user, email, hash, (long long)must_change, first, last);
    for (int i = 0; rv == APR_SUCCESS && i < roles->nelts; i++)
        rv = mc_db_exec(a->db, NULL, NULL,
                        "INSERT INTO mc_account_role (account_id, role, scope, granted_at)"
                        " VALUES (?, ?, ?, UTC_TIMESTAMP())",
                        "iss", id, APR_ARRAY_IDX(roles, i, const char *), scope);
    if (rv == APR_SUCCESS)
        rv = mc_db_exec(a->db, NULL, NULL,
                        "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail)"
                        " VALUES (UTC_TIMESTAMP(), 'account-created', ?, NULL, '', 'create-admin')",
                        "i", id);
    if (rv == APR_SUCCESS)
        rv = mc_db_commit(a->db);
    if (rv != APR_SUCCESS) {
        if (!mc_db_broken(a->db))
            mc_db_rollback(a->db);
        if (rv == MC_DB_EDUP)
            return mc_fail("an account named '%s' already exists; nothing was created", user);
        return mc_fail("creating the account failed: %s", mc_db_error(a->db));
    }
    const char *rl = "";
    for (int i = 0; i < roles->nelts; i++)
        rl = apr_pstrcat(a->p, rl, i ? ", " : "", APR_ARRAY_IDX(roles, i, const char *), NULL);
    printf("created account '%s' (id %lld) with role(s) %s%s%s%s\n", user, id, rl,
           *scope ? " in scope " : "", scope, must_change ? "; password change required" : "");
    return EXIT_SUCCESS;
}

/* ---- deliver ------------------------------------------------------------- */

static volatile sig_atomic_t mc_stop;

static void mc_on_signal(int sig)
{
    mc_stop = 1;
}

static int mc_deliver_rounds(mc_admin *a, mc_delivery_conf *dc, long loop, int quiet,
                             int *total_sent, int *total_failed);

/* The rows of the outbox are claimed with FOR UPDATE SKIP LOCKED, so
 * --workers N simply runs N of the single worker's loops in child processes
 * of their own, each with its own connection. */
static int mc_cmd_deliver(mc_admin *a, int argc, const char *const *argv)
{
    long loop = 0, workers = 1, batch = 500;
    for (int i = 0; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--once") == 0) {
            loop = 0;
        }
        else if (strcmp(argv[i], "--loop") == 0 && i + 1 < argc) {
            apr_interval_time_t t;
            if (mc_conf_parse_duration(argv[++i], &t) || apr_time_sec(t) < 1)
                return mc_usage("deliver --loop takes a number of seconds (1 or more)");
            loop = (long)apr_time_sec(t);
        }
        else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
            workers = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || workers < 1 || workers > 64)
                return mc_usage("deliver --workers takes a number of processes from 1 to 64");
        }
        else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            batch = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || batch < 1 || batch > 5000)
                return mc_usage("deliver --batch takes a number of notices from 1 to 5000");
        }
        else {
            return mc_usage(apr_psprintf(a->p, "deliver: unexpected argument: %s", argv[i]));
        }
    }
    int rc = mc_admin_load(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    mc_delivery_conf dc;
    memset(&dc, 0, sizeof(dc));
    const apr_array_header_t *smtp = mc_conf_args(a->conf, "MoCourtsSMTP");
    dc.smtp_host = smtp && smtp->nelts > 0 ? APR_ARRAY_IDX(smtp, 0, const char *) : "localhost";
    dc.smtp_port = 25;
    if (smtp && smtp->nelts > 1) {
        long port = strtol(APR_ARRAY_IDX(smtp, 1, const char *), NULL, 10);
        if (port < 1 || port > 65535)
            return mc_fail(
                "Invalid value for directive 'MoCourtsSMTP': the port must be 1 to 65535");
        dc.smtp_port = (unsigned)port;
    }
    dc.smtp_timeout = 30;
    dc.mail_from = mc_conf_str(a->conf, "MoCourtsMailFrom", NULL);
    if (!dc.mail_from) {
        /* The module's default: noreply@ the host of MoCourtsBaseURL. */
        apr_uri_t u;
        const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
        if (base && apr_uri_parse(a->p, base, &u) == APR_SUCCESS && u.hostname)
            dc.mail_from = apr_psprintf(a->p, "noreply@%s", u.hostname);
    }
    if (!dc.mail_from || !mc_email_ok(dc.mail_from))
        return mc_fail("MoCourtsMailFrom must be set to the court's sender address");
    dc.mail_from_name = mc_conf_str(a->conf, "MoCourtsCourtName", NULL);
    const mc_conf_directive *gw = mc_conf_find(a->conf, "MoCourtsGateway");
    if (gw && gw->args->nelts > 0)
        dc.gateway =
            mc_conf_resolve(a->p, a->conf, gw->file, APR_ARRAY_IDX(gw->args, 0, const char *));
    char host[APRMAXHOSTLEN + 1] = "localhost";
    apr_gethostname(host, sizeof(host), a->p);
    dc.worker = apr_psprintf(a->p, "admin:%s:%ld", host, (long)getpid());
    dc.batch = (int)batch;
    dc.max_attempts = 8;

    signal(SIGINT, mc_on_signal);
    signal(SIGTERM, mc_on_signal);
    int sent = 0, failed = 0;
    if (workers == 1) {
        rc = mc_admin_connect(a);
        if (rc != EXIT_SUCCESS)
            return rc;
        return mc_deliver_rounds(a, &dc, loop, 0, &sent, &failed);
    }

    /* The parent's waits end on a signal (no SA_RESTART) to pass it on. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = mc_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pid_t pid[64];
    int out[64];
    fflush(stdout);
    fflush(stderr);
    for (long w = 0; w < workers; w++) {
        int fd[2];
        if (pipe(fd) != 0 || (pid[w] = fork()) < 0) {
            for (long k = 0; k < w; k++)
                kill(pid[k], SIGTERM);
            return mc_fail("cannot start delivery worker %ld: %s", w + 1, strerror(errno));
        }
        if (pid[w] == 0) {
            signal(SIGINT, mc_on_signal);
            signal(SIGTERM, mc_on_signal);
            close(fd[0]);
            for (long k = 0; k < w; k++)
                close(out[k]);
            dc.worker = apr_psprintf(a->p, "admin:%s:%ld", host, (long)getpid());
            rc = mc_admin_connect(a);
            if (rc == EXIT_SUCCESS)
                rc = mc_deliver_rounds(a, &dc, loop, !loop, &sent, &failed);
            char line[64];
            int n = snprintf(line, sizeof(line), "%d %d\n", sent, failed);
            if (write(fd[1], line, (size_t)n) != n)
                rc = EXIT_FAILURE;
            fflush(stdout);
            fflush(stderr);
            _exit(rc);
        }
        close(fd[1]);
        out[w] = fd[0];
    }
    rc = EXIT_SUCCESS;
    for (long w = 0; w < workers; w++) {
        int st = 0, s = 0, f = 0;
        char line[64] = "";
        ssize_t n;
        /* Interrupted by a signal: pass it on, then wait on. */
        while ((n = read(out[w], line, sizeof(line) - 1)) < 0 && errno == EINTR)
            if (mc_stop)
                for (long k = w; k < workers; k++)
                    kill(pid[k], SIGTERM);
        close(out[w]);
        if (n > 0) {
            line[n] = '\0';
            if (sscanf(line, "%d %d", &s, &f) == 2) {
                sent += s;
                failed += f;
            }
        }
        while (waitpid(pid[w], &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != EXIT_SUCCESS)
            rc = EXIT_FAILURE;
    }
    if (!loop) {
        printf("sent %d, failed %d (%ld workers)\n", sent, failed, workers);
        fflush(stdout);
    }
    return rc;
}

/* Delivery rounds on a's connection: once (until a round finds less than a
 * full batch) or every loop seconds until a signal. quiet: no line for the
 * --once total (a worker process reports to its parent). */
static int mc_deliver_rounds(mc_admin *a, mc_delivery_conf *dc, long loop, int quiet,
                             int *total_sent, int *total_failed)
{
    for (;;) {
        apr_pool_t *tp;
        int sent = 0, failed = 0;
        apr_status_t rv = APR_SUCCESS;
        apr_pool_create(&tp, a->p);
        do { /* full batches: go on at once */
            int s = 0, f = 0;
            apr_pool_clear(tp);
            rv = mc_outbox_deliver(a->db, tp, dc, &s, &f);
            sent += s;
            failed += f;
            if (s + f < dc->batch)
                break;
        } while (rv == APR_SUCCESS && !mc_stop);
        apr_pool_destroy(tp);
        *total_sent += sent;
        *total_failed += failed;
        if (rv != APR_SUCCESS && !loop)
            return mc_fail("delivery stopped: %s (sent %d, failed %d)", mc_db_error(a->db), sent,
                           failed);
        if ((!loop && !quiet) || (loop && sent + failed > 0)) {
            printf("sent %d, failed %d\n", sent, failed);
            fflush(stdout);
        }
        if (!loop)
            return EXIT_SUCCESS;
        if (rv != APR_SUCCESS)
            fprintf(stderr, "%s: delivery: %s\n", mc_prog, mc_db_error(a->db));
        for (long i = 0; i < loop * 10 && !mc_stop; i++)
            apr_sleep(apr_time_from_msec(100));
        if (mc_stop)
            return EXIT_SUCCESS;
        if (mc_db_broken(a->db)) {
            const char *err;
            mc_db_close(a->db);
            a->db = NULL;
            while (!mc_stop && mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS) {
                fprintf(stderr, "%s: %s; retrying\n", mc_prog, err);
                for (long i = 0; i < loop * 10 && !mc_stop; i++)
                    apr_sleep(apr_time_from_msec(100));
            }
            if (mc_stop)
                return EXIT_SUCCESS;
        }
    }
}

/* ---- purge --------------------------------------------------------------- */

static int mc_cmd_purge(mc_admin *a, int argc, const char *const *argv)
{
    apr_interval_time_t idle;
    if (argc > 0)
        return mc_usage("purge takes no arguments");
    int rc = mc_admin_load(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    const char *why =
        mc_conf_parse_duration(mc_conf_str(a->conf, "MoCourtsSessionIdle", "30m"), &idle);
    if (why)
        return mc_fail("Invalid value for directive 'MoCourtsSessionIdle': %s", why);
    rc = mc_admin_connect(a);
    if (rc != EXIT_SUCCESS)
        return rc;
    mc_purge_counts n;
    apr_status_t rv = mc_purge_expired(a->db, (long long)apr_time_sec(idle), &n);
    if (rv != APR_SUCCESS)
        return mc_fail("purge failed: %s", mc_db_error(a->db));
    printf("purged %lld session(s), %lld code(s), %lld throttle row(s)\n", n.sessions, n.codes,
           n.throttle);
    return EXIT_SUCCESS;
}

/* ---- import-bar (import_bar.c) ------------------------------------------- */

static int mc_cmd_import_bar(mc_admin *a, int argc, const char *const *argv)
{
    if (argc != 1)
        return mc_usage("import-bar takes one argument: the CSV file");
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    return rc == EXIT_SUCCESS ? mc_import_bar(a->db, a->p, mc_prog, argv[0]) : rc;
}

/* ---- Case.net: import, generate, case-tasks ------------------------------ */


/* Remove "--casenet PATH" from the arguments: where Case.net is mounted,
 * for the links in notices (default /casenet). */
static const char *mc_casenet_path(mc_admin *a, int *argc, const char **argv)
{
    const char *path = "/casenet";
    int i, o = 0;
    for (i = 0; i < *argc; i++) {
        if (!strcmp(argv[i], "--casenet") && i + 1 < *argc)
            path = argv[++i];
        else
            argv[o++] = argv[i];
    }
    *argc = o;
    return path;
}

/* What composing notices needs, from the configuration: the templates
 * (MoCourtsTemplatesOverride, then MoCourtsTemplates), MoCourtsBaseURL +
 * the Case.net path, MoCourtsCourtName. */
static int mc_admin_case_env(mc_admin *a, const char *casenet, mc_case_env *env)
{
    const char *dirs[3] = {NULL, NULL, NULL};
    const mc_conf_directive *d;
    const char *base = mc_conf_str(a->conf, "MoCourtsBaseURL", NULL);
    int n = 0;
    if ((d = mc_conf_find(a->conf, "MoCourtsTemplatesOverride")) && d->args->nelts)
        dirs[n++] =
            mc_conf_resolve(a->p, a->conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
    if ((d = mc_conf_find(a->conf, "MoCourtsTemplates")) && d->args->nelts)
        dirs[n++] =
            mc_conf_resolve(a->p, a->conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
    else
        dirs[n++] = "/usr/share/mocourts/templates";
    if (!base)
        return mc_fail("%s: MoCourtsBaseURL is not set (needed for the links in notices)",
                       a->conf_path);
    while (*base && base[strlen(base) - 1] == '/')
        base = apr_pstrndup(a->p, base, strlen(base) - 1);
    env->tmpl = mc_tmpl_cache_create(a->p, dirs);
    env->casenet_url = apr_pstrcat(a->p, base, casenet, NULL);
    env->court_name = mc_conf_str(a->conf, "MoCourtsCourtName", "Missouri Courts");
    return env->tmpl ? EXIT_SUCCESS : mc_fail("cannot set up the template cache");
}

static int mc_cmd_import(mc_admin *a, int argc, const char *const *argv)
{
    const char **args = apr_pmemdup(a->p, argv, sizeof(*argv) * (argc + 1));
    const char *casenet = mc_casenet_path(a, &argc, args);
    mc_case_env env;
    int rc;
    if (argc != 1)
        return mc_usage("import takes one argument: the XML feed (docs/casenet-feed.xsd)");
    if ((rc = mc_admin_load(a)) != EXIT_SUCCESS || (rc = mc_admin_case_env(a, casenet, &env)) ||
        (rc = mc_admin_connect(a)))
        return rc;
    return mc_import_cases(a->db, a->p, mc_prog, &env, args[0]);
}

/* ---- eFiling: efiling-setup (efiling_setup.c) ---------------------------- */


static int mc_cmd_efiling_setup(mc_admin *a, int argc, const char *const *argv)
{
    if (argc != 1)
        return mc_usage("efiling-setup takes one argument: the XML file (docs/efiling-setup.xsd)");
    int rc = mc_admin_load(a);
    if (rc == EXIT_SUCCESS)
        rc = mc_admin_connect(a);
    return rc == EXIT_SUCCESS ? mc_efiling_setup(a->db, a->p, mc_prog, argv[0]) : rc;
}

static int mc_cmd_generate(mc_admin *a, int argc, const char *const *argv)
{
    return mc_generate(a->p, mc_prog, argc, argv);
}

static int mc_cmd_case_tasks(mc_admin *a, int argc, const char *const *argv)
{
    const char **args = apr_pmemdup(a->p, argv, sizeof(*argv) * (argc + 1));
    const char *casenet = mc_casenet_path(a, &argc, args);
    mc_case_env env;
    int rc;
    if ((rc = mc_admin_load(a)) != EXIT_SUCCESS || (rc = mc_admin_case_env(a, casenet, &env)) ||
        (rc = mc_admin_connect(a)))
        return rc;
    return mc_case_tasks_run(a->db, a->p, mc_prog, &env, argc, args);
}

/* ---- main ---------------------------------------------------------------- */

typedef struct {
    const char *name;
    int (*fn)(mc_admin *a, int argc, const char *const *argv);
} mc_command;

static const mc_command mc_commands[] = {{"migrate", mc_cmd_migrate},
                                         {"check", mc_cmd_check},
                                         {"create-admin", mc_cmd_create},
                                         {"deliver", mc_cmd_deliver},
                                         {"purge", mc_cmd_purge},
                                         {"import-bar", mc_cmd_import_bar},
                                         {"import", mc_cmd_import},
                                         {"generate", mc_cmd_generate},
                                         {"case-tasks", mc_cmd_case_tasks},
                                         {"efiling-setup", mc_cmd_efiling_setup},
                                         {NULL, NULL}};

int main(int argc, const char *const *argv)
{
    mc_admin a;
    const char *cmd = NULL;
    apr_array_header_t *rest;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS)
        return mc_fail("cannot initialise APR");
    atexit(apr_terminate);
    signal(SIGPIPE, SIG_IGN);
    memset(&a, 0, sizeof(a));
    apr_pool_create(&a.p, NULL);
    mc_log_set(mc_admin_log, NULL);
    a.conf_path = getenv("MOCOURTS_CONF") && *getenv("MOCOURTS_CONF") ? getenv("MOCOURTS_CONF")
                                                                      : MC_DEFAULT_CONF;
    /* Global options may come before or after the command. */
    rest = apr_array_make(a.p, argc, sizeof(const char *));
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0 || (!cmd && strcmp(o, "help") == 0)) {
            fputs(mc_usage_text, stdout);
            return EXIT_SUCCESS;
        }
        else if (strcmp(o, "-c") == 0 || strcmp(o, "--config") == 0) {
            if (i + 1 >= argc)
                return mc_usage(apr_psprintf(a.p, "%s needs a file name", o));
            a.conf_path = argv[++i];
        }
        else if (strncmp(o, "--config=", 9) == 0) {
            a.conf_path = o + 9;
        }
        else if (!cmd) {
            if (o[0] == '-')
                return mc_usage(apr_psprintf(a.p, "unknown option %s", o));
            cmd = o;
        }
        else {
            APR_ARRAY_PUSH(rest, const char *) = o;
        }
    }
    if (!cmd)
        return mc_usage("no command given");
    const mc_command *c = mc_commands;
    while (c->name && strcmp(c->name, cmd) != 0)
        c++;
    if (!c->name)
        return mc_usage(apr_psprintf(a.p, "unknown command '%s'", cmd));

    if (mc_crypto_init() != APR_SUCCESS)
        return mc_fail("cannot initialise libsodium");
    if (mc_db_library_init() != APR_SUCCESS)
        return mc_fail("cannot initialise the MariaDB client library");
    int rc = c->fn(&a, rest->nelts, (const char *const *)rest->elts);
    if (a.db)
        mc_db_close(a.db);
    fflush(stdout);
    return rc;
}
