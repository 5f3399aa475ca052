/* mod_mocourts_config.c: the MoCourts* directives, validated when read. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "apr_uri.h"
#include "http_core.h"

#include "mc_conf.h"
#include "mc_smtp.h"

#include <ctype.h>
#include <sodium.h>

static mc_srv_conf *the_conf;

mc_srv_conf *mc_conf_get(void)
{
    return the_conf;
}

void *mc_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    mc_srv_conf *c = apr_pcalloc(p, sizeof(*c));
    c->pool_min = -1;
    c->pool_max = -1;
    c->session_idle = -1;
    c->session_max = -1;
    c->cookie_secure = -1;
    c->cache_ttl = -1;
    c->policy = -1;
    c->hash_concurrency = -1;
    c->lockout_failures = -1;
    c->lockout_time = -1;
    c->device_code = -1;
    c->delivery = -1;
    c->delivery_interval = -1;
    c->delivery_lease = -1;
    c->mounts = apr_array_make(p, 8, sizeof(mc_mount));
    /* MoCourts* directives are global: every server shares the main one. */
    if (!s->is_virtual || the_conf == NULL)
        the_conf = c;
    return c;
}

void *mc_create_dir_conf(apr_pool_t *p, char *dir)
{
    return apr_pcalloc(p, sizeof(mc_dir_conf));
}

void *mc_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    mc_dir_conf *base = basev, *add = addv, *c = apr_palloc(p, sizeof(*c));
    c->mount = add->mount ? add->mount : base->mount;
    return c;
}

static const char *bad(cmd_parms *cmd, const char *why)
{
    return apr_psprintf(cmd->pool, "Invalid value for directive '%s': %s",
                        cmd->directive->directive, why);
}

static const char *global_only(cmd_parms *cmd)
{
    return ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

static const char *parse_int(cmd_parms *cmd, const char *arg, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno || end == arg || *end)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a whole number", arg));
    if (v < min || v > max)
        return bad(cmd, apr_psprintf(cmd->pool, "%ld is outside %ld..%ld", v, min, max));
    *out = v;
    return NULL;
}

static const char *parse_dur(cmd_parms *cmd, const char *arg, apr_interval_time_t min,
                             apr_interval_time_t *out)
{
    const char *why = mc_conf_parse_duration(arg, out);
    if (why)
        return bad(cmd, why);
    if (*out < min)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' is shorter than %" APR_TIME_T_FMT " s", arg,
                                     apr_time_sec(min)));
    return NULL;
}

/* Simple string slots, checked for emptiness and control characters. */
static const char *set_str(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = global_only(cmd);
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *name = cmd->directive->directive, *s;
    if (e)
        return e;
    if (!*arg)
        return bad(cmd, "it is empty");
    for (s = arg; *s; s++)
        if (iscntrl((unsigned char)*s))
            return bad(cmd, "it holds a control character");
    if (!strcasecmp(name, "MoCourtsDBHost"))
        c->db.host = arg;
    else if (!strcasecmp(name, "MoCourtsDBUser"))
        c->db.user = arg;
    else if (!strcasecmp(name, "MoCourtsDBPassword"))
        c->db.password = arg;
    else if (!strcasecmp(name, "MoCourtsDBName"))
        c->db.name = arg;
    else if (!strcasecmp(name, "MoCourtsCourtName"))
        c->court_name = arg;
    else if (!strcasecmp(name, "MoCourtsMailFrom")) {
        if (!mc_email_ok(arg))
            return bad(cmd, "not an e-mail address");
        c->mail_from = arg;
    }
    else if (!strcasecmp(name, "MoCourtsSessionCookie")) {
        for (s = arg; *s; s++)
            if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
                return bad(cmd, "a cookie name may hold only letters, digits, '-' and '_'");
        c->cookie = arg;
    }
    return NULL;
}

