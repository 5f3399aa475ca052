/* mod_mocourts_config.c: the MoCourts* directives, validated when read. */
#include "mod_mocourts_private.h"
#include "mc_db_hosts.h"

#include "apr_strings.h"
#include "apr_uri.h"
#include "http_core.h"

#include "mc_conf.h"
#include "mc_conf_table.h"
#include "mc_smtp.h"

#include <ctype.h>
#include <sodium.h>

static mc_srv_conf *the_conf;
static const command_rec *cmd_of(const char *name);
static void *slot_of(mc_srv_conf *c, const void *info);
static void slot_clear(const mc_conf_entry *e, void *at);

mc_srv_conf *mc_conf_get(void)
{
    return the_conf;
}

void *mc_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    mc_srv_conf *c = apr_pcalloc(p, sizeof(*c));
    const mc_conf_entry *e;
    for (e = mc_conf_table; e->name; e++) {
        const command_rec *r = cmd_of(e->name);
        if (r && e->def)
            slot_clear(e, slot_of(c, r->cmd_data));
    }
    c->policy = -1;
    c->lockout_failures = -1;
    c->lockout_time = -1;
    c->api_limit = -1;
    c->api_window = -1;
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

/* ---- the simple directives: mc_conf_table, one setter per type ---------- */

/* The command_rec of name: its cmd_data is the offset of the directive's
 * slot in mc_srv_conf. */
static const command_rec *cmd_of(const char *name)
{
    const command_rec *r;
    for (r = mc_cmds; r->name; r++)
        if (!strcasecmp(r->name, name))
            return r;
    return NULL;
}

static void *slot_of(mc_srv_conf *c, const void *info)
{
    return (char *)c + (apr_size_t)info;
}

/* Every slot is of the type its entry says: const char * (string, path),
 * int (number, flag; db.port is an unsigned of the same size), unsigned
 * seconds (mc_dbconf's timeouts) or apr_interval_time_t. */
static void slot_store(const mc_conf_entry *e, void *at, const mc_conf_val *v)
{
    switch (e->type) {
    case MC_CONF_STRING:
    case MC_CONF_PATH:
        *(const char **)at = v->str;
        break;
    case MC_CONF_NUMBER:
        *(int *)at = (int)v->num;
        break;
    case MC_CONF_FLAG:
        *(int *)at = v->on;
        break;
    case MC_CONF_DURATION:
        if (e->seconds)
            *(unsigned *)at = (unsigned)apr_time_sec(v->dur);
        else
            *(apr_interval_time_t *)at = v->dur;
        break;
    }
}

/* Unset: NULL, -1, or 0 seconds (a timeout is at least 1 s). */
static void slot_clear(const mc_conf_entry *e, void *at)
{
    mc_conf_val v = {NULL, -1, -1, -1};
    if (e->type == MC_CONF_DURATION && e->seconds)
        v.dur = 0;
    slot_store(e, at, &v);
}

static int slot_unset(const mc_conf_entry *e, const void *at)
{
    switch (e->type) {
    case MC_CONF_STRING:
    case MC_CONF_PATH:
        return *(const char *const *)at == NULL;
    case MC_CONF_DURATION:
        return e->seconds ? *(const unsigned *)at == 0 : *(const apr_interval_time_t *)at < 0;
    default:
        return *(const int *)at == -1;
    }
}

/* The table's entry of this directive, if it is of type t. */
static const char *entry_for(cmd_parms *cmd, mc_conf_type t, const mc_conf_entry **e)
{
    const char *err = global_only(cmd);
    if (err)
        return err;
    *e = mc_conf_entry_of(cmd->directive->directive);
    if (!*e || (*e)->type != t)
        return apr_psprintf(cmd->pool, "%s is not a MoCourts directive of this kind",
                            cmd->directive->directive);
    return NULL;
}

