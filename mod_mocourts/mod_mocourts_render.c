/* mod_mocourts_render.c: pages in the site layout, through mc_tmpl. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "apr_user.h"
#include "http_core.h"
#include "http_protocol.h"
#include "unixd.h"

#include "mc_once.h"
#include "mc_tmpl_load.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- check_config: the templates as Apache's children will read them ---- */

/* Who reads the templates: the User and Group of httpd.conf when httpd
 * starts as root (its children switch to them, with the user's
 * supplementary groups), else whoever runs httpd. */
typedef struct reader {
    const char *name;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int ngroups;
} reader;

static void reader_get(apr_pool_t *p, reader *u)
{
    int n = 64;
    char *name;

    if (geteuid() == 0) {
        u->name = ap_unixd_config.user_name;
        u->uid = ap_unixd_config.user_id;
        u->gid = ap_unixd_config.group_id;
        u->groups = apr_palloc(p, n * sizeof(gid_t));
        if (getgrouplist(u->name, u->gid, u->groups, &n) < 0) {
            u->groups = apr_palloc(p, n * sizeof(gid_t));
            if (getgrouplist(u->name, u->gid, u->groups, &n) < 0)
                n = 0;
        }
    }
    else {
        u->uid = geteuid();
        u->gid = getegid();
        u->name = apr_uid_name_get(&name, u->uid, p) == APR_SUCCESS
                      ? name
                      : apr_psprintf(p, "uid %ld", (long)u->uid);
        n = getgroups(0, NULL);
        u->groups = apr_palloc(p, (n > 0 ? n : 1) * sizeof(gid_t));
        n = n > 0 ? getgroups(n, u->groups) : 0;
    }
    u->ngroups = n > 0 ? n : 0;
}

/* 1 when u may do want (R_OK, X_OK or both) to what st describes, by its
 * owner, group and mode bits as the kernel decides (ACLs aside): access(2)
 * would answer for root, not for the children. */
static int may(const reader *u, const struct stat *st, int want)
{
    mode_t r = S_IROTH, x = S_IXOTH;
    int i, member = st->st_gid == u->gid;

    if (u->uid == 0)
        return 1;
    for (i = 0; !member && i < u->ngroups; i++)
        member = st->st_gid == u->groups[i];
    if (st->st_uid == u->uid) {
        r = S_IRUSR;
        x = S_IXUSR;
    }
    else if (member) {
        r = S_IRGRP;
        x = S_IXGRP;
    }
    return (!(want & R_OK) || (st->st_mode & r)) && (!(want & X_OK) || (st->st_mode & x));
}

/* A directory must be listed and entered, a file read. */
static int may_read(const reader *u, const struct stat *st)
{
    return may(u, st, S_ISDIR(st->st_mode) ? R_OK | X_OK : R_OK);
}

/* "the directory '/x' cannot be read by nobody (owner root, group root,
 * mode 0700)...", for the directive's error. */
static const char *unreadable(apr_pool_t *p, const reader *u, const char *directive,
                              const char *path, const struct stat *st)
{
    char *owner, *group;
    if (apr_uid_name_get(&owner, st->st_uid, p) != APR_SUCCESS)
        owner = apr_psprintf(p, "%ld", (long)st->st_uid);
    if (apr_gid_name_get(&group, st->st_gid, p) != APR_SUCCESS)
        group = apr_psprintf(p, "%ld", (long)st->st_gid);
    return apr_psprintf(p,
                        "Invalid value for directive '%s': the %s '%s' cannot be read by user "
                        "%s, whom Apache's children run as (owner %s, group %s, mode %04o); "
                        "make it readable, e.g. chmod %s",
                        directive, S_ISDIR(st->st_mode) ? "directory" : "template file", path,
                        u->name, owner, group, (unsigned)(st->st_mode & 07777),
                        S_ISDIR(st->st_mode) ? "0755 (files 0644)" : "0644");
}

/* Every directory and file under dir readable by u, every template in it
 * well-formed and its includes resolved through tc; NULL, or the error
 * naming directive and path. */
