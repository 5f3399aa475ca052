/* efiling.h: what the eFiling plugin's files share.
 *
 * The plugin (mounted at /ecf, the address seed 001 step 26 saves) files
 * documents under a court's electronic filing rule. It is in parts:
 *   menu.c      the eFiling Menu (seed 001 step 25) or, for an account that
 *               may not file, exactly what is missing; My Filings; the
 *               envelope page with its history
 *   envelope.c  the filing wizard: a new case (court, case type, caption,
 *               parties) or an existing case (by number); documents (see
 *               upload.c); fees and payment; review; submit (one envelope
 *               however often it is sent); receipt; cancel; drafts (resume,
 *               copy a rejected envelope into a new draft)
 *   payment.c   the payment providers: fee waiver, court account
 *   upload.c    document upload (streamed into the store, checked as PDF,
 *               per-court size limit); documents.c removing one or making it
 *               the lead; download.c download (only to the filer, the
 *               filer's group administrator and the court's clerks)
 *   review.c    the clerk's queue per court: open, view, Accept (a new case
 *               gets its number; documents become docket entries) or Reject
 *               with a reason
 *   setup.c     the Security unit's court set-up pages
 *   ef_common.c who may file, envelope look-ups and access, history, status
 *               changes and their notices, fees
 *   rules.c     the filing rules the pages and the JSON API share (rules.h):
 *               a draft, its court and case, parties, filing codes, payment,
 *               submit; decide.c the clerk's decisions (open, accept, reject)
 * Each part exports its routes but the documents' (upload.c, documents.c,
 * download.c), whose table is mod_mocourts_efiling.c's; that file joins
 * them.
 *
 * Envelope statuses: draft, submitted, review (a clerk opened it: "Under
 * Review"), accepted, rejected, cancelled. */
#ifndef MC_EFILING_H
#define MC_EFILING_H

#include "mocourts.h"

#include "apr_strings.h"
#include "http_log.h"
#include "http_protocol.h"

#define EF_TEMPLATES "efiling"
#define EF_PAGE_SIZE 25

APLOG_USE_MODULE(mocourts_efiling);

extern const mc_route ef_menu_routes[];
extern const mc_route ef_envelope_routes[];
extern const mc_route ef_review_routes[];
extern const mc_route ef_setup_routes[];

/* Directives (mod_mocourts_efiling.c). */
typedef struct ef_conf {
    const char *store; /* MoCourtsEFilingStore: the document store directory */
    /* MoCourtsEFilingTool pdftotext|pdftoppm|qpdf PATH (default /usr/bin/NAME) */
    const char *pdftotext, *pdftoppm, *qpdf;
    int tool_seconds;     /* MoCourtsEFilingToolLimits SECONDS MEGABYTES: 10 */
    long long tool_bytes; /* 512 MB */
} ef_conf;
extern ef_conf ef_config;

/* ---- ef_common.c ------------------------------------------------------------ */

/* Who may file: an account subscribed to Electronic Case Filing with the
 * current User Agreement accepted, that is an attorney with a verified MOBAR
 * number or an active member of an active group. */
typedef struct ef_who {
    int ok;             /* may file */
    int subscribed;     /* My Applications: Electronic Case Filing */
    int agreement;      /* the current User Agreement accepted */
    int attorney;       /* role attorney (verified MOBAR number) */
    long long group_id; /* 0: in no group */
    const char *group_name;
    int group_active;            /* the group is not deactivated */
    int member_active;           /* the member is not DISABLEd */
    int group_admin;             /* the account administers its group */
    apr_array_header_t *missing; /* of const char *: sentences, what to do */
} ef_who;
apr_status_t ef_who_get(mc_req *mr, mc_db *db, ef_who *w);

/* An envelope as the pages use it. */
typedef struct ef_env {
    long long id;
    const char *number; /* "" until submitted */
    long long account_id;
    const char *filer;      /* "First Last (username)" */
    long long group_id;     /* 0: none */
    const char *court_code; /* "" until chosen */
    const char *court_name;
    const char *kind;        /* "new" or "existing" */
    long long case_id;       /* 0: none yet */
    const char *case_number; /* "" */
    const char *case_type;
    const char *caption;
    const char *status;
    const char *step;
    long long fee_cents;
    const char *payment; /* none, waiver, court_account */
    const char *waiver_reason;
    const char *payment_ref;
    const char *reject_code;
    const char *reject_text;
    long long clerk_id;
    long long copied_from;
    const char *created_at, *updated_at, *submitted_at, *decided_at;
    const char *redaction_confirmed_at; /* "" unless the filer confirmed the redaction warning */
} ef_env;

/* Load envelope id (for_update: SELECT ... FOR UPDATE, inside a
 * transaction). *found 0 when there is none. */
apr_status_t ef_env_load(mc_req *mr, mc_db *db, long long id, int for_update, ef_env *e,
                         int *found);

/* Who the request's account is to envelope e. */
#define EF_FILER 0x1       /* the filer */
#define EF_GROUP_ADMIN 0x2 /* administrator of the envelope's group */
#define EF_CLERK 0x4       /* clerk of the envelope's court */
int ef_env_relation(const mc_req *mr, const ef_env *e);

/* "Draft", "Submitted", "Under Review", "Accepted", "Rejected", "Cancelled". */
const char *ef_status_label(const char *status);
/* The class of the status's badge: "mc-status mc-status--review" (the
 * template: <span class="mc-status" data-attr-class="..._class">). */
