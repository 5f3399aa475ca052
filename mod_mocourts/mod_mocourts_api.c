/* mod_mocourts_api.c: the helpers the core offers plugins through mocourts.h
 * (URLs, redirects, the request's fields, safe return paths, the site, audit,
 * passwords, e-mail). The router that calls the handlers is
 * mod_mocourts_router.c. */
#include "mod_mocourts_private.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_protocol.h"

#include <errno.h>

/* The logon page URL with a return path. */
const char *mc_logon_url(apr_pool_t *p, const char *return_to)
{
    const mc_mount *m = mc_mount_of("logon");
    const char *base = apr_pstrcat(p, m ? m->path : "/account", "/logon", NULL);
    return return_to ? apr_pstrcat(p, base, "?return=", mc_form_encode(p, return_to), NULL) : base;
}

int mc_redirect(mc_req *mr, const char *path)
{
    request_rec *r = mr->r;
    const char *to = *path == '/' ? path : mc_url(mr, path);
    apr_table_setn(r->headers_out, "Location", to);
    r->status = HTTP_SEE_OTHER;
    ap_set_content_type(r, "text/plain; charset=utf-8");
    ap_rputs("See other\n", r);
    return OK;
}

const char *mc_url(const mc_req *mr, const char *path)
{
    if (!path || !*path)
        return *mr->mount ? mr->mount : "/";
    return apr_pstrcat(mr->r->pool, mr->mount, *path == '/' ? "" : "/", path, NULL);
}

const char *mc_public_url(const mc_req *mr, const char *path)
{
    return apr_pstrcat(mr->r->pool, mc_conf_get()->base_url, *path == '/' ? "" : "/", path, NULL);
}

const char *mc_field(const mc_req *mr, const char *name)
{
    return apr_table_get(mr->form, name);
}

long long mc_param_id(const mc_req *mr, const char *name)
{
    const char *v = apr_table_get(mr->params, name), *s;
    char *end;
    apr_int64_t n;
    if (!v || !*v || strlen(v) > 19)
        return 0;
    for (s = v; *s; s++)
        if (!apr_isdigit(*s))
            return 0;
    errno = 0;
    n = apr_strtoi64(v, &end, 10);
    return errno || *end || n <= 0 ? 0 : (long long)n;
}

const char *mc_query(const mc_req *mr, const char *name)
{
    return apr_table_get(mr->query, name);
}

void mc_done_notice(mc_req *mr, const mc_label *notes, const char *error)
{
    const char *notice;
    if (!error && (notice = mc_label_of(notes, mc_query(mr, "done"))))
        mc_vars_set(mr->vars, "notice", notice);
}

const char *mc_client_ip(const mc_req *mr)
{
    return mr->r->useragent_ip ? mr->r->useragent_ip : "";
}

/* 1 when t is a path within the site as it stands: "/" then not a second
 * "/" or a backslash (which browsers read as "//", another host), and no
 * backslash or control character anywhere (a browser drops tab and newline,
 * so "/\t/host" is "//host"; CR/LF would split the Location header). */