static const char *check_tree(apr_pool_t *p, mc_tmpl_cache *tc, const reader *u,
                              const char *directive, const char *dir, int depth)
{
    apr_dir_t *d;
    apr_finfo_t fi;
    struct stat st;
    const char *err = NULL;
    apr_status_t rv;

    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return apr_psprintf(p, "Invalid value for directive '%s': '%s' is not a directory",
                            directive, dir);
    if (!may_read(u, &st))
        return unreadable(p, u, directive, dir, &st);
    if (depth > 8)
        return NULL; /* a link back up: what is below was seen already */
    if ((rv = apr_dir_open(&d, dir, p)) != APR_SUCCESS)
        return apr_psprintf(p, "Invalid value for directive '%s': '%s' cannot be listed: %pm",
                            directive, dir, &rv);
    while (!err &&
           ((rv = apr_dir_read(&fi, APR_FINFO_NAME, d)) == APR_SUCCESS || rv == APR_INCOMPLETE)) {
        const char *path, *why;
        size_t n;
        if (fi.name[0] == '.')
            continue; /* ".", "..", an editor's or VCS's hidden file */
        path = apr_pstrcat(p, dir, "/", fi.name, NULL);
        n = strlen(fi.name);
        if (stat(path, &st) != 0)
            continue; /* a dangling link is no template */
        if (S_ISDIR(st.st_mode))
            err = check_tree(p, tc, u, directive, path, depth + 1);
        else if (!S_ISREG(st.st_mode))
            continue;
        else if (!may_read(u, &st))
            err = unreadable(p, u, directive, path, &st);
        else if (((n > 5 && !strcasecmp(fi.name + n - 5, ".html")) ||
                  (n > 4 && !strcasecmp(fi.name + n - 4, ".txt"))) &&
                 mc_tmpl_check(tc, p, path, &why) != APR_SUCCESS)
            err = apr_psprintf(p, "Invalid value for directive '%s': %s", directive, why);
    }
    apr_dir_close(d);
    return err;
}

/* Every directory on the way to dir (not dir itself) enterable by u. */
static const char *check_ancestors(apr_pool_t *p, const reader *u, const char *directive,
                                   const char *dir)
{
    char *path = apr_pstrdup(p, dir), *slash;
    struct stat st;

    for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (stat(*path ? path : "/", &st) == 0 && !may(u, &st, X_OK))
            return apr_psprintf(p,
                                "Invalid value for directive '%s': the directory '%s' on the "
                                "way to '%s' cannot be entered by user %s, whom Apache's "
                                "children run as (mode %04o); chmod o+x it",
                                directive, path, dir, u->name, (unsigned)(st.st_mode & 07777));
        *slash = '/';
    }
    return NULL;
}

const char *mc_render_check_config(apr_pool_t *ptemp)
{
    mc_srv_conf *c = mc_conf_get();
    const char *dirs[2][2] = {{"MoCourtsTemplatesOverride", c->templates_override},
                              {"MoCourtsTemplates", c->templates}};
    const char *search[3] = {NULL, NULL, NULL};
    mc_tmpl_cache *tc;
    reader u;
    int i, n = 0;

    reader_get(ptemp, &u);
    /* Includes resolve as the children's cache will resolve them. */
    if (c->templates_override)
        search[n++] = c->templates_override;
    search[n++] = c->templates;
    tc = mc_tmpl_cache_create(ptemp, search);
    for (i = 0; i < 2; i++) {
        const char *err, *dir = dirs[i][1];
        apr_finfo_t fi;
        if (!dir)
            continue;
        if (apr_stat(&fi, dir, APR_FINFO_TYPE, ptemp) != APR_SUCCESS)
            return apr_psprintf(ptemp, "Invalid value for directive '%s': '%s' does not exist%s",
                                dirs[i][0], dir,
                                i == 1 ? ": install the templates there, or name their "
                                         "directory with MoCourtsTemplates"
                                       : "");
        if ((err = check_ancestors(ptemp, &u, dirs[i][0], dir)) ||
            (err = check_tree(ptemp, tc, &u, dirs[i][0], dir, 0)))
            return err;
    }
    return NULL;
}

/* How closely a navigation link's path matches uri: 0 not at all, else
 * longer for a nearer match (the path itself beats a folder above it). */
static apr_size_t nav_match(const char *uri, const char *href)
{
    apr_size_t n = strlen(href);
    if (!strcmp(uri, href))
        return n + 1;
    if (n && strncmp(uri, href, n) == 0 && (href[n - 1] == '/' || uri[n] == '/'))
        return n;
    return 0;
}

