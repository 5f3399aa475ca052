/* mocourts.h: the one header a mod_mocourts plugin includes.
 *
 * A plugin is its own httpd module (.so, loaded with LoadModule after
 * mod_mocourts.so). In its register_hooks it registers one descriptor:
 *
 *     static const mc_route routes[] = {
 *         {.method = "GET", .pattern = "/case/:id", .access = MC_ACCESS_ANON,
 *          .handler = case_page},
 *         {.method = NULL}
 *     };
 *     static const mc_plugin casetrack = {
 *         .abi_major = MC_ABI_MAJOR,
 *         .abi_minor = MC_ABI_MINOR,
 *         .name = "casetrack",
 *         .version = "1.0.0",
 *         .routes = routes,
 *         .component = "casetrack",
 *         .schema_version = 3,
 *         .templates = "casetrack",
 *     };
 *     static void register_hooks(apr_pool_t *p) { MC_PLUGIN_REGISTER(p, &casetrack); }
 *     module AP_MODULE_DECLARE_DATA MC_API mocourts_casetrack_module = {
 *         STANDARD20_MODULE_STUFF, .register_hooks = register_hooks};
 *
 * Name the fields (designated initialisers): a field added in a later minor
 * then starts out zero. The core module exports exactly the functions this
 * header and the headers it includes declare (marked MC_API), listed in
 * mod_mocourts/abi-<major>.<minor>.symbols; a plugin calls nothing else of
 * the core. A plugin built with -fvisibility=hidden marks its module
 * structure MC_API, as above, so httpd finds it.
 *
 * and a site mounts it:  <Location /casenet> MoCourtsMount casetrack </Location>
 *
 * The core checks the descriptor when the mount is read: the ABI major must
 * equal the core's, the plugin's minor must not exceed the core's.
 *
 * ABI changelog (added: minor + 1; changed or removed: major + 1):
 *   1.0  descriptor, routes, mc_req, database lending, rendering, outbox,
 *        audit, password policy and hashing, sessions.
 *   1.1  mc_plugin.after_logon (send an account somewhere after logon, e.g.
 *        "Missing Information") and mc_plugin.logon_links (links shown on
 *        the Logon page, e.g. "Create an account"); mc_password_matches,
 *        mc_lockout_count, mc_lockout_check, mc_lockout_clear,
 *        mc_lockout_time, mc_logon_path, mc_session_end_others, mc_param_id;
 *        mc_plugin.outbox_cc (addresses
 *        copied on every e-mail to an account, one rule for all plugins);
 *        the library's
 *        crypto, form and e-mail helpers (mc_crypto.h, mc_form.h, mc_smtp.h).
 *   1.2  mc_plugin.periodic (the delivery worker's rounds: reminders,
 *        digests); mc_site_url, mc_site_templates, mc_site_court_name (for
 *        work done outside a request); mc_routes_join; the library's
 *        CAPTCHA (mc_captcha.h) and court data (mc_case.h).
 *   1.3  mc_csrf_refusal, mc_csrf_origin_refusal (the core's anti-CSRF
 *        check, for MC_ROUTE_RAW_BODY handlers reading their own forms).
 *   1.4  mc_logon_return (the in-site path an account asked to reach after
 *        logon) and mc_after_logon (where the after_logon hooks send an
 *        account now, for a page that ends a registration step); the
 *        after_logon contract says what a hook does when a return path was
 *        asked for; MC_ROUTE_NO_SESSION (assets that load during a
 *        database outage).
 *   1.5  mc_cookie_put and mc_cookie_value: a plugin's cookies under the
 *        site's rules (Secure and the __Host- prefix with
 *        MoCourtsSessionSecure On), through the core's one Set-Cookie.
 *   1.6  MC_ROUTE_ONE_CLICK (a POST route that also takes an RFC 8058
 *        one-click unsubscribe); mc_mail.list_unsubscribe (mc_smtp.h: a
 *        plugin that fills an mc_mail zeroes it first, e.g. = {0}).
 *   1.7  mc_captcha_wav (mc_captcha.h): the CAPTCHA's phrase spoken, the
 *        accessible alternative of its picture.
 *   1.8  one-time form tokens for the forms that create something:
 *        <form method="post" data-once> (mc_tmpl.h), MC_ONCE_FIELD,
 *        mc_once_token, mc_once_claim, mc_once_seen, mc_once_done,
 *        mc_once_answer, MC_ONCE_REPEAT, MC_ONCE_REFUSED.
 *   1.9  the library's text helpers mc_text_trim, mc_text_chars,
 *        mc_text_printable (mc_form.h; in the header since 1.8 without
 *        a bump); the multipart/form-data parser for MC_ROUTE_RAW_BODY
 *        handlers (mc_multipart.h: mc_mp_create, mc_mp_feed, mc_mp_finish,
 *        mc_mp_error); mc_conf_parse_duration; MC_API (mc_api.h). The core
 *        exports nothing else (mod_mocourts/abi-1.9.symbols): the Case.net
 *        feed reader and the eFiling document code are the plugins' own.
 *   1.10 mc_code_hash: a short code's keyed hash, bound to its purpose and
 *        owner (Case.net's phone codes, as the core's new-device codes).
 *   1.11 what every plugin repeated, once in the core: the account row
 *        (mc_account.h: mc_account_create, mc_account_set_password); list
 *        pages (mc_list.h: mc_page_begin, mc_page_vars, mc_sort_pick,
 *        mc_sort_vars, mc_vars_from, mc_vars_rows, mc_sql_like); mc_busy.
 *   1.12 mc_lockout_verify (mc_lockout_verdict): a secret that counts
 *        toward the logon lock-out (a security answer, the current password
 *        on an update page) checked only once it holds a place in the
 *        lock-out, as the core's logon checks a password.
 *   1.13 what plugins repeated, once in the core: mc_email_queue (an
 *        e-mail from one of the plugin's text templates, queued in the
 *        outbox); a CAPTCHA's form variables (mc_captcha_vars), its
 *        picture or sound answered (mc_captcha_send), its field's label
 *        and the phrase typed made ready to compare (MC_CAPTCHA_LABEL,
 *        mc_captcha_typed, mc_captcha.h).
 *   1.14 mc_page_first: a list's first page asked for with one row more,
 *        the count run only when that row comes (mc_list.h).
 *   1.15 what plugins repeated, once in the core: mc_client_ip;
 *        mc_done_notice with its word-to-text table (mc_label, mc_label_of);
 *        mc_hex_value; mc_utf8_len, one UTF-8 character; mc_date_ok, a
 *        day of the calendar (mc_form.h); mc_page_query, a list's page
 *        through its count and page statements (mc_list.h).
 *   1.16 the JSON API (issue 16): mc_plugin.api_routes, answered under the
 *        core's "api" mount with Bearer tokens and scopes; mc_api_body,
 *        mc_api_send, mc_api_problem, mc_api_problem_field,
 *        mc_api_has_scope, mc_api_token_id, mc_api_page, mc_api_list,
 *        mc_api_idem_claim, mc_api_idem_done (JSON values are Jansson's
 *        json_t: a plugin that uses them links -ljansson); signed webhooks
 *        (mc_webhook.h): mc_webhook_emit, mc_webhook_drop_case.
 *   1.17 an account's two-step verification for the Security unit:
 *        mc_two_step_on, mc_two_step_reset.
 */
