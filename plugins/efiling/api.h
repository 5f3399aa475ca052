/* api.h: what the eFiling plugin's JSON API files share (issue 16; the
 * core answers them under its "api" mount, /api/v1, with Bearer tokens):
 *   api_envelopes.c  scope filings:read: the account's envelopes (a page by
 *                    cursor, one with its parties, documents and history,
 *                    its documents, its fees); the JSON of an envelope
 *   api_filing.c     scope filings:write: a new draft with its court and
 *                    case, the case changed, parties, a document's filing
 *                    code and lead, the submit (Idempotency-Key)
 *   api_upload.c     scope filings:write: a document uploaded (the PDF is
 *                    the body, streamed to the store as the page's upload)
 *   api_clerk.c      scope clerk: a court's queue, an envelope, open,
 *                    accept, reject
 * The rules are the pages' own (rules.h); the answers are JSON, errors
 * problem+json (templates/efiling/openapi.json documents them all). */
#ifndef MC_EF_API_H
#define MC_EF_API_H

#include "rules.h"

extern const mc_route ef_api_envelope_routes[];
extern const mc_route ef_api_filing_routes[];
extern const mc_route ef_api_upload_routes[];
extern const mc_route ef_api_clerk_routes[];

/* A database timestamp ("2026-01-31 12:00:00") as RFC 3339 UTC
 * ("2026-01-31T12:00:00Z"); JSON null for "". */
json_t *ef_api_time(const char *db_time);
/* s, or JSON null when it is "" (or NULL). */
json_t *ef_api_str(const char *s);

/* Envelope e as JSON: its header; with full, also its parties, documents
 * and history. NULL on a database error (*rv). */
json_t *ef_api_envelope(mc_req *mr, mc_db *db, const ef_env *e, int full, apr_status_t *rv);
/* Answer a list page: res's first column the envelope ids, limit + 1 rows
 * asked for (a row more says there is a next page; the cursor is the last
 * id given). */
int ef_api_send_envelopes(mc_req *mr, mc_db *db, const mc_dbres *res, int limit);
/* The documents of envelope env_id, lead first (NULL on a database error). */
json_t *ef_api_documents(mc_req *mr, mc_db *db, long long env_id, apr_status_t *rv);
/* Answer status with envelope e (full). */
int ef_api_send_envelope(mc_req *mr, mc_db *db, const ef_env *e, int status);

/* The route's envelope (:id) of the token's account in *e, with the
 * request's connection in *db: -1 when found, else the answer (404 "not
 * found" for no such envelope or another account's). With write, the
 * account must also be allowed to file now (else 403 "may-not-file" saying
 * what is missing) and the envelope must be a draft (else 409). */
int ef_api_own_envelope(mc_req *mr, mc_db **db, ef_env *e, int write);
/* 404 "not-found": no such envelope, or not the token's to see. */
int ef_api_env_not_found(mc_req *mr);
/* 422 "invalid-field" about field. */
int ef_api_invalid(mc_req *mr, const char *field, const char *sentence);
/* A string member of a JSON object: its value, "" when absent or null
 * (*bad set when present but not a string). */
const char *ef_api_member(json_t *o, const char *name, int *bad);

#endif
