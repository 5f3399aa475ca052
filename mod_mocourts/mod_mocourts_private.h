/* mod_mocourts_private.h: what the core's glue files share. Not for plugins. */
#ifndef MOD_MOCOURTS_PRIVATE_H
#define MOD_MOCOURTS_PRIVATE_H

#include "ap_socache.h"
#include "apr_global_mutex.h"
#include "apr_reslist.h"
#include "apr_thread_mutex.h"
#include "http_log.h"
#include "mocourts.h"

#include "mc_crypto.h"
#include "mc_policy.h"

#ifndef MC_MODULE_MAIN
APLOG_USE_MODULE(mocourts);
#endif
extern module AP_MODULE_DECLARE_DATA mocourts_module;

#define MC_AUTH_TYPE "MoCourts"
#define MC_HANDLER "mocourts"
#define MC_CSRF_FIELD "mc_csrf"
#define MC_SESSION_CACHE_ID "mocourts-session"
#define MC_MUTEX_TYPE "mocourts-session-cache"

/* A mount: a plugin answering under a path. */
typedef struct mc_mount {
    const mc_plugin *plugin;
    const char *path; /* no trailing '/', "" for the site root */
} mc_mount;

/* Server (global) configuration. Unset values are resolved in check_config. */
typedef struct mc_srv_conf {
    mc_dbconf db;
    int pool_min, pool_max;
    apr_interval_time_t db_failback; /* MoCourtsDBFailback */
    const char *cookie;
    apr_interval_time_t session_idle, session_max;
    int cookie_secure;      /* -1 unset */
    const char *cache_spec; /* "none" or a socache provider spec */
    apr_interval_time_t cache_ttl;
    const char *base_url;    /* no trailing '/' */
    const char *base_origin; /* scheme://host[:port] of base_url */
    const char *court_name;
    const char *templates;
    const char *templates_override;
    const char *sqldir;
    int policy; /* mc_policy_preset */
    mc_pwcost cost;
    const char *cost_spec;
    int hash_concurrency;
    int lockout_failures;
    apr_interval_time_t lockout_time;
    int api_limit;                  /* MoCourtsAPILimit: requests per token ... */
    apr_interval_time_t api_window; /* ... in this window */
    /* MoCourtsSecretFile: the key of e-mailed codes, derived from the
     * file's first line; code_key_set 0: the key is in mc_secret. */
    unsigned char code_key[32];
    int code_key_set;
    int device_code; /* -1 unset */
    apr_array_header_t *twostep_roles; /* MoCourtsTwoStepRequired: const char * */
    int home_page;   /* MoCourtsHomePage: the public home page at "/"; -1 unset */
    const char *smtp_host;
    unsigned smtp_port;
    const char *mail_from;
    const char *gateway;
    int delivery; /* -1 unset */
    apr_interval_time_t delivery_interval;
    apr_interval_time_t delivery_lease; /* a claim on notices lasts this long unless renewed */
    apr_array_header_t *mounts;         /* of mc_mount */
} mc_srv_conf;

typedef struct mc_dir_conf {
    const mc_mount *mount; /* set by MoCourtsMount */
} mc_dir_conf;

/* The one global configuration (MoCourts* directives are global). */
mc_srv_conf *mc_conf_get(void);
extern const command_rec mc_cmds[];
void *mc_create_srv_conf(apr_pool_t *p, server_rec *s);
void *mc_create_dir_conf(apr_pool_t *p, char *dir);
void *mc_merge_dir_conf(apr_pool_t *p, void *base, void *add);
/* Fill defaults and check what needs several directives together. */
const char *mc_conf_finish(apr_pool_t *p, mc_srv_conf *c);
const mc_mount *mc_mount_of(const char *plugin_name);

/* mod_mocourts_pool.c: the per-process connection pool. */
apr_status_t mc_pool_child_init(apr_pool_t *pchild, server_rec *s);
/* Borrow a connection until pool p is cleared. */
apr_status_t mc_pool_borrow(apr_pool_t *p, server_rec *s, mc_db **db);
/* A connection of the caller's own (watchdog); mc_db_close to end it. */
apr_status_t mc_pool_open_own(apr_pool_t *p, mc_db **db, const char **err);
/* 1 when rv means the database could not be reached. */
int mc_rv_is_unreachable(apr_status_t rv);

