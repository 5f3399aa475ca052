/* mod_mocourts_authz.c: our accounts protect any location of the site.
 *
 *   <Location /reports>
 *       AuthType MoCourts               # the session cookie; no session: to Logon
 *       Require mocourts-role clerk     # or: Require mocourts-account
 *   </Location>
 *
 *   AuthType Basic + AuthBasicProvider mocourts   # username/password, lock-out applies
 *
 * With AuthType MoCourts the session is looked up before authorization, so a
 * database outage answers 503 (fail closed), never 200. */
#include "mod_mocourts_private.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"

#include "mc_form.h"

static int is_ours(request_rec *r)
{
    const char *t = ap_auth_type(r);
    return t && !strcasecmp(t, MC_AUTH_TYPE) && mc_conf_get() && mc_conf_get()->base_url;
}

static mc_session *full_session(request_rec *r)
{
    mc_session *s = NULL;
    if (mc_session_of(r, &s) != APR_SUCCESS || !s || strcmp(s->stage, "full"))
        return NULL;
    return s;
}

/* access_checker: look the session up early, where a failure can still
 * answer 503 with Retry-After. */
static int mc_access_check(request_rec *r)
{
    mc_session *s;
    apr_status_t rv;
    if (!is_ours(r) || r->main)
        return DECLINED;
    if ((rv = mc_session_of(r, &s)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      MCLOGNO(0701) "session lookup failed during an access check (%s): 503",
                      mc_db_strerror(rv));
        return mc_unavailable(r);
    }
    /* Name the user now: authz_core decides before any authn hook runs
     * when a provider grants, and logs and REMOTE_USER want the name. */
    if (s && !strcmp(s->stage, "full")) {
        r->user = apr_pstrdup(r->pool, s->account.username);
        r->ap_auth_type = (char *)MC_AUTH_TYPE;
    }
    return DECLINED;
}

/* check_authn for AuthType MoCourts: the session's account is the user;
 * without one, a GET goes to the Logon page and comes back after. */
static int mc_check_authn(request_rec *r)
{
    mc_session *s;
    if (!is_ours(r))
        return DECLINED;
    if ((s = full_session(r))) {
        r->user = apr_pstrdup(r->pool, s->account.username);
        r->ap_auth_type = (char *)MC_AUTH_TYPE;
        return OK;
    }
    if (r->method_number == M_GET) {
        const char *back = r->args ? apr_pstrcat(r->pool, r->uri, "?", r->args, NULL) : r->uri;
        apr_table_setn(r->err_headers_out, "Location", mc_logon_url(r->pool, back));
        mc_security_headers(r);
        return HTTP_MOVED_TEMPORARILY;
    }
    return HTTP_UNAUTHORIZED;
}

/* The roles of r's account: from the session, or (Basic) from the database. */
static apr_status_t roles_of(request_rec *r, apr_array_header_t **roles)
{
    mc_rstate *st = mc_rstate_of(r);
    mc_session *s = full_session(r);
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    int i;

    *roles = NULL;
    if (s) {
        *roles = s->account.roles;
        return APR_SUCCESS;
    }
    if (!st->basic_id || !r->user || strcmp(st->basic_user, r->user))
        return APR_SUCCESS;
    if ((rv = mc_r_db(r, &db)) != APR_SUCCESS)
        return rv;
    rv = mc_db_query(db, r->pool, &res,
                     "SELECT IF(r.scope = '', r.role, CONCAT(r.role, ':', r.scope)) FROM "
                     "mc_account_role r JOIN mc_account a ON a.id = r.account_id WHERE "
                     "a.id = ? AND a.status = 'active'",
                     "i", st->basic_id);
    if (rv != APR_SUCCESS)
        return rv;
    *roles = apr_array_make(r->pool, res->nrows + 1, sizeof(const char *));
    for (i = 0; i < res->nrows; i++)
        APR_ARRAY_PUSH(*roles, const char *) = mc_dbres_get(res, i, 0);
    return APR_SUCCESS;
}

