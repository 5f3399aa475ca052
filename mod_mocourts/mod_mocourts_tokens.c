/* mod_mocourts_tokens.c: personal API tokens (issue 16).
 *
 * My Account's "API tokens" page makes and revokes them. A token is
 * "mct_" and 43 base64url characters (32 random bytes), shown once; the
 * database keeps its SHA-256, as it keeps a session's. Each API request
 * looks its token up (never cached), so a revoked or expired token, or one
 * of an account that is no longer active, is refused at once on every
 * node. Requests are counted per token in fixed windows (MoCourtsAPILimit)
 * in the database, so the limit holds across nodes. */
#include "mod_mocourts_private.h"

#include "apr_strings.h"
#include "http_log.h"

#include "mc_form.h"

#define TOKEN_PREFIX "mct_"
#define NAME_MAX_CHARS 100
#define TOUCH_SECONDS 60 /* last_used_at is written at most this often */

/* The scopes a token may hold, as the page offers them. */
static const mc_label scope_words[] = {
    {"casenet:read", "Case.net: the public searches and cases"},
    {"tracking", "Track This Case, Manage My Case notes and notification history"},
    {"filings:read", "eFiling: read your envelopes and their documents' details"},
    {"filings:write", "eFiling: create drafts, upload documents and submit"},
    {"clerk", "Clerk review: your courts' queue, accept and reject"},
    {NULL}};

static const mc_label lifetimes[] = {
    {"30", "30 days"}, {"90", "90 days"}, {"365", "1 year"}, {NULL}};

static const mc_label token_notes[] = {{"revoked", "The token was revoked. It no longer works."},
                                       {NULL}};

/* ---- the API's side ------------------------------------------------------------ */

static const char SQL_TOKEN[] =
    "SELECT t.id, t.scopes, a.id, a.username, a.email, a.first_name, a.last_name, "
    "(SELECT GROUP_CONCAT(IF(r.scope = '', r.role, CONCAT(r.role, ':', r.scope)) "
    "        SEPARATOR ',') FROM mc_account_role r WHERE r.account_id = a.id), "
    "t.last_used_at IS NULL OR t.last_used_at < UTC_TIMESTAMP() - INTERVAL 60 SECOND "
    "FROM mc_api_token t JOIN mc_account a ON a.id = t.account_id "
    "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > UTC_TIMESTAMP() "
    "AND a.status = 'active'";

apr_status_t mc_token_lookup(request_rec *r, mc_db *db, const char *token, mc_api_token **out)
{
    mc_api_token *t;
    mc_dbres *res;
    apr_status_t rv;
    *out = NULL;
    if (strncmp(token, TOKEN_PREFIX, 4) || !mc_token_syntax_ok(token + 4))
        return APR_SUCCESS;
    rv = mc_db_query(db, r->pool, &res, SQL_TOKEN, "s",
                     mc_sha256_hex(r->pool, token, strlen(token)));
    if (rv != APR_SUCCESS || res->nrows != 1)
        return rv;
    t = apr_pcalloc(r->pool, sizeof(*t));
    t->id = mc_dbres_int(res, 0, 0);
    t->scopes = mc_dbres_get(res, 0, 1);
    t->account.id = mc_dbres_int(res, 0, 2);
    t->account.username = mc_dbres_get(res, 0, 3);
    t->account.email = mc_dbres_get(res, 0, 4);
    t->account.first_name = mc_dbres_get(res, 0, 5);
    t->account.last_name = mc_dbres_get(res, 0, 6);
    t->account.roles = mc_roles_split(r->pool, mc_dbres_get(res, 0, 7));
    if (mc_dbres_int(res, 0, 8) &&
        (rv = mc_db_exec(db, NULL, NULL,
                         "UPDATE mc_api_token SET last_used_at = UTC_TIMESTAMP(), "
                         "last_used_ip = ? WHERE id = ?",
                         "si", r->useragent_ip ? r->useragent_ip : "", t->id)) != APR_SUCCESS)
        return rv;
    *out = t;
    return APR_SUCCESS;
}

/* One statement counts the request and reads the count back: the new
 * count is handed out through LAST_INSERT_ID(expr) (a fresh window's first
 * request inserts, and insert_id is then 0). */
