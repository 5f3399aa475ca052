/* A test plugin that exercises the plugin ABI from the outside: route
 * parameters, access by account and role, anti-CSRF on POST, escaping,
 * the outbox, and the database lending. Loaded only by the test suite. */
#include "mocourts.h"

#include "probe.h"

#include "apr_strings.h"
#include "http_protocol.h"

#include <stdlib.h>

static int hello(mc_req *mr)
{
    return mc_message(
        mr, HTTP_OK, "Hello",
        apr_pstrcat(mr->r->pool, "Hello, ", apr_table_get(mr->params, "name"), "!", NULL));
}

static int mine(mc_req *mr)
{
    return mc_message(mr, HTTP_OK, "Mine",
                      apr_pstrcat(mr->r->pool, "Account: ", mr->account->username, NULL));
}

static int clerk_only(mc_req *mr)
{
    return mc_message(mr, HTTP_OK, "Clerk", "Clerk page");
}

static int echo(mc_req *mr)
{
    const char *v = mc_field(mr, "value");
    return mc_message(mr, HTTP_OK, "Echo", apr_pstrcat(mr->r->pool, "Echo: ", v ? v : "", NULL));
}

/* Queue an e-mail to the account in a transaction, as plugins will. */
static apr_status_t queue(mc_req *mr, mc_db *db, void *baton)
{
    mc_notice n = {0};
    n.account_id = mr->account->id;
    n.channel = MC_CHANNEL_EMAIL;
    n.recipient = mr->account->email;
    n.subject = mc_field(mr, "subject") ? mc_field(mr, "subject") : "Probe notice";
    n.body = "This is a probe notice.\n";
    n.kind = "probe";
    return mc_outbox_add(db, &n, NULL);
}

static int notify(mc_req *mr)
{
    apr_status_t rv = mc_req_tx(mr, queue, NULL);
    if (rv == APR_EINVAL)
        return mc_message(mr, HTTP_BAD_REQUEST, "Refused", "That notice was refused.");
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "Queued", "Notice queued.");
}

/* Touches the database on every call: for the outage tests. */
static int dbtime(mc_req *mr)
{
    mc_dbres *res;
    mc_db *db;
    apr_status_t rv;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, mr->r->pool, &res, "SELECT UTC_TIMESTAMP()", "")) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_message(mr, HTTP_OK, "Time", mc_dbres_get(res, 0, 0));
}

static int go(mc_req *mr)
{
    const char *to = mc_safe_return(mr->r->pool, mc_query(mr, "to"));
    return to ? mc_redirect(mr, to)
              : mc_message(mr, HTTP_BAD_REQUEST, "Refused", "Not a local path.");
}

/* Answers with the status named (400-599): the core's error pages. */
static int status(mc_req *mr)
{
    long long code = mc_param_id(mr, "code");
    return code >= 400 && code <= 599 ? (int)code : HTTP_NOT_FOUND;
}

/* ABI 1.5: sets the cookie "probe" (?value=, else "v1") through the core's
 * helper and shows the value the request carried. */
static int cookie(mc_req *mr)
{
    const char *had = mc_cookie_value(mr, "probe");
    const char *v = mc_query(mr, "value");
    mc_cookie_put(mr, "probe", v && *v ? v : "v1", 60);
    return mc_message(mr, HTTP_OK, "Cookie",
                      apr_pstrcat(mr->r->pool, "Had: ", had ? had : "(none)", NULL));
}

/* ABI 1.8: GET /once shows a fresh one-time token; POST /once (with it
 * in mc_once) adds one audit row "probe-once" (detail: the field tag) and
 * answers 303 to /probe/hello/once-<row id>; hold=N keeps the transaction
 * open N ms after the claim (so copies sent at once meet it); refuse=1
 * claims, then rolls back with 409 (the claim goes with it). */
static int once_get(mc_req *mr)
{
    return mc_message(mr, HTTP_OK, "Once",
                      apr_pstrcat(mr->r->pool, "Token: ", mc_once_token(mr), NULL));
}