static authz_status account_check(request_rec *r, const char *line, const void *parsed)
{
    if (full_session(r))
        return AUTHZ_GRANTED;
    if (r->user && mc_rstate_of(r)->basic_user && !strcmp(r->user, mc_rstate_of(r)->basic_user))
        return AUTHZ_GRANTED;
    return r->user ? AUTHZ_DENIED : AUTHZ_DENIED_NO_USER;
}

static authz_status role_check(request_rec *r, const char *line, const void *parsed)
{
    apr_array_header_t *roles;
    const char *want, *t = line;
    int i;

    if (roles_of(r, &roles) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCLOGNO(0702) "roles could not be read");
        return AUTHZ_GENERAL_ERROR;
    }
    if (!roles)
        return r->user ? AUTHZ_DENIED : AUTHZ_DENIED_NO_USER;
    while (*(want = ap_getword_conf(r->pool, &t))) {
        size_t n = strlen(want);
        for (i = 0; i < roles->nelts; i++) {
            const char *have = APR_ARRAY_IDX(roles, i, const char *);
            if (!strcmp(have, want) ||
                (!strchr(want, ':') && !strncmp(have, want, n) && have[n] == ':'))
                return AUTHZ_GRANTED;
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  MCLOGNO(0703) "'%s' lacks the role for Require mocourts-role %s",
                  r->user ? r->user : "-", line);
    return AUTHZ_DENIED;
}

static const char *role_parse(cmd_parms *cmd, const char *line, const void **parsed)
{
    const char *t = line, *w;
    if (!*(w = ap_getword_conf(cmd->temp_pool, &t)))
        return "Require mocourts-role needs at least one role, e.g. Require mocourts-role clerk";
    for (; *w; w = ap_getword_conf(cmd->temp_pool, &t))
        for (const char *c = w; *c; c++)
            if (!(apr_isalnum(*c) || *c == '_' || *c == '-' || *c == ':'))
                return apr_psprintf(cmd->pool, "Require mocourts-role: '%s' is not a role name", w);
    return NULL;
}

static const char *account_parse(cmd_parms *cmd, const char *line, const void **parsed)
{
    if (*line)
        return "Require mocourts-account takes no arguments";
    return NULL;
}

/* AuthBasicProvider mocourts. */
static authn_status basic_check(request_rec *r, const char *user, const char *pw)
{
    mc_logon_result result;
    mc_found f;
    mc_db *db;
    apr_status_t rv;
    int refused = 0;

    if (!mc_conf_get() || !mc_conf_get()->base_url)
        return AUTH_GENERAL_ERROR;
    if ((rv = mc_r_db(r, &db)) != APR_SUCCESS ||
        (rv = mc_logon_verify(r, db, user, pw, &f, &result)) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      MCLOGNO(0704) "database unreachable during Basic authentication");
        return AUTH_GENERAL_ERROR;
    }
    if (result != MC_LOGON_OK || strcmp(f.status, "active") || f.must_change)
        return AUTH_DENIED;
    /* Two-step verification: a password alone is not enough. */
    if ((rv = mc_totp_basic_refused(r, db, f.id, &refused)) != APR_SUCCESS)
        return AUTH_GENERAL_ERROR;
    if (refused)
        return AUTH_DENIED;
    mc_rstate_of(r)->basic_user = apr_pstrdup(r->pool, user);
    mc_rstate_of(r)->basic_id = f.id;
    return AUTH_GRANTED;
}

static const authz_provider account_provider = {account_check, account_parse};
static const authz_provider role_provider = {role_check, role_parse};
static const authn_provider basic_provider = {basic_check, NULL};

void mc_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "mocourts-account", AUTHZ_PROVIDER_VERSION,
                              &account_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "mocourts-role", AUTHZ_PROVIDER_VERSION,
                              &role_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHN_PROVIDER_GROUP, "mocourts", AUTHN_PROVIDER_VERSION,
                              &basic_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_access(mc_access_check, NULL, NULL, APR_HOOK_FIRST, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authn(mc_check_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
}