#ifndef MOCOURTS_H
#define MOCOURTS_H

#include "httpd.h"
#include "http_config.h"
#include "ap_provider.h"

#include <jansson.h>

#include "mc_account.h"
#include "mc_api.h"
#include "mc_captcha.h"
#include "mc_case.h"
#include "mc_crypto.h"
#include "mc_db.h"
#include "mc_form.h"
#include "mc_list.h"
#include "mc_log.h" /* MCLOGNO, the log tags */
#include "mc_multipart.h"
#include "mc_outbox.h"
#include "mc_smtp.h"
#include "mc_tmpl.h"
#include "mc_webhook.h"

#define MC_ABI_MAJOR 1
#define MC_ABI_MINOR 17

/* Plugins are httpd providers of this group; the provider version is fixed
 * so a plugin of another ABI is still found and refused with a sentence. */
#define MC_PLUGIN_GROUP "mocourts-plugin"
#define MC_PLUGIN_GROUP_VERSION "0"
#define MC_PLUGIN_REGISTER(pool, desc)                                                             \
    ap_register_provider((pool), MC_PLUGIN_GROUP, (desc)->name, MC_PLUGIN_GROUP_VERSION, (desc))

/* Who may call a route. */
typedef enum mc_access {
    MC_ACCESS_ANON = 0, /* anyone, with or without a session */
    MC_ACCESS_ACCOUNT,  /* any logged-on account (full session) */
    MC_ACCESS_ROLE      /* a logged-on account holding route->role */
} mc_access;

