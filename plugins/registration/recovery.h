/* recovery.h: what recovery.c (Forgot Password, Forgot Username),
 * security.c (the Security unit's tools) and signup_resend.c (Resend
 * verification, queued as they are) share. */
#ifndef MC_REG_RECOVERY_H
#define MC_REG_RECOVERY_H

#include "registration.h"

/* Reset links are valid this long (seconds; SECURITY.md: reset 1 h). */
#define MC_REG_RESET_TTL 3600

/* recovery_mail.c: queue a Forgot Password ("password", ident a username or
 * an e-mail address), Forgot Username ("username", ident an e-mail address)
 * or Resend verification ("verify", ident a username or an e-mail address)
 * request; the delivery worker's round does the rest, or this call when no
 * worker runs. The same work whatever ident names. */
apr_status_t mc_reg_recovery_queue(mc_req *mr, mc_db *db, const char *kind, const char *ident);

#endif
