/* mc_conf_table: the simple MoCourts* directives. See mc_conf_table.h. */
#include "mc_conf_table.h"
#include "mc_smtp.h"

#include <apr_file_info.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#define STR(n, chk, def)                                                                           \
    {                                                                                              \
        n, MC_CONF_STRING, chk, 0, 0, 0, def                                                       \
    }
#define PATH(n, chk, def)                                                                          \
    {                                                                                              \
        n, MC_CONF_PATH, chk, 0, 0, 0, def                                                         \
    }
#define NUM(n, lo, hi, def)                                                                        \
    {                                                                                              \
        n, MC_CONF_NUMBER, MC_CONF_PLAIN, lo, hi, 0, def                                           \
    }
#define DUR(n, lo, hi, secs, def)                                                                  \
    {                                                                                              \
        n, MC_CONF_DURATION, MC_CONF_PLAIN, lo, hi, secs, def                                      \
    }
#define FLAG(n, def)                                                                               \
    {                                                                                              \
        n, MC_CONF_FLAG, MC_CONF_PLAIN, 0, 1, 0, def                                               \
    }

const mc_conf_entry mc_conf_table[] = {
    STR("MoCourtsDBHost", MC_CONF_PLAIN, "localhost"),
    NUM("MoCourtsDBPort", 1, 65535, "3306"),
    STR("MoCourtsDBUser", MC_CONF_PLAIN, NULL),
    STR("MoCourtsDBPassword", MC_CONF_PLAIN, NULL),
    PATH("MoCourtsDBPasswordFile", MC_CONF_FILE, NULL),
    PATH("MoCourtsSecretFile", MC_CONF_FILE, NULL),
    STR("MoCourtsDBName", MC_CONF_PLAIN, "mocourts"),
    NUM("MoCourtsDBPoolMin", 0, 1000, "0"),
    NUM("MoCourtsDBPoolMax", 1, 1000, "16"),
    DUR("MoCourtsDBConnectTimeout", 1, 3600, 1, "3s"),
    DUR("MoCourtsDBFailback", 1, 86400, 0, "30s"),
    DUR("MoCourtsDBTimeout", 1, 3600, 1, "10s"),
    STR("MoCourtsSessionCookie", MC_CONF_TOKEN, "__Host-mocourts"),
    DUR("MoCourtsSessionIdle", 1, 0, 0, "30m"),
    DUR("MoCourtsSessionMax", 1, 0, 0, "12h"),
    FLAG("MoCourtsSessionSecure", "On"),
    DUR("MoCourtsSessionCacheTTL", 0, 0, 0, "1s"),
    STR("MoCourtsCourtName", MC_CONF_PLAIN, "Missouri Courts"),
    PATH("MoCourtsTemplates", MC_CONF_DIR, "/usr/share/mocourts/templates"),
    PATH("MoCourtsTemplatesOverride", MC_CONF_DIR, NULL),
    PATH("MoCourtsSQLDir", MC_CONF_DIR, "/usr/share/mocourts/sql"),
    NUM("MoCourtsHashConcurrency", 1, 256, "4"),
    FLAG("MoCourtsNewDeviceCode", "On"),
    FLAG("MoCourtsHomePage", "On"),
    STR("MoCourtsMailFrom", MC_CONF_EMAIL, NULL),
    PATH("MoCourtsGateway", MC_CONF_EXEC, NULL),
    FLAG("MoCourtsDelivery", "On"),
    DUR("MoCourtsDeliveryInterval", 1, 0, 0, "5s"),
    DUR("MoCourtsDeliveryLease", 3, 3600, 0, "30s"),
    {NULL, MC_CONF_STRING, MC_CONF_PLAIN, 0, 0, 0, NULL}};

const mc_conf_entry *mc_conf_entry_of(const char *name)
{
    for (const mc_conf_entry *e = mc_conf_table; name && e->name; e++)
        if (!strcasecmp(e->name, name))
            return e;
    return NULL;
}

const char *mc_conf_lockout(apr_pool_t *p, const char *count, const char *duration, int *failures,
                            apr_interval_time_t *time)
{
    static const mc_conf_entry n = NUM("MoCourtsLockout", 1, 1000, "5"),
                               t = DUR("MoCourtsLockout", 1, 0, 0, "30m");
    mc_conf_val v;
    const char *why = mc_conf_value(p, &n, count, &v);
    if (why)
        return why;
    *failures = (int)v.num;
    if ((why = mc_conf_value(p, &t, duration, &v)))
        return why;
    *time = v.dur;
    return NULL;
}

const char *mc_conf_smtp(apr_pool_t *p, const char *host, const char *port, unsigned *port_out)
{
    static const mc_conf_entry n = NUM("MoCourtsSMTP", 1, 65535, "25");
    mc_conf_val v;
    const char *s, *why;
    for (s = host; *s; s++)
        if (!(apr_isalnum(*s) || *s == '.' || *s == '-' || *s == ':'))
            return apr_psprintf(p, "'%s' is not a host name", host);
    *port_out = 25;
    if (port && (why = mc_conf_value(p, &n, port, &v)))
        return why;
    if (port)
        *port_out = (unsigned)v.num;
    return NULL;
}