/* Paths that must exist now: a directory or a readable file. */
static const char *set_path(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *e = global_only(cmd);
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *name = cmd->directive->directive;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_finfo_t fi;
    if (e)
        return e;
    if (!path || apr_stat(&fi, path, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' does not exist", arg));
    if (!strcasecmp(name, "MoCourtsGateway") || !strcasecmp(name, "MoCourtsDBPasswordFile") ||
        !strcasecmp(name, "MoCourtsSecretFile")) {
        if (fi.filetype != APR_REG)
            return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a file", arg));
        if (!strcasecmp(name, "MoCourtsGateway")) {
            if (access(path, X_OK) != 0)
                return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not executable", arg));
            c->gateway = path;
        }
        else {
            char buf[512];
            apr_file_t *f;
            apr_size_t n = sizeof(buf) - 1;
            if (apr_file_open(&f, path, APR_READ, 0, cmd->temp_pool) != APR_SUCCESS)
                return bad(cmd, apr_psprintf(cmd->pool, "'%s' cannot be read", arg));
            if (apr_file_read(f, buf, &n) != APR_SUCCESS)
                n = 0;
            apr_file_close(f);
            buf[n] = '\0';
            buf[strcspn(buf, "\r\n")] = '\0';
            if (!*buf)
                return bad(cmd, apr_psprintf(cmd->pool, "'%s' is empty", arg));
            if (!strcasecmp(name, "MoCourtsSecretFile")) {
                /* The key of e-mailed codes (mod_mocourts_codes.c). */
                if (strlen(buf) < 32)
                    return bad(cmd, apr_psprintf(cmd->pool,
                                                 "the first line of '%s' must hold at least 32 "
                                                 "characters (e.g. openssl rand -base64 32)",
                                                 arg));
                crypto_generichash(c->code_key, sizeof(c->code_key), (const unsigned char *)buf,
                                   strlen(buf), NULL, 0);
                c->code_key_set = 1;
                sodium_memzero(buf, sizeof(buf));
                return NULL;
            }
            c->db.password = apr_pstrdup(cmd->pool, buf);
        }
        return NULL;
    }
    if (fi.filetype != APR_DIR)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a directory", arg));
    if (!strcasecmp(name, "MoCourtsTemplates"))
        c->templates = path;
    else if (!strcasecmp(name, "MoCourtsTemplatesOverride"))
        c->templates_override = path;
    else
        c->sqldir = path;
    return NULL;
}

static const char *set_db_socket(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd);
    if (e)
        return e;
    if (*arg != '/')
        return bad(cmd, "the socket must be an absolute path");
    c->db.socket = arg;
    return NULL;
}

static const char *set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *name = cmd->directive->directive, *e = global_only(cmd);
    long v;
    if (e)
        return e;
    if (!strcasecmp(name, "MoCourtsDBPort")) {
        if ((e = parse_int(cmd, arg, 1, 65535, &v)))
            return e;
        c->db.port = (unsigned)v;
    }
    else if (!strcasecmp(name, "MoCourtsDBPoolMin")) {
        if ((e = parse_int(cmd, arg, 0, 1000, &v)))
            return e;
        c->pool_min = (int)v;
    }
    else if (!strcasecmp(name, "MoCourtsDBPoolMax")) {
        if ((e = parse_int(cmd, arg, 1, 1000, &v)))
            return e;
        c->pool_max = (int)v;
    }
    else if (!strcasecmp(name, "MoCourtsHashConcurrency")) {
        if ((e = parse_int(cmd, arg, 1, 256, &v)))
            return e;
        c->hash_concurrency = (int)v;
    }
    return NULL;
}