/* Per-request state of the core, in r->request_config. */
struct mc_session;
typedef struct mc_rstate {
    mc_db *db;          /* the request's borrowed connection */
    int session_looked; /* mc_session_of ran */
    apr_status_t session_rv;
    struct mc_session *session;
    const char *pre_csrf;   /* the pre-session anti-CSRF value */
    const char *basic_user; /* authenticated by our authn provider, as typed */
    long long basic_id;     /* ... and its account */
    apr_uint32_t cache_gen; /* the session cache's generation when looked up */
} mc_rstate;
mc_rstate *mc_rstate_of(request_rec *r);
/* Borrow the request's connection (once per request). */
apr_status_t mc_r_db(request_rec *r, mc_db **db);

/* mod_mocourts_session.c */
typedef struct mc_session {
    const char *token_hash;
    const char *stage; /* "full", "password", "device" */
    const char *csrf;
    apr_time_t expires;
    mc_account account;
} mc_session;
/* check_config: NULL, or why MoCourtsSessionCache's argument is refused. */
const char *mc_session_check_config(apr_pool_t *ptemp);
apr_status_t mc_session_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
apr_status_t mc_session_child_init(apr_pool_t *pchild, server_rec *s);
/* The request's session (cookie -> cache -> DB), looked up once per request.
 * *sess NULL when there is none. Errors are database errors. */
apr_status_t mc_session_of(request_rec *r, mc_session **sess);
/* "role,role:scope" as an array of const char * (the account's roles). */
apr_array_header_t *mc_roles_split(apr_pool_t *p, const char *s);
/* mc_session_of for a page's handler: OK, or the status to answer (503 when
 * the database is lost, else 500, logged). */
int mc_session_for_page(request_rec *r, mc_session **sess);
/* Create a session for account in stage; sets the cookie. */
apr_status_t mc_session_create(request_rec *r, mc_db *db, long long account_id, const char *stage,
                               mc_session **out);
/* End the request's session (DB + cache) and clear the cookie. */
apr_status_t mc_session_end(request_rec *r, mc_db *db);
/* Forget a cached session (after ending it in the DB). */
void mc_session_uncache(server_rec *s, const char *token_hash, apr_pool_t *p);
/* Set-Cookie helpers. */
void mc_cookie_set(request_rec *r, const char *name, const char *value, long max_age);
const char *mc_cookie_read(request_rec *r, const char *name);
const char *mc_cookie_name(const char *suffix, apr_pool_t *p);

/* The anti-CSRF value of this request (session's, or the pre-session cookie). */
const char *mc_csrf_value(request_rec *r, mc_session *sess);

/* mod_mocourts_router.c */
int mc_dispatch_handler(request_rec *r);

/* mod_mocourts_rest.c: the JSON API mount (ABI 1.16). */
extern const mc_plugin mc_api_plugin;
/* After the mounts are read: the api mount's routes from every plugin. */
apr_status_t mc_rest_post_config(apr_pool_t *pconf, server_rec *s);
/* Answer a request under the api mount (path relative to it). */
int mc_rest_dispatch(request_rec *r, const mc_mount *m, const char *path);
/* mod_mocourts_problem.c: the api mount's errors. */
#define MC_REST_NOTE "mc-api"              /* r->notes: answered by the api mount */
#define MC_REST_ANSWERED "mc-api-answered" /* r->notes: a body was written */
/* 1 when r is answered by the api mount (its errors are problem+json). */
int mc_rest_request(const request_rec *r);
/* mc_message there: a problem of that status with message as its detail;
 * returns status (answered). */
int mc_rest_message(mc_req *mr, int status, const char *message);
/* body (stolen) as JSON of type with status; marks r answered. */
int mc_rest_send_json(request_rec *r, int status, const char *type, json_t *body);
/* The problem type of a bare status, and the known types' titles. */
const char *mc_rest_slug(int status);
extern const mc_label mc_problem_titles[];
/* The api mount's own routes (mod_mocourts_tokens.c: looking tokens up). */
typedef struct mc_api_token {
    long long id;
    const char *scopes; /* "a,b,c" */
    mc_account account;
} mc_api_token;
/* The token in an Authorization header's Bearer value: *out NULL when it
 * is unknown, revoked, expired or its account is not active. */
