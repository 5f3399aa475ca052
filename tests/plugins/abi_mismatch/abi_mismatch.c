/* A test plugin that claims another ABI major: mounting it must fail
 * configtest with a sentence (tests/integration/test_config.py). */
#include "mocourts.h"

static const mc_route routes[] = {{NULL}};
static const mc_plugin plugin = {
    MC_ABI_MAJOR + 1, 0, "abi_mismatch", "0.0.1", routes, NULL, 0, "core", NULL, NULL};

static void register_hooks(apr_pool_t *p)
{
    MC_PLUGIN_REGISTER(p, &plugin);
}

module AP_MODULE_DECLARE_DATA mocourts_abi_mismatch_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