const char *mc_conf_invalid(apr_pool_t *p, const char *name, const char *why)
{
    return apr_psprintf(p, "Invalid value for directive '%s': %s", name, why);
}

/* 3600 -> "1h", 90 -> "90s": as a person writes a bound. */
static const char *mc_conf_secs_text(apr_pool_t *p, long long s)
{
    if (s && s % 86400 == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT "d", (apr_int64_t)(s / 86400));
    if (s && s % 3600 == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT "h", (apr_int64_t)(s / 3600));
    if (s && s % 60 == 0)
        return apr_psprintf(p, "%" APR_INT64_T_FMT "m", (apr_int64_t)(s / 60));
    return apr_psprintf(p, "%" APR_INT64_T_FMT "s", (apr_int64_t)s);
}

/* The duration's parser lives with the other values' checks (mc_conf.h
 * declares it, for the core's directives and the admin tool alike). */
const char *mc_conf_parse_duration(const char *s, apr_interval_time_t *out)
{
    static const char *const what =
        "a duration is a whole number of seconds, or a number followed by s, m, h or d "
        "(45, 45s, 30m, 12h, 7d)";
    apr_int64_t n = 0, mult = 1;
    const char *c = s;
    if (!s || !apr_isdigit(*s))
        return what;
    for (; apr_isdigit(*c); c++) {
        n = n * 10 + (*c - '0');
        if (n > 10LL * 366 * 86400)
            return "a duration may not exceed ten years";
    }
    switch (*c) {
    case '\0':
        break;
    case 's':
    case 'S':
        c++;
        break;
    case 'm':
    case 'M':
        mult = 60;
        c++;
        break;
    case 'h':
    case 'H':
        mult = 3600;
        c++;
        break;
    case 'd':
    case 'D':
        mult = 86400;
        c++;
        break;
    default:
        return what;
    }
    if (*c)
        return what;
    if (n * mult > 10LL * 366 * 86400)
        return "a duration may not exceed ten years";
    *out = apr_time_from_sec(n * mult);
    return NULL;
}

static const char *mc_conf_string(const mc_conf_entry *e, const char *text)
{
    if (!*text)
        return "it is empty";
    for (const char *s = text; *s; s++)
        if (apr_iscntrl(*s))
            return "it holds a control character";
    if (e->check == MC_CONF_EMAIL && !mc_email_ok(text))
        return "not an e-mail address";
    if (e->check == MC_CONF_TOKEN)
        for (const char *s = text; *s; s++)
            if (!(apr_isalnum(*s) || *s == '-' || *s == '_'))
                return "a cookie name may hold only letters, digits, '-' and '_'";
    return NULL;
}

const char *mc_conf_path_value(apr_pool_t *p, const mc_conf_entry *e, const char *text,
                               const char *resolved, mc_conf_val *out)
{
    apr_finfo_t fi;
    if (!resolved || apr_stat(&fi, resolved, APR_FINFO_TYPE, p) != APR_SUCCESS)
        return apr_psprintf(p, "'%s' does not exist", text);
    if (e->check == MC_CONF_DIR && fi.filetype != APR_DIR)
        return apr_psprintf(p, "'%s' is not a directory", text);
    if ((e->check == MC_CONF_FILE || e->check == MC_CONF_EXEC) && fi.filetype != APR_REG)
        return apr_psprintf(p, "'%s' is not a file", text);
    if (e->check == MC_CONF_EXEC && access(resolved, X_OK) != 0)
        return apr_psprintf(p, "'%s' is not executable", text);
    out->str = resolved;
    return NULL;
}

const char *mc_conf_value(apr_pool_t *p, const mc_conf_entry *e, const char *text, mc_conf_val *out)
{
    const char *why;
    char *end;
    if (!text)
        text = "";
    switch (e->type) {
    case MC_CONF_STRING:
        if ((why = mc_conf_string(e, text)))
            return why;
        out->str = text;
        return NULL;
    case MC_CONF_PATH:
        return mc_conf_path_value(p, e, text, text, out);
    case MC_CONF_NUMBER: {
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (errno || end == text || *end)
            return apr_psprintf(p, "'%s' is not a whole number", text);
        if (v < e->min || v > e->max)
            return apr_psprintf(
                p, "%" APR_INT64_T_FMT " is outside %" APR_INT64_T_FMT "..%" APR_INT64_T_FMT,
                (apr_int64_t)v, (apr_int64_t)e->min, (apr_int64_t)e->max);
        out->num = v;
        return NULL;
    }
    case MC_CONF_DURATION: {
        apr_interval_time_t t;
        if ((why = mc_conf_parse_duration(text, &t)))
            return why;
        if (t < apr_time_from_sec(e->min))
            return apr_psprintf(p, "'%s' is shorter than %" APR_INT64_T_FMT " s", text,
                                (apr_int64_t)e->min);
        if (e->max && t > apr_time_from_sec(e->max))
            return apr_psprintf(p, "it is longer than %s", mc_conf_secs_text(p, e->max));
        out->dur = t;
        return NULL;
    }
    case MC_CONF_FLAG:
        if (!strcasecmp(text, "on"))
            out->on = 1;
        else if (!strcasecmp(text, "off"))
            out->on = 0;
        else
            return "it must be On or Off";
        return NULL;
    }
    return "it is of no known type";
}