apr_status_t mc_token_lookup(request_rec *r, mc_db *db, const char *token, mc_api_token **out);
/* Count a request of the token; *retry_after > 0 (seconds) when over the limit. */
apr_status_t mc_token_rate(request_rec *r, mc_db *db, const mc_api_token *t, long *retry_after);
/* The token pages under My Account (the logon plugin's routes). */
extern const mc_route mc_token_routes[];
/* The webhook pages under My Account (mod_mocourts_webhooks.c). */
extern const mc_route mc_webhook_routes[];

/* mod_mocourts_api.c: the plugins' helpers (mocourts.h), and: */
/* The logon page URL with a return path. */
const char *mc_logon_url(apr_pool_t *p, const char *return_to);
/* Audit from places without an mc_req. */
apr_status_t mc_audit_r(request_rec *r, mc_db *db, const char *event, long long account_id,
                        long long actor_id, const char *detail);
/* mc_busy with its own sentence (the Logon page's). */
int mc_busy_message(mc_req *mr, const char *message);

/* mod_mocourts_access.c */
/* 1 when account a (NULL: nobody logged on) may pass access; role, for
 * MC_ACCESS_ROLE, matches a held role plain or with any scope. */
int mc_access_allowed(const mc_account *a, mc_access access, const char *role);
/* A navigation entry the account may see. */
int mc_nav_allowed(const mc_account *a, const mc_nav *n);

/* mod_mocourts_logon.c: the built-in "logon" plugin. */
extern mc_plugin mc_logon_plugin;
/* Join its route table and register it (register_hooks). */
void mc_logon_register(apr_pool_t *p);
typedef struct mc_found {
    long long id; /* 0 when no account matched */
    const char *hash, *status, *email, *username;
    int must_change;
} mc_found;
typedef enum { MC_LOGON_OK, MC_LOGON_BAD, MC_LOGON_LOCKED, MC_LOGON_BUSY } mc_logon_result;
/* Check a username (or e-mail) and password with lock-out, counting and
 * auditing failures; rehashes on a cost change. Errors are database errors. */
apr_status_t mc_logon_verify(request_rec *r, mc_db *db, const char *ident, const char *pw,
                             mc_found *f, mc_logon_result *result);
apr_status_t mc_session_promote(mc_req *mr, const char *stage);
/* The e-mailed code for a new device: its keyed hash, as stored in
 * mc_code.code_hash (mod_mocourts_codes.c). NULL, logged, when the key
 * cannot be read (*rv holds why). */
const char *mc_device_code_hash(mc_req *mr, mc_db *db, long long account_id, const char *code,
                                apr_status_t *rv);
/* What the logon's steps share with mod_mocourts_totp.c. */
const char *mc_msg_locked(apr_pool_t *p);
const char *mc_logon_detail(request_rec *r, const char *what, const char *device);
const char *mc_next_after_logon(mc_req *mr, mc_db *db, const mc_account *a, const char *ret);
void mc_step_vars(mc_req *mr, const char *error, const char *notice);
int mc_known_device(mc_req *mr, mc_db *db, long long id, apr_status_t *rv);
apr_status_t mc_begin_for_account(mc_req *mr, mc_db *db, long long id);

/* mod_mocourts_totp.c: two-step verification (TOTP). The stage a logon
 * goes to after the password instead of stage ("full" or "device"): "totp"
 * when the account has it on, "enrol" (from "full") when
 * MoCourtsTwoStepRequired names a role of the account and it has it not;
 * NULL on a database error (*rv). */
const char *mc_totp_stage(mc_req *mr, mc_db *db, long long id, const char *stage,
                          apr_status_t *rv);
/* *refused 1: the password alone (HTTP Basic) must not let account id in:
 * it has two-step verification on, or a role that requires it. */
