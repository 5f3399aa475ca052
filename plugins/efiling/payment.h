/* payment.h: the payment providers of the eFiling plugin.
 *
 * A provider takes the fees of an envelope at submit. It is chosen on the
 * payment step of the wizard; its check() reads and checks the step's form
 * fields, its charge() runs inside the submit transaction. No card data
 * ever passes through the product: the built-in providers are a fee waiver
 * (the reason is stated and kept) and a court account (the charge is
 * recorded in mc_ef_charge with a reference the court's accounting uses). */
#ifndef MC_EF_PAYMENT_H
#define MC_EF_PAYMENT_H

#include "efiling.h"

typedef struct ef_payment_provider {
    const char *name;  /* stored in mc_ef_envelope.payment */
    const char *label; /* shown to the filer */
    /* The payment step's fields for this provider (reason: the waiver's
     * reason as sent, NULL for none): NULL when acceptable (*waiver_reason
     * then the text to keep, in p; "" for none), else a sentence for the
     * filer. */
    const char *(*check)(apr_pool_t *p, const char *reason, const char **waiver_reason);
    /* Take cents for envelope e (caller's transaction; e->number is set).
     * *ref (in the request's pool): the payment reference. */
    apr_status_t (*charge)(mc_req *mr, mc_db *db, const ef_env *e, long long cents,
                           const char **ref);
} ef_payment_provider;

/* The providers, terminated by NULL. */
extern const ef_payment_provider *const ef_payment_providers[];

/* The provider called name, or NULL. */
const ef_payment_provider *ef_payment_find(const char *name);

/* "Fee waiver", "Court account", or "None" for "none". */
const char *ef_payment_label(const char *name);

#endif
