/* mc_conf_table: the simple MoCourts* directives in one table (name, type,
 * bounds, default), and the one function that checks a value of each. The
 * core module's setters (mod_mocourts_config.c) and mocourts-admin (through
 * mc_conf_setting) both read values through it, so the two agree on the
 * bounds, the defaults and the error sentences. Nothing here depends on
 * httpd. Directives with rules of their own (MoCourtsBaseURL, Lockout, SMTP,
 * SessionCache, PasswordPolicy, PasswordCost, Mount, DBSocket) are not in
 * the table; the two that both readers need (Lockout, SMTP) have their
 * check here too. */
#ifndef MC_CONF_TABLE_H
#define MC_CONF_TABLE_H
#include "mc_conf.h"

#include <apr_pools.h>
#include <apr_time.h>

typedef enum {
    MC_CONF_STRING,   /* not empty, no control characters */
    MC_CONF_PATH,     /* exists now: see mc_conf_check */
    MC_CONF_NUMBER,   /* a whole number in min..max */
    MC_CONF_DURATION, /* mc_conf_parse_duration, min..max seconds */
    MC_CONF_FLAG      /* On or Off */
} mc_conf_type;

/* A rule beyond the type's. */
typedef enum {
    MC_CONF_PLAIN,
    MC_CONF_EMAIL, /* string: an e-mail address (mc_email_ok) */
    MC_CONF_TOKEN, /* string: letters, digits, '-' and '_' (a cookie name) */
    MC_CONF_DIR,   /* path: a directory */
    MC_CONF_FILE,  /* path: a regular file */
    MC_CONF_EXEC   /* path: an executable regular file */
} mc_conf_check;

typedef struct mc_conf_entry {
    const char *name; /* "MoCourtsDBPort" */
    mc_conf_type type;
    mc_conf_check check;
    long long min, max; /* number: the value; duration: seconds (max 0: none) */
    int seconds;        /* duration kept as unsigned whole seconds (mc_dbconf) */
    const char *def;    /* the default as written in a file; NULL: none */
} mc_conf_entry;

/* A value read; the member of the entry's type is set. */
typedef struct mc_conf_val {
    const char *str;         /* string, path (as given) */
    long long num;           /* number */
    apr_interval_time_t dur; /* duration */
    int on;                  /* flag */
} mc_conf_val;

/* The table, ended by an entry whose name is NULL. */
extern const mc_conf_entry mc_conf_table[];

/* The entry called name (case-insensitive), or NULL: not a simple directive. */
const mc_conf_entry *mc_conf_entry_of(const char *name);

/* Check text against e and fill out. NULL on success, else why (in p),
 * the part after "Invalid value for directive 'X': ". A path is checked
 * as given (relative to the working directory): callers that resolve it
 * first use mc_conf_path_value. */
const char *mc_conf_value(apr_pool_t *p, const mc_conf_entry *e, const char *text,
                          mc_conf_val *out);
/* A path entry's check of resolved, the path text names; the sentences
 * quote text. out->str is resolved. */
const char *mc_conf_path_value(apr_pool_t *p, const mc_conf_entry *e, const char *text,
                               const char *resolved, mc_conf_val *out);

/* MoCourtsLockout COUNT DURATION: COUNT failures (1..1000) lock for
 * DURATION (at least 1 s). NULL on success, else why (as mc_conf_value). */
const char *mc_conf_lockout(apr_pool_t *p, const char *count, const char *duration, int *failures,
                            apr_interval_time_t *time);
/* MoCourtsSMTP HOST [PORT]: a host name (letters, digits, '.', '-', ':')
 * and a port 1..65535, 25 when port is NULL. NULL on success, else why. */
const char *mc_conf_smtp(apr_pool_t *p, const char *host, const char *port, unsigned *port_out);

/* "Invalid value for directive 'name': why", in p. */
const char *mc_conf_invalid(apr_pool_t *p, const char *name, const char *why);

/* For mocourts-admin: the value of the simple directive name in conf (the
 * last one), else its default, checked as httpd checks it. APR_SUCCESS;
 * APR_NOTFOUND when name is not in the table (*err says so); APR_ENOENT
 * when neither the files nor the table give a value; APR_EINVAL with *err
 * (in p) the httpd sentence. */
apr_status_t mc_conf_setting(apr_pool_t *p, const mc_conf *conf, const char *name, mc_conf_val *out,
                             const char **err);
#endif