apr_status_t mc_totp_basic_refused(request_rec *r, mc_db *db, long long id, int *refused);
/* The page of a limited stage, below the logon mount. */
const char *mc_stage_path(const char *stage);
/* Its pages: the logon step and My Account's set-up. */
extern const mc_route mc_totp_routes[];

/* mod_mocourts_lockout.c: places for attempts (see the file's comment). */
typedef enum { MC_ATTEMPT_GO, MC_ATTEMPT_LOCKED, MC_ATTEMPT_BUSY } mc_attempt;
/* The lock-out subject of an account, or (account_id 0) of a typed name
 * that no account has, in p. */
const char *mc_lockout_subject(apr_pool_t *p, long long account_id, const char *name);
/* Take a place for one attempt: GO (check it, then call mc_attempt_failed
 * or mc_attempt_release), LOCKED, or BUSY (every place stayed held by
 * attempts being checked for 10 seconds). Autocommit; not in a transaction. */
apr_status_t mc_attempt_take(mc_db *db, apr_pool_t *p, const char *subject, mc_attempt *out);
/* The attempt was wrong: its place becomes a failure; *locked_now (may be
 * NULL) when it was the one that locked the subject. */
apr_status_t mc_attempt_failed(mc_db *db, const char *subject, int *locked_now);
/* The attempt was right, or was not checked: its place is given back. */
apr_status_t mc_attempt_release(mc_db *db, const char *subject);

/* mod_mocourts_password.c: hashing under the per-process cap. */
apr_status_t mc_hash_child_init(apr_pool_t *pchild, server_rec *s);
apr_status_t mc_hash_password(apr_pool_t *p, const char *pw, const char **hash);
int mc_verify_password(const char *hash, const char *pw); /* 1 ok, 0 no, -1 busy */
void mc_verify_dummy(const char *pw);

/* mod_mocourts_authz.c */
void mc_authz_register(apr_pool_t *p);

/* mod_mocourts_unavailable.c */
/* Answer 503 (the database cannot be reached) with Retry-After and the
 * site's page, UTF-8; from a handler or an access checker. */
int mc_unavailable(request_rec *r);
/* register_hooks: the filter that labels that page UTF-8. */
void mc_unavailable_register(apr_pool_t *p);

/* mod_mocourts_errors.c */
/* The site's page for an HTTP error status, from a route's handler. */
int mc_error_page(mc_req *mr, int status);
/* register_hooks: the security headers on every response under a mount, and
 * httpd's own error responses there as the site's pages. */
void mc_errors_register(apr_pool_t *p);

/* mod_mocourts_assets.c */
/* register_hooks: the site's static files under the logon mount's /assets/
 * (site.css, site.js, favicon, seal, USWDS), served by httpd's own handler. */
void mc_assets_register(apr_pool_t *p);

/* mod_mocourts_home.c */
/* register_hooks: the public home page at the site root (MoCourtsHomePage). */
void mc_home_register(apr_pool_t *p);
/* The footer's pages (Help, Contact, Privacy, Accessibility), routes of the
 * core's: core/<name>.html, which a court overrides. */
int mc_footer_page(mc_req *mr);

/* mod_mocourts_delivery.c */
/* check_config: NULL, or why MoCourtsDelivery On cannot work. */
const char *mc_delivery_check_config(void);
apr_status_t mc_delivery_post_config(apr_pool_t *pconf, server_rec *s);

/* mod_mocourts_render.c */
mc_vars *mc_layout_vars(request_rec *r, mc_session *sess, const mc_plugin *pl);
int mc_render_page(request_rec *r, mc_vars *v, int status, const char *page, const char *title);
/* Security headers for our pages. */
void mc_security_headers(request_rec *r);
apr_status_t mc_render_child_init(apr_pool_t *pchild, server_rec *s);
mc_tmpl_cache *mc_templates(void);
/* check_config: NULL when the user Apache's children run as can read the
 * template directories (MoCourtsTemplatesOverride, MoCourtsTemplates), every
 * directory on the way to them and every file in them, and every template
 * is well-formed; else the error, naming directive and path (in ptemp). */
const char *mc_render_check_config(apr_pool_t *ptemp);

#endif