const char *ef_status_badge(const char *status);
/* "$1,234.50" */
const char *ef_money(apr_pool_t *p, long long cents);
/* id in decimal, in p. */
const char *ef_id_str(apr_pool_t *p, long long id);
/* The list page the query asks for (?page=, 1 when none); a value that is
 * not a whole number is 1, with the page's "error" said and *status 400. */
long long ef_page_asked(mc_req *mr, int *status);
/* A document's size for a list: "607 bytes", "12 KB", "3.4 MB". */
const char *ef_size_text(apr_pool_t *p, long long bytes);

/* Append to the envelope's history. */
apr_status_t ef_history_add(mc_db *db, long long env_id, const char *status, long long actor_id,
                            const char *note);
/* Change e's status (caller's transaction): the row, its history (actor:
 * the request's account, note as given), and the notices: to the filer (the
 * outbox copies the group administrator, seed 000) and to each verified
 * Notification E-mail address of the envelope's group. e->status is
 * updated. */
apr_status_t ef_status_set(mc_req *mr, mc_db *db, ef_env *e, const char *status, const char *note);

/* The envelope's fees from the court's schedule: the sum of its documents'
 * filing-code fees. */
apr_status_t ef_fees(mc_db *db, apr_pool_t *p, long long env_id, long long *cents);

/* The court's eFiling set-up; *found 0 when the court does not take
 * filings (not participating, or no set-up). */
typedef struct ef_court {
    const char *code;
    const char *name;
    const char *case_prefix;
    long long max_doc_bytes;
    int text_pdf_only;
    int flag_active; /* accept PDFs with active content and warn the clerk, not refuse them */
} ef_court;
apr_status_t ef_court_get(mc_db *db, apr_pool_t *p, const char *code, ef_court *c, int *found);

/* Take the next number of sequence name (caller's transaction; the row is
 * locked until it ends): at least at_least. For envelope numbers ("EF2026")
 * and new case numbers ("22SL-CC", at least one more than the highest
 * number already in mc_case). */
apr_status_t ef_sequence_take(mc_db *db, apr_pool_t *p, const char *name, long long at_least,
                              long long *value);

/* ---- upload.c, documents.c, download.c: a draft's documents ------------------ */

/* The envelope of the request, its filer's right to change it now, and its
 * court (when need_court). Returns -1 when the request may go on, else the
 * handler's answer. */
int ef_doc_draft_of_filer(mc_req *mr, mc_db *db, long long id, int need_court, ef_env *e,
                          ef_court *c);
/* The handlers of upload.c, documents.c and download.c (routes in
 * mod_mocourts_efiling.c). */
int ef_doc_upload(mc_req *mr);
int ef_doc_remove(mc_req *mr);
int ef_doc_make_lead(mc_req *mr);
int ef_doc_download(mc_req *mr);

/* ---- envpage.c: pieces the envelope pages share ------------------------------ */

/* The "what is missing" page (titled "eFiling Menu") with status. */
int ef_who_refuse(mc_req *mr, const ef_who *w, int status);
/* The request's connection in *db and who its account is in *w: -1 when
 * the account may file, else the answer (ef_who_refuse with status, or a
 * database error's page). */
int ef_who_may_file(mc_req *mr, mc_db **db, ef_who *w, int status);
/* 404 "Envelope not found". */
int ef_env_not_found(mc_req *mr);
/* The route's envelope (:id) as the request's account may see it: its
 * relation to the account (EF_*), with the envelope in *e and the
 * request's connection in *db; else 0 with *rc the answer (404 "Envelope
 * not found" when there is no such envelope or it is not the account's to
 * see, or a database error's page). */
int ef_env_of_route(mc_req *mr, mc_db **db, ef_env *e, int *rc);
/* mount + "/envelopes/<id>" + tail. */
const char *ef_env_url(mc_req *mr, long long id, const char *tail);
/* Page variables of envelope e: header, parties, documents (with their
 * fees), fees and payment. */
apr_status_t ef_env_show(mc_req *mr, mc_db *db, const ef_env *e);
/* The list "history" of envelope id, oldest first: at, status (in words),
 * note, and the actor's name under who_key ("who" for the filer's page,
 * "actor" for the clerk's). */
apr_status_t ef_env_history(mc_req *mr, mc_db *db, long long id, const char *who_key);
/* The list "parties" of envelope env_id, in the order added: party_id,
 * name ("LAST, First Middle" for a person), kind ("Person", "Business"),
 * role ("Plaintiff", ...). */
apr_status_t ef_env_parties(mc_req *mr, mc_db *db, long long env_id);
/* The list "documents" of envelope env_id, lead first: code, client_name,
 * sha256, lead ("Lead document", "Attachment"), size and fee in words; then
 * each adds the page's own variables to the row from res's row i (columns:
 * id, filing code, filing code's name, is_lead, client_name, bytes, sha256,
 * fee_cents, docket_id or 0, active_found). *fees: the sum of the
 * documents' filing-code fees. */
typedef void (*ef_doc_row_fn)(mc_req *mr, mc_vars *row, const mc_dbres *res, int i,
                              const void *baton);
apr_status_t ef_env_documents(mc_req *mr, mc_db *db, long long env_id, ef_doc_row_fn each,
                              const void *baton, long long *fees);
/* (wizard.c) The wizard step a draft resumes at: "case", "parties",
 * "documents", "payment" or "review". */
const char *ef_env_resume_step(const ef_env *e);
/* (wizard.c) The page variables of the wizard's step indicator with step
 * ("case", ...) current: the list "steps" (label; segment, its class;
 * current "true" on the current one; done, "completed" or "not completed",
 * on the others; url of each other step the draft has reached), step_no,
 * step_count and step_label. */
void ef_wiz_steps(mc_req *mr, const ef_env *e, const char *step);

#endif
