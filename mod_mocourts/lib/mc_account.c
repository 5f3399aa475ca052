/* mc_account.c: the account row's statements (mc_account.h). */
#include "mc_account.h"

apr_status_t mc_account_create(mc_db *db, const mc_account_new *a, long long *id)
{
    return mc_db_exec(db, NULL, id,
                      "INSERT INTO mc_account (username, email, password_hash, status, "
                      "email_verified, must_change_password, first_name, last_name, created_at, "
                      "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), "
                      "UTC_TIMESTAMP())",
                      "ssssiiss", a->username, a->email, a->password_hash,
                      a->status ? a->status : "active", (long long)(a->email_verified != 0),
                      (long long)(a->must_change_password != 0), a->first_name ? a->first_name : "",
                      a->last_name ? a->last_name : "");
}

apr_status_t mc_account_set_password(mc_db *db, long long account_id, const char *hash)
{
    return mc_db_exec(db, NULL, NULL,
                      "UPDATE mc_account SET password_hash = ?, must_change_password = 0, "
                      "password_changed_at = UTC_TIMESTAMP() WHERE id = ?",
                      "si", hash, account_id);
}
