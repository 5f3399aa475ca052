/* Unit tests of mc_captcha_wav: the spoken CAPTCHA is a well-formed WAV of
 * a plausible length, different each time, refused for phrases outside the
 * alphabet, and safe to call from several threads at once (the synthesiser
 * is serialised inside). */
#include <apr_general.h>
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mc_captcha.h"
#include "unit_fixture.h"

static unsigned get16(const unsigned char *b)
{
    return b[0] | b[1] << 8;
}

static unsigned get32(const unsigned char *b)
{
    return get16(b) | get16(b + 2) << 16;
}

/* Seconds of sound in a WAV checked for the header mc_captcha_wav promises. */
static double check_wav(const unsigned char *w, apr_size_t len)
{
    ck_assert_uint_gt(len, 44);
    ck_assert(!memcmp(w, "RIFF", 4) && !memcmp(w + 8, "WAVEfmt ", 8) && !memcmp(w + 36, "data", 4));
    ck_assert_uint_eq(get32(w + 4), len - 8);
    ck_assert_uint_eq(get32(w + 16), 16);
    ck_assert_uint_eq(get16(w + 20), 1);  /* PCM */
    ck_assert_uint_eq(get16(w + 22), 1);  /* mono */
    ck_assert_uint_eq(get16(w + 34), 16); /* bits */
    ck_assert_uint_eq(get32(w + 28), get32(w + 24) * 2);
    ck_assert_uint_eq(get32(w + 40), len - 44);
    ck_assert_uint_ge(get32(w + 24), 8000);
    return (double)(len - 44) / get32(w + 28);
}

START_TEST(test_wav_of_a_phrase)
{
    unsigned char *a, *b;
    apr_size_t alen, blen;
    double secs;
    ck_assert_int_eq(mc_captcha_wav(mc_test_pool, "KM3ZW9", &a, &alen), APR_SUCCESS);
    secs = check_wav(a, alen);
    /* An instruction and six characters, each with its word: seconds, not
     * a blip and not a minute. */
    ck_assert_msg(secs > 4 && secs < 30, "%.1f s", secs);
    /* Not silence: some samples are loud. */
    {
        apr_size_t i, loud = 0;
        for (i = 44; i + 1 < alen; i += 2)
            loud += abs((short)get16(a + i)) > 3000;
        ck_assert_uint_gt(loud, 1000);
    }
    /* The same phrase again: different samples (voice and noise vary). */
    ck_assert_int_eq(mc_captcha_wav(mc_test_pool, "KM3ZW9", &b, &blen), APR_SUCCESS);
    check_wav(b, blen);
    ck_assert(alen != blen || memcmp(a + 44, b + 44, alen - 44));
    /* A longer phrase takes longer. */
    ck_assert_int_eq(mc_captcha_wav(mc_test_pool, "KM", &b, &blen), APR_SUCCESS);
    ck_assert_double_lt(check_wav(b, blen), secs);
}
END_TEST

START_TEST(test_wav_refusals)
{
    static const char *const bad[] = {"",          "km3zw9", "AB1CD",    "ABOQ",
                                      "ABCDEFGHJ", "AB CD",  "A\xC3\x89"};
    unsigned char *w = NULL;
    apr_size_t len = 0;
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(mc_captcha_wav(mc_test_pool, bad[i], &w, &len) == APR_EINVAL, "accepted #%zu",
                      i);
}
END_TEST

static void *speak(void *arg)
{
    apr_pool_t *p;
    unsigned char *w;
    apr_size_t len;
    long ok = 1;
    int i;
    (void)arg;
    apr_pool_create(&p, NULL);
    for (i = 0; i < 3 && ok; i++)
        ok = mc_captcha_wav(p, "RT5UX", &w, &len) == APR_SUCCESS && check_wav(w, len) > 2;
    apr_pool_destroy(p);
    return (void *)ok;
}

START_TEST(test_wav_from_threads)
{
    pthread_t t[4];
    void *ok;
    int i;
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, speak, NULL), 0);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(t[i], &ok), 0);
        ck_assert_msg(ok == (void *)1, "thread %d failed", i);
    }
}
END_TEST

MC_TEST_SUITE(captcha_audio, mc_test_pool_setup, mc_test_pool_teardown, 120, test_wav_of_a_phrase,
              test_wav_refusals, test_wav_from_threads)