apr_status_t mc_token_rate(request_rec *r, mc_db *db, const mc_api_token *t, long *retry_after)
{
    const mc_srv_conf *c = mc_conf_get();
    long long window = apr_time_sec(c->api_window), count = 0;
    mc_dbres *res;
    apr_status_t rv;
    *retry_after = 0;
    rv = mc_db_exec(db, NULL, &count,
                    "INSERT INTO mc_api_rate (token_id, window_start, requests) "
                    "VALUES (?, UTC_TIMESTAMP(), 1) ON DUPLICATE KEY UPDATE "
                    "requests = LAST_INSERT_ID(IF(window_start <= UTC_TIMESTAMP() - INTERVAL ? "
                    "SECOND, 1, requests + 1)), "
                    "window_start = IF(window_start <= UTC_TIMESTAMP() - INTERVAL ? SECOND, "
                    "UTC_TIMESTAMP(), window_start)",
                    "iii", t->id, window, window);
    if (rv != APR_SUCCESS || count <= c->api_limit)
        return rv;
    rv = mc_db_query(db, r->pool, &res,
                     "SELECT GREATEST(1, ? - TIMESTAMPDIFF(SECOND, window_start, "
                     "UTC_TIMESTAMP())) FROM mc_api_rate WHERE token_id = ?",
                     "ii", window, t->id);
    if (rv == APR_SUCCESS)
        *retry_after = res->nrows ? (long)mc_dbres_int(res, 0, 0) : 1;
    return rv;
}

/* ---- My Account: API tokens ------------------------------------------------------ */

/* My Account (registration's), else the core's welcome page. */
static const char *account_page_url(mc_req *mr)
{
    const mc_mount *m = mc_mount_of("registration");
    return m ? apr_pstrcat(mr->r->pool, m->path, "/myaccount", NULL) : mc_url(mr, "/");
}

static int is_clerk(const mc_req *mr)
{
    return mc_has_role(mr, "clerk");
}

