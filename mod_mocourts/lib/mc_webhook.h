/* mc_webhook: signed webhooks (issue 16; ABI 1.16). An account's endpoints
 * (My Account -> Webhooks) receive the events they subscribe to as an HTTP
 * POST signed per Standard Webhooks: the headers webhook-id (the delivery's
 * "msg_..." id, the same on every attempt), webhook-timestamp (the
 * attempt's Unix time) and webhook-signature ("v1," and the base64 of
 * HMAC-SHA256, keyed with the endpoint secret's bytes, of
 * "<id>.<timestamp>.<body>"); the body is
 * {"type": event, "timestamp": when it happened (RFC 3339, UTC), "data": ...}.
 * A delivery is queued in the event's transaction and sent by the delivery
 * worker (mc_webhook_send.h), retried with backoff for 24 hours. */
#ifndef MC_WEBHOOK_H
#define MC_WEBHOOK_H
#include "mc_api.h"
#include "mc_db.h"

/* The events an endpoint may subscribe to. */
#define MC_WEBHOOK_DOCKET_ENTRY "docket.entry.created"
#define MC_WEBHOOK_HEARING "hearing.scheduled"
#define MC_WEBHOOK_FILING_STATUS "filing.status.changed"

/* Queue, in db's open transaction (the event's), one delivery of event to
 * every enabled endpoint of account_id subscribed to it. data_json: the
 * JSON object text that becomes "data" (at most 60,000 bytes); case_ref: the
 * case number the event is about, or NULL (mc_webhook_drop_case finds the
 * deliveries by it). APR_EINVAL for an unknown event or data that is not an
 * object; else a database error or APR_SUCCESS (also when no endpoint
 * wants it). */
MC_API apr_status_t mc_webhook_emit(mc_db *db, long long account_id, const char *event,
                                    const char *case_ref, const char *data_json);
/* Delete, in db's open transaction, every delivery of case_ref not yet
 * delivered (queued, waiting for a retry, or being sent: one in flight is
 * not recorded), with its attempts: nothing more about a case that has
 * become confidential leaves the site. */
MC_API apr_status_t mc_webhook_drop_case(mc_db *db, const char *case_ref);

#endif
