/* mod_mocourts_totp.h: what the files of two-step verification share
 * (mod_mocourts_totp_state.c: on or required; mod_mocourts_totp.c: the
 * key, codes and the logon's step; mod_mocourts_totp_setup.c: My Account's
 * set-up pages). */
#ifndef MOD_MOCOURTS_TOTP_H
#define MOD_MOCOURTS_TOTP_H

#include "mod_mocourts_private.h"

#define KEY_BYTES 20 /* RFC 4226's recommended 160 bits */
#define RECOVERY_CODES 10
#define RECOVERY_CHARS 10 /* shown as two groups of 5 */

/* The request's session when it is at stage, else NULL. */
mc_session *mc_totp_session(mc_req *mr, const char *stage);
/* secret (KEY_BYTES) encrypted for account id, as mc_totp.secret holds it. */
apr_status_t mc_totp_seal(mc_req *mr, mc_db *db, long long id, const unsigned char *secret,
                          const char **out);
/* The account's key into secret: *found 0 when it has none of that kind
 * (enabled 1: on; 0: set up, not yet confirmed). */
apr_status_t mc_totp_load(mc_req *mr, mc_db *db, long long id, int enabled, unsigned char *secret,
                          int *found);
/* 1 when code is the key's within one step of now; *step: its step. */
int mc_totp_matches(const unsigned char *secret, const char *code, long long *step);
/* The key in base32 (32 characters), or NULL. */
const char *mc_totp_base32(apr_pool_t *p, const unsigned char *secret);
/* *on: two-step verification is on; *required: MoCourtsTwoStepRequired
 * names one of the account's roles. */
apr_status_t mc_totp_state(mc_req *mr, mc_db *db, long long id, int *on, int *required);
/* typed without spaces and hyphens, lower case. */
const char *mc_totp_squeezed(apr_pool_t *p, const char *typed);
/* The logon's step (stage "totp"): its page and its form. */
int mc_totp_code_get(mc_req *mr);
int mc_totp_code_post(mc_req *mr);

#endif