static const char *set_duration(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *name = cmd->directive->directive, *e = global_only(cmd);
    if (e)
        return e;
    if (!strcasecmp(name, "MoCourtsSessionIdle"))
        return parse_dur(cmd, arg, apr_time_from_sec(1), &c->session_idle);
    if (!strcasecmp(name, "MoCourtsSessionMax"))
        return parse_dur(cmd, arg, apr_time_from_sec(1), &c->session_max);
    if (!strcasecmp(name, "MoCourtsSessionCacheTTL"))
        return parse_dur(cmd, arg, 0, &c->cache_ttl);
    if (!strcasecmp(name, "MoCourtsDBConnectTimeout") || !strcasecmp(name, "MoCourtsDBTimeout")) {
        apr_interval_time_t t;
        if ((e = parse_dur(cmd, arg, apr_time_from_sec(1), &t)))
            return e;
        if (t > apr_time_from_sec(3600))
            return bad(cmd, "it is longer than 1h");
        if (!strcasecmp(name, "MoCourtsDBTimeout"))
            c->db.rw_timeout = (unsigned)apr_time_sec(t);
        else
            c->db.connect_timeout = (unsigned)apr_time_sec(t);
        return NULL;
    }
    if (!strcasecmp(name, "MoCourtsDeliveryLease")) {
        if ((e = parse_dur(cmd, arg, apr_time_from_sec(3), &c->delivery_lease)))
            return e;
        return c->delivery_lease > apr_time_from_sec(3600) ? bad(cmd, "it is longer than 1h")
                                                           : NULL;
    }
    return parse_dur(cmd, arg, apr_time_from_sec(1), &c->delivery_interval);
}

static const char *set_flag(cmd_parms *cmd, void *dc, int on)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *name = cmd->directive->directive, *e = global_only(cmd);
    if (e)
        return e;
    if (!strcasecmp(name, "MoCourtsSessionSecure"))
        c->cookie_secure = on;
    else if (!strcasecmp(name, "MoCourtsNewDeviceCode"))
        c->device_code = on;
    else
        c->delivery = on;
    return NULL;
}

static const char *set_base_url(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd);
    apr_uri_t u;
    size_t n;
    if (e)
        return e;
    if (apr_uri_parse(cmd->pool, arg, &u) != APR_SUCCESS || !u.scheme || !u.hostname)
        return bad(cmd, "it must be an absolute URL such as https://courts.example.gov");
    if (strcasecmp(u.scheme, "https") && strcasecmp(u.scheme, "http"))
        return bad(cmd, "the scheme must be https (or http for a test site)");
    if (u.query || u.fragment || u.user || u.password)
        return bad(cmd, "it may not hold a query, fragment or credentials");
    n = strlen(arg);
    while (n > 0 && arg[n - 1] == '/')
        n--;
    c->base_url = apr_pstrndup(cmd->pool, arg, n);
    c->base_origin = apr_psprintf(cmd->pool, "%s://%s%s%s", apr_pstrdup(cmd->pool, u.scheme),
                                  u.hostname, u.port_str ? ":" : "", u.port_str ? u.port_str : "");
    ap_str_tolower((char *)c->base_origin);
    return NULL;
}

static const char *set_policy(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd);
    if (e)
        return e;
    if ((c->policy = mc_policy_parse(arg)) < 0)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a preset: use court or strict", arg));
    return NULL;
}

static const char *set_cost(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd);
    if (e)
        return e;
    if ((e = mc_pwcost_parse(arg, &c->cost)))
        return bad(cmd, e);
    c->cost_spec = arg;
    return NULL;
}

static const char *set_lockout(cmd_parms *cmd, void *dc, const char *n, const char *t)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd);
    long v;
    if (e || (e = parse_int(cmd, n, 1, 1000, &v)))
        return e;
    c->lockout_failures = (int)v;
    return parse_dur(cmd, t, apr_time_from_sec(1), &c->lockout_time);
}

static const char *set_smtp(cmd_parms *cmd, void *dc, const char *host, const char *port)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd), *s;
    long v = 25;
    if (e)
        return e;
    for (s = host; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '.' || *s == '-' || *s == ':'))
            return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a host name", host));
    if (port && (e = parse_int(cmd, port, 1, 65535, &v)))
        return e;
    c->smtp_host = host;
    c->smtp_port = (unsigned)v;
    return NULL;
}

