/* registration.h: what the registration plugin's files share.
 *
 * The plugin (mounted e.g. at /registration) is in parts, one file each:
 *   signup.c    Create an account (seed 001 steps 2-15); signup_verify.c
 *               the verification e-mail, signup_resend.c its page to send
 *               it again
 *   signup_captcha.c its CAPTCHA (picture, spoken phrase, a question under
 *               the limit) and the limit on attempts per client address
 *   signup_claim.c its last step's claim: a double submit hashes once
 *   account.c   My Account, Missing Information, MOBAR (seed 000 steps
 *               10-14); account_questions.c its security questions page;
 *               account_common.c what their update pages share
 *   recovery.c  Forgot Password / Forgot Username (seed 002); recovery_mail.c
 *               their mails, made by the delivery worker
 *   security.c  the Security unit's tools; audit.c its audit log viewer
 *               (lib/mc_audit_log.c: its statements and CSV, shared with
 *               `mocourts-admin audit`)
 *   links.c     the e-mailed links (e-mail verification, e-mail change
 *               confirmation): a page whose one button POSTs
 *   reg_common.c the rules all parts apply (names, phones, addresses,
 *               usernames, security questions), the security-questions
 *               form's slots, the e-mailed links' codes, and the profile's
 *               storage
 * Each part exports its routes; mod_mocourts_registration.c joins them. */
#ifndef MC_REGISTRATION_H
#define MC_REGISTRATION_H

#include "mocourts.h"

#include "apr_strings.h"
#include "http_protocol.h"

#define MC_REG_TEMPLATES "registration"
/* The User Agreement's version; a new version asks every account again. */
#define MC_REG_AGREEMENT_VERSION "2024-1"

/* Routes of each part, each terminated by {NULL}. */
extern const mc_route mc_reg_signup_routes[];
extern const mc_route mc_reg_verify_routes[]; /* signup_resend.c */
extern const mc_route mc_reg_account_routes[];
extern const mc_route mc_reg_applications_routes[]; /* applications.c */
extern const mc_route mc_reg_recovery_routes[];
extern const mc_route mc_reg_security_routes[]; /* security.c */
extern const mc_route mc_reg_audit_routes[];    /* audit.c */
extern const mc_route mc_reg_link_routes[];     /* joined last: see links.c */
/* MoCourtsSignupLimit ATTEMPTS [WINDOW [TEXT]] (default 10 1h 3): sign-up
 * attempts (credentials submitted) per client address and window, and how
 * many of them may answer the CAPTCHA's text question. */
typedef struct mc_reg_conf {
    int attempts;
    apr_interval_time_t window;
    int text;
} mc_reg_conf;
extern mc_reg_conf mc_reg_config;

/* ---- signup_captcha.c --------------------------------------------------------- */

/* Count one sign-up attempt of the client's address: *over when past the
 * limit (then *left: seconds until its window ends), *text_ok when this
 * attempt may answer with the text question. */
apr_status_t mc_reg_attempt(mc_req *mr, mc_db *db, int *over, int *text_ok, long long *left);
/* The sentence for an attempt past the limit (sets Retry-After). */
const char *mc_reg_attempt_refusal(mc_req *mr, long long left);
/* The CAPTCHA's page variables (captcha_url, captcha_audio_url, ...), and a
 * new question (captcha_question) when the address's next attempt may
 * answer one; any earlier question is void. */
apr_status_t mc_reg_captcha_vars(mc_req *mr, mc_db *db, long long pending_id);
/* Check the phrase (or, when text_ok, the answer) posted for the pending
 * registration and void both. NULL when passed, else a sentence; *drop
 * when too many wrong answers were given; a database error in *rv. */
const char *mc_reg_captcha_check(mc_req *mr, mc_db *db, long long pending_id, int text_ok,
                                 int *drop, apr_status_t *rv);
/* The picture (a new phrase) and the same phrase spoken (audio/wav). */
int mc_reg_captcha_image(mc_req *mr, mc_db *db, long long pending_id);
int mc_reg_captcha_audio(mc_req *mr, mc_db *db, long long pending_id);

/* ---- signup_claim.c ----------------------------------------------------------- */

/* The last sign-up step's claim on a pending registration, taken before
 * hashing so that a double submit hashes once. mc_reg_claim: CLAIMED (this
 * request holds it: release it when done), GONE (the registration was
 * consumed or expired) or BUSY (another copy held it for the whole wait of
 * 1.5 s at most); a copy waits without hashing. */
enum { MC_REG_CLAIMED, MC_REG_GONE, MC_REG_BUSY };
apr_status_t mc_reg_claim(mc_req *mr, mc_db *db, long long pending_id, int *outcome);
/* Drop the claim (none left after the account was made); logged on failure
 * (it then lapses within a minute). */
void mc_reg_claim_release(mc_req *mr, mc_db *db, long long pending_id);