/* The page: the account's tokens and the form to make one. */
static int tokens_page(mc_req *mr, int status, const char *error)
{
    mc_db *db;
    mc_dbres *res;
    apr_status_t rv;
    const mc_label *s;
    int i;
    if ((rv = mc_req_db(mr, &db)) != APR_SUCCESS ||
        (rv = mc_db_query(db, mr->r->pool, &res,
                          "SELECT id, name, prefix, REPLACE(scopes, ',', ', '), "
                          "DATE_FORMAT(created_at, '%Y-%m-%d'), "
                          "DATE_FORMAT(expires_at, '%Y-%m-%d'), "
                          "IFNULL(DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i UTC'), 'Never'), "
                          "CASE WHEN revoked_at IS NOT NULL THEN 'Revoked' "
                          "WHEN expires_at <= UTC_TIMESTAMP() THEN 'Expired' ELSE 'Active' END "
                          "FROM mc_api_token WHERE account_id = ? ORDER BY id DESC LIMIT 200",
                          "i", mr->account->id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    for (i = 0; i < res->nrows; i++) {
        mc_vars *row = mc_vars_row(mr->vars, "tokens");
        mc_vars_set(row, "id", mc_dbres_get(res, i, 0));
        mc_vars_set(row, "name", mc_dbres_get(res, i, 1));
        mc_vars_set(row, "prefix", mc_dbres_get(res, i, 2));
        mc_vars_set(row, "scopes", mc_dbres_get(res, i, 3));
        mc_vars_set(row, "created", mc_dbres_get(res, i, 4));
        mc_vars_set(row, "expires", mc_dbres_get(res, i, 5));
        mc_vars_set(row, "last_used", mc_dbres_get(res, i, 6));
        mc_vars_set(row, "status", mc_dbres_get(res, i, 7));
        if (!strcmp(mc_dbres_get(res, i, 7), "Active"))
            mc_vars_set(row, "active", "1");
        mc_vars_set(row, "revoke_url",
                    mc_url(mr, apr_pstrcat(mr->r->pool, "/api-tokens/", mc_dbres_get(res, i, 0),
                                           "/revoke", NULL)));
    }
    for (s = scope_words; s->word; s++) {
        mc_vars *row;
        if (!strcmp(s->word, "clerk") && !is_clerk(mr))
            continue;
        row = mc_vars_row(mr->vars, "scopes");
        mc_vars_set(row, "value", s->word);
        mc_vars_set(row, "label", s->text);
        mc_vars_setf(row, "id", "scope-%d", (int)(s - scope_words));
    }
    for (s = lifetimes; s->word; s++) {
        mc_vars *row = mc_vars_row(mr->vars, "lifetimes");
        mc_vars_set(row, "value", s->word);
        mc_vars_set(row, "label", s->text);
        if (!strcmp(s->word, "90"))
            mc_vars_set(row, "selected", "1");
    }
    mc_vars_set(mr->vars, "api_url", mc_site_url(mr->r->pool, "api", ""));
    mc_vars_set(mr->vars, "myaccount_url", account_page_url(mr));
    if (error)
        mc_vars_set(mr->vars, "error", error);
    mc_done_notice(mr, token_notes, error);
    return mc_render(mr, status, "api_tokens.html", "API tokens");
}

static int tokens_get(mc_req *mr)
{
    return tokens_page(mr, HTTP_OK, NULL);
}

typedef struct new_token {
    const char *name, *scopes, *days, *token;
} new_token;

static apr_status_t token_insert(mc_req *mr, mc_db *db, void *baton)
{
    new_token *t = baton;
    apr_status_t rv;
    long long id;
    if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
        return rv;
    rv = mc_db_exec(db, NULL, &id,
                    "INSERT INTO mc_api_token (account_id, name, token_hash, prefix, scopes, "
                    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(), "
                    "UTC_TIMESTAMP() + INTERVAL ? DAY)",
                    "issssi", mr->account->id, t->name,
                    mc_sha256_hex(mr->r->pool, t->token, strlen(t->token)),
                    apr_pstrndup(mr->r->pool, t->token, 12), t->scopes, atoi(t->days));
    if (rv != APR_SUCCESS)
        return rv;
    if ((rv = mc_audit(mr, db, "api-token-created", mr->account->id,
                       apr_psprintf(mr->r->pool, "token %" APR_INT64_T_FMT " \"%s\" scopes %s",
                                    (apr_int64_t)id, t->name, t->scopes))) != APR_SUCCESS)
        return rv;
    return mc_once_done(mr, db, "api-tokens");
}

/* The scopes ticked, in the page's order, or NULL when one is not offered. */
static const char *scopes_ticked(mc_req *mr)
{
    const apr_array_header_t *a = apr_table_elts(mr->form);
    const apr_table_entry_t *e = (const apr_table_entry_t *)a->elts;
    const char *out = "";
    const mc_label *s;
    int i;
    for (i = 0; i < a->nelts; i++)
        if (!strcmp(e[i].key, "scope") &&
            (!mc_label_of(scope_words, e[i].val) || (!strcmp(e[i].val, "clerk") && !is_clerk(mr))))
            return NULL;
    for (s = scope_words; s->word; s++)
        for (i = 0; i < a->nelts; i++)
            if (!strcmp(e[i].key, "scope") && !strcmp(e[i].val, s->word)) {
                out = *out ? apr_pstrcat(mr->r->pool, out, ",", s->word, NULL) : s->word;
                break;
            }
    return out;
}

static int tokens_post(mc_req *mr)
{
    new_token t = {0};
    apr_status_t rv;
    t.name = mc_text_trim(mr->r->pool, mc_field(mr, "name"));
    t.scopes = scopes_ticked(mr);
    t.days = mc_field(mr, "lifetime");
    if (!t.name || !*t.name)
        return tokens_page(mr, HTTP_BAD_REQUEST, "Enter a name for the token.");
    if (mc_text_chars(t.name) > NAME_MAX_CHARS || !mc_text_printable(t.name, 0))
        return tokens_page(mr, HTTP_BAD_REQUEST,
                           "The name must be at most 100 characters, without control characters.");
    if (!t.scopes || !*t.scopes)
        return tokens_page(mr, HTTP_BAD_REQUEST, "Choose at least one thing the token may do.");
    if (!t.days || !mc_label_of(lifetimes, t.days))
        return tokens_page(mr, HTTP_BAD_REQUEST, "Choose how long the token lasts.");
    t.token = apr_pstrcat(mr->r->pool, TOKEN_PREFIX, mc_token_new(mr->r->pool), NULL);
    if ((rv = mc_req_tx(mr, token_insert, &t)) != APR_SUCCESS)
        return mc_once_answer(mr, rv);
    mc_vars_set(mr->vars, "new_token", t.token);
    mc_vars_set(mr->vars, "new_name", t.name);
    return tokens_page(mr, HTTP_OK, NULL);
}

static apr_status_t token_revoke(mc_req *mr, mc_db *db, void *baton)
{
    long long id = *(long long *)baton, n = 0;
    apr_status_t rv = mc_db_exec(db, &n, NULL,
                                 "UPDATE mc_api_token SET revoked_at = UTC_TIMESTAMP() "
                                 "WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
                                 "ii", id, mr->account->id);
    if (rv != APR_SUCCESS || !n)
        return rv;
    return mc_audit(mr, db, "api-token-revoked", mr->account->id,
                    apr_psprintf(mr->r->pool, "token %" APR_INT64_T_FMT, (apr_int64_t)id));
}

static int token_revoke_post(mc_req *mr)
{
    long long id = mc_param_id(mr, "id");
    apr_status_t rv;
    if (!id)
        return HTTP_NOT_FOUND;
    if ((rv = mc_req_tx(mr, token_revoke, &id)) != APR_SUCCESS)
        return mc_fail(mr, rv);
    return mc_redirect(mr, "api-tokens?done=revoked");
}

const mc_route mc_token_routes[] = {
    {"GET", "/api-tokens", MC_ACCESS_ACCOUNT, NULL, tokens_get, 0},
    {"POST", "/api-tokens", MC_ACCESS_ACCOUNT, NULL, tokens_post, 0},
    {"POST", "/api-tokens/:id/revoke", MC_ACCESS_ACCOUNT, NULL, token_revoke_post, 0},
    {NULL}};
