/* mod_mocourts_webhooks.c: My Account -> Webhooks (issue 16), pages of the
 * core's "logon" plugin under /account: the account's endpoints with their
 * status, adding one (its secret shown once), deleting one, a new secret,
 * re-enabling a disabled one, and an endpoint's recent deliveries and
 * attempts. Another account's endpoint is 404. Adding, deleting, a new
 * secret and re-enabling are audited (the worker audits a disabling).
 * Deliveries: mc_webhook.c, mc_webhook_send.c. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"

#include "mc_webhook.h"
#include "mc_webhook_send.h"

#define ENDPOINTS_MAX 10

static const mc_label event_words[] = {
    {MC_WEBHOOK_DOCKET_ENTRY, "A docket entry is added to a case you track"},
    {MC_WEBHOOK_HEARING, "A hearing is scheduled in a case you track"},
    {MC_WEBHOOK_FILING_STATUS, "One of your filings changes status"},
    {NULL}};

static const mc_label webhook_notes[] = {
    {"deleted", "The endpoint was deleted. Nothing more is sent to it."},
    {"enabled", "The endpoint was enabled again. New events are sent to it."},
    {NULL}};

/* My Account (registration's), else the core's welcome page. */
static const char *account_page_url(mc_req *mr)
{
    const mc_mount *m = mc_mount_of("registration");
    return m ? apr_pstrcat(mr->r->pool, m->path, "/myaccount", NULL) : mc_url(mr, "/");
}

/* "Active", "Failing since ..." or "Disabled on ..." and its class. */
static void status_vars(mc_vars *row, const char *enabled, const char *failing,
                        const char *disabled)
{
    if (enabled && !strcmp(enabled, "0")) {
        mc_vars_set(row, "status", "Disabled");
        mc_vars_setf(row, "status_more", " on %s", disabled ? disabled : "");
        mc_vars_set(row, "status_class", "mc-status mc-status--disabled");
        mc_vars_set(row, "disabled", "1");
    }
    else if (failing) {
        mc_vars_set(row, "status", "Failing");
        mc_vars_setf(row, "status_more", " since %s", failing);
        mc_vars_set(row, "status_class", "mc-status mc-status--retry");
    }
    else {
        mc_vars_set(row, "status", "Active");
        mc_vars_set(row, "status_class", "mc-status mc-status--ok");
    }
}

/* "a.b,c.d" as the events' words, "; " between. */
static const char *events_text(apr_pool_t *p, const char *set)
{
    const char *out = "";
    for (const mc_label *e = event_words; e->word; e++) {
        char *copy = apr_pstrdup(p, set ? set : ""), *last, *w;
        for (w = apr_strtok(copy, ",", &last); w; w = apr_strtok(NULL, ",", &last))
            if (!strcmp(w, e->word))
                out = apr_pstrcat(p, out, *out ? "; " : "", e->word, NULL);
    }
    return out;
}

/* The list page: endpoints, the add form (url and events: what was typed,
 * kept on an error), and a new secret when one was just made. */
static int webhooks_page(mc_req *mr, int status, const char *error, const char *field,
                         const char *url, const char *events)
{
    apr_pool_t *p = mr->r->pool;
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv;
    int i;

    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, p, &res,
                          "SELECT id, url, events, enabled, DATE_FORMAT(failing_since, "
                          "'%Y-%m-%d %H:%i UTC'), DATE_FORMAT(disabled_at, '%Y-%m-%d %H:%i UTC'), "
                          "DATE_FORMAT(created_at, '%Y-%m-%d') FROM mc_webhook_endpoint "
                          "WHERE account_id = ? ORDER BY id",
                          "i", mr->account->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "endpoints");
        const char *base = mc_url(mr, apr_pstrcat(p, "/webhooks/", mc_dbres_get(res, i, 0), NULL));
        mc_vars_set(row, "url", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "events", events_text(p, mc_dbres_get(res, i, 2)));
        mc_vars_set(row, "created", mc_dbres_get(res, i, 6));
        status_vars(row, mc_dbres_get(res, i, 3), mc_dbres_get(res, i, 4), mc_dbres_get(res, i, 5));
        mc_vars_set(row, "detail_url", base);
        mc_vars_set(row, "delete_action", apr_pstrcat(p, base, "/delete", NULL));
        mc_vars_set(row, "rotate_action", apr_pstrcat(p, base, "/rotate", NULL));
        mc_vars_set(row, "enable_action", apr_pstrcat(p, base, "/enable", NULL));
    }
    for (const mc_label *e = event_words; e->word; e++) {
        mc_vars *row = mc_vars_row(mr->vars, "event_choices");
        int ticked = 0;
        if (events) {
            char *copy = apr_pstrdup(p, events), *last, *w;
            for (w = apr_strtok(copy, ",", &last); w; w = apr_strtok(NULL, ",", &last))
                ticked |= !strcmp(w, e->word);
        }
        mc_vars_set(row, "value", e->word);
        mc_vars_set(row, "label", e->text);
        mc_vars_setf(row, "id", "event-%d", (int)(e - event_words));
        mc_vars_set(row, "checked", ticked ? e->word : NULL);
    }
    mc_vars_set(mr->vars, "add_action", mc_url(mr, "/webhooks"));
    mc_vars_set(mr->vars, "new_url", url);
    if (error) {
        mc_vars *e = mc_vars_row(mr->vars, "errors");
        mc_vars_set(e, "text", error);
        mc_vars_set(e, "href", apr_pstrcat(p, "#", field, NULL));
        if (!strcmp(field, "url"))
            mc_vars_set(mr->vars, "invalid_url", "true");
    }
    mc_vars_set(mr->vars, "myaccount_url", account_page_url(mr));
    mc_done_notice(mr, webhook_notes, error);
    return mc_render(mr, status, "webhooks.html", "Webhooks");
}

