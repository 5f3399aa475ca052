/* mc_efsetup: the value rules of an eFiling court set-up (docs/efiling-setup.md),
 * shared by `mocourts-admin efiling-setup` and the Security unit's pages so
 * both accept and refuse the same values. No database, no httpd. */
#ifndef MC_EFSETUP_H
#define MC_EFSETUP_H
#include <apr.h>

#define MC_EF_DOC_MIN_BYTES ((apr_int64_t)1024 * 1024)        /* 1 MB */
#define MC_EF_DOC_MAX_BYTES ((apr_int64_t)1024 * 1024 * 1024) /* 1 GB */
#define MC_EF_FEE_MAX_CENTS ((apr_int64_t)10000000)           /* $100,000.00 */
#define MC_EF_CODE_MAX 20                                     /* filing code */
#define MC_EF_NAME_MAX 200                                    /* its name, in characters */

/* A document size limit: a whole number of bytes, or of KB, MB or GB
 * (1 KB = 1024 bytes; the unit in any case, a space before it allowed), from
 * MC_EF_DOC_MIN_BYTES to MC_EF_DOC_MAX_BYTES. NULL and *bytes set when good;
 * otherwise a sentence saying why (static text, no trailing period). */
const char *mc_efsetup_size(const char *s, apr_int64_t *bytes);

/* A fee in dollars and cents: digits, optionally '.' and one or two digits
 * ("95", "95.5", "95.00"), at most MC_EF_FEE_MAX_CENTS. NULL and *cents set
 * when good; otherwise why (static text). */
const char *mc_efsetup_fee(const char *s, apr_int64_t *cents);

/* 1 when s is a filing code: 1 to MC_EF_CODE_MAX upper-case letters, digits
 * and '-', starting with a letter or digit. */
int mc_efsetup_code_ok(const char *s);
#endif
