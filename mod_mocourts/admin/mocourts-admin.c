/* mocourts-admin: schema migrations, the first accounts, checks, outbox
 * delivery, imports and housekeeping, run from the shell against the same
 * configuration file Apache reads (docs/mocourts-admin.8). This file holds
 * the command line (global options, then the command's own, each command's
 * through getopt_long with its table in commands.c) and the helpers the
 * commands share (admin.h); each command is in its own file. Exit status: 0 success, 1
 * failure, 2 usage. Never prints a password. */
#include "admin.h"
#include "mc_conf.h"
#include "mc_conf_table.h"
#include "mc_crypto.h"
#include "mc_db.h"
#include "mc_log.h"
#include "progress.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ------------------------------------------------------------ */

int mc_admin_fail(const char *fmt, ...)
{
    va_list ap;
    mc_progress_clear();
    fprintf(stderr, "%s: ", MC_ADMIN_PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

/* "usage: mocourts-admin [-c CONFIG] CMD ARGS OPTIONS" on out. */
static void mc_admin_usage_line(FILE *out, const mc_admin_cmd *cmd)
{
    fprintf(out, "usage: %s [-c CONFIG] %s%s%s%s%s\n", MC_ADMIN_PROG, cmd->name,
            *cmd->args ? " " : "", cmd->args, *cmd->synopsis ? " " : "", cmd->synopsis);
}

int mc_admin_usage(const mc_admin_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    mc_progress_clear();
    fprintf(stderr, "%s: %s: ", MC_ADMIN_PROG, cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    mc_admin_usage_line(stderr, cmd);
    fprintf(stderr, "Run '%s %s --help' for its options.\n", MC_ADMIN_PROG, cmd->name);
    return MC_EXIT_USAGE;
}

/* A usage error before any command is known. */
static int mc_admin_usage_global(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int mc_admin_usage_global(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", MC_ADMIN_PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr,
            "\nusage: %s [-c CONFIG] [-q] COMMAND [OPTIONS] [ARGS]\n"
            "Run '%s --help' for the commands.\n",
            MC_ADMIN_PROG, MC_ADMIN_PROG);
    return MC_EXIT_USAGE;
}

static const char mc_admin_exit_help[] = "Exit status: 0 success, 1 failure, 2 usage error.\n";

static void mc_admin_help(void)
{
    printf("usage: %s [-c CONFIG] [-q] COMMAND [OPTIONS] [ARGS]\n"
           "       %s help COMMAND | COMMAND --help\n"
           "       %s --version\n"
           "\n"
           "Commands:\n",
           MC_ADMIN_PROG, MC_ADMIN_PROG, MC_ADMIN_PROG);
    for (const mc_admin_cmd *c = mc_admin_commands; c->name; c++) {
        char head[64];
        snprintf(head, sizeof(head), "%s%s%s", c->name, *c->args ? " " : "", c->args);
        printf("  %-28s%s\n", head, c->summary);
    }
    printf("\nOptions (-c, -q and -h also after the command):\n%s"
           "      --version        print the version\n"
           "\n%s"
           "'%s COMMAND --help' shows a command's options; man mocourts-admin says more.\n",
           mc_admin_common_help, mc_admin_exit_help, MC_ADMIN_PROG);
}

static void mc_admin_cmd_help(const mc_admin_cmd *cmd)
{
    mc_admin_usage_line(stdout, cmd);
    printf("\n%s\nCommon options (before or after the command):\n%s\n%s", cmd->help,
           mc_admin_common_help, mc_admin_exit_help);
}

/* The library's messages: warnings and errors on stderr. */
static void mc_admin_log(void *baton, int level, const char *file, int line, const char *fmt,
                         va_list ap)
{
    if (level > MC_LOG_WARNING && !getenv("MOCOURTS_DEBUG"))
        return;
    mc_progress_clear();
    fprintf(stderr, "%s: ", MC_ADMIN_PROG);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* ---- what the commands share --------------------------------------------- */

int mc_admin_load(mc_admin *a)
{
    const char *err;
    if (mc_conf_read(a->p, a->conf_path, &a->conf, &err) != APR_SUCCESS)
        return mc_admin_fail("%s", err);
    return EXIT_SUCCESS;
}

int mc_admin_connect(mc_admin *a)
{
    const char *err;
    if (mc_conf_dbconf(a->p, a->conf, &a->dbconf, &err) != APR_SUCCESS)
        return mc_admin_fail("%s: %s", a->conf_path, err);
    if (mc_db_open(a->p, &a->dbconf, &a->db, &err) != APR_SUCCESS)
        return mc_admin_fail("%s", err);
    return EXIT_SUCCESS;
}

const char *mc_admin_sqldir(const mc_admin *a)
{
    const mc_conf_directive *d = mc_conf_find(a->conf, "MoCourtsSQLDir");
    if (!d || d->args->nelts < 1)
        return MC_DEFAULT_SQLDIR;
    return mc_conf_resolve(a->p, a->conf, d->file, APR_ARRAY_IDX(d->args, 0, const char *));
}

/* What composing notices needs, from the configuration: the templates
 * (MoCourtsTemplatesOverride, then MoCourtsTemplates), MoCourtsBaseURL +
 * the Case.net path, MoCourtsCourtName. */
int mc_admin_case_env(mc_admin *a, const char *casenet, mc_case_env *env)
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
        dirs[n++] = mc_conf_entry_of("MoCourtsTemplates")->def;
    if (!base)
        return mc_admin_fail("%s: MoCourtsBaseURL is not set (needed for the links in notices)",
                             a->conf_path);
    while (*base && base[strlen(base) - 1] == '/')
        base = apr_pstrndup(a->p, base, strlen(base) - 1);
    env->tmpl = mc_tmpl_cache_create(a->p, dirs);
    env->casenet_url = apr_pstrcat(a->p, base, casenet, NULL);
    mc_conf_val v;
    const char *why = NULL;
    if (mc_conf_setting(a->p, a->conf, "MoCourtsCourtName", &v, &why) != APR_SUCCESS)
        return mc_admin_fail("%s", why ? why : "MoCourtsCourtName has no value");
    env->court_name = v.str;
    return env->tmpl ? EXIT_SUCCESS : mc_admin_fail("cannot set up the template cache");
}

/* ---- the command line ---------------------------------------------------- */

static const mc_admin_cmd *mc_admin_find(const char *name)
{
    for (const mc_admin_cmd *c = mc_admin_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* The options every command takes, after its own. */
static const struct option mc_common_opts[] = {{"config", required_argument, NULL, MC_OPT_CONFIG},
                                               {"quiet", no_argument, NULL, MC_OPT_QUIET},
                                               {"help", no_argument, NULL, MC_OPT_HELP},
                                               {NULL, 0, NULL, 0}};

/* The option as written, for a message: "--loop" of "--loop=5", "-x". */
static const char *mc_opt_written(apr_pool_t *p, const char *arg, int letter)
{
    if (arg && arg[0] == '-' && arg[1] == '-')
        return apr_pstrndup(p, arg, strcspn(arg, "="));
    return apr_psprintf(p, "-%c", letter ? letter : '?');
}

/* Parse argv[0] = the command, argv[1..] its options and arguments, into
 * out. The common options act on a; -h/--help sets *help. Returns
 * EXIT_SUCCESS, or MC_EXIT_USAGE after saying why. */
static int mc_admin_parse(mc_admin *a, const mc_admin_cmd *cmd, int argc, char **argv, mc_args *out,
                          int *help)
{
    int nown = 0, ncommon = sizeof(mc_common_opts) / sizeof(mc_common_opts[0]);
    while (cmd->options && cmd->options[nown].name)
        nown++;
    struct option *all = apr_pcalloc(a->p, sizeof(*all) * (nown + ncommon));
    if (nown)
        memcpy(all, cmd->options, sizeof(*all) * nown);
    memcpy(all + nown, mc_common_opts, sizeof(mc_common_opts));
    apr_array_header_t *pos = apr_array_make(a->p, 4, sizeof(const char *));
    out->cmd = cmd;
    out->opts = apr_array_make(a->p, 4, sizeof(mc_opt));
    /* "-": arguments come back in order as 1; ":": a missing value as ':'. */
    optind = 0;
    opterr = 0;
    for (;;) {
        int prev = optind ? optind : 1;
        int c = getopt_long(argc, argv, "-:c:qh", all, NULL);
        const char *written = argv[prev < argc ? prev : argc - 1];
        if (c == -1)
            break;
        switch (c) {
        case 1:
            APR_ARRAY_PUSH(pos, const char *) = optarg;
            break;
        case MC_OPT_CONFIG:
            a->conf_path = optarg;
            break;
        case MC_OPT_QUIET:
            mc_progress_silence();
            break;
        case MC_OPT_HELP:
            *help = 1;
            break;
        case ':':
            return mc_admin_usage(cmd, "option '%s' needs a value",
                                  mc_opt_written(a->p, argv[optind - 1], optopt));
        case '?': /* unknown, ambiguous, or a value given to a flag */
            if (written[0] == '-' && written[1] == '-' && optopt && strchr(written, '='))
                return mc_admin_usage(cmd, "option '%s' takes no value",
                                      mc_opt_written(a->p, written, 0));
            if (written[0] == '-' && written[1] == '-')
                return mc_admin_usage(cmd, "unknown option '%s'", mc_opt_written(a->p, written, 0));
            return mc_admin_usage(cmd, "unknown option '-%c'", optopt ? optopt : '?');
        default: {
            mc_opt *o = apr_array_push(out->opts);
            o->id = c;
            o->arg = optarg;
        }
        }
    }
    for (; optind < argc; optind++) /* after "--" */
        APR_ARRAY_PUSH(pos, const char *) = argv[optind];
    out->npos = pos->nelts;
    out->pos = (const char *const *)pos->elts;
    if (*help)
        return EXIT_SUCCESS;
    if (out->npos > cmd->max_args)
        return mc_admin_usage(cmd, "unexpected argument '%s'", out->pos[cmd->max_args]);
    if (out->npos < cmd->min_args)
        return mc_admin_usage(cmd, "missing %s", cmd->args);
    return EXIT_SUCCESS;
}

int main(int argc, const char *const *argv)
{
    static const struct option global[] = {{"config", required_argument, NULL, MC_OPT_CONFIG},
                                           {"quiet", no_argument, NULL, MC_OPT_QUIET},
                                           {"help", no_argument, NULL, MC_OPT_HELP},
                                           {"version", no_argument, NULL, MC_OPT_VERSION},
                                           {NULL, 0, NULL, 0}};
    mc_admin a;
    int c, help = 0;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS)
        return mc_admin_fail("cannot initialise APR");
    atexit(apr_terminate);
    signal(SIGPIPE, SIG_IGN);
    memset(&a, 0, sizeof(a));
    apr_pool_create(&a.p, NULL);
    mc_log_set(mc_admin_log, NULL);
    a.conf_path = getenv("MOCOURTS_CONF") && *getenv("MOCOURTS_CONF") ? getenv("MOCOURTS_CONF")
                                                                      : MC_DEFAULT_CONF;
    /* getopt permutes its argv: a copy of our own. */
    char **av = apr_pcalloc(a.p, sizeof(char *) * (argc + 1));
    for (int i = 0; i < argc; i++)
        av[i] = apr_pstrdup(a.p, argv[i]);

    /* The global options, up to the command ("+": stop at it). */
    opterr = 0;
    while ((c = getopt_long(argc, av, "+:c:qh", global, NULL)) != -1) {
        switch (c) {
        case MC_OPT_CONFIG:
            a.conf_path = optarg;
            break;
        case MC_OPT_QUIET:
            mc_progress_silence();
            break;
        case MC_OPT_HELP:
            mc_admin_help();
            return EXIT_SUCCESS;
        case MC_OPT_VERSION:
            printf("%s %s\n", MC_ADMIN_PROG, MC_VERSION);
            return EXIT_SUCCESS;
        case ':':
            return mc_admin_usage_global("option '%s' needs a value",
                                         mc_opt_written(a.p, av[optind - 1], optopt));
        default:
            return mc_admin_usage_global("unknown option '%s'",
                                         optopt ? apr_psprintf(a.p, "-%c", optopt)
                                                : mc_opt_written(a.p, av[optind - 1], 0));
        }
    }
    if (optind >= argc)
        return mc_admin_usage_global("no command given");
    const char *name = av[optind];
    if (!strcmp(name, "help")) { /* help [COMMAND] */
        if (optind + 1 >= argc) {
            mc_admin_help();
            return EXIT_SUCCESS;
        }
        const mc_admin_cmd *cmd = mc_admin_find(av[optind + 1]);
        if (!cmd)
            return mc_admin_usage_global("unknown command '%s'", av[optind + 1]);
        if (optind + 2 < argc)
            return mc_admin_usage(cmd, "unexpected argument '%s'", av[optind + 2]);
        mc_admin_cmd_help(cmd);
        return EXIT_SUCCESS;
    }
    const mc_admin_cmd *cmd = mc_admin_find(name);
    if (!cmd)
        return mc_admin_usage_global("unknown command '%s'", name);
    mc_args args;
    int rc = mc_admin_parse(&a, cmd, argc - optind, av + optind, &args, &help);
    if (rc != EXIT_SUCCESS)
        return rc;
    if (help) {
        mc_admin_cmd_help(cmd);
        return EXIT_SUCCESS;
    }

    if (mc_crypto_init() != APR_SUCCESS)
        return mc_admin_fail("cannot initialise libsodium");
    if (mc_db_library_init() != APR_SUCCESS)
        return mc_admin_fail("cannot initialise the MariaDB client library");
    rc = cmd->run(&a, &args);
    mc_progress_end();
    if (a.db)
        mc_db_close(a.db);
    fflush(stdout);
    return rc;
}
