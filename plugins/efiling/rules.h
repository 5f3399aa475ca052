/* rules.h: the filing rules the pages and the JSON API share (rules.c,
 * decide.c, and upload.c's document intake). Each checks what was asked
 * and, in the caller's transaction or connection, makes the change; none
 * draws a page or a JSON body: a refusal is a sentence for the filer (the
 * pages' error, the API's problem detail) and the name of the field it is
 * about (the API's "errors"). */
#ifndef MC_EF_RULES_H
#define MC_EF_RULES_H

#include "wizard.h"

#include "mc_docstore.h"
#include "mc_pdf.h"
#include "mc_pdftool.h"
#include "mc_redact.h"

/* ---- rules.c ------------------------------------------------------------------- */

/* A draft (kind "new" or "existing") of the request's account, filed as a
 * member of group_id (0: none): the envelope and its first history row, in
 * the caller's transaction. */
apr_status_t ef_draft_create(mc_req *mr, mc_db *db, const char *kind, long long group_id,
                             long long *id);

/* Record that draft e may resume at step next (never moving it back). */
apr_status_t ef_wiz_advance(mc_db *db, const ef_env *e, const char *next);

/* The court and case of a draft, as asked (trimmed by the caller). */
typedef struct ef_case_in {
    const char *court;
    const char *case_type;   /* a new case; NULL: not sent */
    const char *caption;     /* a new case */
    const char *case_number; /* an existing case */
} ef_case_in;
/* Check in for draft e and save it. *refusal NULL: saved (*court_only 1
 * when court_only_ok and, for a new case whose case type was not sent or
 * was left empty as the court changed, the court alone was saved so that
 * its case types can be offered). Else *refusal says why nothing was
 * saved and *field names the field ("court", "case_type", "caption",
 * "case_number"). */
apr_status_t ef_case_set(mc_req *mr, mc_db *db, const ef_env *e, const ef_case_in *in,
                         int court_only_ok, int *court_only, const char **field,
                         const char **refusal);

/* A party of a new case, as asked (trimmed by the caller). */
typedef struct ef_party_in {
    const char *kind; /* "person" or "business" */
    const char *role; /* plaintiff, petitioner, defendant, respondent */
    const char *last_name, *first_name, *middle_name; /* a person */
    const char *business_name;                        /* a business */
} ef_party_in;
#define EF_PARTIES_MAX 50
/* NULL when the party may be added, else the sentence, with *field. */
const char *ef_party_check(const ef_party_in *in, const char **field);
/* Add the (checked) party to draft env_id (caller's transaction); *full
 * (and APR_EGENERAL, to roll back) when it has EF_PARTIES_MAX already. */
apr_status_t ef_party_add(mc_req *mr, mc_db *db, long long env_id, const ef_party_in *in,
                          int *full);

/* A document's filing code for court c and draft e: NULL with *code_id
 * when the code is one of the court's, and (lead) one that starts a case
 * for a new case's lead document; else the sentence, with *field
 * ("filing_code" or "lead"). */
apr_status_t ef_code_check(mc_db *db, apr_pool_t *p, const ef_court *c, const ef_env *e,
                           const char *code, int lead, long long *code_id, const char **field,
                           const char **refusal);

/* The payment of draft e: choice (a provider's name) and the waiver's
 * reason as sent (NULL: none); nothing is asked when there are no fees
 * ("none" is saved). *refusal NULL when saved, else why not (*field
 * "payment" or "waiver_reason"). */
apr_status_t ef_payment_choose(mc_req *mr, mc_db *db, const ef_env *e, const char *choice,
                               const char *reason, const char **field, const char **refusal);

/* Submit draft id of the request's account (who: may file), in the
 * caller's transaction: the envelope's row locked, numbered, its fees
 * taken by its payment provider, marked submitted. One envelope however
 * often it is sent: a copy finds it submitted and gets its number. */
typedef struct ef_submit_req {
    ef_who *who;
    long long id;
    int not_found;
    const char *incomplete; /* why the draft cannot be submitted */
    const char *number;     /* the envelope's number */
    int submitted;          /* this call submitted it */
    int redaction_confirmed; /* the filer ticked "I have redacted ..." (redaction_confirmed) */
    const char *redaction;   /* refused: documents with hits, not confirmed */
} ef_submit_req;
apr_status_t ef_submit(mc_req *mr, mc_db *db, ef_submit_req *b);

/* ---- decide.c: the clerk's decisions ------------------------------------------- */

/* The reasons a clerk may give for a rejection, terminated by NULL. */
extern const char *const ef_reject_reasons[];
/* NULL when reason and text (trimmed) may reject an envelope, else the
 * sentence, with *field ("reason" or "text"). */
const char *ef_reject_check(const char *reason, const char *text, const char **field);

typedef struct ef_decide_req {
    long long id;
    const char *action;        /* "open", "accept", "reject" */
    const char *reason, *text; /* reject */
    const char *refused;       /* set when the envelope's status does not allow the action */
    int gone;                  /* the envelope vanished or left the clerk's courts */
    ef_env e;                  /* as it is after the transaction */
    long long docketed, queued;
    const char *new_case; /* the number a new case got */
} ef_decide_req;
/* The decision b->action on envelope b->id by the request's account (a
 * clerk of its court), in the caller's transaction with the row locked. */
apr_status_t ef_decide(mc_req *mr, mc_db *db, void *baton);

/* ---- upload.c: a document into a draft --------------------------------------------- */