static const char *set_cache(cmd_parms *cmd, void *dc, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *e = global_only(cmd), *name;
    char *sep;
    if (e)
        return e;
    if (!strcasecmp(arg, "none")) {
        c->cache_spec = "none";
        return NULL;
    }
    name = apr_pstrdup(cmd->temp_pool, arg);
    if ((sep = strchr(name, ':')))
        *sep = '\0';
    if (!ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION))
        return bad(cmd, apr_psprintf(cmd->pool,
                                     "no socache provider '%s' is loaded (LoadModule "
                                     "socache_%s_module first, or say none)",
                                     name, name));
    c->cache_spec = arg;
    return NULL;
}

/* MoCourtsMount PLUGIN, inside <Location /path>. */
static const char *set_mount(cmd_parms *cmd, void *dcv, const char *name)
{
    mc_dir_conf *dc = dcv;
    mc_srv_conf *c = the_conf;
    const mc_plugin *pl;
    mc_mount *m;
    const char *path;
    size_t n;
    int i;

    if (!cmd->path || cmd->directive->parent == NULL ||
        strcasecmp(cmd->directive->parent->directive, "<Location"))
        return "MoCourtsMount must be placed inside a <Location /path> section.";
    if (ap_strchr_c(cmd->directive->parent->args, '~'))
        return "MoCourtsMount needs a plain <Location /path>, not a regular expression.";
    pl = ap_lookup_provider(MC_PLUGIN_GROUP, name, MC_PLUGIN_GROUP_VERSION);
    if (!pl)
        return apr_psprintf(cmd->pool,
                            "MoCourtsMount: there is no plugin named '%s'. Load its module "
                            "with LoadModule before this line, or check the spelling.",
                            name);
    if (pl->abi_major != MC_ABI_MAJOR)
        return apr_psprintf(cmd->pool,
                            "MoCourtsMount: plugin '%s' is built for mod_mocourts ABI "
                            "version %u.%u, but this mod_mocourts has ABI %d.%d; rebuild the "
                            "plugin against this version.",
                            name, pl->abi_major, pl->abi_minor, MC_ABI_MAJOR, MC_ABI_MINOR);
    if (pl->abi_minor > MC_ABI_MINOR)
        return apr_psprintf(cmd->pool,
                            "MoCourtsMount: plugin '%s' needs mod_mocourts ABI %u.%u, but "
                            "this mod_mocourts has only %d.%d; upgrade mod_mocourts.",
                            name, pl->abi_major, pl->abi_minor, MC_ABI_MAJOR, MC_ABI_MINOR);
    path = cmd->path;
    n = strlen(path);
    while (n > 0 && path[n - 1] == '/')
        n--;
    path = apr_pstrndup(cmd->pool, path, n);
    if (*path && *path != '/')
        return "MoCourtsMount: the <Location> path must start with '/'.";
    for (i = 0; i < c->mounts->nelts; i++) {
        mc_mount *o = &APR_ARRAY_IDX(c->mounts, i, mc_mount);
        if (!strcmp(o->path, path))
            return apr_psprintf(cmd->pool,
                                "MoCourtsMount: the path '%s' already has plugin '%s' "
                                "mounted; one path takes one plugin.",
                                *path ? path : "/", o->plugin->name);
        if (o->plugin == pl)
            return apr_psprintf(cmd->pool,
                                "MoCourtsMount: plugin '%s' is already mounted at '%s'; "
                                "mount each plugin once.",
                                name, *o->path ? o->path : "/");
    }
    m = apr_array_push(c->mounts);
    m->plugin = pl;
    m->path = path;
    dc->mount = m;
    return NULL;
}

const mc_mount *mc_mount_of(const char *plugin_name)
{
    int i;
    for (i = 0; the_conf && i < the_conf->mounts->nelts; i++) {
        const mc_mount *m = &APR_ARRAY_IDX(the_conf->mounts, i, mc_mount);
        if (!strcmp(m->plugin->name, plugin_name))
            return m;
    }
    return NULL;
}

