/* mod_mocourts_assets.c: the site's static files (issue 14), under the
 * logon mount's /assets/: site.css, site.js, favicon.svg, seal.svg and the
 * U.S. Web Design System's CSS, fonts and icons (core/uswds/, refreshed by
 * scripts/update-uswds.sh). Each is looked for first in
 * MoCourtsTemplatesOverride/core/, then MoCourtsTemplates/core/, so a court
 * brands the site by putting its own there.
 *
 * The request is mapped to the file here (map_to_storage, skipping the
 * directory walk, as the home page is) and httpd's own handler serves it:
 * sendfile, ETag and Last-Modified, conditional and range requests, HEAD,
 * mod_mime's type and any compression the site configures. Only names made
 * of letters, digits, '-', '_' and '.' with one of the extensions below, no
 * segment starting with a dot, are served: never a template. */
#include "mod_mocourts_private.h"

#include "apr_lib.h"
#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#define ASSET_NOTE "mocourts-asset"
#define ASSET_MAX 200

static const char *const extensions[] = {".css", ".js", ".svg", ".woff2", ".png", ".ico", ".jpg"};

/* 1 when rest is a name we serve (see the notes above). */
static int asset_name_ok(const char *rest)
{
    const char *p, *dot = NULL;
    size_t i, n = strlen(rest);
    int seg_start = 1;

    if (!n || n > ASSET_MAX)
        return 0;
    for (p = rest; *p; p++) {
        if (*p == '/') {
            if (seg_start)
                return 0;       /* an empty segment, or a leading '/' */
            seg_start = 1;
            continue;
        }
        if (seg_start && *p == '.')
            return 0;           /* ".", "..", a hidden file */
        if (!apr_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
        if (*p == '.')
            dot = p;
        seg_start = 0;
    }
    if (seg_start || !dot || strchr(dot, '/'))
        return 0;
    for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
        if (!strcmp(dot, extensions[i]))
            return 1;
    return 0;
}

/* The path under the logon mount's /assets/, or NULL. */
static const char *asset_rest(request_rec *r)
{
    const mc_mount *logon = mc_mount_of("logon");
    const char *base = logon ? logon->path : "/account";
    size_t n = strlen(base);
    if (strncmp(r->uri, base, n) || strncmp(r->uri + n, "/assets/", 8))
        return NULL;
    return r->uri + n + 8;
}

static int assets_map(request_rec *r)
{
    mc_srv_conf *c = mc_conf_get();
    const char *dirs[2], *rest;
    int i;

    if (r->main || !c || !c->base_url || !(rest = asset_rest(r)))
        return DECLINED;
    if (!asset_name_ok(rest))
        return DECLINED;        /* no file: the mount's 404 */
    if (r->method_number != M_GET) {
        ap_clear_method_list(r->allowed_methods);
        ap_method_list_add(r->allowed_methods, "GET");
        ap_method_list_add(r->allowed_methods, "HEAD");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    dirs[0] = c->templates_override;
    dirs[1] = c->templates;
    for (i = 0; i < 2; i++) {
        const char *path;
        if (!dirs[i])
            continue;
        path = apr_pstrcat(r->pool, dirs[i], "/core/", rest, NULL);
        if (apr_stat(&r->finfo, path, APR_FINFO_MIN, r->pool) == APR_SUCCESS &&
            r->finfo.filetype == APR_REG) {
            r->filename = apr_pstrdup(r->pool, path);
            r->canonical_filename = r->filename;
            apr_table_setn(r->notes, ASSET_NOTE, "1");
            return OK;
        }
    }
    r->finfo.filetype = APR_NOFILE;
    return DECLINED;
}

/* After the mount's security headers (fixups, MIDDLE): an asset may be kept
 * a day by browsers and proxies; the pages stay no-store. */
static int assets_fixups(request_rec *r)
{
    if (apr_table_get(r->notes, ASSET_NOTE))
        apr_table_setn(r->err_headers_out, "Cache-Control", "public, max-age=86400");
    return DECLINED;
}

void mc_assets_register(apr_pool_t *p)
{
    (void)p;
    ap_hook_map_to_storage(assets_map, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_fixups(assets_fixups, NULL, NULL, APR_HOOK_LAST);
}