static int local_path(const char *t)
{
    const char *s;
    if (t[0] != '/' || t[1] == '/' || t[1] == '\\')
        return 0;
    for (s = t; *s; s++)
        if (*s == '\\' || (unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* t with every %XX decoded once (a malformed escape kept as it is), or
 * NULL when that decodes a NUL. */
static const char *percent_decoded(apr_pool_t *p, const char *t)
{
    char *out = apr_pstrdup(p, t), *o = out;
    const char *s;
    for (s = t; *s; s++) {
        if (*s == '%' && apr_isxdigit(s[1]) && apr_isxdigit(s[2])) {
            char hex[3] = {s[1], s[2], '\0'};
            if (!(*o++ = (char)strtol(hex, NULL, 16)))
                return NULL;
            s += 2;
        }
        else
            *o++ = *s;
    }
    *o = '\0';
    return out;
}

const char *mc_safe_return(apr_pool_t *p, const char *t)
{
    const char *d;
    int i;
    if (!t || strlen(t) > 2000 || !local_path(t))
        return NULL;
    /* Encoded tricks ("/%2F/host", "/%5Chost", "/%09/host", "%0D%0A", and
     * encoded twice or three times): whatever decoding a later hop
     * applies, the path stays local. */
    for (d = t, i = 0; strchr(d, '%') && i < 3; i++)
        if (!(d = percent_decoded(p, d)) || !local_path(d))
            return NULL;
    return apr_pstrdup(p, t);
}

const char *mc_court_name(const mc_req *mr)
{
    return mc_conf_get()->court_name;
}

const mc_route *mc_routes_join(apr_pool_t *p, const mc_route *const *parts)
{
    size_t i, k, n = 0;
    mc_route *all;
    for (i = 0; parts[i]; i++)
        for (k = 0; parts[i][k].method; k++)
            n++;
    all = apr_pcalloc(p, (n + 1) * sizeof(*all));
    for (n = 0, i = 0; parts[i]; i++)
        for (k = 0; parts[i][k].method; k++)
            all[n++] = parts[i][k];
    return all;
}

const char *mc_site_court_name(void)
{
    return mc_conf_get()->court_name;
}

mc_tmpl_cache *mc_site_templates(void)
{
    return mc_templates();
}

const char *mc_site_url(apr_pool_t *p, const char *plugin, const char *path)
{
    const mc_mount *m = mc_mount_of(plugin);
    if (!m)
        return NULL;
    return apr_pstrcat(p, mc_conf_get()->base_url, m->path, *path && *path != '/' ? "/" : "", path,
                       NULL);
}

apr_status_t mc_audit_r(request_rec *r, mc_db *db, const char *event, long long account_id,
                        long long actor_id, const char *detail)
{
    char clean[501];
    size_t i;
    apr_cpystrn(clean, detail ? detail : "", sizeof(clean));
    for (i = 0; clean[i]; i++)
        if ((unsigned char)clean[i] < 0x20)
            clean[i] = ' ';
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_audit (at, event, account_id, actor_id, client_ip, detail) "
                      "VALUES (UTC_TIMESTAMP(), ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
                      "siiss", event, account_id, actor_id, r->useragent_ip, clean);
}

apr_status_t mc_audit(mc_req *mr, mc_db *db, const char *event, long long account_id,
                      const char *detail)
{
    return mc_audit_r(mr->r, db, event, account_id, mr->account ? mr->account->id : 0, detail);
}

const char *mc_password_check(const mc_req *mr, const char *pw, const char *username)
{
    return mc_policy_check(mc_conf_get()->policy, pw, username);
}

const char *mc_password_rules(const mc_req *mr)
{
    return mc_policy_describe(mc_conf_get()->policy);
}

int mc_password_matches(mc_req *mr, const char *hash, const char *pw)
{
    if (!hash || !pw || strlen(pw) > MC_PASSWORD_MAX_BYTES)
        return 0;
    return mc_verify_password(hash, pw);
}

apr_status_t mc_password_make(mc_req *mr, const char *pw, const char **hash)
{
    return mc_hash_password(mr->r->pool, pw, hash);
}

int mc_busy_message(mc_req *mr, const char *message)
{
    apr_table_setn(mr->r->err_headers_out, "Retry-After", "10");
    return mc_message(mr, HTTP_SERVICE_UNAVAILABLE, "Please try again", message);
}

int mc_busy(mc_req *mr)
{
    return mc_busy_message(mr, "The system is busy. Please try again in a moment.");
}

apr_status_t mc_email_queue(mc_req *mr, mc_db *db, long long account_id, const char *to,
                            const char *kind, const char *subject, const char *file, mc_vars *v)
{
    mc_notice n = {0};
    mc_vars_set(v, "court_name", mc_court_name(mr));
    n.account_id = account_id;
    n.channel = MC_CHANNEL_EMAIL;
    n.recipient = to;
    n.subject = subject;
    n.kind = kind;
    if (!(n.body = mc_text(mr, file, v)))
        return APR_EGENERAL;
    return mc_outbox_add(db, &n, NULL);
}
