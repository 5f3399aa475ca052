/* A plugin built against ABI 1.0: its descriptor ends after `nav`, so the
 * core must never read the 1.1 fields from it (tests/integration/
 * test_plugin_abi.py mounts it beside the others and logs on). */
#include "mocourts.h"

#include "http_protocol.h"

/* The 1.0 layout of mc_plugin, as such a plugin was compiled. */
typedef struct plugin_1_0 {
    unsigned abi_major, abi_minor;
    const char *name, *version;
    const mc_route *routes;
    const char *component;
    int schema_version;
    const char *templates;
    apr_status_t (*child_init)(apr_pool_t *pchild, server_rec *s);
    const mc_nav *nav;
} plugin_1_0;

static int hello(mc_req *mr)
{
    return mc_message(mr, HTTP_OK, "Old", "An ABI 1.0 plugin answers.");
}

static const mc_route routes[] = {{"GET", "/", MC_ACCESS_ANON, NULL, hello, 0}, {NULL}};

/* The 1.0 descriptor, followed in memory by bytes that are not pointers. */
static const struct {
    plugin_1_0 d;
    char poison[16];
} old = {{1, 0, "abi_old", "0.0.1", routes, NULL, 0, "core", NULL, NULL},
         "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"};

static void register_hooks(apr_pool_t *p)
{
    ap_register_provider(p, MC_PLUGIN_GROUP, "abi_old", MC_PLUGIN_GROUP_VERSION, &old.d);
}

module AP_MODULE_DECLARE_DATA mocourts_abi_old_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