/* signup_verify.c: a new e-mail verification code for account_id (its hash
 * stored, valid 24 hours) and the e-mail carrying its link (token) queued to
 * email, in the caller's transaction. mc_reg_verify_mail works outside a
 * request too (the delivery worker's round): link_base is the public
 * address of the plugin's "/verify/", which the token follows. */
apr_status_t mc_reg_verify_send(mc_req *mr, mc_db *db, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token);
apr_status_t mc_reg_verify_mail(mc_db *db, apr_pool_t *p, long long account_id, const char *email,
                                const char *username, const char *first_name, const char *token,
                                const char *link_base);
/* Verification e-mails sent per account and hour, on request. */
#define MC_REG_VERIFY_PER_HOUR 5

/* account_common.c: an update on My Account: fn in a transaction
 * (mc_req_tx: retried on deadlock, rolled back on failure), then back to
 * My Account (?updated=done), or the failure's answer (mc_fail). */
int mc_reg_account_save(mc_req *mr, apr_status_t (*fn)(mc_req *mr, mc_db *db, void *baton),
                        void *baton, const char *done);
/* account.c: where an account lacking required information goes after
 * logon ("missing"), or NULL. */
const char *mc_reg_after_logon(mc_req *mr, mc_db *db);
/* recovery_mail.c: queue (mc_outbox_add) an e-mail to to, its body
 * rendered from the plugin's text template file with v (court_name added);
 * works outside a request (the delivery worker's round). */
apr_status_t mc_reg_mail(mc_db *db, apr_pool_t *p, long long account_id, const char *to,
                         const char *kind, const char *subject, const char *file, mc_vars *v);
/* recovery_mail.c: the delivery worker's part (mc_plugin.periodic): the
 * queued Forgot Password / Forgot Username / Resend verification requests. */
apr_status_t mc_reg_recovery_periodic(mc_db *db, apr_pool_t *p, apr_time_t now);

/* ---- reg_common.c ---------------------------------------------------------- */

/* The fixed list of security questions (seed 000's three first). */
extern const char *const mc_reg_questions[];
extern const int mc_reg_question_count;

/* A security-questions form's three slots (list "slots" of vars): per slot
 * n; the fields' names (qid, aid, vid: fields[0..2], the question's, the
 * answer's and the verify's, followed by the slot's number); their labels
 * (qlabel "Question N", alabel, vlabel, each followed by mark); the
 * question chosen (qsel, when q[i] >= 0) and the answers typed (answer,
 * verify: unset when a or v is NULL); the questions (rows "options": idx,
 * text, selected "1" on q[i]'s); qinvalid, ainvalid, vinvalid: the
 * fields' FIELD_invalid of vars (mc_reg_field_error: call it first). */
void mc_reg_question_slots(mc_vars *vars, const char *const *fields, const char *mark, const int *q,
                           const char *const *a, const char *const *v);

/* The longest value of each field, in characters (UTF-8), as its column
 * holds it (sql/core, sql/registration); the forms' maxlength say the same. */
#define MC_REG_NAME_MAX 100 /* first, middle and last name */
#define MC_REG_SUFFIX_MAX 20
#define MC_REG_FIRM_MAX 200
#define MC_REG_EMAIL_MAX 254
#define MC_REG_PHONE_MAX 30
#define MC_REG_ANSWER_MAX 100 /* a security answer (stored hashed) */

/* Each check returns NULL when the value is acceptable, else a sentence
 * naming the field and saying why. Values are trimmed by the caller. Text
 * must be well-formed UTF-8 without control characters, and a value longer
 * than its field's maximum is refused ("Label: at most N characters."). */
const char *mc_reg_check_username(apr_pool_t *p, const char *username);
const char *mc_reg_username_rules(void); /* for the page, beside the field */
const char *mc_reg_check_name(apr_pool_t *p, const char *label, const char *v, int required,
                              apr_size_t max);
const char *mc_reg_check_email(apr_pool_t *p, const char *label, const char *v);
const char *mc_reg_check_phone(apr_pool_t *p, const char *label, const char *v, int required);
/* An address: line1 (required), line2, city, state (two-letter US code or a
 * name), ZIP (5 or 5+4 digits for the United States), country; at most 200,
 * 200, 100, 50, 20 and 60 characters. prefix is the field label, e.g.
 * "Mailing Address" (a sentence names "Mailing Address City"). *part: the
 * part a refusal is about ("line1", "line2", "city", "state", "zip",
 * "country"; the forms' ids are the prefix's, e.g. mail_city), NULL when none. */
const char *mc_reg_check_address(apr_pool_t *p, const char *prefix, const char *line1,
                                 const char *line2, const char *city, const char *state,
                                 const char *zip, const char *country, const char **part);
/* Security answers, the seed's rules: at least 3 characters (at most
 * MC_REG_ANSWER_MAX), no part of the question (any word of 4+ letters of
 * it), the same answer not twice.
 * questions[i] indexes mc_reg_questions; answers[i] as typed; n = 3.
 * The three questions must differ too. */
