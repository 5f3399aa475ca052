/* admin.h: what the files of mocourts-admin share. mocourts-admin.c
 * parses the command line (getopt_long, one option table per command, in
 * commands.c) and calls the command's run function with the options in
 * the order given; each command checks their values, does its work and
 * returns an exit status, reporting its own errors on stderr.
 *
 * Exit status: 0 success, 1 failure, 2 usage (MC_EXIT_USAGE). */
#ifndef MC_ADMIN_H
#define MC_ADMIN_H

#include "mc_case.h"
#include "mc_conf.h"
#include "mc_db.h"

#include <apr_pools.h>
#include <apr_tables.h>
#include <getopt.h>

#define MC_ADMIN_PROG "mocourts-admin"
#define MC_DEFAULT_CONF "/etc/apache2/conf-available/mocourts.conf"
#define MC_DEFAULT_SQLDIR "/usr/share/mocourts/sql"
#define MC_EXIT_USAGE 2

/* The options' ids (struct option's val): the common ones by their short
 * letter, the others from 256 on. */
enum {
    MC_OPT_CONFIG = 'c',
    MC_OPT_HELP = 'h',
    MC_OPT_QUIET = 'q',
    MC_OPT_VERSION = 256,
    MC_OPT_ROLE,
    MC_OPT_NEW_ROLE,
    MC_OPT_NO_ROLE,
    MC_OPT_SCOPE,
    MC_OPT_MUST_CHANGE,
    MC_OPT_FIRST_NAME,
    MC_OPT_LAST_NAME,
    MC_OPT_ONCE,
    MC_OPT_LOOP,
    MC_OPT_WORKERS,
    MC_OPT_BATCH,
    MC_OPT_CASENET,
    MC_OPT_AT,
    MC_OPT_DIGEST_TIME,
    MC_OPT_SEED,
    MC_OPT_CASES,
    MC_OPT_COURTS,
    MC_OPT_PARTIES,
    MC_OPT_SINCE,
    MC_OPT_ACCOUNT,
    MC_OPT_EVENT,
    MC_OPT_FORMAT,
};

typedef struct mc_admin {
    apr_pool_t *p;
    const char *conf_path;
    mc_conf *conf; /* after mc_admin_load */
    mc_dbconf dbconf;
    mc_db *db; /* after mc_admin_connect; main closes it */
} mc_admin;

/* One of the command's own options, as given. */
typedef struct mc_opt {
    int id;          /* MC_OPT_* */
    const char *arg; /* its value, or NULL */
} mc_opt;

typedef struct mc_admin_cmd mc_admin_cmd;

/* A command line, parsed: options (mc_opt, in order; the common ones are
 * handled and left out) and the arguments that are not options. */
typedef struct mc_args {
    const mc_admin_cmd *cmd;
    apr_array_header_t *opts;
    int npos;
    const char *const *pos;
} mc_args;

struct mc_admin_cmd {
    const char *name;
    const char *args; /* its arguments in the usage line ("FILE"), or "" */
    int min_args, max_args;
    const char *synopsis;         /* its options in the usage line, or "" */
    const char *summary;          /* one line, for the list of commands */
    const char *help;             /* what it does and its options, for CMD --help */
    const struct option *options; /* its own, {0}-terminated; NULL: none */
    int (*run)(mc_admin *a, const mc_args *args);
};

/* commands.c: every command, NULL-terminated by name; the common options. */
extern const mc_admin_cmd mc_admin_commands[];
extern const char mc_admin_common_help[]; /* -c, -q, -h: one line each */

/* mocourts-admin.c: the helpers every command uses. */
/* "mocourts-admin: <why>" on stderr (the progress line erased first);
 * returns 1. */
int mc_admin_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "mocourts-admin: CMD: why" and the command's usage line on stderr;
 * returns MC_EXIT_USAGE. */
int mc_admin_usage(const mc_admin_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Read the configuration (after a command has checked its arguments). */
int mc_admin_load(mc_admin *a);
/* Open the database the configuration names. */
int mc_admin_connect(mc_admin *a);
/* MoCourtsSQLDir, resolved. */
const char *mc_admin_sqldir(const mc_admin *a);
/* What composing notices needs (templates, links under casenet). */
int mc_admin_case_env(mc_admin *a, const char *casenet, mc_case_env *env);

/* The commands, one file each (the file named after the command). */
int mc_cmd_migrate(mc_admin *a, const mc_args *args);       /* migrate.c */
int mc_cmd_check(mc_admin *a, const mc_args *args);         /* check.c */
int mc_cmd_purge(mc_admin *a, const mc_args *args);         /* purge.c */
int mc_cmd_import_bar(mc_admin *a, const mc_args *args);    /* import_bar_cmd.c */
int mc_cmd_import(mc_admin *a, const mc_args *args);        /* import_cases.c */
int mc_cmd_efiling_setup(mc_admin *a, const mc_args *args); /* efiling_setup.c */
int mc_cmd_create_admin(mc_admin *a, const mc_args *args);  /* create_admin.c */
int mc_cmd_deliver(mc_admin *a, const mc_args *args);       /* deliver.c */
int mc_cmd_generate(mc_admin *a, const mc_args *args);      /* generate.c */
int mc_cmd_case_tasks(mc_admin *a, const mc_args *args);    /* case_tasks.c */
int mc_cmd_audit(mc_admin *a, const mc_args *args);         /* audit.c */

/* The work behind import-bar, import and efiling-setup, in the files
 * named. Each returns an exit status and reports its own errors on
 * stderr, prefixed with prog. */
/* import_bar.c */
int mc_import_bar(mc_db *db, apr_pool_t *p, const char *prog, const char *path);
/* import_cases.c */
int mc_import_cases(mc_db *db, apr_pool_t *p, const char *prog, const mc_case_env *env,
                    const char *path);
/* efiling_setup.c */
int mc_efiling_setup(mc_db *db, apr_pool_t *p, const char *prog, const char *path);

#endif
