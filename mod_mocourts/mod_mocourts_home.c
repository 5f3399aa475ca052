/* mod_mocourts_home.c: the public home page at the site root (issue 14;
 * MoCourtsHomePage, On by default): Case.net's five searches first, with a
 * litigant-name box on the page itself, then Log On and Create an account
 * (a logged-on account's own links instead), then eFiling's address; each
 * part only when its plugin is mounted. And the footer's pages: Help,
 * Contact, Privacy and Accessibility, whose text a court replaces through
 * MoCourtsTemplatesOverride. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#define HOME_HANDLER "mocourts-home"

/* Case.net's public searches (seed 002: no login, no account), as the
 * casetrack plugin's search home names them; paths under its mount. */
static const char *const searches[][2] = {
    {"/search/name", "Litigant Name"},       {"/search/number", "Case Number"},
    {"/search/date", "Filing Date"},         {"/search/hearings", "Scheduled Hearings"},
    {"/search/judgments", "Judgment Index"},
};

/* 1 when some plugin is mounted at the site root itself: "/" is its. */
static int root_mounted(const mc_srv_conf *c)
{
    int i;
    for (i = 0; i < c->mounts->nelts; i++)
        if (!*APR_ARRAY_IDX(c->mounts, i, mc_mount).path)
            return 1;
    return 0;
}

/* map_to_storage: the site root is no file. The directory walk (and with it
 * mod_dir's index file, Debian's placeholder page) is skipped and the
 * request marked for the handler below; <Location> sections still apply. */
static int home_map(request_rec *r)
{
    mc_srv_conf *c = mc_conf_get();
    if (r->main || !c || !c->base_url || c->home_page != 1 || strcmp(r->uri, "/") ||
        root_mounted(c))
        return DECLINED;
    r->handler = HOME_HANDLER;
    return OK;
}

static void home_vars(request_rec *r, mc_vars *v, int signed_in)
{
    const mc_mount *ct = mc_mount_of("casetrack"), *reg = mc_mount_of("registration"),
                   *ef = mc_mount_of("efiling");
    size_t i;
    if (ct) {
        for (i = 0; i < sizeof(searches) / sizeof(searches[0]); i++) {
            mc_vars *row = mc_vars_row(v, "searches");
            mc_vars_set(row, "href", apr_pstrcat(r->pool, ct->path, searches[i][0], NULL));
            mc_vars_set(row, "label", searches[i][1]);
        }
        mc_vars_set(v, "name_action", apr_pstrcat(r->pool, ct->path, searches[0][0], NULL));
    }
    if (reg && !signed_in)
        mc_vars_set(v, "create_url", apr_pstrcat(r->pool, reg->path, "/create", NULL));
    if (ef)
        mc_vars_set(v, "efiling_url",
                    apr_pstrcat(r->pool, mc_conf_get()->base_url, ef->path, "/", NULL));
}

static int home_handler(request_rec *r)
{
    mc_session *sess = NULL;
    mc_vars *v;
    int rc;

    if (!r->handler || strcmp(r->handler, HOME_HANDLER))
        return DECLINED;
    if (r->method_number != M_GET) {
        ap_clear_method_list(r->allowed_methods);
        ap_method_list_add(r->allowed_methods, "GET");
        ap_method_list_add(r->allowed_methods, "HEAD");
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if ((rc = mc_session_for_page(r, &sess)) != OK)
        return rc;
    v = mc_layout_vars(r, sess, NULL);
    home_vars(r, v, mc_vars_get(v, "signed_in") != NULL);
    return mc_render_page(r, v, HTTP_OK, "core/index.html", mc_conf_get()->court_name);
}

void mc_home_register(apr_pool_t *p)
{
    ap_hook_map_to_storage(home_map, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_handler(home_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

/* ---- the footer's pages ------------------------------------------------------ */

int mc_footer_page(mc_req *mr)
{
    static const char *const pages[][3] = {
        {"/help", "help.html", "Help"},
        {"/contact", "contact.html", "Contact the Court"},
        {"/privacy", "privacy.html", "Privacy Policy"},
        {"/accessibility", "accessibility.html", "Accessibility Statement"},
    };
    size_t i;
    for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
        if (!strcmp(mr->route->pattern, pages[i][0]))
            return mc_render(mr, HTTP_OK, pages[i][1], pages[i][2]);
    return HTTP_NOT_FOUND;
}