/* One document arriving: fed to the store and the PDF check at once. */
typedef struct ef_doc_in {
    mc_req *mr;
    ef_env *e;
    const ef_court *c;
    const char *filing_code;
    int lead;
    const char *filename; /* the client's, cleaned (metadata only) */
    int use_once;         /* the page: its one-time form token is claimed with the row */
    const char *once;     /* the token sent (NULL: none) */
    int use_idem;         /* the API: its Idempotency-Key is claimed with the row */
    const char *idem_prior; /* ... a repeat's: the first upload's document id */
    mc_docstore_writer *w;
    mc_pdf_check *pdf;
    apr_off_t bytes;
    /* when added */
    long long doc_id;
    long long demoted; /* the lead document it replaced (now an attachment), or 0 */
    const char *sha, *stored;
    unsigned active; /* MC_PDF_FOUND_* bits of a flagged document, or 0 */
    struct ef_text *text; /* what pdftotext found (redact.c), once committed */
} ef_doc_in;
#define EF_DOC_ESTORE (APR_OS_START_USERERR + 2604) /* the store failed (logged) */
#define EF_DOC_STORE_FAILED                                                                        \
    "The document could not be stored. Try again later; if it keeps failing, call the eFiling "    \
    "Help Desk."
/* "The document is larger than <court>'s limit of 25 MB." */
const char *ef_doc_too_big(apr_pool_t *p, const ef_court *c);
/* 1 when a file name is traversal-style ("../x.pdf"); its sentence. */
int ef_doc_traversal_name(const char *name);
#define EF_DOC_TRAVERSAL                                                                           \
    "The file name contains \"..\" as a folder: give the file a plain name, such as "              \
    "petition.pdf, and upload it again."
/* The client's file name as metadata (never a path). */
const char *ef_doc_clean_name(apr_pool_t *p, const char *name);
/* Start the document's file in the store (EF_DOC_ESTORE, logged). */
apr_status_t ef_doc_begin(ef_doc_in *d);
apr_status_t ef_doc_write(ef_doc_in *d, const char *data, apr_size_t len);
/* Read the request's whole body into feed (until it fails); *read_rv: an
 * input error (client gone, timeout, LimitRequestBody). */
apr_status_t ef_doc_read_body(request_rec *r,
                              apr_status_t (*feed)(void *baton, const char *data, apr_size_t len),
                              void *baton, apr_status_t *read_rv);
/* The whole document is here: check it (PDF, text, filing code, lead),
 * commit its file and insert its row. APR_SUCCESS with *status 0 when it
 * was added; APR_SUCCESS with *status (400, 409) and *refusal, *field when
 * refused (nothing kept); else EF_DOC_ESTORE, MC_ONCE_* or a database
 * error (nothing kept). */
apr_status_t ef_doc_finish(mc_db *db, ef_doc_in *d, int *status, const char **field,
                           const char **refusal);

/* ---- redact.c: the redaction check and the real text check -------------------------- */

/* The confirmation's label and the submit's refusal without it. */
extern const char EF_REDACT_CONFIRM_LABEL[];
extern const char EF_REDACT_REFUSAL[];
/* A kept tool's limits (MoCourtsEFilingToolLimits) with this output cap. */
mc_tool_limits ef_tool_limits(apr_size_t out_max, int merge_stderr);
/* The stored document's path, or NULL when the name is not the store's. */
const char *ef_doc_path(apr_pool_t *p, const char *stored);
/* "qpdf did not finish within 10 seconds and was stopped", ... */
const char *ef_tool_outcome(apr_pool_t *p, const char *tool, const mc_tool_result *res);

/* What pdftotext found in a stored document. */
typedef struct ef_text {
    int read;           /* the text was read to its end */
    const char *status; /* the row's redaction: "clean", "hits", "unchecked" */
    const char *why;    /* not read: "timed out", "failed" */
    mc_redact scan;     /* when read: pages, pages with text, masked hits */
} ef_text;
/* Read stored's text out of process and scan it (a tool that fails or is
 * stopped at its limits leaves t unread: "unchecked", logged). */
apr_status_t ef_text_examine(mc_req *mr, const char *stored, ef_text *t);
/* The masked hits of document doc_id (caller's transaction). */
apr_status_t ef_text_save(mc_db *db, long long doc_id, const ef_text *t);
/* How many documents of the envelope have hits or could not be checked. */
apr_status_t ef_redact_pending(mc_db *db, apr_pool_t *p, long long env_id, int *docs);
/* The review step's variables: redaction_pending, redaction_confirm_label,
 * the list redaction_hits (document, page, kind, masked) and the list
 * redaction_unchecked (document). */
apr_status_t ef_redact_vars(mc_req *mr, mc_db *db, long long env_id);
/* The filer confirmed the redaction of envelope e's docs documents at
 * submit: recorded on the envelope, audited (caller's transaction). */
apr_status_t ef_redact_confirm(mc_req *mr, mc_db *db, const ef_env *e, int docs);

/* ---- clerkdocs.c: the clerk's document checks and preview ------------------------- */

/* The clerk's envelope page: the list "checks" (per document: name,
 * client_name, verdict, verdict_class, lines (list of line), previews
 * (list of src, alt)) and redaction_confirmed (the moment, or unset). */
apr_status_t ef_clerk_checks(mc_req *mr, mc_db *db, const ef_env *e);
/* GET /clerk/documents/:doc/pages/:page: a page as PNG (route in
 * mod_mocourts_efiling.c). */
int ef_doc_preview(mc_req *mr);

#endif
