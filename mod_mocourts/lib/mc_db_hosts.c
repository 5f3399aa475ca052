/* mc_db_hosts: the ordered server list of MoCourtsDBHost (issue 15). A node
 * sends its work to the first server that answers and, for a Galera member,
 * is ready and synced; a server that failed is tried last for
 * MC_DB_HOST_RETRY, then in its place again. The marks are per process
 * (each Apache child finds out for itself, in one failed connect). */
#include "mc_db_hosts.h"

#include <apr_atomic.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

/* apr_time_sec until which server i counts as failed; 0: working. */
static volatile apr_uint32_t failed_until[MC_DB_HOSTS_MAX];

static int parse_one(apr_pool_t *p, const char *tok, mc_dbhost *h, const char **err)
{
    const char *colon = NULL;
    char *end;
    long port;

    if (*tok == '[') {          /* [IPv6]:port */
        const char *close = strchr(tok, ']');
        if (!close || close == tok + 1) {
            *err = apr_psprintf(p, "bad IPv6 address \"%s\"", tok);
            return -1;
        }
        h->name = apr_pstrmemdup(p, tok + 1, (apr_size_t)(close - tok - 1));
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] && !colon) {
            *err = apr_psprintf(p, "bad server \"%s\"", tok);
            return -1;
        }
    }
    else {
        colon = strchr(tok, ':');
        if (colon && strchr(colon + 1, ':')) {
            *err = apr_psprintf(p, "an IPv6 address must be in brackets: \"%s\"", tok);
            return -1;
        }
        h->name = colon ? apr_pstrmemdup(p, tok, (apr_size_t)(colon - tok)) : tok;
        if (!*h->name) {
            *err = apr_psprintf(p, "no host name in \"%s\"", tok);
            return -1;
        }
    }
    h->port = 0;
    if (colon) {
        port = strtol(colon + 1, &end, 10);
        if (!colon[1] || *end || port < 1 || port > 65535) {
            *err = apr_psprintf(p, "bad port in \"%s\"", tok);
            return -1;
        }
        h->port = (unsigned)port;
    }
    return 0;
}

int mc_db_hosts_parse(apr_pool_t *p, const char *list, mc_dbhost *out, const char **err)
{
    char *copy, *tok, *last;
    int n = 0;

    if (!list)
        return 0;
    copy = apr_pstrdup(p, list);
    for (tok = apr_strtok(copy, ", \t", &last); tok; tok = apr_strtok(NULL, ", \t", &last)) {
        if (n == MC_DB_HOSTS_MAX) {
            *err = apr_psprintf(p, "more than %d database servers", MC_DB_HOSTS_MAX);
            return -1;
        }
        if (parse_one(p, tok, &out[n], err) != 0)
            return -1;
        n++;
    }
    return n;
}

const char *mc_db_hosts_check(apr_pool_t *p, const char *list)
{
    mc_dbhost h[MC_DB_HOSTS_MAX];
    const char *err = NULL;
    if (mc_db_hosts_parse(p, list, h, &err) < 0)
        return apr_psprintf(p, "Invalid value for directive 'MoCourtsDBHost': %s", err);
    return NULL;
}

void mc_db_hosts_order(int n, int *order)
{
    apr_uint32_t now = (apr_uint32_t)apr_time_sec(apr_time_now());
    int i, k = 0;

    for (i = 0; i < n; i++)
        if (apr_atomic_read32(&failed_until[i]) <= now)
            order[k++] = i;
    for (i = 0; i < n; i++)
        if (apr_atomic_read32(&failed_until[i]) > now)
            order[k++] = i;
}

void mc_db_hosts_mark(int i, int ok)
{
    if (i < 0 || i >= MC_DB_HOSTS_MAX)
        return;
    apr_atomic_set32(&failed_until[i],
                     ok ? 0 : (apr_uint32_t)apr_time_sec(apr_time_now() + MC_DB_HOST_RETRY));
}

int mc_db_hosts_failed(int i)
{
    if (i < 0 || i >= MC_DB_HOSTS_MAX)
        return 0;
    return apr_atomic_read32(&failed_until[i]) > (apr_uint32_t)apr_time_sec(apr_time_now());
}