static apr_status_t once_tx(mc_req *mr, mc_db *db, void *baton)
{
    const char *tag = mc_field(mr, "tag"), *hold = mc_field(mr, "hold");
    long long id = 0;
    apr_status_t rv = mc_once_claim(mr, db, NULL);
    if (rv != APR_SUCCESS)
        return rv;
    if (hold)
        apr_sleep(apr_time_from_msec(atoi(hold) > 0 && atoi(hold) < 5000 ? atoi(hold) : 0));
    if (mc_field(mr, "refuse"))
        return APR_EEXIST;
    rv = mc_db_exec(db, NULL, &id,
                    "INSERT INTO mc_audit (at, event, detail) VALUES (UTC_TIMESTAMP(), "
                    "'probe-once', ?)",
                    "s", tag ? tag : "");
    *(long long *)baton = id;
    return rv == APR_SUCCESS
               ? mc_once_done(mr, db,
                              apr_psprintf(mr->r->pool, "/probe/hello/once-%" APR_INT64_T_FMT,
                                           (apr_int64_t)id))
               : rv;
}

static int once_post(mc_req *mr)
{
    long long id = 0;
    apr_status_t rv = mc_req_tx(mr, once_tx, &id);
    if (rv == APR_EEXIST)
        return mc_message(mr, HTTP_CONFLICT, "Refused", "Refused on purpose.");
    if (rv != APR_SUCCESS)
        return mc_once_answer(mr, rv);
    return mc_redirect(
        mr, apr_psprintf(mr->r->pool, "/probe/hello/once-%" APR_INT64_T_FMT, (apr_int64_t)id));
}

static const mc_route routes[] = {{"GET", "/hello/:name", MC_ACCESS_ANON, NULL, hello, 0},
                                  {"GET", "/mine", MC_ACCESS_ACCOUNT, NULL, mine, 0},
                                  {"GET", "/clerk", MC_ACCESS_ROLE, "clerk", clerk_only, 0},
                                  {"POST", "/echo", MC_ACCESS_ANON, NULL, echo, 0},
                                  {"POST", "/notify", MC_ACCESS_ACCOUNT, NULL, notify, 0},
                                  {"GET", "/dbtime", MC_ACCESS_ANON, NULL, dbtime, 0},
                                  {"GET", "/go", MC_ACCESS_ANON, NULL, go, 0},
                                  {"GET", "/status/:code", MC_ACCESS_ANON, NULL, status, 0},
                                  {"GET", "/cookie", MC_ACCESS_ANON, NULL, cookie, 0},
                                  {"GET", "/once", MC_ACCESS_ANON, NULL, once_get, 0},
                                  {"POST", "/once", MC_ACCESS_ANON, NULL, once_post, 0},
                                  {NULL}};

static const mc_nav nav[] = {{"Probe", "/mine", MC_ACCESS_ACCOUNT, NULL},
                             {"Clerk Desk", "/clerk", MC_ACCESS_ROLE, "clerk"},
                             {NULL}};

/* ABI 1.1: accounts holding the role "detour" land on /probe/mine after
 * logon, unless they asked for a page (ABI 1.4: a landing page, not a
 * detour). */
static const char *after_logon(mc_req *mr, mc_db *db)
{
    return mc_has_role(mr, "detour") && !mc_logon_return(mr) ? "mine" : NULL;
}

static const mc_nav logon_links[] = {{"Probe help", "/hello/help", MC_ACCESS_ANON, NULL}, {NULL}};

/* ABI 1.2: the delivery worker's rounds call this; it leaves one audit row
 * per round (at most one a second) for the tests to see. */
static apr_status_t periodic(mc_db *db, apr_pool_t *p, apr_time_t now)
{
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_audit (at, event, detail) SELECT UTC_TIMESTAMP(), "
                      "'probe-periodic', ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM mc_audit "
                      "WHERE event = 'probe-periodic' AND at = UTC_TIMESTAMP())",
                      "s", mc_site_url(p, "probe", "/hello/periodic"));
}

static const mc_plugin plugin = {
    .abi_major = MC_ABI_MAJOR,
    .abi_minor = MC_ABI_MINOR,
    .name = "probe",
    .version = "0.0.1",
    .routes = routes,
    .templates = "core",
    .nav = nav,
    .after_logon = after_logon,
    .logon_links = logon_links,
    .periodic = periodic,
    .api_routes = probe_api_routes,
};

static void register_hooks(apr_pool_t *p)
{
    MC_PLUGIN_REGISTER(p, &plugin);
}

module AP_MODULE_DECLARE_DATA mocourts_probe_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks};