/* Route flags. */
#define MC_ROUTE_NO_CSRF 0x1  /* a POST that carries its own proof (signed link) */
#define MC_ROUTE_RAW_BODY 0x2 /* the handler reads the body itself (uploads) */
/* ABI 1.4: a static asset (MC_ACCESS_ANON, GET): answered without looking
 * up the session, so it loads while the database is down; mr->account is
 * NULL and mr->vars empty. */
#define MC_ROUTE_NO_SESSION 0x4
/* ABI 1.6: a POST route (MC_ACCESS_ANON) whose URL holds its own secret and
 * that also takes an RFC 8058 one-click unsubscribe: a body of exactly
 * List-Unsubscribe=One-Click (urlencoded or multipart/form-data) passes
 * without the anti-CSRF token and origin checks, which every other body
 * still gets. The handler finds the field in mr->form. */
#define MC_ROUTE_ONE_CLICK 0x8

typedef struct mc_req mc_req;
/* Returns OK (response written), DECLINED, or an HTTP status for the core
 * to answer with its error page. */
typedef int mc_handler_fn(mc_req *mr);

typedef struct mc_route {
    const char *method;  /* "GET" or "POST" (GET also answers HEAD) */
    const char *pattern; /* relative to the mount: "/", "/logon", "/case/:id" */
    mc_access access;
    const char *role; /* for MC_ACCESS_ROLE */
    mc_handler_fn *handler;
    unsigned flags;
} mc_route;

/* A link in the site navigation, shown to those who may follow it. */
typedef struct mc_nav {
    const char *label;
    const char *path; /* mount-relative */
    mc_access access;
    const char *role; /* for MC_ACCESS_ROLE */
} mc_nav;

typedef struct mc_plugin {
    unsigned abi_major; /* MC_ABI_MAJOR: always first, never moves */
    unsigned abi_minor; /* MC_ABI_MINOR */
    const char *name;
    const char *version;
    const mc_route *routes; /* terminated by an entry with method NULL */
    const char *component;  /* schema component: migrations in <sqldir>/<component>/ */
    int schema_version;     /* the newest migration the plugin needs; 0: none */
    const char *templates;  /* folder under the templates directories */
    /* Optional: called once per child process after the pool exists. */
    apr_status_t (*child_init)(apr_pool_t *pchild, server_rec *s);
    const mc_nav *nav; /* terminated by an entry with label NULL; may be NULL */
    /* --- ABI 1.1 --- */
    /* Called after every successful logon (a full session exists and
     * mr->account is set). Returns a path (mount-relative "x" or "/x") to
     * send the account to instead of where it was going, or NULL.
     * When the account asked for an in-site path (mc_logon_return is not
     * NULL: a "See the envelope" link, a protected page), that path wins:
     * a hook that only names a landing page (a menu) returns NULL then; a
     * detour the account must pass first (Missing Information) may still be
     * named, and the core adds "return=<path>" to its query so the detour
     * can bring the account back there. */
    const char *(*after_logon)(mc_req *mr, mc_db *db);
    /* Links shown under the Logon form (label, mount-relative path); the
     * access field is ignored. Terminated by label NULL; may be NULL. */
    const mc_nav *logon_links;
    /* Addresses to copy on every e-mail sent to account_id (e.g. its group
     * administrator): a comma-separated list written into buf ("" for
     * none). Called inside the sender's transaction; may be NULL. */
    apr_status_t (*outbox_cc)(mc_db *db, long long account_id, char *buf, apr_size_t len);
    /* --- ABI 1.2 --- */
    /* Periodic work (hearing reminders, daily digests), called by the
     * delivery worker once per round (MoCourtsDeliveryInterval) on one node,
     * before it sends, with its own connection and pool. now is the round's
     * time. An error is logged and the next round tries again. May be NULL. */
    apr_status_t (*periodic)(mc_db *db, apr_pool_t *p, apr_time_t now);
    /* --- ABI 1.16 --- */
    /* Routes of the JSON API, answered under the core's "api" mount
     * (<Location /api/v1> MoCourtsMount api </Location>) with the pattern
     * relative to it, e.g. "/cases/:id"; terminated by method NULL; may be
     * NULL. Any method may be named ("GET" also answers HEAD). There,
     * access MC_ACCESS_ACCOUNT means a valid Bearer token, and role is the
     * scope the token must hold (NULL: any); the scope "clerk" also needs
     * the account to hold the role "clerk". MC_ACCESS_ANON needs no token.
     * No cookie, session or anti-CSRF token is ever read there: mr->form
     * is empty and mr->vars holds nothing. mc_fail, mc_busy, mc_message and
     * a handler's bare error status answer as RFC 9457 problem+json. */
    const mc_route *api_routes;
} mc_plugin;

