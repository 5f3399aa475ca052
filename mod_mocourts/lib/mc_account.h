/* mc_account: the account row every way of creating an account, or of
 * setting its password, writes the same (ABI 1.11). Statements only: the
 * caller hashes the password first (mc_password_make in a request,
 * mc_password_hash in the admin tool), outside its transaction, and writes
 * its own audit row in the same transaction. */
#ifndef MC_ACCOUNT_H
#define MC_ACCOUNT_H

#include "mc_api.h"
#include "mc_db.h"

/* A new account. */
typedef struct mc_account_new {
    const char *username;
    const char *email;
    const char *password_hash; /* a hash made by the core's password helpers */
    const char *status;        /* "active" or "pending" (NULL: "active") */
    int email_verified;        /* 1: the address counts as verified */
    int must_change_password;  /* 1: the first logon asks for a new one */
    const char *first_name;    /* NULL: "" */
    const char *last_name;     /* NULL: "" */
} mc_account_new;

/* Insert the account (created_at and password_changed_at now, UTC);
 * its id in *id (may be NULL). MC_DB_EDUP when the username is taken. */
MC_API apr_status_t mc_account_create(mc_db *db, const mc_account_new *a, long long *id);
/* The account's new password hash: must_change_password cleared,
 * password_changed_at now. Ending sessions and the e-mail saying so are the
 * caller's (they differ: a change keeps the request's own session). */
MC_API apr_status_t mc_account_set_password(mc_db *db, long long account_id, const char *hash);

#endif
