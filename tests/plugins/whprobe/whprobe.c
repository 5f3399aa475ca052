/* A test plugin that raises webhook events as a plugin does (issue 16):
 * mc_webhook_emit and mc_webhook_drop_case in a transaction of the
 * request. Loaded only by tests/integration/test_webhooks*.py, at /whprobe.
 * The routes take no session: the tests name the account. */
#include "mocourts.h"
#include "mc_webhook.h"

#include "apr_strings.h"

#include <stdlib.h>

typedef struct emit_baton {
    const char *event, *case_ref, *data;
    long long account;
} emit_baton;

static apr_status_t emit_tx(mc_req *mr, mc_db *db, void *baton)
{
    emit_baton *b = baton;
    const char *count = mc_field(mr, "count");
    apr_status_t rv = APR_SUCCESS;
    /* count=N: N events in the one transaction (due at the same moment). */
    for (int i = 0, n = count ? atoi(count) : 1; i < n && i < 100 && rv == APR_SUCCESS; i++)
        rv = mc_webhook_emit(db, b->account, b->event, b->case_ref, b->data);
    /* rollback=1: the event's transaction fails after queueing, as when a
     * docket entry's insert fails later: nothing may be delivered. */
    if (rv == APR_SUCCESS && mc_field(mr, "rollback"))
        return APR_EGENERAL;
    return rv;
}

static int emit(mc_req *mr)
{
    emit_baton b;
    const char *case_ref = mc_field(mr, "case_ref");
    apr_status_t rv;
    b.account = atoll(mc_field(mr, "account") ? mc_field(mr, "account") : "0");
    b.event = mc_field(mr, "event");
    b.case_ref = case_ref && *case_ref ? case_ref : NULL;
    b.data = mc_field(mr, "data");
    rv = mc_req_tx(mr, emit_tx, &b);
    if (rv == APR_EINVAL)
        return mc_message(mr, HTTP_BAD_REQUEST, "Refused", "The event was refused.");
    if (rv == APR_EGENERAL && mc_field(mr, "rollback"))
        return mc_message(mr, HTTP_OK, "Rolled back", "The event was rolled back.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "Queued", "The event was queued.");
}

static apr_status_t drop_tx(mc_req *mr, mc_db *db, void *baton)
{
    return mc_webhook_drop_case(db, baton);
}

static int drop(mc_req *mr)
{
    const char *case_ref = mc_field(mr, "case_ref");
    apr_status_t rv = mc_req_tx(mr, drop_tx, (void *)case_ref);
    if (rv == APR_EINVAL)
        return mc_message(mr, HTTP_BAD_REQUEST, "Refused", "No case was named.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "Dropped", "The case's deliveries were dropped.");
}

static const mc_route routes[] = {{"POST", "/emit", MC_ACCESS_ANON, NULL, emit, MC_ROUTE_NO_CSRF},
                                  {"POST", "/drop", MC_ACCESS_ANON, NULL, drop, MC_ROUTE_NO_CSRF},
                                  {NULL}};

static const mc_plugin plugin = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "whprobe",
    .version = "1.0.0",
    .routes = routes,
    .templates = "core",
};

static void register_hooks(apr_pool_t *p)
{
    MC_PLUGIN_REGISTER(p, &plugin);
}

module AP_MODULE_DECLARE_DATA MC_API mocourts_whprobe_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
