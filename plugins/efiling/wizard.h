/* wizard.h: what the filing wizard's two files share (wizard.c: the steps
 * up to the review; envelope.c: new draft, submit, receipt, cancel, copy,
 * delete). */
#ifndef MC_EF_WIZARD_H
#define MC_EF_WIZARD_H

#include "efiling.h"

/* The steps' handlers (wizard.c), listed in envelope.c's route table:
 * GET and POST /envelopes/:id/case, /parties, /payment; GET /documents,
 * POST /documents/next; GET /review. */
int ef_wiz_case_get(mc_req *mr);
int ef_wiz_case_post(mc_req *mr);
int ef_wiz_parties_get(mc_req *mr);
int ef_wiz_parties_post(mc_req *mr);
int ef_wiz_documents_get(mc_req *mr);
int ef_wiz_documents_next(mc_req *mr);
int ef_wiz_payment_get(mc_req *mr);
int ef_wiz_payment_post(mc_req *mr);
int ef_wiz_review_get(mc_req *mr);

/* A draft being worked on by its filer. */
typedef struct ef_wiz {
    mc_db *db;
    ef_who who;
    ef_env e;
} ef_wiz;

/* The envelope :id of the request's account, whose account must still be
 * allowed to file (when drafts_only, only if the envelope is a draft):
 * -1 when z is ready, else the handler's answer (403 page with what is
 * missing, 404, or a database error's page). */
int ef_wiz_load(mc_req *mr, ef_wiz *z, int drafts_only);

/* Open the draft :id for its filer, who must still be allowed to file.
 * Returns -1 when z is ready, else the handler's answer (403 page with
 * what is missing, 404, or a redirect to the envelope page when it is no
 * longer a draft). */
int ef_wiz_open(mc_req *mr, ef_wiz *z);

/* The first step of the draft that is not complete ("case", "parties",
 * "documents", "payment"; "review" when all are) and, in *why (may be
 * NULL), a sentence saying what it lacks. */
apr_status_t ef_wiz_incomplete(mc_req *mr, ef_wiz *z, const char **step, const char **why);

/* The review step's page (wizard.c) with status and error (NULL: none):
 * the envelope, the redaction check's hits and the submit form. */
int ef_wiz_review_page(mc_req *mr, ef_wiz *z, int status, const char *error);

/* The place of step ("case", ..., "review") in the wizard's order. */
int ef_wiz_step_index(const char *step);
/* steps.c: the steps in order, NULL-terminated. */
extern const char *const ef_wiz_step_names[];

/* The group the filer files as a member of (0: none). */
long long ef_wiz_group(const ef_who *w);

#endif