const char *mc_reg_check_answers(apr_pool_t *p, const int *questions, const char *const *answers,
                                 int n);
/* Errors linked to their fields (core/_errors.html, issue 14): the id of
 * the input a sentence "Label: why" is about, by map (label, id pairs, then
 * NULL), or NULL; for the security-questions slots ("Question N", "Answer
 * N", "Verify Answer N") the slot's field, fields[0..2] followed by N. */
const char *mc_reg_error_field(const char *error, const char *const *map);
const char *mc_reg_slot_error_field(apr_pool_t *p, const char *error, const char *const *fields);
/* Show error text: a row of list (text; field, the input's id, and href
 * "#field" when field is not NULL), or with list NULL the page's one error
 * (error; error_field, error_href). FIELD_invalid is "true" in vars (the
 * input's aria-invalid). */
void mc_reg_field_error(apr_pool_t *p, mc_vars *vars, const char *list, const char *text,
                        const char *field);
/* A step indicator (registration/_steps.html): list "steps" of vars, a
 * row per label (labels NULL-terminated) with its label, class (USWDS's
 * segment, complete or current), current ("true" on step current, counted
 * from 1) and sr (the screen readers' "completed" or "not completed"). */
void mc_reg_steps(mc_vars *vars, const char *const *labels, int current);
/* trim, lower case, runs of blanks to one space. */
const char *mc_reg_normalise_answer(apr_pool_t *p, const char *answer);

/* The profile (mc_reg_profile plus the core's names and e-mail). */
typedef struct mc_reg_profile {
    long long account_id;
    const char *username, *email, *first_name, *last_name;
    const char *middle_name, *suffix, *firm;
    const char *mail_line1, *mail_line2, *mail_city, *mail_state, *mail_zip, *mail_country;
    const char *bill_line1, *bill_line2, *bill_city, *bill_state, *bill_zip, *bill_country;
    const char *business_phone, *cell_phone;
    const char *mobar_number; /* NULL when none */
    int mobar_verified;
    int answers; /* security answers on file (0..3) */
} mc_reg_profile;

/* Load the profile of account_id (a missing mc_reg_profile row reads as
 * empty fields). APR_ENOENT when the account does not exist. */
apr_status_t mc_reg_profile_load(mc_db *db, apr_pool_t *p, long long account_id,
                                 mc_reg_profile *out);
/* Insert or update the mc_reg_profile row (not the core's columns). */
apr_status_t mc_reg_profile_save(mc_db *db, const mc_reg_profile *pr);
/* The labels of the required items the profile lacks (My Account's
 * "Please Update"): "First Name", "Last Name", "E-mail Address",
 * "Mailing Address", "Billing Address", "Business Phone",
 * "Security Questions". An empty array when complete. */
apr_array_header_t *mc_reg_profile_missing(apr_pool_t *p, const mc_reg_profile *pr);

/* A code for a link that carries token: its hash stored in mc_code for
 * account_id and purpose, valid ttl seconds (the row's id in *code_id when
 * not NULL); the account's earlier unused codes of that purpose are void
 * first when void_earlier. In the caller's transaction. */
apr_status_t mc_reg_code_new(mc_db *db, apr_pool_t *p, long long account_id, const char *purpose,
                             const char *token, long long ttl, int void_earlier,
                             long long *code_id);

/* The form of a MOBAR number: NULL when it is 1 to 10 digits, else the
 * sentence (sign-up's first step checks only this). */
const char *mc_reg_mobar_syntax(const char *number);
/* MOBAR verification against the roster (mc_bar_roster, loaded by
 * `mocourts-admin import-bar`): number (digits) and last name must match an
 * active entry, and no other account may hold the number (account_id: the
 * one asking, 0 for a registration). NULL when verified, else a sentence;
 * a database error is returned in *rv (and NULL). */
const char *mc_reg_mobar_check(mc_db *db, apr_pool_t *p, const char *number, const char *last_name,
                               long long account_id, apr_status_t *rv);

/* account_common.c: what My Account's update pages share (account.c,
 * account_questions.c). */
/* The form field name, trimmed. */
const char *mc_reg_account_field(mc_req *mr, const char *name);
/* Load the logged-on account's profile; the request's connection in *db. */
apr_status_t mc_reg_account_load(mc_req *mr, mc_db **db, mc_reg_profile *pr);
/* The current password typed on an update page (what: its name, for the
 * audit), checked under the account's lock-out (mc_lockout_verify): 1
 * right; 0 wrong (counted toward the lock-out, audited); -1 not checked
 * (a database error, busy, or wrong and the account now locked, the
 * visitor logged off), *rc then the answer to return (its page sent). */
int mc_reg_account_password_ok(mc_req *mr, mc_db *db, const char *pw, const char *what, int *rc);
/* account_questions.c: GET/POST /myaccount/questions. */
int mc_reg_account_questions_get(mc_req *mr);
int mc_reg_account_questions_post(mc_req *mr);

#endif