static int webhooks_get(mc_req *mr)
{
    return webhooks_page(mr, HTTP_OK, NULL, NULL, NULL, NULL);
}

/* The events ticked, in the page's order ("a,b"), or NULL when one is not ours. */
static const char *events_ticked(mc_req *mr)
{
    const apr_array_header_t *a = apr_table_elts(mr->form);
    const apr_table_entry_t *e = (const apr_table_entry_t *)a->elts;
    const char *out = "";
    int i;
    for (i = 0; i < a->nelts; i++)
        if (!strcmp(e[i].key, "event") && !mc_label_of(event_words, e[i].val))
            return NULL;
    for (const mc_label *w = event_words; w->word; w++)
        for (i = 0; i < a->nelts; i++)
            if (!strcmp(e[i].key, "event") && !strcmp(e[i].val, w->word)) {
                out = *out ? apr_pstrcat(mr->r->pool, out, ",", w->word, NULL) : w->word;
                break;
            }
    return out;
}

typedef struct add_baton {
    const char *url, *events, *secret, *refusal;
    long long id;
} add_baton;

static apr_status_t add_tx(mc_req *mr, mc_db *db, void *baton)
{
    add_baton *b = baton;
    mc_dbres *res;
    apr_status_t rv;
    b->refusal = NULL;
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    /* The account's endpoints locked, so two adds at once count right. */
    if ((rv = mc_db_query(db, mr->r->pool, &res,
                          "SELECT id FROM mc_webhook_endpoint WHERE account_id = ? FOR UPDATE", "i",
                          mr->account->id)) != APR_SUCCESS)
        return rv;
    if (res->nrows >= ENDPOINTS_MAX) {
        b->refusal = "You have 10 endpoints already. Delete one before adding another.";
        return APR_EGENERAL;
    }
    rv = mc_db_exec(db, NULL, &b->id,
                    "INSERT INTO mc_webhook_endpoint (account_id, url, events, secret, enabled, "
                    "created_at) VALUES (?, ?, ?, ?, 1, UTC_TIMESTAMP())",
                    "isss", mr->account->id, b->url, b->events, b->secret);
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, "webhook-added", mr->account->id,
                      apr_psprintf(mr->r->pool, "webhook endpoint %" APR_INT64_T_FMT " events %s",
                                   (apr_int64_t)b->id, b->events));
    if (rv == APR_SUCCESS)
        rv = mc_once_done(mr, db, "webhooks");
    return rv;
}

/* The list page with the secret of the endpoint just made or rotated. */
static int show_secret(mc_req *mr, const char *url, const char *secret, int rotated)
{
    mc_vars_set(mr->vars, "secret", secret);
    mc_vars_set(mr->vars, "secret_url", url);
    mc_vars_set(mr->vars, "secret_rotated", rotated ? "1" : NULL);
    return webhooks_page(mr, HTTP_OK, NULL, NULL, NULL, NULL);
}