#define UNSET_INT(f, v)                                                                            \
    if (c->f < 0)                                                                                  \
    c->f = (v)

const char *mc_conf_finish(apr_pool_t *p, mc_srv_conf *c)
{
    if (!c->db.host)
        c->db.host = "localhost";
    if (!c->db.name)
        c->db.name = "mocourts";
    if (!c->db.connect_timeout)
        c->db.connect_timeout = 3;
    if (!c->db.rw_timeout)
        c->db.rw_timeout = 10;
    if (!c->db.user)
        return "MoCourtsDBUser is required: the MariaDB user mod_mocourts connects as.";
    if (!c->base_url)
        return "MoCourtsBaseURL is required: the site's public address, used in e-mailed links.";
    UNSET_INT(pool_min, 0);
    UNSET_INT(pool_max, 16);
    if (c->pool_min > c->pool_max)
        return apr_psprintf(p,
                            "Invalid value for directive 'MoCourtsDBPoolMin': %d is more "
                            "than MoCourtsDBPoolMax (%d)",
                            c->pool_min, c->pool_max);
    if (!c->cookie)
        c->cookie = "__Host-mocourts";
    UNSET_INT(cookie_secure, 1);
    if (!strncmp(c->cookie, "__Host-", 7) && !c->cookie_secure)
        return "Invalid value for directive 'MoCourtsSessionSecure': a __Host- cookie must be "
               "Secure; choose another MoCourtsSessionCookie for a plain-HTTP test site.";
    UNSET_INT(session_idle, apr_time_from_sec(30 * 60));
    UNSET_INT(session_max, apr_time_from_sec(12 * 3600));
    if (c->session_idle > c->session_max)
        return "Invalid value for directive 'MoCourtsSessionIdle': it is longer than "
               "MoCourtsSessionMax.";
    if (!c->cache_spec)
        c->cache_spec = "none";
    UNSET_INT(cache_ttl, apr_time_from_sec(2));
    if (!c->court_name)
        c->court_name = "Missouri Courts";
    if (!c->templates)
        c->templates = "/usr/share/mocourts/templates";
    if (!c->sqldir)
        c->sqldir = "/usr/share/mocourts/sql";
    UNSET_INT(policy, MC_POLICY_COURT);
    if (!c->cost_spec) {
        mc_pwcost_parse("interactive", &c->cost);
        c->cost_spec = "interactive";
    }
    UNSET_INT(hash_concurrency, 4);
    UNSET_INT(lockout_failures, 5);
    UNSET_INT(lockout_time, apr_time_from_sec(30 * 60));
    UNSET_INT(device_code, 1);
    if (!c->smtp_host) {
        c->smtp_host = "localhost";
        c->smtp_port = 25;
    }
    if (!c->mail_from) {
        apr_uri_t u;
        apr_uri_parse(p, c->base_url, &u);
        c->mail_from = apr_psprintf(p, "noreply@%s", u.hostname);
    }
    UNSET_INT(delivery, 1);
    UNSET_INT(delivery_interval, apr_time_from_sec(5));
    UNSET_INT(delivery_lease, apr_time_from_sec(30));
    return NULL;
}

#define STR(n, h) AP_INIT_TAKE1(n, set_str, NULL, RSRC_CONF, h)
#define NUM(n, h) AP_INIT_TAKE1(n, set_number, NULL, RSRC_CONF, h)
#define DUR(n, h) AP_INIT_TAKE1(n, set_duration, NULL, RSRC_CONF, h)
#define FLAG(n, h) AP_INIT_FLAG(n, set_flag, NULL, RSRC_CONF, h)
#define PATH(n, h) AP_INIT_TAKE1(n, set_path, NULL, RSRC_CONF, h)