/* The first line of a secret file: the DB password or the codes' key. */
static const char *read_secret(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *path)
{
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
    if (!strcasecmp(cmd->directive->directive, "MoCourtsSecretFile")) {
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
    sodium_memzero(buf, sizeof(buf));
    return NULL;
}

/* A path is taken from ServerRoot and must exist; a secret file's first
 * line is read. */
static const char *set_typed(cmd_parms *cmd, mc_conf_type t, const char *arg)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const mc_conf_entry *e;
    const char *why = entry_for(cmd, t, &e);
    mc_conf_val v;
    if (why)
        return why;
    why = t == MC_CONF_PATH
              ? mc_conf_path_value(cmd->pool, e, arg, ap_server_root_relative(cmd->pool, arg), &v)
              : mc_conf_value(cmd->pool, e, arg, &v);
    if (why)
        return bad(cmd, why);
    if (t == MC_CONF_PATH && (!strcasecmp(e->name, "MoCourtsDBPasswordFile") ||
                              !strcasecmp(e->name, "MoCourtsSecretFile")))
        return read_secret(cmd, c, arg, v.str);
    slot_store(e, slot_of(c, cmd->info), &v);
    return NULL;
}

static const char *set_str(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_typed(cmd, MC_CONF_STRING, arg);
}

static const char *set_number(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_typed(cmd, MC_CONF_NUMBER, arg);
}

static const char *set_duration(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_typed(cmd, MC_CONF_DURATION, arg);
}

static const char *set_flag(cmd_parms *cmd, void *dc, int on)
{
    return set_typed(cmd, MC_CONF_FLAG, on ? "On" : "Off");
}

/* Paths that must exist now (relative ones from ServerRoot). */
static const char *set_path(cmd_parms *cmd, void *dc, const char *arg)
{
    return set_typed(cmd, MC_CONF_PATH, arg);
}

/* The table's defaults for every slot still unset. */
static const char *apply_defaults(apr_pool_t *p, mc_srv_conf *c)
{
    const mc_conf_entry *e;
    for (e = mc_conf_table; e->name; e++) {
        const command_rec *r = cmd_of(e->name);
        mc_conf_val v;
        const char *why;
        if (!e->def || !r || !slot_unset(e, slot_of(c, r->cmd_data)))
            continue;
        if (e->type == MC_CONF_PATH)
            v.str = e->def; /* installed later than configtest may run */
        else if ((why = mc_conf_value(p, e, e->def, &v)))
            return mc_conf_invalid(p, e->name, why);
        slot_store(e, slot_of(c, r->cmd_data), &v);
    }
    return NULL;
}

/* ---- the directives with rules of their own ---------------------------- */

/* NULL when a (and b: a second argument, or NULL) is taken into c, else
 * why not. */
typedef struct own_rule {
    const char *(*take)(cmd_parms *cmd, mc_srv_conf *c, const char *a, const char *b);
} own_rule;

/* Their one setter: a global directive whose rule is cmd->info. */
static const char *set_own(cmd_parms *cmd, const char *a, const char *b)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *why = global_only(cmd);
    if (why)
        return why;
    why = ((const own_rule *)cmd->info)->take(cmd, c, a, b);
    return why ? bad(cmd, why) : NULL;
}

static const char *set_own1(cmd_parms *cmd, void *dc, const char *a)
{
    return set_own(cmd, a, NULL);
}

static const char *set_own2(cmd_parms *cmd, void *dc, const char *a, const char *b)
{
    return set_own(cmd, a, b);
}

static const char *take_db_socket(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *b)
{
    if (*arg != '/')
        return "the socket must be an absolute path";
    c->db.socket = arg;
    return NULL;
}