/* The logged-on account of a request. */
typedef struct mc_account {
    long long id;
    const char *username;
    const char *email;
    const char *first_name;
    const char *last_name;
    apr_array_header_t *roles; /* of const char *, "role" or "role:scope" */
} mc_account;

/* What a handler is given. */
struct mc_req {
    request_rec *r;
    const mc_plugin *plugin;
    const mc_route *route;
    const char *mount;         /* the Location path, without trailing '/' */
    apr_table_t *params;       /* :name parts of the route pattern, decoded */
    apr_table_t *query;        /* the query string, decoded */
    apr_table_t *form;         /* a POST's urlencoded fields (CSRF already checked) */
    const mc_account *account; /* NULL when anonymous */
    mc_vars *vars;             /* page variables, pre-filled for the layout */
};

/* Lend the request a database connection (returned by a pool cleanup).
 * The same connection for every call in one request. On failure, answer
 * with mc_fail(mr, rv). */
MC_API apr_status_t mc_req_db(mc_req *mr, mc_db **db);
/* The answer to a failed database call: 503 with Retry-After and a clear
 * page when the database is unreachable, 500 otherwise; logged. */
MC_API int mc_fail(mc_req *mr, apr_status_t rv);
/* Run fn in a transaction on the request's connection; retried on deadlock
 * (up to 3 times); committed when fn returns APR_SUCCESS, else rolled back. */
MC_API apr_status_t mc_req_tx(mc_req *mr, apr_status_t (*fn)(mc_req *mr, mc_db *db, void *baton),
                              void *baton);

/* Render <plugin templates>/<page> in the site layout with mr->vars.
 * title: the page's heading and <title>. Sets security headers and
 * Cache-Control: no-store. Returns OK. */
MC_API int mc_render(mc_req *mr, int status, const char *page, const char *title);
/* A page with a heading and a message (errors, notices). */
MC_API int mc_message(mc_req *mr, int status, const char *title, const char *message);
/* 303 See Other to a path within the site ("/x" absolute; "x" mount-relative). */
MC_API int mc_redirect(mc_req *mr, const char *path);
/* mount + path. */
MC_API const char *mc_url(const mc_req *mr, const char *path);
/* MoCourtsBaseURL + path, for links in e-mail (never from the Host header). */
MC_API const char *mc_public_url(const mc_req *mr, const char *path);
/* A form field (first value) or NULL. */
MC_API const char *mc_field(const mc_req *mr, const char *name);
/* ABI 1.1: the route parameter name (":id") as a positive whole number, or
 * 0 when it is missing, not all digits, zero or too large. */
MC_API long long mc_param_id(const mc_req *mr, const char *name);
/* A query parameter or NULL. */
MC_API const char *mc_query(const mc_req *mr, const char *name);
/* ABI 1.15: the page's "notice": the text in notes (mc_label_of) of the
 * query's done=, unless error (the page shows an error instead). */