static int webhooks_post(mc_req *mr)
{
    add_baton b = {0};
    apr_status_t rv;
    const char *refusal;
    b.url = mc_text_trim(mr->r->pool, mc_field(mr, "url"));
    b.events = events_ticked(mr);
    if ((refusal = mc_webhook_url_refusal(mr->r->pool, b.url)))
        return webhooks_page(mr, HTTP_BAD_REQUEST, refusal, "url", b.url, b.events);
    if (!b.events || !*b.events)
        return webhooks_page(mr, HTTP_BAD_REQUEST, "Choose at least one event to receive.",
                             "event-0", b.url, b.events);
    b.secret = mc_webhook_secret_new(mr->r->pool);
    if ((rv = mc_req_tx(mr, add_tx, &b)) != APR_SUCCESS)
        return b.refusal ? webhooks_page(mr, HTTP_BAD_REQUEST, b.refusal, "url", b.url, b.events)
                         : mc_once_answer(mr, rv);
    return show_secret(mr, b.url, b.secret, 0);
}

/* The account's endpoint :id: 1 with its url in *url, 0 when it is not
 * the account's (or on a database error, in *rv). */
static int own_endpoint(mc_req *mr, mc_db *db, int for_update, const char **url, apr_status_t *rv)
{
    mc_dbres *res;
    long long id = mc_param_id(mr, "id");
    *rv = APR_SUCCESS;
    if (!id)
        return 0;
    *rv = mc_db_query(db, mr->r->pool, &res,
                      for_update ? "SELECT url FROM mc_webhook_endpoint WHERE id = ? AND "
                                   "account_id = ? FOR UPDATE"
                                 : "SELECT url FROM mc_webhook_endpoint WHERE id = ? AND "
                                   "account_id = ?",
                      "ii", id, mr->account->id);
    if (*rv != APR_SUCCESS || res->nrows != 1)
        return 0;
    *url = mc_dbres_get(res, 0, 0);
    return 1;
}

typedef struct change_baton {
    const char *what; /* "delete", "rotate", "enable" */
    const char *url, *secret;
    int found;
} change_baton;

static apr_status_t change_tx(mc_req *mr, mc_db *db, void *baton)
{
    change_baton *b = baton;
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    const char *event, *detail;
    apr_pool_t *p = mr->r->pool;
    if (!(b->found = own_endpoint(mr, db, 1, &b->url, &rv)))
        return rv;
    if (!strcmp(b->what, "delete")) {
        /* Its deliveries and their attempts go with it (ON DELETE CASCADE). */
        rv = mc_db_exec(db, NULL, NULL, "DELETE FROM mc_webhook_endpoint WHERE id = ?", "i", id);
        event = "webhook-deleted";
        detail = apr_psprintf(p, "webhook endpoint %" APR_INT64_T_FMT " deleted", (apr_int64_t)id);
    }
    else if (!strcmp(b->what, "rotate")) {
        b->secret = mc_webhook_secret_new(mr->r->pool);
        rv = mc_db_exec(db, NULL, NULL, "UPDATE mc_webhook_endpoint SET secret = ? WHERE id = ?",
                        "si", b->secret, id);
        event = "webhook-secret-rotated";
        detail =
            apr_psprintf(p, "webhook endpoint %" APR_INT64_T_FMT ": new secret", (apr_int64_t)id);
    }
    else {
        long long n = 0;
        rv = mc_db_exec(db, &n, NULL,
                        "UPDATE mc_webhook_endpoint SET enabled = 1, disabled_at = NULL, "
                        "failing_since = NULL WHERE id = ? AND enabled = 0",
                        "i", id);
        if (rv == APR_SUCCESS && n == 0)
            return APR_SUCCESS; /* enabled already (a second click): nothing to audit */
        event = "webhook-enabled";
        detail =
            apr_psprintf(p, "webhook endpoint %" APR_INT64_T_FMT " enabled again", (apr_int64_t)id);
    }
    if (rv == APR_SUCCESS)
        rv = mc_audit(mr, db, event, mr->account->id, detail);
    return rv;
}