static const char *take_base_url(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *b)
{
    apr_uri_t u;
    size_t n;
    if (apr_uri_parse(cmd->pool, arg, &u) != APR_SUCCESS || !u.scheme || !u.hostname)
        return "it must be an absolute URL such as https://courts.example.gov";
    if (strcasecmp(u.scheme, "https") && strcasecmp(u.scheme, "http"))
        return "the scheme must be https (or http for a test site)";
    if (u.query || u.fragment || u.user || u.password)
        return "it may not hold a query, fragment or credentials";
    n = strlen(arg);
    while (n > 0 && arg[n - 1] == '/')
        n--;
    c->base_url = apr_pstrndup(cmd->pool, arg, n);
    c->base_origin = apr_psprintf(cmd->pool, "%s://%s%s%s", apr_pstrdup(cmd->pool, u.scheme),
                                  u.hostname, u.port_str ? ":" : "", u.port_str ? u.port_str : "");
    ap_str_tolower((char *)c->base_origin);
    return NULL;
}

static const char *take_policy(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *b)
{
    if ((c->policy = mc_policy_parse(arg)) < 0)
        return apr_psprintf(cmd->pool, "'%s' is not a preset: use court or strict", arg);
    return NULL;
}

static const char *take_cost(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *b)
{
    const char *why = mc_pwcost_parse(arg, &c->cost);
    if (!why)
        c->cost_spec = arg;
    return why;
}

static const char *take_lockout(cmd_parms *cmd, mc_srv_conf *c, const char *n, const char *t)
{
    return mc_conf_lockout(cmd->pool, n, t, &c->lockout_failures, &c->lockout_time);
}

/* MoCourtsAPILimit REQUESTS WINDOW: per token, shared by every node. */
static const char *take_api_limit(cmd_parms *cmd, mc_srv_conf *c, const char *n, const char *t)
{
    char *end;
    apr_int64_t v = apr_strtoi64(n, &end, 10);
    const char *why;
    if (*end || v < 1 || v > 1000000)
        return "MoCourtsAPILimit: the number of requests must be a whole number from 1 to 1000000";
    if ((why = mc_conf_parse_duration(t, &c->api_window)))
        return apr_pstrcat(cmd->pool, "MoCourtsAPILimit: ", why, NULL);
    if (c->api_window < apr_time_from_sec(1))
        return "MoCourtsAPILimit: the window must be at least one second";
    c->api_limit = (int)v;
    return NULL;
}

static const char *take_smtp(cmd_parms *cmd, mc_srv_conf *c, const char *host, const char *port)
{
    unsigned v;
    const char *why = mc_conf_smtp(cmd->pool, host, port, &v);
    if (why)
        return why;
    c->smtp_host = host;
    c->smtp_port = v;
    return NULL;
}

static const char *take_cache(cmd_parms *cmd, mc_srv_conf *c, const char *arg, const char *b)
{
    char *name, *sep;
    if (!strcasecmp(arg, "none")) {
        c->cache_spec = "none";
        return NULL;
    }
    name = apr_pstrdup(cmd->temp_pool, arg);
    if ((sep = strchr(name, ':')))
        *sep = '\0';
    if (!ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name, AP_SOCACHE_PROVIDER_VERSION))
        return apr_psprintf(cmd->pool,
                            "no socache provider '%s' is loaded (LoadModule "
                            "socache_%s_module first, or say none)",
                            name, name);
    c->cache_spec = arg;
    return NULL;
}

/* MoCourtsTwoStepRequired ROLE...: each a role name (letters, digits, '_'
 * and '-'), added to the list. */
static const char *set_twostep(cmd_parms *cmd, void *dc, const char *role)
{
    mc_srv_conf *c = ap_get_module_config(cmd->server->module_config, &mocourts_module);
    const char *why = global_only(cmd), *ch;
    if (why)
        return why;
    for (ch = role; *ch; ch++)
        if (!isalnum((unsigned char)*ch) && *ch != '_' && *ch != '-')
            break;
    if (!*role || *ch || strlen(role) > 64)
        return bad(cmd, apr_psprintf(cmd->pool, "'%s' is not a role name", role));
    if (!c->twostep_roles)
        c->twostep_roles = apr_array_make(cmd->pool, 4, sizeof(const char *));
    APR_ARRAY_PUSH(c->twostep_roles, const char *) = role;
    return NULL;
}