MC_API void mc_done_notice(mc_req *mr, const mc_label *notes, const char *error);
/* ABI 1.15: the client's address, "" when httpd has none. */
MC_API const char *mc_client_ip(const mc_req *mr);
/* A safe in-site return path from user input ("/..." but not "//", no
 * scheme, no backslash, no control character, none of these percent-encoded
 * either), or NULL. */
MC_API const char *mc_safe_return(apr_pool_t *p, const char *target);
/* 1 when the account holds role (any scope) / role with scope. */
MC_API int mc_has_role(const mc_req *mr, const char *role);
MC_API int mc_has_role_scoped(const mc_req *mr, const char *role, const char *scope);
/* The court's display name (MoCourtsCourtName). */
MC_API const char *mc_court_name(const mc_req *mr);

/* Append an audit row (UTC time, account, actor, client IP); never pass a
 * secret in detail. */
MC_API apr_status_t mc_audit(mc_req *mr, mc_db *db, const char *event, long long account_id,
                             const char *detail);
/* Render the text template <plugin templates>/<file> with v for an e-mail body. */
MC_API const char *mc_text(mc_req *mr, const char *file, const mc_vars *v);
/* ABI 1.13: the variables of the CAPTCHA in a form (core/_captcha.html):
 * captcha_label (MC_CAPTCHA_LABEL), captcha_url (the mount-relative image
 * route, with a query that makes each address new), captcha_audio_url
 * (the same for the audio route; none when audio is NULL) and captcha_alt
 * (the picture's text alternative, pointing to the sound, or, without
 * one, to the text question). */
MC_API void mc_captcha_vars(mc_req *mr, const char *image, const char *audio);
/* ABI 1.13: answer a CAPTCHA's GET route with phrase drawn (image/bmp),
 * or spoken (audio/wav) when spoken is set; never cached, nosniff. OK;
 * 500 when the phrase cannot be drawn (a character outside
 * MC_CAPTCHA_ALPHABET), 503 when it cannot be spoken (logged). */
MC_API int mc_captcha_send(mc_req *mr, const char *phrase, int spoken);
/* ABI 1.13: queue an e-mail to one address (mc_outbox_add, in db's open
 * transaction if there is one): its body the text template
 * <plugin templates>/<file> rendered with v, to which court_name
 * (mc_court_name) is added; account_id whose it is (0: nobody's; the
 * outbox's carbon-copy rule applies to an account's), kind the outbox's
 * tag. APR_EGENERAL when the template does not render (logged), APR_EINVAL
 * when the address cannot be used. */
MC_API apr_status_t mc_email_queue(mc_req *mr, mc_db *db, long long account_id, const char *to,
                                   const char *kind, const char *subject, const char *file,
                                   mc_vars *v);

/* Passwords under the site's policy and cost. mc_password_check: NULL when
 * acceptable, else a sentence for the user. mc_password_make: hash with the
 * per-process concurrency cap (APR_EAGAIN when the wait was too long). */
MC_API const char *mc_password_check(const mc_req *mr, const char *pw, const char *username);
MC_API const char *mc_password_rules(const mc_req *mr);
MC_API apr_status_t mc_password_make(mc_req *mr, const char *pw, const char **hash);
/* ABI 1.11: the answer when mc_password_make or mc_password_matches says
 * the process is too busy: 503 with Retry-After (10 seconds) and a page
 * asking to try again in a moment. */
MC_API int mc_busy(mc_req *mr);

/* ABI 1.1: a capped check of pw against a hash made by mc_password_make
 * (1 match, 0 no match, -1 the process is too busy: answer 503). */
MC_API int mc_password_matches(mc_req *mr, const char *hash, const char *pw);
/* ABI 1.1: the logon lock-out of an account, for plugins whose checks count
 * toward it (e.g. security answers): count one failure (*locked set when
 * the account is, or now becomes, locked), ask whether it is locked, and
 * clear it (the Security unit's unlock). */
