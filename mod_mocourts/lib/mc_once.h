/* mc_once: one-time form tokens, the idempotency keys of the forms that
 * create something (a draft, an account, a docket entry).
 *
 * A token is "<issued>.<nonce>.<mac>": issued, the UNIX time in seconds it
 * was made (decimal); nonce, 16 bytes from randombytes_buf as base64url (22
 * characters); mac, 32 lower-case hex characters: the first 16 bytes of a
 * keyed BLAKE2b (crypto_generichash) of "mc_once.<issued>.<nonce>" under
 * the key given, which the core takes from the session's anti-CSRF value.
 * A token therefore verifies only in the session it was made for, cannot be
 * made up by anyone else, and needs no table of issued tokens; what makes it
 * one-time is the claim the core stores when a form is acted on
 * (mod_mocourts_once.c). Nothing here touches a request or the database. */
#ifndef MC_ONCE_H
#define MC_ONCE_H
#include <apr_pools.h>
#include <apr_time.h>

#define MC_ONCE_MAX_CHARS 80 /* longer input is refused before any parsing */

/* A new token for key (the session's anti-CSRF value: 16..64 bytes), issued
 * at now; in p. NULL when key is NULL or of a length BLAKE2b cannot key. */
const char *mc_once_make(apr_pool_t *p, const char *key, apr_time_t now);
/* NULL when token was made by mc_once_make under key at most max_age before
 * now (and not more than five minutes after it: clocks of two nodes), else
 * why not, for the log: "no form token", "malformed form token", "form
 * token of another session or made up", "form token expired". The MAC is
 * compared in constant time. */
const char *mc_once_refusal(apr_pool_t *p, const char *key, const char *token, apr_time_t now,
                            apr_time_t max_age);
#endif
