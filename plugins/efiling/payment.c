/* payment.c: see payment.h. */
#include "payment.h"

#include "apr_lib.h"

#define WAIVER_MAX 500

static const char *waiver_check(apr_pool_t *p, const char *s, const char **waiver_reason)
{
    const char *e;
    if (!s)
        s = "";
    while (apr_isspace(*s))
        s++;
    e = s + strlen(s);
    while (e > s && apr_isspace(e[-1]))
        e--;
    if (e == s)
        return "State the reason for the fee waiver.";
    if (e - s > WAIVER_MAX)
        return "The reason for the fee waiver is too long (500 characters at most).";
    *waiver_reason = apr_pstrmemdup(p, s, e - s);
    return NULL;
}

static apr_status_t waiver_charge(mc_req *mr, mc_db *db, const ef_env *e, long long cents,
                                  const char **ref)
{
    (void)db;
    (void)cents;
    /* Nothing is taken; the reason is on the envelope for the clerk. */
    *ref = apr_pstrcat(mr->r->pool, "WAIVER-", e->number, NULL);
    return APR_SUCCESS;
}

static const char *account_check(apr_pool_t *p, const char *reason, const char **waiver_reason)
{
    *waiver_reason = "";
    return NULL;
}

static apr_status_t account_charge(mc_req *mr, mc_db *db, const ef_env *e, long long cents,
                                   const char **ref)
{
    *ref = apr_psprintf(mr->r->pool, "CA-%" APR_INT64_T_FMT "-%s", (apr_int64_t)e->id,
                        mc_random_digits(mr->r->pool, 8));
    return mc_db_exec(db, NULL, NULL,
                      "INSERT INTO mc_ef_charge (envelope_id, provider, amount_cents, reference, "
                      "at) VALUES (?, 'court_account', ?, ?, UTC_TIMESTAMP())",
                      "iis", e->id, cents, *ref);
}

static const ef_payment_provider waiver = {"waiver", "Fee waiver", waiver_check, waiver_charge};
static const ef_payment_provider court_account = {"court_account", "Court account", account_check,
                                                  account_charge};

const ef_payment_provider *const ef_payment_providers[] = {&court_account, &waiver, NULL};

const ef_payment_provider *ef_payment_find(const char *name)
{
    int i;
    for (i = 0; name && ef_payment_providers[i]; i++)
        if (!strcmp(ef_payment_providers[i]->name, name))
            return ef_payment_providers[i];
    return NULL;
}

const char *ef_payment_label(const char *name)
{
    const ef_payment_provider *pp = ef_payment_find(name);
    return pp ? pp->label : "None";
}