static int change(mc_req *mr, const char *what)
{
    change_baton b = {what, NULL, NULL, 0};
    apr_status_t rv = mc_req_tx(mr, change_tx, &b);
    if (rv != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (!b.found)
        return HTTP_NOT_FOUND;
    if (!strcmp(what, "rotate"))
        return show_secret(mr, b.url, b.secret, 1);
    return mc_redirect(mr,
                       !strcmp(what, "delete") ? "webhooks?done=deleted" : "webhooks?done=enabled");
}

static int delete_post(mc_req *mr)
{
    return change(mr, "delete");
}

static int rotate_post(mc_req *mr)
{
    return change(mr, "rotate");
}

static int enable_post(mc_req *mr)
{
    return change(mr, "enable");
}

static const mc_label delivery_words[] = {{"queued", "Queued"},       {"sending", "Sending"},
                                          {"delivered", "Delivered"}, {"retrying", "Retrying"},
                                          {"failed", "Failed"},       {NULL}};

/* One endpoint: its recent deliveries and their attempts. */
static int endpoint_get(mc_req *mr)
{
    apr_pool_t *p = mr->r->pool;
    long long id = mc_param_id(mr, "id");
    mc_db *db;
    mc_dbres *ep, *res;
    apr_status_t rv;
    int i;

    if (!id)
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, p, &ep,
                          "SELECT url, events, enabled, DATE_FORMAT(failing_since, "
                          "'%Y-%m-%d %H:%i UTC'), DATE_FORMAT(disabled_at, '%Y-%m-%d %H:%i UTC') "
                          "FROM mc_webhook_endpoint WHERE id = ? AND account_id = ?",
                          "ii", id, mr->account->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    if (ep->nrows != 1)
        return HTTP_NOT_FOUND;
    mc_vars_set(mr->vars, "url", mc_dbres_get(ep, 0, 0));
    mc_vars_set(mr->vars, "events", events_text(p, mc_dbres_get(ep, 0, 1)));
    status_vars(mr->vars, mc_dbres_get(ep, 0, 2), mc_dbres_get(ep, 0, 3), mc_dbres_get(ep, 0, 4));
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT msg_id, event, IFNULL(case_ref, ''), DATE_FORMAT(created_at, "
                          "'%Y-%m-%d %H:%i:%s'), status, attempts, IFNULL(DATE_FORMAT("
                          "next_attempt_at, '%Y-%m-%d %H:%i:%s'), '') FROM mc_webhook_delivery "
                          "WHERE endpoint_id = ? ORDER BY id DESC LIMIT 50",
                          "i", id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "deliveries");
        const char *st = mc_dbres_get(res, i, 4);
        mc_vars_set(row, "msg_id", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "event", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "case_ref", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "created", mc_dbres_get(res, i, 3));
        mc_vars_set(row, "status", mc_label_of(delivery_words, st));
        mc_vars_setf(row, "status_class", "mc-status mc-status--%s",
                     !strcmp(st, "retrying") ? "retry" : st);
        mc_vars_set(row, "attempts", mc_dbres_get(res, i, 5));
        if (!strcmp(st, "retrying") || !strcmp(st, "queued"))
            mc_vars_set(row, "next", mc_dbres_get(res, i, 6));
    }
    if ((rv = mc_db_query(db, p, &res,
                          "SELECT DATE_FORMAT(a.at, '%Y-%m-%d %H:%i:%s'), d.msg_id, d.event, "
                          "a.http_status, a.error, a.duration_ms FROM mc_webhook_attempt a JOIN "
                          "mc_webhook_delivery d ON d.id = a.delivery_id WHERE d.endpoint_id = ? "
                          "ORDER BY a.id DESC LIMIT 100",
                          "i", id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "attempts");
        const char *code = mc_dbres_get(res, i, 3), *err = mc_dbres_get(res, i, 4);
        int ok = code && !err && atoi(code) >= 200 && atoi(code) <= 299;
        mc_vars_set(row, "at", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "msg_id", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "event", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "code", code ? apr_pstrcat(p, "HTTP ", code, NULL) : "No response");
        mc_vars_set(row, "error", code ? NULL : err);
        mc_vars_set(row, "result_class",
                    ok ? "mc-status mc-status--ok" : "mc-status mc-status--failed");
        mc_vars_set(row, "duration", mc_dbres_get(res, i, 5));
    }
    mc_vars_set(mr->vars, "back_url", mc_url(mr, "/webhooks"));
    mc_vars_set(mr->vars, "myaccount_url", account_page_url(mr));
    return mc_render(mr, HTTP_OK, "webhook.html", "Webhook Endpoint");
}

const mc_route mc_webhook_routes[] = {
    {"GET", "/webhooks", MC_ACCESS_ACCOUNT, NULL, webhooks_get, 0},
    {"POST", "/webhooks", MC_ACCESS_ACCOUNT, NULL, webhooks_post, 0},
    {"GET", "/webhooks/:id", MC_ACCESS_ACCOUNT, NULL, endpoint_get, 0},
    {"POST", "/webhooks/:id/delete", MC_ACCESS_ACCOUNT, NULL, delete_post, 0},
    {"POST", "/webhooks/:id/rotate", MC_ACCESS_ACCOUNT, NULL, rotate_post, 0},
    {"POST", "/webhooks/:id/enable", MC_ACCESS_ACCOUNT, NULL, enable_post, 0},
    {NULL}};
