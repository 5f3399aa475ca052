/* signup.h: what the files of "Create an account" share (signup.c the
 * wizard, signup_pending.c the registration in progress). Private to the
 * registration plugin. */
#ifndef MC_REG_SIGNUP_H
#define MC_REG_SIGNUP_H

#include "registration.h"

/* A registration in progress. */
typedef struct mc_reg_pend {
    long long id;
    int step;       /* the last step completed (0: none) */
    apr_table_t *f; /* saved fields */
} mc_reg_pend;

/* signup_pending.c. */
/* The pending registration's cookie: value for max_age seconds. */
void mc_reg_pending_cookie(mc_req *mr, const char *value, long max_age);
/* The registration the request's cookie names, with its saved fields (in
 * r->pool); *out NULL when there is none or it has expired. */
apr_status_t mc_reg_pending_load(mc_req *mr, mc_db *db, mc_reg_pend **out);
/* A new one (expired ones tidied first), its cookie set. */
apr_status_t mc_reg_pending_create(mc_req *mr, mc_db *db, mc_reg_pend **out);
/* Delete pd and clear its cookie. */
apr_status_t mc_reg_pending_drop(mc_req *mr, mc_db *db, mc_reg_pend *pd);
/* Save name = value (in the table too). */
apr_status_t mc_reg_pending_put(mc_db *db, mc_reg_pend *pd, const char *name, const char *value);
/* Save n fields and mark step done, in one transaction. */
apr_status_t mc_reg_pending_save(mc_req *mr, mc_reg_pend *pd, int step, const char *const *names,
                                 const char *const *values, int n);
#endif
