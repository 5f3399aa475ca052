/* mc_captcha.h: the CAPTCHA of "Create an account" (seed 001 step 7), of
 * Group User Authentication and of Case.net's rate-limited public searches:
 * a phrase drawn into a BMP image and, as its accessible alternative, the
 * same phrase spoken (a WAV rendered by eSpeak NG, mc_captcha_audio.c); a
 * text question too, which a one-line regular expression solves, so a
 * caller offers it only under a limit of its own. Only the caller stores
 * anything. */
#ifndef MC_CAPTCHA_H
#define MC_CAPTCHA_H
#include "mc_api.h"

#include "apr_pools.h"

/* The unambiguous alphabet phrases are drawn from (no 0/O, 1/I/L, Q, 7). */
#define MC_CAPTCHA_ALPHABET "ABCDEFGHJKMNPRSTUVWXYZ2345689"

/* ABI 1.13: the label of the field where the phrase is typed. */
#define MC_CAPTCHA_LABEL "Enter the phrase that shows in the box"

/* A new random phrase of 5 or 6 characters of the alphabet. */
MC_API const char *mc_captcha_phrase(apr_pool_t *p);
/* The phrase drawn as a 24-bit BMP (each glyph scaled, shifted and warped
 * by a sine wave, with noise dots and lines). APR_EINVAL when the phrase
 * has a character outside the alphabet. */
MC_API apr_status_t mc_captcha_bmp(apr_pool_t *p, const char *phrase, unsigned char **out,
                            apr_size_t *len);
/* ABI 1.7: the phrase spoken, letter by letter with the spelling alphabet's
 * word ("K, as in kilo") after an instruction, as a WAV (16-bit PCM, mono)
 * in p, with a little noise and a speed and pitch that vary. Serialised
 * within the process (the synthesiser is not thread-safe): about 50 ms of
 * CPU. APR_EINVAL for a phrase outside the alphabet or over 8 characters,
 * APR_ENOTIMPL when the synthesiser cannot start (its data is missing;
 * logged once), APR_EGENERAL when the synthesis fails. */
MC_API apr_status_t mc_captcha_wav(apr_pool_t *p, const char *phrase, unsigned char **out,
                            apr_size_t *len);
/* ABI 1.13: a phrase as typed into a form, ready to compare: without
 * white space, letters in capitals ("" for NULL); in p. */
MC_API const char *mc_captcha_typed(apr_pool_t *p, const char *typed);
/* A simple arithmetic question in words ("What is seven plus four?") and
 * its answer in digits ("11"). */
MC_API void mc_captcha_question(apr_pool_t *p, const char **question, const char **answer);

#endif
