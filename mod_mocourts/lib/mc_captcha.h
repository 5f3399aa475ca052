/* mc_captcha.h: the CAPTCHA of "Create an account" (seed 001 step 7) and
 * of Case.net's rate-limited public searches: a
 * phrase drawn into a BMP image, and a text question as the accessible
 * alternative. Only the caller stores anything (hashed). */
#ifndef MC_CAPTCHA_H
#define MC_CAPTCHA_H

#include "apr_pools.h"

/* The unambiguous alphabet phrases are drawn from (no 0/O, 1/I/L, Q, 7). */
#define MC_CAPTCHA_ALPHABET "ABCDEFGHJKMNPRSTUVWXYZ2345689"

/* A new random phrase of 5 or 6 characters of the alphabet. */
const char *mc_captcha_phrase(apr_pool_t *p);
/* The phrase drawn as a 24-bit BMP (each glyph scaled, shifted and warped
 * by a sine wave, with noise dots and lines). APR_EINVAL when the phrase
 * has a character outside the alphabet. */
apr_status_t mc_captcha_bmp(apr_pool_t *p, const char *phrase, unsigned char **out,
                            apr_size_t *len);
/* A simple arithmetic question in words ("What is seven plus four?") and
 * its answer in digits ("11"). */
void mc_captcha_question(apr_pool_t *p, const char **question, const char **answer);

#endif