MC_API apr_status_t mc_lockout_count(mc_req *mr, mc_db *db, long long account_id, int *locked);
MC_API apr_status_t mc_lockout_check(mc_req *mr, mc_db *db, long long account_id, int *locked);
MC_API apr_status_t mc_lockout_clear(mc_req *mr, mc_db *db, long long account_id);
/* ABI 1.12: check secret against hash (made by mc_password_make) as the
 * core's logon checks a password: only once the attempt holds a place in
 * the account's lock-out, so at most MoCourtsLockout's count of wrong ones
 * is ever checked in a window, however many arrive at once and on however
 * many nodes. A wrong one counts as a failure. A NULL hash, or a secret over
 * MC_PASSWORD_MAX_BYTES, is a wrong one (checked against a dummy hash).
 * When the account is, or now becomes, locked and the request's session is
 * that account's, the session ends (as a logon would now be refused); the
 * lock is audited ("lockout") when this call made it. */
typedef enum {
    MC_LOCKOUT_RIGHT,      /* checked: right (its place given back) */
    MC_LOCKOUT_WRONG,      /* checked: wrong, counted */
    MC_LOCKOUT_LOCKED_NOW, /* checked: wrong, counted, and the account is now locked */
    MC_LOCKOUT_LOCKED,     /* not checked: the account is locked */
    MC_LOCKOUT_BUSY        /* not checked: places or hashing slots stayed taken (answer 503) */
} mc_lockout_verdict;
MC_API apr_status_t mc_lockout_verify(mc_req *mr, mc_db *db, long long account_id, const char *hash,
                                      const char *secret, mc_lockout_verdict *out);
/* ABI 1.1: the lock-out's duration in words ("30 minutes"), and the path of
 * the Logon page wherever the core's logon is mounted ("/account/logon"). */
MC_API const char *mc_lockout_time(const mc_req *mr);
MC_API const char *mc_logon_path(const mc_req *mr);
/* ABI 1.4: the in-site path the account asked to reach after logon (the
 * request's "return" form field, else its query parameter, as
 * mc_safe_return accepts it), or NULL. */
MC_API const char *mc_logon_return(const mc_req *mr);
/* ABI 1.4: where the mounted plugins' after_logon hooks send the logged-on
 * account now, or NULL: for a page that ends a registration step (the User
 * Agreement) and was not asked to return anywhere, so the account goes on
 * as a fresh logon would. Allocated in the request's pool. */
MC_API const char *mc_after_logon(mc_req *mr, mc_db *db);

/* Sessions: a new token for the current session (privilege change), and
 * ending every session of an account (password reset, disable, removal). */
MC_API apr_status_t mc_session_rotate(mc_req *mr);
MC_API apr_status_t mc_session_end_all(mc_req *mr, mc_db *db, long long account_id);
/* ABI 1.17: *on 1 when the account has two-step verification (an
 * authenticator app) set up and confirmed. */
MC_API apr_status_t mc_two_step_on(mc_req *mr, mc_db *db, long long account_id, int *on);
/* ABI 1.17: two-step verification off for the account, in the caller's
 * transaction: its key and recovery codes deleted. The next logon asks for
 * the e-mailed device code instead, or leads to the set-up page when
 * MoCourtsTwoStepRequired names one of the account's roles. For the
 * Security unit, when a holder has lost the app and the codes. */
MC_API apr_status_t mc_two_step_reset(mc_req *mr, mc_db *db, long long account_id);
/* ABI 1.1: end every session of the request's account but the request's
 * own (after a password change: ASVS 3.3.3). */
MC_API apr_status_t mc_session_end_others(mc_req *mr, mc_db *db);

/* ABI 1.2: for work outside a request (the periodic hook) as well as in one.
 * mc_site_url: MoCourtsBaseURL + the mount of the named plugin + path, in p;
 * NULL when that plugin is not mounted. mc_site_templates: the process's
 * template cache (NULL before the child is initialised). mc_site_court_name:
 * MoCourtsCourtName. */
/* ABI 1.2: one route table from a plugin's parts (each terminated by
 * {NULL}; parts itself ends with NULL), allocated in p. For register_hooks. */