static const own_rule db_socket = {take_db_socket}, base_url = {take_base_url},
                      policy = {take_policy}, cost = {take_cost}, lockout = {take_lockout},
                      api_limit = {take_api_limit},
                      smtp = {take_smtp}, cache = {take_cache};

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
    const char *why = apply_defaults(p, c);
    if (why)
        return why;
    if (!c->db.user)
        return "MoCourtsDBUser is required: the MariaDB user mod_mocourts connects as.";
    if ((why = mc_db_hosts_check(p, c->db.host)))
        return why;
    if (!c->base_url)
        return "MoCourtsBaseURL is required: the site's public address, used in e-mailed links.";
    if (c->pool_min > c->pool_max)
        return apr_psprintf(p,
                            "Invalid value for directive 'MoCourtsDBPoolMin': %d is more "
                            "than MoCourtsDBPoolMax (%d)",
                            c->pool_min, c->pool_max);
    if (!strncmp(c->cookie, "__Host-", 7) && !c->cookie_secure)
        return "Invalid value for directive 'MoCourtsSessionSecure': a __Host- cookie must be "
               "Secure; choose another MoCourtsSessionCookie for a plain-HTTP test site.";
    if (c->session_idle > c->session_max)
        return "Invalid value for directive 'MoCourtsSessionIdle': it is longer than "
               "MoCourtsSessionMax.";
    if (!c->cache_spec)
        c->cache_spec = "none";
    UNSET_INT(policy, MC_POLICY_COURT);
    if (!c->cost_spec) {
        mc_pwcost_parse("interactive", &c->cost);
        c->cost_spec = "interactive";
    }
    UNSET_INT(lockout_failures, 5);
    UNSET_INT(lockout_time, apr_time_from_sec(30 * 60));
    UNSET_INT(api_limit, 600);
    UNSET_INT(api_window, apr_time_from_sec(60));
    if (!c->smtp_host) {
        c->smtp_host = "localhost";
        c->smtp_port = 25;
    }
    if (!c->mail_from) {
        apr_uri_t u;
        apr_uri_parse(p, c->base_url, &u);
        c->mail_from = apr_psprintf(p, "noreply@%s", u.hostname);
    }
    return NULL;
}

/* The simple directives: their rules are in mc_conf_table; f is the slot. */
#define AT(f) (void *)APR_OFFSETOF(mc_srv_conf, f)
#define STR(n, f, h) AP_INIT_TAKE1(n, set_str, AT(f), RSRC_CONF, h)
#define NUM(n, f, h) AP_INIT_TAKE1(n, set_number, AT(f), RSRC_CONF, h)
#define DUR(n, f, h) AP_INIT_TAKE1(n, set_duration, AT(f), RSRC_CONF, h)
#define FLAG(n, f, h) AP_INIT_FLAG(n, set_flag, AT(f), RSRC_CONF, h)
#define PATH(n, f, h) AP_INIT_TAKE1(n, set_path, AT(f), RSRC_CONF, h)
/* The others, r their own_rule; OWN2: k is TAKE2 or TAKE12. */
#define OWN1(n, r, h) AP_INIT_TAKE1(n, set_own1, (void *)&r, RSRC_CONF, h)
#define OWN2(k, n, r, h) AP_INIT_##k(n, set_own2, (void *)&r, RSRC_CONF, h)

