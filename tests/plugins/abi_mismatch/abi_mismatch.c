/* A test plugin that claims another ABI major: mounting it must fail
 * configtest with a sentence (tests/integration/test_plugin_abi.py). */
#include "mocourts.h"

static const mc_route routes[] = {{.method = NULL}};
static const mc_plugin plugin = {
    .abi_major = MC_ABI_MAJOR + 1,
    .abi_minor = 0,
    .name = "abi_mismatch",
    .version = "0.0.1",
    .routes = routes,
    .templates = "core",
};

static void register_hooks(apr_pool_t *p)
{
    MC_PLUGIN_REGISTER(p, &plugin);
}

module AP_MODULE_DECLARE_DATA mocourts_abi_mismatch_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