MC_API const mc_route *mc_routes_join(apr_pool_t *p, const mc_route *const *parts);
MC_API const char *mc_site_url(apr_pool_t *p, const char *plugin, const char *path);
MC_API mc_tmpl_cache *mc_site_templates(void);
MC_API const char *mc_site_court_name(void);
/* ABI 1.10: the keyed hash (lower-case hex) of a short code, e.g. 6 digits,
 * for storing it: a plain digest of a million values is read back from a
 * copy of the database at once. Keyed with the site's code key
 * (MoCourtsSecretFile, else the key the core's migration stored, the same on
 * every node) over "<purpose>:<owner>:<code>", so a stored hash is worthless
 * without the key and binds the code to its purpose and owner (e.g. "phone"
 * and the phone number's row id). NULL with *rv set when the key cannot be
 * read (a database error, or no key: logged). */
MC_API const char *mc_code_hash(mc_req *mr, mc_db *db, const char *purpose, long long owner,
                                const char *code, apr_status_t *rv);
/* ABI 1.9: "45" (seconds), "45s", "30m", "12h" or "7d" into *out (for a
 * plugin's own duration directives). NULL on success, else a sentence
 * saying what a duration looks like (static). At most ten years. */
MC_API const char *mc_conf_parse_duration(const char *s, apr_interval_time_t *out);

/* ABI 1.5: a plugin's cookie, set under the same rules as the core's own:
 * Path=/, HttpOnly, SameSite=Lax, no Domain; with MoCourtsSessionSecure On
 * also Secure, and the name sent as "__Host-" name. name: letters, digits,
 * '-' and '_'; value: a token (no ';', ',', quote or white space); max_age:
 * seconds, 0 deletes the cookie (value ""), -1 makes one the browser forgets
 * when it closes. mc_cookie_value: the value the request carries for the
 * cookie set under that name, or NULL (in the request's pool). */
MC_API void mc_cookie_put(mc_req *mr, const char *name, const char *value, long max_age);
MC_API const char *mc_cookie_value(const mc_req *mr, const char *name);

/* ABI 1.3: the anti-CSRF check the core makes before every other POST, for
 * a handler that reads its body itself (MC_ROUTE_RAW_BODY: uploads). NULL
 * when acceptable, else the reason (for the log, not the user).
 * mc_csrf_origin_refusal checks the headers only (Sec-Fetch-Site, Origin:
 * call it before reading the body); mc_csrf_refusal checks them and the
 * form's mc_csrf value sent (NULL: none was sent). */
MC_API const char *mc_csrf_origin_refusal(const mc_req *mr);
MC_API const char *mc_csrf_refusal(const mc_req *mr, const char *sent);

/* ABI 1.8: one-time form tokens, so a form that creates something acts
 * once however often it is sent (a double click, a retry, ten copies at
 * once). Its page marks the form <form method="post" data-once>, which
 * the renderer gives a fresh token in the hidden field MC_ONCE_FIELD, tied
 * to the session like the anti-CSRF token (reloading the page gives a new
 * one, so creating a second record on purpose still works). The handler,
 * inside the transaction that creates the record and before it does:
 *
 *     if ((rv = mc_once_claim(mr, db, NULL)) != APR_SUCCESS)
 *         return rv;                       (the transaction rolls back)
 *     ... INSERT ...
 *     return mc_once_done(mr, db, "envelopes/42/case");
 *
 * and after mc_req_tx: if (rv != APR_SUCCESS) return mc_once_answer(mr, rv).
 * mc_once_claim stores the claim of the token for this request's path
 * (mc_form_once); a copy sent meanwhile waits on it until the first
 * commits, then gets MC_ONCE_REPEAT, which mc_once_answer answers with a
 * redirect to the first copy's result (the path mc_once_done stored), never
 * with a second record or an error page. If the first rolls back, the
 * claim goes with it and a copy may act. A token missing, made up, of
 * another session or older than a day gets MC_ONCE_REFUSED (403, "This
 * form has expired"). Claim only once nothing can refuse the form any more
 * (or refuse by returning an error, which rolls the claim back). */
#define MC_ONCE_FIELD "mc_once"
#define MC_ONCE_REPEAT (APR_OS_START_USERERR + 121)  /* sent before: see its result */
#define MC_ONCE_REFUSED (APR_OS_START_USERERR + 122) /* no token, or not a valid one */
/* A fresh token for a form drawn without data-once; in the request's pool. */
MC_API const char *mc_once_token(mc_req *mr);
/* Claim the token sent (NULL: the form's MC_ONCE_FIELD; a MC_ROUTE_RAW_BODY
 * handler passes the value it read) in db's open transaction. APR_SUCCESS,
 * MC_ONCE_REPEAT, MC_ONCE_REFUSED or a database error. */