const command_rec mc_cmds[] = {
    STR("MoCourtsDBHost", db.host,
        "MariaDB server, or an ordered list \"h1[:port], h2[:port], ...\" to fail over "
        "(default localhost)"),
    OWN1("MoCourtsDBSocket", db_socket, "MariaDB unix socket path"),
    NUM("MoCourtsDBPort", db.port, "MariaDB TCP port (default 3306)"),
    STR("MoCourtsDBUser", db.user, "MariaDB user"),
    STR("MoCourtsDBPassword", db.password, "MariaDB password (prefer MoCourtsDBPasswordFile)"),
    PATH("MoCourtsDBPasswordFile", db.password, "A file whose first line is the MariaDB password"),
    PATH("MoCourtsSecretFile", code_key,
         "A file whose first line keys the hashes of e-mailed codes (the same on every node)"),
    STR("MoCourtsDBName", db.name, "MariaDB database (default mocourts)"),
    NUM("MoCourtsDBPoolMin", pool_min, "Connections opened per process at start (default 0)"),
    NUM("MoCourtsDBPoolMax", pool_max, "Most connections per process (default 16)"),
    DUR("MoCourtsDBFailback", db_failback,
        "With several database servers: a connection to any but the first is closed after "
        "this long (default 30s)"),
    DUR("MoCourtsDBConnectTimeout", db.connect_timeout,
        "How long to wait for a connection (default 3s)"),
    DUR("MoCourtsDBTimeout", db.rw_timeout, "How long to wait for a read or write (default 10s)"),
    STR("MoCourtsSessionCookie", cookie, "Session cookie name (default __Host-mocourts)"),
    DUR("MoCourtsSessionIdle", session_idle, "Idle timeout of a session (default 30m)"),
    DUR("MoCourtsSessionMax", session_max, "Absolute timeout of a session (default 12h)"),
    FLAG("MoCourtsSessionSecure", cookie_secure, "Secure cookie flag (default On)"),
    OWN1("MoCourtsSessionCache", cache,
         "Shared-memory session cache: none or a socache spec such as shmcb"),
    DUR("MoCourtsSessionCacheTTL", cache_ttl,
        "How long a node trusts a cached session (default 1s: a logoff on another node is "
        "refused here within it)"),
    OWN1("MoCourtsBaseURL", base_url, "The site's public base URL, used in e-mailed links"),
    STR("MoCourtsCourtName", court_name, "The court's display name"),
    PATH("MoCourtsTemplates", templates, "Templates directory"),
    PATH("MoCourtsTemplatesOverride", templates_override,
         "The site's template overrides, searched first"),
    PATH("MoCourtsSQLDir", sqldir, "Directory of SQL migrations"),
    OWN1("MoCourtsPasswordPolicy", policy, "Password policy preset: court or strict"),
    OWN1("MoCourtsPasswordCost", cost,
         "Argon2id cost: interactive, moderate, sensitive or ops=N,mem=SIZE"),
    NUM("MoCourtsHashConcurrency", hash_concurrency,
        "Password hashes run at once per process (default 4)"),
    OWN2(TAKE2, "MoCourtsLockout", lockout,
         "Failures before lock-out and its duration (default 5 30m)"),
    FLAG("MoCourtsHomePage", home_page,
         "Answer the site root / with the public home page (default On)"),
    FLAG("MoCourtsNewDeviceCode", device_code,
         "E-mail a code at logon from a new device (default On)"),
    OWN2(TAKE2, "MoCourtsAPILimit", api_limit,
         "JSON API requests per token and window, on all nodes together (default 600 1m)"),
    OWN2(TAKE12, "MoCourtsSMTP", smtp, "SMTP relay host and port (default localhost 25)"),
    STR("MoCourtsMailFrom", mail_from, "Sender address of the court's e-mail"),
    PATH("MoCourtsGateway", gateway, "SMS/voice gateway command"),
    FLAG("MoCourtsDelivery", delivery, "Deliver the outbox from this server (default On)"),
    DUR("MoCourtsDeliveryInterval", delivery_interval,
        "How often the outbox is delivered (default 5s)"),
    DUR("MoCourtsDeliveryLease", delivery_lease,
        "How long a delivery worker's claim on notices lasts unless renewed; a dead "
        "worker's notices go to another after it (default 30s)"),
    AP_INIT_ITERATE("MoCourtsTwoStepRequired", set_twostep, NULL, RSRC_CONF,
                    "Roles whose accounts must use two-step verification (e.g. clerk "
                    "security)"),
    AP_INIT_TAKE1("MoCourtsMount", set_mount, NULL, ACCESS_CONF,
                  "Mount a mod_mocourts plugin at this <Location>"),
    {NULL}};
