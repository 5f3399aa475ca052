/* mod_mocourts_render.c: pages in the site layout, through mc_tmpl. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"

static mc_tmpl_cache *templates;

mc_tmpl_cache *mc_templates(void)
{
    return templates;
}

apr_status_t mc_render_child_init(apr_pool_t *pchild, server_rec *s)
{
    mc_srv_conf *c = mc_conf_get();
    const char **dirs = apr_pcalloc(pchild, 3 * sizeof(*dirs));
    int n = 0;
    if (c->templates_override)
        dirs[n++] = c->templates_override;
    dirs[n++] = c->templates;
    templates = mc_tmpl_cache_create(pchild, dirs);
    return templates ? APR_SUCCESS : APR_EGENERAL;
}


mc_vars *mc_layout_vars(request_rec *r, mc_session *sess, const mc_plugin *current)
{
    mc_srv_conf *c = mc_conf_get();
    mc_vars *v = mc_vars_make(r->pool, NULL);
    const mc_account *a = sess && !strcmp(sess->stage, "full") ? &sess->account : NULL;
    const mc_mount *logon = mc_mount_of("logon");
    const char *lbase = logon ? logon->path : "/account";
    int i;

    mc_vars_set(v, "court_name", c->court_name);
    mc_vars_set(v, "version", "Registration Version " MC_VERSION);
    mc_vars_set(v, "_csrf", mc_csrf_value(r, sess));
    mc_vars_set(v, "home_url", apr_pstrcat(r->pool, lbase, "/", NULL));
    mc_vars_set(v, "css_url", apr_pstrcat(r->pool, lbase, "/assets/site.css", NULL));
    mc_vars_set(v, "js_url", apr_pstrcat(r->pool, lbase, "/assets/site.js", NULL));
    if (a) {
        mc_vars_set(v, "signed_in", "1");
        mc_vars_set(v, "username", a->username);
        mc_vars_set(v, "display_name",
                    *a->first_name ? apr_pstrcat(r->pool, a->first_name, " ", a->last_name, NULL)
                                   : a->username);
        mc_vars_set(v, "logoff_url", apr_pstrcat(r->pool, lbase, "/logoff", NULL));
    }
    else {
        mc_vars_set(v, "logon_url", apr_pstrcat(r->pool, lbase, "/logon", NULL));
    }
    for (i = 0; i < c->mounts->nelts; i++) {
        const mc_mount *m = &APR_ARRAY_IDX(c->mounts, i, mc_mount);
        const mc_nav *n;
        for (n = m->plugin->nav; n && n->label; n++) {
            mc_vars *row;
            if (!mc_nav_allowed(a, n))
                continue;
            row = mc_vars_row(v, "nav");
            mc_vars_set(row, "label", n->label);
            mc_vars_set(row, "href", apr_pstrcat(r->pool, m->path, n->path, NULL));
            if (m->plugin == current)
                mc_vars_set(row, "current", "1");
        }
    }
    return v;
}

int mc_render_page(request_rec *r, mc_vars *v, int status, const char *page, const char *title)
{
    char *out;
    apr_size_t len;
    const char *err;
    apr_status_t rv;

    mc_vars_set(v, "title", title);
    rv = mc_tmpl_render(templates, r->pool, "core/layout.html", page, v, &out, &len, &err);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r, MCLOGNO(0501) "template %s: %s", page, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    mc_security_headers(r);
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_set_content_length(r, len);
    if (!r->header_only)
        ap_rwrite(out, (int)len, r);
    return OK;
}

int mc_render(mc_req *mr, int status, const char *page, const char *title)
{
    const char *file = apr_pstrcat(mr->r->pool, mr->plugin->templates, "/", page, NULL);
    return mc_render_page(mr->r, mr->vars, status, file, title);
}

int mc_message(mc_req *mr, int status, const char *title, const char *message)
{
    mc_vars_set(mr->vars, "message", message);
    return mc_render_page(mr->r, mr->vars, status, "core/message.html", title);
}

const char *mc_text(mc_req *mr, const char *file, const mc_vars *v)
{
    const char *path = apr_pstrcat(mr->r->pool, mr->plugin->templates, "/", file, NULL);
    const char *err;
    char *out;
    if (mc_tmpl_text(templates, mr->r->pool, path, v, &out, &err) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, mr->r, MCLOGNO(0502) "text template %s: %s", path,
                      err);
        return NULL;
    }
    return out;
}