const command_rec mc_cmds[] = {
    STR("MoCourtsDBHost", "MariaDB host name (default localhost)"),
    AP_INIT_TAKE1("MoCourtsDBSocket", set_db_socket, NULL, RSRC_CONF, "MariaDB unix socket path"),
    NUM("MoCourtsDBPort", "MariaDB TCP port (default 3306)"),
    STR("MoCourtsDBUser", "MariaDB user"),
    STR("MoCourtsDBPassword", "MariaDB password (prefer MoCourtsDBPasswordFile)"),
    PATH("MoCourtsDBPasswordFile", "A file whose first line is the MariaDB password"),
    PATH("MoCourtsSecretFile",
         "A file whose first line keys the hashes of e-mailed codes (the same on every node)"),
    STR("MoCourtsDBName", "MariaDB database (default mocourts)"),
    NUM("MoCourtsDBPoolMin", "Connections opened per process at start (default 0)"),
    NUM("MoCourtsDBPoolMax", "Most connections per process (default 16)"),
    DUR("MoCourtsDBConnectTimeout", "How long to wait for a connection (default 3s)"),
    DUR("MoCourtsDBTimeout", "How long to wait for a read or write (default 10s)"),
    STR("MoCourtsSessionCookie", "Session cookie name (default __Host-mocourts)"),
    DUR("MoCourtsSessionIdle", "Idle timeout of a session (default 30m)"),
    DUR("MoCourtsSessionMax", "Absolute timeout of a session (default 12h)"),
    FLAG("MoCourtsSessionSecure", "Secure cookie flag (default On)"),
    AP_INIT_TAKE1("MoCourtsSessionCache", set_cache, NULL, RSRC_CONF,
                  "Shared-memory session cache: none or a socache spec such as shmcb"),
    DUR("MoCourtsSessionCacheTTL", "How long a node trusts a cached session (default 2s)"),
    AP_INIT_TAKE1("MoCourtsBaseURL", set_base_url, NULL, RSRC_CONF,
                  "The site's public base URL, used in e-mailed links"),
    STR("MoCourtsCourtName", "The court's display name"),
    PATH("MoCourtsTemplates", "Templates directory"),
    PATH("MoCourtsTemplatesOverride", "The site's template overrides, searched first"),
    PATH("MoCourtsSQLDir", "Directory of SQL migrations"),
    AP_INIT_TAKE1("MoCourtsPasswordPolicy", set_policy, NULL, RSRC_CONF,
                  "Password policy preset: court or strict"),
    AP_INIT_TAKE1("MoCourtsPasswordCost", set_cost, NULL, RSRC_CONF,
                  "Argon2id cost: interactive, moderate, sensitive or ops=N,mem=SIZE"),
    NUM("MoCourtsHashConcurrency", "Password hashes run at once per process (default 4)"),
    AP_INIT_TAKE2("MoCourtsLockout", set_lockout, NULL, RSRC_CONF,
                  "Failures before lock-out and its duration (default 5 30m)"),
    FLAG("MoCourtsNewDeviceCode", "E-mail a code at logon from a new device (default On)"),
    AP_INIT_TAKE12("MoCourtsSMTP", set_smtp, NULL, RSRC_CONF,
                   "SMTP relay host and port (default localhost 25)"),
    STR("MoCourtsMailFrom", "Sender address of the court's e-mail"),
    PATH("MoCourtsGateway", "SMS/voice gateway command"),
    FLAG("MoCourtsDelivery", "Deliver the outbox from this server (default On)"),
    DUR("MoCourtsDeliveryInterval", "How often the outbox is delivered (default 5s)"),
    DUR("MoCourtsDeliveryLease",
        "How long a delivery worker's claim on notices lasts unless renewed; a dead "
        "worker's notices go to another after it (default 30s)"),
    AP_INIT_TAKE1("MoCourtsMount", set_mount, NULL, ACCESS_CONF,
                  "Mount a mod_mocourts plugin at this <Location>"),
    {NULL}};