mc_vars *mc_layout_vars(request_rec *r, mc_session *sess, const mc_plugin *current)
{
    mc_srv_conf *c = mc_conf_get();
    mc_vars *v = mc_vars_make(r->pool, NULL);
    const mc_account *a = sess && !strcmp(sess->stage, "full") ? &sess->account : NULL;
    const mc_mount *logon = mc_mount_of("logon");
    const char *lbase = logon ? logon->path : "/account";
    mc_vars *best = NULL;
    const char *href;
    apr_size_t len, best_len = 0;
    int i;

    mc_vars_set(v, "court_name", c->court_name);
    /* The footer: the registration pages keep seed 000's "Registration
     * Version x.y.z" (that plugin's version); every other page names the
     * product. */
    if (current && current->name && !strcmp(current->name, "registration"))
        mc_vars_set(
            v, "version",
            apr_pstrcat(r->pool, "Registration Version ",
                        current->version && *current->version ? current->version : MC_VERSION,
                        NULL));
    else
        mc_vars_set(v, "version", "mod_mocourts " MC_VERSION);
    mc_vars_set(v, "_csrf", mc_csrf_value(r, sess));
    /* The public home page at the site root when it is on (mod_mocourts_home.c). */
    if (c->home_page == 1) {
        mc_vars_set(v, "home_url", "/");
        mc_vars_set(v, "home_nav", "/");
        if (!strcmp(r->uri, "/"))
            mc_vars_set(v, "home_current", "page");
    }
    else
        mc_vars_set(v, "home_url", apr_pstrcat(r->pool, lbase, "/", NULL));
    mc_vars_set(v, "help_url", apr_pstrcat(r->pool, lbase, "/help", NULL));
    mc_vars_set(v, "contact_url", apr_pstrcat(r->pool, lbase, "/contact", NULL));
    mc_vars_set(v, "privacy_url", apr_pstrcat(r->pool, lbase, "/privacy", NULL));
    mc_vars_set(v, "accessibility_url", apr_pstrcat(r->pool, lbase, "/accessibility", NULL));
    mc_vars_set(v, "css_url", apr_pstrcat(r->pool, lbase, "/assets/site.css", NULL));
    mc_vars_set(v, "js_url", apr_pstrcat(r->pool, lbase, "/assets/site.js", NULL));
    mc_vars_set(v, "uswds_css_url",
                apr_pstrcat(r->pool, lbase, "/assets/uswds/css/uswds.min.css", NULL));
    mc_vars_set(v, "favicon_url", apr_pstrcat(r->pool, lbase, "/assets/favicon.svg", NULL));
    mc_vars_set(v, "seal_url", apr_pstrcat(r->pool, lbase, "/assets/seal.svg", NULL));
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
        if (!strcmp(r->uri, mc_vars_get(v, "logon_url")))
            mc_vars_set(v, "logon_current", "page");
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
            mc_vars_set(row, "href", href = apr_pstrcat(r->pool, m->path, n->path, NULL));
            if ((len = nav_match(r->uri, href)) > best_len) {
                best = row;
                best_len = len;
            }
        }
    }
    /* One item is the current page (aria-current): the one nearest the
     * request's path, e.g. Manage My Case under /casenet/mycases/..., Case.net
     * Search elsewhere under /casenet/. */
    if (best)
        mc_vars_set(best, "current", "page");
    return v;
}

/* Answered when a template fails (the layout may be what failed). */
static const char template_error_page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page not "
    "available</title></head><body><main><h1>Page not available</h1><p>This page cannot be "
    "shown because of an error in the site's page templates. The error has been logged for "
    "the court's staff. Please try again later.</p></main></body></html>";

int mc_render_page(request_rec *r, mc_vars *v, int status, const char *page, const char *title)
{
    char *out;
    apr_size_t len;
    const char *err;
    apr_status_t rv;

    mc_vars_set(v, "title", title);
    /* A fresh one-time token for the page's <form data-once> (ABI 1.8). */
    if (!mc_vars_get(v, "_once"))
        mc_vars_set(v, "_once", mc_once_make(r->pool, mc_vars_get(v, "_csrf"), apr_time_now()));
    rv = mc_tmpl_render(templates, r->pool, "core/layout.html", page, v, &out, &len, &err);
    if (rv != APR_SUCCESS) {
        /* err names the file, the line and the reason. */
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, MCLOGNO(0501) "page %s cannot be shown: %s",
                      page, err);
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
        ap_custom_response(r, HTTP_INTERNAL_SERVER_ERROR, template_error_page);
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
    if (mc_rest_request(mr->r))
        return mc_rest_message(mr, status, message);
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

void mc_security_headers(request_rec *r)
{
    apr_table_t *h = r->err_headers_out;
    apr_table_setn(h, "Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src "
                   "'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'");
    apr_table_setn(h, "X-Content-Type-Options", "nosniff");
    apr_table_setn(h, "X-Frame-Options", "DENY");
    apr_table_setn(h, "Referrer-Policy", "same-origin");
    apr_table_setn(h, "Cache-Control", "no-store");
    apr_table_setn(h, "Cross-Origin-Opener-Policy", "same-origin");
}