MC_API apr_status_t mc_once_claim(mc_req *mr, mc_db *db, const char *sent);
/* Before a handler checks a form against what the database holds now
 * (e.g. "that code exists already"), outside its transaction:
 * MC_ONCE_REPEAT when the token sent has been claimed already (waiting for
 * a copy in flight to commit), so the copy is answered like one that met
 * the claim; APR_SUCCESS otherwise (no token, or not claimed yet: the
 * claim in the transaction still decides), or a database error. */
MC_API apr_status_t mc_once_seen(mc_req *mr, mc_db *db, const char *sent);
/* The page that shows what the claimed form made ("/x" absolute, "x"
 * mount-relative), where copies of the form are sent; in the same
 * transaction. Does nothing when this request claimed no token. */
MC_API apr_status_t mc_once_done(mc_req *mr, mc_db *db, const char *path);
/* The answer to a failed transaction that may have claimed a token:
 * MC_ONCE_REPEAT a 303 to the first copy's result, MC_ONCE_REFUSED the
 * 403 page, anything else mc_fail. */
MC_API int mc_once_answer(mc_req *mr, apr_status_t rv);

/* ---- ABI 1.16: the JSON API (handlers of mc_plugin.api_routes) ---------- */

/* The request's body as a JSON object (*out, json_decref it): OK, or an
 * error status already answered as problem+json (415: not
 * application/json; 413: over 1 MB; 400: not JSON, or not an object). */
MC_API int mc_api_body(mc_req *mr, json_t **out);
/* Answer body (the reference is stolen) as application/json with status.
 * A GET's answer carries a strong ETag of its bytes, and a request whose
 * If-None-Match names it gets 304 without a body. Returns OK. */
MC_API int mc_api_send(mc_req *mr, int status, json_t *body);
/* An RFC 9457 problem (application/problem+json): type is a slug
 * ("not-found", "invalid-field") made into <site>/api/v1/problems/<slug>,
 * the title the core's for known slugs (else the status's reason), detail
 * a sentence for this case, instance the request's path. Returns OK.
 * mc_api_problem_field adds "errors": [{"field": field, "detail": detail}]. */
MC_API int mc_api_problem(mc_req *mr, int status, const char *type, const char *detail);
MC_API int mc_api_problem_field(mc_req *mr, int status, const char *type, const char *field,
                                const char *detail);
/* 1 when the request's token holds scope. */
MC_API int mc_api_has_scope(const mc_req *mr, const char *scope);
/* The request's token's id; 0 outside the api mount. */
MC_API long long mc_api_token_id(const mc_req *mr);
/* A list's page by cursor: ?cursor= (opaque to clients: it carries the
 * last row's positive sort key) into *after (0: the first page) and
 * ?limit= (1 to 100, default 25) into *limit. OK, or 400 already answered.
 * mc_api_list: {"items": items, "next_cursor": the cursor after
 * next_after, or null when next_after is 0} (items stolen). */
MC_API int mc_api_page(mc_req *mr, long long *after, int *limit);
MC_API json_t *mc_api_list(mc_req *mr, json_t *items, long long next_after);
/* The Idempotency-Key of a request that creates something, claimed in the
 * creating transaction (as mc_once_claim claims a form's token): keyed by
 * the token's account, the key and the request's path. APR_SUCCESS (the
 * first), MC_ONCE_REPEAT (*prior: what the first stored with
 * mc_api_idem_done, "" before it did), MC_ONCE_REFUSED (no key, or one
 * over 255 characters: answer 428 "idempotency-key-required"), or a
 * database error. A copy sent while the first runs waits for it. */
MC_API apr_status_t mc_api_idem_claim(mc_req *mr, mc_db *db, const char **prior);
MC_API apr_status_t mc_api_idem_done(mc_req *mr, mc_db *db, const char *result);

#endif /* MOCOURTS_H */
